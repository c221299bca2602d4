"""A run costs what changed: unchanged tables stay unread, unchanged files are not rewritten, and
the result is the package a run from scratch writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import scraper.package as package
from scraper.cli import cli
from scraper.package import (DERIVED, LazyTables, copy_tables, csv_bytes, open_tables, read_table, read_tables,
                             read_texts, resources)
from scraper.rows import AGGREGATE
from scraper.validate import drop_orphans, validate_package

from .conftest import TODAY
from .packages import part_of, relative


def scrape(repo: Path, config: Path, *extra: str) -> dict:
    report = repo.parent / f"report-{len(list(repo.parent.glob('report-*')))}.json"
    result = CliRunner().invoke(cli, [
        "scrape", "--config", str(config), "--repo", str(repo), "--report", str(report),
        "--today", TODAY.isoformat(), "--delay", "0", "--retries", "0", "--timeout", "5", *extra,
    ])
    assert result.exit_code == 0, result.output
    return json.loads(report.read_text())


def test_unchanged_run_reads_no_table_of_document_records(tmp_path, config_file, monkeypatch):
    repo = tmp_path / "data"
    scrape(repo, config_file)
    read = []
    monkeypatch.setattr(package, "read_table", lambda d, r, *rest: read.append(r) or read_table(d, r, *rest))
    report = scrape(repo, config_file)
    assert report["commit"] is None and report["documents_downloaded"] == 0
    assert read and not set(read) & {*DERIVED, *AGGREGATE}, read


def _parts(repo: Path) -> dict[str, list[str]]:
    return {r: package.part_files(repo / "datapackage", r) for r in resources()}


def test_changing_run_rewrites_only_changed_parts_and_equals_a_fresh_write(tmp_path, config_file, replica):
    repo = tmp_path / "data"
    scrape(repo, config_file)
    root = repo / "datapackage"
    inodes = {part: (root / part).stat().st_ino for parts in _parts(repo).values() for part in parts}
    contents = {part: (root / part).read_bytes() for part in inodes}
    replica.set_day(2)
    report = scrape(repo, config_file)
    assert report["commit"]
    changed = {r for r, counts in report["records"].items() if any(counts.values())}
    assert changed and "organisations" not in changed
    kept = 0
    for resource, parts in _parts(repo).items():
        for part in parts:
            same_file = inodes.get(part) == (root / part).stat().st_ino
            if resource not in changed or (root / part).read_bytes() != contents.get(part):
                assert same_file == (resource not in changed), part
            kept += same_file
    assert kept > len(resources()), "parts of changed resources that did not change are not rewritten"
    # every part is what writing its rows gives
    tables = read_tables(root)
    for resource, parts in _parts(repo).items():
        rows = package.Partitioner(tables).parts(resource, tables[resource].values())
        for part in parts:
            assert (root / part).read_bytes() == csv_bytes(resource, rows.get(part, {})), part
    texts = read_texts(root)
    assert set(texts) == {r["text_path"] for r in tables["documents"].values() if r["text_path"]}
    assert validate_package(root).valid


def test_lazy_tables_read_each_table_once_and_only_when_used(tmp_path, config_file, monkeypatch):
    repo = tmp_path / "data"
    scrape(repo, config_file)
    read = []
    monkeypatch.setattr(package, "read_table", lambda d, r, *rest: read.append(r) or read_table(d, r, *rest))
    tables = open_tables(repo / "datapackage")
    assert read == [] and tables.loaded() == []
    assert tables["meetings"] is tables["meetings"]
    assert read == ["meetings"] and tables.loaded() == ["meetings"]
    with pytest.raises(KeyError):
        tables["no-such-resource"]
    copy = copy_tables(tables)
    copy["meetings"].clear()
    assert tables["meetings"], "a copy's change must not reach the tables it was copied from"


def _tables(rows: dict[str, dict[str, dict]]) -> LazyTables:
    return LazyTables(lambda resource: {k: dict(v) for k, v in rows.get(resource, {}).items()})


def test_orphans_are_found_in_tables_not_read_yet():
    meeting = {"meeting_id": "o/c/m1"}
    rows = {
        "meetings": {"o/c/m1": meeting, "o/c/m2": {"meeting_id": "o/c/m2"}},
        "paragraphs": {"p1": {"paragraph_id": "p1", "meeting_id": "o/c/m1", "document_id": ""},
                       "p2": {"paragraph_id": "p2", "meeting_id": "o/c/m2", "document_id": ""}},
    }
    before = _tables(rows)
    after = copy_tables(before)
    del after["meetings"]["o/c/m1"]
    assert "paragraphs" not in after.loaded()
    dropped = drop_orphans(after, before)
    assert [(p.resource, p.row) for p in dropped] == [("paragraphs", "p1")]
    assert set(after["paragraphs"]) == {"p2"}
    untouched = copy_tables(before)
    untouched["meetings"]
    assert drop_orphans(untouched, before) == [] and untouched.loaded() == ["meetings"]


def test_a_csv_of_an_older_schema_is_rewritten_on_the_next_change(tmp_path, config_file, replica):
    repo = tmp_path / "data"
    scrape(repo, config_file)
    organisations = part_of(repo, "organisations")
    lines = organisations.read_text(encoding="utf-8").splitlines()
    # as if the column `legacy` had been dropped from the schema after this CSV was written: its
    # rows read the same, only the file is out of date
    old = "\n".join([lines[0] + ",legacy", *(line + ",x" for line in lines[1:])]) + "\n"
    organisations.write_text(old, encoding="utf-8")
    import git

    repo_git = git.Repo(repo)
    repo_git.index.add([relative(repo, organisations)])
    repo_git.index.commit("organisations.csv of an older schema")
    replica.set_day(2)
    report = scrape(repo, config_file)
    assert report["commit"] and not any(report["records"]["organisations"].values())
    assert organisations.read_text(encoding="utf-8").splitlines()[0] == ",".join(package.columns("organisations"))
    assert validate_package(repo / "datapackage").valid


def test_validating_named_resources_finds_a_bad_cell(tmp_path, config_file):
    repo = tmp_path / "data"
    scrape(repo, config_file)
    meetings = part_of(repo, "meetings")
    lines = meetings.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[package.columns("meetings").index("date")] = "den 3 mars"
    meetings.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    report = validate_package(repo / "datapackage", only=["meetings"])
    assert not report.valid and report.problems[0].field == "date"
    assert validate_package(repo / "datapackage", only=["documents"]).valid


# ---------------------------------------------------------------- meetings seen unchanged


def _state(repo: Path) -> dict:
    return json.loads((repo / ".meetings" / "state.json").read_text(encoding="utf-8"))


def _package_bytes(repo: Path) -> dict[str, bytes]:
    root = repo / "datapackage"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_an_unchanged_run_reads_no_meeting_page_into_records_and_no_row_of_a_meeting(tmp_path, config_file, monkeypatch):
    import scraper.rows.portal as portal_rows

    repo = tmp_path / "data"
    scrape(repo, config_file)
    seen = _state(repo)["unchanged"]
    assert seen["meetings"] and all(set(p) == {"page", "date", "download", "docs", "row"} for p in seen["meetings"].values())
    read, parsed = [], []
    monkeypatch.setattr(package, "read_table", lambda d, r, *rest: read.append(r) or read_table(d, r, *rest))
    records = portal_rows.page_rows
    monkeypatch.setattr(portal_rows, "page_rows", lambda *a, **k: parsed.append(a[0]) or records(*a, **k))
    report = scrape(repo, config_file)
    assert report["ok"] and report["commit"] is None and report["documents_downloaded"] == 0
    assert report["meetings_fetched"] > 0, "due meetings are still asked for, conditionally"
    assert parsed == []
    # the bulletin board and the registers are read every run: their own tables, never a meeting's records
    assert set(read) <= {"organisations", "committees", "meetings", "notices", "representatives"}, read


def test_a_document_changed_behind_an_unchanged_page_is_read(tmp_path, config_file, replica):
    # day 3 corrects the protocol of 2024-03-12 in place: same page, same URL, new bytes
    repo = tmp_path / "data"
    replica.set_day(2)
    scrape(repo, config_file)
    scrape(repo, config_file, "--recheck-days", "0")
    before = {k: v for k, v in _state(repo)["unchanged"]["meetings"].items() if "2024-03-12" in k}
    assert len(before) == 1
    replica.set_day(3)
    report = scrape(repo, config_file, "--recheck-days", "0")
    assert report["commit"] and any("protocol corrected" in line for line in report["changes"]), report["changes"]
    (meeting, seen), = before.items()
    after = _state(repo)["unchanged"]["meetings"][meeting]
    assert after["page"] == seen["page"] and after["docs"] != seen["docs"]


def test_a_meeting_seen_unchanged_is_held_once_its_day_has_passed(tmp_path, config_file):
    repo = tmp_path / "data"
    scrape(repo, config_file)
    meeting = "region-vasterbotten/regionstyrelsen/mote-2027-01-26"
    assert read_table(repo / "datapackage", "meetings")[meeting]["status"] == "upcoming"
    report = scrape(repo, config_file, "--today", "2027-01-27")
    assert report["commit"]
    assert read_table(repo / "datapackage", "meetings")[meeting]["status"] == "held"


def test_a_package_put_back_to_an_earlier_commit_is_read_again(tmp_path, config_file, replica):
    import git

    repo = tmp_path / "data"
    scrape(repo, config_file)
    replica.set_day(2)
    scrape(repo, config_file)
    day2 = _package_bytes(repo)
    git.Repo(repo).git.reset("--hard", "HEAD~1")  # someone puts the data back; the HTTP cache still holds day 2
    assert _package_bytes(repo) != day2
    report = scrape(repo, config_file)
    assert report["commit"] and _package_bytes(repo) == day2


def test_other_code_reads_every_due_meeting_again(tmp_path, config_file, monkeypatch):
    import scraper.rows.portal as portal_rows
    import scraper.run as run_mod

    repo = tmp_path / "data"
    scrape(repo, config_file)
    monkeypatch.setattr(run_mod, "code_fingerprint", lambda: "another parser")
    parsed = []
    records = portal_rows.page_rows
    monkeypatch.setattr(portal_rows, "page_rows", lambda *a, **k: parsed.append(a[0]) or records(*a, **k))
    report = scrape(repo, config_file)
    assert report["commit"] is None and len(parsed) == report["meetings_fetched"] > 0
    assert _state(repo)["unchanged"]["code"] == "another parser"


def test_a_run_with_problems_forgets_what_it_saw(tmp_path, config_file, replica):
    repo = tmp_path / "data"
    scrape(repo, config_file)
    assert _state(repo).get("unchanged")
    replica.set_faults("500:1.0")
    report_path = tmp_path / "failing.json"
    result = CliRunner().invoke(cli, [
        "scrape", "--config", str(config_file), "--repo", str(repo), "--report", str(report_path),
        "--today", TODAY.isoformat(), "--delay", "0", "--retries", "0", "--timeout", "5",
    ])
    assert result.exit_code == 1 and not json.loads(report_path.read_text())["ok"]
    assert "unchanged" not in _state(repo)


def test_runs_that_skip_unchanged_meetings_write_what_runs_that_read_everything_write(tmp_path, config_file, replica,
                                                                                      monkeypatch):
    import scraper.crawl as crawl_mod

    skipping, reading = tmp_path / "skipping", tmp_path / "reading"
    for day in (1, 1, 2, 2, 3, 3):
        replica.set_day(day)
        scrape(skipping, config_file)
        with monkeypatch.context() as patched:
            patched.setattr(crawl_mod.Crawler, "unchanged", lambda *args: False)
            scrape(reading, config_file)
        assert _package_bytes(skipping) == _package_bytes(reading), f"day {day}"


def test_a_csv_grown_too_large_for_github_is_named_in_the_warnings(tmp_path, config_file, monkeypatch):
    import scraper.run as run_mod

    monkeypatch.setattr(run_mod, "LARGE_FILE", 2_000)
    report = scrape(tmp_path / "data", config_file)
    root = tmp_path / "data" / "datapackage"
    large = {f"datapackage/{p}" for parts in _parts(tmp_path / "data").values() for p in parts if (root / p).stat().st_size > 2_000}
    assert large
    warned = [w for w in report["warnings"] if "GitHub" in w]
    assert {w.split(" is ")[0] for w in warned} == large
