"""Datasette metadata built from the data package: titles, licence, source, descriptions."""

from __future__ import annotations

FACETS = {
    "meetings": ["committee_id", "status"],
    "agenda_items": ["meeting_id"],
    "documents": ["kind", "text_status"],
    "committees": ["organisation_id"],
}
SORT = {"meetings": "date", "agenda_items": "agenda_item_id", "documents": "document_id"}
LABELS = {"organisations": "name", "committees": "name", "meetings": "title", "agenda_items": "title", "documents": "title"}


def build_metadata(descriptor: dict, database_name: str = "meetings") -> dict:
    licence = (descriptor.get("licenses") or [{}])[0]
    sources = descriptor.get("sources") or []
    tables = {}
    for resource in descriptor["resources"]:
        name = resource["name"]
        table = {
            "title": resource.get("title", name),
            "description": resource.get("description", ""),
            "columns": {f["name"]: f.get("description", "") for f in resource["schema"]["fields"]},
            "label_column": LABELS.get(name),
        }
        if name in FACETS:
            table["facets"] = FACETS[name]
        if name in SORT:
            table["sort_desc" if name == "meetings" else "sort"] = SORT[name]
        tables[name] = {k: v for k, v in table.items() if v is not None}
    return {
        "title": descriptor.get("title"),
        "description": descriptor.get("description"),
        "license": licence.get("name"),
        "license_url": licence.get("path"),
        "source": sources[0]["title"] if len(sources) == 1 else "Meetings Plus portals",
        "source_url": sources[0]["path"] if len(sources) == 1 else descriptor.get("homepage"),
        "about": "meetings-open-data",
        "about_url": descriptor.get("homepage"),
        "databases": {database_name: {"tables": tables}},
    }
