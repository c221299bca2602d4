"""The parse result: a protocol, its paragraphs, attendance, signatures and corrections."""

from __future__ import annotations

from dataclasses import dataclass, field


class ProtocolParseError(ValueError):
    """The input cannot be parsed at all (it is not text)."""


@dataclass
class Reservation:
    name: str | None
    party: str | None

    def to_dict(self) -> dict:
        return {"name": self.name, "party": self.party}


@dataclass
class Proposal:
    name: str | None
    party: str | None
    stance: str

    def to_dict(self) -> dict:
        return {"name": self.name, "party": self.party, "stance": self.stance}


@dataclass
class VoteMember:
    name: str
    party: str | None
    vote: str

    def to_dict(self) -> dict:
        return {"name": self.name, "party": self.party, "vote": self.vote}


VOTE_CHOICES = ("ja", "nej", "avstår", "frånvarande")


@dataclass
class Vote:
    """A roll-call vote (votering, omröstning) in a paragraph, as printed.

    `kind` is "open" (by name, the rule) or "closed" (sluten omröstning: no
    names). `question` is what was put to the vote, `yes_means` and
    `no_means` what a yes and a no stand for; `counts` the printed numbers
    per choice (`VOTE_CHOICES`; None where none is printed); `outcome` the
    sentence saying what the vote decided; `members` each member's vote.
    `warnings` say what could not be read, or where the printed counts and
    the names read disagree.
    """

    ordinal: int
    kind: str = "open"
    question: str | None = None
    yes_means: str | None = None
    no_means: str | None = None
    counts: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(VOTE_CHOICES))
    outcome: str | None = None
    casting_vote: bool = False
    members: list[VoteMember] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "ordinal": self.ordinal,
            "kind": self.kind,
            "question": self.question,
            "yes_means": self.yes_means,
            "no_means": self.no_means,
            "counts": {choice: self.counts.get(choice) for choice in VOTE_CHOICES},
            "outcome": self.outcome,
            "casting_vote": self.casting_vote,
            "members": [m.to_dict() for m in self.members],
            "warnings": list(self.warnings),
        }


@dataclass
class Recusal:
    """A member who declared a conflict of interest (jäv) in the paragraph; `text` is the sentence as printed."""

    name: str | None
    party: str | None
    text: str

    def to_dict(self) -> dict:
        return {"name": self.name, "party": self.party, "text": self.text}


@dataclass
class Paragraph:
    number: int
    title: str | None
    case_number: str | None = None
    decision: str | None = None
    text: str = ""
    reservations: list[Reservation] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    beslutsgang: str | None = None
    sent_to: list[str] = field(default_factory=list)
    immediately_adjusted: bool = False
    on_proposal_of: str | None = None
    page: int | None = None
    votes: list[Vote] = field(default_factory=list)
    recusals: list[Recusal] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "case_number": self.case_number,
            "decision": self.decision,
            "text": self.text,
            "reservations": [r.to_dict() for r in self.reservations],
            "proposals": [p.to_dict() for p in self.proposals],
            "notes": list(self.notes),
            "beslutsgang": self.beslutsgang,
            "sent_to": list(self.sent_to),
            "immediately_adjusted": self.immediately_adjusted,
            "on_proposal_of": self.on_proposal_of,
            "page": self.page,
            "votes": [v.to_dict() for v in self.votes],
            "recusals": [r.to_dict() for r in self.recusals],
        }


@dataclass
class Attendee:
    name: str
    party: str | None
    role: str
    replaces: str | None = None
    title: str | None = None
    listed_under: str | None = None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "party": self.party,
            "role": self.role,
            "replaces": self.replaces,
            "title": self.title,
            "listed_under": self.listed_under,
        }


@dataclass
class Correction:
    paragraph: int
    description: str

    def to_dict(self) -> dict:
        return {"paragraph": self.paragraph, "description": self.description}


@dataclass
class Signatures:
    sekreterare: str | None = None
    ordforande: str | None = None
    justerare: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "sekreterare": self.sekreterare,
            "ordförande": self.ordforande,
            "justerare": list(self.justerare),
        }


@dataclass
class Quality:
    """How much of a protocol was read: a measure of how well the parser knows its template.

    `attendance` counts the people read, `attendance_listed` says whether an
    attendance list was found at all; `votes_mismatched` counts votes whose
    printed counts and names disagree; `decision_share` is `with_decision`
    over `paragraphs`. `unknown_template` is true when the document looks
    laid out in a way the parser does not know (the protocol's warnings say why).
    """

    paragraphs: int = 0
    with_decision: int = 0
    with_case_number: int = 0
    attendance: int = 0
    attendance_listed: bool = False
    votes: int = 0
    votes_mismatched: int = 0
    decision_share: float = 0.0
    unknown_template: bool = False

    def to_dict(self) -> dict:
        return {
            "paragraphs": self.paragraphs,
            "with_decision": self.with_decision,
            "with_case_number": self.with_case_number,
            "attendance": self.attendance,
            "attendance_listed": self.attendance_listed,
            "votes": self.votes,
            "votes_mismatched": self.votes_mismatched,
            "decision_share": self.decision_share,
            "unknown_template": self.unknown_template,
        }


@dataclass
class Protocol:
    organisation: str | None = None
    committee: str | None = None
    meeting_date: str | None = None
    time: str | None = None
    place: str | None = None
    justering: str | None = None
    signatures: Signatures = field(default_factory=Signatures)
    paragraph_range_printed: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    attendance: list[Attendee] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    quality: Quality = field(default_factory=Quality)
    attendance_listed: bool = False

    def to_dict(self) -> dict:
        return {
            "kind": "protocol",
            "organisation": self.organisation,
            "committee": self.committee,
            "meeting_date": self.meeting_date,
            "time": self.time,
            "place": self.place,
            "justering": self.justering,
            "signatures": self.signatures.to_dict(),
            "paragraph_range_printed": self.paragraph_range_printed,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "attendance": [a.to_dict() for a in self.attendance],
            "corrections": [c.to_dict() for c in self.corrections],
            "warnings": list(self.warnings),
            "quality": self.quality.to_dict(),
        }
