"""The one HTTP client of the project: polite, cached, retrying, bounded.

- a User-Agent that names the project and a contact URL;
- only absolute http(s) URLs without credentials are fetched; anything else (``javascript:``,
  ``mailto:``, a relative URL, ``user:pass@host``) fails at once, without a request;
- per host: a delay between requests and a limit on requests in flight (a semaphore, so the
  client can be shared by threads, one host's slow answers holding up no other host);
- robots.txt honoured: fetched once per origin and run, conditionally; an unreadable robots.txt
  (5xx, timeouts) stops the host for the run, a missing one (4xx) means no rules;
- redirects followed by the client itself, each hop a request of its own (robots.txt, delay,
  cache, budget), at most ``max_redirects``, and only within the host asked for and its aliases
  (``set_host_aliases``); a redirect elsewhere, or a loop, fails that URL;
- retries with exponential backoff and jitter on timeouts, connection errors, truncated bodies
  (fewer bytes received than ``Content-Length``, which counts the bytes as sent, compressed or
  not), damaged compressed bodies, 408, 429 and 5xx, honouring ``Retry-After`` (seconds or
  HTTP-date) up to ``max_retry_after``; every other exception of the HTTP library fails only
  its URL;
- compressed bodies (gzip, deflate: all it asks for) decoded by the client itself as they arrive,
  never more than ``max_bytes`` decoded, so a small compressed body cannot unpack into a huge one;
- conditional requests (``If-None-Match`` / ``If-Modified-Since``) backed by a persistent
  cache on disk, outside the data package: a 304 answer reuses the cached body; a damaged
  cache entry is ignored;
- limits: bytes per response (``max_bytes``), requests and bytes per run (``max_requests``,
  ``max_total_bytes``);
- a circuit breaker per host: after ``max_consecutive_failures`` failed fetches in a row the
  host is stopped for the rest of the run, and every further request to it fails at once; a
  block page (captcha, consent wall, a firewall's refusal: ``looks_blocked``) stops it at once;
- per call: the ``Accept`` header, and the statuses that mean "nothing here" for that URL
  (``absent``, raised as ``Absent`` without retries);
- counters (requests, bytes received, not modified, retries, failures, skipped), in total and
  per host.

Time and sleeping are injectable so tests run without waiting.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import random
import re
import threading
import time
import urllib.robotparser
import zlib
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable, Collection, Iterable
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

from .. import __version__
from ..errors import Absent, Blocked, FetchError

PROJECT_URL = "https://github.com/meetings-open-data/meetings"
USER_AGENT = f"meetings-open-data/{__version__} (+{PROJECT_URL}; open data from public meeting records)"
ROBOTS_AGENT = "meetings-open-data"
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
DECODED_ENCODINGS = ("gzip", "x-gzip", "deflate")
ACCEPT_ENCODING = "gzip, deflate"  # only what the client decodes itself, within max_bytes
# what httpx (and the codecs and sockets below it) may raise for one URL: never the end of the run
LIBRARY_ERRORS = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, httpx.CookieConflict, ValueError, OSError)
NOT_RETRIED = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)  # transport errors a retry cannot mend
COUNTERS = ("requests", "bytes", "not_modified", "retries", "failures", "skipped")


@dataclass
class Response:
    url: str
    status: int
    content: bytes
    content_type: str
    headers: dict[str, str]
    not_modified: bool = False  # answered 304 (or served from the cache)
    final_url: str = ""  # where the content came from, after redirects; ``url`` when there were none

    def __post_init__(self) -> None:
        self.final_url = self.final_url or self.url

    @property
    def text(self) -> str:
        return decode_text(self.content, self.content_type)


def decode_text(content: bytes, content_type: str) -> str:
    """Bytes as text in the charset the Content-Type names (UTF-8 when none or unknown)."""
    charset = "utf-8"
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
    try:
        return content.decode(charset, errors="replace")
    except LookupError:
        return content.decode("utf-8", errors="replace")


@dataclass
class Stats:
    """Counters of a run. ``bytes`` are bytes as received; ``failures`` counts fetches that raised
    (an ``absent`` status is no failure), ``skipped`` those refused without a request (stopped
    host, robots.txt, budget); a URL that is never fetched (not http(s)) counts nowhere.
    ``by_host[host]["stopped"]`` is True once the host's circuit breaker tripped."""

    requests: int = 0
    bytes: int = 0
    not_modified: int = 0
    retries: int = 0
    failures: int = 0
    skipped: int = 0
    by_host: dict[str, dict[str, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def host(self, host: str) -> dict[str, int]:
        with self._lock:
            return self._host(host)

    def _host(self, host: str) -> dict[str, int]:
        per = self.by_host.get(host)
        if per is None:
            per = self.by_host[host] = {**{key: 0 for key in COUNTERS}, "stopped": False}
        return per

    def count(self, host: str, key: str, amount: int = 1) -> None:
        with self._lock:
            setattr(self, key, getattr(self, key) + amount)
            self._host(host)[key] += amount

    def mark_stopped(self, host: str) -> None:
        with self._lock:
            self._host(host)["stopped"] = True

    def as_dict(self) -> dict:
        with self._lock:
            return {**{key: getattr(self, key) for key in COUNTERS}, "by_host": {h: dict(v) for h, v in self.by_host.items()}}


class ResponseCache:
    """Validators and bodies of earlier responses, one pair of files per URL.

    An entry whose files are missing, unreadable, for another URL or whose body does not match
    its recorded SHA-256 is ignored (and the request made without validators)."""

    def __init__(self, directory: Path | None):
        self.directory = Path(directory) if directory else None
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()[:32]
        assert self.directory is not None
        return self.directory / f"{key}.json", self.directory / f"{key}.body"

    def forget(self, url: str) -> None:
        """Drop a URL's cached validators and body (e.g. when the body turned out to be damaged)."""
        if not self.directory:
            return
        for path in self._paths(url):
            path.unlink(missing_ok=True)

    def get(self, url: str) -> tuple[dict, bytes] | None:
        if not self.directory:
            return None
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("url") != url:
            return None
        if hashlib.sha256(body).hexdigest() != meta.get("sha256"):
            return None
        if not (isinstance(meta.get("etag"), str) or isinstance(meta.get("last_modified"), str)):
            return None
        return meta, body

    def put(self, url: str, headers: httpx.Headers, body: bytes) -> None:
        """Store a 200 answer that carries validators; disk problems only cost the cache entry."""
        if not self.directory:
            return
        etag = headers.get("etag")
        last_modified = headers.get("last-modified")
        if not etag and not last_modified:
            return
        meta_path, body_path = self._paths(url)
        meta = {
            "url": url,
            "etag": etag,
            "last_modified": last_modified,
            "content_type": headers.get("content-type", ""),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        unique = f"{os.getpid()}-{threading.get_ident()}"
        try:
            tmp = body_path.with_name(f"{body_path.name}.{unique}.tmp")
            tmp.write_bytes(body)
            tmp.replace(body_path)
            tmp = meta_path.with_name(f"{meta_path.name}.{unique}.tmp")
            tmp.write_text(json.dumps(meta), encoding="utf-8")
            tmp.replace(meta_path)
        except OSError:
            pass


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delay-seconds or an HTTP-date (``now`` is
    the wall clock, seconds since the epoch). None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 and seconds == seconds else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


def unfetchable(url: str) -> str | None:
    """Why a URL is never fetched, or None: only absolute http(s) URLs with a host and without
    credentials (``user:pass@host``) are."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number, or out of range, raises ValueError
    except ValueError as exc:
        return f"not a usable URL ({exc})"
    if not parts.scheme:
        return "not an absolute URL"
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) URL ({parts.scheme}:)"
    if not parts.hostname:
        return "no host in the URL"
    if "@" in parts.netloc:
        return "a URL with credentials (user:pass@host) is never fetched"
    return None


# ------------------------------------------------------------ block pages

BLOCK_SCAN_BYTES = 65_536  # how much of a body looks_blocked reads
SHORT_PAGE_CHARS = 2_000  # visible text below which a page says nothing but what it is about
_BLOCK_MARKERS = (  # anywhere in a page: only ever on challenge and block pages
    ("_cf_chl_opt", "Cloudflare challenge page"),
    ("incapsula incident id", "Imperva (Incapsula) block page"),
    ("captcha-delivery.com", "DataDome captcha"),
    ("/_sec/cp_challenge/", "Akamai challenge page"),
    ('action="https://consent.', "consent wall"),
)
_REFUSALS = (
    "förfrågan avvisades", "request rejected", "the requested url was rejected", "access denied",
    "åtkomst nekad", "attention required", "you have been blocked", "just a moment",
    "checking your browser", "request unsuccessful", "request blocked", "web page blocked",
    "pardon our interruption",
)
_CAPTCHAS = ("captcha", "are you a robot", "är du en robot", "verify you are human", "bot verification")
_CAPTCHA_WIDGETS = ("g-recaptcha", "h-captcha", "cf-turnstile")
_CONSENTS = ("cookie", "consent", "samtycke", "kakor", "before you continue", "innan du fortsätter")


def _examined(content_type: str, body: bytes) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    if media:
        return media.startswith("text/") or media == "application/xhtml+xml"
    return body[:512].lstrip()[:1] == b"<"


def _element_text(tag: str, page: str) -> str:
    found = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}\s*>", page, re.IGNORECASE | re.DOTALL)
    return _visible_text(found.group(1)) if found else ""


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|noscript|template)\b.*?</\1\s*>", " ", page, flags=re.IGNORECASE | re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", page)).split())


def _said(text: str, phrases: tuple[str, ...]) -> str | None:
    return next((phrase for phrase in phrases if phrase in text), None)


def looks_blocked(content_type: str, body: bytes) -> str | None:
    """Why an answer looks like a block page (captcha, consent wall, refusal by a firewall) rather
    than what was asked for, or None.

    Only HTML and text bodies are read, and only their first ``BLOCK_SCAN_BYTES``. A challenge
    marker of a known firewall counts anywhere; refusal and captcha wording counts in the title or
    the first heading, or anywhere in a page with less than ``SHORT_PAGE_CHARS`` of visible text;
    a consent wall is a short page whose title or heading is about cookies or consent. A page
    that mentions cookies in its footer is neither short nor titled so, and does not count."""
    if not _examined(content_type, body):
        return None
    page = decode_text(body[:BLOCK_SCAN_BYTES], content_type)
    if content_type.startswith("text/plain"):  # robots.txt: its comments say what they like
        page = "\n".join(line for line in page.splitlines() if not line.lstrip().startswith("#"))
    raw = page.lower()
    marker = next((name for mark, name in _BLOCK_MARKERS if mark in raw), None)
    if marker:
        return marker
    heading = " / ".join(part for part in (_element_text("title", page), _element_text("h1", page)) if part)
    if _said(heading.lower(), _REFUSALS):
        return f"refusal page {heading!r}"
    if _said(heading.lower(), _CAPTCHAS):
        return f"captcha page {heading!r}"
    text = _visible_text(page)
    if len(text) >= SHORT_PAGE_CHARS:
        return None
    refusal = _said(text.lower(), _REFUSALS)
    if refusal:
        return f"refusal text {refusal!r}"
    if _said(text.lower(), _CAPTCHAS) or _said(raw, _CAPTCHA_WIDGETS):
        return "captcha page"
    if _said(heading.lower(), _CONSENTS):
        return f"consent wall {heading!r}"
    return None


class _Retry(Exception):
    """One attempt failed in a way worth retrying; ``unconditional``: ask again without validators."""

    def __init__(self, problem: str, status: int | None = None, wait: float | None = None, unconditional: bool = False):
        super().__init__(problem)
        self.problem, self.status, self.wait, self.unconditional = problem, status, wait, unconditional


class _Redirect(Exception):
    """A redirect answer, raised by the client's response hook before httpx reads the Location
    itself (it would fail on one it cannot parse): the client follows redirects in its own code."""

    def __init__(self, location: str):
        super().__init__(location)
        self.location = location


class _Final(FetchError):
    """A failure that retrying cannot help and that says nothing about the host's health
    (budgets, size limit, a request the HTTP library refused)."""


class _Skipped(_Final):
    """Refused without a request for the URL: stopped host, robots.txt, budget used up."""


class _NotFollowed(_Final):
    """A redirect that is not followed: to another host, a loop, one too many."""


def _rebuilt(error: FetchError, url: str, reason: str) -> FetchError:
    """An error of the same kind for ``url`` with ``reason`` (a fresh one: stored errors are not
    changed)."""
    if isinstance(error, Blocked):
        return Blocked(url, reason, error.status, error.headers, error.body)
    return type(error)(url, reason, error.status)


class _TooLarge(Exception):
    """More bytes than the limit, received or decoded."""


class _Inflate:
    """One zlib stream (``gzip``, or ``deflate`` with or without its zlib header), decoded with
    its output capped: never more than ``limit`` + 1 bytes are produced, however small the input."""

    def __init__(self, coding: str, limit: int):
        self.coding = coding
        self.limit = limit
        self.size = 0
        self.fresh = True  # a deflate stream may lack its zlib header: known after the first bytes
        self.stream = zlib.decompressobj(16 + zlib.MAX_WBITS if coding in ("gzip", "x-gzip") else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        out = []
        while data and not self.stream.eof:
            room = self.limit - self.size + 1
            try:
                chunk = self.stream.decompress(data, room)
            except zlib.error as exc:
                if not (self.fresh and self.coding == "deflate"):
                    raise _Retry(f"damaged {self.coding} body: {exc}") from None
                self.stream, self.fresh = zlib.decompressobj(-zlib.MAX_WBITS), False
                continue
            self.fresh = False
            self.size += len(chunk)
            if self.size > self.limit:
                raise _TooLarge
            out.append(chunk)
            data = self.stream.unconsumed_tail
        return b"".join(out)

    def finish(self) -> None:
        if not self.stream.eof:
            raise _Retry(f"incomplete {self.coding} body")


class _Body:
    """A body as it arrives: raw bytes counted, decoded from its ``Content-Encoding`` (gzip,
    deflate) while they arrive, with both the raw and the decoded size capped at ``limit``."""

    def __init__(self, content_encoding: str, limit: int):
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        unknown = [c for c in codings if c not in DECODED_ENCODINGS]
        if unknown:
            raise ValueError(f"content encoding {unknown[0]!r} is not supported (asked for {ACCEPT_ENCODING})")
        self.stages = [_Inflate(coding, limit) for coding in reversed(codings)]
        self.limit = limit
        self.received = 0
        self.size = 0
        self.chunks: list[bytes] = []

    @property
    def encoded(self) -> bool:
        return bool(self.stages)

    def feed(self, raw: bytes) -> None:
        self.received += len(raw)
        if self.received > self.limit:
            raise _TooLarge
        for stage in self.stages:
            raw = stage.feed(raw)
        self.size += len(raw)
        if self.size > self.limit:
            raise _TooLarge
        self.chunks.append(raw)

    def finish(self) -> bytes:
        for stage in self.stages:
            stage.finish()
        return b"".join(self.chunks)


def _stop_at_redirect(response: httpx.Response) -> None:
    location = response.headers.get("location", "").strip()
    if response.status_code in REDIRECT_STATUSES and location:
        raise _Redirect(location)


def _httpx_client(timeout: float, user_agent: str, transport: httpx.BaseTransport | None) -> httpx.Client:
    """The httpx client under HttpClient: it never follows a redirect, and hands each one back
    as _Redirect."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": user_agent, "Accept-Language": "sv-SE,sv;q=0.9,en;q=0.8", "Accept-Encoding": ACCEPT_ENCODING},
        follow_redirects=False,
        transport=transport,
        event_hooks={"response": [_stop_at_redirect]},
    )


@dataclass
class _Host:
    limit: int
    slots: threading.BoundedSemaphore
    turn: threading.Lock = field(default_factory=threading.Lock)
    last: float | None = None
    consecutive_failures: int = 0
    stopped: str | None = None
    guard: threading.Lock = field(default_factory=threading.Lock)  # the two fields above


class HttpClient:
    """Polite HTTP GET with retries, per-host delay, concurrency limit and circuit breaker, budgets
    and a conditional cache. Safe to share between threads."""

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        delay: float = 1.0,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        max_retry_after: float = 300.0,
        max_bytes: int = 50_000_000,
        max_requests: int | None = None,
        max_total_bytes: int | None = None,
        max_consecutive_failures: int | None = 5,
        max_per_host: int = 1,
        respect_robots: bool = True,
        user_agent: str = USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
        seed: int | None = None,
        max_redirects: int = 5,
    ):
        if max_per_host < 1:
            raise ValueError("max_per_host must be at least 1")
        self.cache = ResponseCache(cache_dir)
        self.delay = delay
        self.host_delays: dict[str, float] = {}
        self.host_limits: dict[str, int] = {}
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.max_bytes = max_bytes
        self.max_requests = max_requests
        self.max_total_bytes = max_total_bytes
        self.max_consecutive_failures = max_consecutive_failures
        self.max_per_host = max_per_host
        self.max_redirects = max_redirects
        self.respect_robots = respect_robots
        self.user_agent = user_agent
        self.sleep = sleep
        self.clock = clock
        self.wallclock = wallclock
        self.random = random.Random(seed)
        self.stats = Stats()
        self._hosts: dict[str, _Host] = {}
        self._aliases: dict[str, frozenset[str]] = {}
        self._hosts_lock = threading.Lock()
        self._budget_lock = threading.Lock()
        self._robots: dict[str, urllib.robotparser.RobotFileParser | FetchError | None] = {}
        self._robots_locks: dict[str, threading.Lock] = {}  # one per origin: a slow robots.txt holds up only its host
        self._robots_lock = threading.Lock()  # the dict above
        self._client = _httpx_client(timeout, user_agent, transport)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ per-host settings

    @staticmethod
    def _netloc(url: str) -> str:
        return urlsplit(url).netloc

    def set_host_delay(self, base_url: str, delay: float) -> None:
        """Seconds between requests to the host of ``base_url``."""
        self.host_delays[self._netloc(base_url)] = delay

    def set_host_limit(self, base_url: str, limit: int) -> None:
        """At most ``limit`` requests in flight to the host of ``base_url`` (set before first use)."""
        if limit < 1:
            raise ValueError("a host limit must be at least 1")
        host = self._netloc(base_url)
        with self._hosts_lock:
            self.host_limits[host] = limit
            state = self._hosts.get(host)
            if state is not None and state.limit != limit:
                self._hosts[host] = _Host(limit, threading.BoundedSemaphore(limit), last=state.last,
                                          consecutive_failures=state.consecutive_failures, stopped=state.stopped)

    def set_host_aliases(self, base_url: str, aliases: Iterable[str]) -> None:
        """Hostnames that belong with the host of ``base_url``: a redirect from any of them to
        any other is followed, a redirect elsewhere refused."""
        group = {urlsplit(base_url).hostname or ""} | {alias.lower() for alias in aliases}
        with self._hosts_lock:
            for host in list(group):
                group |= self._aliases.get(host, frozenset())
            for host in group:
                self._aliases[host] = frozenset(group)

    def _hosts_with(self, url: str) -> tuple[str, frozenset[str]]:
        """Where redirects from a URL may lead: its own host and port, and its host's aliases."""
        parts = urlsplit(url)
        return parts.netloc.lower(), self._aliases.get(parts.hostname or "", frozenset())

    def host_limit(self, url: str) -> int:
        return self.host_limits.get(self._netloc(url), self.max_per_host)

    def stopped(self, url: str) -> bool:
        """Whether the circuit breaker stopped requests to this URL's host for the run."""
        state = self._hosts.get(self._netloc(url))
        return bool(state and state.stopped)

    def _host(self, host: str) -> _Host:
        with self._hosts_lock:
            state = self._hosts.get(host)
            if state is None:
                limit = self.host_limits.get(host, self.max_per_host)
                state = self._hosts[host] = _Host(limit, threading.BoundedSemaphore(limit))
            return state

    # ------------------------------------------------------------ politeness

    def _wait_turn(self, host: str, state: _Host) -> None:
        delay = self.host_delays.get(host, self.delay)
        with state.turn:
            if state.last is not None and delay > 0:
                wait = state.last + delay - self.clock()
                if wait > 0:
                    self.sleep(wait)
            state.last = self.clock()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch the URL. robots.txt is itself fetched once per run and
        origin, conditionally; a 4xx answer means no rules; any other failure stops the host for
        the run (raised as FetchError, or Blocked, now and for every later URL of the host)."""
        if not self.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:
            if origin not in self._robots:
                self._robots[origin] = self._read_robots(origin, url)
            rules = self._robots[origin]
        if isinstance(rules, FetchError):
            if rules.url == url:
                raise _rebuilt(rules, url, rules.reason)
            raise _Skipped(url, rules.reason, rules.status)
        return rules is None or rules.can_fetch(ROBOTS_AGENT, url)

    def _read_robots(self, origin: str, url: str) -> urllib.robotparser.RobotFileParser | FetchError | None:
        """The rules of an origin's robots.txt; None when it has none (4xx, or a redirect that is not
        followed); or the error that stops the host, for ``url`` (the URL that asked)."""
        try:
            response = self._fetch(origin + "/robots.txt", conditional=True)
        except _NotFollowed:
            return None  # as for a missing robots.txt (RFC 9309: one it cannot reach by redirects is unavailable)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and not isinstance(exc, (_Final, Blocked)):
                return None
            reason = f"robots.txt of {origin} could not be read: {exc.reason}"
            return _rebuilt(exc, url, reason) if isinstance(exc, Blocked) else FetchError(url, reason, exc.status)
        rules = urllib.robotparser.RobotFileParser()
        rules.parse(response.text.splitlines())
        return rules

    # ------------------------------------------------------------ requests

    def _check_budget(self, url: str) -> None:
        if self.max_requests is not None and self.stats.requests >= self.max_requests:
            raise _Skipped(url, f"request budget of {self.max_requests} requests for this run is used up")
        if self.max_total_bytes is not None and self.stats.bytes >= self.max_total_bytes:
            raise _Skipped(url, f"byte budget of {self.max_total_bytes} bytes for this run is used up")

    def _send(self, url: str, headers: dict[str, str], host: str, state: _Host) -> tuple[httpx.Response, bytes]:
        with state.slots:
            with self._budget_lock:
                self._check_budget(url)
                self.stats.count(host, "requests")
            self._wait_turn(host, state)
            started = self.clock()
            with self._client.stream("GET", url, headers=headers) as response:
                return response, self._read_body(url, response, host, started)

    def _read_body(self, url: str, response: httpx.Response, host: str, started: float) -> bytes:
        """The body: bytes as received counted against ``Content-Length``, the byte budget and
        ``max_bytes``, decoded within ``max_bytes``."""
        status = response.status_code
        declared = response.headers.get("content-length", "").strip()
        expected = int(declared) if declared.isdigit() else None
        if expected is not None and expected > self.max_bytes:
            raise _Final(url, f"response of {expected} bytes is over the limit of {self.max_bytes}", status)
        try:
            body = _Body(response.headers.get("content-encoding", ""), self.max_bytes)
        except ValueError as exc:
            raise _Final(url, str(exc), status) from None
        try:
            for chunk in response.stream:  # the transport's bytes, before any decoding
                body.feed(chunk)
                if self.max_total_bytes is not None and self.stats.bytes + body.received > self.max_total_bytes:
                    raise _Final(url, f"byte budget of {self.max_total_bytes} bytes for this run is used up")
                if self.clock() - started > 5 * self.timeout:
                    raise httpx.ReadTimeout(f"body still arriving after {5 * self.timeout:g} s")
        except _TooLarge:
            decoded = " once decoded" if body.encoded and body.received <= self.max_bytes else ""
            raise _Final(url, f"response is over the limit of {self.max_bytes} bytes{decoded}", status) from None
        finally:
            self.stats.count(host, "bytes", body.received)
        if expected is not None and status != 304 and expected != body.received:
            raise httpx.RemoteProtocolError(f"truncated body: {body.received} of {expected} bytes")
        return body.finish()

    def _succeeded(self, state: _Host) -> None:
        with state.guard:
            state.consecutive_failures = 0

    def _failed(self, host: str, state: _Host) -> None:
        with state.guard:
            state.consecutive_failures += 1
            count = state.consecutive_failures
        limit = self.max_consecutive_failures
        if limit and count >= limit:
            self._stop(host, state, f"{host} stopped after {count} consecutive failures")

    def _stop(self, host: str, state: _Host, reason: str) -> None:
        """Stop the host for the rest of the run (the first reason stays)."""
        with state.guard:
            if state.stopped:
                return
            state.stopped = reason
        self.stats.mark_stopped(host)

    def _pause(self, attempt: int, wait: float | None) -> float:
        base = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        pause = base / 2 + self.random.random() * base / 2
        if wait is not None:
            pause = max(pause, wait)
        return pause

    @staticmethod
    def _headers(cached: tuple[dict, bytes] | None, accept: str | None) -> dict[str, str]:
        headers = {"Accept": accept} if accept else {}
        if cached:
            meta = cached[0]
            if meta.get("etag"):
                headers["If-None-Match"] = meta["etag"]
            if meta.get("last_modified"):
                headers["If-Modified-Since"] = meta["last_modified"]
        return headers

    def _attempt(self, url: str, host: str, state: _Host, cached: tuple[dict, bytes] | None,
                 accept: str | None, absent: frozenset[int]) -> Response | str:
        """One request: its Response, or the Location it redirects to. Raises _Retry for what a
        retry may mend and FetchError for the rest: every exception of the HTTP library is one of
        the two."""
        try:
            response, body = self._send(url, self._headers(cached, accept), host, state)
        except _Redirect as redirect:
            self._succeeded(state)
            return redirect.location
        except httpx.TimeoutException:
            raise _Retry(f"timed out after {self.timeout:g} s") from None
        except LIBRARY_ERRORS as exc:
            what = f"{exc.__class__.__name__}: {exc}"
            if isinstance(exc, (httpx.TransportError, OSError)) and not isinstance(exc, NOT_RETRIED):
                raise _Retry(f"connection error: {what}") from None
            raise _Final(url, f"request failed: {what}") from None
        if response.status_code == 304:
            return self._not_modified(url, host, state, response, cached)
        return self._answer(url, host, state, response, body, absent)

    def _not_modified(self, url: str, host: str, state: _Host, response: httpx.Response,
                      cached: tuple[dict, bytes] | None) -> Response:
        if not cached:
            raise _Retry("304 Not Modified without a cached copy; asking again unconditionally", 304, unconditional=True)
        self._succeeded(state)
        self.stats.count(host, "not_modified")
        meta, body = cached
        return Response(url, 200, body, meta.get("content_type", ""), dict(response.headers), not_modified=True)

    def _answer(self, url: str, host: str, state: _Host, response: httpx.Response, body: bytes,
                absent: frozenset[int]) -> Response:
        """What an answer with a body means: content, a block page, nothing here, or a failure."""
        status = response.status_code
        content_type = response.headers.get("content-type", "")
        blocked = looks_blocked(content_type, body)
        if blocked:
            self._stop(host, state, f"{host} stopped: it answered {url} with a block page ({blocked})")
            raise Blocked(url, f"block page instead of content: {blocked}", status, dict(response.headers), body)
        if status < 400:
            self._succeeded(state)
            if status == 200:
                self.cache.put(url, response.headers, body)
            return Response(url, status, body, content_type, dict(response.headers))
        if status in absent or status not in RETRY_STATUSES:
            self._succeeded(state)  # the host answered; the URL is the problem
            if status in absent:
                raise Absent(url, f"HTTP {status}: nothing here", status)
            raise FetchError(url, f"HTTP {status}", status)
        wait = retry_after_seconds(response.headers.get("retry-after"), self.wallclock())
        if wait is not None and wait > self.max_retry_after:
            self._failed(host, state)
            raise FetchError(url, f"HTTP {status}, asked to retry after {wait:.0f} s (more than {self.max_retry_after:g} s); giving up", status)
        raise _Retry(f"HTTP {status}", status, wait)

    def _fetch_one(self, url: str, *, conditional: bool, accept: str | None, absent: frozenset[int]) -> Response | str:
        """One URL, with retries: its Response or the Location it redirects to. No robots check,
        no failure counting (the caller's job)."""
        host = self._netloc(url)
        state = self._host(host)
        if state.stopped:
            raise _Skipped(url, state.stopped)
        cached = self.cache.get(url) if conditional else None
        attempt = 0
        while True:
            try:
                return self._attempt(url, host, state, cached, accept, absent)
            except _Retry as retry:
                if retry.unconditional:
                    cached = None
                if attempt >= self.retries:
                    self._failed(host, state)
                    raise FetchError(url, f"{retry.problem} (gave up after {attempt + 1} attempts)", retry.status) from None
                attempt += 1
                self.stats.count(host, "retries")
                self.sleep(self._pause(attempt, retry.wait))
                if state.stopped:
                    raise _Final(url, state.stopped) from None

    def _fetch(self, url: str, *, conditional: bool = True, accept: str | None = None,
               absent: frozenset[int] = frozenset(), check_robots: bool = False) -> Response:
        """A URL and the redirects it leads to: each a request of its own (robots.txt when
        ``check_robots``, delay, cache, budget), at most ``max_redirects``, all within the URL's
        host and its aliases. The Response and any error are the URL's; ``final_url`` says where
        the content came from."""
        hosts = self._hosts_with(url)
        seen = [url]
        while True:
            hop = seen[-1]
            try:
                if hop != url and check_robots and not self.allowed(hop):
                    raise _Skipped(hop, "disallowed by robots.txt")
                answer = self._fetch_one(hop, conditional=conditional, accept=accept, absent=absent)
            except FetchError as exc:
                if hop == url:
                    raise
                raise _rebuilt(exc, url, f"{exc.reason} (after a redirect to {hop})") from None
            if isinstance(answer, Response):
                return replace(answer, url=url, final_url=hop)
            target, problem = self._redirect(hop, answer, hosts, seen)
            if problem:
                raise _NotFollowed(url, problem)
            seen.append(target)

    def _redirect(self, hop: str, location: str, hosts: tuple[str, frozenset[str]], seen: list[str]) -> tuple[str, str | None]:
        """Where a redirect leads, and why it is not followed (None when it is)."""
        try:
            target = urldefrag(urljoin(hop, location)).url
        except ValueError:
            return location, f"redirected to an unusable location {location!r}"
        problem = unfetchable(target)
        if problem:
            return target, f"redirected to {target}: {problem}"
        netloc, aliases = hosts
        if urlsplit(target).netloc.lower() != netloc and urlsplit(target).hostname not in aliases:
            within = ", ".join(sorted({netloc} | aliases))
            return target, f"redirected to another host: {target} (followed only within {within})"
        if target in seen:
            return target, f"redirect loop: {target} again after {len(seen)} redirects"
        if len(seen) > self.max_redirects:
            return target, f"more than {self.max_redirects} redirects (the last to {target})"
        return target, None

    def forget(self, url: str) -> None:
        """Forget what the cache holds for a URL, so the next request is unconditional."""
        self.cache.forget(url)

    def get(self, url: str, *, conditional: bool = True, check_robots: bool = True,
            accept: str | None = None, absent: Collection[int] = ()) -> Response:
        """GET a URL, following its redirects within its host and the host's aliases.

        ``accept``: the Accept header to send (``application/json`` for the JSON API).
        ``absent``: statuses that mean "there is nothing here" for this URL; they raise Absent at
        once, with no retry and without counting against the host.

        Raises FetchError at once, without a request, for a URL that is not fetched at all (not
        http(s), relative, with credentials); after the last retry; for robots.txt disallows,
        redirects elsewhere, exceeded limits and stopped hosts. Raises Blocked for a block page,
        which stops the host. 304 answers reuse the cache."""
        problem = unfetchable(url)
        if problem:
            raise FetchError(url, problem)
        host = self._netloc(url)
        try:
            if check_robots and not self.allowed(url):
                raise _Skipped(url, "disallowed by robots.txt")
            return self._fetch(url, conditional=conditional, accept=accept, absent=frozenset(absent), check_robots=check_robots)
        except _Skipped:
            self.stats.count(host, "skipped")
            raise
        except Absent:
            raise
        except FetchError:
            self.stats.count(host, "failures")
            raise


__all__ = [
    "Absent", "Blocked", "FetchError", "HttpClient", "Response", "ResponseCache", "Stats", "USER_AGENT",
    "decode_text", "looks_blocked", "retry_after_seconds", "unfetchable",
]
