"""Search over everything: plain words, ranked within the newest matches, counts capped, filters,
å/ä/ö kept apart; and the site's /-/search page and its JSON twin."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
import sqlite_utils

import scraper.site.finder as finder
from scraper.database import FTS_TOKENIZE
from scraper.site.finder import Filters, match_expression, search, sqlite_runner


def database(path, paragraphs: list[tuple[str, str, str]]):
    """A database of one organisation, two committees and paragraphs (meeting date, title, text), oldest first."""
    conn = sqlite3.connect(path)
    conn.executescript("""
    create table organisations (organisation_id text primary key, name text);
    create table committees (committee_id text primary key, organisation_id text, name text);
    create table meetings (meeting_id text primary key, committee_id text, title text, date text, url text);
    create table paragraphs (paragraph_id text primary key, meeting_id text, number int, title text, text text);
    insert into organisations values ('o', 'Region Ö');
    insert into committees values ('o/rs', 'o', 'Regionstyrelsen'), ('o/rf', 'o', 'Regionfullmäktige');
    """)
    for n, (when, title, text) in enumerate(paragraphs, 1):
        committee = "o/rs" if n % 2 else "o/rf"
        meeting = f"{committee}/mote-{when}"
        conn.execute("insert or ignore into meetings values (?, ?, ?, ?, ?)", (meeting, committee, f"Möte {when}", when, f"https://p/{meeting}"))
        conn.execute("insert into paragraphs values (?, ?, ?, ?, ?)", (f"{meeting}§{n}", meeting, n, title, text))
    conn.commit()
    conn.close()
    db = sqlite_utils.Database(path)
    db["paragraphs"].enable_fts(["title", "text"], tokenize=FTS_TOKENIZE, create_triggers=False)
    db["meetings"].enable_fts(["title"], tokenize=FTS_TOKENIZE, create_triggers=False)
    db.close()
    return sqlite3.connect(path)


def find(conn, query, **filters):
    return asyncio.run(search(sqlite_runner(conn), query, Filters(**filters)))


@pytest.fixture
def conn(tmp_path):
    rows = [(f"2024-{m:02d}-10", f"Ärende {m}", "Regionstyrelsen beslutar om budget för vården.") for m in range(1, 13)]
    rows.append(("2025-01-10", "Budget", "Budget budget budget: förslaget till budget för 2025."))
    rows.append(("2025-02-10", "Övrigt", "Informationen om for och för läggs till handlingarna."))
    return database(tmp_path / "m.db", rows)


def test_words_become_a_safe_match_expression():
    assert match_expression('budget "för vården" OR NOT) *') == '"budget" "för vården" "OR" "NOT"'
    assert match_expression('"') == "" and match_expression("  ") == ""
    assert match_expression("'; drop table x; --") == '"drop" "table" "x"'


def test_results_are_ranked_and_counted(conn):
    results = find(conn, "budget")
    assert results.counts["paragraph"] == 13 and not results.capped
    assert results.hits[0].title == "§ 13 Budget", "the paragraph that is most about budget comes first"
    assert results.hits[0].snippet.count("«budget»") + results.hits[0].snippet.count("«Budget»") >= 2
    assert results.hits[0].committee == "Regionstyrelsen" and results.hits[0].date == "2025-01-10"
    assert results.hits[0].organisation == "Region Ö" and results.hits[0].url.startswith("https://p/")


def test_a_with_ring_and_dots_stay_apart(conn):
    assert {h.title for h in find(conn, "för").hits} >= {"§ 14 Övrigt", "§ 13 Budget", "§ 1 Ärende 1"}
    assert {h.title for h in find(conn, "for").hits} == {"§ 14 Övrigt"}


def test_counts_are_capped_and_ranking_covers_the_newest_matches(conn, monkeypatch):
    monkeypatch.setattr(finder, "COUNT_CAP", 5)
    monkeypatch.setattr(finder, "WINDOW", 3)
    results = find(conn, "budget")
    assert results.capped and results.counts["paragraph"] == 6
    assert {h.date for h in results.hits} <= {"2025-01-10", "2024-12-10", "2024-11-10"}


def test_filters(conn):
    assert {h.committee for h in find(conn, "budget", committee="o/rf").hits} == {"Regionfullmäktige"}
    assert {h.date[:4] for h in find(conn, "budget", year="2025").hits} == {"2025"}
    assert find(conn, "budget", year="2023").hits == []
    assert find(conn, "budget", organisation="other").hits == []
    assert {h.kind for h in find(conn, "möte", kind="meeting").hits} == {"meeting"}
    assert find(conn, "budget", kind="meeting").hits == []


def test_the_site_page_and_its_json_twin(tmp_path, conn):
    from scraper.site.serve import make_datasette, write_metadata

    db = tmp_path / "m.db"
    write_metadata({"resources": []}, db)
    ds = make_datasette(db)
    loop = asyncio.new_event_loop()
    try:
        page = loop.run_until_complete(ds.client.get("/-/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+budget"))
        assert page.status_code == 200 and "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text
        data = loop.run_until_complete(ds.client.get("/-/search.json?q=budget&year=2025")).json()
        assert data["total"] == 1 and data["hits"][0]["title"] == "§ 13 Budget" and data["match"] == '"budget"'
        html = loop.run_until_complete(ds.client.get("/-/search?q=budget")).text
        assert "<mark>budget</mark>" in html.lower() or "<mark>Budget</mark>" in html
    finally:
        loop.close()
