"""Fixture documents on the way the pipeline reads them: typeset as PDF, extracted, parsed, compared.

Each fixture text is made into an A4 PDF (`make_text_pdf`; the protocol with
the running header and signature footer of a signed protocol, the summaries
without), read back with `extract_text` and parsed; the result is compared
with the hand-made annotation field by field (`tests.accuracy`). The same is
done with every blank line removed, from the fixture text (a copy of a web
page) and from the extracted text (an extractor that drops empty lines).
Hand-written summaries in other layouts go the same four ways.
"""

from __future__ import annotations

import difflib

import pytest

from scraper.documents.protocol import normalise_text, parse_protocol
from scraper.documents.summary import parse_summary
from scraper.documents.text import extract_text
from scraper.replica.pdfmake import make_text_pdf, text_lines
from tests.accuracy import (
    FIXTURES,
    DocumentReport,
    compare_protocol,
    compare_summary,
    evaluate_all,
    is_protocol,
    load_annotations,
    main,
    totals,
    typeset,
    without_blank_lines,
)
from tests.test_summary import PDF_SUMMARY, WEB_SUMMARY

PROTOCOL_HEADER = ["Regionstyrelsen", "PROTOKOLL", "Sammanträdesdatum 2024-03-12"]
PROTOCOL_FOOTER = ["Elektroniskt signerat", "Utdragsbestyrkande"]
DOCUMENTS = [
    "protocol_norrbotten_regionstyrelsen_2024-03-12.txt",
    "summary_vasterbotten_regionfullmaktige_2024-02-20.txt",
    "summary_vasterbotten_regionstyrelsen_2025-04-08.txt",
]
ROUTES = ["pdf", "flat", "pdf-flat"]


def make_document_pdf(name: str, text: str) -> bytes:
    if name.startswith("protocol"):
        return make_text_pdf(text, title="Regionstyrelsen 2024-03-12", header=PROTOCOL_HEADER, footer=PROTOCOL_FOOTER)
    return make_text_pdf(text, title=name, header=None, footer=None)


@pytest.fixture(scope="module")
def fixtures() -> dict[str, tuple[dict, str, bytes, str]]:
    """Document name -> (annotation, fixture text, PDF, text extracted from the PDF)."""
    if not FIXTURES.is_dir():
        pytest.skip(f"shared fixtures not found: {FIXTURES}")
    loaded = {}
    for expected, path in load_annotations():
        text = path.read_text(encoding="utf-8")
        pdf = make_document_pdf(path.name, text)
        loaded[path.name] = (expected, text, pdf, extract_text(pdf, source=path.name).text)
    assert sorted(loaded) == DOCUMENTS
    return loaded


def routed(fixture: tuple[dict, str, bytes, str], route: str) -> str:
    _, text, _, extracted = fixture
    return {"pdf": extracted, "flat": without_blank_lines(text), "pdf-flat": without_blank_lines(extracted)}[route]


def report_for(expected: dict, text: str, name: str) -> DocumentReport:
    if is_protocol(expected):
        return compare_protocol(parse_protocol(text).to_dict(), expected, name)
    return compare_summary(parse_summary(text).to_dict(), expected, name)


def misses(report: DocumentReport) -> list[str]:
    return [f"{field}: {miss}" for field, score in report.fields.items() for miss in score.misses]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_annotated_field_survives(fixtures: dict, name: str, route: str) -> None:
    expected = fixtures[name][0]
    report = report_for(expected, routed(fixtures[name], route), name)
    matched, total = totals([report])
    assert total >= 40
    assert misses(report) == []
    assert matched == total


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("name", DOCUMENTS[1:])
def test_summary_items_found_with_title_and_kind(fixtures: dict, name: str, route: str) -> None:
    expected = fixtures[name][0]
    parsed = parse_summary(routed(fixtures[name], route)).to_dict()
    got = [(item["title"], item["decision_kind"], item["item_number"]) for item in parsed["items"]]
    want = [(" ".join(item["title"].split()), item["decision_kind"], item["item_number"]) for item in expected["items"]]
    assert got == want


@pytest.mark.parametrize("route", ROUTES)
def test_protocol_paragraphs_survive(fixtures: dict, route: str) -> None:
    expected = fixtures[DOCUMENTS[0]][0]
    text = routed(fixtures[DOCUMENTS[0]], route)
    parsed = parse_protocol(text).to_dict()
    on_text = parse_protocol(fixtures[DOCUMENTS[0]][1]).to_dict()
    assert [p["number"] for p in parsed["paragraphs"]] == [p["number"] for p in expected["paragraphs"]]
    for mine, reference in zip(parsed["paragraphs"], on_text["paragraphs"]):
        assert (mine["title"], mine["case_number"], mine["sent_to"]) == (
            reference["title"], reference["case_number"], reference["sent_to"]
        )


def paragraph_marks(lines: list[str]) -> list[str]:
    """The words of a text with "¶" where a blank line separates two paragraphs."""
    words: list[str] = []
    gap = False
    for line in lines:
        if not line.strip():
            gap = True
            continue
        if gap and words:
            words.append("¶")
        gap = False
        words.extend(line.split())
    return words


@pytest.mark.parametrize("name", DOCUMENTS[1:])
def test_extraction_restores_the_paragraph_breaks(fixtures: dict, name: str) -> None:
    _, text, _, extracted = fixtures[name]
    # read as the parsers read it: the form-feed line marking a page break is no paragraph break
    source, found = paragraph_marks(text_lines(text)), paragraph_marks(normalise_text(extracted).split("\n"))
    lost = added = 0
    matcher = difflib.SequenceMatcher(None, source, found, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "equal":
            lost += max(source[a1:a2].count("¶") - found[b1:b2].count("¶"), 0)
            added += max(found[b1:b2].count("¶") - source[a1:a2].count("¶"), 0)
    assert source.count("¶") >= 70
    assert added == 0
    assert lost <= 2


def test_summary_pdf_without_blank_lines_is_still_parsed(fixtures: dict) -> None:
    name = "summary_vasterbotten_regionstyrelsen_2025-04-08.txt"
    _, text, _, extracted = fixtures[name]
    assert len(parse_summary(text).items) == len(parse_summary(extracted).items) == 28
    assert len(parse_summary(without_blank_lines(extracted)).items) == 28


def test_accuracy_pdf_mode_typesets_like_the_round_trip(fixtures: dict) -> None:
    for expected, text, _, extracted in fixtures.values():
        assert extract_text(typeset(expected, text)).text == extracted
    expected, text, pdf, _ = fixtures[DOCUMENTS[0]]
    assert typeset(expected, text) == pdf


@pytest.mark.parametrize("mode", ["text", "pdf", "flat", "pdf-flat"])
def test_accuracy_modes_reach_full_marks(fixtures: dict, mode: str) -> None:
    matched, total = totals(evaluate_all(mode=mode))
    assert total >= 600
    assert matched == total


def test_accuracy_pdf_command_prints_the_tables(fixtures: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--pdf", "--summary"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("mode: pdf\n")
    assert "overall: 678/678 = 100.0 %" in out
    assert all(name in out for name in DOCUMENTS)


KOMMUN_PDF = """\
Sammanfattning från kommunfullmäktige den 27 maj 2024

Här är en kort sammanfattning av de viktigaste besluten från kommunfullmäktiges
sammanträde. Protokollet justeras inom två veckor och publiceras på
https://www.exempelkommun.se/kommun-och-politik/protokoll

Årsredovisning 2023 för Exempels kommun
Kommunen redovisar ett resultat på 42 miljoner kronor för 2023, vilket är
18 miljoner kronor bättre än budget. Det beror främst på högre skatteintäkter
och lägre pensionskostnader än beräknat.

Kommunfullmäktige har beslutat att godkänna årsredovisningen och att bevilja
styrelser och nämnder ansvarsfrihet för 2023.

Taxa för avfallshantering
Renhållningsavgiften höjs med i genomsnitt fem procent från den 1 juli. Höjningen
behövs för att täcka ökade kostnader för transporter och behandling av avfall.

Kommunfullmäktiges beslut:
• Kommunfullmäktige fastställer ny taxa för avfallshantering.
• Taxan gäller från och med den 1 juli 2024.

Information från revisorerna
Revisorerna har under våren granskat kommunens arbete med intern kontroll och
hur nämnderna följer upp sina verksamhetsmål.

Intern kontroll

Granskningen visar att flera nämnder saknar aktuella riskanalyser. Revisorerna
rekommenderar att kommunstyrelsen tar fram en gemensam mall för riskanalyser.

Motion om fler laddplatser för elbilar vid kommunens
förskolor och skolor
Lars Nilsson (C) föreslår i en motion att kommunen bygger laddplatser vid
samtliga förskolor och skolor. Kommunstyrelsen har utrett frågan och konstaterar
att det redan pågår ett arbete med en plan för laddinfrastruktur i kommunen.

Kommunfullmäktige har beslutat att motionen anses besvarad.

Övriga ärenden
3. Val av ersättare i socialnämnden
7. Avsägelse av uppdrag som nämndeman
8. Revisionsberättelse för kommunalförbundet Räddningstjänsten
Mitt
"""

NAMND_WEB = """\
Sammanfattning av mötet med socialnämnden den 12 juni 2024

Här hittar du en sammanfattning av de ärenden som behandlades. [Läs hela protokollet](https://www.exempel.se/protokoll/sn-2024-06-12.pdf)

Information om ekonomiskt läge

Förvaltningen informerade om att nämnden prognostiserar ett underskott på 14 miljoner kronor för helåret, främst inom försörjningsstöd och placeringar av barn och unga.

Information om sommarens bemanning

Bemanningen inom äldreomsorgen bedöms vara tillräcklig under sommaren, men läget är ansträngt på två av kommunens särskilda boenden.

Riktlinjer för handläggning av ekonomiskt bistånd

Riktlinjerna har reviderats för att spegla ny lagstiftning och rättspraxis. De nya riktlinjerna innebär bland annat tydligare krav på aktivitet för den som får bistånd.

Beslut:

• Socialnämnden antar reviderade riktlinjer för handläggning av ekonomiskt bistånd.
• Riktlinjerna gäller från den 1 augusti 2024.

Yttrande över remiss om ny socialtjänstlag

Regeringen har skickat förslaget till ny socialtjänstlag på remiss. Nämnden är i huvudsak positiv men lyfter fram behovet av finansiering av de nya uppgifterna.

Socialnämnden har beslutat att lämna yttrandet till kommunstyrelsen.

Delegationsbeslut och meddelanden

Nämnden har tagit del av redovisningen av delegationsbeslut och inkomna meddelanden.
"""

SAMPLES = {
    "kommun_pdf": (
        KOMMUN_PDF,
        ("Kommunfullmäktige", "2024-05-27", "https://www.exempelkommun.se/kommun-och-politik/protokoll"),
        [
            ("Årsredovisning 2023 för Exempels kommun", "beslut", None, []),
            ("Taxa för avfallshantering", "beslut", None, []),
            ("Information från revisorerna", "information", None, ["Intern kontroll"]),
            ("Motion om fler laddplatser för elbilar vid kommunens förskolor och skolor", "beslut", None, []),
            ("Val av ersättare i socialnämnden", None, 3, []),
            ("Avsägelse av uppdrag som nämndeman", None, 7, []),
            ("Revisionsberättelse för kommunalförbundet Räddningstjänsten Mitt", None, 8, []),
        ],
    ),
    "namnd_web": (
        NAMND_WEB,
        ("Socialnämnden", "2024-06-12", "https://www.exempel.se/protokoll/sn-2024-06-12.pdf"),
        [
            ("Information om ekonomiskt läge", "information", None, []),
            ("Information om sommarens bemanning", "information", None, []),
            ("Riktlinjer för handläggning av ekonomiskt bistånd", "beslut", None, []),
            ("Yttrande över remiss om ny socialtjänstlag", "beslut", None, []),
            ("Delegationsbeslut och meddelanden", None, None, []),
        ],
    ),
    "web_summary": (
        WEB_SUMMARY,
        ("Kommunstyrelsen", "2025-03-03", None),
        [
            ("Ny simhall i Bodträsk", "forslag_till_fullmaktige", None, []),
            ("Information om brandskydd", "information", None, ["Bakgrund"]),
            ("Taxor för bygglov 2025", "beslut", None, []),
            ("Delegationsbeslut", None, 4, []),
            ("Meddelanden", None, 7, []),
        ],
    ),
    "pdf_summary": (
        PDF_SUMMARY,
        ("Regionfullmäktige", "2023-06-14", "https://meetingsplus.example.se/committees/rf/mote-2023-06-14"),
        [
            ("Motion om längre öppettider på vårdcentralerna", "beslut", None, []),
            ("Delårsrapport per april 2023", "beslut", None, ["Ekonomiskt läge"]),
        ],
    ),
}


def sample_route(text: str, route: str) -> str:
    if route.startswith("pdf"):
        text = extract_text(make_text_pdf(text, title="Sammanfattning")).text
    return without_blank_lines(text) if route.endswith("flat") else text


@pytest.mark.parametrize("route", ["text", *ROUTES])
@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_hand_written_summaries_on_every_route(sample: str, route: str) -> None:
    text, header, items = SAMPLES[sample]
    summary = parse_summary(sample_route(text, route))
    assert (summary.committee, summary.meeting_date, summary.meeting_url) == header
    assert [(i.title, i.decision_kind, i.item_number, i.subheadings) for i in summary.items] == items


@pytest.mark.parametrize("route", ["text", *ROUTES])
def test_decisions_of_hand_written_summaries(route: str) -> None:
    kommun = parse_summary(sample_route(KOMMUN_PDF, route))
    assert [i.decision for i in kommun.items[:4]] == [
        (
            "Kommunfullmäktige har beslutat att godkänna årsredovisningen och att bevilja styrelser och nämnder "
            "ansvarsfrihet för 2023."
        ),
        "Kommunfullmäktige fastställer ny taxa för avfallshantering. Taxan gäller från och med den 1 juli 2024.",
        None,
        "Kommunfullmäktige har beslutat att motionen anses besvarad.",
    ]
    namnd = parse_summary(sample_route(NAMND_WEB, route))
    assert namnd.items[2].decision_items == [
        "Socialnämnden antar reviderade riktlinjer för handläggning av ekonomiskt bistånd.",
        "Riktlinjerna gäller från den 1 augusti 2024.",
    ]
    assert namnd.items[3].decision == "Socialnämnden har beslutat att lämna yttrandet till kommunstyrelsen."
