"""A projection for Sweden from the figures a benchmark run measured.

    python bench/run.py --json bench/out/full.json           # measure (the scrape and portals groups)
    python bench/projection.py bench/out/full.json           # then project, as often as wanted
    python bench/projection.py bench/out/full.json --organisations 300 --largest-factor 5

Measured, from the package of the largest scrape of the run (``details.scrape``): bytes per
protocol page of the resources that follow the pages (paragraphs, reservations, proposals,
corrections, summary items, and the extracted texts), bytes per meeting of those that follow the
meetings (meetings, agenda items, documents, attendance), parts per organisation-year, text files
per meeting, the size of ``.git`` against the package after the first commit, the thin pack of one
change, and the work of an unchanged run without the politeness delay; from the ``portals`` group
(``details.portals``), how far a run over many hosts side by side stretches past one host's time.

Given (the issue's figures, options below): 300 organisations (290 municipalities and 21 regions), about 30,000 meetings
and 1,000,000 protocol pages a year, an unchanged run of about 115 requests per portal at 2 s each,
the scheduled workflow's 20 jobs at a time. Assumed, and said so in the output: the largest
organisation's size against the average, the commits a meeting causes, and a job's start-up time.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PAGE_RESOURCES = ("paragraphs", "reservations", "proposals", "corrections", "summary_items")
MEETING_RESOURCES = ("meetings", "agenda_items", "documents", "attendance")
LARGE_PART = 50_000_000
MATRIX_LIMIT = 256  # jobs a GitHub Actions matrix may generate in one workflow run


@dataclass
class Sweden:
    organisations: int = 300  # the round figure for 290 municipalities and 21 regions
    years: int = 10
    meetings_per_year: int = 30_000
    pages_per_year: int = 1_000_000
    requests: int = 115  # an unchanged run of one portal
    delay: float = 2.0  # seconds between requests to a host
    parallel_jobs: int = 20  # the workflow's max-parallel
    job_overhead: float = 60.0  # assumed: checkout, Python, install, cache, push of one job (not measured here)
    largest_factor: float = 10.0  # assumed: the largest organisation against the average one
    commits_per_meeting: float = 3.0  # assumed: agenda published, protocol published, one more change


def measured(payload: dict[str, Any]) -> dict[str, Any]:
    """The per-unit figures of the largest scrape of a run (and of its portals group, if run)."""
    scrapes = payload.get("details", {}).get("scrape") or {}
    if not scrapes:
        raise ValueError("the run measured no scrape: run bench/run.py with the scrape group (and portals)")
    label = max(scrapes, key=lambda key: int(key.lstrip("x")))
    scrape = scrapes[label]
    package, resources = scrape["package"], scrape["package"]["resources"]
    pages, meetings = scrape["protocol_pages"], scrape["meetings"]
    grain = lambda g: sum(r["parts"] for r in resources.values() if r["grain"] == g)  # noqa: E731
    out = {
        "scale": label, "pages": pages, "meetings": meetings, "package_bytes": scrape["package_bytes"],
        "page_bytes": sum(resources[r]["bytes"] for r in PAGE_RESOURCES if r in resources) + package["texts"]["bytes"],
        "paragraph_bytes": resources["paragraphs"]["bytes"], "texts": package["texts"]["files"],
        "paragraph_rows": scrape["rows"]["paragraphs"],
        "meeting_bytes": {r: resources[r]["bytes"] for r in MEETING_RESOURCES if r in resources},
        "page_resource_bytes": {r: resources[r]["bytes"] for r in PAGE_RESOURCES if r in resources and r != "paragraphs"},
        "organisation_years": package["organisation_years"], "organisations": package["organisations"],
        "parts": {"organisation": grain("organisation"), "year": grain("year"), "month": grain("month")},
        "largest_part": package["largest_part"], "git_packed": scrape["git"]["before_packed"],
        "thin_pack": scrape["git"]["added_packed"], "unchanged_seconds": scrape["unchanged"]["seconds"],
        "loose_bytes": scrape["git"]["added"], "changed_file_bytes": sum(scrape["one_change_files"].values()),
        "unchanged_requests": scrape["unchanged"]["requests"],
    }
    portals = payload.get("details", {}).get("portals")
    if portals:
        mean_host = _median(portals["serial_host_sums"]) / portals["portals"]
        out["stretch"] = _median(portals["parallel"]) / mean_host
        out["stretch_hosts"] = portals["portals"]
    return out


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if len(ordered) % 2 else (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2


def _mb(value: float) -> str:
    return f"{value / 1e6:,.1f} MB" if value < 1e9 else f"{value / 1e9:,.2f} GB"


def units(m: dict[str, Any]) -> dict[str, float]:
    """Bytes per page and per meeting, parts per organisation(-year), text files per meeting."""
    return {
        "page": m["page_bytes"] / m["pages"], "paragraph_page": m["paragraph_bytes"] / m["pages"],
        "meeting": sum(m["meeting_bytes"].values()) / m["meetings"],
        "parts_org": m["parts"]["organisation"] / m["organisations"],
        "parts_org_year": (m["parts"]["year"] + m["parts"]["month"]) / m["organisation_years"],
        "texts_meeting": m["texts"] / m["meetings"], "packed_ratio": m["git_packed"] / m["package_bytes"],
        "object_ratio": m["loose_bytes"] / m["changed_file_bytes"],
    }


def project(payload: dict[str, Any], se: Sweden | None = None) -> list[str]:
    """The projection as lines of arithmetic: measured figures first, then each result with its sum."""
    se = se or Sweden()
    m = measured(payload)
    u = units(m)
    lines = [f"Measured at {m['scale']}: {m['meetings']:,} meetings, {m['pages']:,} protocol pages, "
             f"{m['organisation_years']} organisation-years, package {_mb(m['package_bytes'])}",
             f"  bytes per protocol page (paragraphs, reservations, proposals, corrections, summaries, texts) = "
             f"{m['page_bytes']:,} / {m['pages']:,} = {u['page']:,.0f}; of which paragraphs {u['paragraph_page']:,.0f} "
             f"({m['paragraph_bytes']:,} bytes / {m['paragraph_rows']:,} rows = {m['paragraph_bytes'] / m['paragraph_rows']:,.0f} "
             f"bytes per paragraph row, {m['paragraph_rows'] / m['pages']:.2f} rows per page)",
             f"  bytes per meeting (meetings, agenda items, documents, attendance) = {sum(m['meeting_bytes'].values()):,} / "
             f"{m['meetings']:,} = {u['meeting']:,.0f}",
             f"  parts: {m['parts']['organisation']} per organisation; per organisation-year ({m['parts']['year']} yearly + "
             f"{m['parts']['month']} monthly) / {m['organisation_years']} = {u['parts_org_year']:.1f}; text files per meeting "
             f"{m['texts']:,} / {m['meetings']:,} = {u['texts_meeting']:.2f}"]
    lines += _sizes(se, m, u) + _largest(se, m, u) + _hourly(se, m)
    return lines


def _sizes(se: Sweden, m: dict[str, Any], u: dict[str, float]) -> list[str]:
    parts = se.organisations * u["parts_org"] + se.organisations * se.years * u["parts_org_year"]
    per_year = se.meetings_per_year * u["meeting"] + se.pages_per_year * u["page"]
    package = se.years * per_year
    commits = se.commits_per_meeting * se.meetings_per_year * se.years
    history = commits * m["thin_pack"]
    git = u["object_ratio"] * package + history
    return [
        f"Sweden, {se.organisations} organisations, {se.years} years, {se.meetings_per_year:,} meetings and "
        f"{se.pages_per_year:,} pages a year:",
        f"  parts = {se.organisations} x {u['parts_org']:.0f} + {se.organisations} x {se.years} x {u['parts_org_year']:.1f} "
        f"= {parts:,.0f} CSV files, and {se.meetings_per_year:,} x {se.years} x {u['texts_meeting']:.2f} = "
        f"{se.meetings_per_year * se.years * u['texts_meeting']:,.0f} text files",
        f"  package (the checkout) = {se.years} x ({se.meetings_per_year:,} x {u['meeting']:,.0f} + {se.pages_per_year:,} x "
        f"{u['page']:,.0f}) = {_mb(package)}",
        f"  .git = {u['object_ratio']:.3f} (each file compressed alone: loose objects of the one-change commit "
        f"{m['loose_bytes']:,} / its files {m['changed_file_bytes']:,}) x package + {commits:,.0f} commits (assumed "
        f"{se.commits_per_meeting:g} a meeting) x {m['thin_pack']:,} bytes (thin pack of one change) = {_mb(git)} "
        f"(with the packed ratio measured on the synthetic package, {u['packed_ratio']:.3f}, whose protocols repeat "
        f"one real protocol's text: {_mb(u['packed_ratio'] * package + history)})",
        f"  repository (checkout + .git) = {_mb(package)} + {_mb(git)} = {_mb(package + git)}",
    ]


def _largest(se: Sweden, m: dict[str, Any], u: dict[str, float]) -> list[str]:
    pages = se.largest_factor * se.pages_per_year / se.organisations
    meetings = se.largest_factor * se.meetings_per_year / se.organisations
    month = u["paragraph_page"] * pages / 12
    yearly = {r: b / m["meetings"] * meetings for r, b in m["meeting_bytes"].items()}
    yearly.update({r: b / m["pages"] * pages for r, b in m["page_resource_bytes"].items()})
    name, size = max(yearly.items(), key=lambda item: item[1])
    return [
        f"  largest part: an organisation {se.largest_factor:g} x the average (assumed) has {pages:,.0f} pages and "
        f"{meetings:,.0f} meetings a year; its paragraphs month = {u['paragraph_page']:,.0f} x {pages:,.0f} / 12 = "
        f"{_mb(month)}; its largest yearly part ({name}) = {_mb(size)}; a paragraphs month reaches 50 MB at "
        f"{LARGE_PART / u['paragraph_page']:,.0f} pages a month (measured largest part: {m['largest_part']['path']}, "
        f"{_mb(m['largest_part']['bytes'])})",
    ]


def _hourly(se: Sweden, m: dict[str, Any]) -> list[str]:
    host = se.requests * se.delay
    job = host + m["unchanged_seconds"]
    waves = math.ceil(se.organisations / se.parallel_jobs)
    lines = [
        f"  hourly unchanged run, one job per portal, {se.parallel_jobs} at a time: a job = {se.requests} requests x "
        f"{se.delay:g} s + {m['unchanged_seconds']:.2f} s of work (measured: {m['unchanged_requests']} requests at "
        f"{m['scale']}) = {job:.0f} s; {waves} waves x {job:.0f} s = {waves * job / 60:.1f} min, "
        f"{waves * (job + se.job_overhead) / 60:.1f} min with {se.job_overhead:.0f} s of job start-up (assumed), "
        f"against the hour between two scheduled runs",
    ]
    if se.organisations > MATRIX_LIMIT:
        lines.append(f"  {se.organisations} jobs: over the {MATRIX_LIMIT} jobs a GitHub Actions matrix may generate in one run")
    if "stretch" in m:
        per_job = math.ceil(se.organisations / se.parallel_jobs)
        wall = m["stretch"] * host + m["unchanged_seconds"] * per_job + se.job_overhead
        lines.append(
            f"  sharded by groups instead: {se.parallel_jobs} jobs of {per_job} portals with --jobs {per_job} (meetings shards "
            f"--per-job {per_job}): measured stretch of a side-by-side run over {m['stretch_hosts']} hosts = wall / mean "
            f"host time = {m['stretch']:.2f}; a job = {m['stretch']:.2f} x {host:.0f} s + {per_job} x "
            f"{m['unchanged_seconds']:.2f} s + {se.job_overhead:.0f} s = {wall / 60:.1f} min, one wave")
    return lines


def render(lines: list[str]) -> str:
    return "\n".join(["# Projection for Sweden (bench/projection.py)", *lines])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("figures", type=Path, help="the JSON a run wrote (bench/run.py --json FILE)")
    defaults = Sweden()
    for name, value in vars(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args(argv)
    payload = json.loads(args.figures.read_text(encoding="utf-8"))
    se = Sweden(**{name: getattr(args, name) for name in vars(defaults)})
    print(render(project(payload, se)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
