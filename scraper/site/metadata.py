"""Datasette metadata built from the data package and the database: titles, descriptions of every
table and column, licence, sources, facets, sort orders and the canned queries.

The package's Table Schemas are the source of the descriptions (English, with the Swedish terms).
Tables that are in the database but not in the package (the history tables written by
``meetings build``) get the descriptions below. Facets and canned queries are only configured for
columns and tables that exist, so the metadata always matches the database it was built for.
"""

from __future__ import annotations

from html import escape

from .queries import Tables, canned_queries

FACETS = {
    "organisations": ["kind", "country"],
    "committees": ["organisation_id"],
    "meetings": ["committee_id", "status", "protocol_published"],
    "documents": ["kind", "text_status"],
    "paragraphs": ["decision_kind", "immediately_adjusted", "meeting_id"],
    "summary_items": ["decision_kind", "meeting_id"],
    "attendance": ["party", "role", "meeting_id"],
    "reservations": ["party", "meeting_id"],
    "proposals": ["party", "stance"],
    "corrections": ["meeting_id"],
    "votes": ["vote", "party", "meeting_id"],
    "vote_results": ["kind", "counts_match", "casting_vote"],
    "recusals": ["party", "meeting_id"],
    "people": ["organisation_id", "kind", "party"],
    "changes": ["resource", "kind", "committee_id"],
    "commits": ["author"],
    "notices": ["organisation_id", "kind", "type", "committee_id"],
    "representatives": ["committee_id", "party", "role"],
}
SORT = {
    "meetings": ("sort_desc", "date"),
    "agenda_items": ("sort", "agenda_item_id"),
    "documents": ("sort", "document_id"),
    "paragraphs": ("sort", "paragraph_id"),
    "people": ("sort", "person_id"),
    "changes": ("sort_desc", "committed_at"),
    "commits": ("sort_desc", "committed_at"),
    "notices": ("sort_desc", "posted"),
    "representatives": ("sort", "name"),
}
LABELS = {
    "organisations": "name", "committees": "name", "meetings": "title", "agenda_items": "title",
    "documents": "title", "paragraphs": "title", "summary_items": "title", "attendance": "name",
    "votes": "name", "recusals": "name", "people": "name",
    "notices": "title", "representatives": "name",
}

# Tables the build adds next to the package's resources (history of the data repository).
EXTRA_TABLES = {
    "changes": {
        "title": "Changes",
        "description": "Every change to the data, from the data repository's git history: records added and "
                       "removed, and one row per changed field with its old and new value.",
        "columns": {
            "change_id": "Stable key: {short commit}:{resource}:{record_id}:{field, or added / removed}.",
            "resource": "The table of the changed record, e.g. meetings or paragraphs.",
            "record_id": "Primary key of the changed record.",
            "kind": "added, changed or removed.",
            "field": "The changed column (for kind changed).",
            "old_value": "Value before the change (for removed: the whole record as JSON).",
            "new_value": "Value after the change (for added: the whole record as JSON).",
            "commit": "The git commit (sha) in the data repository that made the change.",
            "committed_at": "Time of the commit, UTC (ISO 8601).",
            "made_by": "What made the commit: scrape (the portal changed), reparse (the parser improved and the "
                       "stored texts were read again) or manual (an edit by hand).",
            "committee_id": "The committee the record belongs to, where known.",
            "meeting_id": "The meeting the record belongs to, where known.",
        },
    },
    "commits": {
        "title": "Commits",
        "description": "The commits of the data repository that changed the data, oldest first (seq).",
        "columns": {
            "commit": "The commit's sha.",
            "parent": "Its first parent.",
            "committed_at": "Time of the commit, UTC (ISO 8601).",
            "author": "Who committed (the scheduled job is meetings-bot).",
            "message": "The commit message: what changed, per meeting.",
            "made_by": "What made the commit: scrape, reparse or manual.",
            "seq": "Position on the history line, from 0.",
        },
    },
    "document_pages": {
        "title": "Document pages",
        "description": "The text of each page of each document read (datapackage/text/, split on its form feeds), "
                       "searchable; blank pages left out.",
        "columns": {"page": "Page number in the PDF, from 1.", "text": "The page's text as extracted."},
    },
    "case_numbers": {
        "title": "Case numbers",
        "description": "Each case number (diarienummer) of each agenda item and paragraph on a row of its own, "
                       "for finding every step of a case.",
        "columns": {
            "case_key": "The case number upper-cased without spaces, as it is looked up.",
            "case_number": "The case number as printed.",
            "resource": "agenda_items or paragraphs.",
            "record_id": "Primary key of the agenda item or paragraph.",
        },
    },
    "runs": {
        "title": "Runs",
        "description": "Scrape runs: when they ran, what they fetched and what went wrong.",
        "columns": {},
    },
    "source_health": {
        "title": "Health of each listing",
        "description": "Per committee listing: its last run and last success, runs in a row with failures, and "
                       "whether it stopped listing meetings.",
        "columns": {},
    },
    "host_health": {
        "title": "Health of each host",
        "description": "Per portal host: its figures in its last run (requests, answered 304, retries, failures, "
                       "requests refused without asking, whether the run stopped asking it) and runs in a row with failures.",
        "columns": {
            "host": "The portal's host (and port).",
            "stopped": "1 when the run stopped asking this host (too many failures in a row, a block page, an unreadable robots.txt).",
            "consecutive_failures": "Runs in a row, up to the last, in which the host failed a request or was stopped.",
            "last_success": "The last run in which the host answered without a failure.",
        },
    },
}
VERSION_COLUMNS = {
    "version_id": "Stable key of this version.",
    "record_id": "Primary key of the record.",
    "version": "Version number of the record, from 1.",
    "version_kind": "added, changed or removed: what this commit did to the record.",
    "kind": "added, changed or removed: what this commit did to the record.",
    "commit": "The git commit (sha) that made this version.",
    "committed_at": "Time of the commit, UTC (ISO 8601).",
}


def _resource_tables(descriptor: dict) -> dict[str, dict]:
    out = {}
    for resource in descriptor.get("resources", []):
        out[resource["name"]] = {
            "title": resource.get("title", resource["name"]),
            "description": resource.get("description", ""),
            "columns": {f["name"]: f.get("description", "") for f in resource["schema"]["fields"]},
        }
    return out


def _described(descriptor: dict, tables: Tables) -> dict[str, dict]:
    described = _resource_tables(descriptor)
    for name, info in EXTRA_TABLES.items():
        described.setdefault(name, info)
    for name in list(tables):
        base = name.removesuffix("_versions")
        if name.endswith("_versions") and base in described and name not in described:
            columns = dict(VERSION_COLUMNS)
            for column in tables[name]:
                if column not in columns:
                    columns[column] = described[base]["columns"].get(column) or f"{column} of the record in this version."
            described[name] = {
                "title": f"{described[base]['title']}: versions",
                "description": f"Every version of every record of {base} in the data repository's history "
                               "(added, changed, removed), with the commit that made it. Values are text as in the CSV.",
                "columns": columns,
            }
    return described


def _sources_html(descriptor: dict) -> str:
    sources = descriptor.get("sources") or []
    if not sources:
        return ""
    links = ", ".join(
        f'<a href="{escape(s["path"])}">{escape(s.get("title") or s["path"])}</a>' if s.get("path") else escape(s.get("title", ""))
        for s in sources
    )
    return f"<p>Sources: {links}.</p>"


def description_html(descriptor: dict) -> str:
    parts = [f"<p>{escape(descriptor.get('description') or '')}</p>", _sources_html(descriptor)]
    parts.append(
        "<p>Start with the <a href=\"/-/activity\">activity chart</a>, the canned queries below "
        "(search, latest decisions, meetings without a protocol, what changed this week) or the feeds: "
        "new decisions, protocols and agendas as Atom, meetings as a calendar (iCal). "
        "Every table can be downloaded as CSV or JSON; the whole data package is under Downloads.</p>"
    )
    return "\n".join(p for p in parts if p)


def build_metadata(descriptor: dict, database_name: str = "meetings", tables: Tables | None = None) -> dict:
    """Datasette metadata for ``database_name`` built from the package ``descriptor``.

    ``tables`` (name -> column names) describes the database; without it the package's resources are
    assumed to be the tables."""
    if tables is None:
        tables = {r["name"]: {f["name"] for f in r["schema"]["fields"]} for r in descriptor.get("resources", [])}
    licence = (descriptor.get("licenses") or [{}])[0]
    sources = descriptor.get("sources") or []
    described = _described(descriptor, tables)
    table_meta = {}
    for name, columns in tables.items():
        if name not in described:
            continue
        info = described[name]
        table = {
            "title": info["title"],
            "description": info["description"],
            "columns": {c: d for c, d in info["columns"].items() if c in columns and d},
        }
        if LABELS.get(name) in columns:
            table["label_column"] = LABELS[name]
        facets = [f for f in FACETS.get(name, []) if f in columns]
        if facets:
            table["facets"] = facets
        if name in SORT and SORT[name][1] in columns:
            key, column = SORT[name]
            table[key] = column
        table_meta[name] = table
    source_titles = [s.get("title") or s.get("path") for s in sources]
    return {
        "title": descriptor.get("title"),
        "description_html": description_html(descriptor),
        "license": licence.get("title") or licence.get("name"),
        "license_url": licence.get("path"),
        "source": source_titles[0] if len(sources) == 1 else "Meetings Plus portals" + (
            f" ({len(sources)})" if sources else ""),
        "source_url": sources[0].get("path") if len(sources) == 1 else descriptor.get("homepage"),
        "about": "meetings-open-data",
        "about_url": descriptor.get("homepage"),
        "plugins": {"meetings-site": {"database": database_name}},
        "databases": {
            database_name: {
                "title": descriptor.get("title"),
                "description_html": description_html(descriptor),
                "license": licence.get("title") or licence.get("name"),
                "license_url": licence.get("path"),
                "tables": table_meta,
                "queries": canned_queries(tables, database_name),
            }
        },
    }
