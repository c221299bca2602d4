"""Portals on different hosts side by side: an unchanged run over many small portals, all hosts at
once against one host after another.

``count`` small synthetic portals (``scraper/replica/synthetic.py``), each served by a replica in a
child process of its own on a port of its own (a host of its own, as ``crawl.by_host`` groups them),
each with an organisation of its own in the config (``portal_config`` with ``id`` and
``organisation_id`` replaced) and a politeness delay per host. First one full scrape of all of them
(``jobs=count``); then unchanged runs, side by side (``jobs=count``) and one host at a time
(``jobs=1``), alternating, ``runs`` of each. Every unchanged run must be clean: no error, no
document downloaded, no commit.

A host's time is the time spent inside its crawl (``crawl.portal_events``: its requests with the
delays between them and the parsing of its pages), timed while the generator runs and not while the
run handles what it yielded. The figure divides the wall time of the side-by-side run by the sum of
the per-host times of the one-at-a-time run (the medians of the runs).
"""

from __future__ import annotations

import shutil
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from scraper.replica.synthetic import ORGANISATION, ORGANISATION_ID, PORTAL_ID, SyntheticConfig, SyntheticPortal

from .figures import Stages
from .pipeline import ReplicaProcess, RunFigures, scrape_once


@dataclass
class PortalsResult:
    portals: int
    delay: float
    config: dict[str, Any]
    full: RunFigures
    parallel: list[float] = field(default_factory=list)  # wall seconds of each side-by-side run
    serial: list[float] = field(default_factory=list)  # wall seconds of each one-at-a-time run
    serial_host_sums: list[float] = field(default_factory=list)  # the sum of its per-host times, per run
    parallel_host_max: list[float] = field(default_factory=list)  # the slowest host of each side-by-side run
    host_seconds: dict[str, float] = field(default_factory=dict)  # per host, in the median one-at-a-time run
    requests: int = 0  # of one unchanged run over all portals
    not_modified: int = 0
    clean: bool = True
    errors: list[dict] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # of the median side-by-side run

    @property
    def ratio(self) -> float:
        return statistics.median(self.parallel) / statistics.median(self.serial_host_sums)


@contextmanager
def host_times(stages: Stages) -> Iterator[Stages]:
    """Seconds spent inside each portal's ``crawl.portal_events`` (by base URL) while the block runs."""
    import scraper.crawl as crawl

    original = crawl.portal_events

    def timed_events(portal, crawler):
        events = original(portal, crawler)
        while True:
            started = time.perf_counter()
            try:
                event = next(events)
            except StopIteration:
                stages.add(portal.base_url, time.perf_counter() - started, 0)
                return
            stages.add(portal.base_url, time.perf_counter() - started, 0)
            yield event

    crawl.portal_events = timed_events
    try:
        yield stages
    finally:
        crawl.portal_events = original


def portal_configs(portal: SyntheticPortal, replicas: list[ReplicaProcess], delay: float) -> list:
    """One scraper ``Portal`` per replica, each with its own id and organisation."""
    return [replace(portal.portal_config(replica.url, delay=delay), id=f"{PORTAL_ID}-{n:02d}",
                    organisation_id=f"{ORGANISATION_ID}-{n:02d}", organisation=f"{ORGANISATION} {n}")
            for n, replica in enumerate(replicas, 1)]


def unchanged_run(repo: Path, portals: list, today, jobs: int) -> tuple[RunFigures, dict[str, float]]:
    with host_times(Stages()) as hosts:
        figures = scrape_once(repo, portals, today, jobs=jobs)
    return figures, dict(hosts.seconds)


def measure(repo: Path, portals: list, today, runs: int, say=print) -> dict[str, list]:
    """``runs`` unchanged runs side by side and one host at a time, alternating."""
    out: dict[str, list] = {"parallel": [], "serial": []}
    for attempt in range(runs):
        for kind, jobs in (("parallel", len(portals)), ("serial", 1)):
            figures, hosts = unchanged_run(repo, portals, today, jobs)
            out[kind].append((figures, hosts))
            say(f"  unchanged, {kind} (jobs={jobs}): {figures.seconds:.2f}s, hosts summed {sum(hosts.values()):.2f}s, "
                f"slowest host {max(hosts.values(), default=0):.2f}s, {figures.requests} requests")
    return out


def start_replicas(config: SyntheticConfig, pdf_cache: Path, count: int, stack: ExitStack) -> list[ReplicaProcess]:
    """``count`` replica processes, started a few at a time; each one started is closed with ``stack``."""
    with ThreadPoolExecutor(8) as starter:
        futures = [starter.submit(ReplicaProcess, config, pdf_cache) for _ in range(count)]
    replicas = [stack.enter_context(f.result()) for f in futures if f.exception() is None]
    failed = [f.exception() for f in futures if f.exception() is not None]
    if failed:
        raise failed[0]
    return replicas


def run(config: SyntheticConfig, count: int, delay: float, workdir: Path, pdf_cache: Path, *, runs: int = 3,
        say=print) -> PortalsResult:
    """The full scrape of ``count`` portals, then the unchanged runs (see the module docstring)."""
    portal = SyntheticPortal(config, pdf_cache)
    portal.warm(portal.protocol_docs(1))
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    repo = workdir / "repo"
    with ExitStack() as stack:
        replicas = start_replicas(config, pdf_cache, count, stack)
        portals = portal_configs(portal, replicas, delay)
        full = scrape_once(repo, portals, config.today, jobs=count)
        say(f"  full run of {count} portals (jobs={count}): {full.seconds:.1f}s, {full.requests} requests")
        if not full.ok or full.commit is None:
            raise RuntimeError(f"the full scrape of the portals failed: {full.errors[:3]}")
        measured = measure(repo, portals, config.today, runs, say)
    return summarise(measured, full, config, count, delay)


def summarise(measured: dict[str, list], full: RunFigures, config: SyntheticConfig, count: int, delay: float) -> PortalsResult:
    parallel, serial = measured["parallel"], measured["serial"]
    every = [figures for figures, _ in parallel + serial]
    sums = [sum(hosts.values()) for _, hosts in serial]
    middle = sorted(range(len(serial)), key=lambda i: sums[i])[len(serial) // 2]
    median_parallel = sorted(parallel, key=lambda item: item[0].seconds)[len(parallel) // 2][0]
    return PortalsResult(
        portals=count, delay=delay, config=config.as_dict(), full=full,
        parallel=[round(f.seconds, 4) for f, _ in parallel], serial=[round(f.seconds, 4) for f, _ in serial],
        serial_host_sums=[round(s, 4) for s in sums],
        parallel_host_max=[round(max(hosts.values(), default=0.0), 4) for _, hosts in parallel],
        host_seconds={host: round(seconds, 4) for host, seconds in serial[middle][1].items()},
        requests=median_parallel.requests, not_modified=median_parallel.not_modified,
        clean=all(f.ok and f.commit is None and not f.documents_downloaded for f in every),
        errors=[e for f in every for e in f.errors][:5], stages=median_parallel.stages,
    )

