"""Every error a user can cause is one ``Error: …`` line naming the file, URL, row or option, and
a person's edits in the data repository are never silently lost."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.state import RepoState

from .conftest import TODAY
from .packages import part_of, relative


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_error_line(result, *needles: str) -> str:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


@pytest.fixture(scope="module")
def scraped(tmp_path_factory):
    """A data repository after one scrape of the replica."""
    from scraper.config import parse_config
    from scraper.demo import DEMO_CONFIG
    from scraper.replica.server import start

    root = tmp_path_factory.mktemp("scraped")
    with start(day=1, today=TODAY) as replica:
        config = root / "portals.toml"
        config.write_text(DEMO_CONFIG.format(**{pid: replica.url(pid) for pid in replica.servers}), encoding="utf-8")
        parse_config(config.read_text(encoding="utf-8"))
        result = run("scrape", "--config", str(config), "--repo", str(root / "data"), "--today", TODAY.isoformat(),
                     "--delay", "0", "--retries", "0")
        assert result.exit_code == 0, result.output
    return root / "data"


@pytest.fixture
def repo(scraped, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(scraped, target)
    return target


# ---------------------------------------------------------------- options and paths


@pytest.mark.parametrize("args, needles", [
    (["publish", "--today", "2024-13-45"], ["--today", "2024-13-45"]),
    (["scrape", "--today", "tomorrow"], ["--today"]),
    (["scrape", "--since", "2024-02-30"], ["--since"]),
    (["scrape", "--since", "2024-05-01", "--until", "2024-04-01"], ["--since", "2024-05-01"]),
    (["scrape", "--delay", "fast"], ["--delay"]),
    (["scrape", "--author", "nobody"], ["--author"]),
    (["scrape", "--portal", "atlantis"], ["unknown portal 'atlantis'"]),
    (["scrape", "--config", "/no/such/portals.toml"], ["/no/such/portals.toml"]),
    (["doctor", "--today", "1 maj"], ["--today"]),
    (["demo", "--today", "2024-1-1x"], ["--today"]),
])
def test_option_errors(args, needles, tmp_path):
    one_error_line(run(*args, *(["--repo", str(tmp_path / "r")] if args[0] == "scrape" else [])), *needles)


def test_history_on_a_directory_that_is_not_a_repository(tmp_path):
    one_error_line(run("history", "--repo", str(tmp_path)), str(tmp_path), "not a git repository")


def test_reparse_on_a_directory_that_is_not_a_repository(tmp_path):
    one_error_line(run("reparse", "--repo", str(tmp_path)), str(tmp_path), "not a git repository")


def test_build_with_an_unreadable_package(tmp_path):
    (tmp_path / "datapackage").mkdir()
    (tmp_path / "datapackage" / "datapackage.json").write_text("{ not json", encoding="utf-8")
    one_error_line(run("build", "--repo", str(tmp_path), "--db", str(tmp_path / "m.db")), "datapackage.json", "not a JSON")


def test_build_without_a_package(tmp_path):
    one_error_line(run("build", "--repo", str(tmp_path), "--db", str(tmp_path / "m.db")), "does not exist")


def test_scrape_into_a_non_empty_directory_that_is_not_a_repository(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    one_error_line(run("scrape", "--repo", str(tmp_path), "--portal", "vasterbotten"), "not empty and not a git repository")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / ".meetings").exists()


def test_scrape_into_a_file(tmp_path):
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    one_error_line(run("scrape", "--repo", str(target), "--portal", "vasterbotten"), "is a file")


# ---------------------------------------------------------------- the data repository


def scrape_again(repo: Path, *extra: str):
    return run("scrape", "--repo", str(repo), "--portal", "vasterbotten", "--base-url", "http://127.0.0.1:9",
               "--today", TODAY.isoformat(), "--delay", "0", "--retries", "0", "--timeout", "1", *extra)


def test_a_hand_edit_in_the_package_is_refused_not_lost(repo):
    meetings = part_of(repo, "meetings")
    edited = meetings.read_text(encoding="utf-8") + "\n"
    meetings.write_text(edited, encoding="utf-8")
    one_error_line(scrape_again(repo), relative(repo, meetings), "--discard-local-changes")
    assert meetings.read_text(encoding="utf-8") == edited


def test_an_untracked_file_in_the_package_is_refused_not_lost(repo):
    note = repo / "datapackage" / "my-notes.txt"
    note.write_text("keep me", encoding="utf-8")
    one_error_line(scrape_again(repo), "datapackage/my-notes.txt")
    assert note.read_text(encoding="utf-8") == "keep me"


def test_local_changes_are_discarded_only_on_request(repo):
    meetings = part_of(repo, "meetings")
    committed = meetings.read_text(encoding="utf-8")
    meetings.write_text(committed + "\n", encoding="utf-8")
    (repo / "datapackage" / "my-notes.txt").write_text("x", encoding="utf-8")
    result = scrape_again(repo, "--discard-local-changes")
    assert "has changes that are not committed" not in result.output
    assert meetings.read_text(encoding="utf-8") == committed
    assert not (repo / "datapackage" / "my-notes.txt").exists()


def test_leftovers_of_an_interrupted_run_are_cleaned_up(repo):
    meetings = part_of(repo, "meetings")
    committed = meetings.read_text(encoding="utf-8")
    state = RepoState(repo)
    state.begin_changes()  # as a run does before it swaps a package into place
    meetings.write_text("half written", encoding="utf-8")
    (repo / "datapackage.old").mkdir()
    result = scrape_again(repo)
    assert "has changes that are not committed" not in result.output
    assert meetings.read_text(encoding="utf-8") == committed
    assert not (repo / "datapackage.old").exists() and not state.interrupted()


def test_a_leftover_index_lock_is_one_error_line(repo, monkeypatch):
    (repo / ".git" / "index.lock").write_text("", encoding="utf-8")
    meetings = part_of(repo, "meetings")
    meetings.write_text(meetings.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    handle = git.Repo(repo)
    from scraper import vcs

    with pytest.raises(Exception) as caught:
        vcs.commit_package(handle, "edit")
    assert type(caught.value).__name__ == "RepoError" and "index.lock" in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_repository_is_one_error_line(repo):
    for path in [repo, *repo.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        one_error_line(scrape_again(repo), str(repo))
    finally:
        for path in [repo, *repo.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_the_report_of_a_run_names_failed_urls(repo, tmp_path):
    report = tmp_path / "report.json"
    result = scrape_again(repo, "--report", str(report))
    assert result.exit_code == 1
    found = json.loads(report.read_text(encoding="utf-8"))
    assert found["errors"] and all(e["url"].startswith("http://127.0.0.1:9") for e in found["errors"])
    assert "Traceback" not in result.output


def test_the_git_lock_of_our_own_killed_commit_is_removed(repo):
    state = RepoState(repo)
    state.begin_changes()  # a run was killed between moving its package into place and committing it
    (repo / ".git" / "index.lock").write_text("", encoding="utf-8")
    result = scrape_again(repo)
    assert "index.lock" not in result.output
    assert not (repo / ".git" / "index.lock").exists() and not state.interrupted()


def test_a_git_lock_of_someone_else_is_left_alone(repo):
    (repo / ".git" / "index.lock").write_text("", encoding="utf-8")
    meetings = part_of(repo, "meetings")
    meetings.write_text(meetings.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    one_error_line(scrape_again(repo, "--discard-local-changes"), "index.lock")
    assert (repo / ".git" / "index.lock").exists()


def test_new_parts_staged_by_a_run_killed_before_its_commit_are_dropped(repo):
    import git as gitmodule

    state = RepoState(repo)
    state.begin_changes()
    extra = repo / "datapackage" / "data" / "meetings" / "region-vasterbotten" / "2099.csv"
    extra.write_text("meeting_id\n", encoding="utf-8")
    gitmodule.Repo(repo).git.add("-A", "--", "datapackage")
    result = scrape_again(repo)
    assert "has changes that are not committed" not in result.output
    assert not extra.exists() and gitmodule.Repo(repo).git.status("--porcelain", "--", "datapackage") == ""
