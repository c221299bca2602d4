"""HTML parsers of the Meetings Plus portal: saved replica pages (golden outputs), hand-written
quirk pages and bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scraper.errors import ParseError
from tests.test_agenda_markups import INTERPELLATIONS_2026, MOTIONS_2026
from scraper.portal.pages import (
    CommitteeRef,
    MeetingPage,
    absolute,
    canonical_url,
    find_committee_id,
    find_date,
    parse_agenda_text,
    parse_committee_list,
    parse_committee_page,
    parse_meeting_links,
    parse_meeting_page,
)

FIXTURES = Path(__file__).parent / "fixtures" / "portal"
BASE = {"vasterbotten": "https://vasterbotten.example", "norrbotten": "https://norrbotten.example"}
PORTAL = "https://portal.example"
EXAMPLE = "Exempelinnehåll i replikan, inte ett verkligt ärende."


def fixture(portal: str, path: str, day: int = 1) -> tuple[str, str]:
    """(html, url) of a saved replica page."""
    name = f"{portal}{path.replace('/', '__')}__day{day}.html"
    return (FIXTURES / name).read_text(encoding="utf-8"), BASE[portal] + path


def items_of(page: MeetingPage) -> list[tuple]:
    return [(it.number, it.title, it.case_numbers, [a.file_slug for a in it.attachments]) for it in page.agenda_items]


def docs_of(page: MeetingPage) -> list[tuple]:
    return [(d.kind, d.area, d.file_slug, d.title) for d in page.documents]


def page(body: str, title: str = "Möte | Meetings Plus") -> str:
    return f'<!DOCTYPE html><html lang="sv"><head><title>{title}</title></head><body>{body}</body></html>'


# ================================================================ saved replica pages

# ---------------------------------------------------------------- committee list


def test_committee_list_fixture():
    html, url = fixture("vasterbotten", "/committees")
    assert parse_committee_list(html, url) == [
        CommitteeRef("regionfullmaktige", "Regionfullmäktige", BASE["vasterbotten"] + "/committees/regionfullmaktige"),
        CommitteeRef("regionstyrelsen", "Regionstyrelsen", BASE["vasterbotten"] + "/committees/regionstyrelsen"),
    ]


# ---------------------------------------------------------------- committee pages

COMMITTEE_GOLDEN = {
    ("vasterbotten", "regionfullmaktige"): (
        "Regionfullmäktige",
        [
            ("mote-2027-04-20", date(2027, 4, 20), "upcoming", "Möte 2027-04-20, Regionfullmäktige, 2027-04-20"),
            ("mote-2026-02-24", date(2026, 2, 24), "past", "Möte 2026-02-24, Regionfullmäktige, 2026-02-24"),
            ("extra-regionfullmaktige-54131", date(2025, 11, 4), "past", "Extra möte 2025-11-04, Regionfullmäktige, 2025-11-04"),
            ("mote-2025-06-10-installt", date(2025, 6, 10), "past", "INSTÄLLT Möte 2025-06-10, Regionfullmäktige, 2025-06-10"),
            ("mote-2024-02-20", date(2024, 2, 20), "past", "Möte 2024-02-20, Regionfullmäktige, 2024-02-20"),
            ("mote-2020-04-21", date(2020, 4, 21), "past", "Möte 2020-04-21, Regionfullmäktige, 2020-04-21"),
        ],
    ),
    ("vasterbotten", "regionstyrelsen"): (
        "Regionstyrelsen",
        [
            ("mote-2027-01-26", date(2027, 1, 26), "upcoming", "Möte 2027-01-26, Regionstyrelsen, 2027-01-26"),
            ("mote-2027-02-09", date(2027, 2, 9), "upcoming", "Möte 2027-02-09, Regionstyrelsen, 2027-02-09"),
            ("regionstyrelsen-2025-10-14", date(2025, 10, 14), "past", "Möte 2025-10-14, Regionstyrelsen, 2025-10-14"),
            ("mote-2025-09-09", date(2025, 9, 9), "past", "Möte 2025-09-09, Regionstyrelsen, 2025-09-09"),
            ("mote-2025-04-08", date(2025, 4, 8), "past", "Möte 2025-04-08, Regionstyrelsen, 2025-04-08"),
        ],
    ),
}


@pytest.mark.parametrize("portal, committee", sorted(COMMITTEE_GOLDEN))
def test_committee_page_fixture(portal, committee):
    html, url = fixture(portal, f"/committees/{committee}")
    parsed = parse_committee_page(html, url)
    name, rows = COMMITTEE_GOLDEN[(portal, committee)]
    assert (parsed.slug, parsed.name, parsed.strategy, parsed.portal_committee_id) == (
        committee, name, "accessible-table-cell", None,
    )
    assert [(m.slug, m.date, m.section, m.label) for m in parsed.meetings] == rows
    assert [m.url for m in parsed.meetings] == [f"{BASE[portal]}/committees/{committee}/{slug}" for slug, *_ in rows]
    assert {m.committee_slug for m in parsed.meetings} == {committee}
    assert {m.portal_meeting_id for m in parsed.meetings} == {None}


def test_committee_page_rendered_by_script_fixture():
    html, url = fixture("norrbotten", "/committees/regionstyrelsen")
    parsed = parse_committee_page(html, url)
    assert parsed.meetings == []
    assert (parsed.slug, parsed.name, parsed.strategy, parsed.portal_committee_id) == (
        "regionstyrelsen", "Regionstyrelsen", "none", 412,
    )
    assert parse_meeting_links(html, url, "regionstyrelsen") == []


# ---------------------------------------------------------------- meeting pages

RS_SIDE = {"mote-2025-04-08", "mote-2025-09-09", "regionstyrelsen-2025-10-14", "mote-2027-01-26", "mote-2027-02-09"}
RF_SIDE = {
    "mote-2020-04-21", "mote-2024-02-20", "mote-2026-02-24", "extra-regionfullmaktige-54131",
    "mote-2025-06-10-installt", "mote-2027-04-20",
}
NORRBOTTEN_ITEMS = [
    ("1", "Sammanträdet öppnas", []),
    ("2", "Upprop/fastställande av närvarorätt", []),
    ("3", "Val av protokolljusterare", []),
    ("4", "Fastställande av slutlig föredragningslista", []),
    ("5", "Regiondirektörens rapport 2024-03-12", ["NLL-00002-2024"]),
    ("6", "Meddelanden till regionstyrelsen 2024-03-12", ["NLL-00010-2024"]),
    ("7", "Delegationsbeslut anmälda till regionstyrelsen 2024-03-12", ["NLL-00018-2024"]),
    ("8", "Återrapportering från regionstyrelsens temasammanträde 2024-03-12", ["NLL-00027-2024"]),
    ("9", "Uppföljning filialer och servicepunkter", ["NLL-00297-2024"]),
    ("10", "Ändring i beställning vårdval filialer och servicepunkter", ["NLL-00288-2024"]),
    ("11", "Uppdatering av regionstyrelsens delegationsordning 2024-03-12", ["NLL-00290-2024"]),
    ("12", "Regionala utvecklingsnämndens årsrapport 2023", ["NLL-00298-2024"]),
    ("13", "Divisionernas årsrapporter 2023", ["NLL-00286-2024"]),
    ("14", "Årsredovisning Region Norrbotten 2023", ["NLL-00282-2024"]),
    ("15", "Systematiskt arbetsmiljöarbete 2023", ["NLL-00136-2024"]),
    ("16", "Revisionsrapport Granskning av ekonomistyrning 2023", ["NLL-01633-2023"]),
    ("17", "Remiss av betänkandet För barn och unga i samhällsvård", ["NLL-01579-2023"]),
    ("18", "Remiss av betänkandet Vidareanvändning av hälsodata för vård och klinisk forskning (SOU 2023:76)", ["NLL-01661-2023"]),
    ("19", "Angående Den europeiska deklarationen för jämställdhet mellan kvinnor och män på lokal och regional nivå "
           "(CEMR-deklarationen)", ["NLL-00153-2024"]),
    ("20", "Motion 5-2018 angående screening av prostatacancer", ["NLL-01426-2018"]),
    ("21", "Motion 13-2023 om översyn av ersättningssystem och uppföljningsmått i primärvården", ["NLL-00793-2023"]),
    ("22", "Uppdatering av regler för partistöd 2024", ["NLL-01252-2023"]),
    ("23", "Uppdatering av regler för ersättning till Region Norrbottens förtroendevalda", ["NLL-00227-2024"]),
    ("24", "Sammanträdet avslutas", []),
]
NORRBOTTEN_DESCRIPTION = "Tisdag 12 mars\n13.00 Sammanträdet startar\nPlats: Styrelserummet/Teams"

MEETING_GOLDEN = {
    ("vasterbotten", "/committees/regionstyrelsen/mote-2027-01-26", 1): dict(
        title="Möte 2027-01-26", date=date(2027, 1, 26), cancelled=False, start_time="09:00",
        description=f"{EXAMPLE}\n09.00 Sammanträdet startar", agenda_strategy="structured",
        items=[
            ("1", "Val av justerare", [], []),
            ("2", "Exempelärende: investeringsplan", ["RS 15-2027"], ["bilaga-investeringsplanpdf", "bilaga-2-tidplanpdf"]),
        ],
        documents=[], protocol_pending=True, agenda_missing=False, portal_meeting_id=None, side=RS_SIDE,
    ),
    ("vasterbotten", "/committees/regionstyrelsen/mote-2027-01-26", 3): dict(
        title="Möte 2027-01-26", date=date(2027, 1, 26), cancelled=False, start_time="09:00",
        description=f"{EXAMPLE}\n09.00 Sammanträdet startar", agenda_strategy="structured",
        items=[
            ("1", "Val av justerare", [], []),
            ("2", "Exempelärende: investeringsplan", ["RS 15-2027"], ["bilaga-investeringsplanpdf"]),
            ("3", "Exempelärende: tillkommande ärende", ["RS 31-2027"], []),
        ],
        documents=[], protocol_pending=True, agenda_missing=False, portal_meeting_id=None, side=RS_SIDE,
    ),
    ("vasterbotten", "/committees/regionfullmaktige/mote-2025-06-10-installt", 1): dict(
        title="INSTÄLLT Möte 2025-06-10", date=date(2025, 6, 10), cancelled=True, start_time=None,
        description=EXAMPLE, agenda_strategy="none", items=[], documents=[], protocol_pending=True,
        agenda_missing=False, portal_meeting_id=None, side=RF_SIDE,
    ),
    ("vasterbotten", "/committees/regionstyrelsen/mote-2027-02-09", 3): dict(
        title="INSTÄLLT Möte 2027-02-09", date=date(2027, 2, 9), cancelled=True, start_time=None,
        description=EXAMPLE, agenda_strategy="none", items=[], documents=[], protocol_pending=True,
        agenda_missing=False, portal_meeting_id=None, side=RS_SIDE,
    ),
    ("vasterbotten", "/committees/regionfullmaktige/mote-2026-02-24", 1): dict(
        title="Möte 2026-02-24", date=date(2026, 2, 24), cancelled=False, start_time="08:30",
        description="Tisdag 24 februari\n08.30 Sammanträdet startar\n12.00-13.00 (ca) Lunch\n17.00 Sammanträdet avslutas för dagen",
        agenda_strategy="structured",
        items=[
            ("2", "Sammanträdets öppnande", [], []),
            ("3", "Upprop", [], []),
            ("4", "Val av justerare samt tid för justering", [], []),
            (None, "Förslag till föredragningslista har upprättats.", [], []),
            (None, "Inkomna motioner", [], []),
            (None, "Inkomna interpellationer", [], []),
        ],
        sub_items={5: MOTIONS_2026, 6: INTERPELLATIONS_2026},
        documents=[
            ("kallelse", "agenda", "kallelse-regionfullmaktige-2026-02-24pdf", "Kallelse regionfullmäktige 2026-02-24.pdf"),
            ("bilaga", "agenda", "schema-och-programpdf", "Schema och program.pdf"),
        ],
        protocol_pending=True, agenda_missing=False, portal_meeting_id=None, side=RF_SIDE,
    ),
    ("vasterbotten", "/committees/regionstyrelsen/mote-2025-09-09", 1): dict(
        title="Möte 2025-09-09", date=date(2025, 9, 9), cancelled=False, start_time="09:00",
        description=f"{EXAMPLE}\n09.00 Sammanträdet startar", agenda_strategy="structured",
        items=[
            ("1", "Val av justerare", [], []),
            ("2", "Exempelärende: lokalförsörjningsplan", ["RS 1101-2025"], ["bilaga-1-lokalforsorjningsplanpdf-19038"]),
            ("3", "Exempelärende: remissvar", ["RS 1102-2025"], []),
        ],
        documents=[
            ("protokoll", "protocol", "protokoll-regionstyrelsen-2025-09-09pdf-18552", "Protokoll regionstyrelsen 2025-09-09.pdf"),
            ("protokoll", "protocol", "protokoll-ss-140-omedelbar-justeringpdf", "Protokoll § 140 omedelbar justering.pdf"),
        ],
        protocol_pending=False, agenda_missing=False, portal_meeting_id=51890, side=RS_SIDE,
    ),
    ("vasterbotten", "/committees/regionstyrelsen/regionstyrelsen-2025-10-14", 1): dict(
        title="Möte 2025-10-14", date=date(2025, 10, 14), cancelled=False, start_time=None,
        description=EXAMPLE, agenda_strategy="structured",
        items=[("1", "Exempelärende: delårsrapport", ["RS 1150-2025"], [])],
        documents=[("protokoll", "protocol", "protokollpdf", "Protokoll.pdf")],
        protocol_pending=False, agenda_missing=False, portal_meeting_id=None, side=RS_SIDE,
    ),
    ("vasterbotten", "/committees/regionfullmaktige/extra-regionfullmaktige-54131", 1): dict(
        title="Extra möte 2025-11-04", date=date(2025, 11, 4), cancelled=False, start_time="09:00",
        description=f"{EXAMPLE}\n09.00 Sammanträdet startar", agenda_strategy="structured",
        items=[
            ("1", "Sammanträdets öppnande", [], []),
            ("2", "Val av justerare", [], []),
            ("3", "Exempelärende: tilläggsbudget 2025", ["RS 1201-2025"], []),
        ],
        documents=[], protocol_pending=True, agenda_missing=False, portal_meeting_id=None, side=RF_SIDE,
    ),
    ("norrbotten", "/committees/regionstyrelsen/mote-2024-03-12", 1): dict(
        title="Möte 2024-03-12", date=date(2024, 3, 12), cancelled=False, start_time="13:00",
        description=NORRBOTTEN_DESCRIPTION, agenda_strategy="structured",
        items=[(n, t, c, []) for n, t, c in NORRBOTTEN_ITEMS],
        documents=[], protocol_pending=True, agenda_missing=False, portal_meeting_id=None, side={"mote-2024-03-12"},
    ),
    ("norrbotten", "/committees/regionstyrelsen/mote-2024-03-12", 2): dict(
        title="Möte 2024-03-12", date=date(2024, 3, 12), cancelled=False, start_time="13:00",
        description=NORRBOTTEN_DESCRIPTION, agenda_strategy="structured",
        items=[(n, t, c, []) for n, t, c in NORRBOTTEN_ITEMS],
        documents=[("protokoll", "protocol", "protokoll-regionstyrelsen-2024-03-12pdf", "Protokoll regionstyrelsen 2024-03-12.pdf")],
        protocol_pending=False, agenda_missing=False, portal_meeting_id=880312, side={"mote-2024-03-12"},
    ),
}


@pytest.mark.parametrize("key", list(MEETING_GOLDEN), ids=lambda k: f"{k[0]}{k[1]}@day{k[2]}")
def test_meeting_page_fixture(key):
    portal, path, day = key
    html, url = fixture(portal, path, day)
    want = MEETING_GOLDEN[key]
    parsed = parse_meeting_page(html, url)
    _, _, committee, slug = path.split("/")
    assert (parsed.url, parsed.committee_slug, parsed.slug) == (url, committee, slug)
    assert parsed.title == want["title"]
    assert parsed.date == want["date"]
    assert parsed.cancelled is want["cancelled"]
    assert parsed.description == want["description"]
    assert parsed.start_time == want["start_time"]
    assert parsed.agenda_strategy == want["agenda_strategy"]
    assert items_of(parsed) == want["items"]
    assert {it.ordinal: [(s.title, s.case_numbers) for s in it.sub_items] for it in parsed.agenda_items
            if it.sub_items} == want.get("sub_items", {})
    assert (parsed.agenda_problem(), parsed.agenda_notes) == (None, [])
    assert [it.ordinal for it in parsed.agenda_items] == list(range(1, len(want["items"]) + 1))
    assert docs_of(parsed) == want["documents"]
    assert parsed.protocol_pending is want["protocol_pending"]
    assert parsed.agenda_missing is want["agenda_missing"]
    assert parsed.portal_meeting_id == want["portal_meeting_id"]
    assert {m.slug for m in parsed.side_meetings} == want["side"]
    assert len(parsed.side_meetings) == len(want["side"])
    assert parsed.side_meetings[-1].url == url


@pytest.mark.parametrize("key", list(MEETING_GOLDEN), ids=lambda k: f"{k[0]}{k[1]}@day{k[2]}")
def test_meeting_page_fixture_document_urls(key):
    portal, path, day = key
    html, url = fixture(portal, path, day)
    parsed = parse_meeting_page(html, url)
    for item in parsed.agenda_items:
        for attachment in item.attachments:
            assert (attachment.kind, attachment.area, attachment.item_ordinal) == ("bilaga", "agenda", item.ordinal)
            committee, slug = path.split("/")[2:]
            assert attachment.url == (
                f"{BASE[portal]}/welcome-sv/namnder-styrelser/{committee}/{slug}/agenda/{attachment.file_slug}?downloadMode=open"
            )
    for document in parsed.documents:
        assert document.item_ordinal is None
        assert document.url.startswith(BASE[portal] + "/committees/")
        assert document.url.endswith(f"/{document.area}/{document.file_slug}?downloadMode=open")


def test_meeting_fixture_side_menu_dates_come_from_labels():
    html, url = fixture("vasterbotten", "/committees/regionstyrelsen/mote-2025-09-09")
    side = parse_meeting_page(html, url).side_meetings
    assert [(m.slug, m.date, m.section) for m in side] == [
        ("mote-2027-02-09", date(2027, 2, 9), None),
        ("mote-2027-01-26", date(2027, 1, 26), None),
        ("regionstyrelsen-2025-10-14", date(2025, 10, 14), None),
        ("mote-2025-04-08", date(2025, 4, 8), None),
        ("mote-2025-09-09", date(2025, 9, 9), None),
    ]


def test_meeting_fixture_protocol_into_other_meeting_slug_is_kept():
    html, url = fixture("vasterbotten", "/committees/regionstyrelsen/regionstyrelsen-2025-10-14")
    parsed = parse_meeting_page(html, url)
    assert [d.url for d in parsed.documents] == [
        BASE["vasterbotten"] + "/committees/regionstyrelsen/regionstyrelsen-51977/protocol/protokollpdf?downloadMode=open"
    ]
    assert "regionstyrelsen-51977" not in {m.slug for m in parsed.side_meetings}


def test_meeting_fixture_protocol_files_in_order_with_suffix():
    html, url = fixture("vasterbotten", "/committees/regionstyrelsen/mote-2025-09-09")
    parsed = parse_meeting_page(html, url)
    base = BASE["vasterbotten"] + "/committees/regionstyrelsen/mote-2025-09-09/protocol/"
    assert [d.url for d in parsed.documents] == [
        base + "protokoll-regionstyrelsen-2025-09-09pdf-18552?downloadMode=open",
        base + "protokoll-ss-140-omedelbar-justeringpdf?downloadMode=open",
    ]


def test_meeting_fixture_links_seed_every_meeting():
    html, url = fixture("vasterbotten", "/committees/regionstyrelsen/mote-2025-09-09")
    assert sorted(parse_meeting_links(html, url, "regionstyrelsen")) == sorted(
        f"{BASE['vasterbotten']}/committees/regionstyrelsen/{slug}" for slug in RS_SIDE
    )
    assert parse_meeting_links(html, url, "regionfullmaktige") == []


def test_meeting_fixture_item_description_excludes_case_number():
    html, url = fixture("vasterbotten", "/committees/regionfullmaktige/extra-regionfullmaktige-54131")
    item = parse_meeting_page(html, url).agenda_items[2]
    assert item.case_numbers == ["RS 1201-2025"]
    assert item.description == EXAMPLE


# ================================================================ hand-written quirk pages

# ---------------------------------------------------------------- URL helpers


@pytest.mark.parametrize(
    "href, expected",
    [
        ("/committees/ks/mote-2025-03-04", PORTAL + "/committees/ks/mote-2025-03-04"),
        ("https://other.example/committees/ks/mote-2025-03-04", "https://other.example/committees/ks/mote-2025-03-04"),
        ("  /committees/ks  ", PORTAL + "/committees/ks"),
        ("javascript:void(0);", None),
        ("JavaScript:void(0)", None),
        ("#openProtocol", None),
        ("mailto:registrator@example.se", None),
        ("", None),
        (None, None),
    ],
)
def test_absolute(href, expected):
    assert absolute(href, PORTAL + "/committees/ks") == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        (PORTAL + "/a/protocol/xpdf?downloadMode=open", PORTAL + "/a/protocol/xpdf"),
        (PORTAL + "/a/protocol/xpdf?downloadMode=download", PORTAL + "/a/protocol/xpdf"),
        (PORTAL + "/a/protocol/xpdf?DownloadMode=open&v=2#page=3", PORTAL + "/a/protocol/xpdf?v=2"),
        (PORTAL + "/committees/ks/mote-2025-03-04/", PORTAL + "/committees/ks/mote-2025-03-04"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Möte 2025-03-04", date(2025, 3, 4)),
        ("2025-13-45 then 2025-02-28", date(2025, 2, 28)),
        ("Kommunstyrelsen", None),
        ("", None),
    ],
)
def test_find_date(text, expected):
    assert find_date(text) == expected


# ---------------------------------------------------------------- committee list


def test_committee_list_dedupes_and_prefers_a_name():
    html = page(
        '<a href="/committees">Nämnder och styrelser</a>'
        '<a href="/committees/kommunstyrelsen"><img src="ks.png" alt=""></a>'
        '<a href="https://portal.example/committees/kommunstyrelsen/">Kommunstyrelsen</a>'
        '<a href="/committees/bygg-och-miljonamnden">Bygg- och miljönämnden</a>'
        '<a href="/committees/kommunstyrelsen/mote-2025-03-04">Möte 2025-03-04</a>'
    )
    assert parse_committee_list(html, PORTAL + "/committees") == [
        CommitteeRef("bygg-och-miljonamnden", "Bygg- och miljönämnden", PORTAL + "/committees/bygg-och-miljonamnden"),
        CommitteeRef("kommunstyrelsen", "Kommunstyrelsen", PORTAL + "/committees/kommunstyrelsen"),
    ]


# ---------------------------------------------------------------- committee page rows


def rows(upcoming: str = "", recent: str = "", extra: str = "") -> str:
    return page(
        f"<h1>Kommunstyrelsen</h1>{extra}"
        f'<div id="committeesUpcomingContent">{upcoming}</div>'
        f'<div id="committeesRecentContent">{recent}</div>'
    )


def cell(href: str, label: str | None, text: str) -> str:
    aria = f' aria-label="{label}"' if label is not None else ""
    return f'<div class="table-row"><a class="accessible-table-cell" href="{href}"{aria}>{text}</a></div>'


def test_committee_rows_relative_and_absolute_hrefs():
    html = rows(
        upcoming=cell("/committees/ks/mote-2027-01-12", "Kommunstyrelsen 2027-01-12", "Kommunstyrelsen"),
        recent=cell("https://portal.example/committees/ks/mote-2025-03-04", "Kommunstyrelsen 2025-03-04", "Kommunstyrelsen"),
    )
    parsed = parse_committee_page(html, PORTAL + "/committees/ks")
    assert [(m.url, m.slug, m.date, m.section) for m in parsed.meetings] == [
        (PORTAL + "/committees/ks/mote-2027-01-12", "mote-2027-01-12", date(2027, 1, 12), "upcoming"),
        (PORTAL + "/committees/ks/mote-2025-03-04", "mote-2025-03-04", date(2025, 3, 4), "past"),
    ]


def test_committee_rows_same_meeting_linked_twice():
    html = rows(
        extra='<nav><a class="accessible-table-cell" href="/committees/ks/ks-21866">Senaste mötet</a></nav>',
        upcoming=cell("/committees/ks/mote-2027-01-12", "Kommunstyrelsen 2027-01-12", "2027-01-12"),
        recent=(
            cell("/committees/ks/ks-21866", "Kommunstyrelsen 2024-09-02", "Kommunstyrelsen")
            + cell("/committees/ks/mote-2027-01-12/", "Kommunstyrelsen 2027-01-12", "2027-01-12")
            + cell("https://portal.example/committees/ks/ks-21866?downloadMode=open", "Kommunstyrelsen 2024-09-02", "x")
        ),
    )
    parsed = parse_committee_page(html, PORTAL + "/committees/ks")
    assert [(m.slug, m.date, m.section, m.label) for m in parsed.meetings] == [
        ("ks-21866", date(2024, 9, 2), "past", "Kommunstyrelsen 2024-09-02"),
        ("mote-2027-01-12", date(2027, 1, 12), "upcoming", "Kommunstyrelsen 2027-01-12"),
    ]


def test_committee_row_date_only_in_link_text():
    html = rows(recent=cell("/committees/ks/ks-50402", "Kommunstyrelsen", "2025-03-04 Kommunstyrelsen"))
    (meeting,) = parse_committee_page(html, PORTAL + "/committees/ks").meetings
    assert (meeting.slug, meeting.date, meeting.label, meeting.section) == (
        "ks-50402", date(2025, 3, 4), "Kommunstyrelsen", "past",
    )


def test_committee_row_without_aria_label_uses_text():
    html = rows(recent=cell("/committees/ks/ks-50402", None, "Kommunstyrelsen 2025-03-04"))
    (meeting,) = parse_committee_page(html, PORTAL + "/committees/ks").meetings
    assert (meeting.date, meeting.label) == (date(2025, 3, 4), "Kommunstyrelsen 2025-03-04")


def test_committee_row_date_from_label_never_from_slug():
    html = rows(
        recent=(
            cell("/committees/ks/kommunfullmaktige-21866", "Kommunfullmäktige 2024-09-02", "Kommunfullmäktige")
            + cell("/committees/ks/ks-2025-08-18-installt", "INSTÄLLT Kommunstyrelsen 2025-08-19", "INSTÄLLT")
            + cell("/committees/ks/ks-2025-01-01", "Kommunstyrelsen", "Kommunstyrelsen")
        )
    )
    parsed = parse_committee_page(html, PORTAL + "/committees/ks")
    assert [(m.slug, m.date) for m in parsed.meetings] == [
        ("kommunfullmaktige-21866", date(2024, 9, 2)),
        ("ks-2025-08-18-installt", date(2025, 8, 19)),
        ("ks-2025-01-01", None),
    ]


def test_committee_rows_of_other_committees_and_non_meetings_are_skipped():
    html = rows(
        recent=(
            cell("/committees/ks/mote-2025-03-04", "Kommunstyrelsen 2025-03-04", "")
            + cell("/committees/kf/mote-2025-03-10", "Kommunfullmäktige 2025-03-10", "")
            + cell("/committees/ks/representatives", "Ledamöter", "")
            + cell("/committees/ks/mote-2025-03-04/protocol/protokollpdf", "Protokoll 2025-03-04", "")
            + cell("javascript:void(0);", "2025-01-01", "")
        )
    )
    parsed = parse_committee_page(html, PORTAL + "/committees/ks")
    assert [m.slug for m in parsed.meetings] == ["mote-2025-03-04"]


def test_committee_page_without_rows_and_seed_link():
    html = page(
        '<h1>Kommunstyrelsen</h1><nav class="latest"><a href="/committees/ks/ks-21866">Senaste mötet</a>'
        '<a href="/committees/ks/ks-21866/">Senaste mötet</a>'
        '<a href="/committees/kf/kf-17074">Kommunfullmäktige</a>'
        '<a href="/committees/ks/ks-21866/protocol/protokollpdf">Protokoll</a></nav>'
        '<div id="committeesUpcomingContent"></div><div id="committeesRecentContent"></div>'
    )
    url = PORTAL + "/committees/ks"
    parsed = parse_committee_page(html, url)
    assert (parsed.meetings, parsed.strategy, parsed.name, parsed.portal_committee_id) == ([], "none", "Kommunstyrelsen", None)
    assert parse_meeting_links(html, url, "ks") == [PORTAL + "/committees/ks/ks-21866"]
    assert parse_meeting_links(html, url, "kf") == [PORTAL + "/committees/kf/kf-17074"]


def test_committee_page_recent_content_plain_links():
    html = page(
        '<h1>Kommunstyrelsen</h1><div id="committeesRecentContent"><h3>2025</h3>'
        '<a href="/committees/ks/mote-2025-03-04" aria-label="Kommunstyrelsen 2025-03-04">Kommunstyrelsen</a>'
        '<a href="/committees/ks/ks-50402">2025-01-14</a>'
        '<a href="/committees/kf/mote-2025-01-20">Kommunfullmäktige 2025-01-20</a></div>'
    )
    parsed = parse_committee_page(html, PORTAL + "/committees/ks")
    assert parsed.strategy == "committeesRecentContent links"
    assert [(m.slug, m.date, m.section) for m in parsed.meetings] == [
        ("mote-2025-03-04", date(2025, 3, 4), "past"),
        ("ks-50402", date(2025, 1, 14), "past"),
    ]


@pytest.mark.parametrize(
    "html, expected",
    [
        ('<script>window.meetingsPlus = {"committeeId": 412};</script>', 412),
        ("<script>fetch('/api/v2.0/committees/898/meetings')</script>", 898),
        ('<div data-committee-id="887"></div>', 887),
        ("<script>var committee_id = '909';</script>", 909),
        ("<script>var meetingId = 51890;</script>", None),
    ],
)
def test_find_committee_id(html, expected):
    assert find_committee_id(html) == expected


def test_committee_page_id_from_api_url():
    html = page(
        '<h1>Kommunfullmäktige</h1><div id="committeesRecentContent"></div>'
        '<a href="https://portal.example/api/v2.0/committees/887/meetings">JSON</a>'
    )
    assert parse_committee_page(html, PORTAL + "/committees/kf").portal_committee_id == 887


# ---------------------------------------------------------------- meeting page quirks

KF = PORTAL + "/committees/kommunfullmaktige/kommunfullmaktige-2025-09-15"


def meeting(title: str, agenda: str = "", protocol: str = "", side: str = "", description: str = "") -> str:
    return page(
        f'<nav class="side-menu"><ul>{side}</ul></nav><article>'
        f'<h1>{title}</h1><div class="meeting-description">{description}</div>'
        f'<section id="agenda">{agenda}</section><section id="protocol">{protocol}</section></article>'
    )


def doc_li(href: str, title: str) -> str:
    return (
        f'<li><a href="{href}">{title}</a> <span>96kb</span> '
        f'<a href="{href}">Ladda ner dokument</a></li>'
    )


def test_file_slug_keeps_numeric_suffix_after_pdf():
    href = "/committees/kommunfullmaktige/kommunfullmaktige-2025-09-15/protocol/protokoll-kommunfullmaktige-2025-09-15pdf-18552?downloadMode=open"
    html = meeting("Kommunfullmäktige 2025-09-15", protocol=f'<a id="openProtocol" href="{href}">Öppna protokoll</a>')
    parsed = parse_meeting_page(html, KF)
    assert [(d.file_slug, d.url, d.kind, d.title) for d in parsed.documents] == [
        ("protokoll-kommunfullmaktige-2025-09-15pdf-18552", PORTAL + href, "protokoll",
         "protokoll-kommunfullmaktige-2025-09-15pdf-18552"),
    ]
    assert parsed.protocol_pending is False


def test_download_modes_of_one_file_counted_once():
    path = "/committees/kommunfullmaktige/kommunfullmaktige-2025-09-15/agenda/kallelse-kf-2025-09-15-v-pdf-61201"
    agenda = (
        f'<ul><li><a href="{path}?downloadMode=download">Ladda ner dokument</a>'
        f'<a href="{PORTAL}{path}?downloadMode=open">Kallelse KF 2025-09-15 (V).pdf</a>'
        f'<a href="{path}">584kb</a></li></ul>'
    )
    parsed = parse_meeting_page(meeting("Kommunfullmäktige 2025-09-15", agenda=agenda), KF)
    assert [(d.kind, d.area, d.file_slug, d.title, d.url) for d in parsed.documents] == [
        ("kallelse", "agenda", "kallelse-kf-2025-09-15-v-pdf-61201", "Kallelse KF 2025-09-15 (V).pdf",
         PORTAL + path + "?downloadMode=download"),
    ]


def test_open_protocol_void_means_pending_without_document():
    protocol = (
        '<a id="openProtocol" class="button disabled" href="javascript:void(0);">Öppna protokoll</a>'
        '<a class="button disabled" href="javascript:void(0);">Ladda ner allt</a>'
    )
    agenda = f'<ul>{doc_li("/committees/kommunfullmaktige/kommunfullmaktige-2025-09-15/agenda/kallelsepdf", "Kallelse.pdf")}</ul>'
    parsed = parse_meeting_page(meeting("Kommunfullmäktige 2025-09-15", agenda=agenda, protocol=protocol), KF)
    assert docs_of(parsed) == [("kallelse", "agenda", "kallelsepdf", "Kallelse.pdf")]
    assert parsed.protocol_pending is True
    assert parsed.portal_meeting_id is None


def test_open_protocol_void_outside_a_protocol_area():
    html = page(
        '<h1>Möte 2025-09-15</h1><p class="empty">Ingen agenda har publicerats</p>'
        '<a id="openProtocol" href="javascript:void(0);">Öppna protokoll</a>'
    )
    parsed = parse_meeting_page(html, KF)
    assert (parsed.documents, parsed.protocol_pending, parsed.agenda_missing, parsed.agenda_items) == ([], True, True, [])


def test_no_protocol_notice_alone_means_pending():
    html = page('<h1>Möte 2025-09-15</h1><p>Ingen agenda har publicerats</p><p>Inget protokoll har publicerats</p>')
    parsed = parse_meeting_page(html, KF)
    assert (parsed.protocol_pending, parsed.agenda_missing, parsed.cancelled) == (True, True, False)


def test_protocol_href_into_another_meeting_slug_is_kept():
    url = PORTAL + "/committees/kommunfullmaktige/kommunfullmaktige-2024-09-02"
    href = "/committees/kommunfullmaktige/kommunfullmaktige-21866/protocol/protokoll-kf-2024-09-02-med-bilagorpdf?downloadMode=open"
    side = (
        '<li><a href="/committees/kommunfullmaktige/kommunfullmaktige-2024-09-02" aria-label="Kommunfullmäktige 2024-09-02">'
        "2024-09-02</a></li>"
    )
    parsed = parse_meeting_page(
        meeting("Kommunfullmäktige 2024-09-02", protocol=f'<a id="openProtocol" href="{href}">Öppna protokoll</a>', side=side),
        url,
    )
    assert [(d.url, d.file_slug, d.kind, d.area) for d in parsed.documents] == [
        (PORTAL + href, "protokoll-kf-2024-09-02-med-bilagorpdf", "protokoll", "protocol"),
    ]
    assert [m.slug for m in parsed.side_meetings] == ["kommunfullmaktige-2024-09-02"]
    assert (parsed.slug, parsed.date) == ("kommunfullmaktige-2024-09-02", date(2024, 9, 2))


def test_several_protocol_files():
    base = "/committees/kommunfullmaktige/kommunfullmaktige-2025-09-15/protocol/"
    protocol = (
        f'<a id="openProtocol" href="{base}protokoll-kf-2025-09-15pdf?downloadMode=open">Öppna protokoll</a>'
        '<a id="downloadAllProtocol" href="/api/v2.0/meetings/123/download/Protocol?downloadMode=download">Ladda ner allt</a>'
        "<ul>"
        + doc_li(base + "protokoll-kf-2025-09-15pdf?downloadMode=open", "Protokoll KF 2025-09-15.pdf")
        + doc_li(base + "protokoll-ss-228-omedelbar-justeringpdf?downloadMode=open", "Protokoll § 228 omedelbar justering.pdf")
        + doc_li(base + "signerad-protokoll-kf-2025-09-15pdf-75766?downloadMode=open", "(Signerad) Protokoll KF 2025-09-15.pdf")
        + "</ul>"
    )
    parsed = parse_meeting_page(meeting("Kommunfullmäktige 2025-09-15", protocol=protocol), KF)
    assert docs_of(parsed) == [
        ("protokoll", "protocol", "protokoll-kf-2025-09-15pdf", "Protokoll KF 2025-09-15.pdf"),
        ("protokoll", "protocol", "protokoll-ss-228-omedelbar-justeringpdf", "Protokoll § 228 omedelbar justering.pdf"),
        ("protokoll", "protocol", "signerad-protokoll-kf-2025-09-15pdf-75766", "(Signerad) Protokoll KF 2025-09-15.pdf"),
    ]
    assert (parsed.protocol_pending, parsed.portal_meeting_id) == (False, 123)


def agenda_item(number: str | None, title: str, body: str = "", attachments: str = "") -> str:
    num = f'<div class="agenda-item-number">{number}</div>' if number else ""
    att = f'<div class="agenda-item-attachments"><h4>Bilagor</h4><ul>{attachments}</ul></div>' if attachments else ""
    return (
        f'<li class="agenda-item">{num}<div class="agenda-item-content"><h3 class="agenda-item-title">{title}</h3>'
        f'<div class="agenda-item-text">{body}</div>{att}</div></li>'
    )


def test_agenda_attachments_attached_to_their_item():
    welcome = "/welcome-sv/namnder-styrelser/kommunfullmaktige/kommunfullmaktige-2025-09-15/agenda/"
    own = "/committees/kommunfullmaktige/kommunfullmaktige-2025-09-15/agenda/"
    agenda = (
        f'<div class="meeting-documents"><h3>Bilagor</h3><ul>{doc_li(own + "kallelse-kf-2025-09-15pdf?downloadMode=open", "Kallelse KF.pdf")}</ul></div>'
        '<ol class="agenda-list">'
        + agenda_item("1", "Sammanträdets öppnande")
        + agenda_item(
            "2", "Revidering av lokalförsörjningsplan", '<p class="agenda-item-case-number">KS 2025/118</p>',
            doc_li(welcome + "bilaga-2-kommungemensam-lokalforsorjningsplanpdf?downloadMode=open", "Bilaga 2 Lokalförsörjningsplan.pdf")
            + doc_li(welcome + "tjansteskrivelsepdf-19038?downloadMode=open", "Tjänsteskrivelse.pdf"),
        )
        + agenda_item("3", "Motioner", attachments=doc_li(welcome + "motion-nr-11-2025pdf?downloadMode=download", "Motion nr 11-2025.pdf"))
        + "</ol>"
    )
    parsed = parse_meeting_page(meeting("Kommunfullmäktige 2025-09-15", agenda=agenda), KF)
    assert parsed.agenda_strategy == "structured"
    assert items_of(parsed) == [
        ("1", "Sammanträdets öppnande", [], []),
        ("2", "Revidering av lokalförsörjningsplan", ["KS 2025/118"],
         ["bilaga-2-kommungemensam-lokalforsorjningsplanpdf", "tjansteskrivelsepdf-19038"]),
        ("3", "Motioner", [], ["motion-nr-11-2025pdf"]),
    ]
    attachments = [(a.kind, a.area, a.item_ordinal, a.title, a.url) for it in parsed.agenda_items for a in it.attachments]
    assert attachments == [
        ("bilaga", "agenda", 2, "Bilaga 2 Lokalförsörjningsplan.pdf",
         PORTAL + welcome + "bilaga-2-kommungemensam-lokalforsorjningsplanpdf?downloadMode=open"),
        ("bilaga", "agenda", 2, "Tjänsteskrivelse.pdf", PORTAL + welcome + "tjansteskrivelsepdf-19038?downloadMode=open"),
        ("bilaga", "agenda", 3, "Motion nr 11-2025.pdf", PORTAL + welcome + "motion-nr-11-2025pdf?downloadMode=download"),
    ]
    assert [(d.kind, d.file_slug, d.item_ordinal) for d in parsed.documents] == [("kallelse", "kallelse-kf-2025-09-15pdf", None)]


def test_agenda_attachment_linked_again_outside_its_item_is_not_a_meeting_document():
    welcome = "/welcome-sv/namnder-styrelser/kommunfullmaktige/kommunfullmaktige-2025-09-15/agenda/"
    agenda = (
        '<ol class="agenda-list">'
        + agenda_item("1", "Motioner", attachments=doc_li(welcome + "motion-nr-11-2025pdf?downloadMode=open", "Motion nr 11-2025.pdf"))
        + "</ol>"
        f'<a href="{welcome}motion-nr-11-2025pdf?downloadMode=download">Ladda ner dokument</a>'
    )
    parsed = parse_meeting_page(meeting("Kommunfullmäktige 2025-09-15", agenda=agenda), KF)
    assert parsed.documents == []
    assert [a.file_slug for a in parsed.agenda_items[0].attachments] == ["motion-nr-11-2025pdf"]


def test_agenda_item_description_lines_and_case_line():
    agenda = (
        '<ol class="agenda-list">'
        + agenda_item("1", "Motioner", '<p>Rad ett</p><p>Rad två</p><p class="agenda-item-case-number">RS 5-2025</p>')
        + agenda_item("2", "Remissvar", "<p>Yttrande över remiss</p><p>Dnr RS 6-2025</p>")
        + "</ol>"
    )
    parsed = parse_meeting_page(meeting("Möte 2025-09-15", agenda=agenda), KF)
    assert [(it.description, it.case_numbers) for it in parsed.agenda_items] == [
        ("Rad ett\nRad två", ["RS 5-2025"]),
        ("Yttrande över remiss", ["RS 6-2025"]),
    ]


@pytest.mark.parametrize(
    "href, expected",
    [
        ("/api/v2.0/meetings/123/download/Protocol", 123),
        ("/api/v2.0/meetings/123/download/Protocol?downloadMode=download", 123),
        ("https://portal.example/api/v2.0/meetings/456/download/Agenda?downloadMode=download", 456),
        ("javascript:void(0);", None),
    ],
)
def test_download_all_link_gives_meeting_id(href, expected):
    protocol = f'<a id="downloadAllProtocol" href="{href}">Ladda ner allt</a><p>Inget protokoll har publicerats</p>'
    assert parse_meeting_page(meeting("Möte 2025-09-15", protocol=protocol), KF).portal_meeting_id == expected


@pytest.mark.parametrize(
    "slug, title, cancelled",
    [
        ("kommunfullmaktige-50402", "INSTÄLLT Kommunfullmäktige", True),
        ("kommunfullmaktige-50402", "Inställt sammanträde 2025-08-18", True),
        ("kommunfullmaktige-2025-08-18-installt", "Kommunfullmäktige 2025-08-18", True),
        ("installt-kommunfullmaktige", "Kommunfullmäktige", True),
        ("kommunfullmaktige-50402", "Kommunfullmäktige 2025-08-18", False),
        ("kommunfullmaktige-50402", "Installationer av ny teknik 2025-08-18", False),
    ],
)
def test_cancelled(slug, title, cancelled):
    parsed = parse_meeting_page(meeting(title), f"{PORTAL}/committees/kommunfullmaktige/{slug}")
    assert parsed.cancelled is cancelled
    assert parsed.title == title


def test_cancelled_page_without_any_area_is_accepted():
    html = page("<h1>INSTÄLLT Kommunfullmäktige</h1><p>Sammanträdet är inställt.</p>")
    parsed = parse_meeting_page(html, PORTAL + "/committees/kommunfullmaktige/installt-kommunfullmaktige")
    assert (parsed.cancelled, parsed.agenda_items, parsed.documents, parsed.date) == (True, [], [], None)


def test_title_falls_back_to_title_tag():
    html = page('<section id="agenda"><p class="empty">Ingen agenda har publicerats</p></section>',
                title="Möte 2025-09-15 | Meetings Plus")
    parsed = parse_meeting_page(html, KF)
    assert (parsed.title, parsed.date, parsed.agenda_missing) == ("Möte 2025-09-15", date(2025, 9, 15), True)


@pytest.mark.parametrize(
    "description, expected",
    [
        ("<p>Tisdag 24 februari</p><p>08.30 Sammanträdet startar</p><p>12.00-13.00 (ca) Lunch</p>", "08:30"),
        ("<p>9:00 – Sammanträdet börjar</p>", "09:00"),
        ("<p>Sammanträde kl. 13.15 i Regionens hus</p>", "13:15"),
        ("<p>Plats: Styrelserummet</p>", None),
    ],
)
def test_start_time(description, expected):
    parsed = parse_meeting_page(meeting("Möte 2025-09-15", description=description), KF)
    assert parsed.start_time == expected


def test_agenda_text_fallback_in_meeting_page():
    agenda = (
        "<div>-</div><div>2</div><div>Sammanträdets öppnande</div>"
        "<div>-</div><div>3</div><div>Motioner</div><div>Motion nr 1-2026 om SMS-kallelser</div><div>RS 124-2026</div>"
    )
    parsed = parse_meeting_page(meeting("Möte 2026-02-24", agenda=agenda), KF)
    assert parsed.agenda_strategy == "text"
    assert [(it.number, it.title, it.case_numbers, it.description) for it in parsed.agenda_items] == [
        ("2", "Sammanträdets öppnande", [], None),
        ("3", "Motioner", ["RS 124-2026"], "Motion nr 1-2026 om SMS-kallelser"),
    ]


def test_side_menu_dedupes_and_puts_own_meeting_last():
    side = (
        '<li><a href="/committees/kommunfullmaktige/kommunfullmaktige-2025-09-15" aria-label="KF 2025-09-15">2025-09-15</a></li>'
        '<li><a href="/committees/kommunfullmaktige/kommunfullmaktige-21866">Kommunfullmäktige</a></li>'
        '<li><a href="/committees/kommunfullmaktige/kommunfullmaktige-21866/" aria-label="KF 2024-09-02">x</a></li>'
        '<li><a href="/committees/kommunstyrelsen/ks-2025-09-01" aria-label="KS 2025-09-01">2025-09-01</a></li>'
    )
    parsed = parse_meeting_page(
        meeting("Kommunfullmäktige 2025-09-15", side=side, agenda='<p class="empty">Ingen agenda har publicerats</p>'), KF
    )
    assert [(m.slug, m.date, m.url) for m in parsed.side_meetings] == [
        ("kommunfullmaktige-21866", date(2024, 9, 2), PORTAL + "/committees/kommunfullmaktige/kommunfullmaktige-21866"),
        ("kommunfullmaktige-2025-09-15", date(2025, 9, 15), KF),
    ]


# ---------------------------------------------------------------- text fallback
# (the real renderings, with and without bullets, are read in test_agenda_markups.py)


def test_agenda_text_without_bullets():
    text = "Schema\n2\nSammanträdets öppnande\n3\nMotioner\nMotion nr 1-2026\nRS 912-2025Motion nr 2-2026\nRS 124-2026\n138kb Ladda ner dokument"
    items = parse_agenda_text(text)
    assert [(it.number, it.title, it.case_numbers, it.description) for it in items] == [
        ("2", "Sammanträdets öppnande", [], None),
        ("3", "Motioner", [], None),
    ]
    assert [(s.ordinal, s.title, s.case_numbers) for s in items[1].sub_items] == [
        (1, "Motion nr 1-2026", ["RS 912-2025"]), (2, "Motion nr 2-2026", ["RS 124-2026"])]


def test_agenda_text_without_items():
    assert parse_agenda_text("") == []
    assert parse_agenda_text("Ingen agenda har publicerats") == []


# ================================================================ bad input


def assert_parse_error(excinfo, url: str, *fragments: str) -> None:
    error = excinfo.value
    assert error.url == url
    assert str(error).startswith(url + ": ")
    for fragment in fragments:
        assert fragment in error.reason


@pytest.mark.parametrize("html", ["", "   \n\t  "])
@pytest.mark.parametrize(
    "parse, url",
    [
        (parse_committee_list, PORTAL + "/committees"),
        (parse_committee_page, PORTAL + "/committees/ks"),
        (parse_meeting_page, KF),
        (lambda html, url: parse_meeting_links(html, url, "ks"), PORTAL + "/committees/ks"),
    ],
    ids=["committee_list", "committee_page", "meeting_page", "meeting_links"],
)
def test_empty_page(parse, url, html):
    with pytest.raises(ParseError) as excinfo:
        parse(html, url)
    assert_parse_error(excinfo, url, "empty page")


def test_meeting_page_generic_html():
    html = page('<p>Välkommen till kommunen</p><a href="/kontakt">Kontakt</a><a href="/committees">Nämnder</a>',
                title="Startsida | Exempel kommun")
    with pytest.raises(ParseError) as excinfo:
        parse_meeting_page(html, KF)
    assert_parse_error(excinfo, KF, "unrecognised meeting page", "no agenda items", "/protocol/", "Ingen agenda har publicerats")


def test_meeting_page_not_found_page():
    html = page("<h1>Sidan hittades inte</h1><p>/committees/kommunfullmaktige/kommunfullmaktige-2025-09-15</p>")
    with pytest.raises(ParseError) as excinfo:
        parse_meeting_page(html, KF)
    assert_parse_error(excinfo, KF, "unrecognised meeting page")


def test_meeting_page_without_title():
    html = "<html><head></head><body><div><p>2025-09-15</p></div></body></html>"
    with pytest.raises(ParseError) as excinfo:
        parse_meeting_page(html, KF)
    assert_parse_error(excinfo, KF, "no meeting title", "<h1>", "<title>")


@pytest.mark.parametrize(
    "url",
    [PORTAL + "/committees/kommunfullmaktige", PORTAL + "/digital-bulletin-board", PORTAL + "/committees/kf/mote-1/protocol/xpdf"],
)
def test_meeting_page_not_a_meeting_url(url):
    html, _ = fixture("vasterbotten", "/committees/regionstyrelsen/mote-2025-09-09")
    with pytest.raises(ParseError) as excinfo:
        parse_meeting_page(html, url)
    assert_parse_error(excinfo, url, "not a meeting URL", "/committees/{committee}/{meeting}")


def test_committee_list_without_committee_links():
    url = PORTAL + "/committees"
    html = page(
        '<a href="/committees">Nämnder och styrelser</a><a href="/digital-bulletin-board">Anslagstavla</a>'
        '<a href="/committees/ks/mote-2025-03-04">Möte</a><a href="javascript:void(0);">Meny</a>'
    )
    with pytest.raises(ParseError) as excinfo:
        parse_committee_list(html, url)
    assert_parse_error(excinfo, url, "no links to /committees/{slug}")
