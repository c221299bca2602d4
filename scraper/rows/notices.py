"""Rows and ids of what the portal's registers say: notices of the digital bulletin board (anslag)
and elected representatives (förtroendevalda) of its committees.

A notice names its committee and meeting only in its text ("Justerat protokoll från
Regionstyrelsens sammanträde 2025-09-09"): ``link_notice`` matches the committees and meetings of
the notice's organisation against it, and leaves both empty when it is not sure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ..config import Portal
from ..portal import api
from .deadlines import appeal_deadline
from .people import person_id

KINDS = ("protocol_adjusted", "meeting_notice", "other")
# "Justerat protokoll", "Anslag om justerat protokoll", "Tillkännagivande av justering", "Protokollet är justerat"
_ADJUSTED = re.compile(r"\bjusterat? protokoll|\bprotokoll\w*\b.{0,40}\bjusterat?s?\b|\bjustering(?:en)?\s+av\s+protokoll"
                       r"|tillkännagivande\w*\s+(?:av|om)\s+(?:protokoll\w*\s+)?justering", re.I)
# "Kungörelse" (of a council meeting), "Kallelse", "Sammanträde", "Möte"
_MEETING_NOTICE = re.compile(r"\bkungörelse|\bkallelse|\bsammanträde\b|\bsammanträden\b", re.I)
_SWEDISH_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
                   "november", "december")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WRITTEN = re.compile(r"\b(\d{1,2})\s+(" + "|".join(_SWEDISH_MONTHS) + r")\s+(\d{4})\b", re.I)


# ---------------------------------------------------------------- ids


def notice_id(organisation_id: str, portal_notice_id: str) -> str:
    return f"{organisation_id}/{portal_notice_id}"


def representative_id(organisation_id: str, portal_representative_id: str) -> str:
    return f"{organisation_id}/{portal_representative_id}"


# ---------------------------------------------------------------- notices


def notice_kind(type_name: str | None, title: str | None) -> str:
    """``protocol_adjusted`` (a protocol was adjusted: the appeal clock starts), ``meeting_notice``
    (a meeting is announced) or ``other``: from the announcement type's name, else its title."""
    for text in (type_name, title):
        if text and _ADJUSTED.search(text):
            return "protocol_adjusted"
    for text in (type_name, title):
        if text and _MEETING_NOTICE.search(text):
            return "meeting_notice"
    return "other"


def notice_row(portal: Portal, notice: api.Announcement, type_name: str | None) -> dict:
    """A notice as the board gives it (list entry merged with its own answer); the committee and
    meeting are filled by ``link_notice``."""
    name = notice.type_name or type_name
    kind = notice_kind(name, notice.title)
    return {
        "notice_id": notice_id(portal.organisation_id, notice.id), "organisation_id": portal.organisation_id,
        "portal_notice_id": notice.id, "type": name, "kind": kind, "title": notice.title or notice.document_title or name,
        "posted": notice.posted, "removed": notice.removed, "description": notice.description,
        "committee_id": None, "meeting_id": None, "url": api.notice_page_url(portal.base_url, notice.id),
        "appeal_deadline": appeal_deadline(notice.posted) if kind == "protocol_adjusted" and notice.posted else None,
    }


def merged_notice(listed: api.Announcement, own: api.Announcement | None) -> api.Announcement:
    """A list entry with what the notice's own answer adds (its answer wins where it has a value)."""
    if own is None:
        return listed
    fields = ("title", "posted", "removed", "type_id", "type_name", "description", "document_title")
    return api.Announcement(listed.id, **{f: getattr(own, f) or getattr(listed, f) for f in fields})


def _fold(text: str) -> str:
    """Lower case with å, ä as a and ö as o, so a name read from a slug matches the printed one."""
    return text.lower().translate(str.maketrans({"å": "a", "ä": "a", "ö": "o"}))


def dates_in(text: str) -> set[date]:
    """Dates written as ``2025-09-09`` or ``9 september 2025`` in a text."""
    found = set()
    for year, month, day in _ISO.findall(text):
        found.add((int(year), int(month), int(day)))
    for day, month, year in _WRITTEN.findall(text):
        found.add((int(year), _SWEDISH_MONTHS.index(month.lower()) + 1, int(day)))
    out = set()
    for year, month, day in found:
        try:
            out.add(date(year, month, day))
        except ValueError:
            continue
    return out


def _committees_named(text: str, committees: Iterable[Mapping[str, str]]) -> list[str]:
    """Ids of the committees whose name (or genitive, "Regionstyrelsens") stands in the text; of two
    names where one contains the other ("Regionstyrelsen", "Regionstyrelsens arbetsutskott"),
    only the longer match counts."""
    folded = _fold(text)
    spans: list[tuple[int, int, str]] = []
    for committee in committees:
        name = _fold(committee.get("name") or "").strip()
        if len(name) < 4:
            continue
        for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"s?(?!\w)", folded):
            spans.append((match.start(), match.end(), committee["committee_id"]))
    named = [c for s, e, c in spans if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _ in spans)]
    return sorted(set(named))


@dataclass(frozen=True)
class Link:
    committee_id: str | None
    meeting_id: str | None
    doubt: str | None = None


def link_notice(text: str, committees: Iterable[Mapping[str, str]], meetings: Mapping[str, list[Mapping[str, str]]]) -> Link:
    """The committee and meeting a notice's text names, among the organisation's committees and
    meetings (by committee id): the committee whose name stands in the text (one only), and of its
    meetings the one held on a date the text gives (one only, not cancelled). Empty where it is not
    sure, with why."""
    named = _committees_named(text, committees)
    if not named:
        return Link(None, None)
    if len(named) > 1:
        return Link(None, None, f"names several committees ({', '.join(named)})")
    dates = {day.isoformat() for day in dates_in(text)}
    candidates = [m for m in meetings.get(named[0], []) if m.get("status") != "cancelled" and m["date"] in dates]
    if len(candidates) > 1:
        return Link(named[0], None, f"{len(candidates)} meetings of {named[0]} on the dates it names")
    return Link(named[0], candidates[0]["meeting_id"] if candidates else None)


def notice_text(row: Mapping[str, str | None]) -> str:
    """The text of a notice that may name its committee and meeting."""
    return "\n".join(v for v in (row.get("title"), row.get("description")) if v)


# ---------------------------------------------------------------- representatives


def current_assignment(assignments: list[api.Assignment]) -> api.Assignment | None:
    """Of a representative's assignments on one committee, the one that runs longest (open-ended
    first), then the latest begun."""
    if not assignments:
        return None
    return max(assignments, key=lambda a: (a.date_to is None, a.date_to or date.min, a.date_from or date.min))


def representative_row(portal: Portal, committee_id: str, person: api.Representative,
                       assignment: api.Assignment | None) -> dict:
    return {
        "representative_id": representative_id(portal.organisation_id, person.id),
        "organisation_id": portal.organisation_id, "portal_representative_id": person.id,
        "person_id": person_id(portal.organisation_id, person.name) if person.name else None,
        "name": person.name, "party": person.party, "committee_id": committee_id,
        "role": assignment.role if assignment else None,
        "date_from": assignment.date_from if assignment else None, "date_to": assignment.date_to if assignment else None,
    }


def representative_rows(portal: Portal, committee_id: str, people: list[api.Representative],
                        assignments: list[api.Assignment] | None) -> tuple[list[dict], list[str]]:
    """One row per representative of a committee, with the role and dates of their assignment when
    the assignments were read; and notes on representatives with several assignments."""
    by_person: dict[str, list[api.Assignment]] = {}
    for assignment in assignments or []:
        by_person.setdefault(assignment.representative_id, []).append(assignment)
    rows, notes, seen = [], [], set()
    for person in people:
        if person.id in seen:
            continue
        seen.add(person.id)
        own = by_person.get(person.id, [])
        if len(own) > 1:
            notes.append(f"{committee_id}: representative {person.id} has {len(own)} assignments; the current one is kept")
        rows.append(representative_row(portal, committee_id, person, current_assignment(own)))
    return rows, notes
