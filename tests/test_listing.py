"""A committee's listing from every source: the committee page, configured seed meetings, a meeting
page's side menu and the JSON list, merged; a page that lists only upcoming meetings is completed
from the others or reported, never taken for the whole list."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.config import parse_config
from scraper.database import health_rows
from scraper.demo import DEMO_CONFIG
from scraper.errors import ConfigError, FetchError
from scraper.package import read_tables
from scraper.portal.http import HttpClient
from scraper.portal.listing import only_upcoming, read_listing
from scraper.portal.pages import MeetingRef
from scraper.replica.server import start
from scraper.run import ScrapeOptions, run_scrape

from .conftest import TODAY

BASE = "https://moten.example"
KS = f"{BASE}/committees/ks"
PAST = ["mote-2025-03-04", "mote-2025-06-10", "mote-2025-10-14"]
UPCOMING = ["mote-2027-01-26"]


def config(*extra: str) -> str:
    return "\n".join([
        "[[portal]]", 'id = "test"', 'organisation_id = "testkommun"', 'organisation = "Testkommun"', 'kind = "kommun"',
        f'base_url = "{BASE}"', 'committees = ["ks"]', "delay = 0", *extra, ""])


def row(slug: str) -> str:
    return f'<div><a class="accessible-table-cell" href="/committees/ks/{slug}" aria-label="Kommunstyrelsen {slug[5:]}">x</a></div>'


def committee_page(upcoming: list[str], past: list[str], script: str = "") -> str:
    return (f"<html><body><h1>Kommunstyrelsen</h1>{script}"
            f'<div id="committeesUpcomingContent">{"".join(map(row, upcoming))}</div>'
            f'<div id="committeesRecentContent">{"".join(map(row, past))}</div></body></html>')


def meeting_page(slug: str, side: list[str]) -> str:
    menu = "".join(f'<li><a href="/committees/ks/{s}" aria-label="Kommunstyrelsen {s[5:]}">{s[5:]}</a></li>' for s in side)
    return (f"<html><body><nav><ul>{menu}</ul></nav><h1>Möte {slug[5:]}</h1>"
            "<section id='agenda'><p>Ingen agenda har publicerats</p></section></body></html>")


class Portal:
    """A made-up portal: pages by path; a path it does not know answers 404."""

    def __init__(self, pages: dict[str, str]):
        self.pages = pages
        self.asked: list[str] = []
        self.accepts: list[str | None] = []

    def fetch(self, url: str, accept: str | None = None):
        path = url.removeprefix(BASE)
        self.asked.append(path)
        self.accepts.append(accept)
        if path not in self.pages:
            raise FetchError(url, "HTTP 404")
        return httpx.Response(200, text=self.pages[path])

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            text = self.pages.get(request.url.path)
            kind = "application/json" if request.url.path.startswith("/api/") else "text/html"
            return httpx.Response(200, text=text, headers={"content-type": kind}) if text else httpx.Response(404)
        return httpx.MockTransport(handler)


def pages_of(upcoming: list[str], past: list[str], side: list[str] | None, api: list[tuple[int, str]] | None = None,
             script: str = "") -> dict[str, str]:
    found = {"/committees/ks": committee_page(upcoming, past, script)}
    for slug in [*upcoming, *past, *(side or [])]:
        found[f"/committees/ks/{slug}"] = meeting_page(slug, side or [])
    if api is not None:
        found["/api/v2.0/committees/77/meetings"] = json.dumps([{"Id": i, "DateLabel": d} for i, d in api])
    return found


def read(portal: Portal, *extra: str, known: list[str] = ()):
    (source,) = parse_config(config(*extra))
    return read_listing(portal.fetch, source, "ks", list(known), today=TODAY)


# ---------------------------------------------------------------- read_listing


def test_a_page_with_past_meetings_is_the_listing():
    portal = Portal(pages_of(UPCOMING, PAST, side=[*UPCOMING, *PAST]))
    listing = read(portal)
    assert [r.slug for r in listing.refs] == [*UPCOMING, *PAST]
    assert (listing.strategy, listing.upcoming_only, listing.incomplete, listing.warnings) == ("accessible-table-cell", False, None, [])
    assert portal.asked == ["/committees/ks"]


def test_only_upcoming_rows_are_completed_from_a_meeting_pages_side_menu():
    portal = Portal(pages_of(UPCOMING, [], side=[*UPCOMING, *PAST]))
    listing = read(portal)
    assert listing.upcoming_only and listing.incomplete is None
    assert sorted(r.slug for r in listing.refs) == sorted([*UPCOMING, *PAST])
    assert {r.slug: r.date for r in listing.refs}["mote-2025-06-10"] == date(2025, 6, 10)
    assert listing.strategy == f"accessible-table-cell + side menu of {KS}/mote-2027-01-26"
    assert listing.warnings == ["test/ks: the committee page lists only upcoming meetings (1); read 4 from "
                                f"accessible-table-cell + side menu of {KS}/mote-2027-01-26"]


@pytest.mark.parametrize("refs, upcoming", [
    ([MeetingRef("u", "ks", "a", date(2027, 1, 1), "", "upcoming")], True),
    ([MeetingRef("u", "ks", "a", TODAY, "", None), MeetingRef("v", "ks", "b", date(2027, 1, 1), "", None)], True),
    ([MeetingRef("u", "ks", "a", date(2027, 1, 1), "", None), MeetingRef("v", "ks", "b", None, "", None)], False),
    ([MeetingRef("u", "ks", "a", date(2027, 1, 1), "", "upcoming"), MeetingRef("v", "ks", "b", date(2020, 1, 1), "", "past")], False),
    ([], False),
])
def test_only_upcoming_is_judged_against_the_day_given(refs, upcoming):
    assert only_upcoming(refs, TODAY) is upcoming
    assert only_upcoming(refs, date(2030, 1, 1)) is (upcoming and all(r.section == "upcoming" for r in refs))


def test_only_upcoming_rows_without_any_other_source_are_an_incomplete_listing():
    portal = Portal(pages_of(UPCOMING, [], side=None))
    listing = read(portal)
    assert [r.slug for r in listing.refs] == UPCOMING
    assert listing.incomplete == ("the committee page lists only upcoming meetings (1), and neither the side menu of a "
                                  "meeting page nor the JSON list could list the past ones")


def test_the_json_list_says_whether_past_meetings_are_missing():
    past_in_api = Portal(pages_of(UPCOMING, [], side=None, api=[(1, "2025-03-04"), (2, "2027-01-26")]))
    listing = read(past_in_api, "committee_ids = { ks = 77 }")
    assert listing.incomplete and listing.api_meetings == 2
    assert listing.warnings == ["test/ks: the JSON list has 2 meetings, the pages list 1; not listed: 2025-03-04"]
    assert [(r.slug, r.portal_meeting_id) for r in listing.refs] == [("mote-2027-01-26", 2)]
    new_committee = Portal(pages_of(UPCOMING, [], side=None, api=[(2, "2027-01-26")]))
    listing = read(new_committee, "committee_ids = { ks = 77 }")
    assert listing.incomplete is None and listing.warnings[0].startswith("test/ks: the committee page lists only upcoming")


def test_the_json_list_is_compared_with_the_pages_and_lends_its_ids():
    portal = Portal(pages_of(UPCOMING, PAST, side=None, api=[(11, "2025-03-04"), (12, "2025-06-10"), (13, "2025-10-14"),
                                                              (14, "2027-01-26"), (15, "2024-12-01")],
                             script='<script>var committeeId = 77;</script>'))
    listing = read(portal)
    assert listing.portal_committee_id == 77 and listing.api_meetings == 5
    assert [(r.slug, r.portal_meeting_id) for r in listing.refs] == [
        ("mote-2027-01-26", 14), ("mote-2025-03-04", 11), ("mote-2025-06-10", 12), ("mote-2025-10-14", 13)]
    assert listing.warnings == ["test/ks: the JSON list has 5 meetings, the pages list 4; not listed: 2024-12-01"]
    assert listing.incomplete is None
    asked = dict(zip(portal.asked, portal.accepts))
    assert asked["/api/v2.0/committees/77/meetings"] == "application/json" and asked["/committees/ks"] is None


def test_seed_meetings_join_the_listing_and_a_date_from_any_source_fills_a_missing_one():
    pages = pages_of(UPCOMING, [], side=[*UPCOMING, "ks-50402"])
    pages["/committees/ks/ks-50402"] = meeting_page("ks-50402", [*UPCOMING, "ks-50402"])
    pages["/committees/ks/ks-17074"] = meeting_page("ks-17074", [])
    portal = Portal(pages)
    listing = read(portal, f'seed_meetings = ["{KS}/ks-17074", "{KS}/ks-50402/"]')
    assert [(r.slug, r.date) for r in listing.refs] == [
        ("mote-2027-01-26", date(2027, 1, 26)), ("ks-17074", None), ("ks-50402", None)]
    assert listing.strategy == f"accessible-table-cell + seed meetings + side menu of {KS}/mote-2027-01-26"
    pages["/committees/ks/mote-2027-01-26"] = (
        '<html><body><nav><a href="/committees/ks/ks-50402" aria-label="Kommunstyrelsen 2024-09-02">2 sep</a></nav>'
        "<h1>Möte 2027-01-26</h1><section id='agenda'><p>Ingen agenda har publicerats</p></section></body></html>")
    listing = read(Portal(pages), f'seed_meetings = ["{KS}/ks-50402"]')
    assert {r.slug: r.date for r in listing.refs}["ks-50402"] == date(2024, 9, 2)


@pytest.mark.parametrize("seed", [
    "https://other.example/committees/ks/m", "ftp://moten.example/committees/ks/m", "https://moten.example/committees/ks",
    "https://moten.example/committees/ks/m/protocol/p",
])
def test_seed_meetings_must_be_meeting_pages_of_the_portal(seed):
    expected = ("seed_meetings must be meeting pages on moten.example, shaped "
                f"https://moten.example/committees/{{committee}}/{{meeting}}, not '{seed}'")
    with pytest.raises(ConfigError) as error:
        parse_config(config(f'seed_meetings = ["{seed}"]'))
    assert str(error.value).endswith(expected) and "line 9" in str(error.value)
    with pytest.raises(ConfigError, match="seed_meetings must be a list of meeting page URLs"):
        parse_config(config(f'seed_meetings = "{seed}"'))


def test_seed_meetings_follow_the_base_url():
    (portal,) = parse_config(config(f'seed_meetings = ["{KS}/ks-17074"]'))
    assert portal.with_base_url("http://127.0.0.1:8765").seed_meetings == ("http://127.0.0.1:8765/committees/ks/ks-17074",)


# ---------------------------------------------------------------- runs


def scrape(repo: Path, portal: Portal, *extra: str):
    client = lambda cache: HttpClient(cache_dir=cache, delay=0, retries=0, transport=portal.transport())  # noqa: E731
    return run_scrape(ScrapeOptions(repo=repo, portals=parse_config(config(*extra)), today=TODAY, client_factory=client))


def test_a_run_reports_the_sources_of_a_listing_and_the_json_lists_count(tmp_path):
    portal = Portal(pages_of(UPCOMING, [], side=[*UPCOMING, *PAST], api=[(i, s[5:]) for i, s in enumerate([*UPCOMING, *PAST, "mote-2019-01-01"])]))
    report = scrape(tmp_path / "data", portal, "committee_ids = { ks = 77 }")
    assert report.ok, report.errors
    figures = report.sources["test/ks"]
    assert (figures["html_meetings"], figures["api_meetings"], figures["meetings_listed"]) == (1, 5, 4)
    assert figures["strategy"] == f"accessible-table-cell + side menu of {KS}/mote-2027-01-26"
    assert report.warnings == [
        "test/ks: the committee page lists only upcoming meetings (1); read 4 from "
        f"accessible-table-cell + side menu of {KS}/mote-2027-01-26",
        "test/ks: the JSON list has 5 meetings, the pages list 4; not listed: 2019-01-01",
    ]
    assert len(read_tables(tmp_path / "data" / "datapackage")["meetings"]) == 4
    (health,) = health_rows([{"finished_at": "t1", "sources": report.sources}])
    assert (health["html_meetings"], health["api_meetings"], health["meetings_listed"], health["api_mismatch"]) == (1, 5, 4, 1)


def test_a_run_never_takes_an_incomplete_listing_for_the_whole(tmp_path):
    repo = tmp_path / "data"
    assert scrape(repo, Portal(pages_of(UPCOMING, PAST, side=None))).ok
    report = scrape(repo, Portal(pages_of(UPCOMING, [], side=None)))
    assert not report.ok
    assert [(e["stage"], e["url"]) for e in report.errors] == [("guard", KS)]
    assert report.errors[0]["message"].endswith("nor the JSON list could list the past ones; nothing of this committee is changed")
    assert sorted(k.rsplit("/", 1)[1] for k in read_tables(repo / "datapackage")["meetings"]) == sorted([*UPCOMING, *PAST])


def test_the_replica_listing_only_upcoming_meetings_still_gives_every_meeting(tmp_path):
    with start(day=1, today=TODAY) as replica:
        config_file = tmp_path / "portals.toml"
        config_file.write_text(DEMO_CONFIG.format(**{pid: replica.url(pid) for pid in replica.servers}), encoding="utf-8")
        clean, faulty = tmp_path / "clean.json", tmp_path / "faulty.json"
        common = ["scrape", "--config", str(config_file), "--today", TODAY.isoformat(), "--delay", "0", "--timeout", "5"]
        assert CliRunner().invoke(cli, [*common, "--repo", str(tmp_path / "a"), "--report", str(clean)]).exit_code == 0
        replica.set_faults("upcoming_only:1.0")
        result = CliRunner().invoke(cli, [*common, "--repo", str(tmp_path / "b"), "--report", str(faulty)])
        assert result.exit_code == 0, result.output
        assert replica.stats("vasterbotten")["fault:upcoming_only"] == 2
    assert read_tables(tmp_path / "b" / "datapackage")["meetings"] == read_tables(tmp_path / "a" / "datapackage")["meetings"]
    sources = json.loads(faulty.read_text())["sources"]
    base = replica.url("vasterbotten")
    assert sources["vasterbotten/regionfullmaktige"]["strategy"] == (
        f"accessible-table-cell + side menu of {base}/committees/regionfullmaktige/mote-2027-04-20")
    assert sources["vasterbotten/regionstyrelsen"]["strategy"].startswith("accessible-table-cell + side menu of ")
    assert (sources["vasterbotten/regionfullmaktige"]["html_meetings"], sources["vasterbotten/regionfullmaktige"]["meetings_listed"]) == (1, 6)
    warnings = json.loads(faulty.read_text())["warnings"]
    assert [w.split(":")[0] for w in warnings] == ["vasterbotten/regionfullmaktige", "vasterbotten/regionstyrelsen"]
    assert all("lists only upcoming meetings" in w for w in warnings)


def test_a_json_list_that_cannot_be_read_is_a_warning_when_the_page_lists_the_meetings(tmp_path):
    report = scrape(tmp_path / "data", Portal(pages_of(UPCOMING, PAST, side=None)), "committee_ids = { ks = 77 }")
    assert report.ok, report.errors
    assert [w.split(" (")[0] for w in report.warnings] == ["test/ks: the JSON list was not read"]
    assert (report.sources["test/ks"]["html_meetings"], report.sources["test/ks"]["api_meetings"]) == (4, None)
