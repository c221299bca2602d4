"""The one HTTP client of the project: polite, cached, retrying.

- a User-Agent that names the project and a contact URL;
- a delay between requests to the same host (per portal), and robots.txt honoured;
- retries with exponential backoff and jitter on timeouts, connection errors, 429 and 5xx,
  honouring ``Retry-After``;
- conditional requests (``If-None-Match`` / ``If-Modified-Since``) backed by a persistent
  cache on disk, outside the data package: a 304 answer reuses the cached body;
- a size limit per response and a request budget per run;
- counters (requests, bytes, not modified, retries, failures) for the run report.

Time and sleeping are injectable so tests run without waiting.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import urllib.robotparser
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
RETRY_STATUSES = {429, 500, 502, 503, 504}


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
        return self.content.decode(charset, errors="replace")


@dataclass
class Stats:
    requests: int = 0
    bytes: int = 0
    not_modified: int = 0
    retries: int = 0
    failures: int = 0
    by_host: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, host: str, key: str, amount: int = 1) -> None:
        setattr(self, key, getattr(self, key) + amount)
        per = self.by_host.setdefault(host, {"requests": 0, "bytes": 0, "not_modified": 0, "retries": 0, "failures": 0})
        per[key] += amount


class ResponseCache:
    """Validators and bodies of earlier responses, one pair of files per URL."""

    def __init__(self, directory: Path | None):
        self.directory = directory
        if directory:
            directory.mkdir(parents=True, exist_ok=True)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()[:32]
        assert self.directory is not None
        return self.directory / f"{key}.json", self.directory / f"{key}.body"

    def get(self, url: str) -> tuple[dict, bytes] | None:
        if not self.directory:
            return None
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text())
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("url") != url or hashlib.sha256(body).hexdigest() != meta.get("sha256"):
            return None
        return meta, body

    def put(self, url: str, response: httpx.Response, body: bytes) -> None:
        if not self.directory:
            return
        etag = response.headers.get("etag")
        last_modified = response.headers.get("last-modified")
        if not etag and not last_modified:
            return
        meta_path, body_path = self._paths(url)
        meta = {
            "url": url,
            "etag": etag,
            "last_modified": last_modified,
            "content_type": response.headers.get("content-type", ""),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        tmp = body_path.with_suffix(".tmp")
        tmp.write_bytes(body)
        tmp.replace(body_path)
        tmp = meta_path.with_suffix(".tmpjson")
        tmp.write_text(json.dumps(meta))
        tmp.replace(meta_path)


def _retry_after(value: str | None, now: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


class HttpClient:
    """Sequential, polite HTTP GET with retries, a per-host delay and a conditional cache."""

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        delay: float = 1.0,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        max_bytes: int = 50_000_000,
        max_requests: int | None = None,
        respect_robots: bool = True,
        user_agent: str = USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
        seed: int | None = None,
    ):
        self.cache = ResponseCache(cache_dir)
        self.delay = delay
        self.host_delays: dict[str, float] = {}
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_bytes = max_bytes
        self.max_requests = max_requests
        self.respect_robots = respect_robots
        self.user_agent = user_agent
        self.sleep = sleep
        self.clock = clock
        self.random = random.Random(seed)
        self.stats = Stats()
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent, "Accept-Language": "sv-SE,sv;q=0.9,en;q=0.8"},
            follow_redirects=True,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def set_host_delay(self, base_url: str, delay: float) -> None:
        self.host_delays[urlsplit(base_url).netloc] = delay

    # ------------------------------------------------------------ politeness

    def _wait_turn(self, host: str) -> None:
        delay = self.host_delays.get(host, self.delay)
        last = self._last.get(host)
        if last is not None:
            wait = last + delay - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last[host] = self.clock()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch the URL. robots.txt is itself fetched once per run and
        host, conditionally; a 4xx answer means no rules, other failures are raised."""
        if not self.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            parser: urllib.robotparser.RobotFileParser | None = None
            try:
                response = self.get(origin + "/robots.txt", check_robots=False)
                parser = urllib.robotparser.RobotFileParser()
                parser.parse(response.text.splitlines())
            except FetchError as exc:
                if exc.status is None or not 400 <= exc.status < 500:
                    raise FetchError(url, f"robots.txt of {origin} could not be read: {exc.reason}", exc.status) from None
            self._robots[origin] = parser
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(ROBOTS_AGENT, url)

    # ------------------------------------------------------------ requests

    def _send(self, url: str, headers: dict[str, str], host: str) -> tuple[httpx.Response, bytes]:
        if self.max_requests is not None and self.stats.requests >= self.max_requests:
            raise FetchError(url, f"request budget of {self.max_requests} requests for this run is used up")
        self._wait_turn(host)
        self.stats.count(host, "requests")
        with self._client.stream("GET", url, headers=headers) as response:
            chunks, size = [], 0
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(url, f"response of {declared} bytes is over the limit of {self.max_bytes}")
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(url, f"response is over the limit of {self.max_bytes} bytes")
                chunks.append(chunk)
            body = b"".join(chunks)
            if declared and declared.isdigit() and int(declared) != size:
                raise httpx.RemoteProtocolError(f"truncated body: {size} of {declared} bytes")
        self.stats.count(host, "bytes", len(body))
        return response, body

    def get(self, url: str, *, conditional: bool = True, check_robots: bool = True) -> Response:
        """GET a URL. Raises FetchError after the last retry; 304 answers reuse the cache."""
        host = urlsplit(url).netloc
        if check_robots and not self.allowed(url):
            self.stats.count(host, "failures")
            raise FetchError(url, "disallowed by robots.txt")
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
            problem: str
            status: int | None = None
            wait: float | None = None
            try:
                response, body = self._send(url, headers, host)
            except FetchError:
                self.stats.count(host, "failures")
                raise
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as exc:
                problem = f"connection error: {exc.__class__.__name__}: {exc}"
            else:
                status = response.status_code
                if status == 304 and cached:
                    self.stats.count(host, "not_modified")
                    meta, cached_body = cached
                    return Response(url, 200, cached_body, meta.get("content_type", ""), dict(response.headers), not_modified=True)
                if status < 400:
                    self.cache.put(url, response, body)
                    return Response(url, status, body, response.headers.get("content-type", ""), dict(response.headers))
                problem = f"HTTP {status}"
                if status not in RETRY_STATUSES:
                    if not url.endswith("/robots.txt"):
                        self.stats.count(host, "failures")
                    raise FetchError(url, problem, status)
                wait = _retry_after(response.headers.get("retry-after"), time.time())
            if attempt >= self.retries:
                self.stats.count(host, "failures")
                raise FetchError(url, f"{problem} (gave up after {attempt + 1} attempts)", status)
            attempt += 1
            self.stats.count(host, "retries")
            pause = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
            pause = pause * (0.5 + self.random.random())
            if wait is not None:
                pause = min(max(pause, wait), self.max_backoff * 5)
            self.sleep(pause)
