"""Derive: what was fetched, or a stored document text, becomes rows. Pure functions.

- ``meeting`` turns a fetched meeting page into its meeting, agenda item and document rows (with
  the protocol files of the JSON API's download, a PDF or the PDFs of a zip), and says which
  documents came with new bytes and must be read;
- ``board`` turns a bulletin board into notice rows, ``register`` a committee's register into
  representative rows;
- ``read_document`` turns one document's new bytes into text and, for protocols and summaries,
  into the rows of the protocol or summary family (it runs in a worker process);
- ``reread`` does the same from a text already in the package (``meetings reparse``).

Rows are built by ``scraper/rows``; here they are only put together.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from .crawl import ABSENT_DIGEST, Board, FetchedDocument, FetchedMeeting, Register
from .errors import Absent, ParseError
from .portal import api
from .portal.http import Response
from .report import Failure
from .rows import notices as notice_rows
from .rows import portal as portal_rows
from .rows.portal import FILE_FIELDS, QUALITY_FIELDS
from .rows.protocol import document_quality, protocol_rows
from .rows.summary import summary_rows
from .state import digest

READ_KINDS = ("protokoll", "sammanfattning")  # document kinds whose text becomes rows
_PARTIAL_PROTOCOL = re.compile(r"§|\bss-?\d|omedelbar|utdrag|bilaga|reservation|omröstning", re.I)


@dataclass(frozen=True)
class DocumentTask:
    """A document whose bytes are new, to be read."""

    document_id: str
    meeting_id: str
    organisation_id: str  # of the meeting's committee (person ids are built from it)
    kind: str
    url: str
    claims_pdf: bool
    data: bytes


@dataclass
class DocumentRead:
    """What reading a document gave: its text and rows, or why there are none."""

    document_id: str
    status: str | None = None  # extracted, no_text_layer, not_pdf; None when the bytes were unusable
    text: str | None = None
    pages: int | None = None
    rows: dict[str, list[dict]] | None = None  # None: not a protocol or summary, or it did not parse
    quality: dict | None = None  # a protocol's document fields of how well it was read (``QUALITY_FIELDS``)
    warning: str | None = None
    error: str | None = None  # why the bytes were unusable (the previous version is kept)
    permanent: bool = False  # the error is a property of the file (over a limit): the same bytes are not read again
    parse_error: str | None = None  # why the text gave no rows (the previous rows are kept)


@dataclass
class DerivedMeeting:
    """A meeting's rows as its page gives them, and the documents still to read."""

    meeting_id: str
    committee_id: str
    source: str
    url: str
    meeting: dict
    agenda_items: list[dict]
    documents: list[dict]  # in reading order: main protocols first
    strategy: str
    to_read: list[DocumentTask] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # doubts about what the page gave (the rows are used)
    failed: set[str] = field(default_factory=set)  # documents (or the protocol download) whose fetch failed
    seen_docs: dict[str, str] = field(default_factory=dict)  # URL -> sha256 of each downloaded document
    failures: list[Failure] = field(default_factory=list)  # answers that could not be used (reported)


def reading_order(doc: dict) -> tuple[int, str]:
    """Main protocols first, so paragraphs repeated in partial protocols (§ N, omedelbar justering) defer to it."""
    if doc["kind"] != "protokoll":
        return (2, doc["document_id"])
    partial = bool(_PARTIAL_PROTOCOL.search(doc["title"]) or _PARTIAL_PROTOCOL.search(doc["document_id"].rsplit("/", 1)[-1]))
    return (1 if partial else 0, doc["document_id"])


def with_previous_file(doc: dict, previous: dict | None) -> dict:
    """A document row that keeps the file fields of the version already in the package."""
    if previous is None:
        return doc
    return {**doc, **{k: previous[k] or None for k in FILE_FIELDS}}


def with_previous_quality(doc: dict, previous: dict | None) -> dict:
    """A document row that keeps the figures of how well the version already in the package was read."""
    return doc if previous is None else {**doc, **{k: previous[k] or None for k in QUALITY_FIELDS}}


def check_agenda(page) -> None:
    """A wrong agenda is a problem, not data: when the items read fall short of the item numbers the
    page shows (or the page shows case numbers and no item was read), the page counts as unparseable."""
    problem = page.agenda_problem()
    if problem:
        raise ParseError(page.url, f"agenda not read: {problem}; the meeting's rows are kept as they were")


def check_agenda_strategy(page, old_meeting: dict | None, before: str | None) -> None:
    """Agenda items read from the page's structure before must not silently turn into items read
    from flat text lines (or none): that means the portal changed its markup, so the page counts as
    unparseable."""
    if page.agenda_strategy in ("structured", "blocks") or page.cancelled or page.agenda_missing:
        return
    if before == "structured" and old_meeting and old_meeting["agenda_item_count"] not in ("", "0"):
        raise ParseError(page.url, f"agenda items no longer match the structured markup (strategy now: {page.agenda_strategy}); "
                                   f"keeping the {old_meeting['agenda_item_count']} items read before")


def meeting(fetched: FetchedMeeting, old_meeting: dict | None, old_documents: dict[str, dict], today: date,
            strategy_before: str | None, refused: dict[str, str] | None = None) -> DerivedMeeting:
    """Rows of a fetched (not unchanged) meeting page. Raises ParseError when the page is unusable.
    ``refused``: document id -> bytes (sha256) already found over a reader's limit, not read again."""
    page, listing = fetched.page, fetched.listing
    derived = DerivedMeeting(portal_rows.meeting_id(listing.committee_id, page.slug), listing.committee_id, fetched.source,
                             page.url, {}, [], [], page.agenda_strategy)
    downloaded, answers = protocol_download(derived, fetched.download, old_documents)
    meeting_row, items, documents = portal_rows.page_rows(listing.committee_id, fetched.ref, page, today, listing.api_dates,
                                                          downloaded)
    check_agenda(page)
    check_agenda_strategy(page, old_meeting, strategy_before)
    derived.meeting, derived.agenda_items = meeting_row, items
    derived.warnings[:0] = [f"{page.url}: agenda read with a doubt: {note}" for note in page.agenda_notes]
    download = listing.portal.download
    for doc in sorted(documents, key=reading_order):
        previous = old_documents.get(doc["document_id"])
        if doc["kind"] in download:
            doc = _fetched_document(derived, doc, previous, answers.get(doc["url"]) or fetched.documents.get(doc["url"]),
                                    refused or {}, listing.portal.organisation_id)
        elif previous and previous["url"] == doc["url"]:
            doc = with_previous_file(doc, previous)
        derived.documents.append(doc)
    for url in answers:
        derived.seen_docs.pop(url, None)
    if fetched.download is not None and fetched.download.url not in derived.failed and fetched.download.response:
        derived.seen_docs[fetched.download.url] = digest(fetched.download.response.content)
    return derived


def protocol_download(derived: DerivedMeeting, download: FetchedDocument | None,
                      old_documents: dict[str, dict]) -> tuple[list[dict], dict[str, FetchedDocument]]:
    """Document rows of the protocol files of the JSON API's download, and each file's bytes as an
    answer of its own. A download that failed, or could not be read, keeps the files read from it
    before (reported); "no protocol" (500) keeps them too when there were some (with a warning)."""
    if download is None:
        return [], {}
    before = [row for row in old_documents.values() if api.is_protocol_download(row["url"])]
    if download.response is not None:
        try:
            found = api.read_protocol_download(download.response.content, download.url, _download_name(download, before))
        except ParseError as exc:
            derived.failures.append(Failure(download.url, "parse", exc.reason, derived.source))
            derived.failed.add(download.url)
            return before, {}
        derived.warnings.extend(found.notes)
        rows = [portal_rows.download_row(derived.meeting_id, download.url, file.name, found.zipped) for file in found.files]
        return rows, {row["url"]: FetchedDocument(row["url"], Response(row["url"], 200, file.data, "application/pdf", {}))
                      for row, file in zip(rows, found.files)}
    if isinstance(download.error, Absent):
        derived.seen_docs[download.url] = ABSENT_DIGEST
        if before:
            derived.warnings.append(f"{download.url}: answers {download.error.status} (no protocol), but gave a protocol "
                                    "before; the protocol read before is kept")
    else:
        derived.failed.add(download.url)  # reported by the crawl; the meeting is read again next run
    return before, {}


def _download_name(download: FetchedDocument, before: list[dict]) -> str | None:
    """The file name of a download that is one PDF: from its ``Content-Disposition``, else (an answer
    from the cache carries none) the name it had when it was read before."""
    name = api.disposition_name(download.response.headers.get("content-disposition"))
    if name is None and len(before) == 1 and "#" not in before[0]["url"]:
        return before[0]["title"] or None
    return name


@dataclass
class DerivedBoard:
    """Notice rows of a bulletin board as read in this run."""

    organisation_id: str
    url: str
    rows: list[dict]
    listed: set[str]  # notice ids on the board
    complete: bool  # the whole board was read: a known notice missing from it is down
    warnings: list[str] = field(default_factory=list)


def board(read: Board, old_notices: Mapping[str, Mapping[str, str]]) -> DerivedBoard:
    """Rows of the notices on a board: each list entry with what its own answer adds; a notice known
    with a text whose own answer was not read this run keeps that text."""
    rows = []
    warnings = list(read.warnings)
    for listed in read.listed:
        notice = notice_rows.merged_notice(listed, read.details.get(listed.id))
        old = old_notices.get(notice_rows.notice_id(read.portal.organisation_id, listed.id))
        if notice.description is None and old and old.get("description"):
            notice = replace(notice, description=old["description"])
        row = notice_rows.notice_row(read.portal, notice, read.types.get(notice.type_id or ""))
        if row["kind"] == "protocol_adjusted" and row["posted"] is None:
            warnings.append(f"{row['url']}: a protocol-adjusted notice without a posting date (StartDate); "
                            "its appeal deadline is left empty")
        rows.append(row)
    listed_ids = {row["notice_id"] for row in rows}
    return DerivedBoard(read.portal.organisation_id, read.url, rows, listed_ids, read.complete and not read.absent, warnings)


@dataclass
class DerivedRegister:
    """Representative rows of one committee's register."""

    committee_id: str
    url: str
    rows: list[dict]
    warnings: list[str] = field(default_factory=list)


def register(read: Register) -> DerivedRegister:
    rows, notes = notice_rows.representative_rows(read.portal, read.committee_id, read.people, read.assignments)
    return DerivedRegister(read.committee_id, read.url, rows, [*read.warnings, *notes])


def _fetched_document(derived: DerivedMeeting, doc: dict, previous: dict | None, fetched, refused: dict[str, str],
                      organisation_id: str) -> dict:
    if fetched is None or fetched.response is None:
        derived.failed.add(doc["document_id"])
        return with_previous_file(doc, previous)
    response = fetched.response
    sha = digest(response.content)
    derived.seen_docs[doc["url"]] = sha
    content_type = response.content_type.split(";")[0].strip().lower() or None
    fresh = {**doc, "content_type": content_type, "bytes": len(response.content), "sha256": sha}
    if previous and previous["sha256"] == sha and previous["text_status"] != "failed":
        return {**fresh, **{k: previous[k] or None for k in ("pages", "text_status", "text_path", *QUALITY_FIELDS)}}
    if refused.get(doc["document_id"]) == sha:
        return with_previous_file(doc, previous)
    claims_pdf = content_type == "application/pdf" or doc["url"].split("?")[0].lower().endswith("pdf")
    derived.to_read.append(DocumentTask(doc["document_id"], doc["meeting_id"], organisation_id, doc["kind"], doc["url"],
                                        claims_pdf, response.content))
    return fresh


def read_document(task: DocumentTask) -> DocumentRead:
    """Text of a document's bytes and, for a protocol or summary, its rows."""
    from .documents import text as text_mod

    read = DocumentRead(task.document_id)
    try:
        extracted = text_mod.extract_text(task.data, source=task.url)
    except text_mod.NoTextLayer as exc:
        read.status, read.warning = "no_text_layer", str(exc)
        return read
    except text_mod.NotAPdf as exc:
        if not task.claims_pdf:
            read.status = "not_pdf"
        else:
            read.error = str(exc)
        return read
    except text_mod.DocumentError as exc:
        read.error, read.permanent = str(exc), bool(getattr(exc, "permanent", False))
        return read
    read.status, read.pages = "extracted", extracted.page_count
    read.text = extracted.text.rstrip("\n") + "\n"
    _parse(read, task.kind, task.url, task.meeting_id, task.organisation_id)
    return read


def reread(document: dict, text: str, organisation_id: str) -> DocumentRead:
    """Rows of a document of a meeting of ``organisation_id`` from its text as stored in the package."""
    read = DocumentRead(document["document_id"], document["text_status"] or None, text, int(document["pages"] or 0) or None)
    _parse(read, document["kind"], document["url"], document["meeting_id"], organisation_id)
    return read


def _parse(read: DocumentRead, kind: str, url: str, meeting_id: str, organisation_id: str) -> None:
    if kind not in READ_KINDS or not read.text:
        return
    try:
        if kind == "protokoll":
            from .documents.protocol import parse_protocol

            protocol = parse_protocol(read.text).to_dict()
            read.rows = protocol_rows(protocol, meeting_id, read.document_id, organisation_id)
            read.quality = document_quality(protocol)
        else:
            from .documents.summary import parse_summary

            read.rows = summary_rows(parse_summary(read.text, url).to_dict(), meeting_id, read.document_id)
    except Exception as exc:  # a parser bug must not stop the run; it is reported with the URL
        read.parse_error = f"{type(exc).__name__}: {exc}"

