"""Backfill: fill the history of a date range in batches, resumable after an interruption.

Each batch is an ordinary run restricted to the range and to at most ``batch`` meetings not done
yet; it validates and commits on its own. The meeting ids done so far are kept in
``.meetings/backfill-<since>-<until>.json`` (outside the package), so a killed backfill resumes
where its last committed batch ended.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click

from .report import RunReport
from .run import ScrapeOptions, run_scrape
from .state import RepoState


def progress_path(options: ScrapeOptions) -> Path:
    return RepoState(options.repo).backfill_progress(options.since, options.until)


def _load(path: Path) -> set[str]:
    try:
        return set(json.loads(path.read_text())["done"])
    except (OSError, ValueError, KeyError):
        return set()


def _save(path: Path, done: set[str], complete: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"done": sorted(done), "complete": complete}, indent=1))
    tmp.replace(path)


def _merge(total: RunReport, part: RunReport) -> None:
    total.reparse_commit = total.reparse_commit or part.reparse_commit
    for name in ("requests", "bytes", "not_modified", "documents_downloaded", "documents_extracted"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    for resource, counts in part.records.items():
        into = total.records.setdefault(resource, {"added": 0, "changed": 0, "removed": 0})
        for key, value in counts.items():
            into[key] += value
    total.changes.extend(part.changes)
    total.errors.extend(part.errors)
    total.invalid.extend(part.invalid)
    total.warnings.extend(part.warnings)
    total.quarantined.extend(part.quarantined)
    total.fetched_meetings.extend(part.fetched_meetings)
    total.pending_meetings = part.pending_meetings
    total.commit = part.commit or total.commit
    for source, figures in part.sources.items():
        total.sources[source] = figures


def run_backfill(options: ScrapeOptions, *, batch: int = 25, quiet: bool = False) -> RunReport:
    path = progress_path(options)
    done = _load(path)
    total = RunReport()
    bar = None
    try:
        while True:
            part = run_scrape(replace(options, skip=frozenset(done), max_meetings=batch, progress=lambda m: None))
            _merge(total, part)
            new = set(part.fetched_meetings) - done
            done |= new
            finished = part.pending_meetings == 0
            _save(path, done, finished)
            if bar is None and not quiet:
                bar = click.progressbar(length=len(done) + part.pending_meetings, label="backfill", file=click.get_text_stream("stderr"))
                bar.update(len(done))
            elif bar is not None:
                bar.update(len(new))
            if finished or not new:
                if not finished:
                    total.warnings.append(f"backfill stopped with {part.pending_meetings} meetings not fetched (see errors); run it again to resume")
                return total
    finally:
        if bar is not None:
            bar.render_finish()
