"""Parsed protocols and summaries -> package rows (paragraphs, attendance, reservations, ...)."""

from __future__ import annotations

import re
from dataclasses import asdict

from ..records import Attendance, Correction, Paragraph, Proposal, Reservation, SummaryItem

_PROPOSES_TO_COUNCIL = re.compile(r"föresl(?:år|å|ås)\b[^.]{0,80}\b(?:region|kommun|landstings)?fullmäktige", re.I)
_INFORMATION = re.compile(r"(?:informationen|rapporten|redovisningen)\b[^.]{0,40}\btill handlingarna|\binformationen (?:är )?delgiven|notera informationen", re.I)


def decision_kind(decision: str | None) -> str | None:
    """beslut, forslag_till_fullmaktige or information, from the wording of a decision."""
    if not decision:
        return None
    if _PROPOSES_TO_COUNCIL.search(decision):
        return "forslag_till_fullmaktige"
    if _INFORMATION.search(decision):
        return "information"
    return "beslut"


def _key_part(text: str | None) -> str:
    return " ".join((text or "").split())


def protocol_rows(protocol: dict, meeting_id: str, document_id: str) -> dict[str, list[dict]]:
    """Rows of the derived resources for one parsed protocol (``Protocol.to_dict()`` shape)."""
    rows: dict[str, list[dict]] = {k: [] for k in ("paragraphs", "attendance", "reservations", "proposals", "corrections")}
    for para in protocol.get("paragraphs", []):
        paragraph_id = f"{meeting_id}§{para['number']}"
        rows["paragraphs"].append(asdict(Paragraph(
            paragraph_id=paragraph_id, meeting_id=meeting_id, document_id=document_id, number=para["number"],
            title=_key_part(para.get("title")) or f"§ {para['number']}",
            case_number=para.get("case_number"), decision=para.get("decision"),
            decision_kind=decision_kind(para.get("decision")),
            immediately_adjusted=bool(para.get("immediately_adjusted")),
            beslutsgang=para.get("beslutsgang"),
            notes="\n\n".join(para.get("notes") or []) or None,
            sent_to="; ".join(para.get("sent_to") or []) or None,
            text=para.get("text") or "",
        )))
        seen: set[str] = set()
        for reservation in para.get("reservations", []):
            who = _key_part(reservation.get("name")) or f"({reservation.get('party') or '?'})"
            if who in seen:
                continue
            seen.add(who)
            rows["reservations"].append(asdict(Reservation(
                reservation_id=f"{paragraph_id}/{who}", paragraph_id=paragraph_id, meeting_id=meeting_id,
                name=reservation.get("name"), party=reservation.get("party"),
            )))
        for ordinal, proposal in enumerate(para.get("proposals", []), 1):
            rows["proposals"].append(asdict(Proposal(
                proposal_id=f"{paragraph_id}/{ordinal}", paragraph_id=paragraph_id, meeting_id=meeting_id,
                ordinal=ordinal, name=proposal.get("name"), party=proposal.get("party"), stance=proposal.get("stance"),
            )))
    seen_people: set[str] = set()
    for person in protocol.get("attendance", []):
        name, role = _key_part(person.get("name")), _key_part(person.get("role")) or "närvarande"
        attendance_id = f"{meeting_id}/{name}/{role}"
        if not name or attendance_id in seen_people:
            continue
        seen_people.add(attendance_id)
        rows["attendance"].append(asdict(Attendance(
            attendance_id=attendance_id, meeting_id=meeting_id, document_id=document_id, name=name,
            party=person.get("party"), role=role, replaces=person.get("replaces"), title=person.get("title"),
            listed_under=person.get("listed_under"),
        )))
    for correction in protocol.get("corrections", []):
        rows["corrections"].append(asdict(Correction(
            correction_id=f"{document_id}§{correction['paragraph']}", document_id=document_id, meeting_id=meeting_id,
            paragraph=correction["paragraph"], description=correction.get("description"),
        )))
    return rows


def summary_rows(summary: dict, meeting_id: str, document_id: str) -> dict[str, list[dict]]:
    items = []
    for ordinal, item in enumerate(summary.get("items", []), 1):
        items.append(asdict(SummaryItem(
            summary_item_id=f"{document_id}#{ordinal}", meeting_id=meeting_id, document_id=document_id,
            ordinal=ordinal, title=_key_part(item.get("title")) or f"#{ordinal}", decision=item.get("decision"),
            decision_kind=item.get("decision_kind"), item_number=item.get("item_number"), section=item.get("section"),
        )))
    return {"summary_items": items}
