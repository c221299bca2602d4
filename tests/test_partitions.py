"""A package in parts: each resource a list of parts by organisation and year (paragraphs by month),
runs that read and write only the parts they need, and the migration of a one-file package."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

import scraper.package as package
from scraper.cli import cli
from scraper.history import build_history
from scraper.package import PACKAGE_DIR, csv_bytes, descriptor, PackageInfo, part_files, read_tables, resources
from scraper.state import RepoState
from scraper.validate import validate_package

from .conftest import TODAY
from .packages import part_of, relative


def scrape(repo: Path, config: Path, *extra: str) -> dict:
    report = repo.parent / f"report-{len(list(repo.parent.glob('report-*')))}.json"
    result = CliRunner().invoke(cli, ["scrape", "--config", str(config), "--repo", str(repo), "--report", str(report),
                                      "--today", TODAY.isoformat(), "--delay", "0", "--retries", "0", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(report.read_text())


@pytest.fixture
def scraped(tmp_path, config_file, replica) -> Path:
    replica.set_day(2)
    scrape(tmp_path / "data", config_file)
    return tmp_path / "data"


def test_every_resource_is_a_list_of_parts_by_organisation_and_time(scraped):
    root = scraped / PACKAGE_DIR
    found = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["name"]: r["path"] for r in found["resources"]}
    assert paths["organisations"] == ["data/organisations/region-norrbotten.csv", "data/organisations/region-vasterbotten.csv"]
    assert "data/meetings/region-vasterbotten/2027.csv" in paths["meetings"]
    assert "data/paragraphs/region-norrbotten/2024-03.csv" in paths["paragraphs"]
    assert paths["summary_items"] and all(p.count("/") == 3 for p in paths["summary_items"])
    for resource, parts in paths.items():
        assert parts == part_files(root, resource) or parts == [f"data/{resource}/_empty.csv"], resource
        for part in parts:
            assert (root / part).read_text(encoding="utf-8").splitlines()[0] == ",".join(package.columns(resource))
    tables = read_tables(root)
    for resource in resources():
        rows = package.Partitioner(tables).parts(resource, tables[resource].values())
        for part, part_rows in rows.items():
            assert (root / part).read_bytes() == csv_bytes(resource, part_rows), part


def test_a_run_for_one_portal_reads_only_its_organisation(scraped, config_file, monkeypatch):
    read: list[str] = []
    real = package.read_part
    monkeypatch.setattr(package, "read_part", lambda d, r, part, into: read.append(part) or real(d, r, part, into))
    scrape(scraped, config_file, "--portal", "norrbotten")
    assert read and all("/region-norrbotten" in part for part in read), read
    assert validate_package(scraped / PACKAGE_DIR).valid


def test_validate_one_organisation_or_one_part(scraped):
    root = scraped / PACKAGE_DIR
    runner = CliRunner()
    ok = runner.invoke(cli, ["validate", str(root), "--organisation", "region-norrbotten", "--json"])
    assert ok.exit_code == 0, ok.output
    stats = json.loads(ok.output)["stats"]
    assert stats["meetings"] == 1 and stats["organisations"] == 1
    part = part_of(scraped, "meetings", "region-vasterbotten")
    lines = part.read_text(encoding="utf-8").splitlines()
    part.write_text("\n".join([lines[0], lines[1].replace(",held,", ",postponed,").replace(",upcoming,", ",postponed,"),
                               *lines[2:]]) + "\n", encoding="utf-8")
    bad = runner.invoke(cli, ["validate", str(root), "--part", str(part.relative_to(root))])
    assert bad.exit_code == 1 and "constraint-error" in bad.output
    other = runner.invoke(cli, ["validate", str(root), "--organisation", "region-norrbotten"])
    assert other.exit_code == 0, other.output
    missing = runner.invoke(cli, ["validate", str(root), "--organisation", "kommun-ingen"])
    assert missing.exit_code == 2 and "no parts of 'kommun-ingen'" in missing.output


def _to_one_file_layout(repo: Path) -> None:
    """Commit the package as it was before parts: one CSV per resource."""
    root = repo / PACKAGE_DIR
    tables = read_tables(root)
    shutil.rmtree(root / "data")
    (root / "data").mkdir()
    for resource in resources():
        (root / "data" / f"{resource}.csv").write_bytes(csv_bytes(resource, tables[resource]))
    found = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for resource in found["resources"]:
        resource["path"] = f"data/{resource['name']}.csv"
    found.pop("parser_version", None)
    found["parser_version"] = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["parser_version"]
    (root / "datapackage.json").write_text(json.dumps(found, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    handle = git.Repo(repo)
    handle.git.add("-A", "--", PACKAGE_DIR)
    handle.index.commit("one CSV per resource\n\nRecords: all\n")


def test_migration_is_one_commit_and_keeps_every_record(scraped, tmp_path):
    _to_one_file_layout(scraped)
    assert validate_package(scraped / PACKAGE_DIR).valid
    before = read_tables(scraped / PACKAGE_DIR)
    result = CliRunner().invoke(cli, ["migrate", "--repo", str(scraped)])
    assert result.exit_code == 0, result.output
    handle = git.Repo(scraped)
    assert "Made-by: migrate" in handle.head.commit.message
    assert read_tables(scraped / PACKAGE_DIR) == before
    assert not (scraped / PACKAGE_DIR / "data" / "meetings.csv").exists()
    assert validate_package(scraped / PACKAGE_DIR).valid
    build_history(scraped)
    conn = sqlite3.connect(RepoState(scraped).history_db)
    migrate = handle.head.commit.hexsha
    assert conn.execute('select count(*) from changes where "commit" = ?', (migrate,)).fetchone() == (0,)
    one_file = handle.head.commit.parents[0].hexsha
    assert conn.execute('select count(*) from changes where "commit" = ?', (one_file,)).fetchone() == (0,)
    again = CliRunner().invoke(cli, ["migrate", "--repo", str(scraped)])
    assert again.exit_code == 0 and "already in parts" in again.output and handle.head.commit.hexsha == migrate


def test_a_scrape_on_a_one_file_package_migrates_first(scraped, config_file):
    _to_one_file_layout(scraped)
    report = scrape(scraped, config_file)
    assert report["migrate_commit"] and report["commit"] is None
    assert part_files(scraped / PACKAGE_DIR, "meetings") != ["data/meetings.csv"]


def test_a_rescheduled_meeting_takes_its_records_to_their_new_part(scraped):
    from scraper.run import commit_outcome, workspace
    from scraper.reconcile import Outcome
    from scraper.report import RunReport
    from scraper.package import open_tables, copy_tables

    meeting = "region-norrbotten/regionstyrelsen/mote-2024-03-12"
    before = read_tables(scraped / PACKAGE_DIR)
    with workspace(scraped) as ws:
        old = open_tables(ws.package_dir)
        outcome = Outcome(copy_tables(old))
        outcome.tables["meetings"][meeting] = {**old["meetings"][meeting], "date": "2025-01-14"}
        report = RunReport()
        commit_outcome(ws, report, old, outcome, PackageInfo(parser_version=2), None, "scrape")
    assert report.commit
    root = scraped / PACKAGE_DIR
    after = read_tables(root)
    assert after["paragraphs"] == before["paragraphs"] and after["attendance"] == before["attendance"]
    assert part_files(root, "paragraphs", ["region-norrbotten"]) == ["data/paragraphs/region-norrbotten/2025-01.csv"]
    assert part_files(root, "attendance", ["region-norrbotten"]) == ["data/attendance/region-norrbotten/2025.csv"]
    assert validate_package(root).valid


def test_the_descriptor_is_written_again_from_the_parts_present(scraped):
    root = scraped / PACKAGE_DIR
    committed = (root / "datapackage.json").read_bytes()
    (root / "datapackage.json").write_text("<<<<<<< ours\n{}\n=======\n{}\n>>>>>>> theirs\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["descriptor", "--repo", str(scraped)])
    assert result.exit_code == 0, result.output
    assert (root / "datapackage.json").read_bytes() == committed


def _package_bytes(repo: Path) -> dict[str, bytes]:
    root = repo / PACKAGE_DIR
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_runs_that_read_only_the_years_they_touch_write_what_runs_that_read_every_year_write(tmp_path, config_file,
                                                                                             replica, monkeypatch):
    import scraper.run as run_mod

    years, every = tmp_path / "years", tmp_path / "every"
    read_parts: list[str] = []
    original = package.read_part
    for run, day in enumerate((1, 2, 2, 3)):
        replica.set_day(day)
        read_parts.clear()
        with monkeypatch.context() as patched:
            patched.setattr(package, "read_part", lambda d, r, part, into: read_parts.append(part) or original(d, r, part, into))
            scrape(years, config_file)
        with monkeypatch.context() as patched:
            patched.setattr(run_mod, "scoped_tables", lambda package_dir, organisations: package.open_tables(package_dir, organisations))
            scrape(every, config_file)
        assert _package_bytes(years) == _package_bytes(every), f"day {day}"
        assert git.Repo(years).git.status("--porcelain") == "", "every file written or removed is committed"
        if run == 1:  # day 2 changes the agenda and documents of meetings of some years
            records = {p for r in resources() if package.of_meetings(r) for p in part_files(years / PACKAGE_DIR, r)}
            read = records & set(read_parts)
            assert read and len(read) < len(records) / 2, "a run that changes some meetings reads the records of their years only"
    assert validate_package(years / PACKAGE_DIR).valid


def test_year_tables_hold_the_years_wanted_and_read_the_rest_only_when_asked(scraped):
    from scraper.package import KeyIndex, YearTables, open_tables, part_year

    root = scraped / PACKAGE_DIR
    full = open_tables(root, ["region-norrbotten"])
    tables = YearTables(root, ["region-norrbotten"])
    assert tables["meetings"] == full["meetings"], "the meetings themselves are read whole"
    assert tables["paragraphs"] == {}
    index = KeyIndex(tables, "paragraphs", "meeting_id")
    meeting = "region-norrbotten/regionstyrelsen/mote-2024-03-12"
    assert index.keys(meeting) == set()
    tables.want("region-norrbotten", "2024-03-12")
    expected = {k for k, r in full["paragraphs"].items() if r["meeting_id"] == meeting}
    assert expected and index.keys(meeting) == expected, "a table read already grows, and so does its index"
    assert all(full["meetings"][r["meeting_id"]]["date"][:4] == "2024" for r in tables["paragraphs"].values())
    assert tables.covers("paragraphs", "data/paragraphs/region-norrbotten/2024-03.csv")
    assert not tables.covers("paragraphs", "data/paragraphs/region-norrbotten/2025-01.csv")
    assert tables.covers("meetings", "data/meetings/region-norrbotten/2025.csv")
    assert not tables.covers("paragraphs", "data/paragraphs/region-vasterbotten/2024-03.csv")
    other_years = tables.outside("attendance", "region-norrbotten")
    assert sorted(map(str, other_years), key=str) == sorted(
        (str(r) for r in full["attendance"].values() if full["meetings"][r["meeting_id"]]["date"][:4] != "2024"), key=str)
    held = tables.texts_held()
    assert held
    assert held == {r["text_path"] for r in full["documents"].values()
                    if r["text_path"] and full["meetings"][r["meeting_id"]]["date"][:4] == "2024"}
    assert full.texts_held() is None, "tables of every year account for every text"
    assert part_year("data/paragraphs/x/2024-03.csv") == "2024" and part_year("data/votes/x/undated.csv") == "undated"


def test_staged_changes_applied_give_the_package_a_fresh_write_gives(scraped, tmp_path):
    from scraper.package import apply_changes, read_texts, stage_changes, write_package

    root = scraped / PACKAGE_DIR
    tables = read_tables(root)
    info = PackageInfo(parser_version=2)
    # the meetings of one year go (their parts and texts with them), and every recusal
    gone = {k for k, r in tables["meetings"].items() if r["date"].startswith("2024")}
    assert gone
    new = {resource: {k: r for k, r in rows.items() if r.get("meeting_id") not in gone and k not in gone}
           for resource, rows in tables.items()}
    new["recusals"] = {}
    texts = {r["text_path"]: None for r in new["documents"].values() if r["text_path"]}
    first = next(iter(texts))
    texts[first] = "en ny text\f"
    before = {p.stat().st_ino: p for p in root.rglob("*.csv")}
    dirty = {r: {part for part, rows in package.Partitioner(new).parts(r, new[r].values()).items()
                 if not (root / part).is_file() or (root / part).read_bytes() != csv_bytes(r, rows)} for r in resources()}
    change = stage_changes(tmp_path / "staged", new, texts, info, base=root, lookup=new, dirty=dirty)
    assert any(p.endswith("/2024.csv") for p in change.removed) and "data/recusals/_empty.csv" in change.files
    fresh = tmp_path / "fresh"
    write_package(fresh, new, {k: (v if v is not None else (root / k).read_text(encoding="utf-8")) for k, v in texts.items()},
                  info)
    apply_changes(change, root)
    files = lambda base: {str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}
    assert files(root) == files(fresh)
    assert read_texts(root)[first] == "en ny text\f"
    assert not (tmp_path / "staged").exists()
    assert validate_package(root).valid
    kept = [p for p in root.rglob("*.csv") if p.stat().st_ino in before]
    assert kept, "parts that are not written again stay the very files they were"
