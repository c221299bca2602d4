"""Scrape runs against a misbehaving replica, killed runs and concurrent runs.

Runs go through the CLI (click's CliRunner, or a subprocess where a run is killed). In-process
runs use the real HttpClient with its backoff shrunk and its sleeping recorded instead of done, so
retries cost no waiting; timeouts are real and small (``--timeout``). Every run re-checks every
meeting (``--recheck-days 0``), so each run meets the faults everywhere and one clean run is
enough to converge.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

import scraper.cli as cli_mod
import scraper.run as run_mod
from scraper.cli import cli
from scraper.package import PACKAGE_DIR, read_tables
from scraper.portal import http as http_mod
from scraper.replica.server import start
from scraper.demo import DEMO_CONFIG
from scraper.validate import validate_package

from .conftest import TODAY

BIN = Path(sys.executable).parent
TIMEOUT = "0.25"  # the replica's slow answers take 1 s here
SLOW = 1.0
COMMITTEES = 3  # followed by the demo config: 2 in Västerbotten, 1 in Norrbotten


# ---------------------------------------------------------------- helpers


class Sleeps(list):
    """The pauses the client asked for."""


def fast_client_class(sleeps: Sleeps) -> type:
    class FastClient(http_mod.HttpClient):
        def __init__(self, **options):
            options.update(backoff=0.001, max_backoff=0.01, sleep=sleeps.append)
            super().__init__(**options)

    return FastClient


@pytest.fixture
def fast_http(monkeypatch) -> Sleeps:
    sleeps = Sleeps()
    client_class = fast_client_class(sleeps)
    for module in (http_mod, run_mod, cli_mod):
        monkeypatch.setattr(module, "HttpClient", client_class, raising=False)
    return sleeps


@dataclass
class RunResult:
    code: int
    report: dict
    output: str


def scrape(repo: Path, config: Path, *extra: str, timeout: str = TIMEOUT) -> RunResult:
    report_path = repo.parent / f"report-{uuid.uuid4().hex[:8]}.json"
    result = CliRunner().invoke(cli, [
        "scrape", "--config", str(config), "--repo", str(repo), "--report", str(report_path),
        "--today", TODAY.isoformat(), "--delay", "0", "--timeout", timeout, "--retries", "3", "--recheck-days", "0",
        "--quiet", *extra,
    ])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    return RunResult(result.exit_code, report, result.output)


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def head(repo: Path) -> str | None:
    try:
        return git.Repo(repo).head.commit.hexsha
    except (ValueError, git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def commit_package_is_valid(repo: Path, rev: str, workdir: Path) -> bool:
    """Export datapackage/ of a commit and validate it."""
    target = workdir / f"export-{rev[:12]}-{uuid.uuid4().hex[:6]}"
    commit = git.Repo(repo).commit(rev)
    for blob in commit.tree.traverse():
        if blob.type == "blob" and blob.path.startswith(PACKAGE_DIR + "/"):
            path = target / blob.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(blob.data_stream.read())
    valid = validate_package(target / PACKAGE_DIR).valid
    shutil.rmtree(target)
    return valid


def tracked_changes(repo: Path) -> str:
    return git.Repo(repo).git.status("--porcelain", "--untracked-files=no")


def contents(repo: Path) -> tuple[dict[str, set[str]], set[str]]:
    """Keys per resource and text files of the package in the working tree."""
    tables = read_tables(repo / PACKAGE_DIR)
    texts = {str(p.relative_to(repo / PACKAGE_DIR)) for p in (repo / PACKAGE_DIR / "text").rglob("*") if p.is_file()}
    return {resource: set(rows) for resource, rows in tables.items()}, texts


def config_for(replica, path: Path) -> Path:
    path.write_text(DEMO_CONFIG.format(**{pid: replica.url(pid) for pid in replica.servers}), encoding="utf-8")
    return path


def replica_totals(replica) -> dict[str, int]:
    totals: dict[str, int] = {}
    for portal_id in replica.servers:
        for key, value in replica.stats(portal_id).items():
            totals[key] = totals.get(key, 0) + value
    return totals


# ---------------------------------------------------------------- an unchanged portal


def test_unchanged_portal_costs_conditional_requests_only(tmp_path, replica, config_file, fast_http):
    repo = tmp_path / "data"
    first = scrape(repo, config_file)
    assert first.code == 0, first.output
    before, commit = tree_bytes(repo / PACKAGE_DIR), head(repo)
    replica.reset_stats()
    second = scrape(repo, config_file)
    assert second.code == 0, second.output
    served = replica_totals(replica)
    unconditional = served["total"] - served["conditional"]
    assert unconditional <= COMMITTEES, served
    assert served["not_modified"] == served["conditional"] > 0
    assert second.report["not_modified"] == second.report["requests"] == served["total"]
    assert second.report["documents_downloaded"] == 0
    assert second.report["commit"] is None and head(repo) == commit
    assert tree_bytes(repo / PACKAGE_DIR) == before


def test_server_without_validators_changes_nothing(tmp_path, replica, config_file, fast_http):
    repo = tmp_path / "data"
    assert scrape(repo, config_file).code == 0
    commit = head(repo)
    replica.set_conditional(False)
    again = scrape(repo, config_file)
    assert again.code == 0, again.output
    assert again.report["not_modified"] == 0 and again.report["documents_downloaded"] > 0
    assert again.report["commit"] is None and head(repo) == commit


# ---------------------------------------------------------------- one kind of fault at a time


@dataclass
class Baseline:
    replica: object
    config: Path
    repo: Path
    tables: dict[str, set[str]]
    texts: set[str]
    commit: str


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """One clean scrape of the replica; each fault test works on a copy of its repo."""
    root = tmp_path_factory.mktemp("baseline")
    replica = start(day=1, today=TODAY, slow_seconds=SLOW)
    config = config_for(replica, root / "portals.toml")
    repo = root / "data"
    with pytest.MonkeyPatch.context() as patch:
        client_class = fast_client_class(Sleeps())
        for module in (http_mod, run_mod, cli_mod):
            patch.setattr(module, "HttpClient", client_class, raising=False)
        first = scrape(repo, config)
    assert first.code == 0, first.output
    tables, texts = contents(repo)
    yield Baseline(replica, config, repo, tables, texts, head(repo))
    replica.stop()


@dataclass
class FaultOutcome:
    kind: str
    run: RunResult
    repo: Path
    faults: int
    sleeps: list[float]
    head_valid: bool
    tracked_changes: str
    tables: dict[str, set[str]]
    texts: set[str]


FAULT_SPECS = {
    "500": "500:0.5", "503": "503:0.5", "429": "429:0.5", "slow": "slow:0.4", "reset": "reset:0.5",
    "truncate": "truncate:0.5", "corrupt_pdf": "corrupt_pdf:1.0", "markup": "markup:1.0",
}
_outcomes: dict[str, FaultOutcome] = {}


@pytest.fixture
def fault_outcome(request, baseline, tmp_path_factory, fast_http) -> FaultOutcome:
    """A run over a copy of the baseline repo with one kind of fault at a high rate (once per kind)."""
    kind = request.param
    if kind not in _outcomes:
        repo = tmp_path_factory.mktemp(f"fault-{kind}") / "data"
        shutil.copytree(baseline.repo, repo, symlinks=True)
        replica = baseline.replica
        replica.reset_stats()
        replica.set_faults(FAULT_SPECS[kind], seed=17)
        try:
            run = scrape(repo, baseline.config)
        finally:
            replica.set_faults(None)
        faults = replica_totals(replica).get(f"fault:{kind}", 0)
        tables, texts = contents(repo)
        commit = head(repo)
        _outcomes[kind] = FaultOutcome(
            kind, run, repo, faults, list(fast_http),
            commit_package_is_valid(repo, commit, repo.parent), tracked_changes(repo), tables, texts,
        )
    return _outcomes[kind]


@pytest.mark.parametrize("fault_outcome", list(FAULT_SPECS), indirect=True)
def test_a_faulty_run_says_what_failed_and_commits_only_valid_data(fault_outcome, baseline):
    outcome, run = fault_outcome, fault_outcome.run
    assert outcome.faults > 0
    assert run.report, run.output
    assert run.code == (0 if run.report["ok"] else 1)
    assert run.report["ok"] == (not run.report["errors"] and not run.report["invalid"])
    if run.code:
        assert "error:" in run.output
    assert outcome.head_valid
    assert outcome.tracked_changes == ""
    if run.report["commit"]:
        assert head(outcome.repo) == run.report["commit"] != baseline.commit
    else:
        assert head(outcome.repo) == baseline.commit


@pytest.mark.parametrize("fault_outcome", [
    *FAULT_SPECS,
], indirect=True)
def test_a_fault_never_removes_what_the_package_had(fault_outcome, baseline):
    for resource, keys in baseline.tables.items():
        missing = keys - fault_outcome.tables.get(resource, set())
        assert not missing, f"{resource}: {sorted(missing)[:5]}"
    assert baseline.texts <= fault_outcome.texts, sorted(baseline.texts - fault_outcome.texts)[:5]


@pytest.mark.parametrize("fault_outcome", ["500", "503", "reset", "truncate", "slow"], indirect=True)
def test_transient_faults_are_retried(fault_outcome):
    report = fault_outcome.run.report
    assert report["requests"] > 25  # the clean run makes 25
    gave_up = [e for e in report["errors"] if "gave up after 4 attempts" in e["message"]]
    assert all(e["stage"] == "fetch" for e in report["errors"])
    assert len(gave_up) == len(report["errors"])


@pytest.mark.parametrize("fault_outcome", ["429"], indirect=True)
def test_retry_after_is_honoured_in_a_run(fault_outcome):
    gave_up = sum(1 for e in fault_outcome.run.report["errors"] if "HTTP 429 (gave up" in e["message"])
    waits = [s for s in fault_outcome.sleeps if s >= 1.0]  # backoff alone is at most 0.01 s here
    assert len(waits) == fault_outcome.faults - gave_up > 0


@pytest.mark.parametrize("fault_outcome", ["corrupt_pdf"], indirect=True)
def test_damaged_pdfs_are_reported(fault_outcome):
    report = fault_outcome.run.report
    assert report["ok"] is False and fault_outcome.run.code == 1
    stages = {e["stage"] for e in report["errors"]}
    assert "extract" in stages and stages <= {"extract", "held-back"}


@pytest.mark.parametrize("fault_outcome", ["markup"], indirect=True)
def test_changed_markup_still_finds_every_meeting(fault_outcome, baseline):
    assert fault_outcome.tables["meetings"] == baseline.tables["meetings"]
    strategies = {source: s.get("strategy") for source, s in fault_outcome.run.report["sources"].items() if "/" in source}
    assert len(strategies) == 3 and all(s.startswith("side menu of ") for s in strategies.values()), strategies


def test_a_damaged_document_is_fetched_again_by_the_next_run(tmp_path, baseline, fast_http):
    repo = tmp_path / "data"
    shutil.copytree(baseline.repo, repo, symlinks=True)
    baseline.replica.set_faults("corrupt_pdf:1.0", seed=17)
    try:
        assert scrape(repo, baseline.config).code == 1
    finally:
        baseline.replica.set_faults(None)
    clean = scrape(repo, baseline.config, "--recheck-days", "7")  # the default cadence
    assert clean.code == 0, clean.output
    assert contents(repo)[1] == baseline.texts


def test_a_portal_that_is_down_costs_few_requests(tmp_path, replica, config_file, fast_http):
    repo = tmp_path / "data"
    assert scrape(repo, config_file).code == 0
    commit = head(repo)
    replica.stop()
    run = scrape(repo, config_file)
    assert run.code == 1
    assert run.report["requests"] <= 2 * 4  # robots.txt of each portal, 4 attempts, then nothing more
    assert run.report["errors"] and all("robots.txt" in e["message"] for e in run.report["errors"])
    assert head(repo) == commit and tracked_changes(repo) == ""


# ---------------------------------------------------------------- many faulty runs, then a clean one


def test_faulty_runs_converge_to_the_clean_result(tmp_path, fast_http):
    with start(day=1, today=TODAY, slow_seconds=SLOW) as replica:
        config = config_for(replica, tmp_path / "portals.toml")
        repo = tmp_path / "data"
        first = scrape(repo, config)
        assert first.code == 0, first.output
        meeting_ids = set(read_tables(repo / PACKAGE_DIR)["meetings"])
        replica.set_faults(0.3, seed=2025)
        commits, failed_runs = {head(repo)}, 0
        for _ in range(10):
            run = scrape(repo, config)
            assert run.code == (0 if run.report["ok"] else 1)
            failed_runs += run.code
            assert meeting_ids <= set(read_tables(repo / PACKAGE_DIR)["meetings"])
            assert tracked_changes(repo) == ""
            commit = head(repo)
            if commit not in commits:
                commits.add(commit)
                assert commit_package_is_valid(repo, commit, tmp_path), f"invalid package committed: {commit}"
        assert replica_totals(replica)["faults"] > 50 and failed_runs > 0
        replica.set_faults(None)
        last = scrape(repo, config)
        assert last.code == 0, last.output
        reference = tmp_path / "reference"
        assert scrape(reference, config).code == 0
    assert tree_bytes(repo / PACKAGE_DIR) == tree_bytes(reference / PACKAGE_DIR)
    assert tracked_changes(repo) == ""


# ---------------------------------------------------------------- killed runs


def _run_until(process: subprocess.Popen, path: Path, timeout: float = 30.0) -> float:
    """Wait until ``path`` exists or the process ends; the time it took."""
    started = time.monotonic()
    while not path.exists() and process.poll() is None and time.monotonic() - started < timeout:
        time.sleep(0.003)
    return time.monotonic() - started


def test_killed_runs_leave_a_valid_repo_and_the_next_run_converges(tmp_path, replica, config_file):
    """SIGKILL at seeded random points: anywhere in a run, or inside its write-validate-swap-commit
    phase (from the moment the new package appears in .meetings/tmp)."""
    repo = tmp_path / "data"
    staging = repo / ".meetings" / "tmp"
    rng = random.Random(1125)
    command = [str(BIN / "meetings"), "scrape", "--config", str(config_file), "--repo", str(repo),
               "--today", TODAY.isoformat(), "--delay", "0", "--timeout", "5", "--retries", "1", "--recheck-days", "0",
               "--quiet"]
    assert subprocess.run(command, capture_output=True).returncode == 0
    replica.set_day(2)
    started = time.monotonic()
    calibration = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    until_write = _run_until(calibration, staging)
    calibration.wait()
    whole = time.monotonic() - started
    assert calibration.returncode == 0 and until_write < whole
    outcomes, committed_day = [], 2
    for attempt in range(5):
        day = 5 - committed_day  # 3 after 2, 2 after 3: every run has changes to write and commit
        replica.set_day(day)
        before = head(repo)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempt % 2:
            _run_until(process, staging)
            time.sleep(rng.uniform(0.0, max(0.05, whole - until_write)))
        else:
            time.sleep(whole * rng.uniform(0.2, 1.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        commit = head(repo)
        outcomes.append((process.returncode, commit != before))
        if commit != before:
            committed_day = day
        assert commit is not None
        assert commit_package_is_valid(repo, commit, tmp_path), f"after kill {attempt}: HEAD {commit} is not valid"
        git.Repo(repo).git.fsck("--no-progress", "--connectivity-only")
    assert any(code == -signal.SIGKILL for code, _ in outcomes), outcomes
    replica.set_day(3)
    final = scrape(repo, config_file, timeout="5")
    assert final.code == 0, final.output
    assert tracked_changes(repo) == ""
    assert not (repo / ".git" / "index.lock").exists()
    assert not (repo / (PACKAGE_DIR + ".old")).exists()
    assert commit_package_is_valid(repo, head(repo), tmp_path)
    reference = tmp_path / "reference"
    assert scrape(reference, config_file, timeout="5").code == 0
    assert tree_bytes(repo / PACKAGE_DIR) == tree_bytes(reference / PACKAGE_DIR)


# ---------------------------------------------------------------- two runs at once


def test_a_second_concurrent_run_is_refused_with_a_clear_message(tmp_path, replica, config_file):
    repo = tmp_path / "data"
    first = subprocess.Popen(
        [str(BIN / "meetings"), "scrape", "--config", str(config_file), "--repo", str(repo),
         "--today", TODAY.isoformat(), "--delay", "0.1", "--timeout", "5", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lock = repo / ".meetings" / "lock"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if lock.exists() and lock.read_text().strip() == str(first.pid):
            break
        assert first.poll() is None, first.communicate()
        time.sleep(0.02)
    else:
        pytest.fail("the first run never took the lock")
    second = scrape(repo, config_file, timeout="5")
    assert first.poll() is None, "the first run ended before the second started; the test proves nothing"
    assert second.code == 1
    assert "another run holds the lock" in second.output and str(lock) in second.output
    assert second.report == {}
    _, errors = first.communicate(timeout=60)
    assert first.returncode == 0, errors
    assert len(list(git.Repo(repo).iter_commits())) == 1
    assert tracked_changes(repo) == ""
    assert commit_package_is_valid(repo, head(repo), tmp_path)
    again = scrape(repo, config_file, timeout="5")  # the lock is free again
    assert again.code == 0 and again.report["commit"] is None
