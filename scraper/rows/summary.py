"""Rows and ids of what a plain-language summary (sammanfattning) says, from a parsed summary
(``Summary.to_dict()``)."""

from __future__ import annotations


def summary_item_id(document_id: str, ordinal: int) -> str:
    return f"{document_id}#{ordinal}"


def summary_rows(summary: dict, meeting_id: str, document_id: str) -> dict[str, list[dict]]:
    items = []
    for ordinal, item in enumerate(summary.get("items", []), 1):
        items.append({
            "summary_item_id": summary_item_id(document_id, ordinal), "meeting_id": meeting_id,
            "document_id": document_id, "ordinal": ordinal,
            "title": " ".join((item.get("title") or "").split()) or f"#{ordinal}",
            "decision": item.get("decision"), "decision_kind": item.get("decision_kind"),
            "item_number": item.get("item_number"), "section": item.get("section"),
        })
    return {"summary_items": items}
