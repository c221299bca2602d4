"""The one HTTP client of the project: polite, cached, retrying, bounded.

- a User-Agent that names the project and a contact URL;
- per host: a delay between requests and a limit on requests in flight (a semaphore, so the
  client can be shared by threads; the scraper itself calls it from one thread);
- robots.txt honoured: fetched once per host and run, conditionally; an unreadable robots.txt
  (5xx, timeouts) stops the host for the run, a missing one (4xx) means no rules;
- retries with exponential backoff and jitter on timeouts, connection errors, truncated bodies
  (fewer bytes received than ``Content-Length``, which counts the bytes as sent, compressed or
  not), damaged compressed bodies, 408, 429 and 5xx, honouring ``Retry-After`` (seconds or
  HTTP-date) up to ``max_retry_after``;
- compressed bodies (gzip, deflate: all it asks for) decoded by the client itself as they arrive,
  never more than ``max_bytes`` decoded, so a small compressed body cannot unpack into a huge one;
- conditional requests (``If-None-Match`` / ``If-Modified-Since``) backed by a persistent
  cache on disk, outside the data package: a 304 answer reuses the cached body; a damaged
  cache entry is ignored;
- limits: bytes per response (``max_bytes``), requests and bytes per run (``max_requests``,
  ``max_total_bytes``);
- a circuit breaker per host: after ``max_consecutive_failures`` failed fetches in a row the
  host is stopped for the rest of the run, and every further request to it fails at once;
- counters (requests, bytes, not modified, retries, failures, skipped), in total and per host.

Time and sleeping are injectable so tests run without waiting.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import time
import urllib.robotparser
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import httpx

from .. import __version__
from ..errors import FetchError

PROJECT_URL = "https://github.com/meetings-open-data/meetings"
USER_AGENT = f"meetings-open-data/{__version__} (+{PROJECT_URL}; open data from public meeting records)"
ROBOTS_AGENT = "meetings-open-data"
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
DECODED_ENCODINGS = ("gzip", "x-gzip", "deflate")
ACCEPT_ENCODING = "gzip, deflate"  # only what the client decodes itself, within max_bytes
COUNTERS = ("requests", "bytes", "not_modified", "retries", "failures", "skipped")


@dataclass
class Response:
    url: str
    status: int
    content: bytes
    content_type: str
    headers: dict[str, str]
    not_modified: bool = False  # answered 304 (or served from the cache)

    @property
    def text(self) -> str:
        charset = "utf-8"
        if "charset=" in self.content_type:
            charset = self.content_type.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


@dataclass
class Stats:
    """Counters of a run. ``failures`` counts fetches that raised, ``skipped`` those refused without
    a request (stopped host, unreadable robots.txt, budget); ``by_host[host]["stopped"]`` is True
    once the host's circuit breaker tripped."""

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


class _Retry(Exception):
    """One attempt failed in a way worth retrying."""

    def __init__(self, problem: str, status: int | None = None, wait: float | None = None):
        super().__init__(problem)
        self.problem, self.status, self.wait = problem, status, wait


class _Final(FetchError):
    """A failure that retrying cannot help and that says nothing about the host's health
    (budgets, size limit)."""


class _Skipped(_Final):
    """Refused without a request for the URL: stopped host, robots.txt, budget used up."""


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


@dataclass
class _Host:
    limit: int
    slots: threading.BoundedSemaphore
    turn: threading.Lock = field(default_factory=threading.Lock)
    last: float | None = None
    consecutive_failures: int = 0
    stopped: str | None = None


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
        self.respect_robots = respect_robots
        self.user_agent = user_agent
        self.sleep = sleep
        self.clock = clock
        self.wallclock = wallclock
        self.random = random.Random(seed)
        self.stats = Stats()
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._budget_lock = threading.Lock()
        self._robots: dict[str, urllib.robotparser.RobotFileParser | FetchError | None] = {}
        self._robots_lock = threading.Lock()
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent, "Accept-Language": "sv-SE,sv;q=0.9,en;q=0.8", "Accept-Encoding": ACCEPT_ENCODING},
            follow_redirects=True,
            transport=transport,
        )

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
        host, conditionally; a 4xx answer means no rules; any other failure stops the host for
        the run (raised as FetchError now and for every later URL of the host)."""
        if not self.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            if origin not in self._robots:
                rules: urllib.robotparser.RobotFileParser | FetchError | None = None
                try:
                    response = self._fetch(origin + "/robots.txt", conditional=True)
                    rules = urllib.robotparser.RobotFileParser()
                    rules.parse(response.text.splitlines())
                except FetchError as exc:
                    if exc.status is None or not 400 <= exc.status < 500 or isinstance(exc, _Final):
                        rules = FetchError(url, f"robots.txt of {origin} could not be read: {exc.reason}", exc.status)
                self._robots[origin] = rules
            rules = self._robots[origin]
        if isinstance(rules, FetchError):
            if rules.url == url:
                raise FetchError(url, rules.reason, rules.status)
            raise _Skipped(url, rules.reason, rules.status)
        return rules is None or rules.can_fetch(ROBOTS_AGENT, url)

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
        state.consecutive_failures = 0

    def _failed(self, host: str, state: _Host) -> None:
        state.consecutive_failures += 1
        limit = self.max_consecutive_failures
        if limit and state.consecutive_failures >= limit and not state.stopped:
            state.stopped = f"{host} stopped after {state.consecutive_failures} consecutive failures"
            self.stats.mark_stopped(host)

    def _pause(self, attempt: int, wait: float | None) -> float:
        base = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        pause = base / 2 + self.random.random() * base / 2
        if wait is not None:
            pause = max(pause, wait)
        return pause

    def _fetch(self, url: str, *, conditional: bool) -> Response:
        """One URL, with retries; no robots check, no failure counting (the caller's job)."""
        host = self._netloc(url)
        state = self._host(host)
        if state.stopped:
            raise _Skipped(url, state.stopped)
        cached = self.cache.get(url) if conditional else None
        headers: dict[str, str] = {}
        if cached:
            meta = cached[0]
            if meta.get("etag"):
                headers["If-None-Match"] = meta["etag"]
            if meta.get("last_modified"):
                headers["If-Modified-Since"] = meta["last_modified"]
        attempt = 0
        while True:
            try:
                try:
                    response, body = self._send(url, headers, host, state)
                except httpx.TimeoutException:
                    raise _Retry(f"timed out after {self.timeout:g} s") from None
                except httpx.TransportError as exc:
                    raise _Retry(f"connection error: {exc.__class__.__name__}: {exc}") from None
                status = response.status_code
                if status == 304:
                    if cached and headers:
                        self._succeeded(state)
                        self.stats.count(host, "not_modified")
                        meta, cached_body = cached
                        return Response(url, 200, cached_body, meta.get("content_type", ""), dict(response.headers), not_modified=True)
                    cached, headers = None, {}
                    raise _Retry("304 Not Modified without a cached copy; asking again unconditionally", status)
                if status < 400:
                    self._succeeded(state)
                    if status == 200:
                        self.cache.put(url, response.headers, body)
                    return Response(url, status, body, response.headers.get("content-type", ""), dict(response.headers))
                if status not in RETRY_STATUSES:
                    self._succeeded(state)  # the host answered; the URL is the problem
                    raise FetchError(url, f"HTTP {status}", status)
                wait = retry_after_seconds(response.headers.get("retry-after"), self.wallclock())
                if wait is not None and wait > self.max_retry_after:
                    self._failed(host, state)
                    raise FetchError(url, f"HTTP {status}, asked to retry after {wait:.0f} s (more than {self.max_retry_after:g} s); giving up", status)
                raise _Retry(f"HTTP {status}", status, wait)
            except _Retry as retry:
                if attempt >= self.retries:
                    self._failed(host, state)
                    raise FetchError(url, f"{retry.problem} (gave up after {attempt + 1} attempts)", retry.status) from None
                attempt += 1
                self.stats.count(host, "retries")
                self.sleep(self._pause(attempt, retry.wait))
                if state.stopped:
                    raise _Final(url, state.stopped) from None

    def forget(self, url: str) -> None:
        """Forget what the cache holds for a URL, so the next request is unconditional."""
        self.cache.forget(url)

    def get(self, url: str, *, conditional: bool = True, check_robots: bool = True) -> Response:
        """GET a URL. Raises FetchError after the last retry, for robots.txt disallows, exceeded
        limits and stopped hosts; 304 answers reuse the cache."""
        host = self._netloc(url)
        try:
            if check_robots and not self.allowed(url):
                raise _Skipped(url, "disallowed by robots.txt")
            return self._fetch(url, conditional=conditional)
        except _Skipped:
            self.stats.count(host, "skipped")
            raise
        except FetchError:
            self.stats.count(host, "failures")
            raise


__all__ = ["HttpClient", "Response", "ResponseCache", "Stats", "FetchError", "USER_AGENT", "retry_after_seconds"]
