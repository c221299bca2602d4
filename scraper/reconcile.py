"""Reconcile: the committed tables, what this run derived and what the listings say, merged by the
rules that keep the history clean. A pure function (``reconcile``) over values; the one home of
these rules:

- a failed fetch is never a deletion: a committee whose listing could not be fetched or recognised
  keeps all its meetings, a meeting whose page failed keeps its rows, a document whose download
  or extraction failed keeps its previous version and records;
- a meeting is removed only when its committee's listing was fetched, recognised and no longer
  lists it; an upcoming meeting that vanishes is kept and marked cancelled;
- the shrink guard: a listing that suddenly lists far fewer of the known meetings is a failure;
- held-back versions: a new version of a document that drops records read from the previous one
  is accepted only when the same bytes come back on a later run;
- records read from a document are rebuilt only when the document was read anew (or one that had
  records is gone); otherwise they stay as they are, unread;
- the people of an organisation are rebuilt only when the rows that name people (or the dates of
  its meetings) changed, so a run that changes none of them reads none of those tables;
- the bulletin board is rolling, not an archive: a notice no longer on a board that was read in
  full keeps its row, with ``removed`` set to the day it was first missing when the portal gave no
  date; a board that could not be read (or only in part) takes nothing down, and one that
  suddenly lists nothing while notices were up is a failure; a notice's committee and meeting
  are matched again whenever they may have changed, so it never points to a meeting that is gone;
- a committee's register of representatives read in full replaces its representatives; one that
  could not be read changes nothing, and one that suddenly lists far fewer is a failure.

An unchanged row stays the very row object read, so later stages can tell changed rows by identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .config import Portal
from .crawl import Listing
from .derive import (
    DerivedBoard, DerivedMeeting, DerivedRegister, DocumentRead, reading_order, with_previous_file, with_previous_quality,
)
from .package import KeyIndex, LazyTables, Row, copy_tables, row_key, to_table_row
from .report import Failure
from .rows import DERIVED, people
from .rows.notices import link_notice, notice_text
from .rows.portal import committee_row, meeting_id, organisation_row, text_path

SHRINK_GUARD = 0.5  # a listing with fewer than half the meetings it had (of at least 4) is a failure
MIN_GUARDED = 4


@dataclass
class Derived:
    """Everything a run derived: the portals, their listings, the meetings read and their documents."""

    portals: list[Portal]
    listings: list[Listing] = field(default_factory=list)
    meetings: list[DerivedMeeting] = field(default_factory=list)
    reads: dict[str, DocumentRead] = field(default_factory=dict)  # document id -> what reading it gave
    boards: list[DerivedBoard] = field(default_factory=list)
    registers: list[DerivedRegister] = field(default_factory=list)


@dataclass
class Outcome:
    tables: LazyTables
    texts: dict[str, str] = field(default_factory=dict)  # package path -> text read in this run
    sources: dict[str, dict[str, str | None]] = field(default_factory=dict)  # resource -> key -> source URL of new rows
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: set[str] = field(default_factory=set)  # meetings whose rows were replaced by what was read
    clean: set[str] = field(default_factory=set)  # of those, the ones read without any problem
    listed: dict[str, int] = field(default_factory=dict)  # source -> meetings listed (accepted listings)
    refetch: set[str] = field(default_factory=set)  # meetings to fetch again next run
    forget: set[str] = field(default_factory=set)  # URLs whose cached bytes turned out unusable
    confirm: dict[str, str] = field(default_factory=dict)  # document id -> sha256 of a held-back version
    refused: dict[str, str] = field(default_factory=dict)  # document id -> sha256 of new bytes over a reader's limit
    strategies: dict[str, str] = field(default_factory=dict)  # committee id -> agenda strategy
    extracted: int = 0


class Merge:
    """The new tables as they are being made from the old ones."""

    def __init__(self, old: Mapping[str, dict[str, Row]], outcome: Outcome):
        self.old = old
        self.new = outcome.tables
        self.outcome = outcome
        self._old_index: dict[str, KeyIndex] = {}  # "resource.field" -> the old rows' keys by that field
        self._put_keys: dict[str, dict[str, set[str]]] = {}  # resource -> meeting id -> keys put in this run

    def put(self, resource: str, record: dict, url: str | None) -> None:
        """Put a record; a row equal to the one already in the package stays that very row."""
        row = to_table_row(resource, record)
        key = row_key(resource, row)
        old = self.old[resource].get(key)
        if old == row:
            self.new[resource][key] = old
        else:
            self.new[resource][key] = row
            self.outcome.sources.setdefault(resource, {})[key] = url
        if resource != "meetings" and row.get("meeting_id"):
            self._put_keys.setdefault(resource, {}).setdefault(row["meeting_id"], set()).add(key)

    def old_keys(self, resource: str, parent: str, by: str = "meeting_id") -> set[str]:
        """Keys of the old rows whose ``by`` is ``parent`` (an index built on first use)."""
        index = self._old_index.get(f"{resource}.{by}")
        if index is None:
            index = self._old_index[f"{resource}.{by}"] = KeyIndex(self.old, resource, by)
        return index.keys(parent)

    def children(self, resource: str, meeting: str) -> list[str]:
        table = self.new[resource]
        keys = self.old_keys(resource, meeting) | self._put_keys.get(resource, {}).get(meeting, set())
        return sorted(k for k in keys if k in table and table[k]["meeting_id"] == meeting)

    def drop_meeting(self, meeting: str, resources: tuple[str, ...] = ("agenda_items", "documents", *DERIVED)) -> None:
        self.new["meetings"].pop(meeting, None)
        for resource in resources:
            for key in self.children(resource, meeting):
                del self.new[resource][key]

    def old_derived(self, document_id: str, meeting: str) -> dict[str, dict[str, Row]]:
        """Rows read from a document before this run (a document's rows carry its meeting's id)."""
        old_paragraphs = self.old["paragraphs"]
        paragraphs = {k for k in self.old_keys("paragraphs", meeting) if old_paragraphs[k]["document_id"] == document_id}
        found = {}
        for resource in DERIVED:
            table = self.old[resource]
            rows = ((k, table[k]) for k in sorted(self.old_keys(resource, meeting)))
            found[resource] = {k: r for k, r in rows if r.get("document_id") == document_id or r.get("paragraph_id") in paragraphs}
        return found

    def keep_derived(self, document_id: str, meeting: str) -> None:
        for resource, rows in self.old_derived(document_id, meeting).items():
            for key, row in rows.items():
                self.new[resource].setdefault(key, row)

    def put_derived(self, rows: dict[str, list[dict]], url: str) -> None:
        for resource, resource_rows in rows.items():
            for row in resource_rows:
                if row_key(resource, to_table_row(resource, row)) not in self.new[resource]:
                    self.put(resource, row, url)


# ---------------------------------------------------------------- listings


def shrank(old_ids: set[str], listed_ids: set[str]) -> bool:
    """Whether a listing lists far fewer of the known meetings than before (treated as a failed fetch)."""
    return len(old_ids) >= MIN_GUARDED and len(listed_ids & old_ids) < SHRINK_GUARD * len(old_ids)


def accepted_listings(merge: Merge, listings: list[Listing]) -> list[Listing]:
    """Listings that were fetched, recognised and pass the shrink guard; the others are failures."""
    accepted = []
    for listing in listings:
        if listing.refs is None:
            continue
        old_ids = merge.old_keys("meetings", listing.committee_id, by="committee_id")
        listed = listed_ids(listing)
        if shrank(old_ids, listed):
            merge.outcome.failures.append(Failure(
                listing.url, "guard", f"listing shows {len(listed & old_ids)} of {len(old_ids)} known meetings; "
                                      "treated as a failed fetch, nothing removed", f"{listing.portal.id}/{listing.slug}"))
            continue
        accepted.append(listing)
    return accepted


def listed_ids(listing: Listing) -> set[str]:
    return {meeting_id(listing.committee_id, r.slug) for r in listing.refs or ()}


def unlisted(old: Mapping[str, dict[str, Row]], listings: list[Listing]) -> list[str]:
    """Known meetings that listings read in this run no longer show (``apply_listing`` cancels or
    removes them, unless the shrink guard refuses the listing)."""
    index = KeyIndex(old, "meetings", "committee_id")
    return sorted({m for listing in listings if listing.refs is not None
                   for m in index.keys(listing.committee_id) - listed_ids(listing)})


def apply_listing(merge: Merge, listing: Listing, today: date) -> None:
    """The committee row, and the meetings the listing no longer shows: cancelled if upcoming, else removed."""
    merge.outcome.listed[f"{listing.portal.id}/{listing.slug}"] = len(listing.refs)
    merge.put("committees", committee_row(listing.portal, listing.slug, listing.name, listing.portal_committee_id), listing.url)
    listed = listed_ids(listing)
    for meeting in sorted(merge.old_keys("meetings", listing.committee_id, by="committee_id") - listed):
        row = merge.new["meetings"].get(meeting)
        if row is None:
            continue
        if row["status"] == "upcoming" and row["date"] >= today.isoformat():
            merge.new["meetings"][meeting] = {**row, "status": "cancelled"}
        else:
            merge.drop_meeting(meeting)


# ---------------------------------------------------------------- meetings and documents


def apply_meeting(merge: Merge, derived: DerivedMeeting, reads: dict[str, DocumentRead], confirmed: dict[str, str]) -> None:
    """Replace a meeting's rows by what its page and documents gave."""
    outcome = merge.outcome
    failures_before = len(outcome.failures)
    old_docs = {k: merge.old["documents"][k] for k in merge.old_keys("documents", derived.meeting_id)}
    merge.drop_meeting(derived.meeting_id, ("agenda_items", "documents"))
    merge.put("meetings", derived.meeting, derived.url)
    for item in derived.agenda_items:
        merge.put("agenda_items", item, derived.url)
    read_docs: list[tuple[dict, dict[str, list[dict]] | None]] = []
    for doc in derived.documents:
        doc, rows = _document(merge, derived, doc, old_docs.get(doc["document_id"]), reads.get(doc["document_id"]), confirmed)
        merge.put("documents", doc, doc["url"])
        read_docs.append((doc, rows))
    kept = {doc["document_id"] for doc, rows in read_docs if rows is None}
    if any(rows is not None for _, rows in read_docs) or set(old_docs) - kept:
        for resource in DERIVED:
            for key in merge.children(resource, derived.meeting_id):
                del merge.new[resource][key]
        for doc, rows in read_docs:
            if rows is None:
                merge.keep_derived(doc["document_id"], doc["meeting_id"])
            else:
                merge.put_derived(rows, doc["url"])
    outcome.applied.add(derived.meeting_id)
    if derived.strategy == "structured":
        outcome.strategies[derived.committee_id] = "structured"
    if len(outcome.failures) == failures_before and not derived.failed and derived.meeting_id not in outcome.refetch:
        outcome.clean.add(derived.meeting_id)


def _document(merge: Merge, derived: DerivedMeeting, doc: dict, previous: dict | None, read: DocumentRead | None,
              confirmed: dict[str, str]) -> tuple[dict, dict[str, list[dict]] | None]:
    """A document row after reading its new bytes, and the rows read from it (None: keep the old ones)."""
    outcome = merge.outcome
    if read is None:
        return doc, None
    if read.error is not None and read.permanent:
        outcome.failures.append(Failure(doc["url"], "refused", read.error, derived.source))
        if previous and previous["text_status"] == "extracted":
            outcome.refused[doc["document_id"]] = doc["sha256"]  # not read again while the bytes stay the same
            return with_previous_file(doc, previous), None  # a good earlier version stays
        return {**doc, "text_status": "refused", "pages": None, "text_path": None}, None
    if read.error is not None:
        outcome.failures.append(Failure(doc["url"], "extract", read.error, derived.source))
        outcome.forget.add(doc["url"])
        outcome.refetch.add(derived.meeting_id)
        return with_previous_file(doc, previous), None
    if read.status != "extracted":
        if read.warning:
            outcome.warnings.append(read.warning)
        if previous and previous["text_status"] == "extracted" and held_back(merge, derived, doc, previous, {}, confirmed):
            return with_previous_file(doc, previous), None  # a version without text drops every record read before
        return {**doc, "text_status": read.status, "text_path": None}, None
    outcome.extracted += 1
    path = text_path(doc["document_id"])
    outcome.texts[path] = read.text
    doc = {**doc, "pages": read.pages, "text_status": "extracted", "text_path": path}
    if read.parse_error:
        outcome.failures.append(Failure(doc["url"], "parse-document", read.parse_error, derived.source))
        return with_previous_quality(doc, previous), None
    if read.rows is not None and previous and held_back(merge, derived, doc, previous, read.rows, confirmed):
        if previous.get("text_path"):
            outcome.texts.pop(path, None)  # the previous text stays
        return with_previous_file(doc, previous), None
    return with_quality(outcome, doc, read), read.rows


def with_quality(outcome: Outcome, doc: dict, read: DocumentRead) -> dict:
    """A document row with how well its protocol was read; a protocol read with a doubt is reported."""
    if read.quality is None:
        return doc
    doc = {**doc, **read.quality}
    if doc["quality_warning"]:
        outcome.warnings.append(f"{doc['url']}: protocol read with a doubt: {doc['quality_warning']}")
    return doc


def held_back(merge: Merge, derived: DerivedMeeting, doc: dict, previous: dict, rows: dict[str, list[dict]],
              confirmed: dict[str, str]) -> bool:
    """A new version of a document that drops records read from the previous one is accepted only
    when the same bytes come back on a later run: a damaged download that still opens must not
    remove paragraphs or summary items. Returns True when the new version is held back."""
    lost = 0
    for resource, old_rows in merge.old_derived(doc["document_id"], doc["meeting_id"]).items():
        new_keys = {row_key(resource, to_table_row(resource, r)) for r in rows.get(resource, [])}
        lost += len(set(old_rows) - new_keys)
    if not lost or confirmed.get(doc["document_id"]) == doc["sha256"]:
        return False
    merge.outcome.confirm[doc["document_id"]] = doc["sha256"]
    merge.outcome.refetch.add(derived.meeting_id)
    merge.outcome.failures.append(Failure(
        doc["url"], "held-back", f"the new version of this document drops {lost} records read from the previous one; "
                                 "keeping the previous version until the same file is seen again on a later run", derived.source))
    return True


# ---------------------------------------------------------------- the bulletin board and the register


def apply_board(merge: Merge, board: DerivedBoard, today: date) -> None:
    """The notices on a board; notices missing from a board read in full are down from ``today``
    (unless the portal gave the day). A board that lists none while notices were up is a failure."""
    notices = merge.new["notices"]
    up = {key for key in merge.old_keys("notices", board.organisation_id, by="organisation_id")
          if key in notices and (not notices[key]["removed"] or notices[key]["removed"] >= today.isoformat())}
    if board.complete and not board.listed and len(up) >= MIN_GUARDED:
        merge.outcome.failures.append(Failure(board.url, "guard", f"the bulletin board lists no notice while {len(up)} "
                                              "were up; treated as a failed read, nothing taken down", board.organisation_id))
        return
    for row in board.rows:
        merge.put("notices", row, row["url"])
    merge.outcome.warnings.extend(board.warnings)
    if not board.complete:
        return
    for key in sorted(merge.old_keys("notices", board.organisation_id, by="organisation_id") - board.listed):
        row = notices.get(key)
        if row is not None and not row["removed"]:
            merge.put("notices", {**row, "removed": today}, row["url"])


def link_notices(merge: Merge, organisations: set[str]) -> None:
    """Each notice of ``organisations`` with the committee and meeting its text names, among the
    organisation's committees and meetings as they are now."""
    committees: dict[str, list] = {}
    for committee in merge.new["committees"].values():
        if committee["organisation_id"] in organisations:
            committees.setdefault(committee["organisation_id"], []).append(committee)
    meetings: dict[str, list] = {}
    for row in merge.new["meetings"].values():
        meetings.setdefault(row["committee_id"], []).append(row)
    changed = merge.outcome.sources.get("notices", {})
    for key, row in list(merge.new["notices"].items()):
        if row["organisation_id"] not in organisations:
            continue
        link = link_notice(notice_text(row), committees.get(row["organisation_id"], []), meetings)
        if link.doubt and key in changed:
            merge.outcome.warnings.append(f"{row['url']}: the notice {link.doubt}; committee and meeting left empty")
        if (row["committee_id"], row["meeting_id"]) != (link.committee_id or "", link.meeting_id or ""):
            merge.put("notices", {**row, "committee_id": link.committee_id, "meeting_id": link.meeting_id}, row["url"])


def apply_register(merge: Merge, register: DerivedRegister) -> None:
    """A committee's representatives as its register lists them now (the committee must be known)."""
    if register.committee_id not in merge.new["committees"]:
        return
    table = merge.new["representatives"]
    before = {key for key in merge.old_keys("representatives", register.committee_id, by="committee_id") if key in table}
    if len(before) >= MIN_GUARDED and len(register.rows) < SHRINK_GUARD * len(before):
        merge.outcome.failures.append(Failure(register.url, "guard", f"the register lists {len(register.rows)} of the "
                                              f"{len(before)} representatives it had; treated as a failed read, nothing "
                                              "removed", register.committee_id))
        return
    for key in before:
        del table[key]
    for row in register.rows:
        merge.put("representatives", row, register.url)
    merge.outcome.warnings.extend(register.warnings)


# ---------------------------------------------------------------- the whole run


def reconcile(old: Mapping[str, dict[str, Row]], derived: Derived, today: date, confirmed: dict[str, str]) -> Outcome:
    """The new tables: the old ones with what this run derived merged in by the rules above.

    ``confirmed``: held-back document versions of earlier runs (document id -> sha256)."""
    outcome = Outcome(copy_tables(old))
    merge = Merge(old, outcome)
    for portal in derived.portals:
        merge.put("organisations", organisation_row(portal), portal.base_url)
    accepted = accepted_listings(merge, derived.listings)
    committees = {listing.committee_id for listing in accepted}
    for meeting in derived.meetings:
        if meeting.committee_id in committees:
            apply_meeting(merge, meeting, derived.reads, confirmed)
    for listing in accepted:
        apply_listing(merge, listing, today)
    for register in derived.registers:
        apply_register(merge, register)
    for board in derived.boards:
        apply_board(merge, board, today)
    link_notices(merge, {portal.organisation_id for portal in derived.portals})
    rebuild_people(merge)
    referenced = {r["text_path"] for r in outcome.tables["documents"].values() if r["text_path"]} if outcome.texts else set()
    outcome.texts = {k: v for k, v in outcome.texts.items() if k in referenced}
    return outcome


def reparse(old: Mapping[str, dict[str, Row]], documents: list[dict], reads: dict[str, DocumentRead]) -> Outcome:
    """The tables with the records of every document read again from its stored text. A document
    whose text gave no rows keeps the ones it had; nothing else changes."""
    outcome = Outcome(copy_tables(old))
    merge = Merge(old, outcome)
    per_meeting: dict[str, list[dict]] = {}
    for document in documents:
        per_meeting.setdefault(document["meeting_id"], []).append(document)
    for meeting, docs in sorted(per_meeting.items()):
        docs = sorted(docs, key=reading_order)
        if not any(reads[d["document_id"]].rows is not None for d in docs):
            continue
        for resource in DERIVED:
            for key in merge.children(resource, meeting):
                del merge.new[resource][key]
        for doc in docs:
            read = reads[doc["document_id"]]
            problem = read.error or read.parse_error
            if problem:
                outcome.failures.append(Failure(doc["url"], "parse-document", problem, None))
            if read.rows is None:
                merge.keep_derived(doc["document_id"], meeting)
            else:
                merge.put_derived(read.rows, doc["url"])
                merge.put("documents", with_quality(outcome, doc, read), doc["url"])
    rebuild_people(merge)
    return outcome


# ---------------------------------------------------------------- people


def changed_meetings(old: Mapping[str, dict[str, Row]], new: LazyTables) -> set[str]:
    """Meetings whose rows naming people were added, changed or removed, or whose date changed
    (rows compared by identity; tables not used in this run are not read)."""
    loaded = set(new.loaded())
    found: set[str] = set()
    for resource in people.SOURCES:
        if resource in loaded:
            before, after = old[resource], new[resource]
            found.update(row["meeting_id"] for key, row in after.items() if before.get(key) is not row)
            found.update(before[key]["meeting_id"] for key in before.keys() - after.keys())
    if "meetings" in loaded:
        before, after = old["meetings"], new["meetings"]
        found.update(key for key, row in after.items()
                     if before.get(key) is not row and key in before and before[key]["date"] != row["date"])
    return found


def _organisation(tables: Mapping[str, dict[str, Row]], meeting: str) -> str | None:
    row = tables["meetings"].get(meeting)
    committee = tables["committees"].get(row["committee_id"]) if row else None
    return committee["organisation_id"] if committee else None


def rebuild_people(merge: Merge) -> None:
    """The people rows of every organisation whose rows naming people changed in this run (with the
    rows of the years the old tables do not hold, which this run cannot have changed)."""
    changed = changed_meetings(merge.old, merge.new)
    organisations = {_organisation(merge.new, m) or _organisation(merge.old, m) for m in changed} - {None}
    for organisation in sorted(organisations):
        committees = {k for k, r in merge.new["committees"].items() if r["organisation_id"] == organisation}
        meetings = {k: r for k, r in merge.new["meetings"].items() if r["committee_id"] in committees}
        records = {resource: [r for r in merge.new[resource].values() if r["meeting_id"] in meetings]
                   + (merge.old.outside(resource, organisation) if isinstance(merge.old, LazyTables) else [])
                   for resource in people.SOURCES}
        rows = people.people_rows(organisation, meetings.values(), records)
        table = merge.new["people"]
        kept = {row["person_id"] for row in rows}
        for key in [k for k, r in table.items() if r["organisation_id"] == organisation and k not in kept]:
            del table[key]
        for row in rows:
            merge.put("people", row, None)
