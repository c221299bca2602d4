"""The summary parser on the Region Västerbotten fixtures, hand-written summaries and bad input."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from scraper.documents.summary import Summary, detect_kind, looks_like_summary, parse_summary
from tests.accuracy import compare_summary

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
CASES = {
    "rf": ("summary_vasterbotten_regionfullmaktige_2024-02-20.txt", "000_summary_vasterbotten_rf_2024-02-20.json"),
    "rs": ("summary_vasterbotten_regionstyrelsen_2025-04-08.txt", "001_summary_vasterbotten_rs_2025-04-08.json"),
}
FIELDS = [
    "organisation", "committee", "meeting_date", "meeting_url", "items.order", "items.title", "items.decision",
    "items.decision_kind", "items.item_number", "items.section", "items.subheadings",
]


def load(case: str) -> tuple[str, dict]:
    document, annotation = CASES[case]
    doc_path, ann_path = FIXTURES / "documents" / document, FIXTURES / "annotations" / annotation
    if not (doc_path.is_file() and ann_path.is_file()):
        pytest.skip(f"fixture missing: {doc_path}")
    return doc_path.read_text(encoding="utf-8"), json.loads(ann_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[str, dict, dict]:
    text, expected = load(request.param)
    return text, expected, parse_summary(text).to_dict()


@pytest.mark.parametrize("field", FIELDS)
def test_field_matches_annotation(case: tuple[str, dict, dict], field: str) -> None:
    _, expected, parsed = case
    score = compare_summary(parsed, expected).fields[field]
    assert score.total > 0
    assert score.misses == []


def test_json_shape(case: tuple[str, dict, dict]) -> None:
    parsed = case[2]
    assert list(parsed) == ["kind", "organisation", "committee", "meeting_date", "meeting_url", "items"]
    assert parsed["kind"] == "summary"
    assert list(parsed["items"][0]) == ["title", "decision", "decision_kind", "item_number", "section", "subheadings"]
    json.dumps(parsed)


def test_pdf_summary_details() -> None:
    text, _ = load("rf")
    summary = parse_summary(text)
    assert summary.meeting_url == "https://meetingsplus.vll.se/committees/regionfullmaktige/mote-2024-02-20"
    first = summary.items[0]
    assert first.title == "Revisorernas information till fullmäktige"
    assert first.subheadings == [
        "Granskningar om Norrlands universitetssjukhus",
        "Produktions- och kapacitetsstyrning i vården",
        "Kommande granskningar",
    ]
    assert (first.decision, first.decision_kind) == (None, "information")
    assert summary.items[2].title == (
        "Förlängd rekommendation från Sveriges kommuner och regioner om avgiftsfrihet för vaccination "
        "mot covid-19 till och med första kvartalet 2024"
    )
    assert [(i.item_number, i.title) for i in summary.items if i.item_number][-2:] == [
        (17, "Reviderad förbundsordning för Kommunalförbundet Avancerad Strålbehandling"),
        (18, "Förändrat ägande av Bussgods i Norr AB"),
    ]


def test_web_summary_details() -> None:
    text, _ = load("rs")
    summary = parse_summary(text)
    assert summary.meeting_url is None
    first = summary.items[0]
    assert first.decision_items == [
        "Regionstyrelsen beslutar att genomföra de föreslagna ambitionssänkningarna.",
        "Regionstyrelsen beslutar att ge regiondirektören i uppdrag att genomföra de övriga förslag och löpande återrapportera status i sin månadsrapport.",
        "Regionstyrelsen beslutar att godkänna förslag som avser besparingar inom den politiska organisationen.",
    ]
    assert [i.item_number for i in summary.items if i.item_number] == [9, 10, 11, 33, 21, 22, 24, 25, 26, 27, 28, 29, 30]
    report = next(i for i in summary.items if i.title == "Månadsrapport per februari 2025")
    assert report.subheadings == ["Resultat", "Budgetavvikelse"]


def test_detect_kind_on_fixtures() -> None:
    documents = FIXTURES / "documents"
    if not documents.is_dir():
        pytest.skip("fixtures missing")
    kinds = {p.name: detect_kind(p.read_text(encoding="utf-8")) for p in sorted(documents.glob("*.txt"))}
    assert kinds == {
        "protocol_norrbotten_regionstyrelsen_2024-03-12.txt": "protocol",
        "summary_vasterbotten_regionfullmaktige_2024-02-20.txt": "summary",
        "summary_vasterbotten_regionstyrelsen_2025-04-08.txt": "summary",
    }


WEB_SUMMARY = """\
Sammanfattning från kommunstyrelsen den 3 mars 2025

[Protokoll och handlingar](/committees/kommunstyrelsen/mote-2025-03-03)

Ny simhall i Bodträsk

Kommunen har utrett behovet av en ny simhall.

Kommunstyrelsen föreslår att kommunfullmäktige beslutar att bygga simhallen.

Information om brandskydd

Räddningschefen informerade om läget.

Bakgrund

Antalet bränder har minskat.

Taxor för bygglov 2025

Kommunstyrelsen har beslutat att höja taxorna med 3 procent.

Övriga ärenden

4. Delegationsbeslut

7. Meddelanden
"""


def test_hand_written_web_summary() -> None:
    summary = parse_summary(WEB_SUMMARY, url="https://meetingsplus.example.se/committees/kommunstyrelsen")
    assert (summary.committee, summary.meeting_date) == ("Kommunstyrelsen", "2025-03-03")
    assert summary.meeting_url == "https://meetingsplus.example.se/committees/kommunstyrelsen/mote-2025-03-03"
    assert [(i.title, i.decision_kind, i.item_number, i.section, i.subheadings) for i in summary.items] == [
        ("Ny simhall i Bodträsk", "forslag_till_fullmaktige", None, "main", []),
        ("Information om brandskydd", "information", None, "main", ["Bakgrund"]),
        ("Taxor för bygglov 2025", "beslut", None, "main", []),
        ("Delegationsbeslut", None, 4, "Övriga ärenden", []),
        ("Meddelanden", None, 7, "Övriga ärenden", []),
    ]
    assert summary.items[0].decision == "Kommunstyrelsen föreslår att kommunfullmäktige beslutar att bygga simhallen."
    assert summary.items[2].decision == "Kommunstyrelsen har beslutat att höja taxorna med 3 procent."
    assert summary.organisation is None
    assert parse_summary(WEB_SUMMARY).meeting_url is None


PDF_SUMMARY = """\
Sammanfattning
regionfullmäktige den 14
juni 2023

Här är en sammanfattning av några av de beslut som regionfullmäktige fattade
vid sitt sammanträde. Se https://meetingsplus.example.se/committees/rf/mote-2023-06-14

Motion om längre öppettider på
vårdcentralerna
Anna Andersson (S) föreslår i en motion till regionfullmäktige att vårdcentralerna
ska ha öppet även på lördagar i hela Region Exempel. I svaret på motionen beskrivs

hur bemanningen ser ut och vilka kostnader längre öppettider skulle medföra för
regionen under de kommande åren.

Regionfullmäktige har beslutat att avslå motionen.

Delårsrapport per april 2023
Regionen redovisar ett underskott på 120 miljoner kronor efter fyra månader och
prognosen för helåret är ett underskott på 300 miljoner kronor.

Ekonomiskt läge

Underskottet beror främst på höga kostnader för inhyrd personal och läkemedel
samt på att intäkterna från patientavgifter har minskat jämfört med förra året.

Regionfullmäktige har godkänt delårsrapporten.
"""


def test_hand_written_pdf_summary() -> None:
    summary = parse_summary(PDF_SUMMARY)
    assert (summary.committee, summary.meeting_date, summary.organisation) == ("Regionfullmäktige", "2023-06-14", "Region Exempel")
    assert summary.meeting_url == "https://meetingsplus.example.se/committees/rf/mote-2023-06-14"
    assert [(i.title, i.decision, i.decision_kind, i.subheadings) for i in summary.items] == [
        ("Motion om längre öppettider på vårdcentralerna", "Regionfullmäktige har beslutat att avslå motionen.", "beslut", []),
        ("Delårsrapport per april 2023", "Regionfullmäktige har godkänt delårsrapporten.", "beslut", ["Ekonomiskt läge"]),
    ]


def test_looks_like_summary() -> None:
    assert looks_like_summary(WEB_SUMMARY) is True
    assert looks_like_summary(PDF_SUMMARY) is True
    assert looks_like_summary("§ 1\nVal av justerare\nBeslut\nKommunstyrelsen beslutar att välja Anna.\n§ 2\nÖvrigt\n") is False
    assert looks_like_summary("Sammanfattning av boken. Inga beslut här.") is False


def test_detect_kind_on_snippets() -> None:
    assert detect_kind(WEB_SUMMARY) == "summary"
    assert detect_kind("Kommunstyrelsen\n§ 1\nVal av justerare\n§ 2\nDagordning\n") == "protocol"
    assert detect_kind("") is None
    assert detect_kind("Hej och välkommen till vår webbplats.") is None


def test_bad_input() -> None:
    empty = parse_summary("")
    assert isinstance(empty, Summary) and empty.items == [] and empty.committee is None
    assert parse_summary("\n\n  \n").items == []
    with pytest.raises(TypeError):
        parse_summary(b"Sammanfattning")  # type: ignore[arg-type]
    garbage = random.Random(5).randbytes(300_000).decode("latin-1")
    assert parse_summary(garbage).items == []
    assert detect_kind(garbage) is None


def test_large_input_finishes_quickly() -> None:
    rng = random.Random(11)
    words = ["Sammanfattning", "Regionstyrelsen", "har", "beslutat", "att", "Motion", "om", "\n", "\n\n", ".", "- punkt", "1.", "Beslut:"]
    text = " ".join(rng.choice(words) for _ in range(400_000))
    started = time.perf_counter()
    json.dumps(parse_summary(text).to_dict())
    detect_kind(text)
    assert time.perf_counter() - started < 6.0


WRAPPED_WITHOUT_BLANK_LINES = """\
Sammanfattning från kommunfullmäktige den 27 maj 2024
Se https://www.exempel.se/protokoll
Taxa för avfallshantering
Renhållningsavgiften höjs med i genomsnitt fem procent från den 1 juli. Höjningen
behövs för att täcka ökade kostnader för transporter och behandling av avfall
som har stigit kraftigt under de senaste åren, främst på grund av nya regler
och högre energipriser.
Kommunfullmäktige har beslutat att fastställa taxan för avfallshantering.
Motion om skolmat
Anna Berg (V) föreslår i en motion att all skolmat ska vara ekologisk senast år
2027 och att kommunen ska ta fram en plan för hur det ska gå till i praktiken
och vad det kostar.
Kommunfullmäktige har beslutat att avslå motionen.
Övriga ärenden
3. Val av ersättare
8. Revision för Räddningstjänsten
Mitt
9. Avsägelse av uppdrag som nämndeman i tingsrätten för resten av mandatperioden
"""


def test_wrapped_summary_without_blank_lines() -> None:
    summary = parse_summary(WRAPPED_WITHOUT_BLANK_LINES)
    assert [(i.title, i.decision_kind, i.item_number, i.section) for i in summary.items] == [
        ("Taxa för avfallshantering", "beslut", None, "main"),
        ("Motion om skolmat", "beslut", None, "main"),
        ("Val av ersättare", None, 3, "Övriga ärenden"),
        ("Revision för Räddningstjänsten Mitt", None, 8, "Övriga ärenden"),
        ("Avsägelse av uppdrag som nämndeman i tingsrätten för resten av mandatperioden", None, 9, "Övriga ärenden"),
    ]
    assert summary.items[1].decision == "Kommunfullmäktige har beslutat att avslå motionen."


def test_large_input_without_blank_lines_finishes_quickly() -> None:
    rng = random.Random(13)
    words = ["Sammanfattning", "Regionstyrelsen", "har", "beslutat", "att", "Motion", "om", "\n", ".", "- punkt", "1.", "vården"]
    text = " ".join(rng.choice(words) for _ in range(400_000))
    started = time.perf_counter()
    json.dumps(parse_summary(text).to_dict())
    assert time.perf_counter() - started < 6.0


# --------------------------------------------------------------------------
# Decision kinds in the phrasings summaries use
# --------------------------------------------------------------------------

DECISION_KIND_VARIANTS = [
    ("regionstyrelsen", "Regionstyrelsen har beslutat att godkänna rapporten.", "beslut"),
    ("regionstyrelsen", "Regionstyrelsen beslutade att godkänna rapporten.", "beslut"),
    ("regionstyrelsen", "Vid mötet beslutade regionstyrelsen att anta planen för 2026.", "beslut"),
    ("regionstyrelsen", "Regionstyrelsen har godkänt rapporten och tackar för arbetet.", "beslut"),
    ("regionstyrelsen", "Regionstyrelsen beslutade att avslå initiativärendet.", "beslut"),
    ("regionstyrelsen", "Regionstyrelsen har beslutat att informationen är delgiven.", "beslut"),
    ("regionfullmäktige", "Regionfullmäktige har beslutat att avslå motionen.", "beslut"),
    ("regionfullmäktige", "Fullmäktige beslutade att bevilja styrelsen ansvarsfrihet.", "beslut"),
    ("kommunfullmäktige", "Kommunfullmäktige har fattat beslut om att anta budgeten.", "beslut"),
    ("kommunstyrelsen", "Kommunstyrelsen beslutade vid sitt möte att godkänna delårsrapporten.", "beslut"),
    ("barn- och utbildningsnämnden", "Nämnden har beslutat att anta riktlinjerna.", "beslut"),
    ("regionstyrelsen", "Regionstyrelsen föreslår regionfullmäktige att godkänna årsredovisningen.", "forslag_till_fullmaktige"),
    ("regionstyrelsen", "Regionstyrelsen föreslår fullmäktige att anta planen.", "forslag_till_fullmaktige"),
    ("regionstyrelsen", "Regionstyrelsen föreslår att regionfullmäktige beslutar att motionen avslås.",
     "forslag_till_fullmaktige"),
    ("kommunstyrelsen", "Kommunstyrelsen föreslår kommunfullmäktige att anta budgeten för 2026.", "forslag_till_fullmaktige"),
    ("regionstyrelsen", "Regionstyrelsen beslutade att föreslå regionfullmäktige att anta planen.",
     "forslag_till_fullmaktige"),
    ("regionstyrelsen", "Regionstyrelsen har fastställt planen och föreslår att regionfullmäktige godkänner den.",
     "forslag_till_fullmaktige"),
    ("regionstyrelsen", "Regionfullmäktige föreslås besluta att anta planen.", "forslag_till_fullmaktige"),
    ("kommunstyrelsen", "Styrelsen ställde sig bakom förslaget och föreslår kommunfullmäktige att anta det.",
     "forslag_till_fullmaktige"),
    ("regionstyrelsen", "Informationen är delgiven.", "information"),
    ("regionstyrelsen", "Regionstyrelsen beslutade att lägga informationen till handlingarna.", "information"),
    ("regionstyrelsen", "Regionstyrelsen noterade informationen.", "information"),
    ("regionstyrelsen", "Regionstyrelsen har noterat informationen.", "information"),
    ("regionstyrelsen", "Regionstyrelsen tog del av informationen.", "information"),
    ("regionstyrelsen", "Informationen lades till handlingarna.", "information"),
    ("kommunstyrelsen", "Kommunstyrelsen lägger informationen till handlingarna.", "information"),
    ("kommunstyrelsen", "Nämnden har tagit del av informationen och lagt den till handlingarna.", "information"),
    ("kommunstyrelsen", "Informationen noterades av kommunstyrelsen.", "information"),
    ("regionstyrelsen", "Regionstyrelsen informerades om läget i vården.", "information"),
    ("regionstyrelsen", "Regionstyrelsen diskuterade frågan utan att fatta något beslut.", None),
]


def variant_summary(committee: str, sentence: str) -> str:
    return (
        f"Sammanfattning från {committee} den 8 april 2025\n\n[Protokoll och handlingar](https://exempel.se/mote)\n\n"
        "Plan för verksamheten\n\nFörvaltningen har tagit fram en plan för verksamheten under de kommande åren.\n\n"
        f"{sentence}\n\nNästa ärende\n\nEtt annat beslut har fattats.\n"
    )


def test_decision_kinds_of_summary_phrasings() -> None:
    missed = []
    for committee, sentence, kind in DECISION_KIND_VARIANTS:
        items = parse_summary(variant_summary(committee, sentence)).items
        got = items[0].decision_kind if items else "no item"
        if got != kind:
            missed.append((sentence, got, kind))
    share = 1 - len(missed) / len(DECISION_KIND_VARIANTS)
    print(f"\nsummary decision kinds: {len(DECISION_KIND_VARIANTS) - len(missed)}/{len(DECISION_KIND_VARIANTS)} = {share:.0%}")
    assert share >= 0.9, missed
