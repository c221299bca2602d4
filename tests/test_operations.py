"""Re-check cadence, backfill with resume, quarantine of unparseable pages, the run log."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import git
import httpx

from scraper.backfill import progress_path, run_backfill
from scraper.config import parse_config
from scraper.package import read_tables
from scraper.portal.http import HttpClient
from scraper.crawl import is_due, recheck_day
from scraper.run import ScrapeOptions, run_scrape
from scraper.state import RepoState

from .conftest import TODAY


def client(cache):
    return HttpClient(cache_dir=cache, delay=0, retries=0, timeout=5)


def options(repo, portals, **kw) -> ScrapeOptions:
    return ScrapeOptions(repo=repo, portals=portals, today=TODAY, client_factory=client, **kw)


def test_is_due():
    # a meeting whose own day in the weekly cycle is not TODAY's
    meeting_id = next(f"o/c/m{i}" for i in range(100) if recheck_day(f"o/c/m{i}", 7) != TODAY.toordinal() % 7)
    old = {"meeting_id": meeting_id, "status": "held", "protocol_published": "true"}
    assert is_due({**old, "status": "upcoming"}, date(2027, 1, 1), TODAY, "2026-11-25", 45, 7)
    assert is_due(old, date(2026, 11, 1), TODAY, "2026-11-25", 45, 7)  # recent
    assert is_due({**old, "protocol_published": "false"}, date(2020, 1, 1), TODAY, "2026-11-25", 45, 7)
    assert not is_due(old, date(2020, 1, 1), TODAY, "2026-11-20", 45, 7)
    assert is_due(old, date(2020, 1, 1), TODAY, "2026-11-18", 45, 7)
    assert is_due(old, date(2020, 1, 1), TODAY, None, 45, 7)
    assert not is_due(old, date(2020, 1, 1), TODAY, TODAY.isoformat(), 45, 7)
    assert is_due(old, date(2020, 1, 1), TODAY, "2026-11-25", 45, 0)  # --recheck-days 0: every run


def test_old_meetings_are_rechecked_a_slice_a_day_not_all_on_one_day():
    ids = [f"region-x/nämnd-{i % 20}/mote-{i}" for i in range(1400)]
    last = {meeting_id: TODAY for meeting_id in ids}  # all read by one full run on TODAY
    per_day = []
    for offset in range(1, 29):  # four weeks of daily runs
        today = TODAY + timedelta(days=offset)
        due = [m for m in ids if is_due({"meeting_id": m, "status": "held", "protocol_published": "true"},
                                        date(2020, 1, 1), today, last[m].isoformat(), 45, 7)]
        for meeting_id in due:
            last[meeting_id] = today
        per_day.append(len(due))
    assert all(100 <= n <= 300 for n in per_day), per_day  # about 1400 / 7 a day, from the first day on
    assert sum(per_day) == 4 * len(ids)  # each meeting once a week


def test_old_meetings_with_protocol_are_rechecked_on_a_slower_cadence(tmp_path, portals, replica):
    repo = tmp_path / "data"
    run_scrape(options(repo, portals))
    before = dict(replica.stats("vasterbotten"))
    report = run_scrape(options(repo, portals))
    after = dict(replica.stats("vasterbotten"))
    meeting_requests = after.get("meeting", 0) - before.get("meeting", 0)
    # held with a protocol, checked today: regionstyrelsen 2025-09-09 and 2025-10-14 are skipped
    assert meeting_requests == 9
    assert report.commit is None
    later = run_scrape(replace(options(repo, portals), today=date(2026, 12, 9)))
    assert sorted(m.rsplit("/", 1)[1] for m in later.fetched_meetings if "regionstyrelsen" in m and "vasterbotten" in m) == [
        "mote-2025-04-08", "mote-2025-09-09", "mote-2027-01-26", "mote-2027-02-09", "regionstyrelsen-2025-10-14",
    ]


def test_backfill_by_date_range_resumes(tmp_path, portals):
    repo = tmp_path / "data"
    opts = options(repo, portals, since=date(2025, 1, 1), until=date(2025, 12, 31))
    first = run_scrape(replace(opts, max_meetings=2))  # an interrupted backfill: one batch committed
    assert len(first.fetched_meetings) == 2 and first.pending_meetings == 3
    progress_path(opts).parent.mkdir(parents=True, exist_ok=True)
    progress_path(opts).write_text(json.dumps({"done": first.fetched_meetings, "complete": False}))
    total = run_backfill(opts, batch=2, quiet=True)
    assert json.loads(progress_path(opts).read_text())["complete"] is True
    assert len(total.fetched_meetings) == 3
    meetings = read_tables(repo / "datapackage")["meetings"]
    assert sorted(r["date"] for r in meetings.values()) == ["2025-04-08", "2025-06-10", "2025-09-09", "2025-10-14", "2025-11-04"]
    assert len(list(git.Repo(repo).iter_commits())) == 3
    complete = tmp_path / "complete"
    run_scrape(options(complete, portals, since=date(2025, 1, 1), until=date(2025, 12, 31)))
    assert read_tables(complete / "datapackage") == read_tables(repo / "datapackage")


def _mock_portal(meeting_html: str):
    committee = ('<html><body><h1>Testnämnden</h1><div id="committeesRecentContent">'
                 '<a class="accessible-table-cell" href="/committees/testnamnden/mote-2025-01-01" aria-label="Möte 2025-01-01">x</a>'
                 "</div></body></html>")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.path == "/committees/testnamnden":
            return httpx.Response(200, text=committee, headers={"content-type": "text/html; charset=utf-8"})
        return httpx.Response(200, text=meeting_html, headers={"content-type": "text/html; charset=utf-8", "x-test": "1"})

    return httpx.MockTransport(handler)


CONFIG = """
[[portal]]
id = "test"
organisation_id = "testkommun"
organisation = "Testkommun"
kind = "kommun"
base_url = "https://portal.test"
committees = ["testnamnden"]
delay = 0
"""


def test_unparseable_page_is_quarantined_and_reported(tmp_path):
    portals = parse_config(CONFIG)
    transport = _mock_portal("<html><body><h1>Möte 2025-01-01</h1><div class='new-layout'>Möten</div></body></html>")
    report = run_scrape(ScrapeOptions(repo=tmp_path / "data", portals=portals, today=TODAY,
                                      client_factory=lambda cache: HttpClient(cache_dir=cache, delay=0, transport=transport)))
    assert not report.ok
    assert [e["stage"] for e in report.errors] == ["parse"]
    assert "unrecognised meeting page" in report.errors[0]["message"]
    assert len(report.quarantined) == 1
    body = RepoState(tmp_path / "data").quarantine_dir
    saved = json.loads(next(body.glob("*.json")).read_text())
    assert saved["url"] == "https://portal.test/committees/testnamnden/mote-2025-01-01"
    assert saved["headers"]["x-test"] == "1"
    assert b"new-layout" in next(body.glob("*.body")).read_bytes()


def test_run_log_and_warning_when_a_source_stops_yielding(tmp_path):
    portals = parse_config(CONFIG)
    repo = tmp_path / "data"
    good = _mock_portal("<html><body><h1>Möte 2025-01-01</h1><section id='agenda'><p>Ingen agenda har publicerats</p></section></body></html>")
    run_scrape(ScrapeOptions(repo=repo, portals=portals, today=TODAY, client_factory=lambda c: HttpClient(cache_dir=c, delay=0, transport=good)))

    def empty(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, text="<html><body><h1>Testnämnden</h1></body></html>", headers={"content-type": "text/html"})

    report = run_scrape(ScrapeOptions(repo=repo, portals=portals, today=TODAY,
                                      client_factory=lambda c: HttpClient(cache_dir=c, delay=0, transport=httpx.MockTransport(empty))))
    assert not report.ok and report.commit is None
    assert "testkommun/testnamnden/mote-2025-01-01" in read_tables(repo / "datapackage")["meetings"]
    runs = RepoState(repo).last_runs(5)
    assert len(runs) == 2 and runs[0]["ok"] is True and runs[1]["ok"] is False
    assert runs[0]["sources"]["test/testnamnden"]["meetings_listed"] == 1


def test_health_rows_flag_sources_that_stop_yielding():
    from scraper.database import health_rows

    runs = [
        {"finished_at": "t1", "sources": {"p/a": {"meetings_listed": 5, "failures": 0}, "p/b": {"meetings_listed": 3, "failures": 0}}},
        {"finished_at": "t2", "sources": {"p/a": {"meetings_listed": 0, "failures": 1}, "p/b": {"meetings_listed": 3, "failures": 0}}},
        {"finished_at": "t3", "sources": {"p/a": {"meetings_listed": 0, "failures": 1}, "host": {"requests": 4}}},
    ]
    rows = {r["source"]: r for r in health_rows(runs)}
    assert set(rows) == {"p/a", "p/b"}
    assert (rows["p/a"]["consecutive_failures"], rows["p/a"]["last_success"], rows["p/a"]["stale"]) == (2, "t1", 1)
    assert (rows["p/b"]["consecutive_failures"], rows["p/b"]["last_success"], rows["p/b"]["stale"]) == (0, "t2", 0)


def _listing_portal(slugs: list[str]):
    rows = "".join(
        f'<a class="accessible-table-cell" href="/committees/testnamnden/{slug}" aria-label="Möte {slug[5:]}">x</a>' for slug in slugs
    )

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/robots.txt":
            return httpx.Response(404)
        if path == "/committees/testnamnden":
            return httpx.Response(200, text=f'<html><body><h1>Testnämnden</h1><div id="committeesRecentContent">{rows}</div></body></html>',
                                  headers={"content-type": "text/html"})
        slug = path.rsplit("/", 1)[1]
        return httpx.Response(200, text=f"<html><body><h1>Möte {slug[5:]}</h1><section id='agenda'><p>Ingen agenda har publicerats</p></section></body></html>",
                              headers={"content-type": "text/html"})

    return httpx.MockTransport(handler)


def _scrape_listing(repo, slugs):
    portals = parse_config(CONFIG)
    transport = _listing_portal(slugs)
    return run_scrape(ScrapeOptions(repo=repo, portals=portals, today=TODAY,
                                    client_factory=lambda c: HttpClient(cache_dir=c, delay=0, transport=transport)))


def test_vanished_meetings_are_removed_or_cancelled(tmp_path):
    repo = tmp_path / "data"
    assert _scrape_listing(repo, ["mote-2025-01-01", "mote-2027-03-01"]).ok
    report = _scrape_listing(repo, [])
    assert not report.ok and "no meetings found" in report.errors[0]["message"]  # an empty listing is a failure
    assert len(read_tables(repo / "datapackage")["meetings"]) == 2
    report = _scrape_listing(repo, ["mote-2026-06-01"])
    assert report.ok
    meetings = read_tables(repo / "datapackage")["meetings"]
    assert {k.rsplit("/", 1)[1]: r["status"] for k, r in meetings.items()} == {"mote-2027-03-01": "cancelled", "mote-2026-06-01": "held"}
    assert "testnamnden 2025-01-01: meeting removed from the portal" in report.changes
    assert "testnamnden 2027-03-01: meeting cancelled" in report.changes


def test_listing_that_shrinks_suddenly_is_a_failure(tmp_path):
    repo = tmp_path / "data"
    many = [f"mote-2025-0{m}-01" for m in range(1, 9)]
    assert _scrape_listing(repo, many).ok
    report = _scrape_listing(repo, many[:2])
    assert not report.ok and report.errors[0]["stage"] == "guard"
    assert len(read_tables(repo / "datapackage")["meetings"]) == 8


def test_invalid_record_is_reported_and_never_written(tmp_path):
    portals = parse_config(CONFIG)
    page = ("<html><body><h1>Möte 2025-01-01</h1><section id='protocol'>"
            "<a href='/committees/testnamnden/mote-2025-01-01/protocol/protokoll med mellanslagpdf'>Protokoll</a>"
            "</section></body></html>")
    transport = _mock_portal(page)
    report = run_scrape(ScrapeOptions(repo=tmp_path / "data", portals=portals, today=TODAY,
                                      client_factory=lambda c: HttpClient(cache_dir=c, delay=0, retries=0, transport=transport)))
    assert not report.ok
    assert [(p["resource"], p["field"], p["type"]) for p in report.invalid] == [("documents", "url", "constraint-error")]
    assert "mellanslag" in report.invalid[0]["url"]
    tables = read_tables(tmp_path / "data" / "datapackage")
    assert tables["documents"] == {}
    assert list(tables["meetings"]) == ["testkommun/testnamnden/mote-2025-01-01"]
