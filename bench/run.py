"""Benchmarks of the pipeline, each figure a ratio of two things measured side by side in one run.

    python bench/run.py --quick                  # a few minutes on 2 cores (less with bench/out/ cached)
    python bench/run.py                          # full sizes (2,000 meetings at x4): about 35 minutes on 2 cores
    python bench/run.py --quick --json out.json  # also write {"machine", "settings", "figures", "details"}
    python bench/run.py --quick --only history_incremental_vs_full
    python bench/run.py --only scrape,portals --projection   # and the projection for Sweden (bench/projection.py)

A synthetic Meetings Plus portal (``scraper/replica/synthetic.py``) is served by the replica in a
child process and scraped in this process, at the base size (x1) and, with ``--scrape-scale N``,
at N times as many meetings and protocols (a deeper archive, the same committees). The package is
in parts (``data/<resource>/<organisation>/<year>.csv``, paragraphs by month). ``--quick``
scrapes one size, large enough for the 1% goal to mean something, and measures history and search
at two sizes each; the full run measures everything at x1 and x4. At each size:

- ``no_change_vs_full``: wall time of a scrape of the unchanged portal (the median of five runs)
  / the full first scrape (checked: no document downloaded, no commit, no error), with the ratio of
  requests beside it;
- ``one_change_vs_full``: the run after one recent meeting's protocol was corrected / the full
  run; ``one_change_git_bytes``: bytes that commit added to ``.git`` (its loose objects) / the size
  of ``.git``; ``one_change_bytes_vs_part``: the same bytes / the size of the part that holds the
  changed paragraph;
- ``largest_part``: the size of the largest part file of the package / 50 MB (GitHub's warning);
- ``pipeline_vs_raw_extraction``: full-run seconds per protocol page / raw pypdfium2 seconds per
  page of the same PDFs (every n-th protocol, ``--raw-pages`` pages or so), with the run's stages in
  this process and inside the document worker processes; ``extractor_vs_alternative``
  (x1): the pipeline's extractor against pypdf, pdfminer.six and pdfplumber (those installed) on a
  sample of the same PDFs;
- ``validate_incremental_vs_full``: validation inside the one-change run / validating the whole
  package; ``validate_vs_frictionless_cli``: the whole package in process / ``frictionless
  validate`` as a process;
- ``portals_parallel_vs_serial`` (group ``portals``): an unchanged run over ``--portals`` small
  portals, each on a host (port) of its own with ``--portal-delay`` seconds between requests:
  wall time with one job per host / the sum of the per-host times of a run one host at a time
  (``bench/portals.py``);
- ``history_incremental_vs_full``: history build of one new commit / the full build of the
  commits before it, a generated history (``--history-commits`` commits of small edits on top of the package of a scrape of a
  smaller portal, ``--history-meetings`` and ``--history-pages``, at x1 and ``--scale``: every
  commit rewrites the parts it edits, so the history's cost follows the parts' size);
  ``history_full_vs_git_history``: the full build / git-history over the same first
  ``--history-compare-commits`` commits and every part file (``--quick``: at x1 only);
- ``fts_vs_like_p95``: the site's search (``/-/search.json``: FTS5, ranked, snippets, count
  capped) / a LIKE scan of the same column through the table API, p95 latency over
  ``--fts-queries`` queries, at two table sizes; the FTS p95 is also held against 50 ms;
- ``pages_vs_table_p95`` (group ``pages``): the pages for people (meeting, person, case,
  committee) against Datasette's table page for the same rows, p95 over ``--page-requests``
  requests of each kind, in the database ``meetings build`` makes of the scrape's repository at its
  largest size (scraped anew when the ``scrape`` group did not run); the ratio is that of the
  slowest page kind, whose p95 is held against 200 ms (``bench/pages.py``);
- ``scaling``: for each figure measured at both sizes, ratio at the larger / ratio at x1.

Goals of our own, beyond those the benchmarks were built for, are marked "set here". Every figure
prints on one line with its inputs and the command that reproduces it. PDFs, FTS databases and repositories are kept under
``bench/out/`` (PDFs and FTS databases are reused by later runs).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import Figure, machine  # noqa: E402

OUT = ROOT / "bench" / "out"
LARGE_PART = 50_000_000  # bytes: GitHub warns about a file over 50 MB (scraper.run.LARGE_FILE)
PRESETS = {
    # quick: the pipeline at one size large enough for a 1% figure to mean something (a full run of
    # some 25 s), history and search at two sizes each; about 80 s on a 2-core machine
    "quick": {"committees": 2, "meetings": 100, "pages": 40, "scale": 2, "scrape_scale": 1, "history_meetings": 12,
              "history_pages": 10, "history_commits": 300, "history_compare_commits": 10, "fts_rows": [10_000, 20_000],
              "fts_queries": 100, "extractor_pages": 30, "raw_pages": 1500, "portals": 10, "portal_meetings": 12,
              "portal_delay": 0.1, "page_requests": 50},
    # full: 20 committees, 2,000 meetings and protocols of 40 pages at x4
    "full": {"committees": 20, "meetings": 500, "pages": 40, "scale": 4, "scrape_scale": 4, "history_meetings": 100,
             "history_pages": 10, "history_commits": 500, "history_compare_commits": 40,
             "fts_rows": [100_000, 1_000_000], "fts_queries": 200, "extractor_pages": 200, "raw_pages": 0, "portals": 20,
             "portal_meetings": 12, "portal_delay": 0.15, "page_requests": 200},
}
GROUPS = {
    "scrape": ["no_change_vs_full", "one_change_vs_full", "one_change_git_bytes", "one_change_bytes_vs_part", "largest_part",
               "pipeline_vs_raw_extraction", "validate_incremental_vs_full", "validate_vs_frictionless_cli"],
    "portals": ["portals_parallel_vs_serial"],
    "extractors": ["extractor_vs_alternative"],
    "history": ["history_incremental_vs_full", "history_full_vs_git_history"],
    "fts": ["fts_vs_like_p95"],
    "pages": ["pages_vs_table_p95"],
}
NAMES = [name for names in GROUPS.values() for name in names] + ["scaling"]
# Goals of ratio at xN / ratio at x1: 0.5 for "the small cost does not grow with the archive" (ideal
# 1/N; a third for one change, the goal at x4), 1.25 for "the ratio stays the same" (ideal 1;
# the part that holds a change and the largest part do not grow with a deeper archive), 1.0 for
# "the advantage holds or grows";
# None: shown for the trend only (the in-process gain over a CLI is its start-up, which does not grow).
# History at xN has N times the rows but the same number of commits: an incremental build reads the
# whole new version of each part a commit touched (git stores whole files), as every step of a full
# build does, so its ratio follows the number of commits and should hold, not fall, with size.
SCALING_GOALS: dict[str, float | None] = {
    "no_change_vs_full": 0.5, "one_change_vs_full": 1 / 3, "one_change_git_bytes": 0.5, "one_change_bytes_vs_part": 1.25,
    "largest_part": 1.25,
    "validate_incremental_vs_full": 0.5, "history_incremental_vs_full": 1.25,
    "pipeline_vs_raw_extraction": 1.25, "history_full_vs_git_history": 1.25, "fts_vs_like_p95": 1.0,
    "validate_vs_frictionless_cli": None,
}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes: the pipeline at one size, about 80 s on 2 cores")
    parser.add_argument("--json", type=Path, help="write machine, settings and figures to this file")
    parser.add_argument("--only", help="comma-separated figure names or groups (scrape, portals, extractors, history, fts, pages)")
    parser.add_argument("--committees", type=int)
    parser.add_argument("--meetings", type=int, help="meetings at the base size (x1), upcoming ones included")
    parser.add_argument("--protocols", type=int, help="protocols at x1 (default: every held meeting older than 10 days)")
    parser.add_argument("--pages", type=int, help="pages per protocol (about)")
    parser.add_argument("--scale", type=int, help="the second size of history, in multiples of the base (1: only the base)")
    parser.add_argument("--scrape-scale", type=int,
                        help="the second size of the pipeline figures, in multiples of the base (1: only the base)")
    parser.add_argument("--history-meetings", type=int,
                        help="meetings at x1 of the portal whose package starts the generated history")
    parser.add_argument("--history-pages", type=int, help="pages per protocol of that portal")
    parser.add_argument("--history-commits", type=int, help="commits of generated history (incremental against full)")
    parser.add_argument("--history-compare-commits", type=int,
                        help="the first N of them for the full build against git-history (slow: one transaction per item)")
    parser.add_argument("--fts-rows", help="comma-separated table sizes for the search figure")
    parser.add_argument("--fts-queries", type=int)
    parser.add_argument("--extractor-pages", type=int)
    parser.add_argument("--raw-pages", type=int,
                        help="pages of the scraped protocols that raw extraction reads (every n-th protocol; 0: all)")
    parser.add_argument("--portals", type=int, help="portals (one host each) of the side-by-side figure")
    parser.add_argument("--portal-meetings", type=int, help="meetings of each of those portals (2 committees, 4-page protocols)")
    parser.add_argument("--portal-delay", type=float, help="seconds between two requests to one of those hosts")
    parser.add_argument("--page-requests", type=int, help="requests per page kind of the pages figure (and as many table pages)")
    parser.add_argument("--projection", action="store_true",
                        help="also print the projection for Sweden from this run's figures (bench/projection.py)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT, help="working directory (default bench/out)")
    parser.add_argument("--cli-history", action="store_true",
                        help="also time `meetings history --full` and git-history as whole processes at x1 (on by default without --quick)")
    args = parser.parse_args(argv)
    preset = PRESETS["quick" if args.quick else "full"]
    for key, value in preset.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if isinstance(args.fts_rows, str):
        args.fts_rows = [int(v) for v in args.fts_rows.split(",") if v]
    args.cli_history = args.cli_history or not args.quick
    wanted = set()
    for item in (args.only.split(",") if args.only else list(GROUPS)):
        item = item.strip()
        if item in GROUPS:
            wanted.add(item)
        elif item == "scaling":
            wanted.update(("scrape", "history", "fts"))
        else:
            group = next((g for g, names in GROUPS.items() if item in names), None)
            if group is None:
                parser.error(f"unknown figure or group {item!r}; known: {', '.join(list(GROUPS) + NAMES)}")
            wanted.add(group)
    args.groups = wanted
    return args


def command(args: argparse.Namespace, only: str) -> str:
    """The command line that reproduces a figure (with this run's sizes)."""
    parts = ["python", "bench/run.py"]
    preset = PRESETS["quick" if args.quick else "full"]
    if args.quick:
        parts.append("--quick")
    for key in ("committees", "meetings", "protocols", "pages", "scale", "scrape_scale", "history_meetings", "history_pages",
                "history_commits", "history_compare_commits", "fts_queries", "extractor_pages", "raw_pages", "portals",
                "portal_meetings", "portal_delay", "page_requests"):
        value = getattr(args, key)
        if value is not None and value != preset.get(key):
            parts += [f"--{key.replace('_', '-')}", str(value)]
    if args.fts_rows != preset["fts_rows"]:
        parts += ["--fts-rows", ",".join(map(str, args.fts_rows))]
    if args.seed != 1:
        parts += ["--seed", str(args.seed)]
    parts += ["--only", only]
    return shlex.join(parts)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


# ---------------------------------------------------------------- groups


def synthetic_config(args: argparse.Namespace, scale: int, *, history: bool = False):
    from scraper.replica.synthetic import SyntheticConfig

    if history:
        base = SyntheticConfig(committees=args.committees, meetings=args.history_meetings, pages=args.history_pages,
                               seed=args.seed)
    else:
        base = SyntheticConfig(committees=args.committees, meetings=args.meetings, pages=args.pages,
                               protocols=args.protocols, seed=args.seed)
    return base.scaled(scale)


def scales(scale: int) -> list[int]:
    return [1] if scale <= 1 else [1, scale]


def scrape_figures(args: argparse.Namespace, results: dict[int, object]) -> list[Figure]:
    from bench.pipeline import ScaleResult

    figures: list[Figure] = []
    for scale, result in results.items():
        assert isinstance(result, ScaleResult)
        size = {"committees": args.committees, "meetings": result.meetings, "protocols": result.protocols,
                "protocol_pages": result.protocol_pages, "rows": sum(result.rows.values())}
        for build in (no_change_figure, one_change_figures, part_figures, pipeline_figure, validate_figures):
            figures += build(args, result, size, f"x{scale}")
    return figures


def no_change_figure(args: argparse.Namespace, result, size: dict, label: str) -> list[Figure]:
    full, unchanged = result.full, result.unchanged
    checks = {"documents_downloaded": unchanged.documents_downloaded, "commits": int(unchanged.commit is not None),
              "errors": len(unchanged.errors), "full_run_errors": len(full.errors),
              "every_unchanged_run_clean": result.unchanged_clean}
    checks_ok = (not unchanged.documents_downloaded and unchanged.commit is None and unchanged.ok and full.ok
                 and result.unchanged_clean)
    ratio = unchanged.seconds / full.seconds
    requests_ratio = unchanged.requests / full.requests
    return [Figure(
        "no_change_vs_full", ratio, "<= 0.01", ratio <= 0.01 and checks_ok, size, command(args, "no_change_vs_full"), label,
        numerator={"seconds": round(unchanged.seconds, 3), "runs_seconds": result.unchanged_seconds,
                   "requests": unchanged.requests, "not_modified": unchanged.not_modified,
                   "meetings_fetched": unchanged.meetings_fetched},
        denominator={"seconds": round(full.seconds, 3), "requests": full.requests,
                     "meetings_fetched": full.meetings_fetched},
        checks=checks, extra={"requests_ratio": round(requests_ratio, 5)},
        note=f"ratio: wall time, the median of {len(result.unchanged_seconds)} unchanged runs; requests "
             f"{unchanged.requests}/{full.requests} = {requests_ratio:.3g} (every one conditional: the listings, and "
             f"the meetings due by the re-check cadence: upcoming, held in the last 45 days, without a protocol); "
             f"unchanged-run stages (s): {_top(unchanged.stages)}")]


def one_change_figures(args: argparse.Namespace, result, size: dict, label: str) -> list[Figure]:
    full, one, git, part = result.full, result.one_change, result.git, result.changed_part
    changed = {r: c for r, c in one.records.items() if any(c.values())}
    checks = {"commit": one.commit is not None, "documents_downloaded": one.documents_downloaded,
              "records": changed, "errors": len(one.errors)}
    one_ok = one.commit is not None and one.documents_downloaded == 1 and one.ok
    larger = f"x{max(args.scrape_scale, 2)}"
    files = ", ".join(f"{name.removeprefix('datapackage/')} {size_ / 1e3:.0f} kB" for name, size_ in result.one_change_files.items())
    bytes_ratio = git["added"] / part["bytes"] if part.get("bytes") else None
    return [Figure(
        "one_change_vs_full", one.seconds / full.seconds, "grows with the change, not the repository (ratio at "
        f"{larger} <= {SCALING_GOALS['one_change_vs_full']:.3g} x ratio at x1)", None if one_ok else False,
        size, command(args, "one_change_vs_full"), label,
        numerator={"seconds": round(one.seconds, 3), "requests": one.requests, "documents_downloaded": one.documents_downloaded},
        denominator={"seconds": round(full.seconds, 3), "requests": full.requests},
        checks=checks, note=f"change: {'; '.join(one.changes)}; stages (s): {_top(one.stages, 7)}; "
                            f"in the workers (s): {_top(one.workers, 3)}"), Figure(
        "one_change_git_bytes", git["added"] / git["before_packed"],
        f"bytes added grow with the change, not the repository (set here: ratio at {larger} <= "
        f"{SCALING_GOALS['one_change_git_bytes']} x ratio at x1)", None,
        {**size, "package_bytes": result.package_bytes}, command(args, "one_change_git_bytes"), label,
        numerator={"bytes_added_as_committed": git["added"], "loose_objects": git["added_objects"],
                   "bytes_packed_against_parent": git["added_packed"]},
        denominator={"git_bytes_packed": git["before_packed"]},
        note="as committed: the commit's loose objects (a whole new compressed blob of every changed file, and the "
             "trees above them); packed against its parent: `git pack-objects --revs --thin` of HEAD^..HEAD, what a "
             f"push sends and about what `git gc` keeps; files the commit changed (size now): {files}"), Figure(
        "one_change_bytes_vs_part", bytes_ratio, "<= 2", bytes_ratio is not None and bytes_ratio <= 2 and part["matches_commit"],
        {**size, "part": part["path"]}, command(args, "one_change_bytes_vs_part"), label,
        numerator={"bytes_added_as_committed": git["added"], "loose_objects": git["added_objects"]},
        denominator={"part_bytes": part["bytes"], "part": part["path"]},
        checks={"part_matches_commit": part["matches_commit"], "paragraph_parts_committed": part["committed_paragraph_parts"]},
        note="numerator: the loose objects the one-change commit added (.git/objects/??/ after `git repack -adq` before "
             "the run); denominator: the part Partitioner gives the corrected meeting's paragraphs "
             f"({part['meeting_id']}), checked against the paragraph parts the commit changed")]


def part_figures(args: argparse.Namespace, result, size: dict, label: str) -> list[Figure]:
    package = result.package
    largest = package["largest_part"]
    by_resource = {r: f"{v['parts']} parts, {v['bytes'] / 1e6:.2f} MB" for r, v in package["resources"].items() if v["parts"]}
    return [Figure(
        "largest_part", largest["bytes"] / LARGE_PART, "< 1 (under 50 MB; the goal is at x4)", largest["bytes"] < LARGE_PART,
        {**size, "parts": sum(v["parts"] for v in package["resources"].values()), "package_bytes": result.package_bytes},
        command(args, "largest_part"), label,
        numerator={"bytes": largest["bytes"], "path": largest["path"]}, denominator={"bytes": LARGE_PART},
        note=f"every part file of every resource (scraper.package.part_files), after the one-change run; by resource: "
             f"{by_resource}; texts: {package['texts']['files']} files, {package['texts']['bytes'] / 1e6:.1f} MB")]


def pipeline_figure(args: argparse.Namespace, result, size: dict, label: str) -> list[Figure]:
    from bench.pipeline import INNER
    from bench.worker_stages import TASK, TASK_CPU

    full = result.full
    per_page = full.seconds / result.protocol_pages
    raw_per_page = result.raw_seconds / result.raw_pages
    stage_ms = {k: round(v * 1000 / result.protocol_pages, 3) for k, v in full.stages.items()}
    worker_ms = {k: round(v * 1000 / result.protocol_pages, 3) for k, v in full.workers.items()}
    ratio = per_page / raw_per_page
    return [Figure(
        "pipeline_vs_raw_extraction", ratio, "<= 1.5", ratio <= 1.5, size, command(args, "pipeline_vs_raw_extraction"), label,
        numerator={"seconds": round(full.seconds, 3), "pages": result.protocol_pages, "ms_per_page": _ms(per_page)},
        denominator={"seconds": round(result.raw_seconds, 3), "pages": result.raw_pages, "ms_per_page": _ms(raw_per_page)},
        extra={"worker_ms_per_page": worker_ms.get(TASK, 0.0), "worker_cpu_ms_per_page": worker_ms.get(TASK_CPU, 0.0),
               "main_cpu_ms_per_page": _ms(full.cpu_seconds / result.protocol_pages)},
        note=f"full-run wall ms per protocol page by stage in this process ({', '.join(sorted(INNER))} run inside "
             f"another stage): {_top(stage_ms, 12)}; inside the {full.worker_tasks} document tasks, summed over the "
             f"worker processes: {_top(worker_ms, 5)}")]


def validate_figures(args: argparse.Namespace, result, size: dict, label: str) -> list[Figure]:
    one = result.one_change
    validation = one.stages.get("validate changes", 0.0) + one.stages.get("validate package (frictionless)", 0.0)
    ratio = validation / result.validate_full_seconds
    figures = [Figure(
        "validate_incremental_vs_full", ratio, "<= 0.05", ratio <= 0.05, size,
        command(args, "validate_incremental_vs_full"), label,
        numerator={"seconds": round(validation, 3),
                   "records_validated": one.calls.get("validate records (per record)", 0),
                   "package_validations": one.calls.get("validate package (frictionless)", 0)},
        denominator={"seconds": round(result.validate_full_seconds, 3)},
        note="numerator: validation inside the one-change run (validate_changes: changed records and their references, "
             "+ validate_package of the parts written); denominator: validate_package of the whole package")]
    if result.validate_cli_seconds:
        ratio = result.validate_full_seconds / result.validate_cli_seconds
        figures.append(Figure(
            "validate_vs_frictionless_cli", ratio, "<= 1 (set here)", ratio <= 1 and result.validate_cli_ok, size,
            command(args, "validate_vs_frictionless_cli"), label,
            numerator={"seconds": round(result.validate_full_seconds, 3), "how": "validate_package in process"},
            denominator={"seconds": round(result.validate_cli_seconds, 3), "how": result.validate_cli_command},
            checks={"cli_valid": result.validate_cli_ok}))
    return figures


def _top(stages: dict[str, float], count: int = 5) -> str:
    items = sorted(stages.items(), key=lambda kv: -kv[1])[:count]
    return ", ".join(f"{k} {v:.3g}" for k, v in items)


def extractor_figures(args: argparse.Namespace) -> list[Figure]:
    from bench import extraction
    from bench.pipeline import protocol_paths
    from scraper.replica.synthetic import SyntheticPortal

    portal = SyntheticPortal(synthetic_config(args, 1), args.out / "pdf-cache")
    docs = portal.protocol_docs(1)
    portal.warm(docs)
    paths = protocol_paths(portal, 1)
    texts = [portal.protocol_text(*doc.builder[1]) for doc in docs]
    samples = extraction.sample(list(zip(paths, texts)), args.extractor_pages)
    results = extraction.run(samples)
    chosen = results["chosen (extract_text)"]
    raw = results["pypdfium2 raw"]
    figures = []
    for name, result in results.items():
        if name in ("chosen (extract_text)", "pypdfium2 raw"):
            continue
        ratio = chosen.per_page / result.per_page
        figures.append(Figure(
            "extractor_vs_alternative", ratio, "< 1 (set here: the chosen extractor is faster)", ratio < 1,
            {"alternative": name, "pdfs": len(samples), "pages": chosen.pages}, command(args, "extractor_vs_alternative"), name,
            numerator={"ms_per_page": _ms(chosen.per_page), "åäöÅÄÖ§_kept": round(chosen.swedish_kept, 4),
                       "how": "extract_text (pypdfium2 + layout + header removal)"},
            denominator={"ms_per_page": _ms(result.per_page), "åäöÅÄÖ§_kept": round(result.swedish_kept, 4)},
            note=f"raw pypdfium2: {_ms(raw.per_page)} ms/page ({raw.per_page / result.per_page:.3g} x {name})"))
    return figures


def history_figures(args: argparse.Namespace, results: dict[int, object]) -> list[Figure]:
    from bench.history_bench import HistoryResult

    figures = []
    for scale, result in results.items():
        assert isinstance(result, HistoryResult)
        label = f"x{scale}"
        inputs = {"commits": result.commits, "rows": result.rows, "csv_bytes": result.csv_bytes,
                  "portal": f"{args.committees} committees, {args.history_meetings * scale} meetings, "
                            f"~{args.history_pages} pages per protocol",
                  "repository": "generated with git fast-import on the scraped package, in parts; a commit rewrites "
                                "the parts it edits"}
        compared = {**inputs, "commits": result.compared_commits, "parts": result.parts}
        ratio = result.incremental_seconds / result.full_seconds
        figures.append(Figure(
            "history_incremental_vs_full", ratio, "<= 0.02", ratio <= 0.02, inputs, command(args, "history_incremental_vs_full"),
            label, numerator={"seconds": round(result.incremental_seconds, 4), "runs_seconds": result.incremental_runs,
                              "commits_read": 1},
            denominator={"seconds": round(result.full_seconds, 4), "commits_read": result.commits}))
        if result.git_history_seconds is None and result.git_history_error is None:
            continue  # not compared at this size (--quick compares at x1 only)
        if result.git_history_seconds is None:
            figures.append(Figure("history_full_vs_git_history", None, "<= 0.2 (at least 5x faster)", None, compared,
                                  command(args, "history_full_vs_git_history"), label, note=result.git_history_error or ""))
            continue
        ratio = result.compared_full_seconds / result.git_history_seconds
        note = (f"both in process, same repository, same {result.compared_commits} commits, all {result.parts} part files of "
                "the 11 resources; git-history run once per part with --id <primary key> --namespace <the part> --csv "
                "--dialect excel --wal --silent; ours also writes field-level `changes` rows and records removals, "
                "git-history stores only changed columns per version")
        if result.cli:
            note += "; as whole processes: " + ", ".join(f"{k} {v:.2f}s" for k, v in result.cli.items())
        figures.append(Figure(
            "history_full_vs_git_history", ratio, "<= 0.2 (at least 5x faster)", ratio <= 0.2, compared,
            command(args, "history_full_vs_git_history"), label,
            numerator={"seconds": round(result.compared_full_seconds, 3), "versions": result.ours_versions, "changes": result.ours_changes},
            denominator={"seconds": round(result.git_history_seconds, 3), "versions": result.git_history_versions},
            note=note))
    return figures


def fts_figures(args: argparse.Namespace, results: list) -> list[Figure]:
    figures = []
    for result in results:
        ratio = result.fts_p95 / result.like_p95
        size = (f"{result.rows / 1_000_000:g}M" if result.rows >= 1_000_000 else
                f"{result.rows / 1000:g}k" if result.rows >= 1000 else str(result.rows))
        national = result.rows >= 1_000_000  # the goal's size; on small tables a LIKE scan is cheap too
        goal = "<= 0.05 and FTS p95 <= 50 ms" if national else "FTS p95 <= 50 ms (the ratio's goal is at 1M rows)"
        figures.append(Figure(
            "fts_vs_like_p95", ratio, goal, result.fts_p95 <= 0.05 and (ratio <= 0.05 or not national),
            {"rows": result.rows, "queries": result.queries, "db_bytes": result.db_bytes,
             "sizes": "quick sizes" if args.quick else "full sizes"},
            command(args, "fts_vs_like_p95"), size,
            numerator={"p95_ms": _ms(result.fts_p95), "median_ms": _ms(result.fts_median),
                       "mean_matches": round(result.fts_matches, 1), "how": "/-/search.json?q=WORD"},
            denominator={"p95_ms": _ms(result.like_p95), "median_ms": _ms(result.like_median),
                         "mean_matches": round(result.like_matches, 1), "how": "?text__contains=WORD",
                         "over_3s_site_limit": result.like_over_site_limit},
            note="Datasette in process as meetings serve configures it; search: ranked within the newest 2,000 matches, "
                 "20 hits with snippets, matches counted up to 10,000; LIKE: table API, _nosuggest=1, _size=20, counted"))
    return figures


def scaling_figures(args: argparse.Namespace, figures: list[Figure]) -> list[Figure]:
    out = []
    by_name: dict[str, list[Figure]] = {}
    for figure in figures:
        if figure.name in SCALING_GOALS and figure.ratio is not None:
            by_name.setdefault(figure.name, []).append(figure)
    for name, found in by_name.items():
        if len(found) < 2:
            continue
        small, large = found[0], found[-1]
        if not small.ratio:
            continue
        ratio = large.ratio / small.ratio
        limit = SCALING_GOALS[name]
        met = None if limit is None else ratio <= limit
        goal = "none (trend only)" if limit is None else f"<= {limit} (set here)"
        out.append(Figure(
            "scaling", ratio, goal, met, {"of": name, "sizes": f"{small.scale} -> {large.scale}"},
            command(args, name), name,
            numerator={"ratio": round(large.ratio, 5), "at": large.scale},
            denominator={"ratio": round(small.ratio, 5), "at": small.scale}))
        if name in ("one_change_vs_full", "one_change_git_bytes"):
            for figure in found:
                if figure.met is None:
                    figure.met = met
    return out


def pages_figures(args: argparse.Namespace, result, scale: int) -> list[Figure]:
    from bench.pages import GOAL_MS

    measured = [kind for kind in result.kinds if kind.pages]
    if not measured:
        return []
    slowest = max(measured, key=lambda kind: kind.page_p95)
    ratio = slowest.page_p95 / slowest.table_p95 if slowest.table_p95 else None
    errors = sum(kind.errors for kind in result.kinds)
    return [Figure(
        "pages_vs_table_p95", ratio, f"page p95 <= {GOAL_MS:.0f} ms (set here)",
        slowest.page_p95 <= GOAL_MS and not errors,
        {"requests_per_kind": args.page_requests, "rows": result.rows, "db_bytes": result.db_bytes},
        command(args, "pages_vs_table_p95"), f"x{scale}",
        numerator={"kind": slowest.name, "p95_ms": round(slowest.page_p95, 1), "how": f"/{slowest.name}/ID"},
        denominator={"p95_ms": round(slowest.table_p95, 1), "how": "the table page of the same rows"},
        checks={"not_200": errors},
        extra={kind.name + "_p95_ms": round(kind.page_p95, 1) for kind in measured},
        note="Datasette in process as meetings serve configures it; each page kind against its table page "
             "(meeting: paragraphs?meeting_id=, person: attendance?person_id=, case: paragraphs?case_number=, "
             f"committee: meetings?committee_id=); database built in {result.build_seconds:.1f}s")]


def portals_figures(args: argparse.Namespace, result) -> list[Figure]:
    from statistics import median

    ratio = result.ratio
    wall_ratio = median(result.parallel) / median(result.serial)
    return [Figure(
        "portals_parallel_vs_serial", ratio, "<= 0.15", ratio <= 0.15 and result.clean,
        {"portals": result.portals, "hosts": result.portals, "delay_seconds": result.delay, "committees": 2,
         "meetings_per_portal": args.portal_meetings, "runs": len(result.parallel)},
        command(args, "portals_parallel_vs_serial"), f"{result.portals}hosts",
        numerator={"seconds": round(median(result.parallel), 3), "runs_seconds": result.parallel, "jobs": result.portals,
                   "slowest_host_seconds": round(median(result.parallel_host_max), 3), "requests": result.requests},
        denominator={"seconds": round(median(result.serial_host_sums), 3), "runs_seconds": result.serial_host_sums,
                     "jobs": 1, "serial_wall_seconds": round(median(result.serial), 3)},
        checks={"every_unchanged_run_clean": result.clean, "errors": len(result.errors)},
        extra={"parallel_vs_serial_wall": round(wall_ratio, 5), "ideal": round(1 / result.portals, 4)},
        note=f"unchanged runs, alternating, median of {len(result.parallel)} each; numerator: wall time with jobs="
             f"{result.portals}; denominator: the sum of the per-host times of the run with jobs=1, a host's time being "
             f"the time inside its crawl (crawl.portal_events: requests, the delays between them, page parsing), "
             f"timed in that run; {result.requests} requests a run ({result.not_modified} answered 304), the full "
             f"scrape first with jobs={result.portals}: {result.full.seconds:.1f}s; side-by-side run stages (s): "
             f"{_top(result.stages, 6)}")]


# ---------------------------------------------------------------- groups, run


def scrape_group(args: argparse.Namespace) -> tuple[list[Figure], dict]:
    from bench.pipeline import run_scale

    results = {}
    for scale in scales(args.scrape_scale):
        config = synthetic_config(args, scale)
        say(f"scrape x{scale}: {config.committees} committees, {config.meetings} meetings, ~{config.pages} pages per protocol")
        results[scale] = run_scale(config, scale, args.out / f"x{scale}", args.out / "pdf-cache", raw_pages=args.raw_pages,
                                   say=say)
    return scrape_figures(args, results), {"scrape": {f"x{s}": asdict(r) for s, r in results.items()}}


def portals_group(args: argparse.Namespace) -> tuple[list[Figure], dict]:
    from bench import portals
    from scraper.replica.synthetic import SyntheticConfig

    config = SyntheticConfig(committees=2, meetings=args.portal_meetings, pages=4, seed=args.seed)
    say(f"portals: {args.portals} portals on {args.portals} hosts, {config.meetings} meetings each, "
        f"{args.portal_delay}s between requests to a host")
    result = portals.run(config, args.portals, args.portal_delay, args.out / "portals", args.out / "pdf-cache", say=say)
    return portals_figures(args, result), {"portals": asdict(result)}


def extractors_group(args: argparse.Namespace) -> tuple[list[Figure], dict]:
    say("extractors")
    return extractor_figures(args), {}


def history_group(args: argparse.Namespace) -> tuple[list[Figure], dict]:
    from bench import history_bench
    from bench.pipeline import scrape_package

    results = {}
    for scale in scales(args.scale):
        config = synthetic_config(args, scale, history=True)
        say(f"history x{scale}: the package of {config.committees} committees, {config.meetings} meetings, "
            f"~{config.pages} pages per protocol, then {args.history_commits} commits, the first "
            f"{args.history_compare_commits} against git-history")
        package_dir = scrape_package(config, args.out / f"x{scale}-history-portal", args.out / "pdf-cache", say=say)
        results[scale] = history_bench.run(package_dir, args.out / f"x{scale}-history", args.history_commits, args.seed,
                                           compare_commits=args.history_compare_commits,
                                           git_history=scale == 1 or not args.quick,
                                           cli=args.cli_history and scale == 1, say=say)
    return history_figures(args, results), {}


def fts_group(args: argparse.Namespace) -> tuple[list[Figure], dict]:
    from bench import search

    results = []
    for rows in args.fts_rows:
        say(f"search: {rows} rows, {args.fts_queries} queries")
        results.append(search.run(args.out / "fts", rows, args.fts_queries, args.seed))
    return fts_figures(args, results), {}


def pages_group(args: argparse.Namespace) -> tuple[list[Figure], dict]:
    from bench import pages
    from bench.pipeline import scrape_package

    scale = scales(args.scrape_scale)[-1]
    repo = args.out / f"x{scale}" / "repo"
    if "scrape" not in args.groups or not (repo / ".git").exists():
        config = synthetic_config(args, scale)
        say(f"pages x{scale}: scraping {config.committees} committees, {config.meetings} meetings")
        repo = scrape_package(config, args.out / f"x{scale}-pages-portal", args.out / "pdf-cache", say=say).parent
    say(f"pages x{scale}: building the site's database, {args.page_requests} requests per page kind")
    result = pages.run(repo, args.out / "pages" / f"x{scale}.db", args.page_requests, args.seed, rebuild=True)
    return pages_figures(args, result, scale), {"pages": {"rows": result.rows, "db_bytes": result.db_bytes}}


RUNNERS = {"scrape": scrape_group, "portals": portals_group, "extractors": extractors_group, "history": history_group,
           "fts": fts_group, "pages": pages_group}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    info = machine()
    settings = {k: (str(v) if isinstance(v, Path) else sorted(v) if isinstance(v, set) else v)
                for k, v in vars(args).items() if k not in ("json",)}
    say(f"machine: {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB, Python {info['python']}")
    figures: list[Figure] = []
    details: dict[str, Any] = {}
    group_seconds: dict[str, float] = {}
    payload = {"machine": info, "settings": settings, "group_seconds": group_seconds, "figures": [], "details": details}
    for group, runner in RUNNERS.items():
        if group in args.groups:
            mark = time.perf_counter()
            found, detail = runner(args)
            figures += found
            details.update(detail)
            group_seconds[group] = round(time.perf_counter() - mark, 1)
            write_json(args.json, {**payload, "figures": [f.as_dict() for f in figures], "incomplete": True})
    figures += scaling_figures(args, figures)
    elapsed = time.perf_counter() - started
    print(f"# {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, Python {info['python']}; "
          f"{'quick' if args.quick else 'full'} run in {elapsed:.0f}s ("
          + ", ".join(f"{group} {seconds:.0f}s" for group, seconds in group_seconds.items()) + ")")
    for figure in figures:
        print(figure.line())
    payload.update(seconds=round(elapsed, 1), figures=[f.as_dict() for f in figures])
    if args.projection:
        from bench import projection

        print(projection.render(projection.project(payload)))
    write_json(args.json, payload)
    failed = [f for f in figures if f.checks and _checks_failed(f)]
    for figure in failed:
        say(f"CHECK FAILED: {figure.name}@{figure.scale}: {figure.checks}")
    return 1 if failed else 0


def write_json(path: Path | None, payload: dict) -> None:
    """The figures so far (``incomplete`` until every group asked for has run), so a failing group loses no other."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def _checks_failed(figure: Figure) -> bool:
    checks = figure.checks
    if figure.name == "no_change_vs_full":
        return bool(checks["documents_downloaded"] or checks["commits"] or checks["errors"] or checks["full_run_errors"]
                    or not checks["every_unchanged_run_clean"])
    if figure.name == "one_change_vs_full":
        return not checks["commit"] or checks["documents_downloaded"] != 1 or bool(checks["errors"])
    if figure.name == "validate_vs_frictionless_cli":
        return not checks["cli_valid"]
    if figure.name == "portals_parallel_vs_serial":
        return not checks["every_unchanged_run_clean"]
    return False


if __name__ == "__main__":
    sys.exit(main())
