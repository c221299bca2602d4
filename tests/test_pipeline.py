"""The whole scrape against the replica on loopback, through the CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.package import read_tables
from scraper.validate import validate_package

from .packages import part_of

from .conftest import TODAY


def scrape(repo: Path, config: Path, *extra: str) -> tuple[int, str, dict]:
    report = repo.parent / f"report-{len(list(repo.parent.glob('report-*')))}.json"
    result = CliRunner().invoke(cli, [
        "scrape", "--config", str(config), "--repo", str(repo), "--report", str(report),
        "--today", TODAY.isoformat(), "--delay", "0", "--retries", "0", "--timeout", "5", *extra,
    ])
    data = json.loads(report.read_text()) if report.exists() else {}
    return result.exit_code, result.output, data


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_scrape_writes_a_valid_package_and_commits(tmp_path, config_file):
    repo = tmp_path / "data"
    code, output, report = scrape(repo, config_file)
    assert code == 0, output
    assert report["errors"] == [] and report["invalid"] == []
    assert report["commit"] and len(report["commit"]) == 40
    assert report["documents_downloaded"] == 6
    assert report["records"]["meetings"] == {"added": 12, "changed": 0, "removed": 0}
    assert report["records"]["committees"]["added"] == 3
    assert validate_package(repo / "datapackage").valid
    tables = read_tables(repo / "datapackage")
    meetings = tables["meetings"]
    statuses = {key.split("/", 1)[1]: row["status"] for key, row in meetings.items()}
    assert statuses == {
        "regionfullmaktige/mote-2020-04-21": "held",
        "regionfullmaktige/mote-2024-02-20": "held",
        "regionfullmaktige/mote-2025-06-10-installt": "cancelled",
        "regionfullmaktige/extra-regionfullmaktige-54131": "held",
        "regionfullmaktige/mote-2026-02-24": "held",
        "regionfullmaktige/mote-2027-04-20": "upcoming",
        "regionstyrelsen/mote-2024-03-12": "held",
        "regionstyrelsen/mote-2025-04-08": "held",
        "regionstyrelsen/mote-2025-09-09": "held",
        "regionstyrelsen/regionstyrelsen-2025-10-14": "held",
        "regionstyrelsen/mote-2027-01-26": "upcoming",
        "regionstyrelsen/mote-2027-02-09": "upcoming",
    }
    opaque = meetings["region-vasterbotten/regionfullmaktige/extra-regionfullmaktige-54131"]
    assert opaque["date"] == "2025-11-04"
    held = meetings["region-vasterbotten/regionstyrelsen/mote-2025-09-09"]
    assert (held["protocol_published"], held["portal_meeting_id"], held["start_time"]) == ("true", "51890", "09:00")
    protocols = sorted(r["document_id"].rsplit("/", 1)[1] for r in tables["documents"].values() if r["kind"] == "protokoll")
    assert protocols == [
        "protokoll-regionstyrelsen-2025-09-09pdf-18552", "protokoll-ss-140-omedelbar-justeringpdf", "protokollpdf",
    ]
    moved = next(r for r in tables["documents"].values() if r["document_id"].endswith("/protokollpdf"))
    assert moved["meeting_id"].endswith("regionstyrelsen-2025-10-14")
    assert "/committees/regionstyrelsen/regionstyrelsen-51977/protocol/protokollpdf" in moved["url"]
    attachments = [r for r in tables["documents"].values() if r["kind"] == "bilaga" and r["agenda_item_id"]]
    assert {r["agenda_item_id"].split("/", 2)[2] for r in attachments} >= {"mote-2025-09-09#2", "mote-2027-01-26#2"}
    items = [r for r in tables["agenda_items"].values() if r["meeting_id"].endswith("mote-2026-02-24")]
    motions = next(r for r in items if r["title"] == "Inkomna motioner")
    assert (motions["case_number"], motions["number"], motions["parent_agenda_item_id"]) == ("", "", "")
    listed = sorted((r for r in items if r["parent_agenda_item_id"] == motions["agenda_item_id"]), key=lambda r: int(r["sub_ordinal"]))
    assert [(r["agenda_item_id"].rsplit("#", 1)[1], r["ordinal"], r["case_number"]) for r in listed] == [
        ("5.1", "5", "RS 912-2025"), ("5.2", "5", "RS 124-2026"), ("5.3", "5", "RS 129-2026"), ("5.4", "5", "RS 190-2026")]
    assert meetings["region-vasterbotten/regionfullmaktige/mote-2026-02-24"]["agenda_item_count"] == "6"
    extracted = [r for r in tables["documents"].values() if r["text_status"] == "extracted"]
    assert extracted and all((repo / "datapackage" / r["text_path"]).exists() for r in extracted)
    norrbotten = meetings["region-norrbotten/regionstyrelsen/mote-2024-03-12"]
    assert norrbotten["agenda_item_count"] == "24" and norrbotten["protocol_published"] == "false"


def test_second_run_on_unchanged_portal_changes_nothing(tmp_path, config_file):
    repo = tmp_path / "data"
    assert scrape(repo, config_file)[0] == 0
    before = tree_bytes(repo / "datapackage")
    head = git.Repo(repo).head.commit.hexsha
    code, output, report = scrape(repo, config_file)
    assert code == 0, output
    assert report["commit"] is None
    assert report["documents_downloaded"] == 0
    assert all(counts == {"added": 0, "changed": 0, "removed": 0} for counts in report["records"].values())
    assert git.Repo(repo).head.commit.hexsha == head
    assert len(list(git.Repo(repo).iter_commits())) == 1
    assert tree_bytes(repo / "datapackage") == before
    assert not git.Repo(repo).is_dirty(untracked_files=True)


def test_base_url_against_replica_twice_gives_one_commit(tmp_path, replica):
    """The documented check: the default portals.toml, pointed at the replica with --base-url."""
    repo = tmp_path / "data"
    runner = CliRunner()
    for run in range(2):
        report = tmp_path / f"r{run}.json"
        result = runner.invoke(cli, ["scrape", "--base-url", replica.url("vasterbotten"), "--repo", str(repo),
                                     "--report", str(report), "--today", TODAY.isoformat(), "--delay", "0"])
        assert result.exit_code == 0, result.output
        data = json.loads(report.read_text())
        assert set(data) >= {"requests", "documents_downloaded", "records", "commit", "errors"}
    assert len(list(git.Repo(repo).iter_commits())) == 1
    assert data["commit"] is None


def test_days_produce_readable_commits(tmp_path, config_file, replica):
    repo = tmp_path / "data"
    for day in (1, 2, 3):
        replica.set_day(day)
        assert scrape(repo, config_file)[0] == 0
    messages = [c.message for c in git.Repo(repo).iter_commits()]
    assert len(messages) == 3
    day3, day2 = messages[0], messages[1]
    assert "regionstyrelsen 2024-03-12: protocol published" in day2
    assert "regionstyrelsen 2027-01-26: 1 agenda item added" in day2
    assert "regionstyrelsen 2027-02-09: meeting cancelled" in day3
    assert "regionstyrelsen 2027-01-26: 1 document removed" in day3
    tables = read_tables(repo / "datapackage")
    assert tables["meetings"]["region-vasterbotten/regionstyrelsen/mote-2027-02-09"]["status"] == "cancelled"


def test_failed_fetch_is_never_a_deletion(tmp_path, config_file, replica):
    repo = tmp_path / "data"
    assert scrape(repo, config_file)[0] == 0
    before = read_tables(repo / "datapackage")
    replica.stop()  # every request now fails
    code, output, report = scrape(repo, config_file, "--quiet")
    assert code == 1
    assert report["errors"] and report["commit"] is None
    assert "127.0.0.1" in output
    assert read_tables(repo / "datapackage") == before


def test_refuses_non_empty_directory_that_is_not_a_repo(tmp_path, config_file):
    target = tmp_path / "notes"
    target.mkdir()
    (target / "important.txt").write_text("keep me")
    result = CliRunner().invoke(cli, ["scrape", "--config", str(config_file), "--repo", str(target), "--delay", "0"])
    assert result.exit_code == 1
    assert "not empty and not a git repository" in result.output
    assert sorted(p.name for p in target.iterdir()) == ["important.txt"]


def test_validate_command(tmp_path, config_file):
    repo = tmp_path / "data"
    scrape(repo, config_file)
    runner = CliRunner()
    ok = runner.invoke(cli, ["validate", str(repo / "datapackage"), "--json"])
    assert ok.exit_code == 0 and json.loads(ok.output)["valid"] is True
    meetings = part_of(repo, "meetings")
    lines = meetings.read_text().splitlines()
    lines[1] = lines[1].replace(",held,", ",postponed,").replace(",upcoming,", ",postponed,")
    meetings.write_text("\n".join(lines) + "\n")
    bad = runner.invoke(cli, ["validate", str(repo / "datapackage")])
    assert bad.exit_code == 1
    assert "constraint-error" in bad.output and "INVALID" in bad.output


def test_project_datapackage_is_valid_and_current():
    """The published package in the project starts valid and matches the schemas."""
    root = Path(__file__).resolve().parents[1]
    assert validate_package(root / "datapackage").valid
    from scraper.package import descriptor, PackageInfo
    committed = json.loads((root / "datapackage" / "datapackage.json").read_text())
    assert committed["resources"] == descriptor(PackageInfo())["resources"]


def test_frictionless_cli_finds_demo_package_valid(tmp_path, config_file):
    repo = tmp_path / "data"
    scrape(repo, config_file)
    exe = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "frictionless"
    if not exe.exists():
        pytest.skip("frictionless CLI not in .venv")
    result = subprocess.run([str(exe), "validate", str(repo / "datapackage" / "datapackage.json")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]
