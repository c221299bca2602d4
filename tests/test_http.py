"""The HTTP client against httpx.MockTransport, with a fake clock: nothing here really waits."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
import time
import tracemalloc
import zlib
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from scraper.errors import Absent, Blocked, FetchError
from scraper.portal.http import HttpClient, ResponseCache, looks_blocked, retry_after_seconds

HOST = "http://portal.test"
OTHER = "http://other.test"


class FakeTime:
    """Monotonic clock, wall clock and sleep in one: sleeping moves both clocks."""

    def __init__(self, wall: float = 1_750_000_000.0):
        self.now = 1000.0
        self.wall = wall
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.wall

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        self.wall += seconds


class Portal:
    """A scripted server: per path a list of answers, used in turn (the last one repeats)."""

    def __init__(self, robots: str | int = "User-agent: *\nDisallow: /private\n"):
        self.robots = robots
        self.robots_answer: httpx.Response | None = None
        self.routes: dict[str, list] = {}
        self.log: list[httpx.Request] = []

    def on(self, path: str, *answers) -> "Portal":
        self.routes[path] = list(answers)
        return self

    def requests_for(self, path: str) -> list[httpx.Request]:
        return [r for r in self.log if r.url.path == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.log.append(request)
        if request.url.path == "/robots.txt" and self.robots_answer is not None:
            return self.robots_answer
        if request.url.path == "/robots.txt":
            if isinstance(self.robots, int):
                return httpx.Response(self.robots)
            return httpx.Response(200, text=self.robots, headers={"ETag": '"robots-1"'})
        answers = self.routes.get(request.url.path)
        if not answers:
            return httpx.Response(404, text="not found")
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer


def make_client(portal: Portal, fake: FakeTime, **options) -> HttpClient:
    options = {"delay": 0.0, "retries": 3, "backoff": 1.0, "max_backoff": 8.0, **options}
    return HttpClient(transport=httpx.MockTransport(portal), sleep=fake.sleep, clock=fake.monotonic,
                      wallclock=fake.time, seed=1, **options)


def ok(text: str = "<html>ok</html>", **headers) -> httpx.Response:
    return httpx.Response(200, text=text, headers={"Content-Type": "text/html; charset=utf-8", **headers})


# ---------------------------------------------------------------- retries


@pytest.mark.parametrize("failure", [
    httpx.Response(500), httpx.Response(502), httpx.Response(503), httpx.Response(504), httpx.Response(429), httpx.Response(408),
    httpx.ReadTimeout("read timed out"), httpx.ConnectTimeout("connect timed out"),
    httpx.ReadError("[Errno 104] Connection reset by peer"), httpx.ConnectError("connection refused"),
    httpx.RemoteProtocolError("Server disconnected without sending a response."),
], ids=["500", "502", "503", "504", "429", "408", "read-timeout", "connect-timeout", "reset", "refused", "disconnect"])
def test_retryable_failures_are_retried_with_backoff(failure):
    portal = Portal().on("/page", failure, failure, ok("fine"))
    fake = FakeTime()
    with make_client(portal, fake) as client:
        response = client.get(f"{HOST}/page")
    assert response.text == "fine"
    assert len(portal.requests_for("/page")) == 3
    assert client.stats.retries == 2 and client.stats.failures == 0
    # exponential backoff with jitter: attempt n waits between half and all of backoff * 2**(n-1)
    assert 0.5 <= fake.sleeps[0] <= 1.0 and 1.0 <= fake.sleeps[1] <= 2.0


def test_truncated_body_is_retried():
    short = httpx.Response(200, headers={"Content-Length": "5000", "Content-Type": "application/pdf"}, content=b"%PDF-1.4 cut")
    portal = Portal().on("/doc.pdf", short, ok("whole"))
    with make_client(portal, FakeTime()) as client:
        assert client.get(f"{HOST}/doc.pdf").text == "whole"
    assert len(portal.requests_for("/doc.pdf")) == 2 and client.stats.retries == 1


def test_gives_up_after_the_last_retry():
    portal = Portal().on("/page", httpx.Response(503))
    fake = FakeTime()
    with make_client(portal, fake, retries=2) as client:
        with pytest.raises(FetchError) as error:
            client.get(f"{HOST}/page")
    assert error.value.status == 503
    assert "HTTP 503 (gave up after 3 attempts)" in str(error.value)
    assert len(portal.requests_for("/page")) == 3
    assert client.stats.failures == 1 and client.stats.by_host["portal.test"]["failures"] == 1


def test_backoff_is_capped_by_max_backoff():
    portal = Portal().on("/page", httpx.Response(500))
    fake = FakeTime()
    with make_client(portal, fake, retries=6, backoff=1.0, max_backoff=4.0) as client:
        with pytest.raises(FetchError):
            client.get(f"{HOST}/page")
    assert len(fake.sleeps) == 6 and max(fake.sleeps) <= 4.0 and fake.sleeps[-1] >= 2.0


@pytest.mark.parametrize("status", [400, 403, 404, 410])
def test_client_errors_are_not_retried(status):
    portal = Portal().on("/page", httpx.Response(status))
    with make_client(portal, FakeTime()) as client:
        with pytest.raises(FetchError) as error:
            client.get(f"{HOST}/page")
    assert error.value.status == status and len(portal.requests_for("/page")) == 1


def test_retry_after_seconds_is_honoured():
    portal = Portal().on("/page", httpx.Response(429, headers={"Retry-After": "7"}), ok())
    fake = FakeTime()
    with make_client(portal, fake, backoff=0.1) as client:
        client.get(f"{HOST}/page")
    assert fake.sleeps == [7.0]


def test_retry_after_http_date_is_honoured():
    fake = FakeTime()
    when = format_datetime(datetime.fromtimestamp(fake.wall + 30, tz=timezone.utc), usegmt=True)
    portal = Portal().on("/page", httpx.Response(503, headers={"Retry-After": when}), ok())
    with make_client(portal, fake, backoff=0.1) as client:
        client.get(f"{HOST}/page")
    assert len(fake.sleeps) == 1 and 29.0 <= fake.sleeps[0] <= 30.0


def test_retry_after_longer_than_allowed_gives_up_at_once():
    portal = Portal().on("/page", httpx.Response(429, headers={"Retry-After": "3600"}))
    fake = FakeTime()
    with make_client(portal, fake, max_retry_after=120) as client:
        with pytest.raises(FetchError) as error:
            client.get(f"{HOST}/page")
    assert "retry after 3600 s" in error.value.reason
    assert fake.sleeps == [] and len(portal.requests_for("/page")) == 1


def test_retry_after_parsing():
    now = 1_750_000_000.0
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds(" 0 ", now) == 0.0
    assert retry_after_seconds(None, now) is None
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds("-5", now) is None
    past = format_datetime(datetime.fromtimestamp(now - 60, tz=timezone.utc), usegmt=True)
    assert retry_after_seconds(past, now) == 0.0


# ---------------------------------------------------------------- conditional requests and the cache


def test_304_reuses_the_cached_body(tmp_path):
    def conditional(request: httpx.Request) -> httpx.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return ok("<html>body v1</html>", ETag='"v1"', **{"Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"})

    portal = Portal().on("/page", conditional)
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:
        first = client.get(f"{HOST}/page")
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:  # a later run
        second = client.get(f"{HOST}/page")
    assert not first.not_modified and second.not_modified
    assert second.content == first.content and second.status == 200
    assert second.content_type.startswith("text/html")
    sent = portal.requests_for("/page")[-1]
    assert sent.headers["If-None-Match"] == '"v1"'
    assert sent.headers["If-Modified-Since"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert client.stats.not_modified == 1 and client.stats.by_host["portal.test"]["not_modified"] == 1


def test_last_modified_alone_is_used(tmp_path):
    stamp = "Tue, 02 Jan 2024 00:00:00 GMT"

    def conditional(request):
        if request.headers.get("If-Modified-Since") == stamp:
            return httpx.Response(304)
        return ok("dated", **{"Last-Modified": stamp})

    portal = Portal().on("/page", conditional)
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:
        client.get(f"{HOST}/page")
        again = client.get(f"{HOST}/page")
    assert again.not_modified and again.text == "dated"
    assert "If-None-Match" not in portal.requests_for("/page")[-1].headers


def test_unconditional_get_sends_no_validators(tmp_path):
    portal = Portal().on("/page", ok("x", ETag='"v1"'))
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:
        client.get(f"{HOST}/page")
        client.get(f"{HOST}/page", conditional=False)
    assert "If-None-Match" not in portal.requests_for("/page")[-1].headers


def test_error_answers_are_not_cached(tmp_path):
    portal = Portal().on("/page", httpx.Response(500, headers={"ETag": '"err"'}), ok("good", ETag='"v1"'))
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:
        client.get(f"{HOST}/page")
    assert ResponseCache(tmp_path).get(f"{HOST}/page")[1] == b"good"


@pytest.mark.parametrize("damage", ["meta-garbage", "meta-missing", "body-changed", "body-missing", "meta-wrong-url", "meta-not-object"])
def test_damaged_cache_entries_are_ignored(tmp_path, damage):
    portal = Portal().on("/page", lambda r: httpx.Response(304) if r.headers.get("If-None-Match") else ok("fresh", ETag='"v1"'))
    url = f"{HOST}/page"
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:
        client.get(url)
    meta_path, body_path = ResponseCache(tmp_path)._paths(url)
    if damage == "meta-garbage":
        meta_path.write_bytes(b"\x00{not json")
    elif damage == "meta-missing":
        meta_path.unlink()
    elif damage == "body-changed":
        body_path.write_bytes(b"tampered")
    elif damage == "body-missing":
        body_path.unlink()
    elif damage == "meta-wrong-url":
        meta = json.loads(meta_path.read_text())
        meta_path.write_text(json.dumps({**meta, "url": f"{HOST}/other"}))
    else:
        meta_path.write_text("[1, 2]")
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:
        response = client.get(url)
    assert response.text == "fresh" and not response.not_modified
    assert "If-None-Match" not in portal.requests_for("/page")[-1].headers


def test_304_without_a_cached_copy_is_asked_again_unconditionally(tmp_path):
    portal = Portal().on("/page", httpx.Response(304), ok("full"))
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:
        response = client.get(f"{HOST}/page")
    assert response.text == "full" and len(portal.requests_for("/page")) == 2


def test_unwritable_cache_costs_only_the_cache(tmp_path):
    url = f"{HOST}/page"
    meta_path, body_path = ResponseCache(tmp_path)._paths(url)
    body_path.mkdir()  # the body cannot be written where it belongs
    portal = Portal().on("/page", ok("x", ETag='"v1"'))
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:
        assert client.get(url).text == "x"
        assert client.get(url).text == "x"
    assert not meta_path.exists()
    assert "If-None-Match" not in portal.requests_for("/page")[-1].headers


# ---------------------------------------------------------------- robots.txt


def test_robots_disallow_refuses_without_a_request():
    portal = Portal().on("/private/page", ok()).on("/public", ok())
    with make_client(portal, FakeTime()) as client:
        with pytest.raises(FetchError, match="disallowed by robots.txt"):
            client.get(f"{HOST}/private/page")
        client.get(f"{HOST}/public")
        client.get(f"{HOST}/public")
    assert portal.requests_for("/private/page") == []
    assert len(portal.requests_for("/robots.txt")) == 1  # once per host and run
    assert client.stats.skipped == 1


def test_robots_txt_is_fetched_conditionally_in_the_next_run(tmp_path):
    portal = Portal().on("/public", ok())
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:
        client.get(f"{HOST}/public")
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:
        client.get(f"{HOST}/public")
    assert portal.requests_for("/robots.txt")[-1].headers.get("If-None-Match") == '"robots-1"'


def test_missing_robots_txt_means_no_rules():
    portal = Portal(robots=404).on("/private/page", ok("allowed"))
    with make_client(portal, FakeTime()) as client:
        assert client.get(f"{HOST}/private/page").text == "allowed"
        assert client.stats.failures == 0


def test_unreadable_robots_txt_stops_the_host_for_the_run():
    portal = Portal(robots=503).on("/a", ok()).on("/b", ok())
    with make_client(portal, FakeTime(), retries=1) as client:
        with pytest.raises(FetchError, match="robots.txt of http://portal.test could not be read"):
            client.get(f"{HOST}/a")
        with pytest.raises(FetchError, match="robots.txt"):
            client.get(f"{HOST}/b")
    assert len(portal.requests_for("/robots.txt")) == 2  # two attempts, then never again this run
    assert portal.requests_for("/a") == portal.requests_for("/b") == []


def test_robots_txt_redirected_to_another_host_means_no_rules():
    portal = Portal().on("/private/page", ok("allowed"))
    portal.robots_answer = redirect("https://www.region.test/robots.txt")
    with make_client(portal, FakeTime()) as client:
        assert client.get(f"{HOST}/private/page").text == "allowed"
    assert client.stats.failures == 0 and not client.stopped(HOST)


def test_robots_can_be_switched_off():
    portal = Portal().on("/private/page", ok())
    with make_client(portal, FakeTime(), respect_robots=False) as client:
        client.get(f"{HOST}/private/page")
    assert portal.requests_for("/robots.txt") == []


# ---------------------------------------------------------------- limits


def test_response_over_the_size_limit_is_refused_and_not_retried():
    portal = Portal().on("/big", ok("x" * 500)).on("/stream", lambda r: httpx.Response(200, content=iter([b"x" * 300, b"y" * 300])))
    with make_client(portal, FakeTime(), max_bytes=400) as client:
        with pytest.raises(FetchError, match="over the limit of 400"):
            client.get(f"{HOST}/big")
        with pytest.raises(FetchError, match="over the limit of 400 bytes"):
            client.get(f"{HOST}/stream")
    assert len(portal.requests_for("/big")) == 1 and len(portal.requests_for("/stream")) == 1


def test_request_budget():
    portal = Portal().on("/page", ok())
    with make_client(portal, FakeTime(), max_requests=3) as client:
        client.get(f"{HOST}/page")  # robots.txt + page
        client.get(f"{HOST}/page")
        with pytest.raises(FetchError, match="request budget of 3 requests"):
            client.get(f"{HOST}/page")
    assert client.stats.requests == 3 and len(portal.log) == 3


def test_byte_budget():
    portal = Portal().on("/page", ok("x" * 100))
    with make_client(portal, FakeTime(), max_total_bytes=250, respect_robots=False) as client:
        client.get(f"{HOST}/page")
        client.get(f"{HOST}/page")
        with pytest.raises(FetchError, match="byte budget of 250 bytes"):
            client.get(f"{HOST}/page")  # would go over the budget while reading
        with pytest.raises(FetchError, match="byte budget of 250 bytes"):
            client.get(f"{HOST}/page")  # refused before sending
    assert len(portal.log) == 3


def test_budget_failures_do_not_stop_the_host():
    portal = Portal().on("/page", ok())
    with make_client(portal, FakeTime(), max_requests=1, respect_robots=False, max_consecutive_failures=2) as client:
        client.get(f"{HOST}/page")
        for _ in range(3):
            with pytest.raises(FetchError, match="budget"):
                client.get(f"{HOST}/page")
    assert client.stats.by_host["portal.test"]["stopped"] is False


# ---------------------------------------------------------------- compressed bodies


def compressed(data: bytes, coding: str) -> bytes:
    wbits = {"gzip": 31, "deflate": 15, "raw-deflate": -15}[coding]
    packer = zlib.compressobj(wbits=wbits)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_body_with_content_length_is_decoded(coding):
    text = "User-agent: *\nDisallow: /private\n" * 3
    wire = compressed(text.encode(), coding)
    encoding = "deflate" if coding == "raw-deflate" else coding
    answer = httpx.Response(200, content=wire, headers={
        "Content-Type": "text/plain", "Content-Encoding": encoding, "Content-Length": str(len(wire))})
    portal = Portal().on("/notes.txt", answer)
    with make_client(portal, FakeTime(), respect_robots=False) as client:
        assert client.get(f"{HOST}/notes.txt").text == text
    assert len(wire) < len(text)
    assert client.stats.bytes == len(wire) and client.stats.retries == 0  # bytes as received
    assert portal.log[0].headers["Accept-Encoding"] == "gzip, deflate"


def test_gzip_robots_txt_is_read():
    wire = compressed(b"User-agent: *\nDisallow: /private\n", "gzip")
    portal = Portal().on("/public", ok())
    portal.robots_answer = httpx.Response(200, content=wire, headers={"Content-Encoding": "gzip", "Content-Length": str(len(wire))})
    with make_client(portal, FakeTime()) as client:
        assert client.get(f"{HOST}/public").status == 200
        with pytest.raises(FetchError, match="disallowed by robots.txt"):
            client.get(f"{HOST}/private/x")


@pytest.mark.parametrize("damage", ["cut-with-length", "cut-without-length", "garbage"])
def test_damaged_gzip_body_is_retried(damage):
    wire = compressed(b"<html>" + b"meeting " * 500 + b"</html>", "gzip")
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    if damage == "cut-with-length":
        headers["Content-Length"] = str(len(wire))
    sent = wire[:10] + b"\xff" * 40 if damage == "garbage" else wire[: len(wire) // 2]
    # a stream, not bytes: httpx.Response would decode bytes itself (and fail) before the client sees them
    portal = Portal().on("/page", lambda r: httpx.Response(200, content=iter([sent]), headers=headers))
    with make_client(portal, FakeTime(), retries=1, respect_robots=False) as client:
        with pytest.raises(FetchError) as error:
            client.get(f"{HOST}/page")
    expected = {
        "cut-with-length": f"truncated body: {len(wire) // 2} of {len(wire)} bytes",
        "cut-without-length": "incomplete gzip body",
        "garbage": "damaged gzip body: Error -3 while decompressing data",
    }[damage]
    assert expected in error.value.reason and "(gave up after 2 attempts)" in error.value.reason
    assert len(portal.requests_for("/page")) == 2


class GzipHandler(http.server.BaseHTTPRequestHandler):
    """Answers every path with gzip and a Content-Length, as a CDN does; /old redirects to /page."""

    def do_GET(self) -> None:
        if self.path == "/old":
            self.send_response(301)
            self.send_header("Location", "/page")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        text = b"User-agent: *\nDisallow: /private\n" if self.path == "/robots.txt" else b"<html>" + b"meeting " * 200 + b"</html>"
        wire = gzip.compress(text)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(wire)))
        self.end_headers()
        self.wfile.write(wire)

    def log_message(self, *args) -> None:
        pass


def test_gzip_over_a_real_socket():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), GzipHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with HttpClient(delay=0, retries=0) as client:
            response = client.get(f"{base}/old")
            with pytest.raises(FetchError, match="disallowed by robots.txt"):
                client.get(f"{base}/private/x")
    finally:
        server.shutdown()
        server.server_close()
    assert response.text == "<html>" + "meeting " * 200 + "</html>" and response.final_url == f"{base}/page"
    assert client.stats.retries == client.stats.failures == 0


def test_gzip_bomb_is_refused_without_decoding_it_all():
    packer = zlib.compressobj(wbits=31)
    wire = b"".join(packer.compress(bytes(1_000_000)) for _ in range(20)) + packer.flush()  # 20 MB of zeros
    assert len(wire) < 25_000
    bomb = httpx.Response(200, content=wire, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    portal = Portal().on("/bomb", bomb)
    with make_client(portal, FakeTime(), max_bytes=100_000, respect_robots=False) as client:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError) as error:
                client.get(f"{HOST}/bomb")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert error.value.reason == "response is over the limit of 100000 bytes once decoded"
    assert peak < 1_000_000  # a few times the limit, not the 20 MB it would decode to
    assert len(portal.requests_for("/bomb")) == 1 and client.stats.by_host["portal.test"]["stopped"] is False


def test_unsupported_content_encoding_is_refused():
    portal = Portal().on("/page", httpx.Response(200, content=b"\x1b\x00\x00", headers={"Content-Encoding": "br"}))
    with make_client(portal, FakeTime(), respect_robots=False) as client:
        with pytest.raises(FetchError) as error:
            client.get(f"{HOST}/page")
    assert error.value.reason == "content encoding 'br' is not supported (asked for gzip, deflate)"
    assert len(portal.log) == 1


# ---------------------------------------------------------------- what is fetched at all


@pytest.mark.parametrize("url, reason", [
    ("javascript:void(0);", "not an http(s) URL (javascript:)"),
    ("mailto:kansli@portal.test", "not an http(s) URL (mailto:)"),
    ("ftp://portal.test/protokoll.pdf", "not an http(s) URL (ftp:)"),
    ("data:text/html,<p>x</p>", "not an http(s) URL (data:)"),
    ("/committees/regionstyrelsen", "not an absolute URL"),
    ("//portal.test/committees", "not an absolute URL"),
    ("http://user:secret@portal.test/committees", "a URL with credentials (user:pass@host) is never fetched"),
    ("http:///committees", "no host in the URL"),
    ("http://portal.test:99999/committees", "not a usable URL (Port out of range 0-65535)"),
    ("http://[::1/committees", "not a usable URL (Invalid IPv6 URL)"),
])
def test_only_absolute_http_urls_are_fetched(url, reason):
    portal = Portal().on("/fine", ok())
    fake = FakeTime()
    with make_client(portal, fake, max_consecutive_failures=1) as client:
        with pytest.raises(FetchError) as error:
            client.get(url)
        assert client.get(f"{HOST}/fine").status == 200  # the host's failure budget (1) is untouched
    assert (error.value.url, error.value.reason, error.value.status) == (url, reason, None)
    assert [r.url.path for r in portal.log] == ["/robots.txt", "/fine"]
    assert fake.sleeps == [] and client.stats.as_dict()["failures"] == client.stats.retries == client.stats.skipped == 0


@pytest.mark.parametrize("exception, retried", [
    (httpx.TooManyRedirects("Exceeded maximum allowed redirects."), False),
    (httpx.InvalidURL("Invalid non-printable ASCII character in URL, '\\x00' at position 9."), False),
    (UnicodeError("encoding with 'idna' codec failed (UnicodeError: label empty or too long)"), False),
    (ValueError("unknown url type: '/path'"), False),
    (httpx.DecodingError("Error -3 while decompressing data"), False),
    (httpx.LocalProtocolError("Illegal header value b'x\\n'"), False),
    (httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'gopher://'."), False),
    (httpx.StreamConsumed(), False),
    (OSError(24, "Too many open files"), True),
    (ConnectionResetError(104, "Connection reset by peer"), True),
], ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value))
def test_every_exception_of_the_http_library_is_a_fetch_error_for_that_url(exception, retried):
    portal = Portal().on("/odd", exception).on("/fine", ok())
    with make_client(portal, FakeTime(), retries=2, respect_robots=False) as client:
        with pytest.raises(FetchError) as error:
            client.get(f"{HOST}/odd")
        assert client.get(f"{HOST}/fine").status == 200  # one URL never ends the run
    prefix = "connection error" if retried else "request failed"
    assert error.value.url == f"{HOST}/odd"
    assert error.value.reason.startswith(f"{prefix}: {type(exception).__name__}: {exception}")
    assert len(portal.requests_for("/odd")) == (3 if retried else 1)
    assert client.stats.failures == 1


@pytest.mark.parametrize("url", [
    "http://xn--zz/committees",  # IDNAError, a UnicodeError, while httpx reads the URL
    "http://portal.test/mote-2024\x00-01-01",  # httpx.InvalidURL
])
def test_urls_httpx_cannot_read_are_fetch_errors(url):
    portal = Portal().on("/fine", ok())
    with make_client(portal, FakeTime(), respect_robots=False) as client:
        with pytest.raises(FetchError, match="request failed: "):
            client.get(url)
        assert client.get(f"{HOST}/fine").status == 200
    assert [r.url.path for r in portal.log] == ["/fine"]


def test_a_host_name_the_socket_layer_cannot_encode_is_a_fetch_error():
    """A real transport, no network: encoding a 64-character label fails before any lookup."""
    with HttpClient(delay=0, retries=0, respect_robots=False) as client:
        with pytest.raises(FetchError, match="UnicodeError: encoding with 'idna' codec failed"):
            client.get("http://" + "a" * 64 + ".test/committees")


# ---------------------------------------------------------------- redirects


def redirect(location: str, status: int = 301) -> httpx.Response:
    return httpx.Response(status, headers={"Location": location})


def hosts(**portals: Portal) -> httpx.MockTransport:
    """One transport for several scripted hosts: portal_test=Portal() answers for portal.test."""
    return httpx.MockTransport(lambda r: portals[r.url.host.replace(".", "_")](r))


@pytest.mark.parametrize("location", ["/new", "http://portal.test/new", "https://portal.test/new", "/new#top"])
def test_redirect_within_the_host_is_followed_with_a_delay_for_each_hop(location):
    portal = Portal().on("/old", redirect(location, 302)).on("/new", ok("moved here"))
    fake = FakeTime()
    with make_client(portal, fake, delay=2.0) as client:
        response = client.get(f"{HOST}/old")
    final = location.split("#")[0] if location.startswith("http") else f"{HOST}/new"
    assert (response.url, response.final_url, response.text) == (f"{HOST}/old", final, "moved here")
    requests = [str(r.url) for r in portal.log if r.url.path != "/robots.txt"]
    assert requests == [f"{HOST}/old", final]
    robots = 2 if final.startswith("https") else 1  # robots.txt of each origin
    assert len(portal.requests_for("/robots.txt")) == robots
    assert fake.sleeps == [2.0] * (robots + 1) and client.stats.requests == robots + 2


def test_redirect_to_an_alias_of_the_host_is_followed_both_ways():
    portal = Portal().on("/committees/x/doc", redirect("http://files.test/doc.pdf?v=1")).on("/fine", ok("home"))
    files = Portal().on("/doc.pdf", httpx.Response(200, content=b"%PDF-1.7", headers={"Content-Type": "application/pdf"}))
    files.on("/back", redirect(f"{HOST}/fine", 308))
    fake = FakeTime()
    with HttpClient(transport=hosts(portal_test=portal, files_test=files), sleep=fake.sleep, clock=fake.monotonic, delay=0) as client:
        client.set_host_aliases(HOST, ["FILES.test"])
        response = client.get(f"{HOST}/committees/x/doc")
        back = client.get("http://files.test/back")
    assert (response.url, response.final_url, response.content) == (f"{HOST}/committees/x/doc", "http://files.test/doc.pdf?v=1", b"%PDF-1.7")
    assert (back.url, back.final_url, back.text) == ("http://files.test/back", f"{HOST}/fine", "home")
    assert len(files.requests_for("/robots.txt")) == len(portal.requests_for("/robots.txt")) == 1
    assert client.stats.by_host["files.test"]["requests"] == 3 and client.stats.by_host["portal.test"]["requests"] == 3


@pytest.mark.parametrize("location, reason", [
    ("https://evil.test/x", "redirected to another host: https://evil.test/x (followed only within portal.test)"),
    ("https://portal.test.evil.test/x", "redirected to another host: https://portal.test.evil.test/x (followed only within portal.test)"),
    ("http://portal.test:8080/x", "redirected to another host: http://portal.test:8080/x (followed only within portal.test)"),
    ("javascript:alert(1)", "redirected to javascript:alert(1): not an http(s) URL (javascript:)"),
    ("http://user:pw@portal.test/x", "redirected to http://user:pw@portal.test/x: a URL with credentials (user:pass@host) is never fetched"),
    ("http://[::1/x", "redirected to an unusable location 'http://[::1/x'"),
])
def test_redirect_elsewhere_is_an_error_for_that_url_without_a_request(location, reason):
    portal = Portal().on("/page", redirect(location)).on("/fine", ok())
    evil = Portal().on("/x", ok("elsewhere"))
    fake = FakeTime()
    with HttpClient(transport=hosts(portal_test=portal, evil_test=evil, portal_test_evil_test=evil), sleep=fake.sleep,
                    clock=fake.monotonic, delay=0, max_consecutive_failures=1) as client:
        with pytest.raises(FetchError) as error:
            client.get(f"{HOST}/page")
        assert client.get(f"{HOST}/fine").status == 200  # not counted against the host
    assert (error.value.url, error.value.reason) == (f"{HOST}/page", reason)
    assert evil.log == [] and len(portal.requests_for("/page")) == 1 and fake.sleeps == []


def test_redirect_loop_is_an_error_and_not_retried():
    portal = Portal().on("/a", redirect("/b")).on("/b", redirect("/c", 307)).on("/c", redirect("/a"))
    with make_client(portal, FakeTime()) as client:
        with pytest.raises(FetchError) as error:
            client.get(f"{HOST}/a")
    assert error.value.reason == f"redirect loop: {HOST}/a again after 3 redirects"
    assert [r.url.path for r in portal.log] == ["/robots.txt", "/a", "/b", "/c"]


def test_at_most_max_redirects_are_followed():
    portal = Portal()
    for n in range(10):
        portal.on(f"/r{n}", redirect(f"/r{n + 1}"))
    with make_client(portal, FakeTime(), max_redirects=3) as client:
        with pytest.raises(FetchError) as error:
            client.get(f"{HOST}/r0")
    assert error.value.reason == f"more than 3 redirects (the last to {HOST}/r4)"
    assert [r.url.path for r in portal.log] == ["/robots.txt", "/r0", "/r1", "/r2", "/r3"]


def test_an_error_after_a_redirect_is_the_requested_urls():
    portal = Portal().on("/old", redirect("/gone")).on("/moved", redirect("/private/x"))
    with make_client(portal, FakeTime()) as client:
        with pytest.raises(FetchError) as gone:
            client.get(f"{HOST}/old")
        with pytest.raises(FetchError) as private:
            client.get(f"{HOST}/moved")
    assert (gone.value.url, gone.value.reason, gone.value.status) == (f"{HOST}/old", f"HTTP 404 (after a redirect to {HOST}/gone)", 404)
    assert (private.value.url, private.value.reason) == (f"{HOST}/moved", f"disallowed by robots.txt (after a redirect to {HOST}/private/x)")
    assert portal.requests_for("/private/x") == []
    assert client.stats.failures == 1 and client.stats.skipped == 1


def test_each_hop_is_asked_conditionally(tmp_path):
    def new(request: httpx.Request) -> httpx.Response:
        if request.headers.get("If-None-Match") == '"n1"':
            return httpx.Response(304)
        return ok("new page", ETag='"n1"')

    portal = Portal().on("/old", redirect("/new")).on("/new", new)
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:
        first = client.get(f"{HOST}/old")
    with make_client(portal, FakeTime(), cache_dir=tmp_path) as client:
        second = client.get(f"{HOST}/old")
    assert not first.not_modified and second.not_modified
    assert second.text == "new page" and second.final_url == f"{HOST}/new"
    assert portal.requests_for("/new")[-1].headers["If-None-Match"] == '"n1"'
    assert "If-None-Match" not in portal.requests_for("/old")[-1].headers  # the redirect itself had no validators


# ---------------------------------------------------------------- call options


def test_accept_header_is_sent_on_every_hop():
    portal = Portal().on("/api/v2.0/committees/412/meetings", redirect("/api/v2.0/committees/412/meetings/"))
    portal.on("/api/v2.0/committees/412/meetings/", httpx.Response(200, json=[{"Id": 1}])).on("/page", ok())
    with make_client(portal, FakeTime()) as client:
        response = client.get(f"{HOST}/api/v2.0/committees/412/meetings", accept="application/json")
        client.get(f"{HOST}/page")
    sent = [r.headers["Accept"] for r in portal.log if r.url.path != "/robots.txt"]
    assert sent == ["application/json", "application/json", "*/*"] and json.loads(response.text) == [{"Id": 1}]


def test_absent_status_raises_absent_at_once():
    url = f"{HOST}/api/v2.0/meetings/7/download/Protocol?downloadMode=download"
    portal = Portal().on("/api/v2.0/meetings/7/download/Protocol", httpx.Response(500)).on("/fine", ok())
    fake = FakeTime()
    with make_client(portal, fake, retries=3, max_consecutive_failures=1) as client:
        for _ in range(3):
            with pytest.raises(Absent) as error:
                client.get(url, absent=frozenset({500}))
        assert client.get(f"{HOST}/fine").status == 200  # three absent answers did not stop the host
        with pytest.raises(FetchError) as failed:
            client.get(url)  # without ``absent`` the same answer is a failure, retried
    assert isinstance(error.value, FetchError) and (error.value.status, error.value.reason) == (500, "HTTP 500: nothing here")
    assert not isinstance(failed.value, Absent) and failed.value.reason == "HTTP 500 (gave up after 4 attempts)"
    assert len(portal.requests_for("/api/v2.0/meetings/7/download/Protocol")) == 3 + 4
    assert len(fake.sleeps) == 3  # only the retries of the call without ``absent``
    assert client.stats.failures == 1 and client.stats.skipped == 0


# ---------------------------------------------------------------- block pages

FIXTURES = Path(__file__).parent / "fixtures" / "portal"
F5_SV = """<html><head><title>Förfrågan avvisades</title></head><body>Förfrågan avvisades. Den begärda
URL:en avvisades. Kontakta administratören.<br><br>Ditt support-ID är: 4127793312345678901<br><br>
<a href='javascript:history.back();'>[Tillbaka]</a></body></html>"""
F5_UNTITLED = """<html><head></head><body>Förfrågan avvisades. Ditt support-ID är: 4127793312345678901</body></html>"""
F5_EN = """<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult
with your administrator.<br><br>Your support ID is: 11713614478013429913<br><br>
<a href='javascript:history.back();'>[Go Back]</a></body></html>"""
CLOUDFLARE_CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta name="robots" content="noindex,nofollow">
</head><body><div class="main-wrapper" role="main"><div class="main-content"><noscript><div class="h2">
Enable JavaScript and cookies to continue</div></noscript></div></div><script>(function(){window._cf_chl_opt={
cvId: '3',cZone: "portal.test",cType: 'managed',cRay: '8f1c2b3a4d5e6f70'};}());</script></body></html>"""
CLOUDFLARE_BLOCK = """<!DOCTYPE html><html class="no-js" lang="en-US"><head><title>Attention Required! | Cloudflare</title>
<meta charset="UTF-8" /></head><body><div id="cf-wrapper"><div id="cf-error-details" class="cf-error-details-wrapper">
<h1 data-translate="block_headline">Sorry, you have been blocked</h1><h2 class="cf-subheadline">You are unable to
access</h2> portal.test</div></div></body></html>"""
AKAMAI = """<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>
You don't have permission to access "http&#58;&#47;&#47;portal&#46;test&#47;committees" on this server.<P>
Reference&#32;&#35;18&#46;2f1e4f17&#46;1731312345&#46;8c0a5e1
<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;2f1e4f17&#46;1731312345&#46;8c0a5e1</P>
</BODY>
</HTML>"""
IMPERVA = """<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW"><meta name="format-detection"
content="telephone=no"><meta name="viewport" content="initial-scale=1.0"></head><body style="margin:0px;height:100%">
<iframe id="main-iframe" src="/_Incapsula_Resource?CWUDNSAI=24&xinfo=1-2-0%200NNN%20RT&incident_id=123-456&edet=15"
frameborder=0 width="100%" height="100%" marginheight="0px" marginwidth="0px">Request unsuccessful. Incapsula incident ID:
123000450078901234-56789012345678901</iframe></body></html>"""
DATADOME = """<html><head><title>portal.test</title><style>#cmsg{animation: A 1.5s;}@keyframes A{0%{opacity:0;}99%{opacity:0;}
100%{opacity:1;}}</style></head><body style="margin:0"><p id="cmsg">Please enable JS and disable any ad blocker</p>
<script data-cfasync="false">var dd={'rt':'c','cid':'AHrlqAAAAAMA','hsh':'A1B2C3','t':'fe','s':42,'host':'geo.captcha-delivery.com'}
</script><script data-cfasync="false" src="https://ct.captcha-delivery.com/c.js"></script></body></html>"""
RECAPTCHA = """<!doctype html><html lang="sv"><head><title>Säkerhetskontroll</title>
<script src="https://www.google.com/recaptcha/api.js" async defer></script></head><body><main>
<p>Vi behöver kontrollera att det är du och inte ett program som gör förfrågningarna.</p>
<form method="post" action="/verify"><div class="g-recaptcha" data-sitekey="6LcAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"></div>
<button type="submit">Fortsätt</button></form></main></body></html>"""
CONSENT_WALL = """<!DOCTYPE html><html lang="sv"><head><title>Innan du fortsätter</title></head><body>
<h1>Vi använder cookies</h1><p>Vi använder kakor för att webbplatsen ska fungera och för statistik. Du kan läsa mer
om kakor i vår policy.</p><form method="post" action="/consent"><button name="choice" value="all">Acceptera alla</button>
<button name="choice" value="necessary">Endast nödvändiga</button></form></body></html>"""
GOOGLE_CONSENT = """<html><head><title>Before you continue</title></head><body><form action="https://consent.portal-cdn.test/save"
method="POST"><input type="hidden" name="set_eom" value="true"><button>Accept all</button></form></body></html>"""
COOKIE_FOOTER = """<footer class="site-footer"><p>Vi använder kakor (cookies) för att förbättra webbplatsen.
<a href="/cookies">Läs mer om cookies</a></p><div id="CybotCookiebotDialog" class="CybotCookiebotDialog">
<h2>Den här webbplatsen använder cookies</h2><button id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll">
Tillåt alla cookies</button></div><script id="Cookiebot" src="https://consent.cookiebot.com/uc.js"
data-cbid="00000000-0000-0000-0000-000000000000" type="text/javascript" async></script></footer>"""


@pytest.mark.parametrize("content_type, body, reason", [
    ("text/html; charset=utf-8", F5_SV, "refusal page 'Förfrågan avvisades'"),
    ("text/html; charset=utf-8", F5_UNTITLED, "refusal text 'förfrågan avvisades'"),
    ("text/html", F5_EN, "refusal page 'Request Rejected'"),
    ("text/html; charset=UTF-8", CLOUDFLARE_CHALLENGE, "Cloudflare challenge page"),
    ("text/html; charset=UTF-8", CLOUDFLARE_BLOCK, "refusal page 'Attention Required! | Cloudflare / Sorry, you have been blocked'"),
    ("text/html", AKAMAI, "refusal page 'Access Denied / Access Denied'"),
    ("text/html", IMPERVA, "Imperva (Incapsula) block page"),
    ("text/html;charset=utf-8", DATADOME, "DataDome captcha"),
    ("text/html; charset=utf-8", RECAPTCHA, "captcha page"),
    ("text/html; charset=utf-8", CONSENT_WALL, "consent wall 'Innan du fortsätter / Vi använder cookies'"),
    ("text/html", GOOGLE_CONSENT, "consent wall"),
    ("text/plain", "Access denied.", "refusal text 'access denied'"),
    ("", F5_EN, "refusal page 'Request Rejected'"),  # no Content-Type, but HTML
    ("text/html; charset=iso-8859-1", F5_SV.encode("iso-8859-1"), "refusal page 'Förfrågan avvisades'"),
], ids=["f5-sv", "f5-untitled", "f5-en", "cloudflare-challenge", "cloudflare-block", "akamai", "imperva", "datadome",
        "recaptcha", "consent-wall", "consent-form", "plain-text", "no-content-type", "latin-1"])
def test_block_pages_are_recognised(content_type, body, reason):
    assert looks_blocked(content_type, body if isinstance(body, bytes) else body.encode()) == reason


def with_footer(page: str, footer: str) -> str:
    return page.replace("</body>", footer + "</body>")


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.html")))
def test_meeting_pages_are_not_block_pages(name):
    page = (FIXTURES / name).read_text(encoding="utf-8")
    assert looks_blocked("text/html; charset=utf-8", page.encode()) is None
    assert looks_blocked("text/html; charset=utf-8", with_footer(page, COOKIE_FOOTER).encode()) is None


def test_what_is_not_a_block_page():
    meeting = (FIXTURES / "vasterbotten__committees__regionstyrelsen__mote-2025-09-09__day1.html").read_text(encoding="utf-8")
    protocol_text = "<p>§ 12 Motionen avvisades. Ärendet gällde felet 'Access denied' i journalsystemet.</p>" * 40
    bodies = [
        ("text/html; charset=utf-8", with_footer(meeting, protocol_text + COOKIE_FOOTER)),  # long: wording in the text does not count
        ("application/pdf", "%PDF-1.7\n(Access denied) Tj (Förfrågan avvisades) Tj\n%%EOF"),  # only HTML and text are read
        ("application/json", '{"Message": "Access denied"}'),
        ("text/html", "<html><body>" + "<p>Kommunfullmäktige</p>" * 4000 + "window._cf_chl_opt={}</body></html>"),  # past the prefix
        ("text/plain", "# Access denied to bots that ignore these rules\nUser-agent: *\nDisallow: /search\n"),
    ]
    assert [looks_blocked(content_type, body.encode()) for content_type, body in bodies] == [None] * len(bodies)


def test_block_page_stops_the_host_and_carries_the_answer():
    portal = Portal().on("/committees", httpx.Response(200, text=F5_SV, headers={"Content-Type": "text/html; charset=utf-8", "X-Waf": "asm"}))
    other = Portal().on("/fine", ok())
    fake = FakeTime()
    with HttpClient(transport=hosts(portal_test=portal, other_test=other), sleep=fake.sleep, clock=fake.monotonic, delay=0) as client:
        with pytest.raises(Blocked) as blocked:
            client.get(f"{HOST}/committees")
        with pytest.raises(FetchError) as later:
            client.get(f"{HOST}/committees/regionstyrelsen")
        assert client.get(f"{OTHER}/fine").status == 200
        assert client.stopped(HOST)
    error = blocked.value
    assert (error.url, error.status, error.body, error.headers["x-waf"]) == (f"{HOST}/committees", 200, F5_SV.encode(), "asm")
    assert error.reason == "block page instead of content: refusal page 'Förfrågan avvisades'"
    assert later.value.reason == f"portal.test stopped: it answered {HOST}/committees with a block page (refusal page 'Förfrågan avvisades')"
    assert len(portal.requests_for("/committees")) == 1 and portal.requests_for("/committees/regionstyrelsen") == []
    assert fake.sleeps == [] and client.stats.by_host["portal.test"]["stopped"] is True
    assert client.stats.by_host["portal.test"]["failures"] == 1 and client.stats.by_host["portal.test"]["skipped"] == 1


def test_challenge_with_an_error_status_is_a_block_page_too():
    portal = Portal().on("/page", httpx.Response(403, text=CLOUDFLARE_CHALLENGE, headers={"Content-Type": "text/html"}))
    with make_client(portal, FakeTime(), respect_robots=False) as client:
        with pytest.raises(Blocked) as blocked:
            client.get(f"{HOST}/page")
    assert blocked.value.status == 403 and client.stopped(HOST)


def test_block_page_for_robots_txt_stops_the_host():
    portal = Portal().on("/a", ok()).on("/b", ok())
    portal.robots_answer = httpx.Response(200, text=AKAMAI, headers={"Content-Type": "text/html"})
    with make_client(portal, FakeTime()) as client:
        with pytest.raises(Blocked) as blocked:
            client.get(f"{HOST}/a")
        with pytest.raises(FetchError, match="robots.txt of http://portal.test could not be read"):
            client.get(f"{HOST}/b")
    assert blocked.value.url == f"{HOST}/a" and blocked.value.body == AKAMAI.encode()
    assert blocked.value.reason == "robots.txt of http://portal.test could not be read: block page instead of content: refusal page 'Access Denied / Access Denied'"
    assert [r.url.path for r in portal.log] == ["/robots.txt"] and client.stopped(HOST)


# ---------------------------------------------------------------- circuit breaker


def test_host_is_stopped_after_consecutive_failures():
    portal = Portal().on("/down", httpx.Response(503)).on("/fine", ok())
    other = Portal().on("/fine", ok())
    transport = httpx.MockTransport(lambda r: (portal if r.url.host == "portal.test" else other)(r))
    fake = FakeTime()
    with HttpClient(transport=transport, sleep=fake.sleep, clock=fake.monotonic, delay=0, retries=1,
                    max_consecutive_failures=3) as client:
        for _ in range(3):
            with pytest.raises(FetchError, match="HTTP 503"):
                client.get(f"{HOST}/down")
        sent = len(portal.log)
        with pytest.raises(FetchError, match="portal.test stopped after 3 consecutive failures"):
            client.get(f"{HOST}/fine")
        assert len(portal.log) == sent  # failed fast, without a request
        assert client.stopped(f"{HOST}/anything")
        assert client.get(f"{OTHER}/fine").status == 200  # other hosts go on
    per = client.stats.by_host
    assert per["portal.test"]["stopped"] is True and per["other.test"]["stopped"] is False
    assert per["portal.test"]["failures"] == 3 and per["portal.test"]["skipped"] == 1


def test_a_success_resets_the_failure_count():
    portal = Portal().on("/down", httpx.Response(500)).on("/fine", ok())
    with make_client(portal, FakeTime(), retries=0, max_consecutive_failures=3) as client:
        for path in ("/down", "/down", "/fine", "/down", "/down", "/fine"):
            try:
                client.get(f"{HOST}{path}")
            except FetchError:
                pass
    assert client.stats.by_host["portal.test"]["stopped"] is False


def test_not_found_answers_do_not_stop_the_host():
    portal = Portal().on("/fine", ok())
    with make_client(portal, FakeTime(), max_consecutive_failures=2) as client:
        for _ in range(4):
            with pytest.raises(FetchError, match="HTTP 404"):
                client.get(f"{HOST}/gone")
        assert client.get(f"{HOST}/fine").status == 200


def test_connection_failures_stop_the_host():
    portal = Portal().on("/a", httpx.ConnectError("refused"))
    with make_client(portal, FakeTime(), respect_robots=False, retries=2, max_consecutive_failures=2) as client:
        for _ in range(2):
            with pytest.raises(FetchError, match="connection error"):
                client.get(f"{HOST}/a")
        with pytest.raises(FetchError, match="stopped after 2 consecutive failures"):
            client.get(f"{HOST}/a")
    assert len(portal.log) == 6


# ---------------------------------------------------------------- politeness


def test_delay_between_requests_to_the_same_host():
    portal = Portal().on("/a", ok()).on("/b", ok())
    other = Portal().on("/a", ok())
    transport = httpx.MockTransport(lambda r: (portal if r.url.host == "portal.test" else other)(r))
    fake = FakeTime()
    with HttpClient(transport=transport, sleep=fake.sleep, clock=fake.monotonic, delay=2.0, respect_robots=False) as client:
        client.set_host_delay(OTHER, 0.5)
        client.get(f"{HOST}/a")
        client.get(f"{OTHER}/a")  # another host: no wait
        client.get(f"{HOST}/b")
        client.get(f"{OTHER}/a")  # 2 s have passed meanwhile: no wait either
        client.get(f"{OTHER}/a")
    assert fake.sleeps == [2.0, 0.5]


def test_requests_in_flight_per_host_are_limited():
    in_flight: dict[str, int] = {}
    peak: dict[str, int] = {}
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        with lock:
            in_flight[host] = in_flight.get(host, 0) + 1
            peak[host] = max(peak.get(host, 0), in_flight[host])
        time.sleep(0.02)
        with lock:
            in_flight[host] -= 1
        return ok()

    client = HttpClient(transport=httpx.MockTransport(handler), delay=0, respect_robots=False, max_per_host=2)
    client.set_host_limit(OTHER, 1)
    assert client.host_limit(f"{HOST}/x") == 2 and client.host_limit(f"{OTHER}/x") == 1
    threads = [threading.Thread(target=client.get, args=(f"{base}/p{i}",)) for i in range(6) for base in (HOST, OTHER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close()
    assert peak == {"portal.test": 2, "other.test": 1}
    assert client.stats.requests == 12 and client.stats.by_host["portal.test"]["requests"] == 6


def test_a_slow_host_does_not_hold_up_another_host_in_another_thread():
    """slow.test answers only once fast.test has answered everything (or after 5 s): if the hosts
    waited on each other anywhere, robots.txt included, fast.test would never get that far."""
    fast_done = threading.Event()
    lock = threading.Lock()
    in_flight = {"slow.test": 0, "fast.test": 0}
    peak, served = dict(in_flight), dict(in_flight)
    waited: list[bool] = []

    def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        with lock:
            in_flight[host] += 1
            peak[host] = max(peak[host], in_flight[host])
        if host == "slow.test":
            waited.append(fast_done.wait(5))
        else:
            time.sleep(0.005)
        with lock:
            in_flight[host] -= 1
            served[host] += 1
            if served["fast.test"] == 7:  # robots.txt and six pages
                fast_done.set()
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /private\n")
        return ok()

    client = HttpClient(transport=httpx.MockTransport(handler), delay=0)
    statuses: list[int] = []

    def crawl(base: str, pages: range) -> None:
        statuses.extend(client.get(f"{base}/p{n}").status for n in pages)

    threads = [threading.Thread(target=crawl, args=(base, range(start, count, 2)))
               for base, count in (("http://slow.test", 4), ("http://fast.test", 6)) for start in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    client.close()
    assert waited and all(waited)  # slow.test's first answer came after all of fast.test's
    assert peak == {"slow.test": 1, "fast.test": 1}  # each host still one request at a time
    assert statuses == [200] * 10 and served == {"slow.test": 5, "fast.test": 7}


def test_stats_per_host():
    portal = Portal().on("/a", httpx.Response(500), ok("12345"))
    with make_client(portal, FakeTime()) as client:
        client.get(f"{HOST}/a")
    per = client.stats.by_host["portal.test"]
    robots_bytes = len(portal.robots)
    assert per == {"requests": 3, "bytes": robots_bytes + 5, "not_modified": 0, "retries": 1, "failures": 0, "skipped": 0, "stopped": False}
    assert client.stats.as_dict()["requests"] == 3


def test_user_agent_names_the_project():
    portal = Portal().on("/a", ok())
    with make_client(portal, FakeTime()) as client:
        client.get(f"{HOST}/a")
    assert portal.log[-1].headers["User-Agent"].startswith("meetings-open-data/")
