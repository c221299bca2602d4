"""Rows and ids of what a protocol says: paragraphs, attendance, reservations, proposals and
corrections, from a parsed protocol (``Protocol.to_dict()``)."""

from __future__ import annotations

import re

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
        "text": para.get("text") or "",
    }


def reservation_rows(para: dict, paragraph_id_: str, meeting_id: str) -> list[dict]:
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
        })
    return rows


def proposal_rows(para: dict, paragraph_id_: str, meeting_id: str) -> list[dict]:
    return [{
        "proposal_id": proposal_id(paragraph_id_, ordinal), "paragraph_id": paragraph_id_, "meeting_id": meeting_id,
        "ordinal": ordinal, "name": proposal.get("name"), "party": proposal.get("party"), "stance": proposal.get("stance"),
    } for ordinal, proposal in enumerate(para.get("proposals", []), 1)]


def attendance_rows(people: list[dict], meeting_id: str, document_id: str) -> list[dict]:
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
            "listed_under": person.get("listed_under"),
        })
    return rows


def correction_rows(corrections: list[dict], meeting_id: str, document_id: str) -> list[dict]:
    return [{
        "correction_id": correction_id(document_id, correction["paragraph"]), "document_id": document_id,
        "meeting_id": meeting_id, "paragraph": correction["paragraph"], "description": correction.get("description"),
    } for correction in corrections]


def protocol_rows(protocol: dict, meeting_id: str, document_id: str) -> dict[str, list[dict]]:
    """Rows of the protocol family for one parsed protocol."""
    rows: dict[str, list[dict]] = {"paragraphs": [], "attendance": [], "reservations": [], "proposals": [], "corrections": []}
    for para in protocol.get("paragraphs", []):
        paragraph = paragraph_row(para, meeting_id, document_id)
        rows["paragraphs"].append(paragraph)
        rows["reservations"].extend(reservation_rows(para, paragraph["paragraph_id"], meeting_id))
        rows["proposals"].extend(proposal_rows(para, paragraph["paragraph_id"], meeting_id))
    rows["attendance"] = attendance_rows(protocol.get("attendance", []), meeting_id, document_id)
    rows["corrections"] = correction_rows(protocol.get("corrections", []), meeting_id, document_id)
    return rows
