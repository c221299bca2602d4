"""Rows and ids of what the portal's pages say: organisations, committees, meetings, agenda items
and documents."""

from __future__ import annotations

from datetime import date

from ..config import Portal
from ..errors import ParseError
from ..portal import api
from ..portal.pages import AgendaEntry, DocumentLink, MeetingPage, MeetingRef


# ---------------------------------------------------------------- ids


def committee_id(organisation_id: str, slug: str) -> str:
    return f"{organisation_id}/{slug}"


def committee_slug(committee_id_: str) -> str:
    """The portal's slug of a committee, from its id."""
    return committee_id_.split("/", 1)[-1]


def meeting_id(committee_id_: str, slug: str) -> str:
    return f"{committee_id_}/{slug}"


def committee_of(meeting_id_: str) -> str:
    """The id of the committee a meeting id belongs to."""
    return meeting_id_.rsplit("/", 1)[0]


def agenda_item_id(meeting_id_: str, ordinal: int, sub_ordinal: int | None = None) -> str:
    """``{meeting}#{ordinal}`` for an agenda item, ``{meeting}#{ordinal}.{n}`` for the n-th matter under it."""
    return f"{meeting_id_}#{ordinal}" + (f".{sub_ordinal}" if sub_ordinal else "")


def document_id(meeting_id_: str, area: str, file_slug: str) -> str:
    return f"{meeting_id_}/{area}/{file_slug}"


TEXT_DIR = "text"


def text_path(document_id_: str) -> str:
    """Where a document's extracted text lives inside the package."""
    return f"{TEXT_DIR}/{document_id_.replace('..', '_')}.txt"


# ---------------------------------------------------------------- rows


def organisation_row(portal: Portal) -> dict:
    return {
        "organisation_id": portal.organisation_id, "name": portal.organisation, "kind": portal.kind,
        "country": portal.country, "portal_url": portal.base_url,
    }


def committee_row(portal: Portal, slug: str, name: str | None, portal_committee_id: int | None) -> dict:
    return {
        "committee_id": committee_id(portal.organisation_id, slug), "organisation_id": portal.organisation_id,
        "slug": slug, "name": name or slug.capitalize(), "url": f"{portal.base_url}/committees/{slug}",
        "portal_committee_id": portal_committee_id,
    }


def meeting_status(page_cancelled: bool, when: date, today: date) -> str:
    if page_cancelled:
        return "cancelled"
    return "upcoming" if when >= today else "held"


def meeting_date(ref: MeetingRef | None, page: MeetingPage, api_dates: dict[int, date] | None = None) -> date:
    """The meeting's date: from the listing, else the page title, else the JSON API by the page's meeting id."""
    when = (ref.date if ref else None) or page.date
    if when is None and page.portal_meeting_id and api_dates:
        when = api_dates.get(page.portal_meeting_id)
    if when is None:
        raise ParseError(page.url, "no meeting date: not in the list's aria-label/text, the page title or the JSON API")
    return when


def agenda_item_rows(meeting_id_: str, entry: AgendaEntry) -> list[dict]:
    """The row of an agenda item, then one row per matter listed under it (its sub-items)."""
    item = agenda_item_row(meeting_id_, entry)
    return [item, *(agenda_item_row(meeting_id_, sub, entry.ordinal, item["agenda_item_id"]) for sub in entry.sub_items)]


def agenda_item_row(meeting_id_: str, entry: AgendaEntry, parent_ordinal: int | None = None, parent_id: str | None = None) -> dict:
    """An agenda item, or (with its parent's ordinal and id) a matter listed under one."""
    ordinal, sub_ordinal = (entry.ordinal, None) if parent_ordinal is None else (parent_ordinal, entry.ordinal)
    return {
        "agenda_item_id": agenda_item_id(meeting_id_, ordinal, sub_ordinal), "meeting_id": meeting_id_,
        "ordinal": ordinal, "number": entry.number, "title": entry.title,
        "case_number": "; ".join(entry.case_numbers) or None, "description": entry.description,
        "parent_agenda_item_id": parent_id, "sub_ordinal": sub_ordinal,
    }


def document_row(meeting_id_: str, link: DocumentLink, item_id: str | None) -> dict:
    """A document as the page links it; the file fields are filled once its bytes are read."""
    return {
        "document_id": document_id(meeting_id_, link.area, link.file_slug), "meeting_id": meeting_id_,
        "agenda_item_id": item_id, "kind": link.kind, "title": link.title, "url": link.url,
        "content_type": None, "bytes": None, "sha256": None, "pages": None,
        "text_status": "not_downloaded", "text_path": None, **dict.fromkeys(QUALITY_FIELDS),
    }


def download_row(meeting_id_: str, download_url: str, name: str, zipped: bool) -> dict:
    """A protocol file of the JSON API's download: the answer itself (a PDF), or one PDF of the zip it
    answered (its URL the download's and ``#`` and the file's name). Its id is built like a protocol
    link's, from the file's name (``{meeting}/protocol/{file slug}``)."""
    url = api.member_url(download_url, name) if zipped else download_url
    return document_row(meeting_id_, DocumentLink(url, name, "protokoll", "protocol", api.file_slug(name)), None)


# How well a protocol was read (``protocol.document_quality``); empty for other documents.
QUALITY_FIELDS = ("paragraphs", "paragraphs_with_decision", "paragraphs_with_case_number", "attendance_read",
                  "votes_mismatched", "quality_warning")
# The fields of a document row that come from its file (kept from the version read when it is not read anew).
FILE_FIELDS = ("content_type", "bytes", "sha256", "pages", "text_status", "text_path", *QUALITY_FIELDS)


def page_rows(committee_id_: str, ref: MeetingRef | None, page: MeetingPage, today: date,
              api_dates: dict[int, date] | None = None, downloaded: list[dict] = ()) -> tuple[dict, list[dict], list[dict]]:
    """The meeting, agenda item and document rows of one parsed meeting page (documents once each),
    with the protocol files read through the JSON API (``downloaded``, see ``download_row``)."""
    when = meeting_date(ref, page, api_dates)
    meeting_id_ = meeting_id(committee_id_, page.slug)
    items = [row for entry in page.agenda_items for row in agenda_item_rows(meeting_id_, entry)]
    item_ids = {entry.ordinal: agenda_item_id(meeting_id_, entry.ordinal) for entry in page.agenda_items}
    documents = {}
    for link in page.document_links():
        row = document_row(meeting_id_, link, item_ids.get(link.item_ordinal) if link.item_ordinal is not None else None)
        documents.setdefault(row["document_id"], row)
    for row in downloaded:
        documents.setdefault(row["document_id"], row)
    kinds = {row["kind"] for row in documents.values()}
    has_agenda = bool(page.agenda_items) or "kallelse" in kinds
    meeting = {
        "meeting_id": meeting_id_, "committee_id": committee_id_, "slug": page.slug, "title": page.title,
        "date": when, "start_time": page.start_time, "status": meeting_status(page.cancelled, when, today),
        "agenda_published": has_agenda and not page.agenda_missing, "protocol_published": "protokoll" in kinds,
        "agenda_item_count": len(page.agenda_items), "document_count": len(documents),
        "portal_meeting_id": page.portal_meeting_id or (ref.portal_meeting_id if ref else None),
        "url": page.url, "description": page.description,
    }
    return meeting, items, list(documents.values())
