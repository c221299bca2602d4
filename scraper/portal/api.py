"""Meetings Plus JSON APIs -> values. Pure functions of (text or bytes, url).

- ``GET /api/v2.0/committees/{committeeId}/meetings`` returns an array of objects with at least
  ``Id`` (numeric meeting id) and ``DateLabel`` (the meeting date). Meeting page URLs are not in
  it, so the list is used to learn dates and ids, joined to pages by date.
- ``GET /api/v2.0/meetings/{meetingId}/download/Protocol?downloadMode=download`` answers a PDF, a
  zip of PDFs, or 500 when the meeting has no protocol (``read_protocol_download``).
- The digital bulletin board (``/api/dbb/v1.0/...``): announcement types, the published
  announcements of a type, one announcement.
- The register of elected representatives (``/api/err/v1.0/...``): a committee's representatives
  and, for a term of office, their assignments.
"""

from __future__ import annotations

import html
import io
import json
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote, unquote

from ..errors import ParseError
from . import pages
from .pages import find_date


@dataclass(frozen=True)
class ApiMeeting:
    portal_meeting_id: int
    date: date | None
    label: str


def committee_meetings_url(base_url: str, committee_id: int) -> str:
    return f"{base_url.rstrip('/')}/api/v2.0/committees/{committee_id}/meetings"


def protocol_download_url(base_url: str, meeting_id: int) -> str:
    return f"{base_url.rstrip('/')}/api/v2.0/meetings/{meeting_id}/download/Protocol?downloadMode=download"


def parse_committee_meetings(text: str, url: str) -> list[ApiMeeting]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(url, f"not JSON: {exc.msg} at position {exc.pos}") from None
    if isinstance(data, dict):
        data = data.get("Items", data.get("items"))
    if not isinstance(data, list):
        raise ParseError(url, "expected a JSON array of meetings (or an object with 'Items')")
    meetings = []
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or "Id" not in entry:
            raise ParseError(url, f"meeting #{index} has no 'Id'")
        ident = entry["Id"]
        if isinstance(ident, str) and ident.strip().isdigit():
            ident = int(ident)
        if isinstance(ident, bool) or not isinstance(ident, int):
            raise ParseError(url, f"meeting #{index} has an unusable 'Id' {entry['Id']!r} (expected an integer)")
        label = str(entry.get("DateLabel") or "")
        meetings.append(ApiMeeting(ident, find_date(label), label))
    return meetings


# ---------------------------------------------------------------- shared readers of the JSON APIs
#
# The bulletin board (dbb) and the register of elected representatives (err) answer either a bare
# JSON array or an object with the list under ``Items``; keys are PascalCase, but a key may be
# missing, so every value is read with ``value`` (any case) and is None when it is not there.


@dataclass(frozen=True)
class Listed:
    """What one JSON list gave: its entries, and notes on entries that could not be used."""

    items: list
    notes: list[str]


def load_json(text: str, url: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(url, f"not JSON: {exc.msg} at position {exc.pos}") from None


def json_items(data, url: str, what: str) -> list:
    """The entries of a JSON list: a bare array, or an object with the array under ``Items``."""
    if isinstance(data, dict):
        data = value(data, "Items")
    if not isinstance(data, list):
        raise ParseError(url, f"expected a JSON array of {what} (or an object with 'Items')")
    return data


def value(entry, *names: str):
    """The value of the first of ``names`` that ``entry`` has (keys compared without case), or None."""
    if not isinstance(entry, dict):
        return None
    lowered = {str(k).lower(): v for k, v in entry.items()}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def text_value(raw) -> str | None:
    """A string value with its whitespace squeezed; None for anything else or an empty string."""
    if not isinstance(raw, str):
        return None
    return " ".join(raw.split()) or None


def id_value(raw) -> str | None:
    """An id as text: an integer, or a string without spaces or slashes (a GUID); else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, str) and raw.strip() and not re.search(r"[\s/\\#?]", raw.strip()):
        return raw.strip()
    return None


_MS_DATE = re.compile(r"/Date\((-?\d+)(?:[+-]\d{4})?\)/")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
PORTAL_TIMEZONE = "Europe/Stockholm"


def date_value(raw) -> date | None:
    """A date from the API: ``YYYY-MM-DD``, an ISO date-time (one with a UTC offset is taken in
    Swedish time, so ``2026-02-25T23:00:00Z`` is 26 February) or ``/Date(ms)/``; None otherwise."""
    from zoneinfo import ZoneInfo

    if not isinstance(raw, str):
        return None
    text = raw.strip()
    legacy = _MS_DATE.fullmatch(text)
    try:
        if legacy:
            return datetime.fromtimestamp(int(legacy[1]) / 1000, ZoneInfo(PORTAL_TIMEZONE)).date()
        if not _ISO_DATETIME.fullmatch(text):
            return None
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    except (ValueError, OverflowError, OSError):
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(PORTAL_TIMEZONE))
    return moment.date()


_BREAKS = re.compile(r"<\s*(?:br\s*/?|/p|/div|/li|/h\d|/tr)\s*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def plain_text(raw) -> str | None:
    """Free text of the API as plain text: HTML markup (a rich-text field) becomes lines; blank
    lines and runs of spaces go."""
    if not isinstance(raw, str):
        return None
    text = raw
    if _TAG.search(text):
        text = html.unescape(_TAG.sub(" ", _BREAKS.sub("\n", text)))
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line) or None


def _listed(text: str, url: str, what: str, read) -> Listed:
    """Entries of a JSON list read by ``read(entry) -> item or None``; unusable ones are noted."""
    items, notes = [], []
    for index, entry in enumerate(json_items(load_json(text, url), url, f"{what}s")):
        item = read(entry)
        if item is None:
            notes.append(f"{url}: {what} #{index} has no usable 'Id'; left out")
        else:
            items.append(item)
    return Listed(items, notes)


# ---------------------------------------------------------------- the digital bulletin board (dbb)


@dataclass(frozen=True)
class AnnouncementType:
    id: str
    name: str | None


@dataclass(frozen=True)
class Announcement:
    """A notice on the bulletin board, from the list of a type or from its own answer."""

    id: str
    title: str | None = None
    posted: date | None = None  # StartDate: the day it was put up
    removed: date | None = None  # EndDate: the day it comes down, where given
    type_id: str | None = None
    type_name: str | None = None
    description: str | None = None
    document_title: str | None = None


def announcement_types_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/api/dbb/v1.0/announcement-types?pageNumber=1&pageSize=1000&manageableOnly=false"


def announcements_url(base_url: str, type_id: str, page: int = 1, page_size: int = 500) -> str:
    return (f"{base_url.rstrip('/')}/api/dbb/v1.0/announcements/published?announcementTypeId={type_id}"
            f"&pageNumber={page}&pageSize={page_size}&manageableOnly=false")


def announcement_url(base_url: str, announcement_id: str) -> str:
    return f"{base_url.rstrip('/')}/api/dbb/v1.0/announcements/{announcement_id}"


def notice_page_url(base_url: str, announcement_id: str) -> str:
    """The notice's page on the portal (the bulletin board is rendered by script; this is its address)."""
    return f"{base_url.rstrip('/')}/digital-bulletin-board/announcements/{announcement_id}"


def parse_announcement_types(text: str, url: str) -> Listed:
    def read(entry) -> AnnouncementType | None:
        ident = id_value(value(entry, "Id"))
        return AnnouncementType(ident, text_value(value(entry, "Name", "Title"))) if ident else None

    return _listed(text, url, "announcement type", read)


def announcement(entry, type_id: str | None = None) -> Announcement | None:
    """An announcement from one JSON object (of a list or the announcement's own answer)."""
    ident = id_value(value(entry, "Id"))
    if ident is None:
        return None
    kind = value(entry, "AnnouncementType", "Type")
    return Announcement(
        id=ident, title=text_value(value(entry, "Title", "Name")),
        posted=date_value(value(entry, "StartDate")), removed=date_value(value(entry, "EndDate")),
        type_id=id_value(value(entry, "AnnouncementTypeId", "TypeId")) or id_value(value(kind, "Id")) or type_id,
        type_name=text_value(value(entry, "AnnouncementTypeName", "TypeName")) or text_value(value(kind, "Name"))
        or text_value(kind),
        description=plain_text(value(entry, "Description")),
        document_title=text_value(value(entry, "DocumentTitle")),
    )


def parse_announcements(text: str, url: str, type_id: str | None = None) -> Listed:
    return _listed(text, url, "announcement", lambda entry: announcement(entry, type_id))


def parse_announcement(text: str, url: str) -> Announcement:
    data = load_json(text, url)
    if isinstance(data, dict) and isinstance(value(data, "Item", "Announcement"), dict):
        data = value(data, "Item", "Announcement")
    found = announcement(data)
    if found is None:
        raise ParseError(url, "expected a JSON object with the announcement's 'Id'")
    return found


# ---------------------------------------------------------------- elected representatives (err)


@dataclass(frozen=True)
class Representative:
    id: str
    name: str | None
    party: str | None


@dataclass(frozen=True)
class Assignment:
    representative_id: str
    role: str | None
    date_from: date | None
    date_to: date | None
    number: int | None
    state: str | None


def representatives_url(base_url: str, committee_id: int) -> str:
    return f"{base_url.rstrip('/')}/api/err/v1.0/representatives?committeeId={committee_id}&pageSize=9999"


def assignments_url(base_url: str, committee_id: int, term_of_office_id: str) -> str:
    return f"{base_url.rstrip('/')}/api/err/v1.0/committees/{committee_id}/assignments?termOfOfficeId={term_of_office_id}"


def parse_representatives(text: str, url: str) -> Listed:
    def read(entry) -> Representative | None:
        ident = id_value(value(entry, "Id"))
        party = value(entry, "PoliticalParty", "Party")
        name = text_value(value(party, "Name")) or text_value(party) or text_value(value(entry, "PoliticalPartyName"))
        return Representative(ident, text_value(value(entry, "Name", "FullName")), name) if ident else None

    return _listed(text, url, "representative", read)


def parse_assignments(text: str, url: str) -> Listed:
    def read(entry) -> Assignment | None:
        ident = id_value(value(entry, "RepresentativeId"))
        number = value(entry, "Number")
        return Assignment(ident, text_value(value(entry, "Role")), date_value(value(entry, "DateFrom")),
                          date_value(value(entry, "DateTo")), number if type(number) is int else None,
                          text_value(value(entry, "State"))) if ident else None

    return _listed(text, url, "assignment", read)


# ---------------------------------------------------------------- the protocol download

ZIP_MAX_MEMBERS = 100  # members of a zip looked at; the rest are left out
ZIP_MAX_MEMBER_BYTES = 100_000_000  # one file unpacked (the limit of a PDF the readers take)
ZIP_MAX_TOTAL_BYTES = 256 * 2**20  # all files of one zip unpacked
PDF_MAGIC, ZIP_MAGIC = b"%PDF", b"PK\x03\x04"
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)


@dataclass(frozen=True)
class ProtocolFile:
    name: str  # the file's name: the zip member's name, or the answer's file name
    data: bytes


@dataclass
class ProtocolDownload:
    files: list[ProtocolFile]
    zipped: bool
    notes: list[str] = field(default_factory=list)  # members left out, and why


def protocol_download_ids(html_text: str) -> list[int]:
    """Numeric meeting ids of the links on a page to ``/api/v2.0/meetings/{id}/download/Protocol``
    ("Ladda ner allt" of the protocol tab, when it is not ``javascript:void(0)``)."""
    found: list[int] = []
    for href in _HREF.findall(html_text or ""):
        match = pages.API_MEETING.search(href)
        if match and match[2].lower() == "protocol" and int(match[1]) not in found:
            found.append(int(match[1]))
    return found


def file_slug(name: str) -> str:
    """A file name as the portal writes it in document URLs: lower case, å and ä as a, ö as o, § as
    ss, the dot before the extension dropped, other runs of characters as ``-``
    (``Protokoll § 12.pdf`` -> ``protokoll-ss-12pdf``)."""
    text = name.lower().translate(str.maketrans({"å": "a", "ä": "a", "ö": "o", "§": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"\.(?=[a-z0-9]{2,5}$)", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "protokoll"


def disposition_name(header: str | None) -> str | None:
    """The file name of a ``Content-Disposition`` header (``filename*=UTF-8''…`` first), or None."""
    if not header:
        return None
    extended = re.search(r"filename\*\s*=\s*([\w-]+)''([^;]+)", header, re.I)
    if extended:
        try:
            return _safe_name(unquote(extended[2].strip(), encoding=extended[1], errors="strict"))
        except (LookupError, UnicodeDecodeError):
            pass
    plain = re.search(r"""filename\s*=\s*(?:"([^"]*)"|([^;]+))""", header, re.I)
    return _safe_name((plain[1] if plain[1] is not None else plain[2]).strip()) if plain else None


def _safe_name(name: str) -> str | None:
    """A member or file name without directories; None for one that climbs out (``..``) or is empty."""
    parts = [p for p in re.split(r"[\\/]", name) if p not in ("", ".")]
    if not parts or ".." in parts or re.match(r"^[A-Za-z]:", name):
        return None
    return parts[-1]


def read_protocol_download(content: bytes, url: str, name: str | None = None) -> ProtocolDownload:
    """The PDFs of a protocol download: the answer itself when it is a PDF (``name``: its file name),
    or the PDFs in it when it is a zip. The kind is told by the first bytes, not the content type.
    Raises ParseError when the answer is neither."""
    if content.startswith(ZIP_MAGIC) or content.startswith(b"PK\x05\x06"):
        return _unzip(content, url)
    if PDF_MAGIC in content[:1024]:
        return ProtocolDownload([ProtocolFile(name or "protokoll.pdf", content)], zipped=False)
    raise ParseError(url, "the protocol download is neither a PDF (%PDF) nor a zip (PK)")


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _unzip(content: bytes, url: str) -> ProtocolDownload:
    """The PDFs in a zip, bounded: at most ``ZIP_MAX_MEMBERS`` members, each unpacked to at most
    ``ZIP_MAX_MEMBER_BYTES`` and all to ``ZIP_MAX_TOTAL_BYTES``; names that climb out of the zip,
    encrypted members, nested zips and files that are not PDFs are left out, each with a note."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(url, f"the protocol download is a damaged zip: {exc}") from None
    download, total, names = ProtocolDownload([], zipped=True), 0, set()
    if len(members) > ZIP_MAX_MEMBERS:
        download.notes.append(f"{url}: the zip has {len(members)} files; only the first {ZIP_MAX_MEMBERS} are read")
    for info in members[:ZIP_MAX_MEMBERS]:
        name = _member_name(info)
        problem, data = _member(archive, info, name, ZIP_MAX_TOTAL_BYTES - total)
        if problem:
            download.notes.append(f"{url}#{name}: {problem}; left out")
            continue
        total += len(data)
        shown = _safe_name(name)
        if file_slug(shown) in names:
            download.notes.append(f"{url}#{name}: a file of the same name was read already; left out")
            continue
        names.add(file_slug(shown))
        download.files.append(ProtocolFile(shown, data))
    return download


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, room: int) -> tuple[str | None, bytes]:
    """(why a member is left out, or None; its bytes)."""
    if _safe_name(name) is None:
        return "a name outside the zip", b""
    if info.flag_bits & 0x1:
        return "encrypted", b""
    limit = min(ZIP_MAX_MEMBER_BYTES, room)
    if info.file_size > limit:
        return f"{info.file_size} bytes unpacked, over the limit of {limit}", b""
    try:
        with archive.open(info) as handle:
            data = handle.read(limit + 1)
    except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError, EOFError, zlib.error) as exc:
        return f"cannot be unpacked ({exc})", b""
    if len(data) > limit:
        return f"unpacks to more than {limit} bytes", b""
    if data.startswith(ZIP_MAGIC):
        return "a zip inside the zip (not followed)", b""
    if PDF_MAGIC not in data[:1024]:
        return "not a PDF", b""
    return None, data


def is_protocol_download(url: str) -> bool:
    """Whether a URL is the JSON API's protocol download (where HTTP 500 means "no protocol")."""
    match = pages.API_MEETING.search(url)
    return bool(match) and match[2].lower() == "protocol"


def member_url(download_url: str, name: str) -> str:
    """The URL of one file of a protocol download: the download's URL and ``#`` and the file's name."""
    return f"{download_url}#{quote(name, safe='')}"
