"""Portals on different hosts are fetched side by side: a slow host holds up no other, one host is
still asked one request at a time, and the package is the same as fetched one after another."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from click.testing import CliRunner

from scraper.cli import cli
from scraper.config import parse_config
from scraper.crawl import Budget, by_host, crawl
from scraper.demo import DEMO_CONFIG
from scraper.report import Failure

from .conftest import TODAY
from .test_hostile_portals import tables_of

class SleepyCrawler:
    """Yields three values per portal, waiting ``pause`` seconds before each (its host's delay)."""

    pauses = {"http://slow.example": 0.3, "http://fast.example": 0.05}
    active: dict[str, int] = {}
    most_at_once: dict[str, int] = {}
    lock = threading.Lock()

    def portal(self, portal):
        host = portal.base_url
        with self.lock:
            self.active[host] = self.active.get(host, 0) + 1
            self.most_at_once[host] = max(self.most_at_once.get(host, 0), self.active[host])
        try:
            for n in range(3):
                time.sleep(self.pauses[host])
                yield Failure(host, "fetch", f"{portal.id} {n} at {time.monotonic():.3f}", portal.id)
        finally:
            with self.lock:
                self.active[host] -= 1


def test_hosts_are_grouped_and_a_slow_one_holds_up_no_other():
    portals = parse_config(DEMO_CONFIG.format(vasterbotten="http://slow.example", norrbotten="http://fast.example"))
    assert [[p.id for p in group] for group in by_host(portals)] == [["vasterbotten"], ["norrbotten"]]
    started = time.monotonic()
    events = list(crawl(portals, SleepyCrawler, jobs=4))
    elapsed = time.monotonic() - started
    assert sorted(e.message.split(" at ")[0] for e in events) == sorted(
        f"{p} {n}" for p in ("vasterbotten", "norrbotten") for n in range(3))
    fast = [e for e in events if e.source == "norrbotten"]
    slow = [e for e in events if e.source == "vasterbotten"]
    assert events.index(fast[-1]) < events.index(slow[-1]), "the fast host finished while the slow one still waited"
    assert elapsed < 0.9 * (3 * 0.3 + 3 * 0.05), f"side by side, not one after another ({elapsed:.2f} s)"


def test_portals_of_one_host_are_fetched_one_after_another():
    same = DEMO_CONFIG.format(vasterbotten="http://slow.example", norrbotten="http://slow.example")
    portals = parse_config(same)
    assert len(by_host(portals)) == 1
    SleepyCrawler.most_at_once.clear()
    list(crawl(portals, SleepyCrawler, jobs=4))
    assert SleepyCrawler.most_at_once["http://slow.example"] == 1


def test_an_exception_in_one_host_reaches_the_run():
    class Broken(SleepyCrawler):
        def portal(self, portal):
            if portal.id == "norrbotten":
                raise RuntimeError("a bug")
            yield from super().portal(portal)

    portals = parse_config(DEMO_CONFIG.format(vasterbotten="http://slow.example", norrbotten="http://fast.example"))
    try:
        list(crawl(portals, Broken, jobs=2))
    except RuntimeError as exc:
        assert str(exc) == "a bug"
    else:
        raise AssertionError("the error was swallowed")


def test_the_budget_of_a_backfill_is_shared():
    budget = Budget(3)
    taken = [budget.take() for _ in range(5)]
    assert taken == [True, True, True, False, False]
    budget.give_back()
    assert budget.take() and not budget.take()


def test_side_by_side_and_one_after_another_write_the_same_package(tmp_path, config_file):
    def scrape(repo: Path, jobs: str) -> dict:
        report = tmp_path / f"{repo.name}.json"
        result = CliRunner().invoke(cli, ["scrape", "--config", str(config_file), "--repo", str(repo), "--report", str(report),
                                          "--today", TODAY.isoformat(), "--delay", "0", "--jobs", jobs])
        assert result.exit_code == 0, result.output
        return json.loads(report.read_text())

    one = scrape(tmp_path / "one", "1")
    two = scrape(tmp_path / "two", "2")
    assert one["requests"] == two["requests"] and one["records"] == two["records"]
    assert tables_of(tmp_path / "one") == tables_of(tmp_path / "two")
    assert {h for h in two["sources"] if ":" in h} == {h for h in one["sources"] if ":" in h}


def test_the_health_tables_keep_figures_per_host():
    from scraper.database import host_health_rows

    runs = [
        {"finished_at": "2026-01-01T10:00:00Z", "sources": {
            "a.example": {"requests": 10, "not_modified": 9, "retries": 0, "failures": 0, "skipped": 0, "stopped": False},
            "b.example": {"requests": 4, "not_modified": 0, "retries": 6, "failures": 5, "skipped": 3, "stopped": True},
            "x/committee": {"meetings_listed": 3, "requests": 1}}},
        {"finished_at": "2026-01-01T11:00:00Z", "sources": {
            "a.example": {"requests": 11, "not_modified": 11, "retries": 0, "failures": 0, "skipped": 0, "stopped": False},
            "b.example": {"requests": 2, "not_modified": 0, "retries": 2, "failures": 1, "skipped": 0, "stopped": False}}},
    ]
    rows = {r["host"]: r for r in host_health_rows(runs)}
    assert set(rows) == {"a.example", "b.example"}
    assert rows["a.example"]["requests"] == 11 and rows["a.example"]["consecutive_failures"] == 0
    assert rows["a.example"]["last_success"] == "2026-01-01T11:00:00Z"
    assert rows["b.example"]["consecutive_failures"] == 2 and rows["b.example"]["last_success"] is None
    assert rows["b.example"]["stopped"] == 0 and rows["b.example"]["runs"] == 2
