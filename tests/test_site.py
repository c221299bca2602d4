"""The published side: Datasette site (metadata, canned queries, search, feeds, chart, links),
downloads and releases, the DCAT-AP-SE catalogue, and untrusted text from the portals.

The demo database is built once for the module (replica -> scrape day by day -> SQLite)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.database import build_database, load_descriptor
from scraper.package import PACKAGE_DIR, PackageInfo, read_table, resources, row_key, to_table_row, write_package
from scraper.site.catalog import CatalogOptions, organisation_uri, resolve_publisher
from scraper.site.metadata import build_metadata
from scraper.site.publish import JSON_NAME, ZIP_NAME, publish
from scraper.site.queries import QUERIES, canned_queries, skipped_queries
from scraper.site.search import ensure_search
from scraper.site.serve import database_tables, make_datasette, metadata_path, write_metadata

from .packages import part_of

TODAY = date(2026, 11, 25)
ATOM = "{http://www.w3.org/2005/Atom}"
SCRIPT = "<script>alert(1)</script>"
BOLD = "<b>x</b>"
QUERY_PARAMS = {"q": "förslag", "case_number": "NLL-00288-2024", "party": "", "days": "14", "since": "",
                "from_date": "2026-11-25", "committee_id": "", "person_id": "region-vasterbotten/anna-exempelsson",
                "today": "2026-01-20"}


@dataclass
class Site:
    root: Path
    repo: Path
    db: Path
    downloads: Path
    ds: object
    loop: asyncio.AbstractEventLoop

    def get(self, path: str):
        return self.loop.run_until_complete(self.ds.client.get(path))

    def json(self, path: str):
        response = self.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.json()

    def rows(self, query: str, **params) -> list[dict]:
        from urllib.parse import urlencode

        return self.json(f"/{self.db.stem}/{query}.json?" + urlencode({**params, "_shape": "array"}))

    def queries(self) -> dict:
        return json.loads(metadata_path(self.db).read_text(encoding="utf-8"))["databases"][self.db.stem]["queries"]


def make_site(root: Path, db: Path, repo: Path, downloads: Path) -> Site:
    loop = asyncio.new_event_loop()
    return Site(root, repo, db, downloads, make_datasette(db, downloads=downloads), loop)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from scraper.demo import run_demo

    root = tmp_path_factory.mktemp("site")
    result, replica = run_demo(root, today=TODAY, say=lambda m: None)
    replica.stop()
    ensure_search(result.database)
    write_metadata(load_descriptor(result.data_repo / PACKAGE_DIR), result.database)
    downloads = root / "downloads"
    publish(result.data_repo, downloads, catalog_options={"contact_email": "data@example.org",
                                                          "site_url": "https://meetings.example.org"})
    s = make_site(root, result.database, result.data_repo, downloads)
    yield s
    s.loop.close()


# ---------------------------------------------------------------- metadata


def test_metadata_describes_every_table_and_column(site):
    metadata = json.loads(metadata_path(site.db).read_text(encoding="utf-8"))
    assert metadata["license"] and metadata["license_url"].startswith("https://creativecommons.org/")
    assert metadata["source"] and metadata["source_url"]
    descriptor = load_descriptor(site.repo / PACKAGE_DIR)
    assert "Sources:" in metadata["description_html"]
    for source in descriptor["sources"]:
        assert source["path"] in metadata["description_html"]
    tables = metadata["databases"]["meetings"]["tables"]
    db_tables = database_tables(site.db)
    for resource in descriptor["resources"]:
        name = resource["name"]
        assert tables[name]["title"] and tables[name]["description"], name
        for field in resource["schema"]["fields"]:
            assert tables[name]["columns"].get(field["name"]), (name, field["name"])
        for facet in tables[name].get("facets", []):
            assert facet in db_tables[name], (name, facet)
    assert "committee_id" in tables["meetings"]["facets"] and "status" in tables["meetings"]["facets"]
    assert "(sammanträden)" in tables["meetings"]["description"]
    assert "diarienummer" in tables["agenda_items"]["columns"]["case_number"]
    for name in db_tables:
        if name in ("changes", "commits") or name.endswith("_versions"):
            assert tables[name]["description"], name
            assert [c for c in db_tables[name] if not tables[name]["columns"].get(c)] == [], name


def test_queries_are_registered_only_for_tables_that_exist(site):
    base = {t: c for t, c in database_tables(site.db).items()
            if t in ("organisations", "committees", "meetings", "agenda_items", "documents")
            or t in ("agenda_items_fts", "meetings_fts", "documents_fts")}
    offered = canned_queries(base)
    assert {"search", "upcoming_meetings", "meetings_without_protocol", "items_on_case", "latest_agenda_items",
            "protocols_feed", "agendas_feed", "meetings_calendar", "meetings_per_month"} <= set(offered)
    for name in ("latest_decisions", "decisions_on_case", "reservations_by_party", "changes_this_week",
                 "decisions_feed", "decisions_per_month"):
        assert name not in offered
        assert name in skipped_queries(base)
    assert "paragraphs" not in offered["search"]["sql"]
    metadata = build_metadata(load_descriptor(site.repo / PACKAGE_DIR), "meetings", base)
    assert set(metadata["databases"]["meetings"]["queries"]) == set(offered)


def test_every_canned_query_answers_on_the_demo(site):
    queries = site.queries()
    assert len(queries) >= 10
    for name in queries:
        rows = site.rows(name, **QUERY_PARAMS)
        assert isinstance(rows, list), name


def future_tables_db(path: Path) -> Path:
    """A database with every table the site knows of, with the columns the issue names."""
    conn = sqlite3.connect(path)
    conn.executescript("""
    create table organisations (organisation_id text primary key, name text, kind text, country text, portal_url text);
    create table committees (committee_id text primary key, organisation_id text, slug text, name text, url text);
    create table meetings (meeting_id text primary key, committee_id text, slug text, title text, date text,
      start_time text, status text, agenda_published int, protocol_published int, agenda_item_count int,
      document_count int, url text, description text);
    create table agenda_items (agenda_item_id text primary key, meeting_id text, ordinal int, number text, title text,
      case_number text, description text);
    create table documents (document_id text primary key, meeting_id text, kind text, title text, url text);
    create table paragraphs (paragraph_id text primary key, meeting_id text, document_id text, number int, title text,
      case_number text, decision text, decision_kind text, text text, immediately_adjusted int);
    create table attendance (meeting_id text, document_id text, name text, party text, role text, replaces text, title text);
    create table reservations (reservation_id text primary key, paragraph_id text, meeting_id text, name text, party text,
      person_id text);
    create table proposals (proposal_id text primary key, paragraph_id text, meeting_id text, ordinal int, name text,
      party text, stance text, person_id text);
    create table summary_items (summary_item_id text primary key, meeting_id text, document_id text, ordinal int,
      title text, decision text, decision_kind text, item_number int);
    create table changes (change_id text primary key, resource text, record_id text, kind text, field text,
      old_value text, new_value text, "commit" text, committed_at text, made_by text, committee_id text, meeting_id text);
    create table commits ("commit" text primary key, parent text, committed_at text, author text, message text,
      made_by text, seq int);
    create table corrections (correction_id text primary key, document_id text, meeting_id text, paragraph int,
      description text);
    create table votes (vote_id text primary key, paragraph_id text, meeting_id text, ordinal int, name text, party text,
      vote text, person_id text);
    create table vote_results (vote_result_id text primary key, paragraph_id text, meeting_id text, ordinal int, kind text,
      question text, yes_means text, no_means text, yes int, no int, abstained int, absent int, named_yes int,
      named_no int, named_abstained int, named_absent int, counts_match int, outcome text, casting_vote int, warnings text);
    create table recusals (recusal_id text primary key, paragraph_id text, meeting_id text, name text, party text,
      person_id text, text text);
    create table people (person_id text primary key, organisation_id text, name text, party text, parties text, roles text,
      kind text, first_seen text, last_seen text, meetings int, votes int, reservations int, recusals int,
      possible_duplicates text);
    insert into votes values ('o/rs/m1§1/1/Anna', 'o/rs/m1§1', 'o/rs/m1', 1, 'Anna', 'V', 'nej', 'o/anna'),
      ('o/rs/m1§1/1/Bo', 'o/rs/m1§1', 'o/rs/m1', 1, 'Bo', 'S', 'ja', 'o/bo'),
      ('o/rs/m1§1/1/Bodil', 'o/rs/m1§1', 'o/rs/m1', 1, 'Bodil', 'S', 'ja', 'o/bodil'),
      ('o/rs/m1§1/1/Cia', 'o/rs/m1§1', 'o/rs/m1', 1, 'Cia', 'S', 'avstår', 'o/cia'),
      ('o/rs/m1§1/2/Anna', 'o/rs/m1§1', 'o/rs/m1', 2, 'Anna', 'V', 'ja', 'o/anna');
    insert into vote_results values
      ('o/rs/m1§1/1', 'o/rs/m1§1', 'o/rs/m1', 1, 'open', null, 'förslaget', 'Annas yrkande', 2, 1, 1, null, 2, 1, 1, 0, 1,
       'förslaget', 0, null),
      ('o/rs/m1§1/2', 'o/rs/m1§1', 'o/rs/m1', 2, 'closed', null, null, null, 9, 2, 0, null, null, null, null, null, null,
       'förslaget', 0, null),
      ('o/rs/m1§1/3', 'o/rs/m1§1', 'o/rs/m1', 3, 'closed', null, null, null, 5, 5, 0, null, null, null, null, null, null,
       'förslaget', 1, null);
    insert into recusals values ('o/rs/m1§1/Cia', 'o/rs/m1§1', 'o/rs/m1', 'Cia', 'S', 'o/cia', 'Cia (S) anmäler jäv.');
    insert into people values ('o/anna', 'o', 'Anna', 'V', 'V 2026-01-10–2026-01-10', null, 'member', '2026-01-10',
        '2026-01-10', 1, 2, 1, 0, null),
      ('o/bo', 'o', 'Bo', 'S', 'S 2026-01-10–2026-01-10', null, 'member', '2026-01-10', '2026-01-10', 1, 1, 0, 0, 'o/bodil'),
      ('o/bodil', 'o', 'Bodil', 'S', 'S 2026-01-10–2026-01-10', null, 'member', '2026-01-10', '2026-01-10', 1, 1, 0, 0,
       'o/bo'),
      ('o/cia', 'o', 'Cia', 'S', 'S 2026-01-10–2026-01-10', null, 'member', '2026-01-10', '2026-01-10', 1, 1, 0, 1, null);
    create table notices (notice_id text primary key, organisation_id text, portal_notice_id text, type text, kind text,
      title text, posted text, removed text, description text, committee_id text, meeting_id text, url text,
      appeal_deadline text);
    insert into notices values ('o/1', 'o', '1', 'Justerat protokoll', 'protocol_adjusted', 'Protokoll RS 2026-01-10',
      '2026-01-12', null, null, 'o/rs', 'o/rs/m1', 'https://p.example/digital-bulletin-board/announcements/1', '2026-02-02');
    insert into commits values ('abc', null, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'bot', 'rs 2026-01-10: protocol published',
      'scrape', 0);
    insert into organisations values ('o', 'Region Ö', 'region', 'SE', 'https://p.example');
    insert into committees values ('o/rs', 'o', 'rs', 'Regionstyrelsen', 'https://p.example/committees/rs');
    insert into meetings values ('o/rs/m1', 'o/rs', 'm1', 'Möte', '2026-01-10', '09:00', 'held', 1, 1, 1, 1,
      'https://p.example/m1', null);
    insert into agenda_items values ('o/rs/m1#1', 'o/rs/m1', 1, '1', 'Budget för vården', 'RS 1-2026', null);
    insert into documents values ('o/rs/m1/protocol/p', 'o/rs/m1', 'protokoll', 'Protokoll', 'https://p.example/p.pdf');
    insert into paragraphs values ('o/rs/m1§1', 'o/rs/m1', 'o/rs/m1/protocol/p', 1, 'Budget för vården',
      'RS 1-2026; RS 2-2026', 'Regionstyrelsen beslutar att godkänna förslaget.', 'beslut', 'Hela texten', 0);
    insert into reservations values ('o/rs/m1§1/Anna', 'o/rs/m1§1', 'o/rs/m1', 'Anna', 'V', 'o/anna');
    insert into summary_items values ('s#1', 'o/rs/m1', 'o/rs/m1/protocol/p', 1, 'Budget', 'Beslut om budget', 'beslut', 3);
    insert into changes values ('c1', 'paragraphs', 'o/rs/m1§1', 'added', null, null, '{}', 'abc',
      strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'scrape', 'o/rs', 'o/rs/m1');
    """)
    conn.commit()
    conn.close()
    ensure_search(path)
    import sqlite_utils

    db = sqlite_utils.Database(path)
    db["agenda_items"].enable_fts(["title", "case_number", "description"], tokenize="unicode61 remove_diacritics 0")
    db.close()
    return path


def test_every_query_runs_against_the_announced_tables(tmp_path):
    db = future_tables_db(tmp_path / "meetings.db")
    tables = database_tables(db)
    assert skipped_queries(tables) == {}
    write_metadata({"resources": []}, db)
    s = make_site(tmp_path, db, tmp_path, tmp_path)
    try:
        for query in QUERIES:
            assert s.get(f"/meetings/{query.name}.json").status_code == 200, query.name
        assert [r["case_number"] for r in s.rows("decisions_on_case", case_number="rs2-2026")] == ["RS 1-2026; RS 2-2026"]
        assert s.rows("decisions_on_case", case_number="RS 1") == []
        assert "case_numbers" not in tables, "the queries work without the case_numbers table (a database of an older build)"
        assert [r["party"] for r in s.rows("reservations_by_party")] == ["V"]
        assert [r["party"] for r in s.rows("party_reservations", party="v")] == ["V"]
        assert s.rows("party_reservations", party="M") == []
        assert [r["kind"] for r in s.rows("changes_this_week")] == ["added"]
        assert s.rows("changes_this_week", since="2999-01-01") == []
        kinds = {r["kind"] for r in s.rows("search", q="förslaget")}
        assert kinds == {"paragraph"}
        assert {r["kind"] for r in s.rows("search", q="budget")} == {"paragraph", "summary item", "agenda item"}
        assert [(r["ordinal"], r["vote"]) for r in s.rows("member_votes", person_id="o/anna")] == [(1, "nej"), (2, "ja")]
        assert s.rows("member_votes", person_id="o/anna")[0]["no_means"] == "Annas yrkande"
        assert s.rows("member_votes", person_id="o/nobody") == []
        per_party = [(r["ordinal"], r["party"], r["ja"], r["nej"], r["avstår"]) for r in s.rows("votes_per_party")]
        assert per_party == [(1, "S", 2, 0, 1), (1, "V", 0, 1, 0), (2, "V", 1, 0, 0)]
        assert [(r["ordinal"], r["margin"], r["casting_vote"]) for r in s.rows("close_votes")] == [(1, 1, 0), (3, 0, 1)]
        assert [(r["name"], r["title"]) for r in s.rows("recusals")] == [("Cia", "Budget för vården")]
        assert s.rows("recusals", person_id="o/anna") == []
        assert [(r["name"], r["other_name"]) for r in s.rows("possible_duplicate_people")] == [("Bo", "Bodil")]
        feed = ET.fromstring(s.get("/meetings/decisions_feed.atom").content)
        assert [e.findtext(ATOM + "title") for e in feed.iter(ATOM + "entry")] == [
            "Regionstyrelsen 2026-01-10, § 1: Budget för vården"]
        assert [(r["paragraph"], r["appeal_deadline"], r["adjustment_announced"]) for r in s.rows("open_to_appeal", today="2026-02-02")] \
            == [(1, "2026-02-02", "2026-01-12")]
        assert s.rows("open_to_appeal", today="2026-02-03") == []
        feed = ET.fromstring(s.get("/meetings/open_to_appeal_feed.atom?today=2026-01-20").content)
        assert [e.findtext(ATOM + "title") for e in feed.iter(ATOM + "entry")] == [
            "Regionstyrelsen 2026-01-10, § 1: Budget för vården (överklaga senast 2026-02-02)"]
        calendar = s.get("/meetings/meetings_calendar.ics?from_date=2026-01-01").content.decode().replace("\r\n ", "")
        assert "SUMMARY:Sista dag att överklaga: Regionstyrelsen 2026-01-10 (Region Ö)" in calendar
        assert "DTSTART;TZID=Europe/Stockholm:20260202T000000" in calendar
        feed = ET.fromstring(s.get("/meetings/person_feed.atom?person_id=o/anna").content)
        assert [e.findtext(ATOM + "title") for e in feed.iter(ATOM + "entry")] == [
            "Anna reserverade sig: Regionstyrelsen 2026-01-10, § 1 Budget för vården",
            "Anna röstade nej: Regionstyrelsen 2026-01-10, § 1 Budget för vården",
            "Anna röstade ja: Regionstyrelsen 2026-01-10, § 1 Budget för vården"]
        assert list(ET.fromstring(s.get("/meetings/person_feed.atom?person_id=o/nobody").content).iter(ATOM + "entry")) == []
        feed = ET.fromstring(s.get("/meetings/case_feed.atom?case_number=rs%202-2026").content)
        assert [e.findtext(ATOM + "title") for e in feed.iter(ATOM + "entry")] == [
            "Regionstyrelsen 2026-01-10, § 1: Budget för vården"]
        feed = ET.fromstring(s.get("/meetings/case_feed.atom?case_number=RS%201-2026&organisation_id=o").content)
        assert len(list(feed.iter(ATOM + "entry"))) == 2
    finally:
        s.loop.close()


def test_meetings_build_writes_database_search_and_metadata(site, tmp_path):
    db = tmp_path / "site" / "meetings.db"
    db.parent.mkdir()
    result = CliRunner().invoke(cli, ["build", "--repo", str(site.repo), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "canned queries" in result.output
    assert sorted(p.name for p in db.parent.iterdir()) == ["meetings-metadata.json", "meetings.db"]
    tables = database_tables(db)
    if "paragraphs" in tables:
        assert "paragraphs_fts" in tables
    metadata = json.loads(metadata_path(db).read_text(encoding="utf-8"))
    assert set(metadata["databases"]["meetings"]["queries"]) == set(canned_queries(tables))


# ---------------------------------------------------------------- canned queries on the demo


def test_upcoming_meetings_and_meetings_without_protocol(site):
    upcoming = site.rows("upcoming_meetings", from_date="2026-11-25")
    assert [(r["date"], r["status"]) for r in upcoming] == [
        ("2027-01-26", "upcoming"), ("2027-02-09", "cancelled"), ("2027-04-20", "upcoming")]
    assert upcoming[0]["url"].endswith("/committees/regionstyrelsen/mote-2027-01-26")
    conn = sqlite3.connect(site.db)
    held = conn.execute("select meeting_id, date from meetings where protocol_published = 0 and status != 'cancelled'").fetchall()
    conn.close()
    for days in (30, 400):
        cutoff = (date.today() - timedelta(days=days)).isoformat()
        expected = sorted(m for m, d in held if d <= cutoff)
        got = site.rows("meetings_without_protocol", days=str(days))
        assert sorted(r["meeting_id"] for r in got) == expected
        assert all(r["days_ago"] >= days for r in got)
    assert "region-vasterbotten/regionfullmaktige/mote-2026-02-24" in [
        r["meeting_id"] for r in site.rows("meetings_without_protocol", days="30")]


def test_case_numbers_are_followed_across_meetings(site):
    items = site.rows("items_on_case", case_number=" nll-00288-2024 ")
    assert [r["title"] for r in items] == ["Ändring i beställning vårdval filialer och servicepunkter"]
    assert site.rows("items_on_case", case_number="") == []
    queries = site.queries()
    if "decisions_on_case" in queries:
        conn = sqlite3.connect(site.db)
        case = conn.execute("select case_number from paragraphs where case_number like 'NLL-%' limit 1").fetchone()[0]
        conn.close()
        rows = site.rows("decisions_on_case", case_number=f" {case.lower()} ")
        assert rows and all(case in r["case_number"] for r in rows)


def test_decisions_and_reservations_on_the_demo(site):
    queries = site.queries()
    if "latest_decisions" not in queries:
        pytest.skip("the demo has no paragraphs table yet")
    decisions = site.rows("latest_decisions")
    assert decisions and all(r["decision_kind"] for r in decisions)
    assert [r["date"] for r in decisions] == sorted((r["date"] for r in decisions), reverse=True)
    if "reservations_by_party" in queries:
        by_party = site.rows("reservations_by_party")
        assert by_party == sorted(by_party, key=lambda r: (-r["reservations"], r["party"]))
        party = by_party[0]["party"]
        listed = site.rows("party_reservations", party=party.lower())
        assert listed and {r["party"] for r in listed} == {party}
        assert sum(r["reservations"] for r in by_party if r["party"] == party) == len(listed)
    if "changes_this_week" in queries:
        changes = site.rows("changes_this_week")
        assert changes and {r["kind"] for r in changes} <= {"added", "changed", "removed"}
        assert site.rows("changes_this_week", since="2999-01-01") == []


def test_people_of_the_demo_change_party_and_may_be_duplicates(site):
    conn = sqlite3.connect(site.db)
    try:
        cecilia = conn.execute("select party, parties, kind, meetings from people "
                               "where person_id = 'region-vasterbotten/cecilia-testdotter'").fetchone()
        officials = conn.execute("select count(*) from people where kind = 'official'").fetchone()[0]
    finally:
        conn.close()
    assert cecilia == ("L", "C 2025-09-09–2025-09-09; L 2025-10-14–2025-10-14", "member", 2)
    assert officials >= 2
    pairs = [(r["name"], r["other_name"]) for r in site.rows("possible_duplicate_people")]
    assert ("Bertil Provson", "Bertil Provsson") in pairs


def test_meetings_per_month_counts_every_meeting_that_is_not_cancelled(site):
    rows = site.rows("meetings_per_month")
    conn = sqlite3.connect(site.db)
    total = conn.execute("select count(*) from meetings where status != 'cancelled'").fetchone()[0]
    conn.close()
    assert sum(r["meetings"] for r in rows) == total
    assert {"month": "2024-03", "committee_id": "region-norrbotten/regionstyrelsen", "committee": "Regionstyrelsen",
            "organisation": "Region Norrbotten", "meetings": 1} in rows


# ---------------------------------------------------------------- search


def test_search_keeps_a_ring_a_umlaut_and_o_umlaut_apart(site):
    hits = site.rows("search", q="förslag")
    assert hits and all("«förslag»" in r["snippet"].lower() for r in hits)
    assert site.rows("search", q="forslag") == []
    assert site.rows("search", q="för")
    assert site.rows("search", q="for") == []
    assert site.rows("search", q="Västerbotten")
    assert site.rows("search", q="vasterbotten") == []
    table = site.json("/meetings/agenda_items.json?_search=f%C3%B6rslag&_shape=array")
    assert table and all("örslag" in r["title"] for r in table)
    assert site.json("/meetings/agenda_items.json?_search=forslag&_shape=array") == []


@pytest.mark.parametrize("q", ['"unbalanced', "AND OR", "NEAR(", "*", "", "   ", "title:x", '"', "OR", "-för"])
def test_search_syntax_is_taken_as_words(site, q):
    rows = site.rows("search", q=q)
    assert isinstance(rows, list)


@pytest.mark.parametrize("q", ['"unbalanced', "AND OR"])
def test_raw_search_syntax_errors_are_explained_not_500(site, q):
    from urllib.parse import quote

    response = site.get(f"/meetings/agenda_items.json?_searchmode=raw&_search={quote(q)}")
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == "Search syntax error" and "_searchmode=raw" in body["error"]
    page = site.get(f"/meetings/agenda_items?_searchmode=raw&_search={quote(q)}")
    assert page.status_code == 400 and "Search syntax error" in page.text


def test_search_page_marks_the_words_and_links_the_meeting(site):
    page = site.get("/meetings/search?q=f%C3%B6rslag")
    assert page.status_code == 200
    assert "<mark>Förslag</mark>" in page.text or "<mark>förslag</mark>" in page.text
    assert 'href="/meeting/region-vasterbotten/regionfullmaktige/mote-2026-02-24"' in page.text


# ---------------------------------------------------------------- serve --get


def test_meetings_serve_get(site):
    runner = CliRunner()
    result = runner.invoke(cli, ["serve", "--db", str(site.db), "--downloads", str(site.downloads),
                                 "--get", "/meetings/upcoming_meetings.json?from_date=2026-11-25&_shape=array"])
    assert result.exit_code == 0, result.output
    assert [r["date"] for r in json.loads(result.stdout)] == ["2027-01-26", "2027-02-09", "2027-04-20"]
    result = runner.invoke(cli, ["serve", "--db", str(site.db), "--get", "/-/activity"])
    assert result.exit_code == 0 and "<svg" in result.stdout
    result = runner.invoke(cli, ["serve", "--db", str(site.db), "--get",
                                 "/meetings/agenda_items.json?_searchmode=raw&_search=AND+OR"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["status"] == 400
    result = runner.invoke(cli, ["serve", "--db", str(site.db), "--downloads", str(site.downloads),
                                 "--get", "/downloads/meetings.json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["data"]["meetings"]


# ---------------------------------------------------------------- feeds


def atom_entries(site, path):
    response = site.get(path)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("application/xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == ATOM + "feed"
    assert feed.findtext(ATOM + "id") and feed.findtext(ATOM + "updated")
    entries = feed.findall(ATOM + "entry")
    for entry in entries:
        for child in ("id", "title", "updated"):
            assert entry.findtext(ATOM + child), child
        assert entry.find(ATOM + "link").get("href").startswith("http")
    return feed, entries


def test_atom_feeds_per_committee(site):
    feed, entries = atom_entries(site, "/meetings/protocols_feed.atom")
    assert feed.findtext(ATOM + "title") == "New protocols"
    assert len(entries) >= 3
    feed, entries = atom_entries(site, "/meetings/protocols_feed.atom?committee_id=region-norrbotten/regionstyrelsen")
    assert feed.findtext(ATOM + "title") == "New protocols: Regionstyrelsen (Region Norrbotten)"
    assert [e.findtext(ATOM + "title") for e in entries] == [
        "Regionstyrelsen 2024-03-12: Protokoll regionstyrelsen 2024-03-12.pdf"]
    _, entries = atom_entries(site, "/meetings/agendas_feed.atom?committee_id=region-vasterbotten/regionstyrelsen")
    first = entries[0]
    assert first.findtext(ATOM + "title").startswith("Regionstyrelsen 2027-01-26")
    assert first.find(ATOM + "content").get("type") == "text"
    feed, entries = atom_entries(site, "/meetings/protocols_feed.atom?committee_id=no/such-committee")
    assert entries == [] and feed.findtext(ATOM + "title") == "New protocols: no/such-committee"
    if "decisions_feed" in site.queries():
        _, entries = atom_entries(site, "/meetings/decisions_feed.atom?committee_id=region-norrbotten/regionstyrelsen")
        assert entries and all("§" in e.findtext(ATOM + "title") for e in entries)


@pytest.mark.parametrize("today, meetings", [
    ("2025-09-10", []),  # the protocol of 2025-09-09 is adjusted, the notice not yet posted
    ("2025-09-11", ["mote-2025-09-09"]),
    ("2025-10-02", ["mote-2025-09-09"]),  # its last day
    ("2025-10-20", ["regionstyrelsen-2025-10-14"]),
    ("2024-03-20", ["mote-2024-03-12"]),
    ("2026-11-25", []),
])
def test_decisions_open_to_appeal_in_the_demo(site, today, meetings):
    rows = site.rows("open_to_appeal", today=today)
    assert sorted({r["meeting_id"].rsplit("/", 1)[1] for r in rows}) == meetings
    assert all(r["adjustment_announced"] <= today <= r["appeal_deadline"] for r in rows)
    assert len({r["paragraph_id"] for r in rows}) == len(rows)


def test_icalendar_of_meetings_in_stockholm_time(site):
    response = site.get("/meetings/meetings_calendar.ics?from_date=2026-11-25")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    raw = response.content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    text = raw.decode("utf-8").replace("\r\n ", "")
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Stockholm" in text
    events = text.split("BEGIN:VEVENT")[1:]
    assert len(events) == 2
    assert "DTSTART;TZID=Europe/Stockholm:20270126T090000" in text
    assert "DTSTART;TZID=Europe/Stockholm:20270420T083000" in text
    assert "20270209" not in text
    assert all("DTSTAMP:" in e and "UID:" in e for e in events)
    assert "SUMMARY:Regionstyrelsen (Region Västerbotten): Möte 2027-01-26" in text
    assert text.index("END:VTIMEZONE") < text.index("BEGIN:VEVENT")


# ---------------------------------------------------------------- chart and links


def test_activity_chart(site):
    page = site.get("/-/activity")
    assert page.status_code == 200
    html = page.text
    assert html.count("<svg") >= 2 and 'role="img"' in html
    assert "2024-03 · Regionstyrelsen (Region Norrbotten): 1 meeting" in html
    assert "Regionfullmäktige (Region Västerbotten): 5" in html
    if "decisions_per_month" in site.queries():
        assert "Decisions per month and committee" in html


def test_meetings_link_to_the_portal_and_their_documents(site):
    html = site.get("/meetings/meetings?committee_id=region-vasterbotten/regionstyrelsen").text
    assert re.search(r'<a href="http://127\.0\.0\.1:\d+/committees/regionstyrelsen/mote-2025-09-09" '
                     r'rel="nofollow noopener"', html)
    assert ('href="/meetings/documents?meeting_id=region-vasterbotten%2Fregionstyrelsen%2Fmote-2025-09-09">'
            "3 documents</a>") in html
    row = site.get("/meetings/meetings/region-vasterbotten~2Fregionstyrelsen~2Fmote-2025-09-09").text
    assert '<a href="/meetings/documents?meeting_id=region-vasterbotten/regionstyrelsen/mote-2025-09-09">' in row


def test_front_page_lists_downloads_and_feeds(site):
    html = site.get("/").text
    assert 'href="/downloads/meetings-datapackage.zip"' in html
    assert 'href="/downloads/meetings.json"' in html and 'href="/downloads/catalog.rdf"' in html
    assert 'href="/meetings/protocols_feed.atom"' in html and 'href="/meetings/meetings_calendar.ics"' in html
    assert 'href="/-/activity"' in html


# ---------------------------------------------------------------- downloads and releases


def test_zip_holds_the_package_with_fixed_bytes(site, tmp_path):
    data = (site.downloads / ZIP_NAME).read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    package = site.repo / PACKAGE_DIR
    expected = sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file())
    assert names == expected
    assert "datapackage.json" in names and any(n.startswith("data/meetings/") for n in names)
    assert any(n.startswith("text/") and n.endswith(".txt") for n in names)
    for info in archive.infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert archive.read(info) == (package / info.filename).read_bytes()
    again = tmp_path / "again"
    publish(site.repo, again, catalog_options={"contact_email": "data@example.org",
                                               "site_url": "https://meetings.example.org"})
    assert (again / ZIP_NAME).read_bytes() == data
    assert (again / JSON_NAME).read_bytes() == (site.downloads / JSON_NAME).read_bytes()
    assert (again / "catalog.rdf").read_bytes() == (site.downloads / "catalog.rdf").read_bytes()
    served = site.get("/downloads/meetings-datapackage.zip")
    assert served.status_code == 200 and served.content == data


def test_json_export_has_typed_rows_and_texts(site):
    export = json.loads((site.downloads / JSON_NAME).read_text(encoding="utf-8"))
    package = site.repo / PACKAGE_DIR
    assert export["datapackage"] == load_descriptor(package)
    assert len(export["data"]["meetings"]) == len(read_table(package, "meetings"))
    meeting = export["data"]["meetings"][0]
    assert isinstance(meeting["agenda_published"], bool) and isinstance(meeting["agenda_item_count"], int)
    assert set(export["texts"]) == {p.relative_to(package).as_posix() for p in (package / "text").rglob("*.txt")}


def test_release_tags_a_day_with_changes(site, tmp_path):
    repo_dir = tmp_path / "data"
    git.Repo.clone_from(site.repo, repo_dir)
    out = tmp_path / "downloads"
    runner = CliRunner()
    args = ["publish", "--repo", str(repo_dir), "--out", str(out), "--release", "--contact-email", "d@example.org"]
    result = runner.invoke(cli, args + ["--today", "2026-11-25"])
    assert result.exit_code == 0, result.output
    repo = git.Repo(repo_dir)
    assert [t.name for t in repo.tags] == ["data-2026-11-25"]
    assert repo.tags["data-2026-11-25"].commit == repo.head.commit
    assert repo.tags["data-2026-11-25"].tag.message.startswith("Data release 2026-11-25")
    assert (out / "meetings-datapackage-2026-11-25.zip").read_bytes() == (out / ZIP_NAME).read_bytes()
    result = runner.invoke(cli, args + ["--today", "2026-11-26"])
    assert result.exit_code == 0 and "already released as data-2026-11-25" in result.output
    assert [t.name for t in repo.tags] == ["data-2026-11-25"]
    meetings = part_of(repo_dir, "meetings", "mote-2027-04-20")
    meetings.write_text(meetings.read_text(encoding="utf-8").replace("Möte 2027-04-20", "Möte 2027-04-20 (ändrat)"),
                        encoding="utf-8")
    result = runner.invoke(cli, args + ["--today", "2026-11-26"])
    assert result.exit_code == 1 and "uncommitted changes" in result.output
    repo.git.add("-A")
    repo.git.commit("-m", "change", env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})
    result = runner.invoke(cli, args + ["--today", "2026-11-25"])
    assert "one release per day" in result.output
    result = runner.invoke(cli, args + ["--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert sorted(t.name for t in repo.tags) == ["data-2026-11-25", "data-2026-11-26"]
    old, new = (out / "meetings-datapackage-2026-11-25.zip").read_bytes(), (out / "meetings-datapackage-2026-11-26.zip").read_bytes()
    assert old != new and new == (out / ZIP_NAME).read_bytes()
    assert "meetings-datapackage-2026-11-26.zip" in (out / "catalog.rdf").read_text(encoding="utf-8")
    served = make_site(tmp_path, site.db, repo_dir, out)
    try:
        html = served.get("/").text
        assert 'href="/downloads/meetings-datapackage-2026-11-26.zip"' in html
    finally:
        served.loop.close()


# ---------------------------------------------------------------- DCAT-AP-SE


def test_catalog_has_the_mandatory_dcat_ap_se_properties(site):
    import rdflib
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

    VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")

    graph = rdflib.Graph().parse(site.downloads / "catalog.rdf", format="xml")
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    distributions = list(graph.subjects(RDF.type, DCAT.Distribution))
    assert len(catalogs) == 1 and len(datasets) == 1 and len(distributions) == 3
    catalog, dataset = catalogs[0], datasets[0]

    def langs(subject, prop):
        return {o.language for o in graph.objects(subject, prop)}

    for prop in (DCTERMS.title, DCTERMS.description):
        assert langs(catalog, prop) == {"sv", "en"}
        assert langs(dataset, prop) == {"sv", "en"}
    assert len(list(graph.objects(catalog, DCTERMS.publisher))) == 1
    assert list(graph.objects(catalog, DCTERMS.license)) == [rdflib.URIRef("http://creativecommons.org/publicdomain/zero/1.0/")]
    assert list(graph.objects(catalog, DCAT.dataset)) == [dataset]
    publishers = list(graph.objects(dataset, DCTERMS.publisher))
    assert len(publishers) == 1
    publisher = publishers[0]
    assert graph.value(publisher, FOAF.name) and graph.value(publisher, DCTERMS.type)
    assert (publisher, RDF.type, FOAF.Organization) in graph
    contact = graph.value(dataset, DCAT.contactPoint)
    assert contact != publisher
    assert graph.value(contact, VCARD.fn) and str(graph.value(contact, VCARD.hasEmail)) == "mailto:data@example.org"
    assert graph.value(dataset, DCAT.theme) == rdflib.URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
    assert graph.value(dataset, DCTERMS.accessRights) == rdflib.URIRef(
        "http://publications.europa.eu/resource/authority/access-right/PUBLIC")
    assert langs(dataset, DCAT.keyword) == {"sv", "en"}
    assert graph.value(dataset, DCTERMS.license)
    assert set(graph.objects(dataset, DCAT.distribution)) == set(distributions)
    urls = {}
    for distribution in distributions:
        assert len(list(graph.objects(distribution, DCAT.accessURL))) == 1
        assert len(list(graph.objects(distribution, DCTERMS.format))) == 1
        assert graph.value(distribution, DCAT.mediaType) and graph.value(distribution, DCTERMS.license)
        urls[str(graph.value(distribution, DCTERMS.format))] = str(graph.value(distribution, DCAT.accessURL))
    assert urls["text/csv+zip"] == "https://meetings.example.org/downloads/meetings-datapackage.zip"
    api = [d for d in distributions if graph.value(d, DCAT.accessService)]
    assert len(api) == 1 and str(graph.value(api[0], DCAT.accessURL)) == "https://meetings.example.org/meetings"
    service = graph.value(api[0], DCAT.accessService)
    assert (service, RDF.type, DCAT.DataService) in graph and graph.value(service, DCAT.endpointURL)
    zip_dist = [d for d in distributions if str(graph.value(d, DCTERMS.format)) == "text/csv+zip"][0]
    assert int(graph.value(zip_dist, DCAT.byteSize)) == (site.downloads / ZIP_NAME).stat().st_size


def test_publisher_uris_use_the_organisation_number():
    assert organisation_uri("232100-0222") == "http://dataportal.se/organisation/SE2321000222"
    descriptor = {"homepage": "https://github.com/meetings-open-data/meetings",
                  "contributors": [{"title": "meetings-open-data contributors"}]}
    one = resolve_publisher(CatalogOptions(), descriptor, [{"organisation_id": "region-vasterbotten"}])
    assert (one.uri, one.name, one.type, one.identifier) == (
        "http://dataportal.se/organisation/SE2321000222", "Region Västerbotten", "RegionalAuthority", "232100-0222")
    given = resolve_publisher(CatalogOptions(publisher="2321000230"), descriptor, [])
    assert (given.uri, given.name) == ("http://dataportal.se/organisation/SE2321000230", "Region Norrbotten")
    several = resolve_publisher(CatalogOptions(), descriptor, [{"organisation_id": "region-vasterbotten"},
                                                               {"organisation_id": "region-norrbotten"}])
    assert several.uri == descriptor["homepage"] and several.name == "meetings-open-data contributors"
    from scraper.site.catalog import CatalogError

    with pytest.raises(CatalogError):
        organisation_uri("12345")
    with pytest.raises(CatalogError):
        resolve_publisher(CatalogOptions(publisher="555555-5555"), descriptor, [])


# ---------------------------------------------------------------- untrusted text


def hostile_package(root: Path) -> Path:
    """A package whose titles and texts carry HTML and script, as a portal could serve them."""
    records = {
        "organisations": [{"organisation_id": "evil", "name": f"{BOLD} Region", "kind": "region", "country": "SE",
                           "portal_url": "https://evil.example"}],
        "committees": [{"committee_id": "evil/board", "organisation_id": "evil", "slug": "board", "name": SCRIPT,
                        "url": "https://evil.example/committees/board"}],
        "meetings": [
            {"meeting_id": "evil/board/m1", "committee_id": "evil/board", "slug": "m1", "title": SCRIPT,
             "date": "2026-01-15", "start_time": "10:00", "status": "held", "agenda_published": True,
             "protocol_published": True, "agenda_item_count": 1, "document_count": 1,
             "url": "javascript:alert(1)", "description": f"{BOLD} {SCRIPT}"},
            {"meeting_id": "evil/board/m2", "committee_id": "evil/board", "slug": "m2", "title": BOLD,
             "date": "2027-03-01", "start_time": "09:00", "status": "upcoming", "agenda_published": True,
             "protocol_published": False, "agenda_item_count": 0, "document_count": 0,
             "url": 'https://evil.example/m2"><script>alert(1)</script>', "description": SCRIPT},
        ],
        "agenda_items": [{"agenda_item_id": "evil/board/m1#1", "meeting_id": "evil/board/m1", "ordinal": 1,
                          "number": "1", "title": f"{SCRIPT} förslag {BOLD}", "case_number": "RS <b>1</b>-2026",
                          "description": BOLD}],
        "documents": [{"document_id": "evil/board/m1/protocol/p", "meeting_id": "evil/board/m1", "kind": "protokoll",
                       "title": f"{BOLD}.pdf", "url": "https://evil.example/p.pdf", "text_status": "not_downloaded"}],
        "paragraphs": [{"paragraph_id": "evil/board/m1§1", "meeting_id": "evil/board/m1",
                        "document_id": "evil/board/m1/protocol/p", "number": 1, "title": SCRIPT,
                        "decision": f"{BOLD} beslutar om förslag", "decision_kind": "beslut", "text": SCRIPT,
                        "immediately_adjusted": False}],
        "reservations": [{"reservation_id": "evil/board/m1§1/x", "paragraph_id": "evil/board/m1§1",
                          "meeting_id": "evil/board/m1", "name": SCRIPT, "party": BOLD, "person_id": "evil/script"}],
        "vote_results": [{"vote_result_id": "evil/board/m1§1/1", "paragraph_id": "evil/board/m1§1",
                          "meeting_id": "evil/board/m1", "ordinal": 1, "kind": "open", "yes_means": SCRIPT,
                          "no_means": BOLD, "yes": 1, "no": 0, "outcome": SCRIPT, "casting_vote": False}],
        "votes": [{"vote_id": "evil/board/m1§1/1/x", "paragraph_id": "evil/board/m1§1", "meeting_id": "evil/board/m1",
                   "ordinal": 1, "name": SCRIPT, "party": BOLD, "vote": "ja", "person_id": "evil/script"}],
        "people": [{"person_id": "evil/script", "organisation_id": "evil", "name": SCRIPT, "party": BOLD,
                    "parties": f"{BOLD} 2026-01-15–2026-01-15", "kind": "member", "first_seen": "2026-01-15",
                    "last_seen": "2026-01-15", "meetings": 1, "votes": 1, "reservations": 1, "recusals": 0,
                    "possible_duplicates": "evil/<script>"}],
    }
    tables = {}
    for resource in resources():
        rows = [to_table_row(resource, r) for r in records.get(resource, [])]
        tables[resource] = {row_key(resource, row): row for row in rows}
    package = root / "data" / PACKAGE_DIR
    package.parent.mkdir(parents=True)
    write_package(package, tables, {}, PackageInfo(sources=[{"title": BOLD, "path": "https://evil.example"}]))
    return package


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    package = hostile_package(root)
    db = root / "meetings.db"
    build_database(package, db)
    ensure_search(db)
    write_metadata(load_descriptor(package), db)
    downloads = root / "downloads"
    publish(package.parent, downloads, catalog_options={"contact_email": "x@example.org"})
    s = make_site(root, db, package.parent, downloads)
    yield s
    s.loop.close()


HOSTILE_PAGES = [
    "/", "/meetings", "/meetings/meetings", "/meetings/committees", "/meetings/organisations",
    "/meetings/agenda_items", "/meetings/documents", "/meetings/meetings/evil~2Fboard~2Fm1",
    "/meetings/meetings/evil~2Fboard~2Fm2", "/meetings/search?q=f%C3%B6rslag",
    "/meetings/upcoming_meetings?from_date=2020-01-01", "/meetings/latest_agenda_items",
    "/meetings/items_on_case?case_number=RS+%3Cb%3E1%3C%2Fb%3E-2026", "/meetings/meetings_per_month", "/-/activity",
    "/meetings/agenda_items?_search=f%C3%B6rslag", "/meetings/paragraphs", "/meetings/latest_decisions",
    "/meetings/party_reservations", "/meetings/reservations_by_party",
    # the pages for people
    "/meeting/evil/board/m1", "/meeting/evil/board/m2", "/committee/evil/board", "/person/evil/script",
    "/case/evil/RS%20%3Cb%3E1%3C/b%3E-2026", "/-/search?q=f%C3%B6rslag", "/meetings/person_feed?person_id=evil/script",
]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_html_and_script_from_the_portal_render_as_text(hostile, path):
    response = hostile.get(path)
    if response.status_code == 404 and path.split("?")[0].rsplit("/", 1)[-1] in (
            "paragraphs", "latest_decisions", "party_reservations", "reservations_by_party"):
        pytest.skip("no paragraphs or reservations schema in this package")
    assert response.status_code == 200, response.text[:300]
    html = response.text
    assert SCRIPT not in html
    assert BOLD not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;b&gt;x&lt;/b&gt;" in html
    assert 'href="javascript:' not in html


def test_hostile_text_in_feeds_and_calendar_is_text(hostile):
    response = hostile.get("/meetings/protocols_feed.atom")
    assert SCRIPT.encode() not in response.content
    feed = ET.fromstring(response.content)
    titles = [e.findtext(ATOM + "title") for e in feed.iter(ATOM + "entry")]
    assert titles == [f"{SCRIPT} 2026-01-15: {BOLD}.pdf"]
    agenda = ET.fromstring(hostile.get("/meetings/agendas_feed.atom").content)
    contents = [e.find(ATOM + "content") for e in agenda.iter(ATOM + "entry")]
    assert all(c.get("type") == "text" for c in contents)
    assert any(SCRIPT in c.text for c in contents)
    calendar = hostile.get("/meetings/meetings_calendar.ics?from_date=2020-01-01").content.decode("utf-8")
    unfolded = calendar.replace("\r\n ", "")
    assert f"SUMMARY:{SCRIPT} ({BOLD} Region): {BOLD}" in unfolded
    assert "\r\nX-" not in unfolded.split("BEGIN:VEVENT", 1)[1]


def test_metadata_of_hostile_sources_is_escaped(hostile):
    metadata = json.loads(metadata_path(hostile.db).read_text(encoding="utf-8"))
    assert BOLD not in metadata["description_html"]
    assert "&lt;b&gt;x&lt;/b&gt;" in metadata["description_html"]
