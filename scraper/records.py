"""The record types: one dataclass per resource of the data package.

Field order here is the column order of the CSV files and matches ``schemas/<resource>.json``
(a test checks that). Keys are stable strings built from the portal's own slugs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date


@dataclass(frozen=True)
class Organisation:
    organisation_id: str
    name: str
    kind: str
    country: str
    portal_url: str


@dataclass(frozen=True)
class Committee:
    committee_id: str
    organisation_id: str
    slug: str
    name: str
    url: str
    portal_committee_id: int | None = None


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    committee_id: str
    slug: str
    title: str
    date: date
    start_time: str | None
    status: str
    agenda_published: bool
    protocol_published: bool
    agenda_item_count: int
    document_count: int
    portal_meeting_id: int | None
    url: str
    description: str | None = None


@dataclass(frozen=True)
class AgendaItem:
    agenda_item_id: str
    meeting_id: str
    ordinal: int
    number: str | None
    title: str
    case_number: str | None
    description: str | None = None


@dataclass(frozen=True)
class Document:
    document_id: str
    meeting_id: str
    agenda_item_id: str | None
    kind: str
    title: str
    url: str
    content_type: str | None = None
    bytes: int | None = None
    sha256: str | None = None
    pages: int | None = None
    text_status: str = "not_downloaded"
    text_path: str | None = None


@dataclass(frozen=True)
class Paragraph:
    paragraph_id: str
    meeting_id: str
    document_id: str
    number: int
    title: str
    case_number: str | None
    decision: str | None
    decision_kind: str | None
    immediately_adjusted: bool
    beslutsgang: str | None
    notes: str | None
    sent_to: str | None
    text: str


@dataclass(frozen=True)
class Attendance:
    attendance_id: str
    meeting_id: str
    document_id: str
    name: str
    party: str | None
    role: str
    replaces: str | None
    title: str | None
    listed_under: str | None


@dataclass(frozen=True)
class Reservation:
    reservation_id: str
    paragraph_id: str
    meeting_id: str
    name: str | None
    party: str | None


@dataclass(frozen=True)
class Proposal:
    proposal_id: str
    paragraph_id: str
    meeting_id: str
    ordinal: int
    name: str | None
    party: str | None
    stance: str | None


@dataclass(frozen=True)
class Correction:
    correction_id: str
    document_id: str
    meeting_id: str
    paragraph: int
    description: str | None


@dataclass(frozen=True)
class SummaryItem:
    summary_item_id: str
    meeting_id: str
    document_id: str
    ordinal: int
    title: str
    decision: str | None
    decision_kind: str | None
    item_number: int | None
    section: str | None


RESOURCES: dict[str, type] = {
    "organisations": Organisation,
    "committees": Committee,
    "meetings": Meeting,
    "agenda_items": AgendaItem,
    "documents": Document,
    "paragraphs": Paragraph,
    "attendance": Attendance,
    "reservations": Reservation,
    "proposals": Proposal,
    "corrections": Correction,
    "summary_items": SummaryItem,
}

PRIMARY_KEYS: dict[str, str] = {name: fields(cls)[0].name for name, cls in RESOURCES.items()}


def column_names(resource: str) -> list[str]:
    return [f.name for f in fields(RESOURCES[resource])]


def to_row(record) -> dict:
    """A record as a dict of plain values (dates as ISO strings)."""
    row = asdict(record)
    for key, value in row.items():
        if isinstance(value, date):
            row[key] = value.isoformat()
    return row
