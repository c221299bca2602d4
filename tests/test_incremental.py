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
from scraper.validate import drop_orphans, validate_package

from .conftest import TODAY


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
    monkeypatch.setattr(package, "read_table", lambda d, r: read.append(r) or read_table(d, r))
    report = scrape(repo, config_file)
    assert report["commit"] is None and report["documents_downloaded"] == 0
    assert read and not set(read) & set(DERIVED), read


def test_changing_run_rewrites_only_changed_files_and_equals_a_fresh_write(tmp_path, config_file, replica):
    repo = tmp_path / "data"
    scrape(repo, config_file)
    data = repo / "datapackage" / "data"
    inodes = {r: (data / f"{r}.csv").stat().st_ino for r in resources()}
    replica.set_day(2)
    report = scrape(repo, config_file)
    assert report["commit"]
    changed = {r for r, counts in report["records"].items() if any(counts.values())}
    assert changed and "organisations" not in changed
    for resource in resources():
        same_file = (data / f"{resource}.csv").stat().st_ino == inodes[resource]
        assert same_file == (resource not in changed), resource
    # every file is what writing the whole package from its records gives
    tables = read_tables(repo / "datapackage")
    for resource in resources():
        assert (data / f"{resource}.csv").read_bytes() == csv_bytes(resource, tables[resource]), resource
    texts = read_texts(repo / "datapackage")
    assert set(texts) == {r["text_path"] for r in tables["documents"].values() if r["text_path"]}
    assert validate_package(repo / "datapackage").valid


def test_lazy_tables_read_each_table_once_and_only_when_used(tmp_path, config_file, monkeypatch):
    repo = tmp_path / "data"
    scrape(repo, config_file)
    read = []
    monkeypatch.setattr(package, "read_table", lambda d, r: read.append(r) or read_table(d, r))
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
    organisations = repo / "datapackage" / "data" / "organisations.csv"
    lines = organisations.read_text(encoding="utf-8").splitlines()
    # as if the column `legacy` had been dropped from the schema after this CSV was written: its
    # rows read the same, only the file is out of date
    old = "\n".join([lines[0] + ",legacy", *(line + ",x" for line in lines[1:])]) + "\n"
    organisations.write_text(old, encoding="utf-8")
    import git

    repo_git = git.Repo(repo)
    repo_git.index.add(["datapackage/data/organisations.csv"])
    repo_git.index.commit("organisations.csv of an older schema")
    replica.set_day(2)
    report = scrape(repo, config_file)
    assert report["commit"] and not any(report["records"]["organisations"].values())
    assert organisations.read_text(encoding="utf-8").splitlines()[0] == ",".join(package.columns("organisations"))
    assert validate_package(repo / "datapackage").valid


def test_validating_named_resources_finds_a_bad_cell(tmp_path, config_file):
    repo = tmp_path / "data"
    scrape(repo, config_file)
    meetings = repo / "datapackage" / "data" / "meetings.csv"
    lines = meetings.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[package.columns("meetings").index("date")] = "den 3 mars"
    meetings.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    report = validate_package(repo / "datapackage", only=["meetings"])
    assert not report.valid and report.problems[0].field == "date"
    assert validate_package(repo / "datapackage", only=["documents"]).valid
