"""What the replica portals hold, day by day.

Two portals, one per organisation, each with the structure of a Meetings Plus portal:

- Region Västerbotten (``vasterbotten``): regionfullmäktige and regionstyrelsen. Meetings whose
  slug and agenda come from the real portal (2020-04-21, 2026-02-24) or whose documents are real
  (the plain-language summaries of 2024-02-20 and 2025-04-08) keep their real organisation,
  committee and date. Everything invented to cover the portal's states and quirks (upcoming,
  cancelled and extra meetings, example protocols and attachments) says so on the page and in the
  document: "Exempelinnehåll". The example protocols of regionstyrelsen print what protocols of
  other templates print: a roll-call vote with the names per side and its vote list as a table in
  an appendix (Omröstningsbilaga), a reservation, a conflict of interest (jäv), a decision without
  a heading, and, at the 2025-10-14 meeting, municipal paragraph headings (``RS § 150 RS/2025:1150
  - 001``, the title on the next line) and the same members with one party changed and one name
  misspelt by a letter.
- Region Norrbotten (``norrbotten``): regionstyrelsen 2024-03-12 with its real protocol. The
  portal structure around it is illustrative; the protocol text is real.

Days (``--day N``) change the content the way portals change:

1. agendas published; the Norrbotten meeting has its agenda but no protocol yet;
2. the Norrbotten protocol is published, as first issued (before its correction);
   an agenda item is added to an upcoming meeting;
3. the Norrbotten protocol is corrected (the version with the Rättelse notice);
   an upcoming meeting is cancelled; an attachment is removed from an agenda item.

Each portal also has a digital bulletin board (``notices``: Västerbotten answers its JSON as bare
arrays, Norrbotten as objects with ``Items``), with a notice that the protocol was adjusted a day or
two after each meeting whose protocol is out, and a register of elected representatives
(``representatives``, by numeric committee id; invented names). On day 2 the Norrbotten notice of
the adjusted protocol is put up (the boards only grow, so a run of any day after another gives
what a first run of that day gives).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from . import pdfmake

CONTENT = Path(__file__).parent / "content"
LAST_DAY = 3
EXAMPLE = "Exempelinnehåll i replikan, inte ett verkligt ärende."


@dataclass
class Doc:
    """A document served by the replica at ``path`` (absolute path on the portal)."""

    path: str
    title: str
    size_label: str
    builder: tuple  # (function name, args) — resolved lazily by render_document


@dataclass
class Item:
    number: str | None
    title: str
    text: list[str] = field(default_factory=list)
    case_numbers: list[str] = field(default_factory=list)
    attachments: list[Doc] = field(default_factory=list)
    sub_items: list["Item"] = field(default_factory=list)  # matters listed under the item (motions, interpellations)


@dataclass
class MeetingContent:
    slug: str
    date: date
    title: str
    description: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    agenda_docs: list[Doc] = field(default_factory=list)
    protocols: list[Doc] = field(default_factory=list)
    portal_meeting_id: int | None = None
    example: bool = False
    protocol_links: bool = True  # False: the page links no protocol file, only the API's download ("Ladda ner allt")


@dataclass
class CommitteeContent:
    slug: str
    name: str
    portal_committee_id: int
    meetings: list[MeetingContent]
    list_rendered_by_script: bool = False


@dataclass
class NoticeContent:
    """A notice of the digital bulletin board."""

    id: int
    type_id: int
    title: str
    posted: str  # StartDate as the API writes it
    description: str
    removed: str | None = None  # EndDate, where given
    document_title: str | None = None


@dataclass
class RepresentativeContent:
    id: int
    name: str
    party: str
    party_id: int
    role: str
    number: int
    date_from: str


@dataclass
class PortalContent:
    id: str
    organisation: str
    committees: list[CommitteeContent]
    notice_types: list[tuple[int, str]] = field(default_factory=list)
    notices: list[NoticeContent] = field(default_factory=list)
    board_items: bool = False  # the board's JSON lists are objects with "Items", not bare arrays
    representatives: dict[int, list[RepresentativeContent]] = field(default_factory=dict)  # committee id -> people


# ---------------------------------------------------------------- documents


def _read(name: str) -> str:
    return (CONTENT / name).read_text(encoding="utf-8")


NORRBOTTEN_PROTOCOL = "protocol_norrbotten_regionstyrelsen_2024-03-12.txt"
_HEADER_LEFTOVER = re.compile(
    r"\n[ \t]*\n[ \t]*Regionstyrelsen[ \t]*\n+PROTOKOLL[ \t]*\n+Sida[ \t]*\n+\s*\d+\(\d+\)[ \t]*\n+Sammanträdesdatum[ \t]*\n+"
    r"\s*\d{4}-\d{2}-\d{2}[ \t]*\n[\s\S]*?VISMA_SIGN_\S*[ \t]*\n"
)


def norrbotten_protocol_text(corrected: bool) -> str:
    """The real protocol: as corrected (the fixture), or as first issued (corrections reversed)."""
    text = _HEADER_LEFTOVER.sub("\n\n", _read(NORRBOTTEN_PROTOCOL))
    if corrected:
        return text
    start = text.index(" Plats och tid:")
    text = text[start:]
    text = text.replace(
        "nämndens beslut den 13 februari 2024. Styrelsen föreslås besluta att:",
        "nämndens beslut den 13 februari 2024. Styrelsen föreslås föreslå regionfullmäktige besluta att:",
    )
    p50 = text.index(" § 50")
    p51 = text.index(" § 51")
    section = text[p50:p51]
    section = section.replace("Återremiss Motion 5-2018", "Motion 5-2018", 1)
    section = section.replace("\nÅterremiss \n\nMotion 5-2018", "\nMotion 5-2018", 1)
    arendet = re.search(r"\n\s*Ärendet\s*\n", section)
    underlag = re.search(r"\n\s*Beslutsunderlag\s*\n", section)
    if arendet and underlag and arendet.start() < underlag.start():
        section = section[: arendet.start()] + "\n" + section[underlag.start():]
    return text[:p50] + section + text[p51:]


class ExampleParagraph(NamedTuple):
    """A paragraph of an example protocol."""

    number: int
    title: str
    case: str | None
    decision: str
    before: tuple[str, ...] = ()  # between the heading and the decision: proposals, a roll-call vote, a conflict of interest
    after: tuple[str, ...] = ()  # after the decision: reservations
    municipal: bool = False  # heading "RS § 150 RS/2025:1150 - 001" with the title on the next line
    decision_heading: bool = True  # False: the decision is only a sentence in the text


class ExampleProtocol(NamedTuple):
    """An example protocol: who took part, its paragraphs and its appendix (lines or vote list rows)."""

    committee: str
    iso: str
    paragraphs: tuple[ExampleParagraph, ...]
    present: tuple[str, ...] = ("Anna Exempelsson (S), ordförande", "Bertil Provsson (M), vice ordförande",
                                "Cecilia Testdotter (C)")
    others: tuple[str, ...] = ()
    adjuster: str = "Bertil Provsson"
    appendix: tuple = ()


def _paragraph_lines(committee: str, paragraph: ExampleParagraph) -> list[str]:
    if paragraph.municipal:
        lines = [f"RS § {paragraph.number} {paragraph.case}", paragraph.title, ""]
    else:
        lines = [f"§ {paragraph.number}", "", paragraph.title, ""] + ([f"Dnr {paragraph.case}", ""] if paragraph.case else [])
    lines += [*paragraph.before, ""] if paragraph.before else []
    lines += [f"{committee}s beslut", "", paragraph.decision, ""] if paragraph.decision_heading else [paragraph.decision, ""]
    lines += [*paragraph.after, ""] if paragraph.after else []
    return lines + ["Ärendet", "", f"{EXAMPLE} ({paragraph.title})", ""]


def example_protocol_lines(protocol: ExampleProtocol) -> list:
    """The body of an example protocol: text lines, and the rows of its vote list (``pdfmake.TableRow``)."""
    lines = [EXAMPLE, "", f"Plats och tid: Regionens hus, Umeå, {protocol.iso} kl. 09:00-11:30", "",
             "Beslutande", *protocol.present, ""]
    lines += [*protocol.others, ""] if protocol.others else []
    lines += ["Justerare", protocol.adjuster, ""]
    for paragraph in protocol.paragraphs:
        lines += _paragraph_lines(protocol.committee, paragraph)
    return lines + ([pdfmake.PAGE_BREAK, *protocol.appendix] if protocol.appendix else [])


def render_document(doc: Doc) -> bytes:
    kind, args = doc.builder
    return _render_cached(kind, args)


@lru_cache(maxsize=64)
def _render_cached(kind: str, args: tuple) -> bytes:
    if kind == "norrbotten_protocol":
        (corrected,) = args
        return pdfmake.make_text_pdf(
            norrbotten_protocol_text(corrected),
            title="Protokoll regionstyrelsen 2024-03-12",
            header=["Regionstyrelsen", "PROTOKOLL", "Sammanträdesdatum 2024-03-12"],
            footer=["Elektroniskt signerat", "Utdragsbestyrkande"],
        )
    if kind == "summary":
        name, title = args
        return pdfmake.make_text_pdf(_read(name), title=title, header=None, footer=None)
    if kind == "example_protocol":
        committee, iso = args.committee, args.iso
        return pdfmake.make_pdf(
            example_protocol_lines(args), title=f"Protokoll {committee} {iso} (exempel)",
            header=[committee, "PROTOKOLL", f"Sammanträdesdatum {iso}"],
            footer=["Justerandes signatur", "Utdragsbestyrkande"],
        )
    if kind == "example":
        (title,) = args
        return pdfmake.make_text_pdf(f"{title}\n\n{EXAMPLE}\n", title=title, header=None, footer=None)
    if kind == "garbage":
        return b"<html><body>Dokumentet kunde inte visas</body></html>"
    raise KeyError(kind)


def _example_doc(path: str, title: str, size: str = "96kb") -> Doc:
    return Doc(path, title, size, ("example", (title,)))


# ---------------------------------------------------------------- portals

_NORRBOTTEN_ITEMS = [
    (None, "Sammanträdet öppnas"), (None, "Upprop/fastställande av närvarorätt"),
    (None, "Val av protokolljusterare"), (None, "Fastställande av slutlig föredragningslista"),
    ("NLL-00002-2024", "Regiondirektörens rapport 2024-03-12"),
    ("NLL-00010-2024", "Meddelanden till regionstyrelsen 2024-03-12"),
    ("NLL-00018-2024", "Delegationsbeslut anmälda till regionstyrelsen 2024-03-12"),
    ("NLL-00027-2024", "Återrapportering från regionstyrelsens temasammanträde 2024-03-12"),
    ("NLL-00297-2024", "Uppföljning filialer och servicepunkter"),
    ("NLL-00288-2024", "Ändring i beställning vårdval filialer och servicepunkter"),
    ("NLL-00290-2024", "Uppdatering av regionstyrelsens delegationsordning 2024-03-12"),
    ("NLL-00298-2024", "Regionala utvecklingsnämndens årsrapport 2023"),
    ("NLL-00286-2024", "Divisionernas årsrapporter 2023"),
    ("NLL-00282-2024", "Årsredovisning Region Norrbotten 2023"),
    ("NLL-00136-2024", "Systematiskt arbetsmiljöarbete 2023"),
    ("NLL-01633-2023", "Revisionsrapport Granskning av ekonomistyrning 2023"),
    ("NLL-01579-2023", "Remiss av betänkandet För barn och unga i samhällsvård"),
    ("NLL-01661-2023", "Remiss av betänkandet Vidareanvändning av hälsodata för vård och klinisk forskning (SOU 2023:76)"),
    ("NLL-00153-2024", "Angående Den europeiska deklarationen för jämställdhet mellan kvinnor och män på lokal och regional nivå (CEMR-deklarationen)"),
    ("NLL-01426-2018", "Motion 5-2018 angående screening av prostatacancer"),
    ("NLL-00793-2023", "Motion 13-2023 om översyn av ersättningssystem och uppföljningsmått i primärvården"),
    ("NLL-01252-2023", "Uppdatering av regler för partistöd 2024"),
    ("NLL-00227-2024", "Uppdatering av regler för ersättning till Region Norrbottens förtroendevalda"),
    (None, "Sammanträdet avslutas"),
]


def _norrbotten(day: int) -> PortalContent:
    slug = "mote-2024-03-12"
    base = f"/committees/regionstyrelsen/{slug}"
    meeting = MeetingContent(
        slug=slug,
        date=date(2024, 3, 12),
        title="Möte 2024-03-12",
        description=["Tisdag 12 mars", "13.00 Sammanträdet startar", "Plats: Styrelserummet/Teams"],
        items=[Item(str(n), title, case_numbers=[case] if case else []) for n, (case, title) in enumerate(_NORRBOTTEN_ITEMS, 1)],
        agenda_docs=[],
        portal_meeting_id=880312,
    )
    if day >= 2:
        meeting.protocols.append(
            Doc(f"{base}/protocol/protokoll-regionstyrelsen-2024-03-12pdf", "Protokoll regionstyrelsen 2024-03-12.pdf",
                "1224kb", ("norrbotten_protocol", (day >= 3,)))
        )
    committee = CommitteeContent("regionstyrelsen", "Regionstyrelsen", 412, [meeting], list_rendered_by_script=True)
    return PortalContent("norrbotten", "Region Norrbotten", [committee], NORRBOTTEN_NOTICE_TYPES, _norrbotten_notices(day),
                         board_items=True, representatives={412: _people(4120, "2023-01-01")})


def _sample_items(name: str) -> list[Item]:
    """Agenda items from a text rendering of a real meeting page (numbers, titles, RS numbers, and
    the motions and interpellations listed under an item)."""
    from ..portal.pages import parse_agenda_text

    def item(entry) -> Item:
        return Item(entry.number, entry.title, (entry.description or "").splitlines(), list(entry.case_numbers),
                    sub_items=[item(sub) for sub in entry.sub_items])

    text = "\n".join(ln for ln in _read(name).splitlines() if not ln.startswith("#"))
    return [item(entry) for entry in parse_agenda_text(text)]


WELCOME = "/welcome-sv/namnder-styrelser"


def _regionfullmaktige() -> list[MeetingContent]:
    rf, welcome = "regionfullmaktige", WELCOME
    m2020 = MeetingContent("mote-2020-04-21", date(2020, 4, 21), "Möte 2020-04-21", items=_sample_items("vll_regionfullmaktige_mote-2020-04-21.txt"))
    motions = next((it for it in m2020.items if it.sub_items), None)
    if motions:
        motions.attachments = [
            _example_doc(f"{welcome}/{rf}/mote-2020-04-21/agenda/motion-nr-11-2020pdf-61201", "Motion nr 11-2020.pdf", "138kb"),
            _example_doc(f"{welcome}/{rf}/mote-2020-04-21/agenda/motion-nr-12-2020pdf", "Motion nr 12-2020.pdf", "114kb"),
        ]
    m2024 = MeetingContent(
        "mote-2024-02-20", date(2024, 2, 20), "Möte 2024-02-20",
        description=["Sammanfattning av besluten finns bland handlingarna."],
        agenda_docs=[Doc(f"/committees/{rf}/mote-2024-02-20/agenda/sammanfattning-regionfullmaktige-2024-02-20pdf",
                         "Sammanfattning regionfullmäktige 20 februari 2024.pdf", "212kb",
                         ("summary", ("summary_vasterbotten_regionfullmaktige_2024-02-20.txt", "Sammanfattning regionfullmäktige 20 februari 2024")))],
    )
    m2026 = MeetingContent(
        "mote-2026-02-24", date(2026, 2, 24), "Möte 2026-02-24",
        description=["Tisdag 24 februari", "08.30 Sammanträdet startar", "12.00-13.00 (ca) Lunch", "17.00 Sammanträdet avslutas för dagen"],
        items=_sample_items("vll_regionfullmaktige_mote-2026-02-24.txt"),
        agenda_docs=[
            _example_doc(f"/committees/{rf}/mote-2026-02-24/agenda/kallelse-regionfullmaktige-2026-02-24pdf", "Kallelse regionfullmäktige 2026-02-24.pdf", "584kb"),
            _example_doc(f"/committees/{rf}/mote-2026-02-24/agenda/schema-och-programpdf", "Schema och program.pdf", "394kb"),
        ],
    )
    extra = MeetingContent(
        "extra-regionfullmaktige-54131", date(2025, 11, 4), "Extra möte 2025-11-04", example=True,
        description=["09.00 Sammanträdet startar"],
        items=[Item("1", "Sammanträdets öppnande"), Item("2", "Val av justerare"),
               Item("3", "Exempelärende: tilläggsbudget 2025", [EXAMPLE], ["RS 1201-2025"])],
        portal_meeting_id=54131,
    )
    cancelled_slug = MeetingContent("mote-2025-06-10-installt", date(2025, 6, 10), "INSTÄLLT Möte 2025-06-10", example=True,
                                    description=[])
    upcoming_rf = MeetingContent(
        "mote-2027-04-20", date(2027, 4, 20), "Möte 2027-04-20", example=True,
        description=["08.30 Sammanträdet startar"],
        items=[Item("1", "Sammanträdets öppnande"), Item("2", "Upprop"), Item("3", "Exempelärende: årsredovisning 2026", [EXAMPLE], ["RS 201-2027"])],
    )
    return [m2020, m2024, m2026, extra, cancelled_slug, upcoming_rf]


# The example protocols of Västerbotten's regionstyrelsen. The same members meet twice; at the second
# meeting one of them has changed party and another's name is misspelt by a letter, as happens.
_RS_MEMBERS = (
    "Anna Exempelsson (S), ordförande", "Bertil Provsson (M), vice ordförande", "Cecilia Testdotter (C)",
    "David Demosson (S)", "Eva Mönstersson (V)", "Fredrik Fiktivsson (SD)", "Gunilla Påhittad (KD)", "Hans Låtsasson (L)",
    "Ingrid Utkastsdotter (MP)", "Johan Skissberg (S)", "Karin Modellsson (M)", "Maria Attrapp (SD)", "Nils Förlagsson (C)",
    "Olga Specimensdotter (V)",
)
_RS_OTHERS = ("Ersättare", "Rut Reservdotter (S)", "", "Övriga närvarande", "Sara Sekretariatsson, sekreterare",
              "Tomas Tjänstesson, regiondirektör", "Ulrika Underlagsson, föredragande § 141")
_VOTE_YES = ("Anna Exempelsson (S)", "Cecilia Testdotter (C)", "David Demosson (S)", "Eva Mönstersson (V)",
             "Johan Skissberg (S)", "Nils Förlagsson (C)", "Olga Specimensdotter (V)", "Per Reservsson (S)")
_VOTE_NO = ("Bertil Provsson (M)", "Fredrik Fiktivsson (SD)", "Gunilla Påhittad (KD)", "Hans Låtsasson (L)",
            "Ingrid Utkastsdotter (MP)", "Karin Modellsson (M)", "Maria Attrapp (SD)")


def _vote_list(yes: tuple[str, ...], no: tuple[str, ...]) -> tuple:
    """An appendix with the vote list as a table: member, party, and the vote in its column."""
    def row(member: str, vote: str) -> pdfmake.TableRow:
        name, party = member[:-1].split(" (")
        return pdfmake.TableRow((name, party, *("Ja" if vote == "ja" else "", "Nej" if vote == "nej" else "", "")))

    rows = sorted([(m, "ja") for m in yes] + [(m, "nej") for m in no])
    return ("Bilaga 1 till protokoll 2025-09-09, § 141", "", "Omröstningsbilaga", "", EXAMPLE, "",
            pdfmake.TableRow(("Ledamot", "Parti", "Ja", "Nej", "Avstår")), *(row(m, v) for m, v in rows),
            pdfmake.TableRow(("Summa", "", str(len(yes)), str(len(no)), "0")))


RS_2025_09_09 = ExampleProtocol(
    "Regionstyrelsen", "2025-09-09", (
        ExampleParagraph(139, "Val av justerare", None,
                         "Regionstyrelsen beslutar att utse Bertil Provsson att jämte ordföranden justera protokollet."),
        ExampleParagraph(140, "Exempelärende: lokalförsörjningsplan", "RS 1101-2025",
                         "Regionstyrelsen beslutar att godkänna lokalförsörjningsplanen. Paragrafen förklaras omedelbart justerad."),
        ExampleParagraph(
            141, "Exempelärende: remissvar", "RS 1102-2025", "Regionstyrelsen beslutar att lämna yttrande enligt förslaget.",
            before=("Yrkanden", "Anna Exempelsson (S) yrkar bifall till arbetsutskottets förslag.",
                    "Bertil Provsson (M) yrkar avslag på arbetsutskottets förslag.", "",
                    "Omröstning",
                    "Omröstning begärs och verkställs. Den som bifaller arbetsutskottets förslag röstar ja, den som bifaller "
                    "Bertil Provssons (M) avslagsyrkande röstar nej. Vid omröstningen avges 8 ja-röster och 7 nej-röster. "
                    f"För ja röstar: {', '.join(_VOTE_YES)}. För nej röstar: {', '.join(_VOTE_NO)}. "
                    "Regionstyrelsen har således bifallit arbetsutskottets förslag. Omröstningsbilaga, se bilaga 1."),
            after=("Reservation", "Bertil Provsson (M) och Karin Modellsson (M) reserverar sig mot beslutet till förmån för "
                   "eget yrkande.")),
        ExampleParagraph(
            142, "Exempelärende: föreningsbidrag", "RS 1201-2025",
            "Regionstyrelsen beslutar på arbetsutskottets förslag att bevilja Exempelföreningen ett bidrag om 50 000 kronor "
            "för 2026.",
            before=("David Demosson (S) anmäler jäv och deltar inte i handläggningen. Ersättaren Rut Reservdotter (S) "
                    "tjänstgör i hans ställe under paragrafen.", "",
                    "Arbetsutskottet har föreslagit att föreningen beviljas bidrag."),
            decision_heading=False),
    ),
    present=(*_RS_MEMBERS, "Per Reservsson (S), tjänstgörande ersättare för Lars Prototypsson (S)"),
    others=_RS_OTHERS, appendix=_vote_list(_VOTE_YES, _VOTE_NO),
)
RS_2025_10_14 = ExampleProtocol(
    "Regionstyrelsen", "2025-10-14", (
        ExampleParagraph(150, "Exempelärende: delårsrapport", "RS/2025:1150 - 001",
                         "Regionstyrelsen beslutar att godkänna delårsrapporten.", municipal=True),
        ExampleParagraph(151, "Exempelärende: motion om cykelvägar", "RS/2025:1151 - 040",
                         "Regionstyrelsen beslutar att avslå motionen.", municipal=True,
                         before=("Cecilia Testdotter (L) yrkar bifall till motionen.",
                                 "Anna Exempelsson (S) yrkar avslag på motionen."),
                         after=("Reservation", "Cecilia Testdotter (L) reserverar sig mot beslutet.")),
    ),
    present=tuple(m.replace("Provsson", "Provson").replace("Testdotter (C)", "Testdotter (L)") for m in _RS_MEMBERS)
    + ("Lars Prototypsson (S)",),
    others=_RS_OTHERS[3:-1], adjuster="Johan Skissberg",
)


def _regionstyrelsen(day: int) -> list[MeetingContent]:
    rs, welcome = "regionstyrelsen", WELCOME
    rs2025 = MeetingContent(
        "mote-2025-04-08", date(2025, 4, 8), "Möte 2025-04-08",
        agenda_docs=[Doc(f"/committees/{rs}/mote-2025-04-08/agenda/sammanfattning-regionstyrelsen-2025-04-08pdf",
                         "Sammanfattning regionstyrelsen 8 april 2025.pdf", "248kb",
                         ("summary", ("summary_vasterbotten_regionstyrelsen_2025-04-08.txt", "Sammanfattning regionstyrelsen 8 april 2025")))],
    )
    held = MeetingContent(
        "mote-2025-09-09", date(2025, 9, 9), "Möte 2025-09-09", example=True,
        description=["09.00 Sammanträdet startar"],
        items=[Item("1", "Val av justerare"),
               Item("2", "Exempelärende: lokalförsörjningsplan", [EXAMPLE], ["RS 1101-2025"],
                    [_example_doc(f"{welcome}/{rs}/mote-2025-09-09/agenda/bilaga-1-lokalforsorjningsplanpdf-19038", "Bilaga 1 Lokalförsörjningsplan.pdf")]),
               Item("3", "Exempelärende: remissvar", [EXAMPLE], ["RS 1102-2025"])],
        protocols=[
            Doc(f"/committees/{rs}/mote-2025-09-09/protocol/protokoll-regionstyrelsen-2025-09-09pdf-18552", "Protokoll regionstyrelsen 2025-09-09.pdf", "310kb",
                ("example_protocol", RS_2025_09_09)),
            Doc(f"/committees/{rs}/mote-2025-09-09/protocol/protokoll-ss-140-omedelbar-justeringpdf", "Protokoll § 140 omedelbar justering.pdf", "88kb",
                ("example_protocol", RS_2025_09_09._replace(paragraphs=RS_2025_09_09.paragraphs[1:2], appendix=()))),
        ],
        portal_meeting_id=51890,
    )
    moved = MeetingContent(
        "regionstyrelsen-2025-10-14", date(2025, 10, 14), "Möte 2025-10-14", example=True,
        description=[],
        items=[Item("1", "Exempelärende: delårsrapport", [EXAMPLE], ["RS 1150-2025"])],
        protocols=[Doc(f"/committees/{rs}/regionstyrelsen-51977/protocol/protokollpdf", "Protokoll.pdf", "120kb",
                       ("example_protocol", RS_2025_10_14))],
    )
    upcoming_rs = MeetingContent(
        "mote-2027-01-26", date(2027, 1, 26), "Möte 2027-01-26", example=True,
        description=["09.00 Sammanträdet startar"],
        items=[Item("1", "Val av justerare"),
               Item("2", "Exempelärende: investeringsplan", [EXAMPLE], ["RS 15-2027"],
                    [_example_doc(f"{welcome}/{rs}/mote-2027-01-26/agenda/bilaga-investeringsplanpdf", "Bilaga Investeringsplan.pdf"),
                     _example_doc(f"{welcome}/{rs}/mote-2027-01-26/agenda/bilaga-2-tidplanpdf", "Bilaga 2 Tidplan.pdf")])],
    )
    upcoming_cancel = MeetingContent(
        "mote-2027-02-09", date(2027, 2, 9), "Möte 2027-02-09", example=True,
        description=[],
        items=[Item("1", "Exempelärende: budgetuppföljning", [EXAMPLE], ["RS 22-2027"])],
    )
    if day >= 2:
        upcoming_rs.items.append(Item("3", "Exempelärende: tillkommande ärende", [EXAMPLE], ["RS 31-2027"]))
    if day >= 3:
        upcoming_rs.items[1].attachments = upcoming_rs.items[1].attachments[:1]
        upcoming_cancel.title = "INSTÄLLT Möte 2027-02-09"
        upcoming_cancel.items = []
    return [rs2025, held, moved, upcoming_rs, upcoming_cancel]


def _vasterbotten(day: int) -> PortalContent:
    return PortalContent("vasterbotten", "Region Västerbotten", [
        CommitteeContent("regionfullmaktige", "Regionfullmäktige", 101, _regionfullmaktige()),
        CommitteeContent("regionstyrelsen", "Regionstyrelsen", 102, _regionstyrelsen(day)),
    ], VASTERBOTTEN_NOTICE_TYPES, _vasterbotten_notices(day),
        representatives={101: _people(1010, "2023-01-01"), 102: _people(1020, "2023-01-01")})


# ---------------------------------------------------------------- bulletin boards and registers

TERM_OF_OFFICE_ID = "6f1c2a9e-0000-4000-8000-000000002023"  # the replica's term of office 2023-2026
VASTERBOTTEN_NOTICE_TYPES = [(1, "Justerat protokoll"), (2, "Kungörelse"), (3, "Övriga anslag")]
NORRBOTTEN_NOTICE_TYPES = [(10, "Anslag om justerat protokoll"), (11, "Kungörelser")]
_ADJUSTED = ("{committee}s protokoll från sammanträdet {when} är justerat. Justeringen har tillkännagivits genom anslag. "
             "Protokollet förvaras på regionens kansli. " + EXAMPLE)


def _vasterbotten_notices(day: int) -> list[NoticeContent]:
    notices = [
        NoticeContent(3101, 1, "Protokoll Regionstyrelsen 2025-09-09", "2025-09-11T00:00:00",
                      _ADJUSTED.format(committee="Regionstyrelsen", when="2025-09-09"), "2025-10-03T00:00:00",
                      "Protokoll regionstyrelsen 2025-09-09.pdf"),
        NoticeContent(3102, 1, "Protokoll Regionstyrelsen 2025-10-14", "2025-10-16T00:00:00",
                      "<p>" + _ADJUSTED.format(committee="Regionstyrelsen", when="2025-10-14") + "</p>"),
    ]
    notices += [
        NoticeContent(3103, 2, "Kungörelse Regionfullmäktige 24 februari 2026", "2026-02-13T00:00:00",
                      "Regionfullmäktige sammanträder tisdag 24 februari 2026 kl. 08.30 i Regionens hus, Umeå.",
                      "2026-02-25T00:00:00"),
        NoticeContent(3104, 3, "Underrättelse om beslut", "2026-11-02T00:00:00", EXAMPLE),
    ]
    return notices


def _norrbotten_notices(day: int) -> list[NoticeContent]:
    notices = [NoticeContent(4202, 11, "Kungörelse: regionfullmäktige", "2026-11-09T23:00:00Z",
                             "Regionfullmäktige sammanträder den 25 november 2026. " + EXAMPLE)]
    if day >= 2:
        notices.insert(0, NoticeContent(4201, 10, "Regionstyrelsens protokoll", "2024-03-13T23:00:00Z",
                                        "Protokollet från regionstyrelsens sammanträde den 12 mars 2024 har justerats. "
                                        + EXAMPLE, "2024-04-05T00:00:00+02:00"))
    return notices


def _people(first_id: int, since: str) -> list[RepresentativeContent]:
    """Invented members of a committee (the register's names are not real people)."""
    people = [("Anna Exempelsson", "Socialdemokraterna", 1, "Ordförande"), ("Bertil Provsson", "Moderaterna", 2, "Vice ordförande"),
              ("Cecilia Testdotter", "Centerpartiet", 3, "Ledamot"), ("David Påhittad", "Vänsterpartiet", 4, "Ersättare")]
    return [RepresentativeContent(first_id + n, name, party, party_id, role, n + 1, since)
            for n, (name, party, party_id, role) in enumerate(people)]


def build(day: int) -> dict[str, PortalContent]:
    """The content of all replica portals on a given day (1 ... LAST_DAY; later days = last)."""
    day = max(1, min(day, LAST_DAY))
    return {"vasterbotten": _vasterbotten(day), "norrbotten": _norrbotten(day)}
