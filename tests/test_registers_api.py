"""The bulletin board (dbb) and register (err) JSON: both list shapes, any key case, missing keys,
the dates the API may write, and what cannot be used (left out with a note, never invented)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from scraper.errors import ParseError
from scraper.portal import api

FIXTURES = Path(__file__).parent / "fixtures" / "portal"
URL = "https://portal.example/api/dbb/v1.0/announcements/published?announcementTypeId=1"


@pytest.mark.parametrize("shape", [
    lambda items: items, lambda items: {"Items": items, "TotalCount": len(items)}, lambda items: {"items": items},
])
def test_both_list_shapes(shape):
    items = [{"Id": 1, "Name": "Justerat protokoll"}, {"id": "2", "name": "Kungörelse"}]
    listed = api.parse_announcement_types(json.dumps(shape(items)), URL)
    assert listed.items == [api.AnnouncementType("1", "Justerat protokoll"), api.AnnouncementType("2", "Kungörelse")]
    assert listed.notes == []


@pytest.mark.parametrize("text", ['{"Message": "An error has occurred."}', "null", '{"Items": null}', '"x"'])
def test_a_json_that_is_no_list_is_a_parse_error(text):
    with pytest.raises(ParseError, match="expected a JSON array of announcement types"):
        api.parse_announcement_types(text, URL)


def test_html_instead_of_json_is_a_parse_error():
    with pytest.raises(ParseError, match="^.*: not JSON"):
        api.parse_announcements("<html><title>Fel</title></html>", URL)


def test_announcements_tolerate_missing_keys_and_leave_out_what_has_no_id():
    text = json.dumps([
        {"Id": 7, "Title": "Protokoll  Regionstyrelsen\n2025-09-09", "StartDate": "2025-09-11T00:00:00", "EndDate": None},
        {"Id": "0f8fad5b-d9cb-469f-a165-70867728950e"},
        {"Title": "utan id"}, {"Id": "a b"}, {"Id": True}, 3,
    ])
    listed = api.parse_announcements(text, URL, "1")
    assert listed.items == [
        api.Announcement("7", "Protokoll Regionstyrelsen 2025-09-09", date(2025, 9, 11), None, "1"),
        api.Announcement("0f8fad5b-d9cb-469f-a165-70867728950e", type_id="1"),
    ]
    assert listed.notes == [f"{URL}: announcement #{n} has no usable 'Id'; left out" for n in (2, 3, 4, 5)]


@pytest.mark.parametrize("raw, expected", [
    ("2025-09-11", date(2025, 9, 11)),
    ("2025-09-11T00:00:00", date(2025, 9, 11)),
    ("2025-09-11T14:30:00.123", date(2025, 9, 11)),
    ("2024-03-13T23:00:00Z", date(2024, 3, 14)),  # midnight in Stockholm, written in UTC
    ("2024-06-30T22:30:00+00:00", date(2024, 7, 1)),  # summer time
    ("2024-04-05T00:00:00+02:00", date(2024, 4, 5)),
    ("/Date(1710370800000)/", date(2024, 3, 14)),
    ("/Date(1710370800000+0100)/", date(2024, 3, 14)),
    ("2025-02-30", None), ("11 september 2025", None), ("", None), (None, None), (20250911, None),
])
def test_dates(raw, expected):
    assert api.date_value(raw) == expected


def test_an_announcement_of_its_own_with_html_text_and_its_type():
    text = json.dumps({"Id": 3102, "Title": "Protokoll", "StartDate": "2025-10-16T00:00:00",
                       "Description": "<p>Protokollet &auml;r justerat.</p><p>Diarienummer:&nbsp;RS 12-2025<br/>Rad två</p>",
                       "DocumentTitle": "Protokoll.pdf", "AnnouncementType": {"Id": 1, "Name": "Justerat protokoll"}})
    found = api.parse_announcement(text, "https://p.example/api/dbb/v1.0/announcements/3102")
    assert found == api.Announcement("3102", "Protokoll", date(2025, 10, 16), None, "1", "Justerat protokoll",
                                     "Protokollet är justerat.\nDiarienummer: RS 12-2025\nRad två", "Protokoll.pdf")


def test_an_announcement_without_id_is_a_parse_error():
    with pytest.raises(ParseError, match="expected a JSON object with the announcement's 'Id'"):
        api.parse_announcement('{"Title": "x"}', "https://p.example/api/dbb/v1.0/announcements/1")


def test_representatives_and_assignments():
    people = api.parse_representatives(json.dumps({"Items": [
        {"Id": 11, "Name": "Anna Exempelsson", "PoliticalParty": {"Name": "Socialdemokraterna", "Id": 1}},
        {"Id": 12, "Name": "Bertil Provsson", "PoliticalParty": None},
        {"Id": 13, "Name": "Cecilia Testdotter", "PoliticalParty": "C"},
        {"Name": "Utan Id"},
    ]}), "https://p.example/api/err/v1.0/representatives?committeeId=9")
    assert people.items == [api.Representative("11", "Anna Exempelsson", "Socialdemokraterna"),
                            api.Representative("12", "Bertil Provsson", None), api.Representative("13", "Cecilia Testdotter", "C")]
    assert len(people.notes) == 1
    seats = api.parse_assignments(json.dumps([
        {"RepresentativeId": 11, "Role": "Ledamot", "DateFrom": "2022-10-15", "DateTo": None, "Number": 1, "State": "Active"},
        {"RepresentativeId": 12, "Role": "Ersättare"},
    ]), "https://p.example/api/err/v1.0/committees/9/assignments?termOfOfficeId=x")
    assert seats.items == [api.Assignment("11", "Ledamot", date(2022, 10, 15), None, 1, "Active"),
                           api.Assignment("12", "Ersättare", None, None, None, None)]


def test_urls():
    base = "https://p.example/"
    assert api.announcement_types_url(base) == \
        "https://p.example/api/dbb/v1.0/announcement-types?pageNumber=1&pageSize=1000&manageableOnly=false"
    assert api.announcements_url(base, "4", 2) == ("https://p.example/api/dbb/v1.0/announcements/published?"
                                                   "announcementTypeId=4&pageNumber=2&pageSize=500&manageableOnly=false")
    assert api.announcement_url(base, "77") == "https://p.example/api/dbb/v1.0/announcements/77"
    assert api.notice_page_url(base, "77") == "https://p.example/digital-bulletin-board/announcements/77"
    assert api.representatives_url(base, 909) == "https://p.example/api/err/v1.0/representatives?committeeId=909&pageSize=9999"
    assert api.assignments_url(base, 909, "g-1") == "https://p.example/api/err/v1.0/committees/909/assignments?termOfOfficeId=g-1"


def test_the_replicas_two_shapes_of_the_board():
    bare = (FIXTURES / "vasterbotten__api__dbb__v1.0__announcement-types__pageNumber-1__pageSize-1000__manageableOnly-false__day1.json")
    items = (FIXTURES / "norrbotten__api__dbb__v1.0__announcement-types__pageNumber-1__pageSize-1000__manageableOnly-false__day2.json")
    assert json.loads(bare.read_text(encoding="utf-8"))[0] == {"Id": 1, "Name": "Justerat protokoll"}
    assert "Items" in json.loads(items.read_text(encoding="utf-8"))
    assert [t.name for t in api.parse_announcement_types(bare.read_text(encoding="utf-8"), "u").items] == [
        "Justerat protokoll", "Kungörelse", "Övriga anslag"]
    assert [t.name for t in api.parse_announcement_types(items.read_text(encoding="utf-8"), "u").items] == [
        "Anslag om justerat protokoll", "Kungörelser"]
    listed = api.parse_announcements((FIXTURES / "norrbotten__api__dbb__v1.0__announcements__published__announcementTypeId-10__"
                                      "pageNumber-1__pageSize-500__manageableOnly-false__day2.json").read_text(encoding="utf-8"), "u")
    assert [(n.id, n.posted, n.removed, n.type_id) for n in listed.items] == [("4201", date(2024, 3, 14), date(2024, 4, 5), "10")]
