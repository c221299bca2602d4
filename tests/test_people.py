"""The people table: one row per person id of an organisation, aggregated from the rows that name
people, with parties and roles over time and names that may be the same person listed, not merged;
rebuilt only for the organisations whose rows changed."""

from __future__ import annotations

from scraper.package import LazyTables, copy_tables, row_key, to_table_row
from scraper.reconcile import Merge, Outcome, rebuild_people
from scraper.rows.people import alike, people_rows, person_id, possible_duplicates

JAN, MAY = "o/rs/m-2024-01-10", "o/rs/m-2024-05-06"
MEETINGS = [{"meeting_id": JAN, "date": "2024-01-10"}, {"meeting_id": MAY, "date": "2024-05-06"}]


def named(meeting: str, name: str, party: str | None, organisation: str = "o", **more) -> dict:
    return {"meeting_id": meeting, "name": name, "party": party, "person_id": person_id(organisation, name), **more}


def test_a_person_seen_in_two_meetings_with_two_parties_is_one_row_with_both():
    records = {
        "attendance": [named(JAN, "Glenn Nordlund", "S", role="ledamot"), named(MAY, "Glenn Nordlund", "V", role="ordförande")],
        "votes": [named(MAY, "Glenn Nordlund", "V", vote="ja"), named(MAY, "Glenn  Nordlund", "V", vote="nej")],
        "reservations": [named(JAN, "Glenn Nordlund", "S")],
        "recusals": [named(MAY, "Glenn Nordlund", "V")],
        "proposals": [named(MAY, "Anna Andersson", None)],
    }
    rows = people_rows("o", MEETINGS, records)
    assert [row["person_id"] for row in rows] == ["o/anna-andersson", "o/glenn-nordlund"]
    assert rows[1] == {
        "person_id": "o/glenn-nordlund", "organisation_id": "o", "name": "Glenn Nordlund", "party": "V",
        "parties": "S 2024-01-10–2024-01-10; V 2024-05-06–2024-05-06",
        "roles": "ledamot 2024-01-10–2024-01-10; ordförande 2024-05-06–2024-05-06", "kind": "member",
        "first_seen": "2024-01-10", "last_seen": "2024-05-06", "meetings": 2, "votes": 2, "reservations": 1,
        "recusals": 1, "possible_duplicates": None,
    }
    assert (rows[0]["party"], rows[0]["parties"], rows[0]["roles"], rows[0]["kind"]) == (None, None, None, "member")


def test_the_name_is_the_spelling_seen_most_often_and_ties_go_to_the_latest():
    records = {"attendance": [named(JAN, "Per Olof Ståhl", "M", role="ledamot"),
                              named(MAY, "Per-Olof Ståhl", "M", role="ledamot"),
                              named(MAY, "Per-Olof  Ståhl", "M", role="justerare")]}
    [row] = people_rows("o", MEETINGS, records)
    assert (row["person_id"], row["name"]) == ("o/per-olof-stahl", "Per-Olof Ståhl")
    tie = {"attendance": [named(MAY, "Per Olof Ståhl", "M", role="ledamot"), named(JAN, "Per-Olof Ståhl", "M", role="ledamot")]}
    assert people_rows("o", MEETINGS, tie)[0]["name"] == "Per Olof Ståhl"


def test_kind_is_member_official_or_unknown_by_roles():
    records = {"attendance": [named(JAN, "Sara Sekretariatsson", None, role="sekreterare"),
                              named(JAN, "Tomas Tjänstesson", None, role="tjänsteperson"),
                              named(JAN, "Ulla Ersättare", "L", role="tjänstgörande ersättare"),
                              named(JAN, "Vera Gäst", None, role="övrig närvarande")],
               "recusals": [named(MAY, "Tomas Tjänstesson", None)]}
    kinds = {row["name"]: row["kind"] for row in people_rows("o", MEETINGS, records)}
    assert kinds == {"Sara Sekretariatsson": "official", "Tomas Tjänstesson": "official", "Ulla Ersättare": "member",
                     "Vera Gäst": "unknown"}


def test_names_differing_by_a_middle_name_a_hyphen_or_one_letter_are_possible_duplicates():
    records = {"attendance": [named(JAN, name, "S", role="ledamot") for name in (
        "Bertil Provsson", "Bertil Provson", "Anna-Karin Öberg", "Annakarin Oberg", "Lars Erik Svensson", "Lars Svensson",
        "Eva Ek", "Eva Ekström", "Lars Anders Svensson")]}
    rows = {row["person_id"]: row["possible_duplicates"] for row in people_rows("o", MEETINGS, records)}
    assert rows == {
        "o/bertil-provsson": "o/bertil-provson", "o/bertil-provson": "o/bertil-provsson",
        "o/anna-karin-oberg": "o/annakarin-oberg", "o/annakarin-oberg": "o/anna-karin-oberg",
        "o/lars-erik-svensson": "o/lars-svensson", "o/lars-anders-svensson": "o/lars-svensson",
        "o/lars-svensson": "o/lars-anders-svensson; o/lars-erik-svensson",
        "o/eva-ek": None, "o/eva-ekstrom": None,
    }


def test_alike_is_symmetric_and_needs_a_real_difference():
    pairs = [("anna-berg", "anna-borg", True), ("anna-berg", "anna-berga", True), ("anna-berg", "ann-berg", True),
             ("anna-berg", "anna-brge", False), ("anna-berg", "anna-lisa-berg", True), ("anna-maj-berg", "anna-lisa-berg", False),
             ("anna-berg", "berg-anna", False), ("bo-ek", "boek", True)]
    for one, other, expected in pairs:
        assert alike(one, other) is expected and alike(other, one) is expected, (one, other)
    assert possible_duplicates({"o/x": "Anna Berg"}) == {}


# ---------------------------------------------------------------- rebuilt in reconcile


def _table(resource: str, rows: list[dict]) -> dict[str, dict]:
    built = [to_table_row(resource, row) for row in rows]
    return {row_key(resource, row): row for row in built}


def _tables() -> dict[str, dict[str, dict]]:
    """Two organisations, a meeting each, one person each, their people rows as a run wrote them."""
    anna = {**named("a/rs/m1", "Anna Berg", "S", "a", role="ledamot"), "attendance_id": "a/rs/m1/Anna Berg/ledamot"}
    bo = {**named("b/rs/m1", "Bo Ek", "M", "b", role="ledamot"), "attendance_id": "b/rs/m1/Bo Ek/ledamot"}
    return {
        "committees": _table("committees", [{"committee_id": "a/rs", "organisation_id": "a"},
                                            {"committee_id": "b/rs", "organisation_id": "b"}]),
        "meetings": _table("meetings", [{"meeting_id": "a/rs/m1", "committee_id": "a/rs", "date": "2024-01-10"},
                                        {"meeting_id": "b/rs/m1", "committee_id": "b/rs", "date": "2024-02-10"}]),
        "attendance": _table("attendance", [anna, bo]),
        "people": _table("people", [
            *people_rows("a", [{"meeting_id": "a/rs/m1", "date": "2024-01-10"}], {"attendance": [anna]}),
            *people_rows("b", [{"meeting_id": "b/rs/m1", "date": "2024-02-10"}], {"attendance": [bo]})]),
    }


def _lazy(rows: dict[str, dict[str, dict]]) -> LazyTables:
    return LazyTables(lambda resource: rows.get(resource, {}))


def test_people_are_rebuilt_only_for_the_organisation_whose_rows_changed():
    old = _lazy(_tables())
    merge = Merge(old, Outcome(copy_tables(old)))
    merge.new["meetings"]  # a run reads the meetings; nothing naming people changed
    rebuild_people(merge)
    assert merge.new.loaded() == ["meetings"] and "people" not in merge.outcome.sources
    key = "a/rs/m1/Anna Berg/ledamot"
    merge.new["attendance"][key] = {**merge.new["attendance"][key], "party": "V"}
    rebuild_people(merge)
    people = merge.new["people"]
    assert people["a/anna-berg"]["party"] == "V" and people["a/anna-berg"]["parties"] == "V 2024-01-10–2024-01-10"
    assert people["b/bo-ek"] is old["people"]["b/bo-ek"]
    assert set(merge.outcome.sources["people"]) == {"a/anna-berg"}


def test_a_person_no_longer_named_leaves_the_people_table():
    old = _lazy(_tables())
    merge = Merge(old, Outcome(copy_tables(old)))
    del merge.new["attendance"]["a/rs/m1/Anna Berg/ledamot"]
    rebuild_people(merge)
    assert set(merge.new["people"]) == {"b/bo-ek"}


def test_a_meeting_moved_to_another_date_moves_its_people_dates():
    old = _lazy(_tables())
    merge = Merge(old, Outcome(copy_tables(old)))
    merge.new["meetings"]["a/rs/m1"] = {**merge.new["meetings"]["a/rs/m1"], "date": "2024-01-17"}
    rebuild_people(merge)
    assert merge.new["people"]["a/anna-berg"]["first_seen"] == "2024-01-17"


def test_a_rescheduled_meeting_rewrites_its_records_parts_and_its_organisations_people():
    from scraper.changes import diff_tables
    from scraper.run import dirty_parts

    old = _lazy({**_tables(), "organisations": {}})
    new = copy_tables(old)
    new["meetings"]["a/rs/m1"] = {**new["meetings"]["a/rs/m1"], "date": "2025-01-10"}
    merge = Merge(old, Outcome(new))
    rebuild_people(merge)
    diffs = diff_tables({r: old[r] for r in new.loaded()}, new.view())
    dirty = dirty_parts(old, new, diffs)
    assert {"data/votes/a/2024.csv", "data/votes/a/2025.csv"} <= dirty["votes"]
    assert dirty["people"] == {"data/people/a.csv"}
