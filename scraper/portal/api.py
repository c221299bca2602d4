"""Meetings Plus JSON API -> meeting references. Pure functions of (text, url).

``GET /api/v2.0/committees/{committeeId}/meetings`` returns an array of objects with at least
``Id`` (numeric meeting id) and ``DateLabel`` (the meeting date). Meeting page URLs are not in
it, so the list is used to learn dates and ids, joined to pages by date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from ..errors import ParseError
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
