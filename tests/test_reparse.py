"""A better parser reaches the whole archive: ``meetings reparse`` derives the document records again
from the stored texts, commits exactly what changed, and the history tells it from portal changes."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

import scraper.documents.protocol as protocol_mod
import scraper.run as run_mod
from scraper.build import build_site_database
from scraper.cli import cli
from scraper.package import package_parser_version, read_tables
from scraper.run import InlinePool, run_reparse
from scraper.site.serve import make_datasette

from .conftest import TODAY
from .packages import part_of, relative

MEETING = "region-norrbotten/regionstyrelsen/mote-2024-03-12"


@pytest.fixture
def repo(demo, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(demo.data_repo, target)
    return target


def better_parser(monkeypatch) -> None:
    """A parser rule that reads the decision of § 41 differently, and nothing else."""
    real = protocol_mod.parse_protocol

    def parse(text: str):
        result = real(text)
        for paragraph in result.paragraphs:
            if paragraph.number == 41 and paragraph.decision:
                paragraph.decision = "Regionstyrelsen beslutar: " + paragraph.decision
        return result

    monkeypatch.setattr(protocol_mod, "parse_protocol", parse)


def test_reparse_with_the_same_parser_commits_nothing(repo):
    head = git.Repo(repo).head.commit.hexsha
    report = run_reparse(repo, pool_factory=InlinePool)
    assert report.documents > 0 and report.commit is None and report.ok
    assert git.Repo(repo).head.commit.hexsha == head


def test_a_changed_rule_changes_exactly_the_affected_paragraphs(repo, monkeypatch):
    before = read_tables(repo / "datapackage")
    better_parser(monkeypatch)
    monkeypatch.setenv("MEETINGS_COMMIT_DATE", "2031-01-01T12:00:00")
    report = run_reparse(repo, pool_factory=InlinePool)
    assert report.commit and report.ok
    after = read_tables(repo / "datapackage")
    changed = {k for k in after["paragraphs"] if after["paragraphs"][k] != before["paragraphs"].get(k)}
    assert changed == {f"{MEETING}§41"}
    for resource in before:
        if resource != "paragraphs":
            assert after[resource] == before[resource], resource
    message = git.Repo(repo).head.commit.message
    assert message.splitlines()[0] == "parser upgraded: 1 paragraph changed in 1 meeting (decisions)"
    assert message.rstrip().endswith("Made-by: reparse")
    assert run_reparse(repo, pool_factory=InlinePool).commit is None


def test_the_history_marks_parser_changes_and_the_feeds_leave_them_out(repo, monkeypatch, tmp_path):
    better_parser(monkeypatch)
    monkeypatch.setenv("MEETINGS_COMMIT_DATE", "2031-01-01T12:00:00")
    commit = run_reparse(repo, pool_factory=InlinePool).commit
    db = tmp_path / "meetings.db"
    build_site_database(repo, db)
    conn = sqlite3.connect(db)
    made_by = dict(conn.execute('select "commit", made_by from commits'))
    assert made_by[commit] == "reparse" and set(made_by.values()) == {"scrape", "reparse"}
    rows = conn.execute('select record_id, field, made_by from changes where "commit" = ?', (commit,)).fetchall()
    assert rows == [(f"{MEETING}§41", "decision", "reparse")]
    conn.close()
    loop = asyncio.new_event_loop()
    try:
        ds = make_datasette(db)
        get = lambda path: loop.run_until_complete(ds.client.get(path))  # noqa: E731
        week = get("/meetings/changes_this_week.json?_shape=array&since=2000-01-01").json()
        assert week and all(row["made_by"] == "scrape" for row in week)
        assert not [row for row in week if row["commit"] == commit]
        feed = get("/meetings/decisions_feed.json?_shape=array").json()
        entry = next(row for row in feed if row["atom_id"].endswith(f"{MEETING}§41"))
        assert not entry["atom_updated"].startswith("2031"), "a reparse is not a new or corrected decision"
        changes_feed = get("/meetings/changes_feed.json?_shape=array").json()
        assert changes_feed and not [row for row in changes_feed if commit in row["atom_id"]]
    finally:
        loop.close()


def test_a_manual_commit_is_marked_as_such(repo, tmp_path):
    meetings = part_of(repo, "meetings", "mote-2027-04-20")
    meetings.write_text(meetings.read_text(encoding="utf-8").replace("Möte", "Sammanträde", 1), encoding="utf-8")
    handle = git.Repo(repo)
    handle.index.add([relative(repo, meetings)])
    commit = handle.index.commit("Fix a meeting title by hand").hexsha
    db = tmp_path / "meetings.db"
    build_site_database(repo, db)
    conn = sqlite3.connect(db)
    assert conn.execute('select made_by from commits where "commit" = ?', (commit,)).fetchone() == ("manual",)
    assert {r[0] for r in conn.execute('select made_by from changes where "commit" = ?', (commit,))} == {"manual"}


def test_a_scrape_after_a_parser_version_bump_reparses_first_without_requests(demo, repo, monkeypatch, replica,
                                                                            config_file):
    def scrape() -> dict:
        report = repo.parent / f"report-{len(list(repo.parent.glob('report-*')))}.json"
        result = CliRunner().invoke(cli, [
            "scrape", "--config", str(config_file), "--repo", str(repo), "--report", str(report),
            "--today", TODAY.isoformat(), "--delay", "0", "--retries", "0", "--timeout", "5",
        ])
        assert result.exit_code == 0, result.output
        return json.loads(report.read_text())

    shutil.rmtree(repo)
    replica.set_day(3)
    scrape()
    unchanged = scrape()
    assert unchanged["commit"] is None
    assert package_parser_version(repo / "datapackage") == run_mod.PARSER_VERSION
    better_parser(monkeypatch)
    monkeypatch.setattr(run_mod, "PARSER_VERSION", run_mod.PARSER_VERSION + 1)
    report = scrape()
    assert report["reparse_commit"] and report["commit"] is None
    assert report["documents_downloaded"] == 0 and report["documents_extracted"] == 0
    assert report["requests"] == unchanged["requests"] and report["not_modified"] == unchanged["not_modified"]
    head = git.Repo(repo).head.commit
    assert head.hexsha == report["reparse_commit"] and "Made-by: reparse" in head.message
    assert package_parser_version(repo / "datapackage") == run_mod.PARSER_VERSION
    again = scrape()
    assert again["reparse_commit"] is None and again["commit"] is None


def test_reparse_command(repo):
    result = CliRunner().invoke(cli, ["reparse", "--repo", str(repo), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["documents"] > 0 and found["commit"] is None and found["errors"] == []
    result = CliRunner().invoke(cli, ["reparse", "--repo", str(repo.parent)])
    assert result.exit_code == 1 and result.output == f"Error: {repo.parent} is not a git repository\n"


def test_reparse_if_outdated_does_nothing_on_a_current_package(repo):
    result = CliRunner().invoke(cli, ["reparse", "--repo", str(repo), "--if-outdated"])
    assert result.exit_code == 0 and "nothing to do" in result.output
