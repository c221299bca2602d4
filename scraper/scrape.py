"""One scrape run: fetch -> parse -> records -> validate -> write the package -> commit.

The run starts from the last commit's tables and replaces only what it fetched successfully:

- a committee whose meeting list could not be fetched or recognised keeps all its meetings;
- a meeting whose page failed keeps its agenda items and documents;
- a meeting is removed only when its committee's list was fetched, recognised and no longer lists
  it; an upcoming meeting that disappears is kept and marked cancelled;
- a listing that suddenly lists far fewer meetings than before is treated as a failure.

The new package is written to a temporary directory, validated as a whole, and only then moved
into place and committed: a crash leaves the last good commit as it was.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from . import changes as changes_mod
from .config import Portal
from .documents import text as text_mod
from .errors import FetchError, MeetingsError, ParseError, RepoError
from .documents import records as doc_records
from .package import (
    DERIVED, PACKAGE_DIR, SCHEMAS_DIR, LazyTables, PackageInfo, Row, Tables, columns, copy_tables, csv_header_matches,
    open_tables, read_text, resources, row_key, swap_into_place, text_path, to_table_row, write_package,
)
from .portal import api, pages
from .portal.http import HttpClient, Response
from .validate import Problem, drop_orphans, validate_package, validate_rows
from .vcs import commit_package, open_repo, package_tree, restore_package

STATE_DIR = ".meetings"
LARGE_FILE = 50_000_000  # bytes: GitHub warns about a file over 50 MB and refuses one over 100 MB
SHRINK_GUARD = 0.5  # a listing with fewer than half the meetings it had (of at least 4) is a failure


@dataclass
class RunReport:
    requests: int = 0
    bytes: int = 0
    not_modified: int = 0
    documents_downloaded: int = 0
    documents_extracted: int = 0
    records: dict[str, dict[str, int]] = field(default_factory=dict)
    commit: str | None = None
    changes: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    invalid: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sources: dict[str, dict] = field(default_factory=dict)
    fetched_meetings: list[str] = field(default_factory=list)
    pending_meetings: int = 0
    quarantined: list[str] = field(default_factory=list)

    def error(self, url: str | None, stage: str, message: str, source: str | None = None) -> None:
        self.errors.append({"url": url, "stage": stage, "message": message, **({"source": source} if source else {})})
        if source:
            self.sources.setdefault(source, _source_stats())["failures"] += 1

    @property
    def ok(self) -> bool:
        return not self.errors and not self.invalid

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "requests": self.requests,
            "bytes": self.bytes,
            "not_modified": self.not_modified,
            "documents_downloaded": self.documents_downloaded,
            "documents_extracted": self.documents_extracted,
            "records": self.records,
            "commit": self.commit,
            "changes": self.changes,
            "errors": self.errors,
            "invalid": self.invalid,
            "warnings": self.warnings,
            "sources": self.sources,
            "meetings_fetched": len(self.fetched_meetings),
            "meetings_pending": self.pending_meetings,
            "quarantined": self.quarantined,
        }


def _source_stats() -> dict:
    return {"meetings_listed": 0, "meetings_fetched": 0, "failures": 0, "strategy": None}


@dataclass
class ScrapeOptions:
    repo: Path
    portals: list[Portal]
    today: date
    author: tuple[str, str] | None = None
    force_init: bool = False
    cache_dir: Path | None = None
    client_factory: Callable[[Path | None], HttpClient] | None = None
    progress: Callable[[str], None] = lambda message: None
    since: date | None = None  # only meetings on or after this date (backfill)
    until: date | None = None  # only meetings on or before this date (backfill)
    skip: frozenset[str] = frozenset()  # meeting ids already done (backfill resume)
    max_meetings: int | None = None  # fetch at most this many meeting pages in this run
    recent_days: int = 45  # meetings younger than this (or upcoming) are re-checked every run
    recheck_days: int = 7  # older meetings with a published protocol: re-checked this often


@contextmanager
def repo_lock(state_dir: Path) -> Iterator[None]:
    """An exclusive lock per data repo; a second run exits with a clear message."""
    state_dir.mkdir(parents=True, exist_ok=True)
    handle = open(state_dir / "lock", "w")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RepoError(f"another run holds the lock {state_dir / 'lock'}; try again when it has finished") from None
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


# ---------------------------------------------------------------- records from parsed pages


def meeting_status(page_cancelled: bool, when: date, today: date) -> str:
    if page_cancelled:
        return "cancelled"
    return "upcoming" if when >= today else "held"


def meeting_records(committee_id: str, ref: pages.MeetingRef | None, page: pages.MeetingPage, today: date,
                    api_dates: dict[int, date] | None = None) -> tuple[dict, list[dict], list[dict]]:
    """The meeting, agenda item and document rows of one parsed meeting page."""
    when = (ref.date if ref else None) or page.date
    if when is None and page.portal_meeting_id and api_dates:
        when = api_dates.get(page.portal_meeting_id)
    if when is None:
        raise ParseError(page.url, "no meeting date: not in the list's aria-label/text, the page title or the JSON API")
    meeting_id = f"{committee_id}/{page.slug}"
    items, documents = [], []
    for entry in page.agenda_items:
        item_id = f"{meeting_id}#{entry.ordinal}"
        items.append({
            "agenda_item_id": item_id, "meeting_id": meeting_id, "ordinal": entry.ordinal, "number": entry.number,
            "title": entry.title, "case_number": "; ".join(entry.case_numbers) or None, "description": entry.description,
        })
        for link in entry.attachments:
            documents.append(_document_row(meeting_id, link, item_id))
    for link in page.documents:
        documents.append(_document_row(meeting_id, link, None))
    seen, unique_docs = set(), []
    for doc in documents:
        if doc["document_id"] not in seen:
            seen.add(doc["document_id"])
            unique_docs.append(doc)
    has_agenda = bool(page.agenda_items) or any(d["kind"] == "kallelse" for d in unique_docs)
    meeting = {
        "meeting_id": meeting_id,
        "committee_id": committee_id,
        "slug": page.slug,
        "title": page.title,
        "date": when,
        "start_time": page.start_time,
        "status": meeting_status(page.cancelled, when, today),
        "agenda_published": has_agenda and not page.agenda_missing,
        "protocol_published": any(d["kind"] == "protokoll" for d in unique_docs),
        "agenda_item_count": len(items),
        "document_count": len(unique_docs),
        "portal_meeting_id": page.portal_meeting_id or (ref.portal_meeting_id if ref else None),
        "url": page.url,
        "description": page.description,
    }
    return meeting, items, unique_docs


_DOC_FILE_FIELDS = ("content_type", "bytes", "sha256", "pages", "text_status", "text_path")
_PARTIAL_PROTOCOL = re.compile(r"§|\bss-?\d|omedelbar|utdrag|bilaga|reservation|omröstning", re.I)


def _processing_order(doc: dict) -> tuple[int, str]:
    """Main protocols first, so paragraphs repeated in partial protocols (§ N, omedelbar justering) defer to it."""
    if doc["kind"] != "protokoll":
        return (2, doc["document_id"])
    partial = bool(_PARTIAL_PROTOCOL.search(doc["title"]) or _PARTIAL_PROTOCOL.search(doc["document_id"].rsplit("/", 1)[-1]))
    return (1 if partial else 0, doc["document_id"])


def _document_row(meeting_id: str, link: pages.DocumentLink, item_id: str | None) -> dict:
    return {
        "document_id": f"{meeting_id}/{link.area}/{link.file_slug}",
        "meeting_id": meeting_id,
        "agenda_item_id": item_id,
        "kind": link.kind,
        "title": link.title,
        "url": link.url,
        "text_status": "not_downloaded",
    }


# ---------------------------------------------------------------- the run


def is_due(old: dict, when: date, today: date, last_checked: str | None, recent_days: int, recheck_days: int) -> bool:
    """Re-check cadence: upcoming, recent and protocol-less meetings every run; older meetings with
    a protocol every ``recheck_days`` days. Each such meeting has its own day in that cycle (from a
    digest of its id), so the archive is re-checked a slice a day instead of all at once, and a
    run's cost does not grow with the archive."""
    if old["status"] == "upcoming" or (today - when).days <= recent_days or old["protocol_published"] != "true":
        return True
    if last_checked is None:
        return True
    age = (today - date.fromisoformat(last_checked)).days
    if age >= recheck_days:
        return True
    return age >= 1 and recheck_day(old.get("meeting_id", ""), recheck_days) == today.toordinal() % recheck_days


def recheck_day(meeting_id: str, recheck_days: int) -> int:
    """The meeting's day in a cycle of ``recheck_days`` days (the same on every machine and run)."""
    return int.from_bytes(hashlib.sha256(meeting_id.encode("utf-8")).digest()[:4], "big") % max(recheck_days, 1)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the code and schemas that turn pages into records: a meeting seen unchanged
    under other code is read again, so a parser fix reaches every meeting that is checked."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*root.glob("portal/*.py"), root / "scrape.py", root / "package.py", *SCHEMAS_DIR.glob("*.json")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def row_digest(resource: str, row: Row) -> str:
    return hashlib.sha256("\x1f".join(row[name] for name in columns(resource)).encode("utf-8")).hexdigest()[:20]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Run:
    """State of one scrape run over several portals."""

    def __init__(self, options: ScrapeOptions, client: HttpClient, old: LazyTables, package_dir: Path):
        self.options = options
        self.client = client
        self.old = old  # the package as committed, each table read when first used
        self.new: LazyTables = copy_tables(old)  # what this run makes of it
        self.package_dir = package_dir
        self.texts: dict[str, str] = {}  # texts extracted in this run; the others stay as they are on disk
        self._old_index: dict[str, dict[str, set[str]]] = {}  # resource -> meeting id -> keys of old rows
        self._put_keys: dict[str, dict[str, set[str]]] = {}  # resource -> meeting id -> keys put in this run
        self.report = RunReport()
        self.responses: dict = {}
        self.pending: dict[str, dict[str, str | None]] = {}  # resource -> key -> source URL, to validate
        self.quarantine_dir: Path | None = None
        self.checked: dict[str, str] = {}
        self.previous_checks: dict[str, str] = {}
        self.refetch: set[str] = set()
        self.previous_refetch: set[str] = set()
        self.confirm: dict[str, str] = {}  # document id -> sha256 of a held-back version
        self.previous_confirm: dict[str, str] = {}  # meetings whose documents failed: due again next run
        self.agenda_strategies: dict[str, str] = {}
        self.previous_strategies: dict[str, str] = {}
        # What each meeting looked like when it was last read into the committed package (page and
        # document digests, its row); see ``seen_unchanged``. ``prints``: this run's, for save_state.
        self.previous_prints: dict[str, dict] = {}
        self.prints: dict[str, dict | None] = {}
        self._prefetched: dict[str, Response | FetchError] = {}

    # --- helpers -------------------------------------------------------

    def fetch(self, url: str, source: str) -> str | None:
        try:
            response = self.client.get(url)
        except FetchError as exc:
            self.report.error(url, "fetch", exc.reason, source)
            return None
        self.responses[url] = response
        return response.text

    def parse_failed(self, exc: ParseError, source: str) -> None:
        """Report a page that did not parse and keep a copy of it for a maintainer to turn into a fixture."""
        self.report.error(exc.url, "parse", exc.reason, source)
        response = self.responses.get(exc.url)
        if response is None or self.quarantine_dir is None:
            return
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", exc.url.split("://", 1)[-1])[:120]
        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        (self.quarantine_dir / f"{name}.body").write_bytes(response.content)
        (self.quarantine_dir / f"{name}.json").write_text(json.dumps({
            "url": exc.url, "reason": exc.reason, "status": response.status, "headers": response.headers,
        }, ensure_ascii=False, indent=2))
        self.report.quarantined.append(str(self.quarantine_dir / f"{name}.body"))

    def _put(self, resource: str, record: dict, url: str | None) -> None:
        """Put a record into the new tables. A row equal to the one already in the package was
        validated when it was written; any other row is validated with its resource's other new rows
        in ``validate_pending`` before anything is written."""
        row = to_table_row(resource, record)
        key = row_key(resource, row)
        old = self.old[resource].get(key)
        if old == row:
            self.new[resource][key] = old  # the very row read: unchanged rows stay shared with the old table
        else:
            self.new[resource][key] = row
            self.pending.setdefault(resource, {})[key] = url
        if resource != "meetings" and row.get("meeting_id"):
            self._put_keys.setdefault(resource, {}).setdefault(row["meeting_id"], set()).add(key)

    def _old_keys(self, resource: str, meeting_id: str) -> set[str]:
        """Keys of a meeting's rows in the old table (an index built on first use, not a scan per meeting)."""
        index = self._old_index.get(resource)
        if index is None:
            index = self._old_index[resource] = {}
            for key, row in self.old[resource].items():
                index.setdefault(row["meeting_id"], set()).add(key)
        return index.get(meeting_id, set())

    def _children(self, resource: str, meeting_id: str) -> list[str]:
        table = self.new[resource]
        keys = self._old_keys(resource, meeting_id) | self._put_keys.get(resource, {}).get(meeting_id, set())
        return sorted(k for k in keys if k in table and table[k]["meeting_id"] == meeting_id)

    def _drop_meeting(self, meeting_id: str, resources: tuple[str, ...] = ("agenda_items", "documents", *DERIVED)) -> None:
        self.new["meetings"].pop(meeting_id, None)
        for resource in resources:
            for key in self._children(resource, meeting_id):
                del self.new[resource][key]

    # --- portal ----------------------------------------------------------

    def portal(self, portal: Portal) -> None:
        self.client.set_host_delay(portal.base_url, portal.delay)
        self._put("organisations", {
            "organisation_id": portal.organisation_id, "name": portal.organisation, "kind": portal.kind,
            "country": portal.country, "portal_url": portal.base_url,
        }, portal.base_url)
        slugs: list[tuple[str, str | None]]
        if portal.committees is None:
            url = f"{portal.base_url}/committees"
            html = self.fetch(url, portal.id)
            if html is None:
                return
            try:
                slugs = [(c.slug, c.name) for c in pages.parse_committee_list(html, url)]
            except ParseError as exc:
                self.parse_failed(exc, portal.id)
                return
        else:
            slugs = [(slug, None) for slug in portal.committees]
        for slug, name in slugs:
            self.options.progress(f"{portal.id}/{slug}")
            try:
                self.committee(portal, slug, name)
            except ParseError as exc:
                self.parse_failed(exc, f"{portal.id}/{slug}")

    def _listing(self, portal: Portal, slug: str, committee_id: str, source: str) -> tuple[pages.CommitteePage | None, list[pages.MeetingRef], dict[int, date]]:
        """Meetings of a committee: list page, then side menus of known meetings, then the JSON API."""
        url = f"{portal.base_url}/committees/{slug}"
        html = self.fetch(url, source)
        if html is None:
            return None, [], {}
        page = pages.parse_committee_page(html, url)
        refs = list(page.meetings)
        stats = self.report.sources.setdefault(source, _source_stats())
        stats["strategy"] = page.strategy
        api_dates: dict[int, date] = {}
        committee_api_id = portal.committee_ids.get(slug) or page.portal_committee_id
        if refs:
            return page, refs, api_dates
        seeds: list[str] = []
        tree_links = pages.parse_meeting_links(html, url, slug)
        seeds.extend(tree_links)
        known = sorted((r for r in self.old["meetings"].values() if r["committee_id"] == committee_id), key=lambda r: r["date"], reverse=True)
        seeds.extend(r["url"] for r in known)
        if committee_api_id:
            api_url = api.committee_meetings_url(portal.base_url, committee_api_id)
            text = self.fetch(api_url, source)
            if text is not None:
                try:
                    for meeting in api.parse_committee_meetings(text, api_url):
                        if meeting.date:
                            api_dates[meeting.portal_meeting_id] = meeting.date
                            seeds.append(f"{portal.base_url}/committees/{slug}/mote-{meeting.date.isoformat()}")
                except ParseError as exc:
                    self.report.error(exc.url, "parse", exc.reason, source)
        tried: set[str] = set()
        for seed in seeds:
            if seed in tried or len(tried) >= 3:
                continue
            tried.add(seed)
            try:
                seed_html = self.client.get(seed).text
                seed_page = pages.parse_meeting_page(seed_html, seed)
            except (FetchError, ParseError):
                continue
            side = [r for r in seed_page.side_meetings if r.committee_slug == slug]
            if side:
                stats["strategy"] = "side menu of " + seed
                return page, side, api_dates
        return page, [], api_dates

    def committee(self, portal: Portal, slug: str, listed_name: str | None) -> None:
        committee_id = f"{portal.organisation_id}/{slug}"
        source = f"{portal.id}/{slug}"
        page, refs, api_dates = self._listing(portal, slug, committee_id, source)
        if page is None:
            return
        stats = self.report.sources.setdefault(source, _source_stats())
        if not refs:
            self.report.error(page.url, "parse",
                              "no meetings found: no a.accessible-table-cell rows, no side menu on a known meeting page, "
                              "no usable JSON list; keeping the meetings already known", source)
            return
        old_ids = {k for k, r in self.old["meetings"].items() if r["committee_id"] == committee_id}
        listed_ids = {f"{committee_id}/{r.slug}" for r in refs}
        if len(old_ids) >= 4 and len(listed_ids & old_ids) < SHRINK_GUARD * len(old_ids):
            self.report.error(page.url, "guard",
                              f"listing shows {len(listed_ids & old_ids)} of {len(old_ids)} known meetings; "
                              "treated as a failed fetch, nothing removed", source)
            return
        stats["meetings_listed"] = len(refs)
        self._put("committees", {
            "committee_id": committee_id, "organisation_id": portal.organisation_id, "slug": slug,
            "name": page.name or listed_name or slug.capitalize(), "url": f"{portal.base_url}/committees/{slug}",
            "portal_committee_id": portal.committee_ids.get(slug) or page.portal_committee_id,
        }, page.url)
        for ref in sorted(refs, key=lambda r: (r.date or date.min, r.url)):
            meeting_id = f"{committee_id}/{ref.slug}"
            if self.wanted(meeting_id, ref):
                if self.options.max_meetings is not None and len(self.report.fetched_meetings) >= self.options.max_meetings:
                    self.report.pending_meetings += 1
                    continue
                self.meeting(portal, committee_id, ref, api_dates, source)
        for meeting_id in sorted(old_ids - listed_ids):
            row = self.new["meetings"].get(meeting_id)
            if row is None:
                continue
            if row["status"] == "upcoming" and row["date"] >= self.options.today.isoformat():
                self.new["meetings"][meeting_id] = {**row, "status": "cancelled"}
            else:
                self._drop_meeting(meeting_id)

    def wanted(self, meeting_id: str, ref: pages.MeetingRef) -> bool:
        """Whether to fetch a listed meeting in this run: in the date range, not done yet, and due."""
        options = self.options
        old = self.old["meetings"].get(meeting_id)
        when = ref.date or (date.fromisoformat(old["date"]) if old else None)
        if when is not None and ((options.since and when < options.since) or (options.until and when > options.until)):
            return False
        if meeting_id in options.skip:
            return False
        if options.since or options.until or old is None or when is None or meeting_id in self.previous_refetch:
            return True
        return is_due(old, when, options.today, self.previous_checks.get(meeting_id), options.recent_days, options.recheck_days)

    def check_agenda_strategy(self, committee_id: str, meeting_id: str, page: pages.MeetingPage) -> None:
        """Agenda items read from markup before must not silently turn into text-heuristic items
        (or none): that means the portal changed its markup, so the page counts as unparseable."""
        before = self.previous_strategies.get(committee_id)
        if page.agenda_strategy == "structured":
            self.agenda_strategies[committee_id] = "structured"
            return
        old = self.old["meetings"].get(meeting_id)
        if page.cancelled or page.agenda_missing:
            return
        if before == "structured" and old and old["agenda_item_count"] not in ("", "0"):
            raise ParseError(page.url, f"agenda items no longer match the structured markup (strategy now: {page.agenda_strategy}); "
                                       f"keeping the {old['agenda_item_count']} items read before")

    def seen_unchanged(self, portal: Portal, meeting_id: str, ref: pages.MeetingRef, page_sha: str, source: str) -> bool:
        """Whether a due meeting is exactly as it was when it was last read into the committed
        package: the same page bytes, listing date, document bytes (each asked for conditionally)
        and meeting row, and a status that today's date does not change. Such a meeting is counted
        as checked and left as it is, without parsing its page or reading its rows. Anything else,
        or any doubt, and it is read as usual (documents already fetched here are not asked for again)."""
        last = self.previous_prints.get(meeting_id)
        old = self.old["meetings"].get(meeting_id)
        if last is None or old is None or ref.date is None or meeting_id in self.previous_refetch:
            return False
        if (last["page"] != page_sha or last["date"] != ref.date.isoformat()
                or last["download"] != sorted(portal.download) or last["row"] != row_digest("meetings", old)):
            return False
        if old["status"] != "cancelled" and old["status"] != meeting_status(False, ref.date, self.options.today):
            return False
        for url, sha in last["docs"].items():
            try:
                response = self.client.get(url)
            except FetchError as exc:
                self._prefetched[url] = exc
                return False
            self._prefetched[url] = response
            if _sha(response.content) != sha:
                return False
        for url in last["docs"]:
            response = self._prefetched.pop(url)
            if isinstance(response, Response) and not response.not_modified:
                self.report.documents_downloaded += 1
        self.report.sources[source]["meetings_fetched"] += 1
        self.report.fetched_meetings.append(meeting_id)
        self.checked[meeting_id] = self.options.today.isoformat()
        self.prints[meeting_id] = last
        return True

    def _get_document(self, url: str) -> Response:
        found = self._prefetched.pop(url, None)
        if isinstance(found, FetchError):
            raise found
        return found if found is not None else self.client.get(url)

    def meeting(self, portal: Portal, committee_id: str, ref: pages.MeetingRef, api_dates: dict[int, date], source: str) -> None:
        html = self.fetch(ref.url, source)
        if html is None:
            return
        self._prefetched.clear()
        page_sha = _sha(html.encode("utf-8"))
        if self.seen_unchanged(portal, f"{committee_id}/{ref.slug}", ref, page_sha, source):
            return
        errors_before = len(self.report.errors)
        try:
            page = pages.parse_meeting_page(html, ref.url)
            meeting, items, documents = meeting_records(committee_id, ref, page, self.options.today, api_dates)
            self.check_agenda_strategy(committee_id, meeting["meeting_id"], page)
        except ParseError as exc:
            self.parse_failed(exc, source)
            return
        self.report.sources[source]["meetings_fetched"] += 1
        meeting_id = meeting["meeting_id"]
        self.report.fetched_meetings.append(meeting_id)
        self.checked[meeting_id] = self.options.today.isoformat()
        old_docs = {k: self.old["documents"][k] for k in self._old_keys("documents", meeting_id)}
        self._drop_meeting(meeting_id, ("agenda_items", "documents"))
        self._put("meetings", meeting, page.url)
        for item in items:
            self._put("agenda_items", item, page.url)
        read: list[tuple[dict, dict[str, list[dict]] | None]] = []
        for doc in sorted(documents, key=_processing_order):
            fresh = False
            previous = old_docs.get(doc["document_id"])
            if doc["kind"] in portal.download:
                doc, fresh = self.document(doc, previous, source)
            elif previous and previous["url"] == doc["url"]:
                doc = {**doc, **{k: previous[k] or None for k in _DOC_FILE_FIELDS}}
            rows = self.parse_document(doc, source) if fresh else None
            if rows is not None and previous and self.held_back(doc, previous, rows, source):
                doc, rows = {**doc, **{k: previous[k] or None for k in _DOC_FILE_FIELDS}}, None
            self._put("documents", doc, doc["url"])
            read.append((doc, rows))
        # Paragraphs, attendance ... are rebuilt only when a document was read anew or one that had
        # records is gone; otherwise they stay as they are (and their tables unread).
        kept = {doc["document_id"] for doc, rows in read if rows is None}
        if any(rows is not None for _, rows in read) or set(old_docs) - kept:
            for resource in DERIVED:
                for key in self._children(resource, meeting_id):
                    del self.new[resource][key]
            for doc, rows in read:
                self.derived(doc, rows)
        clean = len(self.report.errors) == errors_before and meeting_id not in self.refetch and ref.date is not None
        self.prints[meeting_id] = {
            "page": page_sha, "date": ref.date.isoformat(), "download": sorted(portal.download),
            "docs": {doc["url"]: doc["sha256"] for doc, _ in read if doc["kind"] in portal.download},
        } if clean else None

    def parse_document(self, doc: dict, source: str) -> dict[str, list[dict]] | None:
        """Records read from a protocol's or summary's freshly extracted text (None: nothing to read)."""
        text = self.texts.get(doc.get("text_path") or "")
        if not text or doc["kind"] not in ("protokoll", "sammanfattning"):
            return None
        document_id, meeting_id = doc["document_id"], doc["meeting_id"]
        try:
            if doc["kind"] == "protokoll":
                from .documents.protocol import parse_protocol

                return doc_records.protocol_rows(parse_protocol(text).to_dict(), meeting_id, document_id)
            from .documents.summary import parse_summary

            return doc_records.summary_rows(parse_summary(text, doc["url"]).to_dict(), meeting_id, document_id)
        except Exception as exc:  # a parser bug must not stop the run; it is reported with the URL
            self.report.error(doc["url"], "parse-document", f"{type(exc).__name__}: {exc}", source)
            return None

    def _old_derived(self, document_id: str, meeting_id: str) -> dict[str, dict[str, dict]]:
        """Rows read from a document before this run (a document's rows carry its meeting's id)."""
        old_paragraphs = self.old["paragraphs"]
        paragraphs = {k for k in self._old_keys("paragraphs", meeting_id) if old_paragraphs[k]["document_id"] == document_id}
        found = {}
        for resource in DERIVED:
            table = self.old[resource]
            rows = ((k, table[k]) for k in sorted(self._old_keys(resource, meeting_id)))
            found[resource] = {k: r for k, r in rows if r.get("document_id") == document_id or r.get("paragraph_id") in paragraphs}
        return found

    def held_back(self, doc: dict, previous: dict, rows: dict[str, list[dict]], source: str) -> bool:
        """A new version of a document that drops records read from the previous one is accepted only
        when the same bytes come back on a later run: a damaged download that still opens must not
        remove paragraphs or summary items. Returns True when the new version is held back."""
        before = self._old_derived(doc["document_id"], doc["meeting_id"])
        lost = 0
        for resource, old_rows in before.items():
            new_keys = {row_key(resource, to_table_row(resource, r)) for r in rows.get(resource, [])}
            lost += len(set(old_rows) - new_keys)
        if not lost or self.previous_confirm.get(doc["document_id"]) == doc["sha256"]:
            return False
        self.confirm[doc["document_id"]] = doc["sha256"]
        self.refetch.add(doc["meeting_id"])
        if previous.get("text_path"):
            self.texts.pop(text_path(doc["document_id"]), None)  # the previous text stays
        self.report.error(doc["url"], "held-back",
                          f"the new version of this document drops {lost} records read from the previous one; "
                          "keeping the previous version until the same file is seen again on a later run", source)
        return True

    def derived(self, doc: dict, rows: dict[str, list[dict]] | None) -> None:
        """Paragraphs, attendance ... of a document: from its new text, or else those read before."""
        if rows is None:
            for resource, old_rows in self._old_derived(doc["document_id"], doc["meeting_id"]).items():
                for key, row in old_rows.items():
                    self.new[resource].setdefault(key, row)
            return
        for resource, resource_rows in rows.items():
            for row in resource_rows:
                key = row_key(resource, to_table_row(resource, row))
                if key not in self.new[resource]:
                    self._put(resource, row, doc["url"])

    def document(self, doc: dict, previous: dict | None, source: str) -> tuple[dict, bool]:
        """Download a document (conditionally) and extract its text unless its bytes are unchanged.
        Returns the document row and whether its text was extracted anew.

        A download that fails, or bytes that are not the PDF they claim to be (truncated, corrupt,
        an HTML error page), count as a failed fetch: the previous version is kept and the
        document is fetched again next run."""
        def failed() -> tuple[dict, bool]:
            if previous:
                return {**doc, **{k: previous[k] or None for k in _DOC_FILE_FIELDS}}, False
            return doc, False

        try:
            response = self._get_document(doc["url"])
        except FetchError as exc:
            self.report.error(doc["url"], "fetch", exc.reason, source)
            return failed()
        if not response.not_modified:
            self.report.documents_downloaded += 1
        data = response.content
        sha = _sha(data)
        content_type = response.content_type.split(";")[0].strip().lower() or None
        fresh = {**doc, "content_type": content_type, "bytes": len(data), "sha256": sha}
        if previous and previous["sha256"] == sha and previous["text_status"] != "failed":
            fresh.update(pages=previous["pages"] or None, text_status=previous["text_status"], text_path=previous["text_path"] or None)
            return fresh, False
        claims_pdf = content_type == "application/pdf" or doc["url"].split("?")[0].lower().endswith("pdf")
        try:
            extracted = text_mod.extract_text(data, source=doc["url"])
        except text_mod.NoTextLayer as exc:
            self.report.warnings.append(str(exc))
            fresh.update(text_status="no_text_layer", text_path=None)
            return fresh, False
        except text_mod.NotAPdf as exc:
            if not claims_pdf:
                fresh.update(text_status="not_pdf", text_path=None)
                return fresh, False
            self.report.error(doc["url"], "extract", str(exc), source)
        except text_mod.DocumentError as exc:
            self.report.error(doc["url"], "extract", str(exc), source)
        else:
            self.report.documents_extracted += 1
            self.texts[text_path(doc["document_id"])] = extracted.text.rstrip("\n") + "\n"
            fresh.update(pages=extracted.page_count, text_status="extracted", text_path=text_path(doc["document_id"]))
            return fresh, True
        self.client.forget(doc["url"])
        self.refetch.add(doc["meeting_id"])
        return failed()

    # --- finish ----------------------------------------------------------

    def validate_pending(self) -> None:
        """Validate the new and changed rows, one Frictionless call per resource. An invalid row never
        enters the package: the version already published is kept, or the row is left out."""
        for resource, urls in self.pending.items():
            keys = [k for k in urls if k in self.new[resource]]
            _, problems = validate_rows(resource, [self.new[resource][k] for k in keys], [urls[k] for k in keys])
            bad = {p.row for p in problems}
            self.report.invalid.extend(p.as_dict() for p in problems)
            for key in keys:
                if key.replace("\x1f", " ") in bad:
                    if key in self.old[resource]:
                        self.new[resource][key] = self.old[resource][key]
                    else:
                        del self.new[resource][key]
        self.pending = {}

    def finish_tables(self) -> None:
        self.validate_pending()
        dropped = drop_orphans(self.new, self.old)
        for problem in dropped:
            self.report.invalid.append(problem.as_dict())
        if self.texts:
            referenced = {r["text_path"] for r in self.new["documents"].values() if r["text_path"]}
            self.texts = {k: v for k, v in self.texts.items() if k in referenced}

    def final_texts(self) -> dict[str, str | None]:
        """Every text of the new package: extracted in this run, or None for the file already there."""
        referenced = sorted({r["text_path"] for r in self.new["documents"].values() if r["text_path"]})
        return {rel: self.texts.get(rel) for rel in referenced}

    def texts_changed(self) -> bool:
        if not self.texts and "documents" not in self.new.loaded():
            return False  # no document row was touched, so no text can have come or gone
        before = {r["text_path"] for r in self.old["documents"].values() if r["text_path"]}
        after = {r["text_path"] for r in self.new["documents"].values() if r["text_path"]}
        return before != after or any(read_text(self.package_dir, rel) != text for rel, text in self.texts.items())


def _package_info(portals: list[Portal], tables: Tables) -> PackageInfo:
    urls = sorted({r["portal_url"] for r in tables["organisations"].values()} | {p.base_url for p in portals})
    names = {r["portal_url"]: r["name"] for r in tables["organisations"].values()}
    names.update({p.base_url: p.organisation for p in portals})
    return PackageInfo(sources=[{"title": f"{names.get(u, u)}: Meetings Plus", "path": u} for u in urls])


def default_client(cache_dir: Path | None) -> HttpClient:
    return HttpClient(cache_dir=cache_dir)


def run_scrape(options: ScrapeOptions) -> RunReport:
    """Scrape the portals into the data repo. Returns the report; raises only for unusable repos."""
    repo = open_repo(options.repo, force_init=options.force_init)
    root = Path(repo.working_tree_dir)
    state_dir = root / STATE_DIR
    with repo_lock(state_dir):
        restore_package(repo)
        package_dir = root / PACKAGE_DIR
        old = open_tables(package_dir)
        cache_dir = options.cache_dir or state_dir / "http-cache"
        factory = options.client_factory or default_client
        with factory(cache_dir) as client:
            run = Run(options, client, old, package_dir)
            run.quarantine_dir = state_dir / "quarantine"
            state = load_state(state_dir)
            run.previous_checks = state.get("checked", {})
            run.previous_refetch = set(state.get("refetch", []))
            run.previous_strategies = state.get("agenda_strategy", {})
            run.previous_confirm = state.get("confirm", {})
            tree = package_tree(repo)
            seen = state.get("unchanged") or {}
            if tree is not None and seen.get("package") == tree and seen.get("code") == code_fingerprint():
                run.previous_prints = seen.get("meetings", {})
            for portal in options.portals:
                try:
                    run.portal(portal)
                except MeetingsError as exc:
                    run.report.error(portal.base_url, "portal", str(exc), portal.id)
            stats = client.stats
        report = run.report
        report.requests, report.bytes, report.not_modified = stats.requests, stats.bytes, stats.not_modified
        for host, figures in stats.by_host.items():
            report.sources.setdefault(host, {}).update(figures)
        run.finish_tables()
        # tables never used are unchanged: diff, describe and write only the others
        new_view = run.new.view()
        old_view = {resource: old[resource] for resource in new_view}
        diffs = changes_mod.diff_tables(old_view, new_view)
        report.records = {resource: diff.counts() for resource, diff in sorted(diffs.items())}
        if all(d.empty for d in diffs.values()) and not run.texts_changed() and package_dir.exists():
            save_state(state_dir, run, tree)  # nothing committed: the package is still HEAD's
            log_run(state_dir, report, options.today)
            return report
        tmp_root = state_dir / "tmp"
        if tmp_root.exists():
            shutil.rmtree(tmp_root)
        tmp_package = tmp_root / PACKAGE_DIR
        base = package_dir if package_dir.exists() else None
        changed = {resource: table for resource, table in new_view.items() if not diffs[resource].empty}
        for resource in resources():  # a CSV written under an older schema is rewritten with the current columns
            if base and resource not in changed and not csv_header_matches(base, resource):
                changed[resource] = run.new[resource]
        write_package(tmp_package, changed if base else dict(run.new), run.final_texts(), _package_info(options.portals, run.new),
                      base=base)
        # unchanged resources were valid when they were committed; references were checked in memory
        validation = validate_package(tmp_package, only=sorted(changed) if base else None)
        if not validation.valid:
            for problem in validation.problems:
                report.invalid.append(problem.as_dict())
            report.error(None, "validate", "the new package is not valid; nothing was written or committed")
            return report
        for resource in sorted(changed if base else resources()):
            size = (tmp_package / "data" / f"{resource}.csv").stat().st_size
            if size > LARGE_FILE:
                report.warnings.append(
                    f"{PACKAGE_DIR}/data/{resource}.csv is {size / 1e6:.0f} MB: GitHub warns about files over 50 MB "
                    "and refuses to take a push of a file over 100 MB")
        swap_into_place(tmp_package, package_dir)
        shutil.rmtree(tmp_root, ignore_errors=True)
        report.changes = changes_mod.describe(old_view, new_view, diffs)
        message = changes_mod.commit_message(report.changes or ["data package written"], diffs)
        report.commit = commit_package(repo, message, options.author)
        save_state(state_dir, run, package_tree(repo))
        log_run(state_dir, report, options.today)
        return report


def load_state(state_dir: Path) -> dict:
    try:
        return json.loads((state_dir / "state.json").read_text())
    except (OSError, ValueError):
        return {}


def save_state(state_dir: Path, run: "Run", tree: str | None = None) -> None:
    """When each meeting was last fetched (outside the package: it is run state, not data), and,
    after a run without errors or invalid records, what each meeting looked like when it was read
    into the package whose tree is ``tree`` (see ``Run.seen_unchanged``). A run with problems
    forgets the latter: the next run reads every due meeting again."""
    state = load_state(state_dir)
    checked = state.setdefault("checked", {})
    checked.update(run.checked)
    live = set(run.new["meetings"])
    state["checked"] = {k: v for k, v in sorted(checked.items()) if k in live}
    refetch = (set(state.get("refetch", [])) - set(run.checked)) | run.refetch
    state["refetch"] = sorted(refetch & live)
    strategies = state.setdefault("agenda_strategy", {})
    strategies.update(run.agenda_strategies)
    state["confirm"] = run.confirm
    state.pop("unchanged", None)
    if tree is not None and run.report.ok:
        meetings_table = run.new["meetings"]
        prints = {}
        for meeting_id, last in {**run.previous_prints, **run.prints}.items():
            row = meetings_table.get(meeting_id)
            if last is not None and row is not None:
                prints[meeting_id] = {**last, "row": row_digest("meetings", row)} if meeting_id in run.prints else last
        state["unchanged"] = {"package": tree, "code": code_fingerprint(), "meetings": dict(sorted(prints.items()))}
    tmp = state_dir / "state.json.tmp"
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True))
    tmp.replace(state_dir / "state.json")


def log_run(state_dir: Path, report: RunReport, today: date) -> None:
    """Append the run's figures to ``.meetings/runs.jsonl`` (read by ``meetings build`` into ``runs``)."""
    from datetime import datetime, timezone

    entry = {"finished_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "today": today.isoformat(),
             **{k: v for k, v in report.as_dict().items() if k not in ("changes", "invalid")}}
    previous = last_runs(state_dir, 1)
    if previous:
        for source, figures in report.sources.items():
            before = previous[-1].get("sources", {}).get(source, {})
            if before.get("meetings_listed") and not figures.get("meetings_listed") and "meetings_listed" in figures:
                report.warnings.append(f"{source} listed {before['meetings_listed']} meetings last run and none now")
        entry["warnings"] = report.warnings
    with open(state_dir / "runs.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _tail_lines(path: Path, count: int, block: int = 1 << 16) -> list[str]:
    """The last ``count`` lines of a file, read from its end (the run log grows with every run)."""
    if count <= 0:
        return []
    with open(path, "rb") as handle:
        position = handle.seek(0, os.SEEK_END)
        data = b""
        while position > 0 and data.count(b"\n") <= count:
            step = min(block, position)
            position -= step
            handle.seek(position)
            data = handle.read(step) + data
    lines = data.decode("utf-8", errors="replace").splitlines()
    if position > 0:
        lines = lines[1:]  # the first line read may be cut
    return lines[-count:]


def last_runs(state_dir: Path, count: int) -> list[dict]:
    try:
        lines = _tail_lines(state_dir / "runs.jsonl", count)
    except OSError:
        return []
    runs = []
    for line in lines:
        try:
            runs.append(json.loads(line))
        except ValueError:
            continue
    return runs


def write_report(report: RunReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


__all__ = ["RunReport", "ScrapeOptions", "run_scrape", "write_report", "meeting_records", "Problem"]
