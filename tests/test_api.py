"""Meetings Plus JSON API: the saved replica answer and bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from scraper.errors import ParseError
from scraper.portal.api import ApiMeeting, committee_meetings_url, parse_committee_meetings, protocol_download_url

FIXTURES = Path(__file__).parent / "fixtures" / "portal"
URL = "https://norrbotten.example/api/v2.0/committees/412/meetings"


def test_committee_meetings_fixture():
    text = (FIXTURES / "norrbotten__api__v2.0__committees__412__meetings__day1.json").read_text(encoding="utf-8")
    assert parse_committee_meetings(text, URL) == [ApiMeeting(880312, date(2024, 3, 12), "2024-03-12")]


def test_committee_meetings_array():
    text = json.dumps([
        {"Id": 51890, "DateLabel": "2025-09-09", "Title": "Möte 2025-09-09"},
        {"Id": "54131", "DateLabel": "2025-11-04T09:00:00"},
        {"Id": 17074, "DateLabel": None},
        {"Id": 21866},
    ])
    assert parse_committee_meetings(text, URL) == [
        ApiMeeting(51890, date(2025, 9, 9), "2025-09-09"),
        ApiMeeting(54131, date(2025, 11, 4), "2025-11-04T09:00:00"),
        ApiMeeting(17074, None, ""),
        ApiMeeting(21866, None, ""),
    ]


@pytest.mark.parametrize("key", ["Items", "items"])
def test_committee_meetings_object_with_items(key):
    text = json.dumps({key: [{"Id": 898, "DateLabel": "2026-01-28"}], "TotalCount": 1})
    assert parse_committee_meetings(text, URL) == [ApiMeeting(898, date(2026, 1, 28), "2026-01-28")]


def test_committee_meetings_empty_array():
    assert parse_committee_meetings("[]", URL) == []


def test_urls():
    assert committee_meetings_url("https://portal.example/", 412) == "https://portal.example/api/v2.0/committees/412/meetings"
    assert committee_meetings_url("https://portal.example", 887) == "https://portal.example/api/v2.0/committees/887/meetings"
    assert protocol_download_url("https://portal.example/", 123) == (
        "https://portal.example/api/v2.0/meetings/123/download/Protocol?downloadMode=download"
    )


def raises(text: str):
    with pytest.raises(ParseError) as excinfo:
        parse_committee_meetings(text, URL)
    error = excinfo.value
    assert error.url == URL
    assert str(error).startswith(URL + ": ")
    return error


@pytest.mark.parametrize("text", ["", "<!DOCTYPE html><html><body>Fel</body></html>", "[{\"Id\": 1}", "Not found"])
def test_not_json(text):
    assert raises(text).reason.startswith("not JSON: ")


@pytest.mark.parametrize(
    "text",
    ['{"Message": "An error has occurred."}', '{"Items": null}', '{"Items": {"Id": 1}}', "null", "42", '"2025-09-09"'],
)
def test_json_without_meeting_array(text):
    assert raises(text).reason == "expected a JSON array of meetings (or an object with 'Items')"


@pytest.mark.parametrize(
    "text, index",
    [
        ('[{"DateLabel": "2025-09-09"}]', 0),
        ('[{"Id": 1, "DateLabel": "2025-09-09"}, {"id": 2, "DateLabel": "2025-09-10"}]', 1),
        ('{"Items": [{"Id": 1}, {"Id": 2}, {"Title": "Möte"}]}', 2),
        ('[{"Id": 1}, 2]', 1),
        ('[["Id", 1]]', 0),
    ],
)
def test_entry_without_id(text, index):
    assert raises(text).reason == f"meeting #{index} has no 'Id'"


@pytest.mark.parametrize("value", ["null", '"abc"', "1.7", "true"])
def test_entry_with_unusable_id(value):
    raises(f'[{{"Id": {value}, "DateLabel": "2025-09-09"}}]')
