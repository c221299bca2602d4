"""The data package -> SQLite (sqlite-utils): one table per resource, keys, indexes, full-text search.

Types follow the Table Schemas (integer, boolean as 0/1, dates as ISO text). Full-text search uses
FTS5 with ``unicode61 remove_diacritics 0`` so that å, ä and ö stay distinct from a and o
("för" does not match "for").
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from .errors import PackageError
from .package import csv_dicts, typed
from .rows.portal import TEXT_DIR
from .state import RepoState

FTS_TOKENIZE = "unicode61 remove_diacritics 0"
FTS_COLUMNS = {
    "meetings": ["title", "description"],
    "agenda_items": ["title", "case_number", "description"],
    "documents": ["title"],
    "committees": ["name"],
    "paragraphs": ["title", "case_number", "decision", "text"],
    "summary_items": ["title", "decision"],
    "notices": ["title", "description"],
    "representatives": ["name", "party"],
    "document_pages": ["text"],
}
INDEXES = {
    "meetings": [["committee_id", "date"], ["date"], ["status"]],
    "agenda_items": [["meeting_id"], ["case_number"]],
    "documents": [["meeting_id"], ["kind"], ["sha256"]],
    "committees": [["organisation_id"]],
    "attendance": [["person_id"]],
    "reservations": [["person_id"]],
    "proposals": [["person_id"]],
    "votes": [["person_id"], ["paragraph_id", "ordinal"]],
    "vote_results": [["paragraph_id"]],
    "recusals": [["person_id"], ["paragraph_id"]],
    "people": [["organisation_id", "name"], ["kind"]],
    "notices": [["organisation_id", "posted"], ["kind", "appeal_deadline"]],
    "representatives": [["person_id"]],
}
_TYPES = {"integer": int, "number": float, "boolean": int, "string": str, "date": str}


def load_descriptor(package_dir: Path) -> dict:
    """The package's descriptor; a PackageError naming the file when it is missing or unreadable."""
    path = package_dir / "datapackage.json"
    if not path.exists():
        raise PackageError(f"{path} does not exist: run `meetings scrape` first")
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PackageError(f"{path} cannot be read: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise PackageError(f"{path} is not a JSON data package descriptor: {exc}") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise PackageError(f"{path} is not a data package descriptor (no list of resources)")
    return descriptor


def build_database(package_dir: Path, db_path: Path, *, history: bool = True) -> dict[str, int]:
    """(Re)build the database from the package. Returns row counts per table.

    When the package sits in a git repository, the history tables (``changes``, ``commits``,
    ``<resource>_versions``) are updated incrementally from its commits and copied in.
    The database is written to a temporary file and moved into place, so a server reading the old
    file never sees a half-built one."""
    descriptor = load_descriptor(package_dir)
    tmp = db_path.with_name(db_path.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    db = sqlite_utils.Database(tmp)
    counts: dict[str, int] = {}
    for resource in descriptor["resources"]:
        name, schema = resource["name"], resource["schema"]
        fields = schema["fields"]
        pk = schema["primaryKey"]
        pk = pk[0] if isinstance(pk, list) and len(pk) == 1 else pk
        columns = {f["name"]: _TYPES.get(f["type"], str) for f in fields}
        foreign_keys = [
            (fk["fields"][0] if isinstance(fk["fields"], list) else fk["fields"],
             fk["reference"]["resource"],
             fk["reference"]["fields"][0] if isinstance(fk["reference"]["fields"], list) else fk["reference"]["fields"])
            for fk in schema.get("foreignKeys", [])
        ]
        table = db[name]
        table.create(columns, pk=pk, not_null={f["name"] for f in fields if f.get("constraints", {}).get("required")},
                     foreign_keys=foreign_keys)
        types = {f["name"]: f["type"] for f in fields}
        paths = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
        # parts in time order (their names are years or months), so that rowids run oldest first
        for path in sorted(paths, key=lambda p: (Path(p).stem, p)):
            with (package_dir / path).open(encoding="utf-8", newline="") as handle:
                rows = ({k: typed(v, types[k]) for k, v in row.items() if k in types} for row in csv_dicts(handle))
                table.insert_all(rows, batch_size=1000)
        counts[name] = table.count
        for index in INDEXES.get(name, []):
            table.create_index(index, if_not_exists=True)
        for _column, _target, _other in foreign_keys:
            table.create_index([_column], if_not_exists=True)
        if name in FTS_COLUMNS:
            table.enable_fts(FTS_COLUMNS[name], tokenize=FTS_TOKENIZE, create_triggers=False, replace=True)
    counts.update(load_lookup_tables(package_dir, db, counts))
    db.conn.commit()
    db.close()
    repo_root = package_dir.resolve().parent
    state = RepoState(repo_root)
    runs = state.all_runs()
    if runs:
        counts.update(load_runs(runs, tmp))
    if history and (repo_root / ".git").exists():
        from .history import build_history, copy_history

        build_history(repo_root)
        for table in copy_history(state.history_db, tmp):
            counts[table] = sqlite_utils.Database(tmp)[table].count
    tmp.replace(db_path)
    return counts


# resources with a case_number field (possibly several, "; "-joined) -> their key column
CASE_RESOURCES = {"agenda_items": "agenda_item_id", "paragraphs": "paragraph_id"}


def case_numbers(value: str | None) -> list[str]:
    """The case numbers of a field that may hold several, ``"; "``-joined."""
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def case_key(value: str) -> str:
    """A case number as it is looked up: a-z upper-cased (as SQLite's upper() does), without spaces
    (``ks 2024/12`` finds ``KS 2024/12``)."""
    return "".join(value.translate(_ASCII_UPPER).split())


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def case_number_rows(rows) -> list[dict]:
    """(resource, record id, meeting id, organisation id, case number field) -> one row per case number."""
    return [{"case_key": case_key(number), "case_number": number, "organisation_id": organisation, "resource": resource,
             "record_id": record, "meeting_id": meeting}
            for resource, record, meeting, organisation, field in rows for number in case_numbers(field)]


def load_case_numbers(db: sqlite_utils.Database, resources: list[str]) -> int:
    """The ``case_numbers`` table: each case number of each agenda item and paragraph on a row of its
    own, with its organisation, so that a case's page and feed find its records through an index."""
    table = db["case_numbers"]
    table.create({"case_key": str, "case_number": str, "organisation_id": str, "resource": str, "record_id": str,
                  "meeting_id": str}, pk=("resource", "record_id", "case_key"))
    for resource in resources:
        found = db.execute(f"""select '{resource}', t.{CASE_RESOURCES[resource]}, t.meeting_id, c.organisation_id, t.case_number
            from {resource} t join meetings m on m.meeting_id = t.meeting_id join committees c on c.committee_id = m.committee_id
            where coalesce(t.case_number, '') != ''""")
        table.insert_all(case_number_rows(found), batch_size=1000, ignore=True)
    table.create_index(["case_key", "organisation_id"], if_not_exists=True)
    return table.count


def load_lookup_tables(package_dir: Path, db: sqlite_utils.Database, counts: dict[str, int]) -> dict[str, int]:
    """The tables the build adds for the site (``document_pages``, ``case_numbers``), from the
    tables loaded (``counts``); returns their row counts."""
    added = {}
    if "documents" in counts and "meetings" in counts:
        added["document_pages"] = load_document_pages(package_dir, db)
    if "meetings" in counts and "committees" in counts:
        added["case_numbers"] = load_case_numbers(db, [r for r in CASE_RESOURCES if r in counts])
    return added


def document_pages(text: str) -> list[tuple[int, str]]:
    """A document's text as (page number, text) per page: the stored text separates pages with a
    form feed; blank pages are left out."""
    return [(number, page.strip()) for number, page in enumerate(text.split("\f"), start=1) if page.strip()]


def load_document_pages(package_dir: Path, db: sqlite_utils.Database) -> int:
    """The ``document_pages`` table: the text of every page of every document read (from
    ``datapackage/text/``), searchable, oldest meeting first (so rowids run oldest first, as the
    site's search expects). A text file that is missing is skipped."""
    table = db["document_pages"]
    table.create({"document_id": str, "page": int, "meeting_id": str, "text": str}, pk=("document_id", "page"),
                 foreign_keys=[("document_id", "documents", "document_id")])
    documents = db.execute("""select d.document_id, d.meeting_id, d.text_path from documents d
        join meetings m on m.meeting_id = d.meeting_id where coalesce(d.text_path, '') != ''
        order by m.date, d.document_id""").fetchall()

    base = (package_dir / TEXT_DIR).resolve()

    def rows():
        for document_id, meeting_id, text_path in documents:
            path = (package_dir / text_path).resolve()
            if not path.is_relative_to(base):
                continue
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for number, page in document_pages(text):
                yield {"document_id": document_id, "page": number, "meeting_id": meeting_id, "text": page}

    table.insert_all(rows(), batch_size=500)
    table.create_index(["meeting_id"], if_not_exists=True)
    table.enable_fts(FTS_COLUMNS["document_pages"], tokenize=FTS_TOKENIZE, create_triggers=False, replace=True)
    return table.count


def health_rows(runs: list[dict]) -> list[dict]:
    """Per source: last run, last success, consecutive failures, whether it stopped yielding, and in
    its last run the meetings on the committee page (``html_meetings``), in the JSON list
    (``api_meetings``) and whether the JSON list's count differs from the listing's (``api_mismatch``)."""
    per: dict[str, dict] = {}
    for run in runs:
        for source, figures in (run.get("sources") or {}).items():
            if "meetings_listed" not in figures:
                continue
            row = per.setdefault(source, {"source": source, "runs": 0, "last_run": None, "last_success": None,
                                          "consecutive_failures": 0, "meetings_listed": None, "max_meetings_listed": 0,
                                          "html_meetings": None, "api_meetings": None, "api_mismatch": 0})
            row["runs"] += 1
            row["last_run"] = run.get("finished_at")
            failed = bool(figures.get("failures"))
            row["consecutive_failures"] = row["consecutive_failures"] + 1 if failed else 0
            if not failed:
                row["last_success"] = run.get("finished_at")
            row["meetings_listed"] = figures.get("meetings_listed")
            row["max_meetings_listed"] = max(row["max_meetings_listed"], figures.get("meetings_listed") or 0)
            row["html_meetings"], row["api_meetings"] = figures.get("html_meetings"), figures.get("api_meetings")
            row["api_mismatch"] = int(row["api_meetings"] is not None and row["api_meetings"] != row["meetings_listed"])
    for row in per.values():
        row["stale"] = int(bool(row["max_meetings_listed"]) and not row["meetings_listed"])
    return sorted(per.values(), key=lambda r: r["source"])


def host_health_rows(runs: list[dict]) -> list[dict]:
    """Per host: its figures in its last run (requests, answered 304, retries, failures, requests
    refused without asking, whether the host was stopped), and its runs in a row with failures."""
    per: dict[str, dict] = {}
    for run in runs:
        for host, figures in (run.get("sources") or {}).items():
            if "requests" not in figures or "meetings_listed" in figures:
                continue
            row = per.setdefault(host, {"host": host, "runs": 0, "consecutive_failures": 0, "last_success": None})
            row["runs"] += 1
            row["last_run"] = run.get("finished_at")
            row.update({key: figures.get(key) for key in ("requests", "not_modified", "retries", "failures", "skipped")})
            row["stopped"] = int(bool(figures.get("stopped")))
            failed = bool(figures.get("failures") or figures.get("stopped"))
            row["consecutive_failures"] = row["consecutive_failures"] + 1 if failed else 0
            if not failed:
                row["last_success"] = run.get("finished_at")
    return sorted(per.values(), key=lambda r: r["host"])


def load_runs(runs: list[dict], db_path: Path) -> dict[str, int]:
    """The run log as tables ``runs``, ``source_health`` (per committee) and ``host_health`` (per host)."""
    db = sqlite_utils.Database(db_path)
    db["runs"].insert_all(({
        "finished_at": run.get("finished_at"), "today": run.get("today"), "ok": int(bool(run.get("ok"))),
        "requests": run.get("requests"), "not_modified": run.get("not_modified"), "bytes": run.get("bytes"),
        "documents_downloaded": run.get("documents_downloaded"), "meetings_fetched": run.get("meetings_fetched"),
        "commit": run.get("commit"), "errors": len(run.get("errors") or []),
        "error_messages": json.dumps(run.get("errors") or [], ensure_ascii=False),
        "warnings": json.dumps(run.get("warnings") or [], ensure_ascii=False),
        "records": json.dumps(run.get("records") or {}, ensure_ascii=False),
        "sources": json.dumps(run.get("sources") or {}, ensure_ascii=False),
    } for run in runs), pk="finished_at", replace=True)
    health = health_rows(runs)
    if health:
        db["source_health"].insert_all(health, pk="source", replace=True)
    hosts = host_health_rows(runs)
    if hosts:
        db["host_health"].insert_all(hosts, pk="host", replace=True)
    db.close()
    return {"runs": len(runs), "source_health": len(health), "host_health": len(hosts)}
