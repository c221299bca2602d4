"""A committee's meetings, from every source the portal offers, merged:

1. the committee page's rows (``a.accessible-table-cell``, dates from ``aria-label``);
2. the meeting pages named in the config (``seed_meetings``);
3. the side menu of a meeting page, when the committee page lists nothing or only upcoming
   meetings (some portals show only the "Kommande" rows to a plain fetch), or the JSON list has
   meetings the pages do not list: meeting links on the committee page, the meetings already
   known, the configured seeds and the guessed URLs of the JSON list are tried as seeds, at most
   ``SEED_PAGES``;
4. the JSON list ``/api/v2.0/committees/{id}/meetings``, wherever the committee's numeric id is
   configured or found on the page: it gives dates and ids to the meetings the pages list (joined
   by guessed URL or date), and its count is compared with theirs.

Meetings are merged by URL; a date, section or id one source lacks is taken from another. A
listing that can only be partial (only upcoming meetings, and neither a side menu nor the JSON list
could say what else there is) is marked ``incomplete``: nothing of that committee may be removed.

``read_listing`` runs this through a ``fetch(url, accept=None)`` function (the caller's HTTP
client; the JSON list is asked for with ``Accept: application/json``) and records every attempt, so the scraper and ``meetings doctor`` report each one. It reads no clock: "upcoming"
is judged against the ``today`` it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlsplit

from ..config import Portal
from ..errors import FetchError, ParseError
from . import api, pages

SEED_PAGES = 3
JSON = "application/json"


@dataclass(frozen=True)
class Attempt:
    strategy: str  # committee page, json api, side menu
    url: str
    found: int | None = None  # meetings found; None when the page could not be fetched or read
    stage: str | None = None  # fetch or parse, when it failed
    problem: str | None = None


@dataclass
class ListingRead:
    url: str
    response: object | None = None  # the committee page as fetched
    page: pages.CommitteePage | None = None
    refs: list[pages.MeetingRef] | None = None  # None: no strategy found meetings
    strategy: str | None = None  # the sources of the meetings, joined by " + "
    portal_committee_id: int | None = None
    api_refs: list[pages.MeetingRef] = field(default_factory=list)
    api_dates: dict[int, date] = field(default_factory=dict)
    api_meetings: int | None = None  # meetings in the JSON list, when it was read
    upcoming_only: bool = False  # the committee page listed only upcoming meetings
    incomplete: str | None = None  # why the meetings found cannot be the committee's whole list
    warnings: list[str] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    unparsed: ParseError | None = None


def api_meeting_refs(base_url: str, slug: str, meetings: list[api.ApiMeeting]) -> list[pages.MeetingRef]:
    """Meetings of the JSON list as references, with the meeting page URL guessed from the date."""
    return [pages.MeetingRef(url=f"{base_url}/committees/{slug}/mote-{m.date.isoformat()}", committee_slug=slug,
                             slug=f"mote-{m.date.isoformat()}", date=m.date, label=m.label,
                             portal_meeting_id=m.portal_meeting_id) for m in meetings if m.date]


def only_upcoming(refs: list[pages.MeetingRef], today: date) -> bool:
    """Whether a list shows upcoming meetings only: all in the upcoming section, or all dated today or later."""
    if not refs:
        return False
    return all(r.section == "upcoming" for r in refs) or all(r.date is not None and r.date >= today for r in refs)


def seed_refs(portal: Portal, slug: str) -> list[pages.MeetingRef]:
    """The configured meeting pages of a committee, as references without a date."""
    found = []
    for url in portal.seed_meetings:
        match = pages.MEETING_PATH.search(urlsplit(url).path)
        if match and match[1] == slug:
            found.append(pages.MeetingRef(url=pages.canonical_url(url), committee_slug=slug, slug=match[2], date=None, label=""))
    return found


def merge_refs(refs: list[pages.MeetingRef]) -> list[pages.MeetingRef]:
    """Each meeting once (by URL), in the order first seen; what one source lacks another fills."""
    merged: dict[str, pages.MeetingRef] = {}
    for ref in refs:
        old = merged.get(ref.url)
        merged[ref.url] = ref if old is None else replace(
            old, date=old.date or ref.date, section=old.section or ref.section, label=old.label or ref.label,
            portal_meeting_id=old.portal_meeting_id or ref.portal_meeting_id)
    return list(merged.values())


def join_api(refs: list[pages.MeetingRef], api_refs: list[pages.MeetingRef]) -> tuple[list[pages.MeetingRef], list[pages.MeetingRef]]:
    """The listed meetings with the JSON list's dates and ids (joined by guessed URL, else by a date
    only one listed meeting has), and the JSON list's meetings no page lists."""
    by_url = {r.url: r for r in api_refs}
    dates: dict[date, list[pages.MeetingRef]] = {}
    for ref in refs:
        if ref.date:
            dates.setdefault(ref.date, []).append(ref)
    joined, used = [], set()
    for ref in refs:
        match = by_url.get(ref.url)
        if match is None and ref.date and len(dates[ref.date]) == 1:
            match = next((a for a in api_refs if a.date == ref.date and a.url not in used), None)
        if match:
            used.add(match.url)
            ref = replace(ref, date=ref.date or match.date, portal_meeting_id=ref.portal_meeting_id or match.portal_meeting_id)
        joined.append(ref)
    return joined, [a for a in api_refs if a.url not in used]


def read_listing(fetch: Callable[[str], object], portal: Portal, slug: str, known_urls: list[str] = (), *,
                 today: date) -> ListingRead:
    """The committee's meetings from every source (see the module docstring)."""
    read = ListingRead(f"{portal.base_url}/committees/{slug}")
    try:
        read.response = fetch(read.url)
        read.page = pages.parse_committee_page(read.response.text, read.url)
    except FetchError as exc:
        read.attempts.append(Attempt("committee page", read.url, None, "fetch", exc.reason))
        return read
    except ParseError as exc:
        read.attempts.append(Attempt("committee page", read.url, None, "parse", exc.reason))
        read.unparsed = exc
        return read
    listed = list(read.page.meetings)
    read.attempts.append(Attempt("committee page", read.url, len(listed)))
    read.portal_committee_id = portal.committee_ids.get(slug) or read.page.portal_committee_id
    read.upcoming_only = only_upcoming(listed, today)
    if read.portal_committee_id:
        _json_list(read, fetch, portal, slug)
    seeds = seed_refs(portal, slug)
    sources = [(read.page.strategy, listed), ("seed meetings", seeds)]
    _, unlisted = join_api(merge_refs([*listed, *seeds]), read.api_refs)
    if not listed or read.upcoming_only or unlisted:
        links = pages.parse_meeting_links(read.response.text, read.url, slug)
        side_seed, side = _side_menu(read, fetch, slug, [*links, *known_urls, *(r.url for r in seeds), *(r.url for r in read.api_refs)])
        sources.append((f"side menu of {side_seed}", side))
    _merge(read, sources, today, f"{portal.id}/{slug}")
    return read


def _merge(read: ListingRead, sources: list[tuple[str, list[pages.MeetingRef]]], today: date, where: str) -> None:
    """The listing from its sources, with what the JSON list adds, and what the run should be told."""
    found = [(name, refs) for name, refs in sources if refs]
    if not found:
        return
    refs, unlisted = join_api(merge_refs([r for _, refs in found for r in refs]), read.api_refs)
    read.refs, read.strategy = refs, " + ".join(name for name, _ in found)
    side_read = any(a.strategy == "side menu" and not a.problem for a in read.attempts)
    past_unlisted = [r for r in unlisted if r.date < today]
    if read.upcoming_only and not side_read and (read.api_meetings is None or past_unlisted):
        read.incomplete = (f"the committee page lists only upcoming meetings ({len(read.page.meetings)}), and neither the "
                           "side menu of a meeting page nor the JSON list could list the past ones")
    elif read.upcoming_only:
        read.warnings.append(f"{where}: the committee page lists only upcoming meetings ({len(read.page.meetings)}); "
                             f"read {len(refs)} from {read.strategy}")
    if read.api_meetings is not None and read.api_meetings != len(refs):
        read.warnings.append(f"{where}: the JSON list has {read.api_meetings} meetings, the pages list {len(refs)}"
                             + (f"; not listed: {', '.join(sorted(str(r.date) for r in unlisted))}" if unlisted else ""))


def _json_list(read: ListingRead, fetch, portal: Portal, slug: str) -> None:
    url = api.committee_meetings_url(portal.base_url, read.portal_committee_id)
    try:
        listed = api.parse_committee_meetings(fetch(url, accept=JSON).text, url)
    except FetchError as exc:
        read.attempts.append(Attempt("json api", url, None, "fetch", exc.reason))
        return
    except ParseError as exc:
        read.attempts.append(Attempt("json api", url, None, "parse", exc.reason))
        return
    read.api_refs = api_meeting_refs(portal.base_url, slug, listed)
    read.api_dates = {r.portal_meeting_id: r.date for r in read.api_refs}
    read.api_meetings = len(listed)
    read.attempts.append(Attempt("json api", url, len(listed)))


def _side_menu(read: ListingRead, fetch, slug: str, seeds: list[str]) -> tuple[str | None, list[pages.MeetingRef]]:
    """The committee's meetings in the side menu of the first seed page that has one."""
    tried: list[str] = []
    for seed in seeds:
        if seed in tried or len(tried) >= SEED_PAGES:
            continue
        tried.append(seed)
        try:
            seed_page = pages.parse_meeting_page(fetch(seed).text, seed)
        except (FetchError, ParseError):
            continue
        side = [r for r in seed_page.side_meetings if r.committee_slug == slug]
        if side:
            read.attempts.append(Attempt("side menu", seed, len(side)))
            return seed, side
    read.attempts.append(Attempt("side menu", tried[0] if tried else read.url, 0, "parse",
                                 f"no meeting page among {len(tried)} tried lists the committee's meetings"))
    return None, []
