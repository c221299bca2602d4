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
        }
