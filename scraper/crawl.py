"""Crawl: the portal's pages and documents, through the one HTTP client, as values.

``crawl`` walks each portal (its committee list when committees are ``"all"``), each committee's
listing, and each listed meeting that is due, and yields what it fetched:

- a ``Listing`` per committee (the meetings it lists, or ``refs=None`` when the listing could not
  be fetched or recognised: then nothing of that committee may be removed);
- a ``FetchedMeeting`` per meeting page fetched, with its parsed page and the bytes of each
  document of a kind the portal's config downloads (or the fetch error); a meeting whose page
  and documents are byte for byte what was last read into the package comes back ``unchanged``
  and unparsed;
- a ``Failure`` for every fetch that failed, and an ``Unparsed`` for every page that did not parse
  (with the response, to be kept for a maintainer);
- a ``Deferred`` for each due meeting left for a later run by ``max_meetings``;
- a ``Register`` per committee whose numeric id is known: its elected representatives (and their
  assignments in the configured term of office), when they were read;
- a ``Board`` per portal: the notices of its digital bulletin board, with the answers of the
  notices not yet known (at most ``NOTICE_DETAILS`` a run), and whether the whole board was read.

A meeting page without a protocol link may have its protocol behind the JSON API's download
(``protocol_download_url`` decides, by the portal's ``protocol_api``); that answer (a PDF, a zip,
or 500 for "no protocol") comes with the meeting as ``download``.

It reads the committed meetings (which are due, which URLs to try when a listing is empty) and
notices (which are known) but builds no rows. Which meetings are due is decided here: upcoming,
recent and protocol-less meetings every run, older meetings with a protocol a slice a day
(``is_due``).
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from .config import Portal
from .errors import Absent, Blocked, FetchError, MeetingsError, ParseError
from .portal import api, pages
from .portal.http import HttpClient, Response
from .portal.listing import read_listing
from .report import Failure
from .rows.notices import notice_id
from .rows.portal import committee_id, meeting_id, meeting_status
from .state import Memory, Seen, digest, unchanged_since_seen

JSON = "application/json"
DOWNLOAD_ABSENT = frozenset({500})  # the protocol download's answer for a meeting without a protocol
ABSENT_DIGEST = "absent"  # what is remembered of a protocol download that answered "no protocol"
MAX_BOARD_TYPES = 30  # announcement types read per board
MAX_BOARD_PAGES = 4  # pages of one type's list read per board
BOARD_PAGE_SIZE = 500
NOTICE_DETAILS = 50  # notices whose own answer is fetched per board and run
NO_API = frozenset({404})  # the status of a register the portal does not have

@dataclass(frozen=True)
class CrawlOptions:
    today: date
    since: date | None = None  # only meetings on or after this date (backfill)
    until: date | None = None  # only meetings on or before this date (backfill)
    skip: frozenset[str] = frozenset()  # meeting ids already done (backfill resume)
    max_meetings: int | None = None  # fetch at most this many meeting pages
    recent_days: int = 45  # meetings younger than this (or upcoming) are re-checked every run
    recheck_days: int = 7  # older meetings with a published protocol: re-checked this often


@dataclass
class Listing:
    portal: Portal
    slug: str
    committee_id: str
    url: str
    name: str | None = None
    refs: list[pages.MeetingRef] | None = None  # None: not fetched, not recognised or known to be partial
    api_dates: dict[int, date] = field(default_factory=dict)
    portal_committee_id: int | None = None
    strategy: str | None = None
    figures: dict[str, int | None] = field(default_factory=dict)  # html_meetings, api_meetings
    warnings: list[str] = field(default_factory=list)


@dataclass
class FetchedDocument:
    url: str
    response: Response | None = None
    error: FetchError | None = None


@dataclass
class FetchedMeeting:
    listing: Listing
    ref: pages.MeetingRef
    meeting_id: str
    response: Response
    page_sha: str
    page: pages.MeetingPage | None = None  # None when unchanged
    unchanged: bool = False
    documents: dict[str, FetchedDocument] = field(default_factory=dict)  # by URL
    download: FetchedDocument | None = None  # the JSON API's protocol download, when it was asked

    @property
    def source(self) -> str:
        return f"{self.listing.portal.id}/{self.listing.slug}"


@dataclass(frozen=True)
class Unparsed:
    failure: Failure
    response: Response


@dataclass(frozen=True)
class Deferred:
    meeting_id: str


@dataclass
class Board:
    """A portal's digital bulletin board as read in this run."""

    portal: Portal
    url: str
    types: dict[str, str | None] = field(default_factory=dict)  # announcement type id -> name
    listed: list[api.Announcement] = field(default_factory=list)  # each notice once, as its type's list gives it
    details: dict[str, api.Announcement | None] = field(default_factory=dict)  # notice id -> its own answer (None: failed)
    complete: bool = True  # every type's list was read to its end: a known notice missing from it is down
    absent: str | None = None  # why the portal has no bulletin board API (404, or a web page instead of JSON)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Register:
    """A committee's elected representatives as the register lists them (read in full)."""

    portal: Portal
    committee_id: str
    url: str
    people: list[api.Representative] = field(default_factory=list)
    assignments: list[api.Assignment] | None = None  # None: no term of office configured
    absent: str | None = None  # why the portal has no register (404, or a web page instead of JSON)
    warnings: list[str] = field(default_factory=list)


Crawled = Listing | FetchedMeeting | Failure | Unparsed | Deferred | Board | Register
ABSENT = object()  # what ``read_json`` returns when the status said there is nothing there


# ---------------------------------------------------------------- which meetings are due


def recheck_day(meeting_id_: str, recheck_days: int) -> int:
    """The meeting's day in a cycle of ``recheck_days`` days (the same on every machine and run)."""
    return int.from_bytes(hashlib.sha256(meeting_id_.encode("utf-8")).digest()[:4], "big") % max(recheck_days, 1)


def is_due(old: Mapping[str, str], when: date, today: date, last_checked: str | None, recent_days: int,
           recheck_days: int) -> bool:
    """Re-check cadence: upcoming, recent and protocol-less meetings every run; older meetings with
    a protocol every ``recheck_days`` days. Each such meeting has its own day in that cycle (from a
    digest of its id), so the archive is re-checked a slice a day instead of all at once, and a
    run's cost does not grow with the archive."""
    if old["status"] == "upcoming" or (today - when).days <= recent_days or old["protocol_published"] != "true":
        return True
    if last_checked is None:
        return True
    age = (today - date.fromisoformat(last_checked)).days
    if age >= recheck_days:
        return True
    return age >= 1 and recheck_day(old.get("meeting_id", ""), recheck_days) == today.toordinal() % recheck_days


def wanted(meeting_id_: str, ref: pages.MeetingRef, old: Mapping[str, str] | None, options: CrawlOptions,
           memory: Memory) -> bool:
    """Whether to fetch a listed meeting in this run: in the date range, not done yet, and due."""
    when = ref.date or (date.fromisoformat(old["date"]) if old else None)
    if when is not None and ((options.since and when < options.since) or (options.until and when > options.until)):
        return False
    if meeting_id_ in options.skip:
        return False
    if options.since or options.until or old is None or when is None or meeting_id_ in memory.refetch:
        return True
    return is_due(old, when, options.today, memory.checked.get(meeting_id_), options.recent_days, options.recheck_days)


def protocol_download_url(page: pages.MeetingPage, ref: pages.MeetingRef | None, html: str, portal: Portal,
                          today: date) -> str | None:
    """The JSON API download to read a meeting's protocol from, or None. Never for a page that links
    a protocol file (those links are read), nor when protocols are not downloaded. With
    ``protocol_api = "linked"`` (the default): when the page links the download ("Ladda ner allt"
    to ``/api/v2.0/meetings/{id}/download/Protocol``); with ``"held"`` also for a held meeting that
    is not cancelled and whose numeric id the page or the JSON list gives."""
    if portal.protocol_api == "never" or "protokoll" not in portal.download:
        return None
    if any(link.kind == "protokoll" for link in page.document_links()):
        return None
    linked = api.protocol_download_ids(html)
    if linked:
        return api.protocol_download_url(portal.base_url, linked[0])
    ident = page.portal_meeting_id or (ref.portal_meeting_id if ref else None)
    when = (ref.date if ref else None) or page.date
    if portal.protocol_api == "held" and not page.cancelled and ident and when and when < today:
        return api.protocol_download_url(portal.base_url, ident)
    return None


def answer_digest(document: FetchedDocument) -> str | None:
    """The digest of a document's answer; ``ABSENT_DIGEST`` for a download that said "no protocol"."""
    if isinstance(document.error, Absent):
        return ABSENT_DIGEST
    return digest(document.response.content) if document.response is not None else None


# ---------------------------------------------------------------- the crawler


class Budget:
    """How many meeting pages a run may still fetch (``max_meetings``), shared by the crawlers of
    portals fetched side by side."""

    def __init__(self, limit: int | None):
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Reserve one meeting; False when the budget is spent."""
        with self._lock:
            if self.limit is not None and self.used >= self.limit:
                return False
            self.used += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self.used -= 1


class Crawler:
    """The crawl of one portal (or several, one after another): the client, the committed meetings
    and what earlier runs remember, read only; the budget of meeting pages, shared."""

    def __init__(self, client: HttpClient, meetings: Mapping[str, Mapping[str, str]], memory: Memory,
                 seen: dict[str, Seen], options: CrawlOptions, budget: Budget | None = None,
                 notices: Mapping[str, Mapping[str, str]] | None = None):
        self.client = client
        self.meetings = meetings
        self.notices = notices if notices is not None else {}
        self.memory = memory
        self.seen = seen
        self.options = options
        self.budget = budget or Budget(options.max_meetings)
        self.blocked: list[Blocked] = []  # block pages met since they were last reported

    def fetch(self, url: str, *, accept: str | None = None, absent: frozenset[int] = frozenset()) -> Response:
        """GET through the client; a block page is kept to be reported and saved."""
        try:
            return self.client.get(url, accept=accept, absent=absent)
        except Blocked as exc:
            self.blocked.append(exc)
            raise

    def read_json(self, url: str, parse, source: str, absent: frozenset[int] = frozenset()):
        """A JSON API answer, parsed: yields what went wrong (a failure, a block page, an answer that
        did not parse, kept for a maintainer) and returns the parsed value, None when there is none,
        or ``ABSENT`` when the status is one of ``absent`` (and then also for an answer that is a web
        page instead of JSON: the portal serves no such API there)."""
        try:
            response = self.fetch(url, accept=JSON, absent=absent)
        except Absent:
            return ABSENT
        except Blocked:
            yield from self.blocked_pages(source)
            return None
        except FetchError as exc:
            yield Failure(url, "fetch", exc.reason, source)
            return None
        try:
            return parse(response.text, url)
        except ParseError as exc:
            if absent and response.content_type.split(";")[0].strip().lower() == "text/html":
                return ABSENT
            yield Unparsed(Failure(url, "parse", exc.reason, source), response)
            return None

    def get(self, url: str, source: str) -> Response | Failure:
        try:
            return self.fetch(url)
        except FetchError as exc:
            return Failure(url, "fetch", exc.reason, source)

    def blocked_pages(self, source: str) -> Iterator[Unparsed]:
        """The block pages met so far, as pages to report and keep (the client has stopped their host)."""
        for exc in self.blocked:
            response = Response(exc.url, exc.status or 200, exc.body, exc.headers.get("content-type", ""), exc.headers)
            yield Unparsed(Failure(exc.url, "blocked", exc.reason, source), response)
        self.blocked = []

    @property
    def backfill(self) -> bool:
        return bool(self.options.since or self.options.until)

    def portal(self, portal: Portal) -> Iterator[Crawled]:
        """The portal's committees and their meetings, then its bulletin board (not in a backfill)."""
        self.client.set_host_delay(portal.base_url, portal.delay)
        self.client.set_host_aliases(portal.base_url, portal.aliases)
        yield from self.committees(portal)
        if portal.bulletin_board and not self.backfill and not self.client.stopped(portal.base_url):
            yield from self.board(portal)

    def committees(self, portal: Portal) -> Iterator[Crawled]:
        if portal.committees is None:
            url = f"{portal.base_url}/committees"
            response = self.get(url, portal.id)
            if isinstance(response, Failure):
                yield from self.blocked_pages(portal.id) if self.blocked else iter([response])
                return
            try:
                listed = [(c.slug, c.name) for c in pages.parse_committee_list(response.text, url)]
            except ParseError as exc:
                yield Unparsed(Failure(exc.url, "parse", exc.reason, portal.id), response)
                return
        else:
            listed = [(slug, None) for slug in portal.committees]
        for slug, name in listed:
            yield from self.committee(portal, slug, name)

    def committee(self, portal: Portal, slug: str, name: str | None) -> Iterator[Crawled]:
        listing = Listing(portal, slug, committee_id(portal.organisation_id, slug), f"{portal.base_url}/committees/{slug}", name)
        yield from self.listing(listing)
        yield listing
        if portal.representatives and listing.portal_committee_id and not self.backfill:
            yield from self.register(listing)
        if listing.refs is None:
            return
        for ref in sorted(listing.refs, key=lambda r: (r.date or date.min, r.url)):
            meeting = meeting_id(listing.committee_id, ref.slug)
            if not wanted(meeting, ref, self.meetings.get(meeting), self.options, self.memory):
                continue
            if not self.budget.take():
                yield Deferred(meeting)
                continue
            if not (yield from self.meeting(listing, ref, meeting)):
                self.budget.give_back()

    # ------------------------------------------------------------ listings

    def listing(self, listing: Listing) -> Iterator[Failure | Unparsed]:
        """Fill ``listing`` from the sources of ``portal.listing``; report what failed. A JSON list
        that could not be read is a warning when the committee page listed the meetings; a listing
        known to be partial is a failure, and the committee is left as it was."""
        source = f"{listing.portal.id}/{listing.slug}"
        known = sorted((r for r in self.meetings.values() if r["committee_id"] == listing.committee_id),
                       key=lambda r: r["date"], reverse=True)
        read = read_listing(self.fetch, listing.portal, listing.slug, [r["url"] for r in known], today=self.options.today)
        blocked = {exc.url for exc in self.blocked}
        yield from self.blocked_pages(source)
        listed_on_page = bool(read.page and read.page.meetings)
        for attempt in read.attempts:
            if attempt.url in blocked:
                continue
            if attempt.problem and attempt.strategy == "json api" and listed_on_page:
                listing.warnings.append(f"{source}: the JSON list was not read ({attempt.problem})")
            elif attempt.problem and attempt.strategy != "side menu":
                failure = Failure(attempt.url, attempt.stage, attempt.problem, source)
                yield Unparsed(failure, read.response) if read.unparsed and attempt.url == read.url else failure
        if read.page is None:
            return
        listing.name = read.page.name or listing.name
        listing.strategy = read.strategy or read.page.strategy
        listing.portal_committee_id = read.portal_committee_id
        listing.api_dates = read.api_dates
        listing.figures = {"html_meetings": len(read.page.meetings), "api_meetings": read.api_meetings}
        listing.warnings.extend(read.warnings)
        if read.refs is None:
            yield Failure(listing.url, "parse", "no meetings found: no a.accessible-table-cell rows, no side menu on a known "
                                                "meeting page, no usable JSON list; keeping the meetings already known", source)
        elif read.incomplete:
            yield Failure(listing.url, "guard", f"{read.incomplete}; nothing of this committee is changed", source)
        else:
            listing.refs = read.refs

    # ------------------------------------------------------------ meetings

    def meeting(self, listing: Listing, ref: pages.MeetingRef, meeting: str) -> Generator[Crawled, None, bool]:
        """The meeting's page and documents; returns whether it was read (it counts against the budget)."""
        source = f"{listing.portal.id}/{listing.slug}"
        response = self.get(ref.url, source)
        if isinstance(response, Failure):
            yield from self.blocked_pages(source) if self.blocked else iter([response])
            return False
        fetched = FetchedMeeting(listing, ref, meeting, response, digest(response.content))
        if self.unchanged(fetched):
            fetched.unchanged = True
            yield fetched
            return True
        try:
            fetched.page = pages.parse_meeting_page(response.text, ref.url)
        except ParseError as exc:
            yield Unparsed(Failure(exc.url, "parse", exc.reason, source), response)
            return False
        prefetched, fetched.documents = fetched.documents, {}
        for link in fetched.page.document_links():
            if link.kind in listing.portal.download and link.url not in fetched.documents:
                document = fetched.documents[link.url] = prefetched.get(link.url) or self.document(link.url)
                yield from self.document_problems(document, source)
        download = protocol_download_url(fetched.page, ref, response.text, listing.portal, self.options.today)
        if download:
            fetched.download = prefetched.get(download) or self.document(download)
            yield from self.document_problems(fetched.download, source)
        yield fetched
        return True

    def document_problems(self, document: FetchedDocument, source: str) -> Iterator[Crawled]:
        if isinstance(document.error, Blocked):
            yield from self.blocked_pages(source)
        elif document.error and not isinstance(document.error, Absent):
            yield Failure(document.url, "fetch", document.error.reason, source)

    def document(self, url: str) -> FetchedDocument:
        """A document's answer (or why there is none); for the JSON API's protocol download, 500
        means "no protocol" (``Absent``, not retried)."""
        absent = DOWNLOAD_ABSENT if api.is_protocol_download(url) else frozenset()
        try:
            return FetchedDocument(url, response=self.fetch(url, absent=absent))
        except FetchError as exc:
            return FetchedDocument(url, error=exc)

    def unchanged(self, fetched: FetchedMeeting) -> bool:
        """Whether a due meeting is exactly as it was when it was last read into the committed
        package: the same page bytes, listing date, document bytes (each asked for conditionally),
        meeting row and status. Documents fetched to find out are kept for the meeting's reading."""
        seen = self.seen.get(fetched.meeting_id)
        old = self.meetings.get(fetched.meeting_id)
        if fetched.meeting_id in self.memory.refetch or fetched.ref.date is None:
            return False
        status = meeting_status(False, fetched.ref.date, self.options.today)
        if not unchanged_since_seen(seen, fetched.page_sha, fetched.ref.date, sorted(fetched.listing.portal.download), old, status):
            return False
        for url, sha in seen.docs.items():
            document = fetched.documents[url] = self.document(url)
            if answer_digest(document) != sha:
                return False
        return True

    # ------------------------------------------------------------ registers

    def register(self, listing: Listing) -> Iterator[Crawled]:
        """The committee's representatives, and their assignments when a term of office is
        configured; nothing when either could not be read (what is known stays as it is)."""
        portal, source = listing.portal, f"{listing.portal.id}/{listing.slug}"
        url = api.representatives_url(portal.base_url, listing.portal_committee_id)
        people = yield from self.read_json(url, api.parse_representatives, source, absent=NO_API)
        if people is ABSENT:
            yield Register(portal, listing.committee_id, url, absent=f"no register of representatives at {url}")
            return
        if people is None:
            return
        register = Register(portal, listing.committee_id, url, people.items, warnings=list(people.notes))
        if portal.term_of_office_id:
            url = api.assignments_url(portal.base_url, listing.portal_committee_id, portal.term_of_office_id)
            assignments = yield from self.read_json(url, api.parse_assignments, source)
            if assignments is None or assignments is ABSENT:
                return
            register.assignments = assignments.items
            register.warnings.extend(assignments.notes)
        yield register

    # ------------------------------------------------------------ the bulletin board

    def board(self, portal: Portal) -> Iterator[Crawled]:
        """The notices of every announcement type (the first ``MAX_BOARD_PAGES`` pages of each), and
        the own answers of the notices not known yet or known without a text."""
        source = portal.id
        board = Board(portal, api.announcement_types_url(portal.base_url))
        types = yield from self.read_json(board.url, api.parse_announcement_types, source, absent=NO_API)
        if types is ABSENT:
            yield Board(portal, board.url, absent=f"no bulletin board API at {board.url}")
            return
        if types is None:
            return
        board.warnings.extend(types.notes)
        board.complete = not types.notes and len(types.items) <= MAX_BOARD_TYPES
        seen: set[str] = set()
        for kind in types.items[:MAX_BOARD_TYPES]:
            board.types[kind.id] = kind.name
            listed, complete = yield from self.announcements(portal, kind.id, source)
            board.complete = board.complete and complete
            board.listed.extend(n for n in listed if not (n.id in seen or seen.add(n.id)))
        yield from self.notice_details(board, source)
        yield board

    def announcements(self, portal: Portal, type_id: str, source: str):
        """One type's notices and whether its list was read to the end."""
        found: list[api.Announcement] = []
        for number in range(1, MAX_BOARD_PAGES + 1):
            url = api.announcements_url(portal.base_url, type_id, number, BOARD_PAGE_SIZE)
            listed = yield from self.read_json(url, lambda text, u: api.parse_announcements(text, u, type_id), source)
            if listed is None or listed is ABSENT:
                return found, False
            found.extend(listed.items)
            if len(listed.items) + len(listed.notes) < BOARD_PAGE_SIZE:
                return found, True
        return found, False

    def notice_details(self, board: Board, source: str) -> Iterator[Crawled]:
        known = self.notices
        wanted = [n for n in board.listed
                  if not (known.get(notice_id(board.portal.organisation_id, n.id)) or {}).get("description")]
        for notice in wanted[:NOTICE_DETAILS]:
            url = api.announcement_url(board.portal.base_url, notice.id)
            own = yield from self.read_json(url, api.parse_announcement, source)
            board.details[notice.id] = None if own is ABSENT else own
        if len(wanted) > NOTICE_DETAILS:
            board.warnings.append(f"{source}: {len(wanted) - NOTICE_DETAILS} notices without their own answer this run "
                                  f"(at most {NOTICE_DETAILS} a run); read from the board's list")


def portal_events(portal: Portal, crawler: Crawler) -> Iterator[Crawled]:
    """Everything fetched from one portal, in the order it was fetched."""
    try:
        yield from crawler.portal(portal)
    except MeetingsError as exc:
        yield Failure(portal.base_url, "portal", str(exc), portal.id)


def by_host(portals: list[Portal]) -> list[list[Portal]]:
    """The portals grouped by host, in the order first named: one group is fetched one request at a time."""
    groups: dict[str, list[Portal]] = {}
    for portal in portals:
        groups.setdefault(urlsplit(portal.base_url).netloc, []).append(portal)
    return list(groups.values())


_DONE = object()


def crawl(portals: list[Portal], make_crawler: Callable[[], Crawler], jobs: int = 1) -> Iterator[Crawled]:
    """Everything fetched from the portals, one value at a time. Portals on different hosts are
    fetched side by side (``jobs`` hosts at a time, each host still one request at a time with its
    delay); a slow or failing host holds up no other. The values of one portal come in the order
    they were fetched; those of different portals interleave."""
    groups = by_host(portals)
    if jobs <= 1 or len(groups) <= 1:
        crawler = make_crawler()
        for portal in portals:
            yield from portal_events(portal, crawler)
        return
    events: queue.Queue = queue.Queue(maxsize=256)
    pending = list(reversed(groups))
    lock = threading.Lock()

    def work() -> None:
        try:
            while True:
                with lock:
                    if not pending:
                        return
                    group = pending.pop()
                crawler = make_crawler()
                for portal in group:
                    for event in portal_events(portal, crawler):
                        events.put(event)
        except BaseException as exc:  # a bug in one thread must not leave the run waiting
            events.put(exc)
        finally:
            events.put(_DONE)

    threads = [threading.Thread(target=work, name=f"crawl-{n}", daemon=True) for n in range(min(jobs, len(groups)))]
    for thread in threads:
        thread.start()
    running = len(threads)
    while running:
        event = events.get()
        if event is _DONE:
            running -= 1
        elif isinstance(event, BaseException):
            raise event
        else:
            yield event
