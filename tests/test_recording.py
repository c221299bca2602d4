"""Recordings: `meetings record` samples a portal through the one client and keeps every answer with
its URL, status and headers; the replica serves a recording back; a recording of the whole replica
scrapes to the same package as the replica itself; `meetings doctor --save` keeps the pages that
gave nothing or looked blocked."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.config import parse_config
from scraper.demo import DEMO_CONFIG
from scraper.doctor import record_portal, run_doctor
from scraper.portal.http import HttpClient
from scraper.replica.recording import RECORDING, load_recording
from scraper.replica.server import start
from scraper.run import InlinePool, ScrapeOptions, run_scrape

from .conftest import TODAY


def client() -> HttpClient:
    return HttpClient(cache_dir=None, delay=0, retries=0, backoff=0)


def config_of(urls: dict[str, str]) -> list:
    return parse_config(DEMO_CONFIG.format(**urls))


def package(repo: Path, bases: dict[str, str]) -> dict[str, str]:
    """Every file of a package, with each portal's base URL (its port) written as its id; the
    descriptor's sources (sorted by URL, so by port) as a sorted list."""
    files = {}
    for path in sorted((repo / "datapackage").rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for portal_id, base in bases.items():
                text = text.replace(base, f"https://{portal_id}")
            if path.name == "datapackage.json":
                descriptor = json.loads(text)
                text = json.dumps({**descriptor, "sources": sorted(descriptor["sources"], key=lambda s: s["path"])})
            files[str(path.relative_to(repo))] = text
    return files


def scrape(repo: Path, portals: list):
    return run_scrape(ScrapeOptions(repo=repo, portals=portals, today=TODAY, pool_factory=InlinePool,
                                    client_factory=lambda cache: HttpClient(cache_dir=cache, delay=0, retries=0, backoff=0)))


def test_a_recording_of_the_replica_is_served_back_and_scrapes_to_the_same_package(tmp_path):
    with start(day=1, today=TODAY) as replica:
        urls = {pid: replica.url(pid) for pid in replica.servers}
        portals = config_of(urls)
        with client() as http:
            for portal in portals:
                report = record_portal(http, portal, tmp_path / portal.id, today=TODAY, meetings=50, documents=50)
                assert report.ok, report.table()
        direct = scrape(tmp_path / "direct", portals)
    assert direct.ok, direct.errors
    recordings = [start(recording=tmp_path / pid) for pid in urls]
    try:
        served = {pid: r.url(pid) for r, pid in zip(recordings, urls)}
        replayed = scrape(tmp_path / "replayed", config_of(served))
    finally:
        for running in recordings:
            running.stop()
    assert replayed.ok, replayed.errors
    assert replayed.records == direct.records
    assert package(tmp_path / "replayed", served) == package(tmp_path / "direct", urls)


def test_a_recording_keeps_url_status_headers_and_a_summary(tmp_path):
    with start(day=2, today=TODAY) as replica, client() as http:
        (portal,) = [p for p in config_of({pid: replica.url(pid) for pid in replica.servers}) if p.id == "norrbotten"]
        portal = replace(portal, protocol_api="held")
        record_portal(http, portal, tmp_path / "nb", today=TODAY)
        asked = replica.stats("norrbotten")["total"]
    recording = load_recording(tmp_path / "nb")
    assert recording.portal["committee_ids"] == {"regionstyrelsen": 412} and recording.captured == TODAY.isoformat()
    by_path = {e.url.split("/", 3)[3]: e for e in recording.entries}
    assert by_path["robots.txt"].status == 200
    assert by_path["api/err/v1.0/representatives?committeeId=412&pageSize=9999"].headers["content-type"].startswith("application/json")
    # each URL asked for once, even where the checks read it again; robots.txt also by the client, for itself
    assert asked == len(recording.entries) + 1
    for entry in recording.entries:
        if entry.file:
            assert (tmp_path / "nb" / entry.file).is_file() and entry.file.startswith("norrbotten__")
    summary = json.loads((tmp_path / "nb" / "summary.json").read_text(encoding="utf-8"))
    names = {c["name"]: c for c in summary["checks"]}
    assert {"json api", "meeting page", "agenda items", "documents", "representatives", "bulletin board"} <= set(names)
    assert names["bulletin board"]["found"] == 2 and "protocol_adjusted 1" in names["bulletin board"]["detail"]
    assert names["representatives"]["found"] == 4
    assert (tmp_path / "nb" / "summary.txt").read_text(encoding="utf-8").splitlines()[0].startswith("portal")
    readme = (tmp_path / "nb" / "README.md").read_text(encoding="utf-8")
    assert "| file | URL | status | captured |" in readme


def test_a_recorded_404_and_500_are_served_as_they_were(tmp_path):
    with start(day=1, today=TODAY) as replica, client() as http:
        (portal,) = [p for p in config_of({pid: replica.url(pid) for pid in replica.servers}) if p.id == "norrbotten"]
        record_portal(http, replace(portal, protocol_api="held"), tmp_path / "nb", today=TODAY)
    statuses = {e.url.rsplit("/", 4)[-4:][0]: e.status for e in load_recording(tmp_path / "nb").entries}
    assert 500 in statuses.values(), "the protocol download of a meeting without a protocol"
    with start(recording=tmp_path / "nb") as served:
        base = served.url("norrbotten")
        assert httpx.get(base + "/api/v2.0/meetings/880312/download/Protocol?downloadMode=download").status_code == 500
        assert httpx.get(base + "/committees/regionstyrelsen").status_code == 200
        assert httpx.get(base + "/committees/okand").status_code == 404


# ---------------------------------------------------------------- the commands


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_record_command_and_its_errors(tmp_path, config_file, monkeypatch):
    done = run("record", "--config", str(config_file), "--portal", "vasterbotten", "--out", str(tmp_path / "vb"),
               "--today", TODAY.isoformat(), "--delay", "0", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["ok"] is True and (tmp_path / "vb" / RECORDING).is_file()
    again = run("record", "--config", str(config_file), "--portal", "vasterbotten", "--out", str(tmp_path / "vb"), "--delay", "0")
    assert again.exit_code == 0, "a recording already there is replaced"
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x")
    refused = run("record", "--config", str(config_file), "--portal", "vasterbotten", "--out", str(tmp_path / "other"))
    assert refused.exit_code == 1
    assert refused.output.splitlines()[-1] == f"Error: {tmp_path / 'other'} is not empty and holds no recording: choose another folder"
    both = run("record", "--config", str(config_file), "--portal", "vasterbotten", "--as-fixtures", "--out", str(tmp_path / "x"))
    assert both.exit_code == 2 and both.output.splitlines()[-1] == (
        "Error: Invalid value for --out: --as-fixtures writes to tests/fixtures/portal/recorded/PORTAL; leave out --out")
    unknown = run("record", "--config", str(config_file), "--portal", "nowhere")
    assert unknown.exit_code == 1 and unknown.output.splitlines()[-1] == (
        "Error: unknown portal 'nowhere'; known: vasterbotten, norrbotten")
    monkeypatch.setattr("scraper.config.PROJECT_ROOT", tmp_path / "project")
    fixtures = run("record", "--config", str(config_file), "--portal", "norrbotten", "--as-fixtures", "--delay", "0")
    assert fixtures.exit_code == 0, fixtures.output
    assert (tmp_path / "project" / "tests" / "fixtures" / "portal" / "recorded" / "norrbotten" / RECORDING).is_file()


def test_replica_refuses_a_folder_that_is_no_recording(tmp_path):
    result = run("replica", "--recording", str(tmp_path))
    assert result.exit_code == 1 and result.output.splitlines()[-1] == f"Error: {tmp_path} is not a recording (no recording.json)"


def test_doctor_save_keeps_the_pages_that_gave_nothing(tmp_path):
    with start(day=1, today=TODAY, faults="markup:1.0", seed=1) as replica, client() as http:
        portals = config_of({pid: replica.url(pid) for pid in replica.servers})
        report = run_doctor(portals, http, today=TODAY, save=tmp_path / "saved")
    assert report.saved == [str(tmp_path / "saved" / "vasterbotten"), str(tmp_path / "saved" / "norrbotten")]
    kept = load_recording(tmp_path / "saved" / "vasterbotten")
    assert {re.sub(r"^http://[^/]+", "", e.url) for e in kept.entries} == {
        "/committees/regionfullmaktige", "/committees/regionstyrelsen"}
    assert report.as_dict()["saved"] == report.saved


def test_doctor_save_keeps_a_block_page(tmp_path, config_file):
    with start(day=1, today=TODAY, faults="block:1.0") as replica:
        config = tmp_path / "blocked.toml"
        config.write_text(DEMO_CONFIG.format(**{pid: replica.url(pid) for pid in replica.servers}), encoding="utf-8")
        result = run("doctor", "--config", str(config), "--portal", "vasterbotten", "--delay", "0", "--timeout", "5",
                     "--save", str(tmp_path / "saved"), "--json")
    assert result.exit_code == 1
    (entry,) = load_recording(tmp_path / "saved" / "vasterbotten").entries
    assert entry.status == 200 and "Förfrågan avvisades" in entry.blocked
    assert b"<title>F\xc3\xb6rfr\xc3\xa5gan avvisades</title>" in (tmp_path / "saved" / "vasterbotten" / entry.file).read_bytes()


@pytest.mark.parametrize("folder", sorted(p for p in (Path(__file__).parent / "fixtures" / "portal" / "recorded").glob("*")
                                          if (p / RECORDING).is_file()), ids=lambda p: p.name)
def test_recorded_fixtures_parse(folder):
    """Every recording kept as fixtures (`meetings record --as-fixtures`) still reads with the parsers."""
    from scraper.doctor import yields_nothing

    recording = load_recording(folder)
    assert recording.entries
    pages = [e for e in recording.entries if e.file and e.file.endswith((".html", ".json")) and e.status == 200]
    assert pages
    for entry in pages:
        problem = yields_nothing(entry.url, (folder / entry.file).read_bytes())
        assert problem is None or problem in ("no meeting listed", "an empty JSON list"), (entry.url, problem)
