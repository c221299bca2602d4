"""Benchmarks of the pipeline, each figure a ratio of two things measured side by side in one run.

    python bench/run.py --quick                  # about 80 s on 2 cores (less with bench/out/ cached)
    python bench/run.py                          # full sizes (2,000 meetings at x4): about half an hour
    python bench/run.py --quick --json out.json  # also write {"machine", "settings", "figures"}
    python bench/run.py --quick --only history_incremental_vs_full

A synthetic Meetings Plus portal (``scraper/replica/synthetic.py``) is served by the replica in a
child process and scraped in this process, at the base size (x1) and, with ``--scrape-scale N``,
at N times as many meetings and protocols (a deeper archive, the same committees). ``--quick``
scrapes one size, large enough for the 1% goal to mean something, and measures history and search
at two sizes each; the full run measures everything at x1 and x4. At each size:

- ``no_change_vs_full``: wall time of a scrape of the unchanged portal (the median of five runs)
  / the full first scrape (checked: no document downloaded, no commit, no error), with the ratio of
  requests beside it;
- ``one_change_vs_full``: the run after one recent meeting's protocol was corrected / the full
  run; ``one_change_git_bytes``: bytes that commit added to ``.git`` / the size of ``.git``;
- ``pipeline_vs_raw_extraction``: full-run seconds per protocol page / raw pypdfium2 seconds per
  page of the same PDFs (every n-th protocol, ``--raw-pages`` pages or so); ``extractor_vs_alternative``
  (x1): the pipeline's extractor against pypdf, pdfminer.six and pdfplumber (those installed) on a
  sample of the same PDFs;
- ``validate_incremental_vs_full``: validation inside the one-change run / validating the whole
  package; ``validate_vs_frictionless_cli``: the whole package in process / ``frictionless
  validate`` as a process;
- ``history_incremental_vs_full``: history build of one new commit / the full build of the
  commits before it, a generated history (``--history-commits`` commits of small edits on top of the package of a scrape of a
  smaller portal, ``--history-meetings`` and ``--history-pages``, at x1 and ``--scale``: every
  commit that touches a resource rewrites its whole CSV, so the history's cost follows the CSVs'
  size); ``history_full_vs_git_history``: the full build / git-history over the same first
  ``--history-compare-commits`` commits and all CSVs (``--quick``: at x1 only);
- ``fts_vs_like_p95``: the site's search (``/-/search.json``: FTS5, ranked, snippets, count
  capped) / a LIKE scan of the same column through the table API, p95 latency over
  ``--fts-queries`` queries, at two table sizes; the FTS p95 is also held against 50 ms;
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

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import Figure, machine  # noqa: E402

OUT = ROOT / "bench" / "out"
PRESETS = {
    # quick: the pipeline at one size large enough for a 1% figure to mean something (a full run of
    # some 25 s), history and search at two sizes each; about 80 s on a 2-core machine
    "quick": {"committees": 2, "meetings": 100, "pages": 40, "scale": 2, "scrape_scale": 1, "history_meetings": 12,
              "history_pages": 10, "history_commits": 300, "history_compare_commits": 10, "fts_rows": [10_000, 20_000],
              "fts_queries": 100, "extractor_pages": 30, "raw_pages": 1500},
    # full: 20 committees, 2,000 meetings and protocols of 40 pages at x4
    "full": {"committees": 20, "meetings": 500, "pages": 40, "scale": 4, "scrape_scale": 4, "history_meetings": 100,
             "history_pages": 10, "history_commits": 500, "history_compare_commits": 40,
             "fts_rows": [100_000, 1_000_000], "fts_queries": 200, "extractor_pages": 200, "raw_pages": 0},
}
GROUPS = {
    "scrape": ["no_change_vs_full", "one_change_vs_full", "one_change_git_bytes", "pipeline_vs_raw_extraction",
               "validate_incremental_vs_full", "validate_vs_frictionless_cli"],
    "extractors": ["extractor_vs_alternative"],
    "history": ["history_incremental_vs_full", "history_full_vs_git_history"],
    "fts": ["fts_vs_like_p95"],
}
NAMES = [name for names in GROUPS.values() for name in names] + ["scaling"]
# Goals of ratio at xN / ratio at x1: 0.5 for "the small cost does not grow with the archive" (ideal
# 1/N), 1.25 for "the ratio stays the same" (ideal 1), 1.0 for "the advantage holds or grows";
# None: shown for the trend only (the in-process gain over a CLI is its start-up, which does not grow).
# History at xN has N times the rows but the same number of commits: an incremental build reads the
# whole new version of each CSV a commit touched (git stores whole files), as every step of a full
# build does, so its ratio follows the number of commits and should hold, not fall, with size.
SCALING_GOALS: dict[str, float | None] = {
    "no_change_vs_full": 0.5, "one_change_vs_full": 0.5, "one_change_git_bytes": 0.5,
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
    parser.add_argument("--only", help="comma-separated figure names or groups (scrape, extractors, history, fts)")
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
                "history_commits", "history_compare_commits", "fts_queries", "extractor_pages", "raw_pages"):
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
        full, unchanged, one = result.full, result.unchanged, result.one_change
        size = {"committees": args.committees, "meetings": result.meetings, "protocols": result.protocols,
                "protocol_pages": result.protocol_pages, "rows": sum(result.rows.values())}
        label = f"x{scale}"
        checks = {"documents_downloaded": unchanged.documents_downloaded, "commits": int(unchanged.commit is not None),
                  "errors": len(unchanged.errors), "full_run_errors": len(full.errors),
                  "every_unchanged_run_clean": result.unchanged_clean}
        checks_ok = (not unchanged.documents_downloaded and unchanged.commit is None and unchanged.ok and full.ok
                     and result.unchanged_clean)
        ratio = unchanged.seconds / full.seconds
        requests_ratio = unchanged.requests / full.requests
        figures.append(Figure(
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
                 f"unchanged-run stages (s): {_top(unchanged.stages)}"))
        changed = {r: c for r, c in one.records.items() if any(c.values())}
        one_checks = {"commit": one.commit is not None, "documents_downloaded": one.documents_downloaded,
                      "records": changed, "errors": len(one.errors)}
        one_ok = one.commit is not None and one.documents_downloaded == 1 and one.ok
        figures.append(Figure(
            "one_change_vs_full", one.seconds / full.seconds, "grows with the change, not the repository (set here: "
            f"ratio at x{max(args.scrape_scale, 2)} <= {SCALING_GOALS['one_change_vs_full']} x ratio at x1)", None if one_ok else False,
            size, command(args, "one_change_vs_full"), label,
            numerator={"seconds": round(one.seconds, 3), "requests": one.requests, "documents_downloaded": one.documents_downloaded},
            denominator={"seconds": round(full.seconds, 3), "requests": full.requests},
            checks=one_checks, note=f"change: {'; '.join(one.changes)}; stages (s): {_top(one.stages)}"))
        git = result.git
        figures.append(Figure(
            "one_change_git_bytes", git["added"] / git["before_packed"],
            f"bytes added grow with the change, not the repository (set here: ratio at x{max(args.scrape_scale, 2)} <= "
            f"{SCALING_GOALS['one_change_git_bytes']} x ratio at x1)", None,
            {**size, "package_bytes": result.package_bytes}, command(args, "one_change_git_bytes"), label,
            numerator={"bytes_added_as_committed": git["added"], "bytes_packed_against_parent": git["added_packed"]},
            denominator={"git_bytes_packed": git["before_packed"]},
            note="as committed: loose objects, a whole new compressed blob of every changed CSV; packed against "
                 "its parent: `git pack-objects --revs --thin` of HEAD^..HEAD, what a push sends and about what "
                 "`git gc` keeps"))
        per_page = full.seconds / result.protocol_pages
        raw_per_page = result.raw_seconds / result.raw_pages
        stage_ms = {k: round(v * 1000 / result.protocol_pages, 3) for k, v in full.stages.items()}
        ratio = per_page / raw_per_page
        figures.append(Figure(
            "pipeline_vs_raw_extraction", ratio, "<= 1.5", ratio <= 1.5, size, command(args, "pipeline_vs_raw_extraction"), label,
            numerator={"seconds": round(full.seconds, 3), "pages": result.protocol_pages, "ms_per_page": _ms(per_page)},
            denominator={"seconds": round(result.raw_seconds, 3), "pages": result.raw_pages, "ms_per_page": _ms(raw_per_page)},
            note=f"full-run ms per protocol page by stage: {_top(stage_ms, 8)}; "
                 f"records validated one at a time: {full.calls.get('validate records (per record)', 0)}"))
        validation = one.stages.get("validate records (per record)", 0.0) + one.stages.get("validate package (frictionless)", 0.0)
        ratio = validation / result.validate_full_seconds
        figures.append(Figure(
            "validate_incremental_vs_full", ratio, "<= 0.1 (set here)", ratio <= 0.1, size,
            command(args, "validate_incremental_vs_full"), label,
            numerator={"seconds": round(validation, 3),
                       "records_validated": one.calls.get("validate records (per record)", 0),
                       "package_validations": one.calls.get("validate package (frictionless)", 0)},
            denominator={"seconds": round(result.validate_full_seconds, 3)},
            note="numerator: validation inside the one-change run (validate_rows per record + validate_package of the "
                 "new package); denominator: validate_package of the whole package"))
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
                  "repository": "generated with git fast-import on the scraped package"}
        compared = {**inputs, "commits": result.compared_commits}
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
        note = (f"both in process, same repository, same {result.compared_commits} commits, all 11 CSVs; git-history run once per CSV with "
                "--id <primary key> --namespace <resource> --csv --dialect excel --wal --silent; ours also writes "
                "field-level `changes` rows and records removals, git-history stores only changed columns per version")
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


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    info = machine()
    settings = {k: (str(v) if isinstance(v, Path) else sorted(v) if isinstance(v, set) else v)
                for k, v in vars(args).items() if k not in ("json",)}
    say(f"machine: {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB, Python {info['python']}")
    figures: list[Figure] = []
    scrape_results: dict[int, object] = {}
    group_seconds: dict[str, float] = {}
    mark = time.perf_counter()
    if "scrape" in args.groups:
        from bench.pipeline import run_scale

        for scale in scales(args.scrape_scale):
            config = synthetic_config(args, scale)
            say(f"scrape x{scale}: {config.committees} committees, {config.meetings} meetings, ~{config.pages} pages per protocol")
            scrape_results[scale] = run_scale(config, scale, out / f"x{scale}", out / "pdf-cache", raw_pages=args.raw_pages,
                                              say=say)
        figures += scrape_figures(args, scrape_results)
        group_seconds["scrape"] = round(time.perf_counter() - mark, 1)
        mark = time.perf_counter()
    if "extractors" in args.groups:
        say("extractors")
        figures += extractor_figures(args)
        group_seconds["extractors"] = round(time.perf_counter() - mark, 1)
        mark = time.perf_counter()
    if "history" in args.groups:
        from bench import history_bench
        from bench.pipeline import scrape_package

        history_results = {}
        for scale in scales(args.scale):
            config = synthetic_config(args, scale, history=True)
            say(f"history x{scale}: the package of {config.committees} committees, {config.meetings} meetings, "
                f"~{config.pages} pages per protocol, then {args.history_commits} commits, the first "
                f"{args.history_compare_commits} against git-history")
            package_dir = scrape_package(config, out / f"x{scale}-history-portal", out / "pdf-cache", say=say)
            history_results[scale] = history_bench.run(package_dir, out / f"x{scale}-history",
                                                       args.history_commits, args.seed,
                                                       compare_commits=args.history_compare_commits,
                                                       git_history=scale == 1 or not args.quick,
                                                       cli=args.cli_history and scale == 1,
                                                       say=say)
        figures += history_figures(args, history_results)
        group_seconds["history"] = round(time.perf_counter() - mark, 1)
        mark = time.perf_counter()
    if "fts" in args.groups:
        from bench import search

        fts_results = []
        for rows in args.fts_rows:
            say(f"search: {rows} rows, {args.fts_queries} queries")
            fts_results.append(search.run(out / "fts", rows, args.fts_queries, args.seed))
        figures += fts_figures(args, fts_results)
        group_seconds["fts"] = round(time.perf_counter() - mark, 1)
        mark = time.perf_counter()
    figures += scaling_figures(args, figures)
    elapsed = time.perf_counter() - started
    print(f"# {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, Python {info['python']}; "
          f"{'quick' if args.quick else 'full'} run in {elapsed:.0f}s ("
          + ", ".join(f"{group} {seconds:.0f}s" for group, seconds in group_seconds.items()) + ")")
    for figure in figures:
        print(figure.line())
    failed = [f for f in figures if f.checks and _checks_failed(f)]
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"machine": info, "settings": settings, "seconds": round(elapsed, 1), "group_seconds": group_seconds,
                   "figures": [f.as_dict() for f in figures],
                   "details": {"scrape": {f"x{s}": asdict(r) for s, r in scrape_results.items()}}}
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    for figure in failed:
        say(f"CHECK FAILED: {figure.name}@{figure.scale}: {figure.checks}")
    return 1 if failed else 0


def _checks_failed(figure: Figure) -> bool:
    checks = figure.checks
    if figure.name == "no_change_vs_full":
        return bool(checks["documents_downloaded"] or checks["commits"] or checks["errors"] or checks["full_run_errors"]
                    or not checks["every_unchanged_run_clean"])
    if figure.name == "one_change_vs_full":
        return not checks["commit"] or checks["documents_downloaded"] != 1 or bool(checks["errors"])
    if figure.name == "validate_vs_frictionless_cli":
        return not checks["cli_valid"]
    return False


if __name__ == "__main__":
    sys.exit(main())
