"""History from git: changes, versions, removals, incremental and full builds, bad history."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.history import build_history
from scraper.state import RepoState

from .conftest import TODAY
from .packages import part_of, relative


def dump(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name != 'history_state' ORDER BY name")]
    data = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    conn.close()
    return data


@pytest.fixture
def repo_copy(demo, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(demo.data_repo, target)
    shutil.rmtree(target / ".meetings", ignore_errors=True)
    return target


def test_correction_is_exactly_paragraphs_39_and_50(demo):
    conn = sqlite3.connect(demo.database)
    last = conn.execute('SELECT "commit" FROM commits ORDER BY seq DESC LIMIT 1').fetchone()[0]
    rows = conn.execute(
        "SELECT record_id, kind, field FROM changes WHERE resource = 'paragraphs' AND \"commit\" = ? ORDER BY record_id, field", (last,)
    ).fetchall()
    meeting = "region-norrbotten/regionstyrelsen/mote-2024-03-12"
    content = [r for r in rows if r[2] != "page"]  # the notice on the first page moves later paragraphs to later pages
    assert {r[0] for r in content} == {f"{meeting}§39", f"{meeting}§50"}
    assert all(kind == "changed" for _, kind, _ in rows)
    assert (f"{meeting}§50", "changed", "title") in rows
    corrections = conn.execute("SELECT paragraph FROM corrections ORDER BY paragraph").fetchall()
    assert corrections == [(39,), (50,)]
    message = git.Repo(demo.data_repo).head.commit.message
    assert "regionstyrelsen 2024-03-12: protocol corrected (§ 39, § 50)" in message


def test_cancellation_and_removals_are_rows(demo):
    conn = sqlite3.connect(demo.database)
    status = conn.execute(
        "SELECT old_value, new_value FROM changes WHERE record_id = 'region-vasterbotten/regionstyrelsen/mote-2027-02-09' AND field = 'status'"
    ).fetchall()
    assert status == [("upcoming", "cancelled")]
    removed = {(r[0], r[1]) for r in conn.execute("SELECT resource, record_id FROM changes WHERE kind = 'removed'")}
    assert ("documents", "region-vasterbotten/regionstyrelsen/mote-2027-01-26/agenda/bilaga-2-tidplanpdf") in removed
    assert ("agenda_items", "region-vasterbotten/regionstyrelsen/mote-2027-02-09#1") in removed
    versions = conn.execute(
        "SELECT version, version_kind FROM documents_versions WHERE record_id LIKE '%protokoll-regionstyrelsen-2024-03-12pdf' ORDER BY version"
    ).fetchall()
    assert versions == [(1, "added"), (2, "changed")]


def test_incremental_reads_only_new_commits_and_equals_full(repo_copy):
    first = build_history(repo_copy)
    assert first.commits_read == 3 and first.problems == []
    again = build_history(repo_copy)
    assert again.commits_read == 0 and again.changes_added == 0
    meetings_csv = part_of(repo_copy, "meetings", "mote-2027-04-20")
    lines = meetings_csv.read_text().splitlines()
    lines = [lines[0]] + [line.replace("Möte 2027-04-20", "Möte 2027-04-20 (flyttat)") for line in lines[1:]]
    meetings_csv.write_text("\n".join(lines) + "\n")
    repo = git.Repo(repo_copy)
    repo.index.add([relative(repo_copy, meetings_csv)])
    repo.index.commit("regionfullmaktige 2027-04-20: meeting details changed (title)")
    incremental = build_history(repo_copy)
    assert incremental.commits_read == 1
    assert incremental.changes_added == 1
    incremental_tables = dump(RepoState(repo_copy).history_db)
    full_db = repo_copy.parent / "full.db"
    build_history(repo_copy, db_path=full_db, full=True)
    assert dump(full_db) == incremental_tables


def test_unrelated_and_broken_commits_are_reported_not_fatal(repo_copy):
    repo = git.Repo(repo_copy)
    (repo_copy / "NOTES.md").write_text("notes\n")
    repo.index.add(["NOTES.md"])
    repo.index.commit("unrelated file")
    broken = part_of(repo_copy, "agenda_items")
    good = broken.read_bytes()
    broken.write_bytes(b"not,a,header\n\xff\xfe garbage\n")
    repo.index.add([str(broken.relative_to(repo_copy))])
    repo.index.commit("broken csv")
    lines = good.decode().splitlines()
    broken.write_text("\n".join(lines[:-1]) + "\n")
    repo.index.add([str(broken.relative_to(repo_copy))])
    repo.index.commit("one agenda item less")
    report = build_history(repo_copy)
    assert report.commits_read == 6
    assert any("agenda_items.csv" in p and "does not parse" in p for p in report.problems)
    conn = sqlite3.connect(RepoState(repo_copy).history_db)
    last = repo.head.commit.hexsha
    removed = conn.execute("SELECT kind FROM changes WHERE \"commit\" = ? AND resource = 'agenda_items'", (last,)).fetchall()
    assert removed == [("removed",)]


def test_rewritten_history_rebuilds(repo_copy):
    build_history(repo_copy)
    repo = git.Repo(repo_copy)
    repo.git.reset("--hard", "HEAD~1")
    organisations = part_of(repo_copy, "organisations")
    organisations.write_text("organisation_id,name,kind,country,portal_url\n")
    repo.index.add([relative(repo_copy, organisations)])
    repo.index.commit("rewritten")
    report = build_history(repo_copy)
    assert report.full_rebuild and any("rewritten" in p for p in report.problems)
    full_db = repo_copy.parent / "full.db"
    build_history(repo_copy, db_path=full_db, full=True)
    assert dump(full_db) == dump(RepoState(repo_copy).history_db)


def test_history_command(repo_copy):
    result = CliRunner().invoke(cli, ["history", "--repo", str(repo_copy), "--json"])
    assert result.exit_code == 0, result.output
    assert '"commits_read": 3' in result.output


def _get(database: Path, path: str) -> str:
    result = CliRunner().invoke(cli, ["serve", "--db", str(database), "--get", path])
    assert result.exit_code == 0, result.output[-2000:]
    return result.output


def test_history_canned_queries_and_feed(demo):
    import json
    import xml.etree.ElementTree as ET

    corrected = json.loads(_get(demo.database, "/meetings/corrected_protocols.json?_shape=array"))
    assert [(r["paragraphs_changed"], r["notice_names"]) for r in corrected] == [("§ 39, § 50", "§ 39, § 50")]
    cancelled = json.loads(_get(demo.database, "/meetings/cancelled_meetings.json?_shape=array"))
    assert {r["meeting_id"].rsplit("/", 1)[1] for r in cancelled} == {"mote-2027-02-09", "mote-2025-06-10-installt"}
    history = json.loads(_get(demo.database, "/meetings/meeting_history.json?_shape=array&meeting_id="
                                             "region-vasterbotten/regionstyrelsen/mote-2027-02-09"))
    assert ("meetings", "changed", "status", "upcoming", "cancelled") in {
        (r["resource"], r["kind"], r["field"], r["old_value"], r["new_value"]) for r in history}
    feed = ET.fromstring(_get(demo.database, "/meetings/changes_feed.atom?committee_id=region-norrbotten/regionstyrelsen").encode())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert len(titles) == 3 and any("protocol corrected (§ 39, § 50)" in t for t in titles)
    overall = ET.fromstring(_get(demo.database, "/meetings/changes_feed.atom").encode())
    assert len(overall.findall("a:entry", ns)) > len(titles)


def _commit_title_change(repo_copy: Path, suffix: str) -> None:
    meetings_csv = part_of(repo_copy, "meetings", "mote-2027-04-20")
    lines = meetings_csv.read_text().splitlines()
    lines = [lines[0]] + [line.replace("Möte 2027-04-20", f"Möte 2027-04-20 {suffix}") for line in lines[1:]]
    meetings_csv.write_text("\n".join(lines) + "\n")
    repo = git.Repo(repo_copy)
    repo.index.add([relative(repo_copy, meetings_csv)])
    repo.index.commit(f"regionfullmaktige 2027-04-20: meeting details changed ({suffix})")


def test_incremental_walk_stops_at_the_last_commit_read(repo_copy, monkeypatch):
    import scraper.vcs as vcs

    build_history(repo_copy)
    for n in range(3):
        _commit_title_change(repo_copy, f"v{n}")
    steps = []
    real = vcs.first_parent
    monkeypatch.setattr(vcs, "first_parent", lambda commit, *rest: steps.append(commit.hexsha) or real(commit, *rest))
    report = build_history(repo_copy)
    assert report.commits_read == 3 and report.commits_total == 6
    # three steps back to the last commit read, one parent lookup per commit read: never further
    assert len(steps) == 6
    assert git.Repo(repo_copy).head.commit.parents[0].parents[0].parents[0].hexsha not in steps[3:]


def test_database_without_a_remembered_head_is_still_incremental(repo_copy):
    build_history(repo_copy)
    conn = sqlite3.connect(RepoState(repo_copy).history_db)
    with conn:
        conn.execute("DELETE FROM history_state WHERE key IN ('head', 'head_seq')")
    conn.close()
    _commit_title_change(repo_copy, "v1")
    report = build_history(repo_copy)
    assert report.commits_read == 1 and not report.full_rebuild
    full_db = repo_copy.parent / "full.db"
    build_history(repo_copy, db_path=full_db, full=True)
    assert dump(full_db) == dump(RepoState(repo_copy).history_db)


def test_shallow_clone_starts_at_its_oldest_commit(repo_copy, tmp_path):
    shallow = tmp_path / "shallow"
    git.Repo.clone_from(f"file://{repo_copy}", shallow, depth=2)
    report = build_history(shallow, db_path=tmp_path / "shallow.db")
    assert report.commits_read == 2
    assert any("shallow history" in p for p in report.problems)
    _commit_title_change(shallow, "v1")
    again = build_history(shallow, db_path=tmp_path / "shallow.db")
    assert again.commits_read == 1 and again.problems == []
