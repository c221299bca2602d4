"""The scrape pipeline against a synthetic portal: full run, unchanged run, one-change run.

For one size of portal: render the protocol PDFs that are not cached yet, serve the portal from
a replica server in its own process (so that serving does not compete with the scrape for the
interpreter), and run ``run_scrape`` in this process into a fresh data repository:

1. full: the first run, everything fetched, extracted, parsed, validated, written, committed;
2. unchanged: the same portal again, same day, five times (the median counts): conditional
   requests, nothing downloaded, no commit;
3. one change: the portal's day 2, where one recent meeting's protocol was corrected.

Around them: the size of ``.git`` (packed with ``git repack -adq``) before the one-change commit,
the bytes that commit added (as committed: its loose objects; and packed against its parent, as a
thin pack), the files it changed and the part that holds the changed paragraph, the sizes of the
package's parts (per resource, the largest part), validation of the whole package in process and
with the ``frictionless`` CLI, and raw pypdfium2 extraction of the same protocol PDFs.

Time inside the runs is split into stages by wrapping the pipeline's functions in this process
(the crawl phase ``run.gather`` and, inside it, the wait for the document workers
``run.collect``, HTTP, page parsing; reconcile, validation, writing, git) and, through
``TimedPool``, inside the document worker processes (extraction, protocol parsing, row building;
``bench/worker_stages.py``), where a run now extracts and parses.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scraper.package import (
    PACKAGE_DIR, PART_GRAIN, Partitioner, part_files, part_organisation, read_tables, resources,
)
from scraper.portal.http import HttpClient
from scraper.replica.synthetic import ORGANISATION_ID, SyntheticConfig, SyntheticPortal
from scraper.rows.portal import TEXT_DIR, committee_id
from scraper.run import WorkerPool

from .figures import Stages, run_command, timed, tree_bytes, venv_tool
from .worker_stages import TASK, TimedTask


@dataclass
class RunFigures:
    seconds: float
    requests: int
    not_modified: int
    bytes: int
    documents_downloaded: int
    documents_extracted: int
    meetings_fetched: int
    commit: str | None
    ok: bool
    records: dict[str, dict[str, int]]
    changes: list[str]
    errors: list[dict]
    stages: dict[str, float]  # wall seconds in this process ("other": what no outer stage covers)
    calls: dict[str, int]
    workers: dict[str, float] = field(default_factory=dict)  # seconds inside the document workers, summed
    worker_tasks: int = 0
    cpu_seconds: float = 0.0  # CPU time of this process (all its threads) during the run


@dataclass
class ScaleResult:
    scale: int
    config: dict[str, Any]
    meetings: int
    protocols: int
    protocol_pages: int
    rows: dict[str, int]
    rendered: int  # PDFs that had to be rendered for this run (not in the cache)
    render_seconds: float
    full: RunFigures
    unchanged: RunFigures  # the median of ``unchanged_seconds``
    one_change: RunFigures
    unchanged_seconds: list[float] = field(default_factory=list)
    unchanged_clean: bool = True  # every unchanged run: no error, no download, no commit
    git: dict[str, int] = field(default_factory=dict)
    one_change_files: dict[str, int] = field(default_factory=dict)  # files the one-change commit changed -> bytes
    changed_part: dict[str, Any] = field(default_factory=dict)  # the part of the changed paragraph
    package: dict[str, Any] = field(default_factory=dict)  # sizes of the package's parts (``package_stats``)
    validate_full_seconds: float = 0.0
    validate_cli_seconds: float = 0.0
    validate_cli_ok: bool = False
    validate_cli_command: str = ""
    raw_seconds: float = 0.0
    raw_pages: int = 0
    repo: str = ""
    package_bytes: int = 0


class ReplicaProcess:
    """The synthetic portal served by ``python -m scraper.replica.synthetic`` in a child process."""

    def __init__(self, config: SyntheticConfig, cache_dir: Path):
        args = [sys.executable, "-m", "scraper.replica.synthetic", "--committees", str(config.committees),
                "--meetings", str(config.meetings), "--pages", str(config.pages), "--seed", str(config.seed),
                "--today", config.today.isoformat(), "--cache-dir", str(cache_dir)]
        if config.protocols is not None:
            args += ["--protocols", str(config.protocols)]
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        cwd=Path(__file__).resolve().parents[1])
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.close()
            raise RuntimeError(f"the synthetic replica did not start (said {self.url!r})")

    def command(self, line: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def set_day(self, day: int) -> None:
        answer = self.command(f"day {day}")
        if answer != f"day {day}":
            raise RuntimeError(f"the synthetic replica did not switch to day {day} (said {answer!r})")

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.command("quit")
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired, ValueError):
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "ReplicaProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _client(cache_dir: Path | None) -> HttpClient:
    return HttpClient(cache_dir=cache_dir, delay=0.0, timeout=60.0, retries=1, backoff=0.1)


GATHER = "crawl phase (gather)"
COLLECT = "waiting for document workers (collect)"
# stages that run inside another one (inside the crawl phase, reconcile or validation, or anywhere
# a table is first read): shown, but not subtracted again when "other" is worked out
INNER = {COLLECT, "http", "parse pages", "validate records (per record)", "foreign keys (drop_orphans)",
         "rows per meeting", "rows per document", "read package: texts", *(f"read package: {r}" for r in resources())}


def _read_stage(package_dir, resource, *args, **kwargs) -> str:
    return f"read package: {resource}"


def _stage_targets() -> list[tuple[object, str, str]]:
    import scraper.package as package
    import scraper.portal.pages as pages
    import scraper.reconcile as reconcile
    import scraper.run as run
    import scraper.validate as validate
    import scraper.vcs as vcs

    return [
        (run, "gather", GATHER),
        (run, "collect", COLLECT),
        (HttpClient, "get", "http"),
        (pages, "parse_committee_page", "parse pages"),
        (pages, "parse_meeting_page", "parse pages"),
        (run, "reconcile", "reconcile"),
        (reconcile.Merge, "drop_meeting", "rows per meeting"),
        (reconcile.Merge, "old_derived", "rows per document"),
        (run, "validate_changes", "validate changes"),
        (validate, "validate_rows", "validate records (per record)"),
        (validate, "drop_orphans", "foreign keys (drop_orphans)"),
        (vcs, "restore_package", "git restore"),
        (package, "read_table", _read_stage),
        (run, "read_text", "read package: texts"),
        (run.changes_mod, "diff_tables", "diff and describe"),
        (run.changes_mod, "describe", "diff and describe"),
        (run, "write_package", "write package"),
        (run, "stage_changes", "write package"),
        (run, "validate_package", "validate package (frictionless)"),
        (run, "swap_into_place", "write package"),
        (run, "apply_changes", "write package"),
        (vcs, "commit_package", "git commit"),
    ]


class TimedPool(WorkerPool):
    """The run's ``WorkerPool`` (same workers, same limits) whose tasks report the seconds they spent
    by stage inside the worker (``worker_stages.TimedTask``); ``stages`` adds them up."""

    def __init__(self, workers: int | None = None):
        super().__init__(workers)
        self.stages = Stages()

    def submit(self, fn, *args) -> Future:
        inner = super().submit(TimedTask(fn), *args)
        outer: Future = Future()
        inner.add_done_callback(lambda done: _relay(done, outer, self.stages))
        return outer


def _relay(inner: Future, outer: Future, stages: Stages) -> None:
    try:
        result, seconds = inner.result()
    except BaseException as exc:  # the task's own error, a limit, a crash or a cancellation
        outer.set_exception(exc)
        return
    for name, value in seconds.items():
        stages.add(name, value)
    outer.set_result(result)


def scrape_once(repo: Path, portals: list, today, *, jobs: int | None = None) -> RunFigures:
    """One ``run_scrape`` into ``repo``, timed as a whole, by stage in this process and in the workers."""
    from scraper.run import ScrapeOptions, run_scrape

    stages, pools = Stages(), []

    def pool() -> TimedPool:
        pools.append(TimedPool())
        return pools[-1]

    options = ScrapeOptions(repo=repo, portals=portals, today=today, client_factory=_client, pool_factory=pool,
                            **({} if jobs is None else {"jobs": jobs}))
    cpu = time.process_time()
    with stages.patched(_stage_targets()):
        seconds, report = timed(run_scrape, options)
    cpu = time.process_time() - cpu
    workers = Stages()
    for used in pools:
        for name, value in used.stages.seconds.items():
            workers.add(name, value, used.stages.calls[name])
    data = report.as_dict()
    return RunFigures(
        seconds=seconds, requests=report.requests, not_modified=report.not_modified, bytes=report.bytes,
        documents_downloaded=report.documents_downloaded, documents_extracted=report.documents_extracted,
        meetings_fetched=data["meetings_fetched"], commit=report.commit, ok=report.ok, records=report.records,
        changes=report.changes, errors=report.errors[:5], stages=stages.as_dict(seconds, INNER), calls=dict(stages.calls),
        workers=workers.as_dict(), worker_tasks=sum(used.stages.calls.get(TASK, 0) for used in pools), cpu_seconds=cpu,
    )


def git_bytes(repo: Path) -> int:
    return tree_bytes(repo / ".git")


def loose_objects(repo: Path) -> tuple[int, int]:
    """Loose objects in the repository: (count, bytes on disk)."""
    count = size = 0
    for folder in (repo / ".git" / "objects").glob("[0-9a-f][0-9a-f]"):
        for path in folder.iterdir():
            count += 1
            size += path.stat().st_size
    return count, size


def repack(repo: Path) -> None:
    subprocess.run(["git", "-C", str(repo), "repack", "-adq"], check=True)


def commit_pack_bytes(repo: Path) -> int:
    """Bytes of the last commit's objects packed with deltas against its parent (a thin pack, as a
    push sends it, and about what the commit costs once ``git gc`` has packed it)."""
    result = subprocess.run(["git", "-C", str(repo), "pack-objects", "--revs", "--thin", "--stdout", "-q"],
                            input=b"HEAD\n^HEAD~1\n", capture_output=True, check=True)
    return len(result.stdout)


def commit_files(repo: Path) -> dict[str, int]:
    """The files the last commit changed (paths in the repository) and their sizes now (0: removed)."""
    names = subprocess.run(["git", "-C", str(repo), "diff-tree", "-r", "--no-commit-id", "--name-only", "-z", "HEAD"],
                           capture_output=True, text=True, check=True).stdout.split("\0")
    return {name: (repo / name).stat().st_size if (repo / name).is_file() else 0 for name in names if name}


def raw_extraction(paths: list[Path]) -> tuple[float, int]:
    """Seconds and pages for plain pypdfium2 text extraction (no layout, no clean-up) of the PDFs."""
    import pypdfium2 as pdfium

    blobs = [path.read_bytes() for path in paths]
    pages = 0
    started = time.perf_counter()
    for data in blobs:
        pdf = pdfium.PdfDocument(data)
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
                pages += 1
        finally:
            pdf.close()
    return time.perf_counter() - started, pages


def protocol_paths(portal: SyntheticPortal, day: int = 1) -> list[Path]:
    from scraper.replica.synthetic import pdf_key

    paths = []
    for doc in portal.protocol_docs(day):
        path = portal.cache_path(pdf_key(*portal.document_source(doc)))
        assert path is not None
        paths.append(path)
    return paths


def scrape_package(config: SyntheticConfig, workdir: Path, pdf_cache: Path, *, say=print) -> Path:
    """One full scrape of a synthetic portal into a fresh repository; returns its package directory."""
    portal = SyntheticPortal(config, pdf_cache)
    render_seconds, rendered = timed(portal.warm, portal.protocol_docs(1))
    if rendered:
        say(f"  rendered {rendered} PDFs in {render_seconds:.1f}s (cached in {pdf_cache})")
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    with ReplicaProcess(config, pdf_cache) as replica:
        result = scrape_once(workdir / "repo", [portal.portal_config(replica.url)], config.today)
    if not result.ok or result.commit is None:
        raise RuntimeError(f"the scrape of the synthetic portal failed: {result.errors[:3]}")
    return workdir / "repo" / PACKAGE_DIR


def package_stats(package_dir: Path) -> dict[str, Any]:
    """Bytes and parts of each resource (and its grain), the text files, the largest part, and the
    organisations and organisation-years (the years of the ``meetings`` parts) the package covers."""
    per_resource: dict[str, dict[str, Any]] = {}
    largest, years = ("", 0), set()
    for resource in resources():
        sizes = {part: (package_dir / part).stat().st_size for part in part_files(package_dir, resource)}
        per_resource[resource] = {"parts": len(sizes), "bytes": sum(sizes.values()), "grain": PART_GRAIN.get(resource, "year")}
        largest = max([largest, *sizes.items()], key=lambda item: item[1])
        if resource == "meetings":
            years = {(part_organisation(part), Path(part).stem) for part in sizes if Path(part).stem.isdigit()}
    texts = [path.stat().st_size for path in (package_dir / TEXT_DIR).rglob("*") if path.is_file()]
    return {"resources": per_resource, "texts": {"files": len(texts), "bytes": sum(texts)},
            "largest_part": {"path": largest[0], "bytes": largest[1]},
            "organisations": len({organisation for organisation, _ in years}), "organisation_years": len(years)}


def changed_paragraph_part(package_dir: Path, tables, portal: SyntheticPortal, files: dict[str, int]) -> dict[str, Any]:
    """The part that holds the paragraph the one-change run corrected: where ``Partitioner`` puts the
    changed meeting's paragraphs, checked against the paragraph parts the commit changed."""
    plan = portal.changed_meeting
    committee = committee_id(ORGANISATION_ID, portal.committee_slug(plan.committee))
    meeting = next((key for key, row in tables["meetings"].items()
                    if row["committee_id"] == committee and row["date"] == plan.when.isoformat()), None)
    part = Partitioner(tables).part("paragraphs", {"meeting_id": meeting}) if meeting else ""
    committed = sorted(name.removeprefix(f"{PACKAGE_DIR}/") for name in files if name.startswith(f"{PACKAGE_DIR}/data/paragraphs/"))
    return {"path": part, "bytes": (package_dir / part).stat().st_size if part else 0, "meeting_id": meeting,
            "committed_paragraph_parts": committed, "matches_commit": bool(part) and committed == [part]}


def measure_runs(repo: Path, portal: SyntheticPortal, replica: "ReplicaProcess", unchanged_runs: int, say=print) -> dict[str, Any]:
    """The full run, the unchanged runs (sorted by time) and the one-change run, with the git figures around it."""
    portals = [portal.portal_config(replica.url)]
    today = portal.config.today
    full = scrape_once(repo, portals, today)
    say(f"  full run: {full.seconds:.1f}s, {full.requests} requests, commit {full.commit and full.commit[:10]}")
    # the unchanged run is short and the machine noisy: the median of a few
    runs = sorted((scrape_once(repo, portals, today) for _ in range(unchanged_runs)), key=lambda r: r.seconds)
    say(f"  unchanged runs: {', '.join(f'{r.seconds:.3f}' for r in runs)}s, {runs[0].requests} requests")
    repack(repo)
    before, loose_before = git_bytes(repo), loose_objects(repo)
    replica.set_day(2)
    one_change = scrape_once(repo, portals, today)
    say(f"  one-change run: {one_change.seconds:.2f}s, commit {one_change.commit and one_change.commit[:10]}")
    loose = loose_objects(repo)
    git = {"before_packed": before, "after_commit": git_bytes(repo), "added": loose[1] - loose_before[1],
           "added_objects": loose[0] - loose_before[0], "added_packed": commit_pack_bytes(repo)}
    return {"full": full, "runs": runs, "one_change": one_change, "git": git, "files": commit_files(repo)}


def validate_whole(package_dir: Path, cli: bool) -> dict[str, Any]:
    """The whole package validated in process and, with ``cli``, by the ``frictionless`` CLI."""
    from scraper.validate import validate_package

    seconds, validation = timed(validate_package, package_dir)
    if not validation.valid:
        raise RuntimeError(f"the scraped package is not valid: {[str(p) for p in validation.problems[:3]]}")
    out = {"validate_full_seconds": seconds}
    if cli:
        tool = venv_tool("frictionless")
        args = [tool, "validate", "datapackage.json"] if tool else [sys.executable, "-m", "frictionless", "validate", "datapackage.json"]
        cli_seconds, result = run_command(args, cwd=package_dir)
        out.update(validate_cli_seconds=cli_seconds, validate_cli_ok=result.returncode == 0,
                   validate_cli_command=f"(cd {package_dir} && frictionless validate datapackage.json)")
    return out


def run_scale(config: SyntheticConfig, scale: int, workdir: Path, pdf_cache: Path, *,
              cli_validation: bool = True, unchanged_runs: int = 5, raw_pages: int = 0, say=print) -> ScaleResult:
    """Every pipeline measurement for one size of portal."""
    portal = SyntheticPortal(config, pdf_cache)
    if not any(plan.has_protocol for plan in portal.plans):
        raise ValueError(f"a portal of {config.meetings} meetings in {config.committees} committees has no protocol yet: "
                         "give it more meetings")
    docs = portal.protocol_docs(1) + [d for d in portal.protocol_docs(2) if d.builder[1][2] == 2]
    render_seconds, rendered = timed(portal.warm, docs)
    if rendered:
        say(f"  rendered {rendered} PDFs in {render_seconds:.1f}s (cached in {pdf_cache})")
    repo = workdir / "repo"
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    with ReplicaProcess(config, pdf_cache) as replica:
        measured = measure_runs(repo, portal, replica, unchanged_runs, say)
    runs = measured["runs"]
    package_dir = repo / PACKAGE_DIR
    tables = read_tables(package_dir)
    paths = protocol_paths(portal, 1)
    # raw extraction of every n-th protocol: a per-page rate needs a thousand pages or so, not all
    step = max(1, math.ceil(len(paths) * config.pages / raw_pages)) if raw_pages else 1
    raw_seconds, raw_page_count = raw_extraction(paths[::step])
    pages = sum(int(r["pages"] or 0) for r in tables["documents"].values() if r["kind"] == "protokoll")
    return ScaleResult(
        scale=scale, config=config.as_dict(), meetings=len(portal.plans), protocols=len(paths), protocol_pages=pages,
        rows={name: len(rows) for name, rows in tables.items()}, rendered=rendered, render_seconds=render_seconds,
        full=measured["full"], unchanged=runs[len(runs) // 2], one_change=measured["one_change"],
        unchanged_seconds=[round(r.seconds, 4) for r in runs],
        unchanged_clean=all(r.ok and r.commit is None and not r.documents_downloaded for r in runs),
        git=measured["git"], one_change_files=measured["files"],
        changed_part=changed_paragraph_part(package_dir, tables, portal, measured["files"]),
        package=package_stats(package_dir), **validate_whole(package_dir, cli_validation),
        raw_seconds=raw_seconds, raw_pages=raw_page_count, repo=str(repo), package_bytes=tree_bytes(package_dir),
    )
