"""Portals that gzip their answers, loop a redirect or link a 5,000-character slug: the scrape
commits every good meeting, reports the bad URLs and prints no traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.package import read_tables
from scraper.replica.faults import LONG_SLUG
from scraper.replica.server import start

from .conftest import TODAY
from .test_robustness import config_for, replica_totals


_ORIGIN = re.compile(r"http://127\.0\.0\.1:\d+")


def tables_of(repo: Path) -> dict[str, dict[str, dict[str, str]]]:
    """The package's rows with the replica's origin (a port that changes per start) made neutral."""
    neutral = lambda text: _ORIGIN.sub("http://replica", text)  # noqa: E731
    return {resource: {neutral(key): {k: neutral(v) for k, v in row.items()} for key, row in rows.items()}
            for resource, rows in read_tables(repo / "datapackage").items()}


def scrape(repo: Path, config: Path) -> tuple[int, dict, str]:
    report = repo.parent / f"{repo.name}-report.json"
    result = CliRunner().invoke(cli, [
        "scrape", "--config", str(config), "--repo", str(repo), "--report", str(report), "--today", TODAY.isoformat(),
        "--delay", "0", "--retries", "1", "--backoff", "0.01", "--timeout", "5",
    ])
    assert "Traceback" not in result.output and not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    return result.exit_code, json.loads(report.read_text(encoding="utf-8")), result.output


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    root = tmp_path_factory.mktemp("clean")
    with start(day=2, today=TODAY) as replica:
        code, report, _ = scrape(root / "data", config_for(replica, root / "portals.toml"))
    assert code == 0 and report["ok"]
    return tables_of(root / "data")


def faulty_scrape(tmp_path: Path, spec: str, seed: int = 4):
    with start(day=2, today=TODAY, faults=spec, seed=seed) as replica:
        code, report, output = scrape(tmp_path / "data", config_for(replica, tmp_path / "portals.toml"))
        faults = replica_totals(replica)
    return code, report, output, tables_of(tmp_path / "data"), faults


def test_gzip_with_content_length_is_read_like_plain_answers(tmp_path, clean):
    code, report, _, tables, stats = faulty_scrape(tmp_path, "gzip:1.0")
    assert stats["fault:gzip"] > 20
    assert code == 0 and report["ok"], report["errors"]
    assert tables == clean


def test_a_long_slug_is_one_failed_url(tmp_path, clean):
    code, report, output, tables, stats = faulty_scrape(tmp_path, "long_link:1.0")
    assert stats["fault:long_link"] > 0 and code == 1
    assert report["commit"]
    bad = {e["url"] for e in report["errors"]}
    assert bad and all(LONG_SLUG in url for url in bad)
    assert set(tables["meetings"]) == set(clean["meetings"])
    assert "error:" in output


def test_a_redirect_loop_fails_its_url_and_the_rest_is_committed(tmp_path, clean):
    code, report, _, tables, stats = faulty_scrape(tmp_path, "redirect_loop:0.25")
    assert stats["fault:redirect_loop"] > 0 and code == 1 and report["commit"]
    loops = [e for e in report["errors"] if "redirect" in e["message"]]
    assert loops and len(loops) == len(report["errors"])
    assert set(tables["meetings"]) <= set(clean["meetings"]) and tables["meetings"]
    failed = {_ORIGIN.sub("http://replica", e["url"]).split("?")[0] for e in loops}
    listings = {clean["committees"][row["committee_id"]]["url"] for row in clean["meetings"].values()}
    assert failed - listings, "some meeting page looped"
    for meeting, row in clean["meetings"].items():
        if row["url"] not in failed and clean["committees"][row["committee_id"]]["url"] not in failed:
            assert tables["meetings"].get(meeting) == row, meeting


def test_a_hostile_pdf_is_refused_once_and_not_read_again(tmp_path):
    with start(day=2, today=TODAY, faults="hostile_pdf:1.0", seed=1) as replica:
        config = config_for(replica, tmp_path / "portals.toml")
        code, first, _ = scrape(tmp_path / "data", config)
        code_again, again, _ = scrape(tmp_path / "data", config)
    refused = [e for e in first["errors"] if e["stage"] == "refused"]
    assert code == 1 and refused and len(refused) == len(first["errors"])
    assert all("distinct page object" in e["message"] and "a property of the file" in e["message"] for e in refused)
    documents = tables_of(tmp_path / "data")["documents"]
    refused_rows = [r for r in documents.values() if r["text_status"] == "refused"]
    assert {r["url"] for r in refused_rows} == {_ORIGIN.sub("http://replica", e["url"]) for e in refused}
    assert all(r["sha256"] and not r["text_path"] for r in refused_rows)
    assert code_again == 0 and again["ok"] and again["documents_extracted"] == 0 and again["commit"] is None
