"""``meetings doctor``: does the portal still look the way the parsers expect?

It fetches a few pages of each portal (the committee list when committees are ``"all"``, each
committee page, the JSON meeting list when a committee id is configured or found, and a couple of
meeting pages per committee: the latest held meeting and the next upcoming one) and reports,
strategy by strategy, what matched and what did not:

- ``committee list``: links to ``/committees/{slug}`` on ``/committees`` (required when
  committees are ``"all"``);
- ``html list``: ``a.accessible-table-cell`` rows on the committee page (required unless the page
  shows the list is rendered by script: empty ``#committeesRecentContent`` containers);
- ``json api``: ``/api/v2.0/committees/{id}/meetings`` (required when the HTML list is empty);
- ``meeting page``: the sampled meeting pages are recognised (required);
- ``side menu``: meeting links on a meeting page (required);
- ``protocol links``: ``/protocol/`` document links (informational: a protocol may not be out yet);
- ``protocol button``: ``#openProtocol`` (required: every meeting page has it, even disabled);
- ``agenda items``: read as a run reads them (required: items on the sampled pages that have an
  agenda, and on each page as many numbered items as item numbers are shown; a page read from flat
  text lines, or with doubts noted by the reader, is a warning).

A required strategy that found nothing is ``fail``; a page that could not be fetched is
``error``; either makes the exit status 1. The parsers are those of the scraper
(``scraper/portal/pages.py``, ``api.py``), so what the doctor sees is what a run would see.
With ``save``, the pages that gave nothing (or looked blocked) are kept as a recording.

``record_portal`` (``meetings record``) samples a portal the same way and keeps every answer as a
recording (``scraper/replica/recording.py``), with the doctor's checks and what the documents, the
register of representatives and the bulletin board gave as its summary.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from .config import Portal
from .crawl import DOWNLOAD_ABSENT, Board, Crawler, CrawlOptions, Listing, Register, Unparsed, protocol_download_url
from .errors import FetchError, ParseError
from .portal import api, pages
from .portal.http import HttpClient
from .portal.listing import ListingRead, read_listing
from .replica.recording import Recorder, Recording, write_recording
from .report import Failure
from .rows.notices import notice_kind
from .rows.portal import committee_id
from .state import Memory

OK, WARN, FAIL, SKIP, ERROR = "ok", "warn", "fail", "skip", "error"
MAX_ALL_COMMITTEES = 3


@dataclass
class Check:
    portal: str
    committee: str
    name: str
    status: str
    found: int | None
    detail: str
    url: str | None = None
    required: bool = False


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)  # folders the pages that gave nothing were saved in

    @property
    def ok(self) -> bool:
        return not any(c.status in (FAIL, ERROR) for c in self.checks)

    def add(self, *args, **kwargs) -> Check:
        check = Check(*args, **kwargs)
        self.checks.append(check)
        return check

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "failed": [f"{c.portal}/{c.committee}: {c.name}" for c in self.checks if c.status in (FAIL, ERROR)],
            "checks": [asdict(c) for c in self.checks],
            **({"saved": self.saved} if self.saved else {}),
        }

    def table(self) -> str:
        header = ("portal", "committee", "check", "status", "found", "detail")
        rows = [(c.portal, c.committee, c.name, c.status.upper() if c.status in (FAIL, ERROR) else c.status,
                 "-" if c.found is None else str(c.found), c.detail) for c in self.checks]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
        lines = ["  ".join(value.ljust(widths[i]) for i, value in enumerate(row[:5])) + "  " + row[5] for row in [header, *rows]]
        failed = [c for c in self.checks if c.status in (FAIL, ERROR)]
        verdict = "all required strategies matched" if not failed else (
            f"{len(failed)} required check(s) failed: " + "; ".join(f"{c.portal}/{c.committee} {c.name}" for c in failed))
        return "\n".join([*lines, "", verdict])


def _fetch(client: HttpClient, report: DoctorReport, portal: Portal, committee: str, what: str, url: str) -> str | None:
    try:
        return client.get(url, conditional=False).text
    except FetchError as exc:
        report.add(portal.id, committee, what, ERROR, None, f"could not fetch: {exc.reason}", url, True)
        return None


def _list_containers(tree: LexborHTMLParser) -> list[str]:
    return [f"#{ident}" for ident in ("committeesRecentContent", "committeesUpcomingContent") if tree.css_first(f"#{ident}") is not None]


def _samples(refs: list[pages.MeetingRef], today: date, count: int) -> list[pages.MeetingRef]:
    """The latest held meeting and the next upcoming one, then the most recent others."""
    dated = [r for r in refs if r.date]
    past = sorted((r for r in dated if r.date < today), key=lambda r: r.date, reverse=True)
    upcoming = sorted((r for r in dated if r.date >= today), key=lambda r: r.date)
    chosen: list[pages.MeetingRef] = []
    for ref in [*past[:1], *upcoming[:1], *past[1:], *upcoming[1:], *(r for r in refs if not r.date)]:
        if ref not in chosen and len(chosen) < count:
            chosen.append(ref)
    return chosen


def _html_list(report: DoctorReport, portal: Portal, slug: str, read: ListingRead) -> bool:
    """The committee page's rows; returns whether the list is rendered by script (empty containers)."""
    page, url = read.page, read.url
    tree = LexborHTMLParser(read.response.text)
    containers = _list_containers(tree)
    script_rendered = not page.meetings and bool(containers) and not any(
        tree.css_first(c).css_first("a[href]") is not None for c in containers)
    if page.strategy == "accessible-table-cell" and page.meetings:
        dated = sum(1 for r in page.meetings if r.date)
        detail = f"a.accessible-table-cell rows, {dated} with a date"
        if dated < len(page.meetings):
            detail += f"; {len(page.meetings) - dated} without a date in aria-label or text"
        if read.upcoming_only:
            detail += "; only upcoming meetings: the past ones must come from a side menu or the JSON list"
        status = OK if dated == len(page.meetings) and not read.upcoming_only else WARN
        report.add(portal.id, slug, "html list", status, len(page.meetings), detail, url, True)
    elif page.meetings:
        report.add(portal.id, slug, "html list", WARN, len(page.meetings),
                   f"no a.accessible-table-cell rows; matched by the fallback '{page.strategy}'", url, True)
    elif script_rendered:
        report.add(portal.id, slug, "html list", WARN, 0,
                   f"no a.accessible-table-cell rows; {', '.join(containers)} empty: the list is rendered by script, "
                   "so the JSON API or the side menu must supply the meetings", url, False)
    else:
        missing = "no a.accessible-table-cell rows"
        missing += f", {', '.join(containers)} without meeting links" if containers else \
            ", no #committeesRecentContent or #committeesUpcomingContent container"
        report.add(portal.id, slug, "html list", FAIL, 0, missing + ": the list markup has changed", url, True)
    return script_rendered


def _json_api(report: DoctorReport, portal: Portal, slug: str, read: ListingRead, script_rendered: bool) -> None:
    required = not read.page.meetings
    attempt = next((a for a in read.attempts if a.strategy == "json api"), None)
    if attempt is None:
        report.add(portal.id, slug, "json api", FAIL if required and script_rendered else SKIP, None,
                   "no committee id in the config (committee_ids) or on the committee page", None, required and script_rendered)
    elif attempt.stage == "fetch":
        report.add(portal.id, slug, "json api", ERROR, None, f"could not fetch: {attempt.problem}", attempt.url, True)
    elif attempt.problem:
        report.add(portal.id, slug, "json api", FAIL if required else WARN, 0, attempt.problem, attempt.url, required)
    else:
        source = "config" if portal.committee_ids.get(slug) else "committee page"
        report.add(portal.id, slug, "json api", OK if read.api_refs else (FAIL if required else WARN), attempt.found,
                   f"meetings for committee id {read.portal_committee_id} (id from the {source}), {len(read.api_refs)} with a date",
                   attempt.url, required)


def _sample_refs(read: ListingRead, slug: str, today: date, meetings: int) -> list[pages.MeetingRef]:
    """The meetings to sample: from the committee page, else the JSON list, the listing or the page's links."""
    candidates = read.page.meetings or read.api_refs or read.refs or []
    if not candidates:
        candidates = [pages.MeetingRef(url=s, committee_slug=slug, slug=s.rstrip("/").rsplit("/", 1)[-1], date=None, label="")
                      for s in pages.parse_meeting_links(read.response.text, read.url, slug)]
    return _samples(candidates, today, meetings)


def _sample_pages(client: HttpClient, report: DoctorReport, portal: Portal, slug: str, read: ListingRead, today: date,
                  meetings: int) -> list[tuple[pages.MeetingPage, str]]:
    sampled = _sample_refs(read, slug, today, meetings)
    if not sampled:
        report.add(portal.id, slug, "meeting page", FAIL, 0, "no meeting page to sample: no list, no API, no meeting link on the committee page", read.url, True)
        return []
    parsed = []
    for ref in sampled:
        html = _fetch(client, report, portal, slug, "meeting page", ref.url)
        if html is None:
            continue
        try:
            parsed.append((pages.parse_meeting_page(html, ref.url), html))
        except ParseError as exc:
            report.add(portal.id, slug, "meeting page", FAIL, None, exc.reason, ref.url, True)
    if parsed:
        names = ", ".join(p.slug for p, _ in parsed)
        report.add(portal.id, slug, "meeting page", OK, len(parsed), f"recognised: {names}", parsed[0][0].url, True)
    return parsed


def _page_checks(report: DoctorReport, portal: Portal, slug: str, parsed: list[tuple[pages.MeetingPage, str]]) -> None:
    first = parsed[0][0].url
    side = max(len([r for r in p.side_meetings if r.committee_slug == slug]) for p, _ in parsed)
    if side:
        report.add(portal.id, slug, "side menu", OK, side, "links to the committee's meetings on a meeting page", first, True)
    else:
        report.add(portal.id, slug, "side menu", FAIL, 0, f"no links to /committees/{slug}/... on the sampled meeting pages", first, True)
    protocol_links = sum(1 for p, _ in parsed for d in p.document_links() if d.area == "protocol")
    with_protocol = sum(1 for p, _ in parsed if any(d.kind == "protokoll" for d in p.documents))
    report.add(portal.id, slug, "protocol links", OK if protocol_links else WARN, protocol_links,
               f"/protocol/ links on {with_protocol} of {len(parsed)} pages" + ("" if protocol_links else " (no protocol published yet?)"),
               first, False)
    buttons = sum(1 for _, h in parsed if LexborHTMLParser(h).css_first("#openProtocol") is not None)
    report.add(portal.id, slug, "protocol button", OK if buttons else FAIL, buttons,
               f"#openProtocol on {buttons} of {len(parsed)} pages" + ("" if buttons else ": the protocol tab markup has changed"),
               first, True)
    _agenda_check(report, portal, slug, [p for p, _ in parsed])


READINGS = {"structured": "agenda-item markup", "blocks": "item numbers and their blocks", "text": "text lines"}


def _agenda_check(report: DoctorReport, portal: Portal, slug: str, parsed: list[pages.MeetingPage]) -> None:
    """Agenda items on the sampled pages, read as a run reads them: a page whose numbered items fall
    short of the item numbers it shows (or with case numbers but no item) fails; a page read from
    flat text lines, or with doubts noted, warns."""
    with_agenda = [p for p in parsed if not p.agenda_missing and not (p.cancelled and not p.agenda_items)]
    if not with_agenda:
        report.add(portal.id, slug, "agenda items", SKIP, None, "no sampled page has an agenda published", None, False)
        return
    found = sum(len(p.agenda_items) for p in with_agenda)
    per_page = "; ".join(f"{p.slug}: {len(p.agenda_items)} items, {p.agenda_numbered_entries} item numbers "
                         f"({READINGS.get(p.agenda_strategy, p.agenda_strategy)})" for p in with_agenda)
    problems = [f"{p.slug}: {p.agenda_problem()}" for p in with_agenda if p.agenda_problem()]
    doubts = [f"{p.slug}: {note}" for p in with_agenda for note in p.agenda_notes]
    flat = [p.slug for p in with_agenda if p.agenda_strategy == "text"]
    if problems or not found:
        status, detail = FAIL, "; ".join(problems) or f"no agenda items found: {per_page}"
    elif doubts or flat:
        status = WARN
        detail = "; ".join([*doubts, *([f"read from flat text lines (no block structure): {', '.join(flat)}"] if flat else []), per_page])
    else:
        status, detail = OK, per_page
    report.add(portal.id, slug, "agenda items", status, found, detail, with_agenda[0].url, True)


def listing_of(client: HttpClient, portal: Portal, slug: str, today: date) -> ListingRead:
    return read_listing(lambda url, accept=None: client.get(url, conditional=False, accept=accept), portal, slug, today=today)


def check_committee(client: HttpClient, report: DoctorReport, portal: Portal, slug: str, today: date, meetings: int) -> None:
    read = listing_of(client, portal, slug, today)
    first = read.attempts[0]
    if first.stage == "fetch":
        report.add(portal.id, slug, "committee page", ERROR, None, f"could not fetch: {first.problem}", read.url, True)
        return
    if first.stage == "parse":
        report.add(portal.id, slug, "committee page", FAIL, None, first.problem, read.url, True)
        return
    script_rendered = _html_list(report, portal, slug, read)
    _json_api(report, portal, slug, read, script_rendered)
    parsed = _sample_pages(client, report, portal, slug, read, today, meetings)
    if parsed:
        _page_checks(report, portal, slug, parsed)


def check_portal(client: HttpClient, portal: Portal, *, today: date | None = None, meetings: int = 2,
                 report: DoctorReport | None = None, progress: Callable[[str], None] = lambda m: None) -> DoctorReport:
    report = report or DoctorReport()
    today = today or date.today()
    client.set_host_delay(portal.base_url, portal.delay)
    client.set_host_aliases(portal.base_url, portal.aliases)
    slugs = list(portal.committees or ())
    if portal.committees is None:
        url = f"{portal.base_url}/committees"
        html = _fetch(client, report, portal, "-", "committee list", url)
        if html is None:
            return report
        try:
            listed = pages.parse_committee_list(html, url)
        except ParseError as exc:
            report.add(portal.id, "-", "committee list", FAIL, 0, exc.reason, url, True)
            return report
        slugs = [c.slug for c in listed][:MAX_ALL_COMMITTEES]
        more = f"; checking the first {len(slugs)}" if len(listed) > len(slugs) else ""
        report.add(portal.id, "-", "committee list", OK, len(listed), f"links to /committees/{{slug}}{more}", url, True)
    for slug in slugs:
        progress(f"{portal.id}/{slug}")
        check_committee(client, report, portal, slug, today, meetings)
    return report


def run_doctor(portals: list[Portal], client: HttpClient, *, today: date | None = None, meetings: int = 2,
               progress: Callable[[str], None] = lambda m: None, save: Path | None = None) -> DoctorReport:
    """Check each portal; with ``save``, every page that yields nothing or looks blocked is kept in
    ``save/<portal id>/`` as a recording (see ``scraper/replica/recording.py``)."""
    report = DoctorReport()
    for portal in portals:
        recorder = Recorder(client, portal.id) if save else None
        check_portal(recorder or client, portal, today=today, meetings=meetings, report=report, progress=progress)
        if recorder is not None:
            kept = [e for e in recorder.entries() if e.blocked or (e.file and yields_nothing(e.url, recorder.bodies[e.file]))]
            if kept:
                recording = Recording(portal_config(portal), (today or date.today()).isoformat(), kept)
                report.saved.append(str(write_recording(save / portal.id, recording, recorder.bodies)))
    return report


def yields_nothing(url: str, body: bytes) -> str | None:
    """Why a page or JSON answer gives no rows (no meeting listed, a meeting page with nothing on it,
    an empty list, or it does not parse), or None."""
    path, text = urlsplit(url).path, body.decode("utf-8", errors="replace")
    try:
        if path.startswith("/api/"):
            if api.is_protocol_download(url):
                return None
            data = api.load_json(text, url)
            items = data if isinstance(data, list) else api.value(data, "Items")
            return "an empty JSON list" if items == [] else None if isinstance(data, (list, dict)) else "neither a list nor an object"
        if pages.MEETING_PATH.search(path):
            page = pages.parse_meeting_page(text, url)
            return None if page.agenda_items or page.documents or page.cancelled or page.agenda_missing else "nothing on it"
        if pages.COMMITTEE_PATH.search(path):
            return None if pages.parse_committee_page(text, url).meetings else "no meeting listed"
        if path.rstrip("/") == "/committees":
            pages.parse_committee_list(text, url)
    except ParseError as exc:
        return exc.reason
    return None


# ---------------------------------------------------------------- recording a portal


def portal_config(portal: Portal) -> dict:
    """The portal's config as plain values (kept in a recording, so it says what was asked for)."""
    values = asdict(portal)
    values["committees"] = list(portal.committees) if portal.committees is not None else "all"
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items() if v not in (None, [], {}, ())}


def record_portal(client: HttpClient, portal: Portal, out: Path, *, today: date, captured: date | None = None,
                  meetings: int = 3, documents: int = 1, progress: Callable[[str], None] = lambda m: None) -> DoctorReport:
    """A bounded, polite sample of a live portal through the client, saved as a recording in ``out``:
    robots.txt, the committee list (when committees are ``"all"``), each committee's listing (and
    its JSON list), ``meetings`` meeting pages per committee with ``documents`` documents each (and
    the protocol download where a run would ask for it), the representatives of the committees
    whose id is known, and the bulletin board's first pages; with the doctor's checks of them, and
    what the board, the register and the documents gave, as the recording's summary. ``today``
    decides which meetings are held; ``captured`` is the date the recording says it was made."""
    recorder = Recorder(client, portal.id)
    _quietly(recorder, f"{portal.base_url}/robots.txt", check_robots=False)
    report = check_portal(recorder, portal, today=today, meetings=meetings, progress=progress)
    crawler = Crawler(recorder, {}, Memory(), {}, CrawlOptions(today))
    for slug in dict.fromkeys(c.committee for c in report.checks if c.portal == portal.id and c.committee != "-"):
        read = listing_of(recorder, portal, slug, today)
        if read.page is None:
            continue
        _record_documents(recorder, report, portal, slug, _sample_refs(read, slug, today, meetings), today, documents)
        if portal.representatives and read.portal_committee_id:
            listing = Listing(portal, slug, committee_id(portal.organisation_id, slug), read.url,
                              portal_committee_id=read.portal_committee_id)
            _record_check(report, portal, slug, "representatives", list(crawler.register(listing)))
        elif portal.representatives:
            report.add(portal.id, slug, "representatives", SKIP, None, "no committee id in the config (committee_ids) "
                       "or on the committee page: the register is asked by id", None, False)
    if portal.bulletin_board:
        progress(f"{portal.id} bulletin board")
        _record_check(report, portal, "-", "bulletin board", list(crawler.board(portal)))
    recording = Recording(portal_config(portal), (captured or today).isoformat(), recorder.entries())
    write_recording(out, recording, recorder.bodies, report.as_dict(), report.table())
    return report


def _quietly(client, url: str, **options):
    """An answer kept by the recorder whatever its status (None when there is no body to read)."""
    try:
        return client.get(url, **options)
    except FetchError:
        return None


def _record_documents(recorder: Recorder, report: DoctorReport, portal: Portal, slug: str, refs: list[pages.MeetingRef],
                      today: date, documents: int) -> None:
    """``documents`` documents of each sampled meeting (the kinds a run downloads first), and the
    protocol download where a run would ask for it."""
    asked, pdfs, kinds = 0, 0, Counter()
    for ref in refs:
        response = _quietly(recorder, ref.url, conditional=False)
        try:
            page = pages.parse_meeting_page(response.text, ref.url) if response else None
        except ParseError:
            page = None
        if page is None:
            continue
        links = sorted(page.document_links(), key=lambda link: link.kind not in portal.download)[:documents]
        download = protocol_download_url(page, ref, response.text, portal, today)
        for url, kind in [*((link.url, link.kind) for link in links), *([(download, "protocol download")] if download else [])]:
            answer = _quietly(recorder, url, absent=DOWNLOAD_ABSENT if url == download else frozenset())
            asked, kinds[kind] = asked + 1, kinds[kind] + 1
            pdfs += bool(answer and (b"%PDF" in answer.content[:1024] or answer.content.startswith(b"PK\x03\x04")))
    if not asked:
        report.add(portal.id, slug, "documents", SKIP, 0, "no document linked on the sampled pages", None, False)
        return
    detail = f"{asked} asked for ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}), {pdfs} a PDF or a zip"
    report.add(portal.id, slug, "documents", OK if asked == pdfs else WARN, asked, detail, None, False)


def _record_check(report: DoctorReport, portal: Portal, committee: str, name: str, events: list) -> None:
    """What reading a register or the board gave, as a check: its problems, or what it found."""
    problems = [e.failure if isinstance(e, Unparsed) else e for e in events if isinstance(e, (Failure, Unparsed))]
    found = next((e for e in events if isinstance(e, (Board, Register))), None)
    if problems:
        report.add(portal.id, committee, name, ERROR if problems[0].stage == "fetch" else FAIL, None,
                   "; ".join(f"{p.url}: {p.message}" for p in problems[:3]), problems[0].url, False)
    elif found is None or found.absent:
        report.add(portal.id, committee, name, SKIP, None, found.absent if found else "not read", found.url if found else None, False)
    elif isinstance(found, Register):
        parties = sum(1 for p in found.people if p.party)
        roles = f"; {len(found.assignments)} assignments" if found.assignments is not None else "; no term_of_office_id: no roles"
        report.add(portal.id, committee, name, OK if found.people else WARN, len(found.people),
                   f"{parties} with a party{roles}", found.url, False)
    else:
        kinds = Counter(notice_kind(n.type_name or found.types.get(n.type_id or ""), n.title) for n in found.listed)
        dated = sum(1 for n in found.listed if n.posted)
        detail = (f"{len(found.types)} types; {', '.join(f'{k} {v}' for k, v in sorted(kinds.items())) or 'no notice'}; "
                  f"{dated} with a posting date; {len(found.details)} read on their own; "
                  + ("read in full" if found.complete else "read in part"))
        report.add(portal.id, committee, name, OK if found.listed and dated == len(found.listed) else WARN, len(found.listed),
                   detail, found.url, False)


def dumps(report: DoctorReport) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)


__all__ = ["Check", "DoctorReport", "check_portal", "run_doctor", "record_portal", "dumps"]
