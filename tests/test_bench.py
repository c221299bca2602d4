"""The benchmark runs end to end on a tiny configuration and reports every figure (no timing checks)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench import run as bench_run

TINY = ["--quick", "--committees", "1", "--meetings", "3", "--pages", "2", "--scale", "2", "--scrape-scale", "2", "--history-commits", "3", "--history-compare-commits", "1",
        "--fts-rows", "200,400", "--fts-queries", "6", "--extractor-pages", "2"]


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
    assert scaled and scaled - {"history_full_vs_git_history"} <= of


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
