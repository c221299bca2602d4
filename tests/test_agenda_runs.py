"""Agendas in whole runs: the same rows whatever the markup of the items; an agenda that cannot be
read is a reported problem, not data (the run names the meeting, keeps its rows as they were and
keeps a copy of the page; the doctor fails the check); doubts are warnings."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.demo import DEMO_CONFIG
from scraper.package import read_tables
from scraper.replica import content
from scraper.replica.server import start

from .conftest import TODAY

MEETING = "region-vasterbotten/regionstyrelsen/mote-2027-01-26"


def untitled_from_day_2(day: int) -> dict[str, content.PortalContent]:
    """The replica's content; from day 2 the items of one upcoming meeting lose their titles and text
    (only their numbers and case numbers are left), as after a change the reader cannot follow."""
    portals = content.build(day)
    if day >= 2:
        committee = next(c for c in portals["vasterbotten"].committees if c.slug == "regionstyrelsen")
        for item in next(m for m in committee.meetings if m.slug == "mote-2027-01-26").items:
            item.title, item.text = "", []
    return portals


@pytest.fixture
def untitled():
    with start(day=1, today=TODAY, content_provider=untitled_from_day_2) as running:
        yield running


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--delay", "0", "--timeout", "5", "--today", TODAY.isoformat()])
    return result.exit_code, result.output


def test_an_unreadable_agenda_is_reported_and_the_meetings_rows_are_kept(tmp_path, untitled):
    config = tmp_path / "portals.toml"
    config.write_text(DEMO_CONFIG.format(**{pid: untitled.url(pid) for pid in untitled.servers}), encoding="utf-8")
    repo = tmp_path / "data"
    code, output = run("scrape", "--config", str(config), "--repo", str(repo), "--retries", "0")
    assert code == 0, output
    before = read_tables(repo / "datapackage")
    untitled.set_day(2)
    report_path = tmp_path / "report.json"
    code, output = run("scrape", "--config", str(config), "--repo", str(repo), "--retries", "0", "--report", str(report_path))
    report = json.loads(report_path.read_text())
    assert code == 1 and report["ok"] is False
    url = untitled.url("vasterbotten") + "/committees/regionstyrelsen/mote-2027-01-26"
    problems = [e for e in report["errors"] if e["url"] == url]
    assert problems == [{
        "url": url, "stage": "parse", "source": "vasterbotten/regionstyrelsen",
        "message": "agenda not read: the agenda shows 3 numbered entries but 0 numbered items were read (reading: none); "
                   "the meeting's rows are kept as they were",
    }]
    assert len(report["quarantined"]) == 1
    after = read_tables(repo / "datapackage")
    items = {k: r for k, r in after["agenda_items"].items() if r["meeting_id"] == MEETING}
    assert items == {k: r for k, r in before["agenda_items"].items() if r["meeting_id"] == MEETING}
    assert [r["title"] for r in items.values()] == ["Val av justerare", "Exempelärende: investeringsplan"]
    assert after["meetings"][MEETING] == before["meetings"][MEETING]
    # the rest of the run went on: the protocol published on day 2 was read
    assert after["meetings"]["region-norrbotten/regionstyrelsen/mote-2024-03-12"]["protocol_published"] == "true"


def test_the_doctor_fails_an_unreadable_agenda(tmp_path, untitled):
    untitled.set_day(2)
    config = tmp_path / "portals.toml"
    config.write_text(DEMO_CONFIG.format(**{pid: untitled.url(pid) for pid in untitled.servers}), encoding="utf-8")
    code, output = run("doctor", "--config", str(config), "--portal", "vasterbotten", "--json")
    assert code == 1
    report = json.loads(output)
    assert report["failed"] == ["vasterbotten/regionstyrelsen: agenda items"]
    check = next(c for c in report["checks"] if c["committee"] == "regionstyrelsen" and c["name"] == "agenda items")
    assert check["status"] == "fail" and check["detail"] == (
        "mote-2027-01-26: the agenda shows 3 numbered entries but 0 numbered items were read (reading: none)")
    healthy = next(c for c in report["checks"] if c["committee"] == "regionfullmaktige" and c["name"] == "agenda items")
    assert healthy["status"] == "ok"


def test_doubts_about_an_agenda_are_warnings_of_the_run(tmp_path):
    def doubtful(day: int) -> dict[str, content.PortalContent]:
        portals = content.build(day)
        committee = next(c for c in portals["vasterbotten"].committees if c.slug == "regionstyrelsen")
        meeting = next(m for m in committee.meetings if m.slug == "mote-2025-09-09")
        meeting.items.insert(1, content.Item(None, "Tillkommande ärende utan nummer"))
        return portals

    with start(day=1, today=TODAY, content_provider=doubtful) as replica:
        config = tmp_path / "portals.toml"
        config.write_text(DEMO_CONFIG.format(**{pid: replica.url(pid) for pid in replica.servers}), encoding="utf-8")
        report_path = tmp_path / "report.json"
        code, output = run("scrape", "--config", str(config), "--repo", str(tmp_path / "data"), "--report", str(report_path))
    report = json.loads(report_path.read_text())
    assert code == 0, output
    url = replica.url("vasterbotten") + "/committees/regionstyrelsen/mote-2025-09-09"
    assert report["warnings"] == [f"{url}: agenda read with a doubt: 1 unnumbered items stand between items 1 and 2"]
    items = read_tables(Path(tmp_path / "data" / "datapackage"))["agenda_items"]
    assert items["region-vasterbotten/regionstyrelsen/mote-2025-09-09#2"]["title"] == "Tillkommande ärende utan nummer"


def test_an_agenda_marked_up_as_a_table_gives_the_same_rows(tmp_path):
    tables = {}
    for markup in ("list", "table"):
        with start(day=1, today=TODAY, agenda_markup=markup) as replica:
            config = tmp_path / f"{markup}.toml"
            config.write_text(DEMO_CONFIG.format(**{pid: replica.url(pid) for pid in replica.servers}), encoding="utf-8")
            code, output = run("scrape", "--config", str(config), "--repo", str(tmp_path / markup))
            assert code == 0, output
            page = httpx.get(replica.url("vasterbotten") + "/committees/regionfullmaktige/mote-2026-02-24").text
        tables[markup] = read_tables(tmp_path / markup / "datapackage")
        assert ("agenda-item" in page, '<tr class="r">' in page) == (markup == "list", markup == "table")
    assert tables["table"]["agenda_items"] == tables["list"]["agenda_items"]
    assert tables["table"]["documents"].keys() == tables["list"]["documents"].keys()
    assert {k: r["agenda_item_id"] for k, r in tables["table"]["documents"].items()} == {
        k: r["agenda_item_id"] for k, r in tables["list"]["documents"].items()}
    motions = [r for r in tables["table"]["agenda_items"].values() if r["parent_agenda_item_id"].endswith("mote-2026-02-24#5")]
    assert len(motions) == 4
