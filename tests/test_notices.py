"""Notices and representatives: their rows, the committee and meeting a notice names, and the merge
rules (a rolling board, not an archive; a board or register that could not be read changes nothing)."""

from __future__ import annotations

from datetime import date

import pytest

from scraper.config import parse_config
from scraper.crawl import Board, Register
from scraper.derive import board as derive_board
from scraper.derive import register as derive_register
from scraper.package import copy_tables, empty_tables, to_table_row
from scraper.portal import api
from scraper.reconcile import Derived, reconcile
from scraper.rows.notices import (current_assignment, dates_in, link_notice, merged_notice, notice_kind, notice_row,
                                  representative_rows)
from scraper.rows.people import name_slug
from scraper.rows.portal import committee_row, organisation_row

TODAY = date(2026, 11, 25)
PORTAL = parse_config("""[[portal]]
id = "k"
organisation_id = "kommunen"
organisation = "Kommunen"
kind = "kommun"
base_url = "https://moten.example"
committees = ["kommunstyrelsen", "kommunfullmaktige"]
""")[0]
COMMITTEES = [
    {"committee_id": "kommunen/kommunstyrelsen", "name": "Kommunstyrelsen"},
    {"committee_id": "kommunen/ks-au", "name": "Kommunstyrelsens arbetsutskott"},
    {"committee_id": "kommunen/kommunfullmaktige", "name": "Kommunfullmaktige"},  # a name read from the slug
]


def meeting(committee: str, slug: str, when: str, status: str = "held") -> dict:
    return {"meeting_id": f"kommunen/{committee}/{slug}", "committee_id": f"kommunen/{committee}", "date": when, "status": status}


MEETINGS = [
    meeting("kommunstyrelsen", "mote-2025-09-09", "2025-09-09"), meeting("ks-au", "mote-2025-09-02", "2025-09-02"),
    meeting("kommunfullmaktige", "kf-1", "2025-09-22"), meeting("kommunfullmaktige", "kf-2", "2025-09-22"),
    meeting("kommunstyrelsen", "installt", "2025-10-07", "cancelled"),
]


@pytest.mark.parametrize("type_name, title, kind", [
    ("Justerat protokoll", "Kommunstyrelsen 2025-09-09", "protocol_adjusted"),
    ("Anslag om justerat protokoll", None, "protocol_adjusted"),
    ("Protokoll", "Protokollet från kommunstyrelsen är justerat", "protocol_adjusted"),
    ("Tillkännagivanden", "Tillkännagivande om justering av protokoll", "protocol_adjusted"),
    ("Anslag", "Justerat protokoll från sammanträde 2025-09-09", "protocol_adjusted"),
    ("Kungörelse", "Kommunfullmäktige sammanträder", "meeting_notice"),
    ("Kallelser", None, "meeting_notice"),
    (None, "Kungörelse om sammanträde", "meeting_notice"),
    ("Övriga anslag", "Underrättelse om beslut", "other"),
    ("Detaljplaner", "Granskning av detaljplan", "other"),
    (None, None, "other"),
])
def test_notice_kind(type_name, title, kind):
    assert notice_kind(type_name, title) == kind


def test_dates_in_a_text():
    assert dates_in("sammanträdet den 9 september 2025 (2025-09-09), anslaget 2025-09-11, 31 februari 2025, 2025-13-01") == {
        date(2025, 9, 9), date(2025, 9, 11)}


@pytest.mark.parametrize("text, committee, meeting_, doubt", [
    ("Kommunstyrelsens protokoll från sammanträdet 2025-09-09 är justerat", "kommunstyrelsen", "mote-2025-09-09", None),
    ("Protokoll kommunstyrelsen 9 september 2025", "kommunstyrelsen", "mote-2025-09-09", None),
    ("Kommunstyrelsens arbetsutskott 2025-09-02: protokollet justerat", "ks-au", "mote-2025-09-02", None),
    ("Kommunstyrelsens arbetsutskott 2025-09-09", "ks-au", None, None),  # no meeting of the AU that day
    ("Kommunfullmäktiges protokoll", "kommunfullmaktige", None, None),  # no date
    ("Kommunfullmäktige 2025-09-22", "kommunfullmaktige", None, "2 meetings of kommunen/kommunfullmaktige on the dates it names"),
    ("Kommunstyrelsen 2025-10-07", "kommunstyrelsen", None, None),  # cancelled
    ("Kommunstyrelsen och kommunfullmäktige 2025-09-09", None, None,
     "names several committees (kommunen/kommunfullmaktige, kommunen/kommunstyrelsen)"),
    ("Protokoll från sammanträdet 2025-09-09", None, None, None),
    ("Regionstyrelsen 2025-09-09", None, None, None),
    ("Kommunstyrelsenheten 2025-09-09", None, None, None),  # not the committee's name as a word
])
def test_link_notice(text, committee, meeting_, doubt):
    by_committee: dict[str, list[dict]] = {}
    for row in MEETINGS:
        by_committee.setdefault(row["committee_id"], []).append(row)
    link = link_notice(text, COMMITTEES, by_committee)
    assert link.committee_id == (f"kommunen/{committee}" if committee else None)
    assert link.meeting_id == (f"kommunen/{committee}/{meeting_}" if meeting_ else None)
    assert link.doubt == doubt


def test_a_notice_row_with_its_appeal_deadline():
    listed = api.Announcement("3101", "Protokoll KS", date(2025, 9, 11), None, "1")
    own = api.Announcement("3101", None, None, date(2025, 10, 3), None, None, "Protokollet är justerat.", "KS.pdf")
    row = notice_row(PORTAL, merged_notice(listed, own), "Justerat protokoll")
    assert row == {
        "notice_id": "kommunen/3101", "organisation_id": "kommunen", "portal_notice_id": "3101", "type": "Justerat protokoll",
        "kind": "protocol_adjusted", "title": "Protokoll KS", "posted": date(2025, 9, 11), "removed": date(2025, 10, 3),
        "description": "Protokollet är justerat.", "committee_id": None, "meeting_id": None,
        "url": "https://moten.example/digital-bulletin-board/announcements/3101", "appeal_deadline": date(2025, 10, 2),
    }
    undated = notice_row(PORTAL, api.Announcement("9", "Justerat protokoll"), None)
    assert (undated["kind"], undated["posted"], undated["appeal_deadline"], undated["type"]) == ("protocol_adjusted", None, None, None)
    other = notice_row(PORTAL, api.Announcement("8", "Kungörelse", date(2025, 9, 11)), "Kungörelser")
    assert other["appeal_deadline"] is None


def test_name_slug_and_person_ids():
    assert name_slug("Åsa Öberg-Ekström") == "asa-oberg-ekstrom"
    assert name_slug("  José  Müller (S) ") == "jose-muller-s"
    rows, notes = representative_rows(PORTAL, "kommunen/kommunstyrelsen", [api.Representative("1", "Anna Ärlig", "S"),
                                                                          api.Representative("1", "Anna Ärlig", "S"),
                                                                          api.Representative("2", None, None)], None)
    assert [(r["representative_id"], r["person_id"], r["role"]) for r in rows] == [
        ("kommunen/1", "kommunen/anna-arlig", None), ("kommunen/2", None, None)]
    assert notes == []


def test_the_current_assignment_of_several():
    old = api.Assignment("1", "Ersättare", date(2019, 1, 1), date(2022, 10, 14), 70, "Inactive")
    now = api.Assignment("1", "Ledamot", date(2022, 10, 15), None, 1, "Active")
    assert current_assignment([old, now]) == now and current_assignment([]) is None
    rows, notes = representative_rows(PORTAL, "kommunen/kommunstyrelsen", [api.Representative("1", "A B", "M")], [old, now])
    assert (rows[0]["role"], rows[0]["date_from"], rows[0]["date_to"]) == ("Ledamot", date(2022, 10, 15), None)
    assert notes == ["kommunen/kommunstyrelsen: representative 1 has 2 assignments; the current one is kept"]


# ---------------------------------------------------------------- merge rules


def base_tables(*notices: dict) -> dict:
    tables = empty_tables()
    tables["organisations"]["kommunen"] = to_table_row("organisations", organisation_row(PORTAL))
    for slug, name in (("kommunstyrelsen", "Kommunstyrelsen"), ("kommunfullmaktige", "Kommunfullmäktige")):
        row = to_table_row("committees", committee_row(PORTAL, slug, name, None))
        tables["committees"][row["committee_id"]] = row
    row = {"meeting_id": "kommunen/kommunstyrelsen/mote-2025-09-09", "committee_id": "kommunen/kommunstyrelsen",
           "slug": "mote-2025-09-09", "title": "Möte", "date": date(2025, 9, 9), "status": "held", "agenda_published": True,
           "protocol_published": True, "agenda_item_count": 0, "document_count": 0, "url": "https://moten.example/x"}
    tables["meetings"][row["meeting_id"]] = to_table_row("meetings", row)
    for notice in notices:
        tables["notices"][notice["notice_id"]] = to_table_row("notices", notice)
    return tables


def notice(ident: str, title: str, posted: date, removed: date | None = None) -> api.Announcement:
    return api.Announcement(ident, title, posted, removed, "1", "Justerat protokoll")


def run(old: dict, *boards: Board, registers: tuple[Register, ...] = (), today: date = TODAY):
    derived = Derived([PORTAL], boards=[derive_board(b, old["notices"]) for b in boards],
                      registers=[derive_register(r) for r in registers])
    return reconcile(copy_tables(old), derived, today, {})


def board(*notices: api.Announcement, complete: bool = True) -> Board:
    return Board(PORTAL, api.announcement_types_url(PORTAL.base_url), {"1": "Justerat protokoll"}, list(notices),
                 complete=complete)


def test_a_notice_is_linked_and_a_notice_gone_from_the_board_keeps_its_row_with_the_day_it_went():
    first = run(base_tables(), board(notice("1", "Kommunstyrelsens protokoll 2025-09-09", date(2025, 9, 11)),
                                     notice("2", "Protokoll", date(2025, 9, 12), date(2025, 10, 3)),
                                     notice("3", "Kungörelse", date(2025, 9, 1))))
    rows = first.tables["notices"]
    assert (rows["kommunen/1"]["committee_id"], rows["kommunen/1"]["meeting_id"], rows["kommunen/1"]["appeal_deadline"]) == (
        "kommunen/kommunstyrelsen", "kommunen/kommunstyrelsen/mote-2025-09-09", "2025-10-02")
    old = {r: dict(first.tables[r]) for r in first.tables}
    later = run(old, board(notice("3", "Kungörelse", date(2025, 9, 1))), today=date(2025, 9, 20))
    rows = later.tables["notices"]
    assert (rows["kommunen/1"]["removed"], rows["kommunen/2"]["removed"], rows["kommunen/3"]["removed"]) == (
        "2025-09-20", "2025-10-03", "")  # the day it was first missing; the day the portal gave; still up
    again = run({r: dict(later.tables[r]) for r in later.tables}, board(), today=date(2025, 9, 21))
    assert again.tables["notices"]["kommunen/1"]["removed"] == "2025-09-20"  # first missing, not last
    back = run({r: dict(later.tables[r]) for r in later.tables}, board(notice("1", "Kommunstyrelsens protokoll 2025-09-09",
                                                                                date(2025, 9, 11))))
    assert back.tables["notices"]["kommunen/1"]["removed"] == ""


def test_a_board_not_read_or_read_in_part_takes_nothing_down():
    first = run(base_tables(), board(notice("1", "Protokoll", date(2025, 9, 11)), notice("2", "Protokoll", date(2025, 9, 12))))
    old = {r: dict(first.tables[r]) for r in first.tables}
    not_read = run(old)
    assert not_read.tables["notices"] == old["notices"]
    part = run(old, board(notice("2", "Protokoll", date(2025, 9, 12)), complete=False))
    assert part.tables["notices"]["kommunen/1"]["removed"] == ""
    absent = Board(PORTAL, "u", absent="no bulletin board API at u")
    assert run(old, absent).tables["notices"]["kommunen/1"]["removed"] == ""


def test_a_board_that_suddenly_lists_nothing_is_a_failure():
    up = [notice(str(n), "Protokoll", date(2026, 11, 20)) for n in range(4)]
    old = {r: dict(t) for r, t in run(base_tables(), board(*up)).tables.items()}
    outcome = run(old, board())
    assert [f.stage for f in outcome.failures] == ["guard"]
    assert all(row["removed"] == "" for row in outcome.tables["notices"].values())


def test_a_notice_whose_meeting_is_gone_no_longer_points_to_it():
    linked = {**notice_row(PORTAL, notice("1", "Kommunstyrelsen 2025-09-09", date(2025, 9, 11)), None),
              "committee_id": "kommunen/kommunstyrelsen", "meeting_id": "kommunen/kommunstyrelsen/mote-2025-09-09"}
    old = base_tables(linked)
    del old["meetings"]["kommunen/kommunstyrelsen/mote-2025-09-09"]
    outcome = run(old)
    row = outcome.tables["notices"]["kommunen/1"]
    assert (row["committee_id"], row["meeting_id"]) == ("kommunen/kommunstyrelsen", "")


def test_a_doubtful_match_is_a_warning():
    outcome = run(base_tables(), board(notice("1", "Kommunstyrelsen och kommunfullmäktige 2025-09-09", date(2025, 9, 11))))
    assert outcome.warnings == ["https://moten.example/digital-bulletin-board/announcements/1: the notice names several "
                                "committees (kommunen/kommunfullmaktige, kommunen/kommunstyrelsen); committee and meeting left empty"]


def register(*people: str, committee: str = "kommunen/kommunstyrelsen") -> Register:
    return Register(PORTAL, committee, "https://moten.example/api/err/v1.0/representatives?committeeId=1",
                    [api.Representative(p, f"Person {p}", "S") for p in people])


def test_a_register_read_replaces_the_committees_representatives_and_one_not_read_changes_nothing():
    first = run(base_tables(), registers=(register("1", "2", "3", "4"), register("9", committee="kommunen/okand")))
    assert sorted(first.tables["representatives"]) == [f"kommunen/{n}\x1fkommunen/kommunstyrelsen" for n in "1234"]
    old = {r: dict(t) for r, t in first.tables.items()}
    assert run(old).tables["representatives"] == old["representatives"]
    changed = run(old, registers=(register("1", "2", "3", "5"),))
    assert sorted(k.split("\x1f")[0] for k in changed.tables["representatives"]) == ["kommunen/1", "kommunen/2", "kommunen/3",
                                                                                    "kommunen/5"]
    shrunk = run(old, registers=(register("1"),))
    assert [f.stage for f in shrunk.failures] == ["guard"] and shrunk.tables["representatives"] == old["representatives"]


def test_commit_lines_name_notices_posted_taken_down_and_register_changes():
    from scraper.changes import commit_message, describe, diff_tables

    def notice(key, title, removed=""):
        return {"notice_id": key, "organisation_id": "kommunen", "title": title, "removed": removed}

    def member(key, committee, role):
        return {"representative_id": key, "committee_id": committee, "role": role}

    old = {"notices": {"kommunen/1": notice("kommunen/1", "Justerat protokoll KS")},
           "representatives": {("kommunen/1", "kommunen/ks"): member("kommunen/1", "kommunen/ks", "ledamot"),
                               ("kommunen/2", "kommunen/ks"): member("kommunen/2", "kommunen/ks", "ledamot")}}
    new = {"notices": {"kommunen/1": notice("kommunen/1", "Justerat protokoll KS", "2026-11-24"),
                       "kommunen/2": notice("kommunen/2", "Kungörelse KF"), "kommunen/3": notice("kommunen/3", "Kungörelse BN")},
           "representatives": {("kommunen/1", "kommunen/ks"): member("kommunen/1", "kommunen/ks", "ordförande")}}
    diffs = diff_tables(old, new)
    lines = describe(old, new, diffs)
    assert lines == ["bulletin board of kommunen: 2 notices posted; notice taken down (Justerat protokoll KS)",
                     "representatives of kommunen/ks: 1 changed, 1 removed"]
    assert commit_message(lines, diffs).startswith("data updated: bulletin board of kommunen")
