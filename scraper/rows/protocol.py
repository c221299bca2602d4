"""Rows and ids of what a protocol says: paragraphs, attendance, reservations, proposals,
corrections, roll-call votes (their results and each member's vote) and recusals, from a parsed
protocol (``Protocol.to_dict()``); and the figures of how well it was read, for its document row."""

from __future__ import annotations

import re
from collections import Counter

from . import PROTOCOL
from .people import person_id

_PROPOSES_TO_COUNCIL = re.compile(r"föresl(?:år|å|ås)\b[^.]{0,80}\b(?:region|kommun|landstings)?fullmäktige", re.I)
_INFORMATION = re.compile(r"(?:informationen|rapporten|redovisningen)\b[^.]{0,40}\btill handlingarna"
                          r"|\binformationen (?:är )?delgiven|notera informationen", re.I)


# ---------------------------------------------------------------- ids


def paragraph_id(meeting_id: str, number: int) -> str:
    return f"{meeting_id}§{number}"


def attendance_id(meeting_id: str, name: str, role: str) -> str:
    return f"{meeting_id}/{name}/{role}"


def reservation_id(paragraph_id_: str, who: str) -> str:
    return f"{paragraph_id_}/{who}"


def proposal_id(paragraph_id_: str, ordinal: int) -> str:
    return f"{paragraph_id_}/{ordinal}"


def correction_id(document_id: str, paragraph: int) -> str:
    return f"{document_id}§{paragraph}"


def vote_result_id(paragraph_id_: str, ordinal: int) -> str:
    return f"{paragraph_id_}/{ordinal}"


def vote_id(paragraph_id_: str, ordinal: int, name: str) -> str:
    return f"{paragraph_id_}/{ordinal}/{name}"


def recusal_id(paragraph_id_: str, name: str) -> str:
    return f"{paragraph_id_}/{name}"


# ---------------------------------------------------------------- rows


def decision_kind(decision: str | None) -> str | None:
    """beslut, forslag_till_fullmaktige or information, from the wording of a decision."""
    if not decision:
        return None
    if _PROPOSES_TO_COUNCIL.search(decision):
        return "forslag_till_fullmaktige"
    if _INFORMATION.search(decision):
        return "information"
    return "beslut"


def _squashed(text: str | None) -> str:
    return " ".join((text or "").split())


def paragraph_row(para: dict, meeting_id: str, document_id: str) -> dict:
    return {
        "paragraph_id": paragraph_id(meeting_id, para["number"]), "meeting_id": meeting_id,
        "document_id": document_id, "number": para["number"],
        "title": _squashed(para.get("title")) or f"§ {para['number']}",
        "case_number": para.get("case_number"), "decision": para.get("decision"),
        "decision_kind": decision_kind(para.get("decision")),
        "immediately_adjusted": bool(para.get("immediately_adjusted")),
        "beslutsgang": para.get("beslutsgang"),
        "notes": "\n\n".join(para.get("notes") or []) or None,
        "sent_to": "; ".join(para.get("sent_to") or []) or None,
        "on_proposal_of": _squashed(para.get("on_proposal_of")) or None, "page": para.get("page"),
        "text": para.get("text") or "",
    }


def reservation_rows(para: dict, paragraph_id_: str, meeting_id: str, organisation_id: str) -> list[dict]:
    """One row per person (or party, when no name is printed) who reserved themselves."""
    rows, seen = [], set()
    for reservation in para.get("reservations", []):
        who = _squashed(reservation.get("name")) or f"({reservation.get('party') or '?'})"
        if who in seen:
            continue
        seen.add(who)
        rows.append({
            "reservation_id": reservation_id(paragraph_id_, who), "paragraph_id": paragraph_id_,
            "meeting_id": meeting_id, "name": reservation.get("name"), "party": reservation.get("party"),
            "person_id": person_id(organisation_id, _squashed(reservation.get("name"))),
        })
    return rows


def proposal_rows(para: dict, paragraph_id_: str, meeting_id: str, organisation_id: str) -> list[dict]:
    return [{
        "proposal_id": proposal_id(paragraph_id_, ordinal), "paragraph_id": paragraph_id_, "meeting_id": meeting_id,
        "ordinal": ordinal, "name": proposal.get("name"), "party": proposal.get("party"), "stance": proposal.get("stance"),
        "person_id": person_id(organisation_id, _squashed(proposal.get("name"))),
    } for ordinal, proposal in enumerate(para.get("proposals", []), 1)]


def attendance_rows(people: list[dict], meeting_id: str, document_id: str, organisation_id: str) -> list[dict]:
    """One row per name and role (the first entry wins where a protocol lists someone twice)."""
    rows, seen = [], set()
    for person in people:
        name, role = _squashed(person.get("name")), _squashed(person.get("role")) or "närvarande"
        key = attendance_id(meeting_id, name, role)
        if not name or key in seen:
            continue
        seen.add(key)
        rows.append({
            "attendance_id": key, "meeting_id": meeting_id, "document_id": document_id, "name": name,
            "party": person.get("party"), "role": role, "replaces": person.get("replaces"), "title": person.get("title"),
            "listed_under": person.get("listed_under"), "person_id": person_id(organisation_id, name),
        })
    return rows


def correction_rows(corrections: list[dict], meeting_id: str, document_id: str) -> list[dict]:
    return [{
        "correction_id": correction_id(document_id, correction["paragraph"]), "document_id": document_id,
        "meeting_id": meeting_id, "paragraph": correction["paragraph"], "description": correction.get("description"),
    } for correction in corrections]


VOTE_CHOICES = ("ja", "nej", "avstår", "frånvarande")
# The columns of vote_results for each choice: as printed, and as counted from the names.
_PRINTED = {"ja": "yes", "nej": "no", "avstår": "abstained", "frånvarande": "absent"}
_NAMED = {"ja": "named_yes", "nej": "named_no", "avstår": "named_abstained", "frånvarande": "named_absent"}


def vote_member_rows(vote: dict, paragraph_id_: str, meeting_id: str, organisation_id: str, ordinal: int) -> list[dict]:
    """One row per member named in a vote (the first entry wins where a name comes twice)."""
    rows, seen = [], set()
    for member in vote.get("members") or []:
        name = _squashed(member.get("name"))
        if not name or name in seen or member.get("vote") not in VOTE_CHOICES:
            continue
        seen.add(name)
        rows.append({
            "vote_id": vote_id(paragraph_id_, ordinal, name), "paragraph_id": paragraph_id_, "meeting_id": meeting_id,
            "ordinal": ordinal, "name": name, "party": member.get("party"), "vote": member["vote"],
            "person_id": person_id(organisation_id, name),
        })
    return rows


def counts_match(printed: dict, named: Counter | None) -> bool | None:
    """Whether the printed counts equal the names counted: ja, nej and avstår wherever a count is
    printed, frånvarande only where absent members are named (lists often leave them out). None
    when there are no names or no printed counts to compare."""
    if named is None:
        return None
    compared = [choice for choice in VOTE_CHOICES if printed.get(choice) is not None
                and (choice != "frånvarande" or named[choice])]
    return all(printed[choice] == named[choice] for choice in compared) if compared else None


def vote_result_row(vote: dict, paragraph_id_: str, meeting_id: str, ordinal: int, members: list[dict]) -> dict:
    printed = vote.get("counts") or {}
    named = Counter(row["vote"] for row in members) if members else None
    return {
        "vote_result_id": vote_result_id(paragraph_id_, ordinal), "paragraph_id": paragraph_id_, "meeting_id": meeting_id,
        "ordinal": ordinal, "kind": vote.get("kind"), "question": vote.get("question"), "yes_means": vote.get("yes_means"),
        "no_means": vote.get("no_means"), **{_PRINTED[choice]: printed.get(choice) for choice in VOTE_CHOICES},
        **{_NAMED[choice]: named[choice] if named is not None else None for choice in VOTE_CHOICES},
        "counts_match": counts_match(printed, named), "outcome": vote.get("outcome"),
        "casting_vote": bool(vote.get("casting_vote")), "warnings": "; ".join(vote.get("warnings") or []) or None,
    }


def vote_rows(para: dict, paragraph_id_: str, meeting_id: str, organisation_id: str) -> tuple[list[dict], list[dict]]:
    """The vote_results and votes rows of a paragraph's roll-call votes."""
    results, members = [], []
    for index, vote in enumerate(para.get("votes") or [], 1):
        ordinal = vote.get("ordinal") or index
        named = vote_member_rows(vote, paragraph_id_, meeting_id, organisation_id, ordinal)
        results.append(vote_result_row(vote, paragraph_id_, meeting_id, ordinal, named))
        members.extend(named)
    return results, members


def recusal_rows(para: dict, paragraph_id_: str, meeting_id: str, organisation_id: str) -> list[dict]:
    """One row per person who declared a conflict of interest (jäv) in a paragraph."""
    rows, seen = [], set()
    for recusal in para.get("recusals") or []:
        name = _squashed(recusal.get("name"))
        if not name or name in seen:
            continue
        seen.add(name)
        rows.append({
            "recusal_id": recusal_id(paragraph_id_, name), "paragraph_id": paragraph_id_, "meeting_id": meeting_id,
            "name": name, "party": recusal.get("party"), "person_id": person_id(organisation_id, name),
            "text": _squashed(recusal.get("text")) or None,
        })
    return rows


def quality_warning(quality: dict) -> str | None:
    """Why a protocol's records may be incomplete, from the parser's figures, or None."""
    warnings = []
    if quality.get("unknown_template"):
        share = quality.get("decision_share")
        warnings.append("unknown template" + (f": {round(share * 100)} % of paragraphs with a decision"
                                              if share is not None else ""))
    if quality.get("votes_mismatched"):
        warnings.append(f"{quality['votes_mismatched']} of {quality.get('votes') or '?'} votes with counts that differ "
                        "from the names")
    if quality.get("attendance_listed") and not quality.get("attendance"):
        warnings.append("attendance listed but no name read")
    return "; ".join(warnings) or None


def document_quality(protocol: dict) -> dict:
    """The fields of a protocol's document row that say how well it was read (``quality`` of the
    parsed protocol; empty when the parser gives none)."""
    quality = protocol.get("quality") or {}
    return {
        "paragraphs": quality.get("paragraphs"), "paragraphs_with_decision": quality.get("with_decision"),
        "paragraphs_with_case_number": quality.get("with_case_number"), "attendance_read": quality.get("attendance"),
        "votes_mismatched": quality.get("votes_mismatched"), "quality_warning": quality_warning(quality),
    }


def protocol_rows(protocol: dict, meeting_id: str, document_id: str, organisation_id: str) -> dict[str, list[dict]]:
    """Rows of the protocol family for one parsed protocol of a meeting of ``organisation_id``."""
    rows: dict[str, list[dict]] = {resource: [] for resource in PROTOCOL}
    for para in protocol.get("paragraphs", []):
        paragraph = paragraph_row(para, meeting_id, document_id)
        key = paragraph["paragraph_id"]
        rows["paragraphs"].append(paragraph)
        rows["reservations"].extend(reservation_rows(para, key, meeting_id, organisation_id))
        rows["proposals"].extend(proposal_rows(para, key, meeting_id, organisation_id))
        results, members = vote_rows(para, key, meeting_id, organisation_id)
        rows["vote_results"].extend(results)
        rows["votes"].extend(members)
        rows["recusals"].extend(recusal_rows(para, key, meeting_id, organisation_id))
    rows["attendance"] = attendance_rows(protocol.get("attendance", []), meeting_id, document_id, organisation_id)
    rows["corrections"] = correction_rows(protocol.get("corrections", []), meeting_id, document_id)
    return rows
