"""The HTTP client against httpx.MockTransport, with a fake clock: nothing here really waits."""

from __future__ import annotations

import json
import threading
import time
import tracemalloc
import zlib
from email.utils import format_datetime
from datetime import datetime, timezone

import httpx
import pytest

from scraper.errors import FetchError
from scraper.portal.http import HttpClient, ResponseCache, retry_after_seconds

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
