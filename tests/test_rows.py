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
from scraper.rows import AGGREGATE, DERIVED, PROTOCOL, RESOURCES, notices, people, portal, protocol, summary

from .protocol_contract import QUALITY, closed_ballot, member, roll_call, with_contract

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
    parsed = with_contract(parse_protocol(text).to_dict())
    for resource, rows in protocol.protocol_rows(parsed, "o/c/m", "o/c/m/protocol/p", "o").items():
        found[resource].extend(rows)
    found["people"] = people.people_rows("o", [{**meeting, "meeting_id": "o/c/m"}], found)
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
    assert len(set(RESOURCES)) == len(RESOURCES) and set(DERIVED) < set(RESOURCES) and set(AGGREGATE) < set(RESOURCES)
    assert not set(DERIVED) & set(AGGREGATE) and set(people.SOURCES) < set(DERIVED)
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


def test_person_ids_fold_names_to_a_slug_within_the_organisation():
    assert people.person_id("region-vasternorrland", "Glenn Nordlund") == "region-vasternorrland/glenn-nordlund"
    assert people.person_id("o", "Åsa Ärlig-Öberg") == "o/asa-arlig-oberg"
    assert people.person_id("o", "  René  Müller ") == "o/rene-muller"
    assert people.person_id("o", "Per-Olof  Ståhl.") == people.person_id("o", "Per Olof Ståhl") == "o/per-olof-stahl"
    assert people.person_id("o", "Anna–Lena O'Brien (S)") == "o/anna-lena-o-brien-s"
    assert people.person_id("o", None) is None and people.person_id("o", " - ") is None


def test_rows_naming_people_carry_their_person_id(rows):
    for resource in people.SOURCES:
        named = [row for row in rows[resource] if row["name"]]
        assert named, resource
        assert all(row["person_id"] == people.person_id("o", " ".join(row["name"].split())) for row in named), resource
    party_only = {"name": None, "party": "SD"}
    [row] = protocol.reservation_rows({"reservations": [party_only]}, "o/c/m§1", "o/c/m", "o")
    assert (row["reservation_id"], row["person_id"]) == ("o/c/m§1/(SD)", None)


def test_paragraphs_carry_the_body_proposing_and_their_page(rows):
    first, second = rows["paragraphs"][:2]
    assert (first["on_proposal_of"], first["page"], second["on_proposal_of"], second["page"]) == ("arbetsutskottet", 2, None, 3)


def test_a_roll_call_vote_gives_its_result_and_a_row_per_member():
    para = {"votes": [roll_call(), closed_ballot()]}
    results, members = protocol.vote_rows(para, "o/c/m§5", "o/c/m", "o")
    assert [(m["vote_id"], m["vote"], m["person_id"]) for m in members] == [
        ("o/c/m§5/1/Anna Exempelsson", "ja", "o/anna-exempelsson"),
        ("o/c/m§5/1/Bertil Provsson", "nej", "o/bertil-provsson"),
        ("o/c/m§5/1/Cecilia Testdotter", "ja", "o/cecilia-testdotter")]
    open_, closed = results
    assert open_["vote_result_id"] == "o/c/m§5/1" and closed["vote_result_id"] == "o/c/m§5/2"
    assert (open_["yes"], open_["no"], open_["abstained"], open_["absent"]) == (2, 1, None, None)
    assert (open_["named_yes"], open_["named_no"], open_["named_abstained"], open_["named_absent"]) == (2, 1, 0, 0)
    assert open_["counts_match"] is True and open_["casting_vote"] is False and open_["warnings"] is None
    assert (closed["kind"], closed["yes"], closed["no"], closed["named_yes"], closed["counts_match"], closed["casting_vote"]) == (
        "closed", 7, 8, None, None, True)


def test_printed_counts_that_differ_from_the_names_do_not_match():
    missing_abstainer = roll_call(counts={"ja": 2, "nej": 1, "avstår": 1, "frånvarande": 3}, warnings=["1 name missing"])
    [result], _ = protocol.vote_rows({"votes": [missing_abstainer]}, "p", "m", "o")
    assert result["counts_match"] is False and result["warnings"] == "1 name missing"
    absent_not_named = roll_call(counts={"ja": 2, "nej": 1, "avstår": 0, "frånvarande": 3})
    assert protocol.vote_rows({"votes": [absent_not_named]}, "p", "m", "o")[0][0]["counts_match"] is True
    absent_named = roll_call(counts={"ja": 2, "nej": 1, "avstår": None, "frånvarande": 2},
                             members=[*roll_call()["members"], member("Olle Frånvarosson", "V", "frånvarande")])
    assert protocol.vote_rows({"votes": [absent_named]}, "p", "m", "o")[0][0]["counts_match"] is False
    doubled = roll_call(members=[*roll_call()["members"], member("Anna  Exempelsson", "S", "nej"), member("", None, "ja")])
    assert [m["name"] for m in protocol.vote_rows({"votes": [doubled]}, "p", "m", "o")[1]] == [
        "Anna Exempelsson", "Bertil Provsson", "Cecilia Testdotter"]


def test_the_quality_of_a_reading_goes_on_the_document_row():
    assert protocol.document_quality({"quality": QUALITY}) == {
        "paragraphs": 5, "paragraphs_with_decision": 2, "paragraphs_with_case_number": 4, "attendance_read": 0,
        "votes_mismatched": 1,
        "quality_warning": "unknown template: 40 % of paragraphs with a decision; 1 of 2 votes with counts that differ "
                           "from the names",
    }
    good = {**QUALITY, "unknown_template": False, "votes_mismatched": 0, "attendance": 14, "attendance_listed": True}
    assert protocol.document_quality({"quality": good})["quality_warning"] is None
    unread = protocol.document_quality({"quality": {**good, "attendance": 0}})
    assert unread["quality_warning"] == "attendance listed but no name read"
    assert set(protocol.document_quality({}).values()) == {None}
    assert list(protocol.document_quality({})) == list(portal.QUALITY_FIELDS)


@pytest.mark.parametrize("resource", [*PROTOCOL, *AGGREGATE])
def test_built_rows_are_valid_against_their_schema(rows, resource):
    from scraper.package import to_table_row
    from scraper.validate import validate_rows

    table = [to_table_row(resource, row) for row in rows[resource]]
    assert validate_rows(resource, table) == (table, [])
    bad = {**table[0], "person_id": "o/Anna Exempelsson"} if "person_id" in table[0] else None
    if bad:
        assert [p.field for p in validate_rows(resource, [bad])[1]] == ["person_id"]
