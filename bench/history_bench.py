"""History tables from git: incremental against full, and against the ``git-history`` tool.

The repository is generated, not scraped: its first commit is the package a scrape of the
synthetic portal wrote (``datapackage.json`` and every ``data/*.csv``; the extracted texts are
left out, neither tool reads them), followed by ``commits`` commits written with
``git fast-import``, each with three small edits of the kind scheduled runs make: a meeting's
description changed, an agenda item added, a paragraph's text changed, an attendance row removed
or a document's checksum changed. Only the CSVs an edit touches change in a commit.

Measured on that repository, in this process:

- ``build_history`` of one more commit, with the history database of the earlier commits in
  place (incremental), against ``build_history(full=True)`` of those earlier commits into a fresh
  database (the database the incremental build then adds to);
- ``build_history(full=True)`` against ``git-history file`` run once per CSV (all eleven, each
  with ``--id`` its primary key, ``--namespace`` its name, ``--csv --wal --silent``) into one
  fresh database (``--dialect excel``, the package's dialect, because sniffing it fails on a CSV
  with only a header): the same commits and the same files for both. git-history is invoked through
  its click command in process, so neither side pays interpreter start-up; with
  ``cli=True`` both are also timed as whole processes (``meetings history --full`` once,
  ``git-history file`` eleven times).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from scraper.package import PACKAGE_DIR, Tables, csv_bytes, primary_key, read_tables, resources, row_key

from .figures import run_command, venv_tool

EDITS = ("meeting", "agenda_item", "paragraph", "attendance", "document")
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


@dataclass
class HistoryResult:
    commits: int
    compared_commits: int  # commits of the prefix both tools read for history_full_vs_git_history
    compared_full_seconds: float
    rows: int
    csv_bytes: int
    incremental_seconds: float
    full_seconds: float
    git_history_seconds: float | None
    git_history_error: str | None
    ours_versions: int
    ours_changes: int
    git_history_versions: int | None
    cli: dict[str, float] = field(default_factory=dict)
    repo: str = ""
    incremental_runs: list[float] = field(default_factory=list)


class Generator:
    """Commits of small edits on top of a package, fed to ``git fast-import``."""

    def __init__(self, repo: Path, tables: Tables, seed: int):
        self.repo = repo
        self.tables = tables
        self.rng = random.Random(f"history:{seed}")
        self.count = 0

    def _edit(self, kind: str) -> str:
        tables, rng = self.tables, self.rng
        if kind == "meeting" and tables["meetings"]:
            key = rng.choice(list(tables["meetings"]))
            row = tables["meetings"][key]
            tables["meetings"][key] = {**row, "description": f"Ändrad beskrivning {self.count}"}
            return "meetings"
        if kind == "agenda_item" and tables["agenda_items"]:
            key = rng.choice(list(tables["agenda_items"]))
            row = tables["agenda_items"][key]
            ordinal = max(int(r["ordinal"]) for r in tables["agenda_items"].values() if r["meeting_id"] == row["meeting_id"]) + 1
            new = {**row, "agenda_item_id": f"{row['meeting_id']}#{ordinal}", "ordinal": str(ordinal),
                   "number": str(ordinal), "title": f"Tillkommande ärende {self.count}"}
            tables["agenda_items"][row_key("agenda_items", new)] = new
            return "agenda_items"
        if kind == "paragraph" and tables["paragraphs"]:
            key = rng.choice(list(tables["paragraphs"]))
            row = tables["paragraphs"][key]
            tables["paragraphs"][key] = {**row, "text": row["text"] + f" Tillägg {self.count}."}
            return "paragraphs"
        if kind == "attendance" and tables["attendance"]:
            del tables["attendance"][rng.choice(list(tables["attendance"]))]
            return "attendance"
        if tables["documents"]:
            key = rng.choice(list(tables["documents"]))
            row = tables["documents"][key]
            tables["documents"][key] = {**row, "sha256": f"{self.count:064x}", "bytes": str(int(row["bytes"] or 0) + 1)}
            return "documents"
        return "meetings"

    def _commit(self, stream, files: dict[str, bytes], message: str, parent: str | None) -> None:
        when = int(START.timestamp()) + 3600 * self.count
        body = message.encode("utf-8")
        stream.write(b"commit refs/heads/main\n")
        stream.write(f"author meetings-bot <meetings-bot@users.noreply.github.com> {when} +0000\n".encode())
        stream.write(f"committer meetings-bot <meetings-bot@users.noreply.github.com> {when} +0000\n".encode())
        stream.write(f"data {len(body)}\n".encode() + body + b"\n")
        if parent:
            stream.write(f"from {parent}\n".encode())
        for path, data in sorted(files.items()):
            stream.write(f"M 100644 inline {path}\n".encode() + f"data {len(data)}\n".encode())
            stream.write(data)
            stream.write(b"\n")
        self.count += 1

    def _import(self, write) -> None:
        """Commits written by ``write(stream)`` into the repository, then checked out.

        ``--depth=1`` keeps every version a whole object or a delta of a whole one: reading any
        version costs one delta at most, as reading a commit's loose objects costs one
        decompression (fast-import's default chains of 50 deltas would make reading the newest
        versions, as an incremental build does, far slower than in a repository written by scrape
        runs)."""
        process = subprocess.Popen(["git", "-C", str(self.repo), "-c", "pack.compression=1", "fast-import", "--quiet", "--depth=1"],
                                   stdin=subprocess.PIPE)
        assert process.stdin is not None
        try:
            write(process.stdin)
        finally:
            process.stdin.close()
            if process.wait():
                raise RuntimeError("git fast-import failed")
        subprocess.run(["git", "-C", str(self.repo), "reset", "--hard", "-q"], check=True)

    def initial(self, package_dir: Path, commits: int) -> None:
        files = {f"{PACKAGE_DIR}/datapackage.json": (package_dir / "datapackage.json").read_bytes()}
        for resource in resources():
            files[f"{PACKAGE_DIR}/data/{resource}.csv"] = csv_bytes(resource, self.tables[resource])

        def write(stream) -> None:
            self._commit(stream, files, "data package written", None)
            for _ in range(commits):
                self._edits(stream, parent=None)

        self._import(write)

    def _edits(self, stream, parent: str | None) -> None:
        touched = sorted({self._edit(self.rng.choice(EDITS)) for _ in range(3)})
        files = {f"{PACKAGE_DIR}/data/{r}.csv": csv_bytes(r, self.tables[r]) for r in touched}
        self._commit(stream, files, "edits: " + ", ".join(touched), parent)

    def one_more(self) -> None:
        head = subprocess.run(["git", "-C", str(self.repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        self._import(lambda stream: self._edits(stream, parent=head))


def _count(db: Path, suffix: str) -> int:
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE ?", (f"%{suffix}",))]
        return sum(conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names)
    finally:
        conn.close()


def _git_history_args(db: Path, repo: Path, resource: str) -> list[str]:
    """``--csv`` alone makes git-history sniff the dialect from each version's first kilobyte, which
    fails on a CSV that has only its header (corrections and summary_items of a package without
    corrections or summaries): the package is written in the excel dialect, so it is named."""
    args = ["file", str(db), f"{PACKAGE_DIR}/data/{resource}.csv", "--repo", str(repo), "--branch", "main",
            "--namespace", resource, "--csv", "--dialect", "excel", "--wal", "--silent"]
    for column in primary_key(resource):
        args += ["--id", column]
    return args


def run_git_history(db: Path, repo: Path) -> float:
    """Seconds for git-history over every CSV of the package into one fresh database."""
    from git_history.cli import cli

    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    for resource in resources():
        cli.main(_git_history_args(db, repo, resource), standalone_mode=False)
    return time.perf_counter() - started


def prefix_clone(repo: Path, target: Path, commits: int) -> Path:
    """A clone of ``repo`` whose ``main`` holds only its first ``commits`` commits after the
    package commit (a local clone: objects are hard-linked, so it is cheap)."""
    total = int(subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "main"], capture_output=True, text=True,
                               check=True).stdout)
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(repo), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "reset", "-q", "--hard", f"main~{max(total - commits - 1, 0)}"], check=True)
    return target


def run(package_dir: Path, workdir: Path, commits: int, seed: int = 1, *, compare_commits: int | None = None,
        git_history: bool = True, cli: bool = False, incremental_runs: int = 5, say=print) -> HistoryResult:
    """``commits`` commits after the package commit, built in full, then one more commit built
    incrementally on top; the first ``compare_commits`` of them (default: all) for the full build
    against git-history (with ``git_history``), whose cost per commit is far higher."""
    from scraper.history import build_history

    if workdir.exists():
        shutil.rmtree(workdir)
    repo = workdir / "repo"
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    tables = read_tables(package_dir)
    generator = Generator(repo, tables, seed)
    generator.initial(package_dir, commits)
    # the full build of every commit, into a fresh database, is also the start of the incremental one
    full_db = workdir / "history.db"
    started = time.perf_counter()
    full_report = build_history(repo, db_path=full_db, full=True)
    full = time.perf_counter() - started
    generator.one_more()
    # the incremental build is short and the machine noisy: the median of a few, each on a copy of
    # the database of the full build
    runs = []
    for attempt in range(incremental_runs):
        db = workdir / f"incremental-{attempt}.db"
        shutil.copyfile(full_db, db)
        started = time.perf_counter()
        report = build_history(repo, db_path=db)
        runs.append(time.perf_counter() - started)
        if report.commits_read != 1:
            raise RuntimeError(f"the incremental build read {report.commits_read} commits, not 1")
    incremental = sorted(runs)[len(runs) // 2]
    say(f"  history: full {full:.2f}s ({full_report.commits_read} commits), incremental {incremental:.3f}s "
        f"(one more; median of {', '.join(f'{r:.3f}' for r in runs)})")
    compared, compared_full, compared_commits = repo, full, full_report.commits_read
    git_history_seconds, git_history_versions, error = None, None, None
    if git_history:
        # both tools on the same first commits (at most those of the full build), in a fresh database each
        compared = prefix_clone(repo, workdir / "prefix", min(compare_commits or commits, commits))
        full_db = workdir / "prefix-full.db"
        started = time.perf_counter()
        prefix_report = build_history(compared, db_path=full_db, full=True)
        compared_full = time.perf_counter() - started
        compared_commits = prefix_report.commits_read
        say(f"  history of the first {compared_commits} commits: full {compared_full:.2f}s")
        try:
            import git_history as git_history_tool  # noqa: F401  (the parameter git_history is a flag)
        except ImportError:
            error = "git-history is not installed (pip install -e '.[bench]')"
        else:
            git_history_db = workdir / "git-history.db"
            git_history_seconds = run_git_history(git_history_db, compared)
            git_history_versions = _count(git_history_db, "_version")
            say(f"  git-history: {git_history_seconds:.2f}s")
    timings: dict[str, float] = {}
    if cli:
        meetings = venv_tool("meetings")
        if meetings:
            timings["meetings history --full"], result = run_command([meetings, "history", "--repo", str(compared), "--full"])
            if result.returncode:
                raise RuntimeError(f"meetings history failed: {result.stderr[-500:]}")
        tool = venv_tool("git-history")
        if tool and git_history_seconds is not None:
            db = workdir / "git-history-cli.db"
            total = 0.0
            for resource in resources():
                seconds, result = run_command([tool, *_git_history_args(db, compared, resource)])
                if result.returncode:
                    raise RuntimeError(f"git-history failed on {resource}: {result.stderr[-500:]}")
                total += seconds
            timings["git-history file (x11)"] = total
    csvs = sum(p.stat().st_size for p in (repo / PACKAGE_DIR / "data").glob("*.csv"))
    return HistoryResult(
        commits=full_report.commits_read, compared_commits=compared_commits, compared_full_seconds=compared_full,
        rows=sum(len(t) for t in tables.values()), csv_bytes=csvs,
        incremental_seconds=incremental, full_seconds=full, git_history_seconds=git_history_seconds,
        git_history_error=error, ours_versions=_count(full_db, "_versions"), ours_changes=_count(full_db, "changes"),
        git_history_versions=git_history_versions, cli=timings, repo=str(repo),
        incremental_runs=[round(r, 5) for r in runs],
    )
