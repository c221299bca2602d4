"""`meetings doctor` against the replica: healthy, with changed markup, and unreachable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.demo import DEMO_CONFIG
from scraper.replica.server import start

from .conftest import TODAY


def doctor(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["doctor", "--delay", "0", "--timeout", "5", "--today", TODAY.isoformat(), *args])
    return result.exit_code, result.stdout


def checks(output: str, portal: str = "vasterbotten") -> dict[tuple[str, str], dict]:
    report = json.loads(output)
    return {(c["committee"], c["name"]): c for c in report["checks"] if c["portal"] == portal}


@pytest.fixture
def markup_replica():
    with start(day=1, today=TODAY, faults="markup:1.0", seed=1) as running:
        yield running


def config_for(tmp_path: Path, replica, name: str = "portals.toml") -> Path:
    path = tmp_path / name
    path.write_text(DEMO_CONFIG.format(**{pid: replica.url(pid) for pid in replica.servers}), encoding="utf-8")
    return path


def test_healthy_portals_match_every_required_strategy(config_file):
    code, output = doctor("--config", str(config_file), "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["ok"] is True and report["failed"] == []
    assert {c["portal"] for c in report["checks"]} == {"vasterbotten", "norrbotten"}
    vb = checks(output)
    assert vb[("regionstyrelsen", "html list")]["status"] == "ok"
    assert vb[("regionfullmaktige", "html list")]["found"] == 6
    assert vb[("regionstyrelsen", "side menu")]["status"] == "ok"
    assert vb[("regionstyrelsen", "protocol button")]["status"] == "ok"
    assert vb[("regionstyrelsen", "agenda items")]["status"] == "ok"
    assert "(agenda-item markup)" in vb[("regionstyrelsen", "agenda items")]["detail"]
    assert vb[("regionstyrelsen", "json api")]["status"] == "skip"


def test_script_rendered_list_is_expected_when_the_json_api_answers(config_file):
    code, output = doctor("--config", str(config_file), "--portal", "norrbotten", "--json")
    assert code == 0, output
    found = checks(output, "norrbotten")
    assert found[("regionstyrelsen", "html list")]["status"] == "warn"
    assert "rendered by script" in found[("regionstyrelsen", "html list")]["detail"]
    api = found[("regionstyrelsen", "json api")]
    assert api["status"] == "ok" and api["found"] == 1 and api["required"] is True
    assert api["url"].endswith("/api/v2.0/committees/412/meetings")
    assert found[("regionstyrelsen", "agenda items")]["found"] == 24
    assert found[("regionstyrelsen", "protocol links")]["status"] == "warn"  # day 1: no protocol yet


def test_changed_markup_is_reported_check_by_check(tmp_path, markup_replica):
    config = config_for(tmp_path, markup_replica)
    code, output = doctor("--config", str(config), "--json")
    assert code == 1
    report = json.loads(output)
    assert report["ok"] is False
    assert set(report["failed"]) == {
        "vasterbotten/regionfullmaktige: html list", "vasterbotten/regionfullmaktige: protocol button",
        "vasterbotten/regionstyrelsen: html list", "vasterbotten/regionstyrelsen: protocol button",
        "norrbotten/regionstyrelsen: html list", "norrbotten/regionstyrelsen: protocol button",
    }
    found = checks(output)
    html_list = found[("regionstyrelsen", "html list")]
    assert "no a.accessible-table-cell rows" in html_list["detail"] and "markup has changed" in html_list["detail"]
    assert "#openProtocol on 0 of 2 pages" in found[("regionstyrelsen", "protocol button")]["detail"]
    agenda = found[("regionstyrelsen", "agenda items")]  # read by content: the renamed classes do not matter
    assert agenda["status"] == "ok" and "(item numbers and their blocks)" in agenda["detail"] and agenda["found"] > 0
    # what still works is said too
    assert found[("regionstyrelsen", "side menu")]["status"] == "ok"
    assert found[("regionstyrelsen", "protocol links")]["status"] == "ok"


def test_table_output_names_what_no_longer_matched(tmp_path, markup_replica):
    config = config_for(tmp_path, markup_replica)
    code, output = doctor("--config", str(config), "--portal", "vasterbotten")
    assert code == 1
    lines = output.splitlines()
    assert lines[0].split() == ["portal", "committee", "check", "status", "found", "detail"]
    failing = [line for line in lines if " FAIL " in line]
    assert len(failing) == 4
    assert any("html list" in line and "no a.accessible-table-cell rows" in line for line in failing)
    assert any("protocol button" in line and "#openProtocol" in line for line in failing)
    assert "4 required check(s) failed" in lines[-1]


def test_unreachable_portal_is_an_error(tmp_path):
    replica = start(day=1, today=TODAY)
    config = config_for(tmp_path, replica)
    replica.stop()
    code, output = doctor("--config", str(config), "--portal", "vasterbotten", "--timeout", "0.5", "--json")
    assert code == 1
    report = json.loads(output)
    assert report["checks"] and all(c["status"] == "error" for c in report["checks"])
    assert "could not fetch" in report["checks"][0]["detail"]


def test_all_committees_and_base_url(replica):
    """The project's portals.toml pointed at the replica with --base-url."""
    code, output = doctor("--base-url", replica.url("vasterbotten"), "--json", "--meetings", "1")
    assert code == 0, output
    found = checks(output)
    assert found[("regionstyrelsen", "meeting page")]["found"] == 1


def test_committee_list_is_checked_when_following_all(tmp_path, replica):
    config = tmp_path / "all.toml"
    config.write_text(
        DEMO_CONFIG.format(**{pid: replica.url(pid) for pid in replica.servers}).replace(
            'committees = ["regionfullmaktige", "regionstyrelsen"]', 'committees = "all"'),
        encoding="utf-8")
    code, output = doctor("--config", str(config), "--portal", "vasterbotten", "--json")
    assert code == 0, output
    listed = checks(output)[("-", "committee list")]
    assert listed["status"] == "ok" and listed["found"] == 2


def test_a_committee_page_with_only_upcoming_meetings_is_a_warning(tmp_path):
    with start(day=1, today=TODAY, faults="upcoming_only:1.0") as replica:
        code, output = doctor("--config", str(config_for(tmp_path, replica)), "--portal", "vasterbotten", "--json")
    assert code == 0, output
    html_list = checks(output)[("regionfullmaktige", "html list")]
    assert (html_list["status"], html_list["found"]) == ("warn", 1)
    assert html_list["detail"].endswith("only upcoming meetings: the past ones must come from a side menu or the JSON list")
