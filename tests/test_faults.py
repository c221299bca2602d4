"""The replica's fault injection: each kind of misbehaviour, seeds, counters and the CLI option."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.documents import text as text_mod
from scraper.replica.faults import KINDS, RATE_KINDS, FaultPlan, FaultSpecError, change_markup
from scraper.replica.server import start

from .conftest import TODAY

COMMITTEE = "/committees/regionstyrelsen"
MEETING = "/committees/regionstyrelsen/mote-2025-09-09"
PDF = "/committees/regionstyrelsen/mote-2025-09-09/protocol/protokoll-regionstyrelsen-2025-09-09pdf-18552"
BIN = Path(sys.executable).parent


@pytest.fixture
def faulty():
    """Start replicas with faults; all are stopped at the end of the test."""
    running = []

    def make(faults, seed=0, **options):
        replica = start(day=1, today=TODAY, faults=faults, seed=seed, **options)
        running.append(replica)
        return replica

    yield make
    for replica in running:
        replica.stop()


def outcome(client: httpx.Client, url: str) -> str:
    try:
        response = client.get(url)
    except httpx.TimeoutException:
        return "timeout"
    except httpx.TransportError as exc:
        return type(exc).__name__
    return str(response.status_code)


# ---------------------------------------------------------------- plans


def test_parse_rate_and_spec():
    assert FaultPlan.parse("0.3") == FaultPlan(rate=0.3)
    assert FaultPlan.parse(0.3) == FaultPlan(rate=0.3)
    assert FaultPlan.parse(None) is None and FaultPlan.parse("") is None
    plan = FaultPlan.parse("markup:0.05, 500:0.1,429:0.05")
    assert plan.shares == (("500", 0.1), ("429", 0.05), ("markup", 0.05))
    assert str(plan) == "500:0.1,429:0.05,markup:0.05"
    assert FaultPlan.parse(str(plan)) == plan


@pytest.mark.parametrize("bad, message", [
    ("1.5", "between 0 and 1"),
    ("teapot:0.1", "unknown fault kind 'teapot'"),
    ("slow", "expected KIND:SHARE"),
    ("500", "between 0 and 1 .for one kind write KIND:SHARE"),
    ("500:lots", "not a number"),
    ("500:0.6,503:0.6", "more than 1"),
    ("500:-0.1", "between 0 and 1"),
])
def test_bad_specs_are_refused(bad, message):
    with pytest.raises(FaultSpecError, match=message):
        FaultPlan.parse(bad)


def test_rate_spreads_over_the_kinds_that_fit():
    plan = FaultPlan(rate=0.35)
    html = ("500", "503", "429", "slow", "reset", "truncate", "markup")
    assert plan.choose(0.0, html) == "500"
    assert plan.choose(0.349, html) == "markup"
    assert plan.choose(0.35, html) is None
    assert plan.choose(0.349, ("500", "503")) == "503"


def test_spec_share_is_per_response_that_fits():
    plan = FaultPlan.parse("500:0.1,corrupt_pdf:0.5")
    assert plan.choose(0.3, ("500", "corrupt_pdf")) == "corrupt_pdf"
    assert plan.choose(0.3, ("500", "markup")) is None
    assert plan.choose(0.05, ("500", "markup")) == "500"


def test_change_markup_renames_what_the_parsers_look_for():
    html = ('<div id="committeesRecentContent"><a class="accessible-table-cell" href="/x">x</a></div>'
            '<a id="openProtocol">p</a><li class="agenda-item"><div class="agenda-item-number">1</div></li>')
    changed = change_markup(html)
    for gone in ("accessible-table-cell", "committeesRecentContent", "openProtocol", "agenda-item"):
        assert gone not in changed
    assert 'class="meeting-row"' in changed and 'id="protocolButton"' in changed and 'class="case-entry-number"' in changed


# ---------------------------------------------------------------- each kind on the wire


@pytest.mark.parametrize("status", ["500", "503"])
def test_error_status(faulty, status):
    replica = faulty(f"{status}:1.0")
    response = httpx.get(replica.url("vasterbotten") + COMMITTEE)
    assert response.status_code == int(status)
    assert "etag" not in response.headers
    assert replica.stats("vasterbotten")[f"fault:{status}"] == 1


def test_429_has_retry_after(faulty):
    replica = faulty("429:1.0", retry_after=2)
    response = httpx.get(replica.url("vasterbotten") + MEETING)
    assert response.status_code == 429 and response.headers["Retry-After"] == "2"


def test_slow_answer_outlasts_the_client_timeout_then_arrives(faulty):
    replica = faulty("slow:1.0", slow_seconds=0.6)
    url = replica.url("vasterbotten") + COMMITTEE
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(url, timeout=0.2)
    assert time.monotonic() - started < 0.5
    response = httpx.get(url, timeout=3)
    assert response.status_code == 200 and "accessible-table-cell" in response.text


def test_reset_closes_without_an_answer(faulty):
    replica = faulty("reset:1.0")
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        httpx.get(replica.url("vasterbotten") + COMMITTEE)


def test_truncate_sends_less_than_announced(faulty):
    replica = faulty("truncate:1.0")
    with pytest.raises(httpx.RemoteProtocolError, match="incomplete|without sending complete message body"):
        httpx.get(replica.url("vasterbotten") + PDF)
    raw = []
    with httpx.stream("GET", replica.url("vasterbotten") + COMMITTEE) as response:
        announced = int(response.headers["Content-Length"])
        try:
            for chunk in response.iter_raw():
                raw.append(chunk)
        except httpx.RemoteProtocolError:
            pass
    assert 0 < len(b"".join(raw)) < announced


def test_corrupt_pdf_damages_pdfs_only(faulty):
    clean = start(day=1, today=TODAY)
    try:
        good = httpx.get(clean.url("vasterbotten") + PDF).content
    finally:
        clean.stop()
    replica = faulty("corrupt_pdf:1.0", seed=5)
    outcomes = Counter()
    for _ in range(6):
        response = httpx.get(replica.url("vasterbotten") + PDF)
        assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
        assert response.content != good and response.content.startswith(b"%PDF")
        assert int(response.headers["Content-Length"]) == len(response.content)
        try:
            extracted = text_mod.extract_text(response.content)
            outcomes["readable" if extracted.text != text_mod.extract_text(good).text else "same"] += 1
        except text_mod.DocumentError:
            outcomes["unreadable"] += 1
    assert outcomes["unreadable"] >= 1 and outcomes["same"] == 0
    page = httpx.get(replica.url("vasterbotten") + MEETING)
    assert page.status_code == 200 and "openProtocol" in page.text  # HTML is left alone
    assert replica.stats("vasterbotten")["fault:corrupt_pdf"] == 6


def test_markup_changes_html_pages_only(faulty):
    replica = faulty("markup:1.0")
    base = replica.url("vasterbotten")
    committee = httpx.get(base + COMMITTEE)
    meeting = httpx.get(base + MEETING)
    assert committee.status_code == 200 and "accessible-table-cell" not in committee.text and "meeting-row" in committee.text
    assert "openProtocol" not in meeting.text and "protocolButton" in meeting.text and "agenda-item" not in meeting.text
    assert httpx.get(base + PDF).content.startswith(b"%PDF")
    stats = replica.stats("vasterbotten")
    assert stats["fault:markup"] == 2 and stats["faults"] == 2 and stats["document"] == 1


def test_robots_and_stats_never_misbehave(faulty):
    replica = faulty("500:0.5,reset:0.5")
    base = replica.url("vasterbotten")
    with httpx.Client() as client:
        for _ in range(20):
            assert client.get(base + "/robots.txt").status_code == 200
            assert client.get(base + "/__replica__/stats").status_code == 200
    stats = replica.stats("vasterbotten")
    assert stats["faults"] == 0 and stats["robots"] == 20 and stats["total"] == 20


# ---------------------------------------------------------------- rates, seeds, counters


def test_rate_gives_a_mix_of_kinds_at_about_that_rate(faulty):
    replica = faulty(0.3, seed=11, slow_seconds=0.3)
    base = replica.url("vasterbotten")
    paths = [COMMITTEE, MEETING, PDF, "/api/v2.0/committees/102/meetings"]
    with httpx.Client(timeout=0.1) as client:
        for index in range(240):
            outcome(client, base + paths[index % len(paths)])
    stats = replica.stats("vasterbotten")
    assert 0.22 <= stats["faults"] / 240 <= 0.38
    seen = {kind for kind in KINDS if stats[f"fault:{kind}"]}
    assert seen == set(RATE_KINDS), "a bare rate spreads over the misbehaviours, not the kinds asked for by name"


def test_same_seed_same_requests_same_faults(faulty):
    spec = "500:0.15,503:0.1,429:0.1,reset:0.1,truncate:0.1,markup:0.1"
    runs = []
    for seed in (7, 7, 8):
        replica = faulty(spec, seed=seed)
        base = replica.url("vasterbotten")
        with httpx.Client() as client:
            runs.append([outcome(client, base + path) for path in [COMMITTEE, MEETING, PDF] * 10])
        replica.stop()
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert set(runs[0]) - {"200"}


def test_portals_draw_from_their_own_generators(faulty):
    replica = faulty("500:0.5", seed=3)
    with httpx.Client() as client:
        first = [outcome(client, replica.url("vasterbotten") + COMMITTEE) for _ in range(12)]
        other = [outcome(client, replica.url("norrbotten") + COMMITTEE) for _ in range(12)]
    replica.set_faults("500:0.5", seed=3)
    with httpx.Client() as client:
        again = [outcome(client, replica.url("vasterbotten") + COMMITTEE) for _ in range(12)]
    assert first == again and first != other


def test_counters_and_conditional_answers(faulty):
    replica = faulty(None)
    base = replica.url("vasterbotten")
    first = httpx.get(base + MEETING)
    assert first.headers["ETag"]
    again = httpx.get(base + MEETING, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    json_stats = httpx.get(base + "/__replica__/stats").json()
    assert json_stats == {"meeting": 2, "total": 2, "conditional": 1, "not_modified": 1}  # counted before this request
    assert replica.stats("vasterbotten") == Counter({"meeting": 2, "total": 2, "conditional": 1, "not_modified": 1, "stats": 1})
    replica.set_faults("markup:1.0")
    changed = httpx.get(base + MEETING, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "etag" not in changed.headers  # a damaged answer carries no validators
    replica.reset_stats()
    assert replica.stats("vasterbotten") == Counter()


def test_conditional_answering_can_be_switched_off(faulty):
    replica = start(day=1, today=TODAY, conditional=False)
    try:
        response = httpx.get(replica.url("vasterbotten") + MEETING)
        assert "etag" not in response.headers and "last-modified" not in response.headers
        assert httpx.get(replica.url("vasterbotten") + MEETING, headers={"If-None-Match": '"x"'}).status_code == 200
    finally:
        replica.stop()


def test_start_refuses_a_bad_spec():
    with pytest.raises(FaultSpecError):
        start(faults="500:2")


# ---------------------------------------------------------------- CLI


def test_cli_refuses_a_bad_spec():
    result = CliRunner().invoke(cli, ["replica", "--port", "0", "--faults", "boom:0.1"])
    assert result.exit_code == 1 and "unknown fault kind 'boom'" in result.output


def test_cli_replica_with_faults_and_seed():
    process = subprocess.Popen(
        [str(BIN / "meetings"), "replica", "--port", "0", "--faults", "500:1.0", "--seed", "4"],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any("Ctrl-C" in line for line in lines):
            lines.append(process.stderr.readline())
        urls = dict(re.findall(r"^(\w+): (http://\S+)/committees$", "".join(lines), re.M))
        assert set(urls) == {"vasterbotten", "norrbotten"}
        assert "faults 500:1.0 (seed 4)" in "".join(lines)
        assert httpx.get(urls["vasterbotten"] + COMMITTEE).status_code == 500
        assert httpx.get(urls["vasterbotten"] + "/robots.txt").status_code == 200
        stats = httpx.get(urls["vasterbotten"] + "/__replica__/stats").json()
        assert stats["fault:500"] == 1 and stats["faults"] == 1 and stats["total"] == 2
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_upcoming_only_empties_the_past_list_of_committee_pages_only(faulty):
    replica = faulty("upcoming_only:1.0")
    base = replica.url("vasterbotten")
    committee = httpx.get(base + COMMITTEE).text
    assert committee.count('class="accessible-table-cell"') == 2 and "Senaste mötet" not in committee
    assert 'href="/committees/regionstyrelsen/mote-2027-01-26"' in committee
    assert 'href="/committees/regionstyrelsen/mote-2025-09-09"' not in committee
    meeting = httpx.get(base + MEETING).text
    assert 'href="/committees/regionstyrelsen/mote-2025-04-08"' in meeting  # the side menu keeps the whole history
    assert replica.stats("vasterbotten")["fault:upcoming_only"] == 1
    assert FaultPlan(rate=1.0).choose(0.99, ("500", "upcoming_only")) == "500"  # a bare rate never picks it
