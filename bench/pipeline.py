"""The scrape pipeline against a synthetic portal: full run, unchanged run, one-change run.

For one size of portal: render the protocol PDFs that are not cached yet, serve the portal from
a replica server in its own process (so that serving does not compete with the scrape for the
interpreter), and run ``run_scrape`` in this process into a fresh data repository:

1. full: the first run, everything fetched, extracted, parsed, validated, written, committed;
2. unchanged: the same portal again, same day, five times (the median counts): conditional
   requests, nothing downloaded, no commit;
3. one change: the portal's day 2, where one recent meeting's protocol was corrected.

Around them: the size of ``.git`` (packed with ``git repack -adq``) before the one-change commit,
the bytes that commit added (as committed: loose objects; and packed against its parent, as a
thin pack), validation of the whole package in process and with the ``frictionless``
CLI, and raw pypdfium2 extraction of the same protocol PDFs. Time inside the runs is split into
stages by wrapping the pipeline's functions (HTTP, extraction, parsing, per-record validation,
package validation, writing, git ...).
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scraper.package import PACKAGE_DIR, read_tables
from scraper.portal.http import HttpClient
from scraper.replica.synthetic import PORTAL_ID, SyntheticConfig, SyntheticPortal

from .figures import Stages, run_command, timed, tree_bytes, venv_tool


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
    stages: dict[str, float]
    calls: dict[str, int]


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


def _stage_targets() -> list[tuple[object, str, str]]:
    import scraper.derive as derive
    import scraper.documents.protocol as protocol
    import scraper.documents.text as text
    import scraper.package as package
    import scraper.portal.pages as pages
    import scraper.reconcile as reconcile
    import scraper.run as run
    import scraper.validate as validate
    import scraper.vcs as vcs

    return [
        (HttpClient, "get", "http"),
        (pages, "parse_committee_page", "parse pages"),
        (pages, "parse_meeting_page", "parse pages"),
        (text, "extract_text", "extract text (pypdfium2)"),
        (protocol, "parse_protocol", "parse protocol"),
        (derive, "protocol_rows", "protocol rows"),
        (validate, "validate_rows", "validate records (per record)"),
        (reconcile.Merge, "drop_meeting", "rows per meeting"),
        (reconcile.Merge, "old_derived", "rows per document"),
        (validate, "drop_orphans", "foreign keys (drop_orphans)"),
        (vcs, "restore_package", "git restore"),
        (package, "read_table", "read package"),
        (run, "read_text", "read package"),
        (run.changes_mod, "diff_tables", "diff and describe"),
        (run.changes_mod, "describe", "diff and describe"),
        (run, "write_package", "write package"),
        (run, "validate_package", "validate package (frictionless)"),
        (run, "swap_into_place", "write package"),
        (vcs, "commit_package", "git commit"),
    ]


def scrape_once(repo: Path, portal, today) -> RunFigures:
    """One ``run_scrape`` into ``repo``, timed as a whole and by stage."""
    from scraper.run import ScrapeOptions, run_scrape

    stages = Stages()
    with stages.patched(_stage_targets()):
        seconds, report = timed(run_scrape, ScrapeOptions(repo=repo, portals=[portal], today=today, client_factory=_client))
    data = report.as_dict()
    return RunFigures(
        seconds=seconds, requests=report.requests, not_modified=report.not_modified, bytes=report.bytes,
        documents_downloaded=report.documents_downloaded, documents_extracted=report.documents_extracted,
        meetings_fetched=data["meetings_fetched"], commit=report.commit, ok=report.ok, records=report.records,
        changes=report.changes, errors=report.errors[:5], stages=stages.as_dict(seconds), calls=dict(stages.calls),
    )


def git_bytes(repo: Path) -> int:
    return tree_bytes(repo / ".git")


def repack(repo: Path) -> None:
    subprocess.run(["git", "-C", str(repo), "repack", "-adq"], check=True)


def commit_pack_bytes(repo: Path) -> int:
    """Bytes of the last commit's objects packed with deltas against its parent (a thin pack, as a
    push sends it, and about what the commit costs once ``git gc`` has packed it)."""
    result = subprocess.run(["git", "-C", str(repo), "pack-objects", "--revs", "--thin", "--stdout", "-q"],
                            input=b"HEAD\n^HEAD~1\n", capture_output=True, check=True)
    return len(result.stdout)


def raw_extraction(paths: list[Path]) -> tuple[float, int]:
    """Seconds and pages for plain pypdfium2 text extraction (no layout, no clean-up) of the PDFs."""
    import time

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
        result = scrape_once(workdir / "repo", portal.portal_config(replica.url), config.today)
    if not result.ok or result.commit is None:
        raise RuntimeError(f"the scrape of the synthetic portal failed: {result.errors[:3]}")
    return workdir / "repo" / PACKAGE_DIR


def run_scale(config: SyntheticConfig, scale: int, workdir: Path, pdf_cache: Path, *,
              cli_validation: bool = True, unchanged_runs: int = 5, raw_pages: int = 0, say=print) -> ScaleResult:
    """Every pipeline measurement for one size of portal."""
    from scraper.validate import validate_package

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
        scraper_portal = portal.portal_config(replica.url)
        full = scrape_once(repo, scraper_portal, config.today)
        say(f"  full run: {full.seconds:.1f}s, {full.requests} requests, commit {full.commit and full.commit[:10]}")
        # the unchanged run is short and the machine noisy: the median of a few
        runs = sorted((scrape_once(repo, scraper_portal, config.today) for _ in range(unchanged_runs)), key=lambda r: r.seconds)
        unchanged = runs[len(runs) // 2]
        unchanged_seconds = [round(r.seconds, 4) for r in runs]
        unchanged_clean = all(r.ok and r.commit is None and not r.documents_downloaded for r in runs)
        say(f"  unchanged runs: {', '.join(f'{s:.3f}' for s in unchanged_seconds)}s (median {unchanged.seconds:.3f}s), "
            f"{unchanged.requests} requests")
        repack(repo)
        before = git_bytes(repo)
        replica.set_day(2)
        one_change = scrape_once(repo, scraper_portal, config.today)
        say(f"  one-change run: {one_change.seconds:.2f}s, commit {one_change.commit and one_change.commit[:10]}")
    after = git_bytes(repo)
    thin = commit_pack_bytes(repo)
    package_dir = repo / PACKAGE_DIR
    validate_full_seconds, validation = timed(validate_package, package_dir)
    if not validation.valid:
        raise RuntimeError(f"the scraped package is not valid: {[str(p) for p in validation.problems[:3]]}")
    cli_seconds, cli_ok, cli_command = 0.0, False, ""
    if cli_validation:
        tool = venv_tool("frictionless")
        args = [tool, "validate", "datapackage.json"] if tool else [sys.executable, "-m", "frictionless", "validate", "datapackage.json"]
        cli_seconds, result = run_command(args, cwd=package_dir)
        cli_ok = result.returncode == 0
        cli_command = f"(cd {package_dir} && frictionless validate datapackage.json)"
    tables = read_tables(package_dir)
    paths = protocol_paths(portal, 1)
    # raw extraction of every n-th protocol: a per-page rate needs a thousand pages or so, not all
    step = max(1, math.ceil(len(paths) * config.pages / raw_pages)) if raw_pages else 1
    raw_seconds, raw_page_count = raw_extraction(paths[::step])
    pages = sum(int(r["pages"] or 0) for r in tables["documents"].values() if r["kind"] == "protokoll")
    return ScaleResult(
        scale=scale, config=config.as_dict(), meetings=len(portal.plans), protocols=len(paths), protocol_pages=pages,
        rows={name: len(rows) for name, rows in tables.items()}, rendered=rendered, render_seconds=render_seconds,
        full=full, unchanged=unchanged, one_change=one_change, unchanged_seconds=unchanged_seconds,
        unchanged_clean=unchanged_clean,
        git={"before_packed": before, "after_commit": after, "added": after - before, "added_packed": thin},
        validate_full_seconds=validate_full_seconds, validate_cli_seconds=cli_seconds, validate_cli_ok=cli_ok,
        validate_cli_command=cli_command, raw_seconds=raw_seconds, raw_pages=raw_page_count, repo=str(repo),
        package_bytes=tree_bytes(package_dir),
    )
