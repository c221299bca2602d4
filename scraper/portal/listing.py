"""A committee's meetings, by the strategies the portal allows, in order:

1. the committee page's rows (``a.accessible-table-cell``, dates from ``aria-label``);
2. the JSON list ``/api/v2.0/committees/{id}/meetings``, where the committee's numeric id is
   configured or found on the page (dates and ids; the meeting URLs are guessed from the dates);
3. the side menu of a meeting page: meeting links on the committee page, the meetings already
   known, and the guessed URLs of the JSON list are tried as seeds, at most ``SEED_PAGES``.

``read_listing`` runs the chain through a ``fetch`` function (the caller's HTTP client) and
records every attempt, so the scraper takes the first strategy that lists meetings and
``meetings doctor`` reports each one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..config import Portal
from ..errors import FetchError, ParseError
from . import api, pages

SEED_PAGES = 3


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
    strategy: str | None = None
    portal_committee_id: int | None = None
    api_refs: list[pages.MeetingRef] = field(default_factory=list)
    api_dates: dict[int, date] = field(default_factory=dict)
    attempts: list[Attempt] = field(default_factory=list)
    unparsed: ParseError | None = None


def api_meeting_refs(base_url: str, slug: str, meetings: list[api.ApiMeeting]) -> list[pages.MeetingRef]:
    """Meetings of the JSON list as references, with the meeting page URL guessed from the date."""
    return [pages.MeetingRef(url=f"{base_url}/committees/{slug}/mote-{m.date.isoformat()}", committee_slug=slug,
                             slug=f"mote-{m.date.isoformat()}", date=m.date, label=m.label,
                             portal_meeting_id=m.portal_meeting_id) for m in meetings if m.date]


def read_listing(fetch: Callable[[str], object], portal: Portal, slug: str, known_urls: list[str] = (), *,
                 every_strategy: bool = False) -> ListingRead:
    """The committee's meetings by the first strategy that finds any (``every_strategy``: try the
    JSON list even when the page lists meetings, as the doctor does)."""
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
    read.attempts.append(Attempt("committee page", read.url, len(read.page.meetings)))
    read.portal_committee_id = portal.committee_ids.get(slug) or read.page.portal_committee_id
    if read.page.meetings:
        read.refs, read.strategy = list(read.page.meetings), read.page.strategy
        if not every_strategy:
            return read
    if read.portal_committee_id:
        _json_list(read, fetch, portal, slug)
    if read.refs is None:
        seeds = pages.parse_meeting_links(read.response.text, read.url, slug) + list(known_urls)
        _side_menu(read, fetch, slug, seeds + [r.url for r in read.api_refs])
    return read


def _json_list(read: ListingRead, fetch, portal: Portal, slug: str) -> None:
    url = api.committee_meetings_url(portal.base_url, read.portal_committee_id)
    try:
        listed = api.parse_committee_meetings(fetch(url).text, url)
    except FetchError as exc:
        read.attempts.append(Attempt("json api", url, None, "fetch", exc.reason))
        return
    except ParseError as exc:
        read.attempts.append(Attempt("json api", url, None, "parse", exc.reason))
        return
    read.api_refs = api_meeting_refs(portal.base_url, slug, listed)
    read.api_dates = {r.portal_meeting_id: r.date for r in read.api_refs}
    read.attempts.append(Attempt("json api", url, len(listed)))


def _side_menu(read: ListingRead, fetch, slug: str, seeds: list[str]) -> None:
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
            read.refs, read.strategy = side, "side menu of " + seed
            read.attempts.append(Attempt("side menu", seed, len(side)))
            return
    read.attempts.append(Attempt("side menu", tried[0] if tried else read.url, 0, "parse",
                                 f"no meeting page among {len(tried)} tried lists the committee's meetings"))
