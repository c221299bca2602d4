"""History tables from git: incremental against full, and against the ``git-history`` tool.

The repository is generated, not scraped: its first commit is the package a scrape of the
synthetic portal wrote (``datapackage.json`` and every part ``data/<resource>/<organisation>/<year>.csv``,
paragraphs by month, as ``scraper.package.Partitioner`` places the rows; the extracted texts are
left out, neither tool reads them), followed by ``commits`` commits written with
``git fast-import``, each with three small edits of the kind scheduled runs make: a meeting's
description changed, an agenda item added, a paragraph's text changed, an attendance row removed
or a document's checksum changed. Only the parts an edit touches change in a commit, as in a run.

Measured on that repository, in this process:

- ``build_history`` of one more commit, with the history database of the earlier commits in
  place (incremental), against ``build_history(full=True)`` of those earlier commits into a fresh
  database (the database the incremental build then adds to);
- ``build_history(full=True)`` against ``git-history file`` run once per part file (every part
  of the eleven resources, each with ``--id`` its resource's primary key, ``--namespace`` of its
  own, since git-history skips the commits it has read for a namespace, ``--csv --wal --silent``)
  into one fresh database (``--dialect excel``, the package's dialect, because sniffing it fails on
  a CSV with only a header): the same commits and the same files for both. git-history is invoked
  through its click command in process, so neither side pays interpreter start-up; with
  ``cli=True`` both are also timed as whole processes (``meetings history --full`` once,
  ``git-history file`` once per part).
"""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from scraper.package import (
    PACKAGE_DIR, Partitioner, Tables, csv_bytes, part_files, primary_key, read_tables, resource_of_part, resources,
    row_key,
)

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
    parts: int  # part files git-history reads (of the compared prefix)
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
    """Commits of small edits on top of a package, fed to ``git fast-import``, each rewriting the
    parts of the rows it edited."""

    def __init__(self, repo: Path, tables: Tables, seed: int):
        self.repo = repo
        self.tables = tables
        self.rng = random.Random(f"history:{seed}")
        self.count = 0
        self.partitioner = Partitioner(tables)
        self.members: dict[str, dict[str, set[str]]] = {}  # resource -> part -> keys of its rows
        for resource in resources():
            for part, rows in self.partitioner.parts(resource, tables[resource].values()).items():
                self.members.setdefault(resource, {})[part] = set(rows)

    def part_of(self, resource: str, key: str) -> str:
        return self.partitioner.part(resource, self.tables[resource][key])

    def part_bytes(self, resource: str, part: str) -> bytes:
        table = self.tables[resource]
        return csv_bytes(resource, {key: table[key] for key in self.members[resource][part]})

    def _edit(self, kind: str) -> tuple[str, str]:
        tables, rng = self.tables, self.rng
        if kind == "meeting" and tables["meetings"]:
            key = rng.choice(list(tables["meetings"]))
            tables["meetings"][key] = {**tables["meetings"][key], "description": f"Ändrad beskrivning {self.count}"}
            return "meetings", self.part_of("meetings", key)
        if kind == "agenda_item" and tables["agenda_items"]:
            row = tables["agenda_items"][rng.choice(list(tables["agenda_items"]))]
            ordinal = max(int(r["ordinal"]) for r in tables["agenda_items"].values() if r["meeting_id"] == row["meeting_id"]) + 1
            new = {**row, "agenda_item_id": f"{row['meeting_id']}#{ordinal}", "ordinal": str(ordinal),
                   "number": str(ordinal), "title": f"Tillkommande ärende {self.count}"}
            key = row_key("agenda_items", new)
            tables["agenda_items"][key] = new
            part = self.part_of("agenda_items", key)
            self.members["agenda_items"][part].add(key)
            return "agenda_items", part
        if kind == "paragraph" and tables["paragraphs"]:
            key = rng.choice(list(tables["paragraphs"]))
            row = tables["paragraphs"][key]
            tables["paragraphs"][key] = {**row, "text": row["text"] + f" Tillägg {self.count}."}
            return "paragraphs", self.part_of("paragraphs", key)
        if kind == "attendance" and tables["attendance"]:
            key = rng.choice(list(tables["attendance"]))
            part = self.part_of("attendance", key)
            del tables["attendance"][key]
            self.members["attendance"][part].discard(key)
            return "attendance", part
        if tables["documents"]:
            key = rng.choice(list(tables["documents"]))
            row = tables["documents"][key]
            tables["documents"][key] = {**row, "sha256": f"{self.count:064x}", "bytes": str(int(row["bytes"] or 0) + 1)}
            return "documents", self.part_of("documents", key)
        return self._edit("meeting")

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
        for resource, parts in self.members.items():
            for part in parts:
                files[f"{PACKAGE_DIR}/{part}"] = self.part_bytes(resource, part)

        def write(stream) -> None:
            self._commit(stream, files, "data package written", None)
            for _ in range(commits):
                self._edits(stream, parent=None)

        self._import(write)

    def _edits(self, stream, parent: str | None) -> None:
        touched = sorted({self._edit(self.rng.choice(EDITS)) for _ in range(3)})
        files = {f"{PACKAGE_DIR}/{part}": self.part_bytes(resource, part) for resource, part in touched}
        self._commit(stream, files, "edits: " + ", ".join(part for _, part in touched), parent)

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


def package_parts(repo: Path) -> list[str]:
    """Every part file of every resource in the checkout of ``repo`` (paths in the package)."""
    return [part for resource in resources() for part in part_files(repo / PACKAGE_DIR, resource)]


def _git_history_args(db: Path, repo: Path, part: str) -> list[str]:
    """git-history over one part file, in a namespace of its own (it skips the commits it has read
    for a namespace, so parts cannot share one). ``--csv`` alone makes git-history sniff the dialect
    from each version's first kilobyte, which fails on a CSV that has only its header: the package
    is written in the excel dialect, so it is named."""
    resource = resource_of_part(part)
    namespace = re.sub(r"[^A-Za-z0-9]+", "_", part.removeprefix("data/").removesuffix(".csv"))
    args = ["file", str(db), f"{PACKAGE_DIR}/{part}", "--repo", str(repo), "--branch", "main",
            "--namespace", namespace, "--csv", "--dialect", "excel", "--wal", "--silent"]
    for column in primary_key(resource):
        args += ["--id", column]
    return args


def run_git_history(db: Path, repo: Path) -> float:
    """Seconds for git-history over every part file of the package into one fresh database."""
    from git_history.cli import cli

    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    for part in package_parts(repo):
        cli.main(_git_history_args(db, repo, part), standalone_mode=False)
    return time.perf_counter() - started


def prefix_clone(repo: Path, target: Path, commits: int) -> Path:
    """A clone of ``repo`` whose ``main`` holds only its first ``commits`` commits after the
    package commit (a local clone: objects are hard-linked, so it is cheap)."""
    total = int(subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "main"], capture_output=True, text=True,
                               check=True).stdout)
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(repo), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "reset", "-q", "--hard", f"main~{max(total - commits - 1, 0)}"], check=True)
    return target


def build_runs(repo: Path, workdir: Path, generator: Generator, runs: int, say=print) -> dict:
    """The full build of every commit, into a fresh database (also the start of the incremental
    builds), then one more commit built incrementally, the median of ``runs`` builds, each on a copy
    of that database (the incremental build is short and the machine noisy)."""
    from scraper.history import build_history

    full_db = workdir / "history.db"
    started = time.perf_counter()
    full_report = build_history(repo, db_path=full_db, full=True)
    full = time.perf_counter() - started
    generator.one_more()
    seconds = []
    for attempt in range(runs):
        db = workdir / f"incremental-{attempt}.db"
        shutil.copyfile(full_db, db)
        started = time.perf_counter()
        report = build_history(repo, db_path=db)
        seconds.append(time.perf_counter() - started)
        if report.commits_read != 1:
            raise RuntimeError(f"the incremental build read {report.commits_read} commits, not 1")
    incremental = sorted(seconds)[len(seconds) // 2]
    say(f"  history: full {full:.2f}s ({full_report.commits_read} commits), incremental {incremental:.3f}s "
        f"(one more; median of {', '.join(f'{r:.3f}' for r in seconds)})")
    return {"full": full, "commits": full_report.commits_read, "incremental": incremental, "runs": seconds,
            "versions": _count(full_db, "_versions"), "changes": _count(full_db, "changes")}


def compare_git_history(repo: Path, workdir: Path, commits: int, say=print) -> dict:
    """Both tools on the same first ``commits`` commits, in a fresh database each."""
    from scraper.history import build_history

    compared = prefix_clone(repo, workdir / "prefix", commits)
    ours = workdir / "prefix-full.db"
    started = time.perf_counter()
    prefix_report = build_history(compared, db_path=ours, full=True)
    out = {"repo": compared, "full": time.perf_counter() - started, "commits": prefix_report.commits_read,
           "parts": len(package_parts(compared)), "ours_versions": _count(ours, "_versions"),
           "ours_changes": _count(ours, "changes"), "seconds": None, "versions": None, "error": None}
    say(f"  history of the first {out['commits']} commits: full {out['full']:.2f}s")
    try:
        import git_history  # noqa: F401
    except ImportError:
        out["error"] = "git-history is not installed (pip install -e '.[bench]')"
        return out
    db = workdir / "git-history.db"
    out["seconds"] = run_git_history(db, compared)
    out["versions"] = _count(db, "_version")
    say(f"  git-history over {out['parts']} parts: {out['seconds']:.2f}s")
    return out


def cli_timings(compared: Path, workdir: Path, with_git_history: bool) -> dict[str, float]:
    """``meetings history --full`` and git-history (once per part) as whole processes."""
    timings: dict[str, float] = {}
    meetings = venv_tool("meetings")
    if meetings:
        timings["meetings history --full"], result = run_command([meetings, "history", "--repo", str(compared), "--full"])
        if result.returncode:
            raise RuntimeError(f"meetings history failed: {result.stderr[-500:]}")
    tool = venv_tool("git-history")
    if tool and with_git_history:
        db = workdir / "git-history-cli.db"
        parts = package_parts(compared)
        total = 0.0
        for part in parts:
            seconds, result = run_command([tool, *_git_history_args(db, compared, part)])
            if result.returncode:
                raise RuntimeError(f"git-history failed on {part}: {result.stderr[-500:]}")
            total += seconds
        timings[f"git-history file (x{len(parts)})"] = total
    return timings


def run(package_dir: Path, workdir: Path, commits: int, seed: int = 1, *, compare_commits: int | None = None,
        git_history: bool = True, cli: bool = False, incremental_runs: int = 5, say=print) -> HistoryResult:
    """``commits`` commits after the package commit, built in full, then one more commit built
    incrementally on top; the first ``compare_commits`` of them (default: all) for the full build
    against git-history (with ``git_history``), whose cost per commit is far higher."""
    if workdir.exists():
        shutil.rmtree(workdir)
    repo = workdir / "repo"
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    tables = read_tables(package_dir)
    generator = Generator(repo, tables, seed)
    generator.initial(package_dir, commits)
    built = build_runs(repo, workdir, generator, incremental_runs, say)
    compared = {"repo": repo, "full": built["full"], "commits": built["commits"], "parts": len(package_parts(repo)),
                "ours_versions": built["versions"], "ours_changes": built["changes"], "seconds": None, "versions": None,
                "error": None}
    if git_history:
        compared = compare_git_history(repo, workdir, min(compare_commits or commits, commits), say)
    timings = cli_timings(compared["repo"], workdir, compared["seconds"] is not None) if cli else {}
    csvs = sum((repo / PACKAGE_DIR / part).stat().st_size for part in package_parts(repo))
    return HistoryResult(
        commits=built["commits"], compared_commits=compared["commits"], compared_full_seconds=compared["full"],
        rows=sum(len(t) for t in tables.values()), csv_bytes=csvs, parts=compared["parts"],
        incremental_seconds=built["incremental"], full_seconds=built["full"], git_history_seconds=compared["seconds"],
        git_history_error=compared["error"], ours_versions=compared["ours_versions"], ours_changes=compared["ours_changes"],
        git_history_versions=compared["versions"], cli=timings, repo=str(repo),
        incremental_runs=[round(r, 5) for r in built["runs"]],
    )
