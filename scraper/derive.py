"""Derive: what was fetched, or a stored document text, becomes rows. Pure functions.

- ``meeting`` turns a fetched meeting page into its meeting, agenda item and document rows, and
  says which documents came with new bytes and must be read;
- ``read_document`` turns one document's new bytes into text and, for protocols and summaries,
  into the rows of the protocol or summary family (it runs in a worker process);
- ``reread`` does the same from a text already in the package (``meetings reparse``).

Rows are built by ``scraper/rows``; here they are only put together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .crawl import FetchedMeeting
from .errors import ParseError
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
    failed: set[str] = field(default_factory=set)  # documents whose fetch failed (previous version kept)
    seen_docs: dict[str, str] = field(default_factory=dict)  # URL -> sha256 of each downloaded document


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
    meeting_row, items, documents = portal_rows.page_rows(listing.committee_id, fetched.ref, page, today, listing.api_dates)
    check_agenda(page)
    check_agenda_strategy(page, old_meeting, strategy_before)
    derived = DerivedMeeting(meeting_row["meeting_id"], listing.committee_id, fetched.source, page.url, meeting_row, items,
                             [], page.agenda_strategy)
    derived.warnings = [f"{page.url}: agenda read with a doubt: {note}" for note in page.agenda_notes]
    download = listing.portal.download
    for doc in sorted(documents, key=reading_order):
        previous = old_documents.get(doc["document_id"])
        if doc["kind"] in download:
            doc = _fetched_document(derived, doc, previous, fetched.documents.get(doc["url"]), refused or {},
                                    listing.portal.organisation_id)
        elif previous and previous["url"] == doc["url"]:
            doc = with_previous_file(doc, previous)
        derived.documents.append(doc)
    return derived


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

