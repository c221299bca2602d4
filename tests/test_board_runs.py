"""Whole runs against the replica: the bulletin boards (a bare array on one portal, ``Items`` on the
other) become notices with their appeal deadlines, a notice taken down keeps its row, the register
gives the representatives, every JSON call asks for JSON, and a portal that answers with a block
page is reported as blocked and loses nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import httpx
import pytest

from scraper.config import parse_config
from scraper.demo import DEMO_CONFIG
from scraper.package import read_tables
from scraper.portal.http import HttpClient
from scraper.replica import content
from scraper.replica.server import start
from scraper.run import InlinePool, ScrapeOptions, run_scrape

from .conftest import TODAY


class Recorded(httpx.HTTPTransport):
    """The real transport, noting the path and Accept header of every request."""

    def __init__(self, seen: list[tuple[str, str | None]]):
        super().__init__()
        self.seen = seen

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.url.path, request.headers.get("accept")))
        return super().handle_request(request)


def scrape(repo, replica, today: date = TODAY, seen: list | None = None, **options):
    portals = [replace(p, **options) for p in parse_config(DEMO_CONFIG.format(**{pid: replica.url(pid) for pid in replica.servers}))]
    transport = Recorded(seen if seen is not None else [])
    return run_scrape(ScrapeOptions(repo=repo, portals=portals, today=today, pool_factory=InlinePool, recheck_days=0,
                                    client_factory=lambda cache: HttpClient(cache_dir=cache, delay=0, retries=0,
                                                                            transport=transport)))


def test_both_boards_become_notices_with_their_deadlines_and_the_register_its_representatives(tmp_path):
    seen: list[tuple[str, str | None]] = []
    with start(day=2, today=TODAY) as replica:
        report = scrape(tmp_path / "data", replica, seen=seen, term_of_office_id=content.TERM_OF_OFFICE_ID)
    assert report.ok, report.errors
    assert report.sources["vasterbotten"] == {"notices_listed": 4, "board": "read in full"}
    assert report.sources["norrbotten"]["notices_listed"] == 2
    tables = read_tables(tmp_path / "data" / "datapackage")
    notices = {k: (r["kind"], r["posted"], r["removed"], r["meeting_id"].rsplit("/", 1)[-1], r["appeal_deadline"])
               for k, r in tables["notices"].items()}
    assert notices == {
        "region-vasterbotten/3101": ("protocol_adjusted", "2025-09-11", "2025-10-03", "mote-2025-09-09", "2025-10-02"),
        "region-vasterbotten/3102": ("protocol_adjusted", "2025-10-16", "", "regionstyrelsen-2025-10-14", "2025-11-06"),
        "region-vasterbotten/3103": ("meeting_notice", "2026-02-13", "2026-02-25", "mote-2026-02-24", ""),
        "region-vasterbotten/3104": ("other", "2026-11-02", "", "", ""),
        "region-norrbotten/4201": ("protocol_adjusted", "2024-03-14", "2024-04-05", "mote-2024-03-12", "2024-04-04"),
        "region-norrbotten/4202": ("meeting_notice", "2026-11-10", "", "", ""),
    }
    assert tables["notices"]["region-vasterbotten/3102"]["description"].startswith("Regionstyrelsens protokoll från sammanträdet")
    people = sorted((r["name"], r["party"], r["role"], r["date_from"], r["person_id"]) for r in tables["representatives"].values())
    assert people[0] == ("Anna Exempelsson", "Socialdemokraterna", "Ordförande", "2023-01-01", "region-norrbotten/anna-exempelsson")
    assert len(people) == 4 and {r["committee_id"] for r in tables["representatives"].values()} == {"region-norrbotten/regionstyrelsen"}
    json_calls = {path: accept for path, accept in seen if path.startswith("/api/") and "/download/" not in path}
    assert any("/api/dbb/" in p for p in json_calls) and any("/api/err/" in p for p in json_calls)
    assert any("/api/v2.0/committees/" in p for p in json_calls)
    assert set(json_calls.values()) == {"application/json"}, json_calls
    assert all(accept != "application/json" for path, accept in seen if not path.startswith("/api/"))


def without(*gone: int):
    def provider(day: int) -> dict[str, content.PortalContent]:
        portals = content.build(day)
        for portal in portals.values():
            portal.notices = [n for n in portal.notices if n.id not in gone]
        return portals
    return provider


def test_a_notice_taken_down_keeps_its_row_with_the_day_it_went(tmp_path):
    repo = tmp_path / "data"
    with start(day=1, today=TODAY) as replica:
        assert scrape(repo, replica).ok
        for server in replica.servers.values():
            server.state.content_provider, server.state._built = without(3103, 3104), None
        report = scrape(repo, replica, today=date(2026, 11, 27))
    assert report.ok and report.records["notices"] == {"added": 0, "changed": 1, "removed": 0}
    notices = read_tables(repo / "datapackage")["notices"]
    assert notices["region-vasterbotten/3104"]["removed"] == "2026-11-27"  # the day it was first missing
    assert notices["region-vasterbotten/3103"]["removed"] == "2026-02-25"  # the portal said when


def test_a_board_that_fails_changes_nothing(tmp_path):
    repo = tmp_path / "data"
    with start(day=1, today=TODAY) as replica:
        assert scrape(repo, replica).ok
        before = read_tables(repo / "datapackage")
        replica.set_faults("500:1.0")
        failed = scrape(repo, replica, today=date(2026, 11, 27))
    assert not failed.ok and failed.commit is None
    assert read_tables(repo / "datapackage") == before


def tree(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("day", [1, 2])
def test_a_block_page_is_reported_as_blocked_and_loses_nothing(tmp_path, day):
    repo = tmp_path / "data"
    with start(day=1, today=TODAY) as replica:
        assert scrape(repo, replica).ok
        before = tree(repo / "datapackage")
        replica.set_day(day)
        replica.set_faults("block:1.0")
        report = scrape(repo, replica)
        served = {pid: replica.stats(pid)["fault:block"] for pid in replica.servers}
    assert not report.ok and report.commit is None
    blocked = [e for e in report.errors if e["stage"] == "blocked"]
    assert {e["source"].split("/")[0] for e in blocked} == {"vasterbotten", "norrbotten"}
    assert all("Förfrågan avvisades" in e["message"] for e in blocked)
    assert served == {"vasterbotten": 1, "norrbotten": 1}, "the first block page stops the host"
    assert len(report.quarantined) == 2
    assert tree(repo / "datapackage") == before
