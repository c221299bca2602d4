"""The rows of the package are built in one place per family of resources, with exactly the
fields their schemas declare, and their ids read back into their parts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scraper.config import parse_config
from scraper.demo import DEMO_CONFIG
from scraper.documents.protocol import parse_protocol
from scraper.documents.summary import parse_summary
from scraper.package import columns, resources
from scraper.portal.pages import parse_meeting_page
from scraper.portal import api
from scraper.rows import DERIVED, RESOURCES, notices, portal, protocol, summary

FIXTURES = Path(__file__).parent / "fixtures" / "portal"
CONTENT = Path(__file__).parent.parent / "scraper" / "replica" / "content"
TODAY = date(2026, 11, 25)


def _portal():
    return parse_config(DEMO_CONFIG.format(vasterbotten="https://v.example", norrbotten="https://n.example"))[0]


def _page(name: str, path: str):
    return parse_meeting_page((FIXTURES / name).read_text(encoding="utf-8"), "https://v.example" + path)


def built_rows() -> dict[str, list[dict]]:
    """Rows of every resource, each from its builder and a real input."""
    found: dict[str, list[dict]] = {r: [] for r in RESOURCES}
    source = _portal()
    found["organisations"].append(portal.organisation_row(source))
    found["committees"].append(portal.committee_row(source, "regionfullmaktige", None, 12))
    page = _page("vasterbotten__committees__regionfullmaktige__mote-2026-02-24__day1.html",
                 "/committees/regionfullmaktige/mote-2026-02-24")
    meeting, items, documents = portal.page_rows("region-vasterbotten/regionfullmaktige", None, page, TODAY)
    found["meetings"].append(meeting)
    found["agenda_items"].extend(items)
    found["documents"].extend(documents)
    text = (CONTENT / "protocol_norrbotten_regionstyrelsen_2024-03-12.txt").read_text(encoding="utf-8")
    for resource, rows in protocol.protocol_rows(parse_protocol(text).to_dict(), "o/c/m", "o/c/m/protocol/p").items():
        found[resource].extend(rows)
    text = (CONTENT / "summary_vasterbotten_regionstyrelsen_2025-04-08.txt").read_text(encoding="utf-8")
    for resource, rows in summary.summary_rows(parse_summary(text).to_dict(), "o/c/m", "o/c/m/agenda/s").items():
        found[resource].extend(rows)
    found["notices"].extend(_notice_rows(source))
    found["representatives"].extend(_representative_rows(source))
    return found


def _json(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _notice_rows(source) -> list[dict]:
    listed = api.parse_announcements(_json("vasterbotten__api__dbb__v1.0__announcements__published__announcementTypeId-1__"
                                           "pageNumber-1__pageSize-500__manageableOnly-false__day1.json"), "u", "1").items
    own = api.parse_announcement(_json("vasterbotten__api__dbb__v1.0__announcements__3101__day1.json"), "u")
    return [notices.notice_row(source, notices.merged_notice(n, own if n.id == own.id else None), "Justerat protokoll")
            for n in listed]


def _representative_rows(source) -> list[dict]:
    people = api.parse_representatives(_json("norrbotten__api__err__v1.0__representatives__committeeId-412__pageSize-9999__day1.json"), "u")
    seats = api.parse_assignments(_json("norrbotten__api__err__v1.0__committees__412__assignments__termOfOfficeId-"
                                        "6f1c2a9e-0000-4000-8000-000000002023__day1.json"), "u")
    rows, _ = notices.representative_rows(source, "region-vasterbotten/regionfullmaktige", people.items, seats.items)
    return rows


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict]]:
    return built_rows()


def test_the_families_cover_the_schemas_once():
    assert sorted(RESOURCES) == sorted(p.stem for p in (Path(__file__).parents[1] / "schemas").glob("*.json"))
    assert len(set(RESOURCES)) == len(RESOURCES) and set(DERIVED) < set(RESOURCES)
    assert resources() == list(RESOURCES)


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_schema_field_is_built_and_nothing_else(rows, resource):
    assert rows[resource], f"no {resource} row built from the inputs"
    for row in rows[resource]:
        assert list(row) == columns(resource)


def test_parents_come_before_children_in_the_resource_order():
    import json

    schemas = Path(__file__).parents[1] / "schemas"
    for position, resource in enumerate(RESOURCES):
        schema = json.loads((schemas / f"{resource}.json").read_text(encoding="utf-8"))
        for foreign_key in schema.get("foreignKeys", []):
            parent = foreign_key["reference"]["resource"]
            assert parent in ("", resource) or RESOURCES.index(parent) < position, (resource, parent)


def test_ids_read_back_into_their_parts():
    committee = portal.committee_id("kommun-x", "kommunstyrelsen")
    meeting = portal.meeting_id(committee, "mote-2024-05-06")
    assert portal.committee_of(meeting) == committee
    assert portal.committee_slug(committee) == "kommunstyrelsen"
    assert portal.agenda_item_id(meeting, 3) == f"{meeting}#3"
    assert protocol.paragraph_id(meeting, 80) == f"{meeting}§80"
    assert portal.text_path(portal.document_id(meeting, "protocol", "a..b")) == f"text/{meeting}/protocol/a_b.txt"


def test_decision_kind_reads_the_usual_phrasings():
    assert protocol.decision_kind("Regionstyrelsen föreslår regionfullmäktige besluta att anta planen.") == "forslag_till_fullmaktige"
    assert protocol.decision_kind("Informationen läggs till handlingarna.") == "information"
    assert protocol.decision_kind("Regionstyrelsen beslutar att anta planen.") == "beslut"
    assert protocol.decision_kind(None) is None
