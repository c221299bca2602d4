"""The pages for people (meeting, person, case, committee, search) on the demo's database, through
Datasette's own client: what each shows, its JSON twin, its feeds. (Hostile text on these pages:
``HOSTILE_PAGES`` in test_site.py.)"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from scraper.database import document_pages
from scraper.site import pages

from .test_site import make_site

VOTE_MEETING = "region-vasterbotten/regionstyrelsen/mote-2025-09-09"


@pytest.fixture(scope="module")
def site(demo):
    s = make_site(demo.workdir, demo.database, demo.data_repo, demo.workdir)
    yield s
    s.loop.close()


def html_of(response) -> str:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_meeting_page_shows_the_vote_reservations_recusal_appeal_and_pages(site):
    html = html_of(site.get(pages.meeting_url(VOTE_MEETING)))
    assert '<html lang="sv">' in html
    assert "Omröstning: ja 8, nej 7, avstår 0" in html
    assert 'class="bar" role="img" aria-label="Ja 8, nej 7, avstår 0"' in html
    assert "Reservationer:" in html and "Jäv:" in html and "Yrkanden:" in html
    assert re.search(r'href="/person/region-vasterbotten/david-demosson">David Demosson</a> \(S\)', html)
    assert "Sista dag att överklaga: <strong>2025-10-02</strong>" in html
    assert re.search(r'href="https?://[^"]+#page=\d+">Protokollet, sidan \d+</a>', html)
    assert 'href="/case/region-vasterbotten/RS%201201-2025"' in html
    assert "Närvarande" in html and "Ändringar" in html
    data = site.get(pages.meeting_url(VOTE_MEETING) + ".json").json()
    assert data["meeting"]["meeting_id"] == VOTE_MEETING
    voted = [p for p in data["paragraphs"] if p["votes"]]
    assert len(voted) == 1 and voted[0]["votes"][0]["counts"] == {"ja": 8, "nej": 7, "avstår": 0}
    by_party = voted[0]["votes"][0]["by_party"]
    assert sum(len(names) for sides in by_party.values() for names in sides.values()) == 15
    assert all(p["page"] for p in data["paragraphs"])
    assert data["appeal"]["appeal_deadline"] == "2025-10-02"


def test_person_page_lists_votes_recusals_and_links_its_feed(site):
    html = html_of(site.get(pages.person_url("region-vasterbotten/anna-exempelsson")))
    assert "<h1>Anna Exempelsson" in html
    assert "Röster i omröstningar" in html and "Per år" in html
    feed = re.search(r'href="(/meetings/person_feed\.atom\?person_id=[^"]+)"', html)
    assert feed, "the page links its Atom feed"
    atom = site.get(feed.group(1).replace("&amp;", "&"))
    assert atom.status_code == 200 and "<feed xmlns=\"http://www.w3.org/2005/Atom\"" in atom.text
    assert "röstade ja" in atom.text
    data = site.get(pages.person_url("region-vasterbotten/david-demosson") + ".json").json()
    assert [r["number"] for r in data["recusals"]] == [142]
    assert data["per_year"][0]["recusals"] == 1


def test_case_page_follows_one_case_through_two_committees(site):
    response = site.get(pages.case_url("region-vasterbotten", "RS 1201-2025"))
    html = html_of(response)
    data = site.get(pages.case_url("region-vasterbotten", "RS 1201-2025") + ".json").json()
    assert data["committees"] == ["Regionfullmäktige", "Regionstyrelsen"]
    assert [s["date"] for s in data["steps"]] == sorted(s["date"] for s in data["steps"])
    assert [(s["kind"], s["committee"]) for s in data["steps"]] == [("paragraph", "Regionstyrelsen"),
                                                                    ("agenda item", "Regionfullmäktige")]
    assert "§ 142 Exempelärende: föreningsbidrag" in html
    feed = re.search(r'href="(/meetings/case_feed\.atom\?[^"]+)"', html).group(1).replace("&amp;", "&")
    atom = site.get(feed)
    assert atom.status_code == 200 and atom.text.count("<entry>") == 2
    # looked up through the case_numbers table: case and spaces do not matter, another organisation finds nothing
    assert site.get(pages.case_url("region-vasterbotten", " rs1201-2025") + ".json").json()["steps"] == data["steps"]
    assert site.get(pages.case_url("region-norrbotten", "RS 1201-2025")).status_code == 404


def test_each_case_number_of_a_field_is_a_row_of_its_own():
    from scraper.database import case_key, case_number_rows

    rows = case_number_rows([("paragraphs", "p1", "m1", "org", "KS 2024/12; ks 2024/13 ;"),
                             ("agenda_items", "a1", "m1", "org", "Dnr\tRS 1-2026")])
    assert [(r["resource"], r["record_id"], r["case_number"], r["case_key"]) for r in rows] == [
        ("paragraphs", "p1", "KS 2024/12", "KS2024/12"), ("paragraphs", "p1", "ks 2024/13", "KS2024/13"),
        ("agenda_items", "a1", "Dnr\tRS 1-2026", "DNRRS1-2026")]
    assert case_key(" öK 1 ") == "öK1", "upper-cased as SQLite's upper() does, so that SQL finds the same keys"


def test_committee_page_shows_representatives_calendar_and_chart(site):
    html = html_of(site.get(pages.committee_url("region-norrbotten/regionstyrelsen")))
    assert "Ledamöter och ersättare" in html
    assert re.search(r">Anna Exempelsson</a></td><td>Socialdemokraterna</td><td>Ordförande</td>", html)
    assert "<svg" in html
    calendar = re.search(r'href="(/meetings/meetings_calendar\.ics\?[^"]+)"', html).group(1).replace("&amp;", "&")
    ics = site.get(calendar)
    assert ics.status_code == 200 and "BEGIN:VCALENDAR" in ics.text


def test_search_finds_a_word_in_a_document_text_and_links_its_page(site):
    response = site.get("/-/search.json?q=" + quote("vårdgarantienheten"))
    hits = response.json()["hits"]
    assert hits and hits[0]["kind"] == "document page"
    hit = hits[0]
    assert hit["pdf_url"].endswith(f"#page={hit['page']}") and hit["page_url"].startswith("/meeting/")
    assert "«vårdgarantienheten»" in hit["snippet"]
    assert site.get("/-/search.json?q=vardgarantienheten").json()["hits"] == []  # å is not a
    html = html_of(site.get("/-/search?q=" + quote("vårdgarantienheten")))
    assert "<mark>vårdgarantienheten</mark>" in html and "sida i en handling" in html


def test_search_filters_by_organisation_and_committee(site):
    everywhere = site.get("/-/search.json?q=Exempelärende").json()
    one = site.get("/-/search.json?q=Exempelärende&organisation=region-norrbotten").json()
    assert everywhere["total"] > one["total"]
    html = html_of(site.get("/-/search?q=Exempel%C3%A4rende&organisation=region-vasterbotten"))
    assert '<option value="region-vasterbotten/regionstyrelsen">Regionstyrelsen</option>' in html


def test_unknown_pages_answer_404(site):
    assert site.get("/meeting/nowhere/none/m").status_code == 404
    assert site.get("/person/nowhere/nobody.json").status_code == 404
    assert site.get("/case/region-vasterbotten/XX%2099").status_code == 404


def test_table_ids_link_to_the_pages(site):
    row = html_of(site.get("/meetings/meetings/" + VOTE_MEETING.replace("/", "~2F")))
    assert f'<a href="/meeting/{VOTE_MEETING}">{VOTE_MEETING}</a>' in row
    query = html_of(site.get("/meetings/latest_decisions"))
    assert re.search(r'<td class="col-meeting_id"><a href="/meeting/region-[^"]+">', query)
    attendance = html_of(site.get("/meetings/attendance?_size=3"))
    assert re.search(r'<td class="col-person_id[^"]*"><a href="/person/region-[^"]+">', attendance)


def test_document_pages_split_on_form_feeds():
    assert document_pages("one\fTWO\n\f\f  \ffour") == [(1, "one"), (2, "TWO"), (5, "four")]
    assert document_pages("") == []


def test_web_url_and_page_link_only_follow_http():
    assert pages.web_url("javascript:alert(1)") is None
    assert pages.page_link("javascript:alert(1)", 3) is None
    assert pages.page_link("https://p.example/a.pdf#x", 3) == "https://p.example/a.pdf#page=3"
    assert pages.page_link("https://p.example/a.pdf", None) == "https://p.example/a.pdf"


def test_json_twins_are_json(site):
    for path in (pages.meeting_url(VOTE_MEETING), pages.committee_url("region-vasterbotten/regionstyrelsen"),
                 pages.person_url("region-vasterbotten/anna-exempelsson")):
        response = site.get(path + ".json")
        assert response.headers["content-type"].startswith("application/json")
        assert json.loads(response.text)["links"]["json"] == path + ".json"


def test_meeting_history_is_one_line_per_run(site):
    data = site.get(pages.meeting_url("region-norrbotten/regionstyrelsen/mote-2024-03-12") + ".json").json()
    commits = [h["commit"] for h in data["history"]]
    assert len(commits) == len(set(commits)) >= 2
    assert any("paragrafer:" in part and "tillagda" in part for h in data["history"] for part in h["parts"])
    assert [h["committed_at"] for h in data["history"]] == sorted((h["committed_at"] for h in data["history"]), reverse=True)


def test_history_groups_changes_per_commit():
    changes = [{"commit": "b", "committed_at": "2026-01-02", "made_by": "reparse", "resource": "paragraphs", "kind": "changed",
                "n": 3, "fields": "decision"},
               {"commit": "a", "committed_at": "2026-01-01", "made_by": "scrape", "resource": "meetings", "kind": "changed",
                "n": 1, "fields": "status,title"},
               {"commit": "a", "committed_at": "2026-01-01", "made_by": "scrape", "resource": "agenda_items", "kind": "removed",
                "n": 1, "fields": None}]
    assert pages.history(changes) == [
        {"commit": "b", "committed_at": "2026-01-02", "made_by": "reparse", "parts": ["paragrafer: 3 ändrade"]},
        {"commit": "a", "committed_at": "2026-01-01", "made_by": "scrape",
         "parts": ["sammanträdet: ändrat (status,title)", "dagordningspunkter: 1 borttagna"]}]
