"""The benchmark runs end to end on a tiny configuration and reports every figure (no timing checks)."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

import pytest

from bench import projection
from bench import run as bench_run

TINY = ["--quick", "--committees", "1", "--meetings", "3", "--pages", "2", "--scale", "2", "--scrape-scale", "2", "--history-commits", "3", "--history-compare-commits", "1",
        "--fts-rows", "200,400", "--fts-queries", "6", "--extractor-pages", "2", "--portals", "2", "--portal-meetings", "4",
        "--portal-delay", "0.01", "--page-requests", "3", "--projection"]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("bench")
    path = out / "figures.json"
    status = bench_run.main([*TINY, "--out", str(out / "work"), "--json", str(path)])
    assert status == 0, "a check of the benchmark failed (see its output)"
    return json.loads(path.read_text(encoding="utf-8"))


def test_json_has_the_documented_shape(report: dict) -> None:
    assert set(report) >= {"machine", "figures"}
    machine = report["machine"]
    for key in ("cpu", "cores", "ram_gib", "python", "packages"):
        assert key in machine
    assert isinstance(machine["packages"], dict) and "pypdfium2" in machine["packages"]
    assert report["figures"]
    for figure in report["figures"]:
        assert set(figure) >= {"name", "ratio", "goal", "met", "inputs", "command"}
        assert isinstance(figure["goal"], str) and figure["goal"]
        assert figure["met"] in (True, False, None)
        assert isinstance(figure["inputs"], dict)
        assert figure["command"].startswith("python bench/run.py")


def test_every_figure_is_produced_with_a_numeric_ratio(report: dict) -> None:
    names = {figure["name"] for figure in report["figures"]}
    assert names == set(bench_run.NAMES)
    for figure in report["figures"]:
        if figure["name"] == "history_full_vs_git_history" and figure["ratio"] is None:
            assert "git-history is not installed" in figure["note"]
            continue
        assert isinstance(figure["ratio"], (int, float)) and math.isfinite(figure["ratio"]), figure


def test_figures_measured_at_both_sizes_have_a_scaling_figure(report: dict) -> None:
    scaled = {f["name"] for f in report["figures"] if f.get("scale") == "x2"}
    of = {f["inputs"]["of"] for f in report["figures"] if f["name"] == "scaling"}
    # the pages are measured at the largest size only (the goal is a latency there, not a trend)
    assert scaled and scaled - {"history_full_vs_git_history", "pages_vs_table_p95"} <= of


def test_unchanged_run_downloads_nothing_and_commits_nothing(report: dict) -> None:
    for figure in report["figures"]:
        if figure["name"] == "no_change_vs_full":
            assert figure["checks"]["documents_downloaded"] == 0
            assert figure["checks"]["commits"] == 0
            assert figure["checks"]["every_unchanged_run_clean"] is True
            assert len(figure["numerator"]["runs_seconds"]) == 5
            assert figure["numerator"]["seconds"] == pytest.approx(sorted(figure["numerator"]["runs_seconds"])[2], abs=1e-3)
            requests = figure["numerator"]["requests"] / figure["denominator"]["requests"]
            assert figure["requests_ratio"] == pytest.approx(requests, abs=1e-5) and 0 < requests <= 1
        if figure["name"] == "one_change_vs_full":
            assert figure["checks"]["commit"] is True
            assert figure["checks"]["documents_downloaded"] == 1


def test_only_runs_the_groups_asked_for(tmp_path: Path, capsys) -> None:
    status = bench_run.main(["--fts-rows", "100", "--fts-queries", "3", "--only", "fts_vs_like_p95",
                             "--out", str(tmp_path), "--json", str(tmp_path / "fts.json")])
    assert status == 0
    figures = json.loads((tmp_path / "fts.json").read_text(encoding="utf-8"))["figures"]
    assert [f["name"] for f in figures] == ["fts_vs_like_p95"]
    printed = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("#")]
    assert len(printed) == 1 and "fts_vs_like_p95@100" in printed[0]


def test_git_history_is_compared_on_the_prefix_asked_for(report: dict) -> None:
    compared = [f for f in report["figures"] if f["name"] == "history_full_vs_git_history"]
    assert [f["scale"] for f in compared] == ["x1"]  # --quick compares at x1 only
    for figure in report["figures"]:
        if figure["name"] == "history_incremental_vs_full":
            assert figure["inputs"]["commits"] == 4  # the full build: the package commit and three generated ones
            assert figure["numerator"]["commits_read"] == 1  # the incremental build: one more
            runs = figure["numerator"]["runs_seconds"]
            assert len(runs) == 5 and figure["numerator"]["seconds"] == pytest.approx(sorted(runs)[2], abs=1e-4)
        if figure["name"] == "history_full_vs_git_history" and figure["ratio"] is not None:
            assert figure["inputs"]["commits"] == 2  # the package commit and the first generated one
            assert "same 2 commits" in figure["note"]


def figures_named(report: dict, name: str) -> list[dict]:
    found = [f for f in report["figures"] if f["name"] == name]
    assert found, f"no {name} figure"
    return found


def test_one_change_bytes_are_held_against_the_part_of_the_changed_paragraph(report: dict) -> None:
    for figure in figures_named(report, "one_change_bytes_vs_part"):
        part = figure["denominator"]["part"]
        assert part.startswith("data/paragraphs/") and part.endswith(".csv")
        assert figure["checks"]["part_matches_commit"] is True
        assert figure["checks"]["paragraph_parts_committed"] == [part]
        assert figure["numerator"]["bytes_added_as_committed"] > 0 and figure["numerator"]["loose_objects"] > 0
        assert figure["ratio"] == pytest.approx(figure["numerator"]["bytes_added_as_committed"] / figure["denominator"]["part_bytes"])


def test_largest_part_names_its_file_against_50_mb(report: dict) -> None:
    for figure in figures_named(report, "largest_part"):
        assert figure["numerator"]["path"].startswith("data/") and figure["numerator"]["bytes"] > 0
        assert figure["denominator"]["bytes"] == 50_000_000
        assert figure["ratio"] == pytest.approx(figure["numerator"]["bytes"] / 50_000_000)
        assert figure["inputs"]["parts"] > 1


def test_portals_side_by_side_against_the_hosts_one_at_a_time(report: dict) -> None:
    [figure] = figures_named(report, "portals_parallel_vs_serial")
    assert figure["inputs"]["portals"] == figure["inputs"]["hosts"] == 2
    assert figure["numerator"]["jobs"] == 2 and figure["denominator"]["jobs"] == 1
    parallel, sums = figure["numerator"]["runs_seconds"], figure["denominator"]["runs_seconds"]
    assert len(parallel) == len(sums) == 3
    assert figure["ratio"] == pytest.approx(statistics.median(parallel) / statistics.median(sums), rel=1e-3)
    assert figure["checks"]["every_unchanged_run_clean"] is True
    hosts = report["details"]["portals"]["host_seconds"]
    assert len(hosts) == 2 and all(seconds > 0 for seconds in hosts.values())


def test_the_pipeline_figure_shows_the_time_inside_the_workers(report: dict) -> None:
    for figure in figures_named(report, "pipeline_vs_raw_extraction"):
        assert figure["worker_ms_per_page"] > 0 and figure["worker_cpu_ms_per_page"] > 0
        assert "crawl phase (gather)" in figure["note"] and "extract text" in figure["note"]


def test_the_projection_is_worked_out_from_the_run(report: dict) -> None:
    lines = projection.project(report)
    text = "\n".join(lines)
    for needed in ("bytes per protocol page", "parts =", "package (the checkout) =", ".git =", "largest part:",
                   "hourly unchanged run", "sharded by groups instead"):
        assert needed in text


def test_the_pages_figure_names_each_page_kind_against_its_table_page(report: dict) -> None:
    (figure,) = [f for f in report["figures"] if f["name"] == "pages_vs_table_p95"]
    assert figure["scale"] == "x2" and figure["checks"] == {"not_200": 0}
    assert figure["numerator"]["kind"] in ("meeting", "person", "case", "committee")
    assert {"meeting_p95_ms", "case_p95_ms", "committee_p95_ms"} <= set(figure)
    assert figure["inputs"]["requests_per_kind"] == 3 and figure["inputs"]["rows"]["meetings"] > 0
