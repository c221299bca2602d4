"""The protocol parser on layouts other than the fixture's own.

Part one transforms the Region Norrbotten fixture the way other organisations
lay out the same content (title on the § line, "Beslut:", other case-number
forms, "Delges", no cover page, re-wrapped titles, page headers at random
places) and checks the affected fields exactly. Part two feeds hand-written
protocols of other shapes (a kommunfullmäktige protocol, attendance lists,
yrkanden and reservations in other wordings). Part three is bad input.
"""

from __future__ import annotations

import json
import random
import re
import textwrap
import time
from pathlib import Path

import pytest

from scraper.documents.protocol import (
    Protocol,
    ProtocolParseError,
    join_lines,
    looks_like_protocol,
    normalise_lines,
    parse_protocol,
)
from tests.accuracy import compare_protocol

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
PROTOCOL_FILE = FIXTURES / "documents" / "protocol_norrbotten_regionstyrelsen_2024-03-12.txt"
ANNOTATION_FILE = FIXTURES / "annotations" / "003_protocol_norrbotten_rs_2024-03-12.json"


@pytest.fixture(scope="module")
def lines() -> list[str]:
    if not PROTOCOL_FILE.is_file():
        pytest.skip(f"fixture missing: {PROTOCOL_FILE}")
    return normalise_lines(PROTOCOL_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def expected() -> dict:
    if not ANNOTATION_FILE.is_file():
        pytest.skip(f"annotation missing: {ANNOTATION_FILE}")
    return json.loads(ANNOTATION_FILE.read_text(encoding="utf-8"))


def parse_lines(lines: list[str]) -> dict:
    return parse_protocol("\n".join(lines)).to_dict()


def by_number(parsed: dict) -> dict[int, dict]:
    return {p["number"]: p for p in parsed["paragraphs"]}


def failures(parsed: dict, expected: dict, *fields: str) -> list[str]:
    report = compare_protocol(parsed, expected)
    return [miss for name in fields for miss in report.fields[name].misses]


PARAGRAPH_FIELDS = (
    "paragraph.number", "paragraph.title", "paragraph.case_number", "paragraph.decision",
    "paragraph.reservations", "paragraph.proposals", "paragraph.sent_to", "paragraph.immediately_adjusted",
)


# --------------------------------------------------------------------------
# Transforms of the fixture
# --------------------------------------------------------------------------


def titles_on_paragraph_line(lines: list[str]) -> list[str]:
    """"§ 31" + "Sammanträdet öppnas" -> "§ 31 Sammanträdet öppnas" (continuation lines stay wrapped)."""
    out: list[str] = []
    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        if re.fullmatch(r"§ \d+", line) and i + 1 < len(lines):
            out.append(f"{line} {lines[i + 1]}")
            skip = True
        else:
            out.append(line)
    return out


def replace_lines(lines: list[str], old: str, new: str) -> list[str]:
    return [new if line == old else line for line in lines]


def replace_in_lines(lines: list[str], old: str, new: str) -> list[str]:
    return [line.replace(old, new) for line in lines]


def rewrap_titles(lines: list[str], expected: dict, width: int) -> list[str]:
    """Re-wrap every paragraph title at `width` characters."""
    out = list(lines)
    for para in expected["paragraphs"]:
        start = out.index(f"§ {para['number']}") + 1
        end = start + 1
        while join_lines(out[start:end]) != para["title"]:
            end += 1
            assert end - start < 8, para["title"]
        out[start:end] = textwrap.wrap(para["title"], width=width, break_on_hyphens=True, break_long_words=False)
    return out


HEADER_VARIANTS = [
    ["Regionstyrelsen", "PROTOKOLL", "Sida", "{page}(80)", "Sammanträdesdatum", "2024-03-12"],
    ["Regionstyrelsen PROTOKOLL Sida {page}(80)", "Sammanträdesdatum 2024-03-12"],
    ["Justerandes signatur", "Utdragsbestyrkande"],
    ["Elektroniskt signerat Utdragsbestyrkande", "VISMA_SIGN_01_ATTRIBUTE_SAML_TransactionId"],
    ["Sida {page} av 80"],
    ["Region Norrbotten", "Regionstyrelsen", "SAMMANTRÄDESPROTOKOLL", "{page} (80)"],
]


def insert_running_headers(lines: list[str], seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    out = list(lines)
    for page in sorted(rng.sample(range(1, len(lines)), count), reverse=True):
        block = [part.format(page=page % 80 + 1) for part in rng.choice(HEADER_VARIANTS)]
        out[page:page] = block
    return out


def test_title_on_the_paragraph_line(lines: list[str], expected: dict) -> None:
    changed = titles_on_paragraph_line(lines)
    assert "§ 31 Sammanträdet öppnas" in changed and "§ 37 Delegationsbeslut anmälda till" in changed
    parsed = parse_lines(changed)
    assert failures(parsed, expected, *PARAGRAPH_FIELDS) == []
    assert by_number(parsed)[49]["title"] == (
        "Angående Den europeiska deklarationen för jämställdhet mellan kvinnor och män på lokal "
        "och regional nivå (CEMR-deklarationen)"
    )


@pytest.mark.parametrize("heading", ["Beslut:", "Beslut", "BESLUT", "Regionstyrelsens beslut:"])
def test_other_decision_headings(lines: list[str], expected: dict, heading: str) -> None:
    parsed = parse_lines(replace_lines(lines, "Regionstyrelsens beslut", heading))
    assert failures(parsed, expected, "paragraph.decision", "paragraph.title") == []


def test_decision_label_with_text_on_the_same_line(lines: list[str]) -> None:
    changed: list[str] = []
    for line in lines:
        if changed and changed[-1] == "Regionstyrelsens beslut":
            changed[-1] = f"Beslut: {line}"
        else:
            changed.append(line)
    paras = by_number(parse_lines(changed))
    assert paras[34]["decision"] == "Regionstyrelsen beslutar att fastställa föredragningslistan."
    assert paras[52]["decision"] == (
        "Regionstyrelsen föreslår regionfullmäktige besluta att fastställa uppdatering av regler för "
        "partistöd 2024 enligt förslag i bilaga."
    )


def test_kommunstyrelsen_beslutar(lines: list[str], expected: dict) -> None:
    changed = replace_in_lines(lines, "Regionstyrelsen beslutar", "Kommunstyrelsen beslutar")
    changed = replace_lines(changed, "Regionstyrelsens beslut", "Kommunstyrelsens beslut")
    paras = by_number(parse_lines(changed))
    for para in expected["paragraphs"]:
        want = para["decision"]
        got = paras[para["number"]]["decision"]
        if want is None:
            assert got is None
        else:
            assert want.replace("Regionstyrelsen beslutar", "Kommunstyrelsen beslutar") in got


def test_decision_sentence_without_heading(lines: list[str]) -> None:
    changed = [line for line in lines if line != "Regionstyrelsens beslut"]
    paras = by_number(parse_lines(changed))
    assert paras[33]["decision"].startswith(
        "Regionstyrelsen beslutar att utse ledamoten Kenneth Backgård (SJVP) att jämte ordförande justera protokollet."
    )
    assert paras[39]["decision"] == (
        "Regionstyrelsen beslutar, med hälso- och sjukvårdsnämndens förslag i beaktning, att: "
        "1. Omvandla servicepunkten i Svappavaara till en filial. 2. Lägga rapporten till handlingarna."
    )
    assert paras[31]["decision"] is None
    assert paras[54]["decision"] is None


@pytest.mark.parametrize(
    ("line", "case_number"),
    [
        ("Diarienummer: 23RS11831", "23RS11831"),
        ("Dnr: RS 912-2025", "RS 912-2025"),
        ("Dnr KS 2023/451", "KS 2023/451"),
        ("Ärendenummer: BUN 2024/17", "BUN 2024/17"),
        ("KS 2024/123", "KS 2024/123"),
        ("Dnr. 2024.0042", "2024.0042"),
    ],
)
def test_case_number_forms(lines: list[str], expected: dict, line: str, case_number: str) -> None:
    parsed = parse_lines(replace_lines(lines, "Dnr NLL-00297-2024", line))
    para = by_number(parsed)[39]
    assert para["case_number"] == case_number
    assert para["title"] == "Uppföljning filialer och servicepunkter"
    assert para["decision"].startswith("Regionstyrelsen beslutar, med hälso- och sjukvårdsnämndens förslag")
    assert failures(parsed, expected, "paragraph.number") == []


def test_case_number_on_the_title_line(lines: list[str]) -> None:
    changed = replace_lines(lines, "Uppföljning filialer och servicepunkter", "Uppföljning filialer och servicepunkter Dnr KS 2024/88")
    changed = replace_lines(changed, "Dnr NLL-00297-2024", "Ärendet")
    para = by_number(parse_lines(changed))[39]
    assert (para["title"], para["case_number"]) == ("Uppföljning filialer och servicepunkter", "KS 2024/88")


@pytest.mark.parametrize(
    "heading", ["Delges", "Delges:", "Expedieras till", "Beslutet skickas till", "Protokollsutdrag till", "Beslutet expedieras till:"]
)
def test_sent_to_headings(lines: list[str], expected: dict, heading: str) -> None:
    parsed = parse_lines(replace_lines(lines, "Protokollsutdrag skickas till", heading))
    assert failures(parsed, expected, "paragraph.sent_to") == []


def test_recipients_on_the_heading_line(lines: list[str]) -> None:
    changed: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i] == "Protokollsutdrag skickas till" and lines[i + 1] == "Ekonomidirektör" and lines[i + 2] == "Divisionschef Nära":
            changed.append("Delges: Ekonomidirektör, Divisionschef Nära")
            i += 3
            continue
        changed.append(lines[i])
        i += 1
    assert by_number(parse_lines(changed))[39]["sent_to"] == ["Ekonomidirektör", "Divisionschef Nära"]


def test_missing_cover_page(lines: list[str], expected: dict) -> None:
    parsed = parse_lines(lines[lines.index("§ 31"):])
    assert failures(parsed, expected, *PARAGRAPH_FIELDS) == []
    assert parsed["committee"] == "Regionstyrelsen"
    assert parsed["organisation"] == "Region Norrbotten"
    assert parsed["meeting_date"] == "2024-03-12"
    assert parsed["time"] == "13:00-14:03"
    assert parsed["attendance"] == []
    assert parsed["corrections"] == []
    assert parsed["paragraph_range_printed"] is None


def test_cover_without_correction_notice(lines: list[str], expected: dict) -> None:
    start = next(i for i, line in enumerate(lines) if line.startswith("Plats och tid"))
    parsed = parse_lines(lines[start:])
    assert parsed["corrections"] == []
    report = compare_protocol(parsed, expected)
    for name in ("meeting_date", "time", "place", "justering", "signatures", "attendance.role", "attendance.name"):
        assert report.fields[name].misses == [], name
    assert parsed["committee"] == "Regionstyrelsen"


def test_correction_notice_without_bullets(lines: list[str], expected: dict) -> None:
    changed = [line[2:] if line.startswith("• § ") else line for line in lines]
    assert "§ 39 – Uppföljning filialer och servicepunkter: Under rubriken Hälso- och" in changed
    parsed = parse_lines(changed)
    assert failures(parsed, expected, "paragraph.number", "corrections.paragraph", "corrections.description") == []


def test_correction_notice_in_other_words() -> None:
    text = (
        "RÄTTELSE\nKommunstyrelsens protokoll 2024-04-02 har rättats.\nRättelse av § 14: Beslutet ska lyda "
        "att avslå motionen.\nRättelse av § 16: Fel diarienummer har ändrats.\nPlats och tid: Kommunhuset\n"
        "§ 14\nMotion om parkering\nBeslut\nKommunstyrelsen beslutar att avslå motionen.\n§ 15\nÖvrigt\n§ 16\nAvslutning\n"
    )
    parsed = parse_protocol(text).to_dict()
    assert parsed["corrections"] == [
        {"paragraph": 14, "description": "Beslutet ska lyda att avslå motionen."},
        {"paragraph": 16, "description": "Fel diarienummer har ändrats."},
    ]
    assert [p["number"] for p in parsed["paragraphs"]] == [14, 15, 16]
    assert parsed["place"] == "Kommunhuset"


@pytest.mark.parametrize("width", [18, 25, 32, 45])
def test_rewrapped_titles(lines: list[str], expected: dict, width: int) -> None:
    changed = rewrap_titles(lines, expected, width)
    parsed = parse_lines(changed)
    assert failures(parsed, expected, "paragraph.title", "paragraph.case_number", "paragraph.decision") == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_running_headers_at_random_places(lines: list[str], expected: dict, seed: int) -> None:
    changed = insert_running_headers(lines, seed, count=60)
    assert len(changed) > len(lines) + 60
    report = compare_protocol(parse_lines(changed), expected)
    assert [m for score in report.fields.values() for m in score.misses] == []


def test_blank_lines_and_indentation_do_not_matter(lines: list[str], expected: dict) -> None:
    spaced = "\n\n".join("   " + line.replace(" ", "  ") + " " for line in lines)
    report = compare_protocol(parse_protocol(spaced).to_dict(), expected)
    assert [m for score in report.fields.values() for m in score.misses] == []


# --------------------------------------------------------------------------
# Hand-written protocols of other shapes
# --------------------------------------------------------------------------

KOMMUN_PROTOCOL = """\
Sammanträdesprotokoll
Kommunfullmäktige
Sammanträdesdatum 2024-05-27
Sida 1(6)
Luleå kommun
Tid och plats: Stadshuset, sessionssalen, måndagen den 27 maj 2024 kl. 13.00–16.30
Beslutande ledamöter
Anna Andersson (S), ordförande
Bo Bengtsson (M), 1:e vice ordförande
Carina Carlsson (V), 2:e vice ordförande
David Dahl (SD) för Erik Ek (SD)
Fatima Fors (C), tjänstgörande ersättare för Gustav Gran (C)
Hans-Åke Holm (KD)
Tjänstgörande ersättare
Ida Isaksson (L) ersätter Jan Jansson (L)
Ej tjänstgörande ersättare
Karin Kvist (S), Lars Lund (M) och Maria Mäkelä (MP)
Övriga deltagande
Nils Nordin, kommundirektör
Olle Ohlsson, kommunsekreterare
Justerare Bo Bengtsson och Carina Carlsson
Justeringens plats och tid Stadshuset 2024-05-29 kl. 10.00
Underskrifter Sekreterare ........................ Paragrafer §§ 45-48
Olle Ohlsson
Ordförande ........................
Anna Andersson
Justerare ........................ ........................
Bo Bengtsson Carina Carlsson
Kf § 45 Val av justerare
Kommunfullmäktiges beslut
Kommunfullmäktige beslutar att utse Bo Bengtsson (M) och Carina Carlsson (V) att justera dagens protokoll.
Kf § 46 Årsredovisning 2023 för Luleå kommun
Dnr KS 2024/112
Förslag till beslut
Kommunstyrelsen föreslår kommunfullmäktige besluta att godkänna årsredovisningen.
Beslut
Kommunfullmäktige beslutar
att godkänna årsredovisningen för 2023,
att bevilja ansvarsfrihet.
Yrkanden
Anna Andersson (S) och Hans-Åke Holm (KD) yrkar bifall till kommunstyrelsens förslag.
Bo Bengtsson (M) yrkar, med instämmande av David Dahl (SD), återremiss av ärendet.
Propositionsordning
Ordföranden ställer först proposition på om ärendet ska avgöras i dag och finner att så sker.
Reservation
Mot beslutet reserverar sig Bo Bengtsson (M) och David Dahl (SD).
Protokollsanteckning
Carina Carlsson (V) lämnar en protokollsanteckning, bilaga 1.
Beslutet skickas till
Kommunstyrelsen
Ekonomikontoret
Kf § 47 Motion om gratis kollektivtrafik för unga
Dnr KS 2023/451
Beslut
Kommunfullmäktige beslutar att avslå motionen.
Ledamöterna från SD reserverar sig mot beslutet.
Paragrafen justeras omedelbart.
Ärendebeskrivning
Motionären yrkar att kommunen ska införa gratis kollektivtrafik, se 7 § i bilagan och
§ 12 – Taxor i protokollet från 2023-02-13.
Expedieras till: Motionären, Kollektivtrafiknämnden
Kf § 48 Avslutning
Ordföranden förklarar sammanträdet avslutat.
Vid protokollet
Olle Ohlsson
"""


@pytest.fixture(scope="module")
def kommun() -> dict:
    return parse_protocol(KOMMUN_PROTOCOL).to_dict()


def test_kommun_header(kommun: dict) -> None:
    assert kommun["organisation"] == "Luleå kommun"
    assert kommun["committee"] == "Kommunfullmäktige"
    assert kommun["meeting_date"] == "2024-05-27"
    assert kommun["time"] == "13:00-16:30"
    assert kommun["place"] == "Stadshuset, sessionssalen"
    assert kommun["justering"] == "Stadshuset 2024-05-29 kl. 10.00"
    assert kommun["paragraph_range_printed"] == "§§ 45-48"
    assert kommun["signatures"] == {
        "sekreterare": "Olle Ohlsson",
        "ordförande": "Anna Andersson",
        "justerare": ["Bo Bengtsson", "Carina Carlsson"],
    }


def test_kommun_attendance(kommun: dict) -> None:
    rows = [(a["name"], a["party"], a["role"], a["replaces"], a["title"], a["listed_under"]) for a in kommun["attendance"]]
    assert rows == [
        ("Anna Andersson", "S", "ordförande", None, None, "Beslutande ledamöter"),
        ("Bo Bengtsson", "M", "1:e vice ordförande", None, None, "Beslutande ledamöter"),
        ("Carina Carlsson", "V", "2:e vice ordförande", None, None, "Beslutande ledamöter"),
        ("David Dahl", "SD", "tjänstgörande ersättare", "Erik Ek", None, "Beslutande ledamöter"),
        ("Fatima Fors", "C", "tjänstgörande ersättare", "Gustav Gran", None, "Beslutande ledamöter"),
        ("Hans-Åke Holm", "KD", "ledamot", None, None, "Beslutande ledamöter"),
        ("Ida Isaksson", "L", "tjänstgörande ersättare", "Jan Jansson", None, "Tjänstgörande ersättare"),
        ("Karin Kvist", "S", "ersättare", None, None, "Ej tjänstgörande ersättare"),
        ("Lars Lund", "M", "ersättare", None, None, "Ej tjänstgörande ersättare"),
        ("Maria Mäkelä", "MP", "ersättare", None, None, "Ej tjänstgörande ersättare"),
        ("Nils Nordin", None, "tjänsteperson", None, "kommundirektör", "Övriga deltagande"),
        ("Olle Ohlsson", None, "sekreterare", None, "kommunsekreterare", "Övriga deltagande"),
    ]


def test_kommun_paragraphs(kommun: dict) -> None:
    paras = by_number(kommun)
    assert list(paras) == [45, 46, 47, 48]
    assert [p["title"] for p in kommun["paragraphs"]] == [
        "Val av justerare", "Årsredovisning 2023 för Luleå kommun", "Motion om gratis kollektivtrafik för unga", "Avslutning",
    ]
    assert [p["case_number"] for p in kommun["paragraphs"]] == [None, "KS 2024/112", "KS 2023/451", None]
    assert paras[45]["decision"] == (
        "Kommunfullmäktige beslutar att utse Bo Bengtsson (M) och Carina Carlsson (V) att justera dagens protokoll."
    )
    assert paras[46]["decision"] == (
        "Kommunfullmäktige beslutar att godkänna årsredovisningen för 2023, att bevilja ansvarsfrihet."
    )
    assert paras[47]["decision"].startswith("Kommunfullmäktige beslutar att avslå motionen.")
    assert paras[48]["decision"] is None


def test_kommun_yrkanden_reservations_and_notes(kommun: dict) -> None:
    p46, p47 = by_number(kommun)[46], by_number(kommun)[47]
    assert p46["proposals"] == [
        {"name": "Anna Andersson", "party": "S", "stance": "bifall"},
        {"name": "Hans-Åke Holm", "party": "KD", "stance": "bifall"},
        {"name": "Bo Bengtsson", "party": "M", "stance": "återremiss"},
        {"name": "David Dahl", "party": "SD", "stance": "återremiss"},
    ]
    assert p46["reservations"] == [{"name": "Bo Bengtsson", "party": "M"}, {"name": "David Dahl", "party": "SD"}]
    assert p46["notes"] == ["Carina Carlsson (V) lämnar en protokollsanteckning, bilaga 1."]
    assert p46["beslutsgang"] == "Ordföranden ställer först proposition på om ärendet ska avgöras i dag och finner att så sker."
    assert p46["sent_to"] == ["Kommunstyrelsen", "Ekonomikontoret"]
    assert p46["immediately_adjusted"] is False
    assert p47["reservations"] == [{"name": None, "party": "SD"}]
    assert p47["proposals"] == []
    assert p47["immediately_adjusted"] is True
    assert p47["sent_to"] == ["Motionären", "Kollektivtrafiknämnden"]


def test_kommun_closing_lines_are_not_paragraph_text(kommun: dict) -> None:
    last = by_number(kommun)[48]
    assert "Vid protokollet" not in last["text"]
    assert kommun["warnings"] == []


REFERENCES = """\
Kommunstyrelsen
§ 12
Budget 2025
Dnr KS 2024/300
Kommunstyrelsens beslut
Kommunstyrelsen beslutar att anta budgeten.
Beslutsunderlag
Kommunfullmäktiges beslut 2023-06-19
§ 78 – Budgetramar 2025
§ 5 i kommunallagen 11 kap. anger att
7 §
11 § Ersättning betalas till ledamot.
§ 13
Investeringar 2025
Kommunstyrelsens beslut
Kommunstyrelsen beslutar att godkänna investeringsplanen.
"""


def test_references_to_other_paragraphs_are_not_paragraphs() -> None:
    parsed = parse_protocol(REFERENCES).to_dict()
    assert [(p["number"], p["title"]) for p in parsed["paragraphs"]] == [(12, "Budget 2025"), (13, "Investeringar 2025")]
    assert by_number(parsed)[13]["decision"] == "Kommunstyrelsen beslutar att godkänna investeringsplanen."
    assert parsed["committee"] == "Kommunstyrelsen"


TABLE_OF_CONTENTS = """\
Barn- och utbildningsnämnden
Innehållsförteckning
§ 1 Val av justerare ........ 2
§ 2 Godkännande av dagordning ........ 2
§ 3 Skolplan 2025 ........ 3
§ 1 Val av justerare
Beslut
Nämnden utser Anna Andersson (S) att justera protokollet.
§ 2 Godkännande av dagordning
Beslut
Dagordningen godkänns.
§ 3 Skolplan 2025
Dnr BUN 2024/9
Beslut
Barn- och utbildningsnämnden beslutar att anta skolplanen.
Reservation
Bo Bengtsson (M) och Cecilia Carlsson (M) reserverar sig till förmån för eget yrkande.
"""


def test_table_of_contents_is_skipped() -> None:
    parsed = parse_protocol(TABLE_OF_CONTENTS).to_dict()
    assert [p["number"] for p in parsed["paragraphs"]] == [1, 2, 3]
    paras = by_number(parsed)
    assert paras[1]["decision"] == "Nämnden utser Anna Andersson (S) att justera protokollet."
    assert paras[3]["decision"] == "Barn- och utbildningsnämnden beslutar att anta skolplanen."
    assert paras[3]["case_number"] == "BUN 2024/9"
    assert paras[3]["reservations"] == [
        {"name": "Bo Bengtsson", "party": "M"},
        {"name": "Cecilia Carlsson", "party": "M"},
    ]
    assert parsed["committee"] == "Barn- och utbildningsnämnden"


YRKANDEN = """\
§ 7
Motion om cykelvägar
Dnr KS 2024/55
Ärendets behandling under sammanträdet
Anna Andersson (S) yrkar bifall till arbetsutskottets förslag.
Bo Bengtsson (M), Cecilia Carlsson (M) och Dan Dahl (SD) yrkar avslag på motionen.
Eva Ek (V) instämmer i Anna Anderssons yrkande.
Fia Fors (C) föreslår att ärendet återremitteras.
Gun Gran (KD) lämnar ett tilläggsyrkande om att uppföljning ska ske 2025.
Beslutsgång
Ordföranden ställer proposition på förslagen och finner att kommunstyrelsen bifaller arbetsutskottets förslag.
Beslut
Kommunstyrelsen beslutar att bifalla motionen.
Reservationer
Bo Bengtsson (M)
Cecilia Carlsson (M)
Särskilt yttrande
Dan Dahl (SD) lämnar ett särskilt yttrande.
Ärendet
Motionären yrkar att kommunen bygger cykelvägar. Per Persson (L) föreslår i motionen att det sker 2025.
"""


def test_yrkanden_in_several_wordings() -> None:
    para = parse_protocol(YRKANDEN).paragraphs[0]
    assert [(p.name, p.party, p.stance) for p in para.proposals] == [
        ("Anna Andersson", "S", "bifall"),
        ("Bo Bengtsson", "M", "avslag"),
        ("Cecilia Carlsson", "M", "avslag"),
        ("Dan Dahl", "SD", "avslag"),
        ("Eva Ek", "V", "bifall"),
        ("Fia Fors", "C", "återremiss"),
        ("Gun Gran", "KD", "tilläggsyrkande"),
    ]
    assert [(r.name, r.party) for r in para.reservations] == [("Bo Bengtsson", "M"), ("Cecilia Carlsson", "M")]
    assert para.decision == "Kommunstyrelsen beslutar att bifalla motionen."
    assert para.beslutsgang.startswith("Ordföranden ställer proposition på förslagen")


def test_names_wrapped_over_lines_in_a_reservation() -> None:
    text = "§ 3\nVal\nBeslut\nNämnden beslutar att välja Anna.\nReservation\nDaniel\nBergman (M) och Lars-Åke\nVikström (SD) reserverar sig mot beslutet.\n"
    para = parse_protocol(text).paragraphs[0]
    assert [(r.name, r.party) for r in para.reservations] == [("Daniel Bergman", "M"), ("Lars-Åke Vikström", "SD")]


REGION_SEPARATE_LABELS = """\
REGION SKÅNE
Regionstyrelsen
PROTOKOLL
Datum: tisdagen den 5 november 2024
Tid: Kl. 09.30 – 12.15
Plats: Regionhuset, Kristianstad
Närvarande ledamöter
Carl Johan Sonesson (M), ordförande
Anna Mannfalk (S), förste vice ordförande
Per Svensson (L) ersätter Pia Lind (L)
Närvarande ersättare
Ulf Ek (SD)
Övriga närvarande
Lena Berg (S), regionråd
Jonas Dahl, regiondirektör
Sekreterare
Eva Ström
Justerare
Anna Mannfalk
RS § 101
Val av justerare
Beslut
Regionstyrelsen beslutar
att utse Anna Mannfalk (S) att justera protokollet.
RS § 102
Budget 2025
RS 2024/1234
Förslag till beslut
Regionstyrelsen föreslår regionfullmäktige
att fastställa budgeten,
att uppdra åt regiondirektören att verkställa.
Yrkanden
Anna Mannfalk (S) yrkar avslag till förmån för Socialdemokraternas budget.
Moderaterna och Liberalerna yrkar bifall.
Reservationer
Ledamöterna för S reserverar sig mot beslutet till förmån för eget yrkande.
Regionstyrelsen
Sida 4(5)
Protokollsanteckning
Ulf Ek (SD) lämnar en protokollsanteckning: Vi anser att budgeten är ofinansierad.
Beslutet skickas till
Regionfullmäktige
RS § 103
Avslutning
Ordföranden förklarar mötet avslutat kl. 12.15.
Justerandes sign
Utdragsbestyrkande
"""


def test_region_protocol_with_separate_labels() -> None:
    parsed = parse_protocol(REGION_SEPARATE_LABELS).to_dict()
    header = {k: parsed[k] for k in ("organisation", "committee", "meeting_date", "time", "place")}
    assert header == {
        "organisation": "Region Skåne", "committee": "Regionstyrelsen", "meeting_date": "2024-11-05",
        "time": "09:30-12:15", "place": "Regionhuset, Kristianstad",
    }
    assert parsed["signatures"] == {"sekreterare": "Eva Ström", "ordförande": "Carl Johan Sonesson", "justerare": ["Anna Mannfalk"]}
    roles = [(a["name"], a["role"], a["replaces"], a["title"]) for a in parsed["attendance"]]
    assert roles == [
        ("Carl Johan Sonesson", "ordförande", None, None),
        ("Anna Mannfalk", "1:e vice ordförande", None, None),
        ("Per Svensson", "tjänstgörande ersättare", "Pia Lind", None),
        ("Ulf Ek", "ersättare", None, None),
        ("Lena Berg", "övrig närvarande", None, "regionråd"),
        ("Jonas Dahl", "tjänsteperson", None, "regiondirektör"),
        ("Eva Ström", "sekreterare", None, "sekreterare"),
    ]
    paras = by_number(parsed)
    assert paras[101]["decision"] == "Regionstyrelsen beslutar att utse Anna Mannfalk (S) att justera protokollet."
    assert paras[102]["case_number"] == "RS 2024/1234"
    # only a proposal ("Förslag till beslut") is printed: a proposal is never taken for the decision
    assert paras[102]["decision"] is None
    assert paras[102]["proposals"] == [
        {"name": "Anna Mannfalk", "party": "S", "stance": "avslag"},
        {"name": None, "party": "M", "stance": "bifall"},
        {"name": None, "party": "L", "stance": "bifall"},
    ]
    assert paras[102]["reservations"] == [{"name": None, "party": "S"}]
    assert paras[102]["notes"] == ["Ulf Ek (SD) lämnar en protokollsanteckning: Vi anser att budgeten är ofinansierad."]
    assert paras[102]["sent_to"] == ["Regionfullmäktige"]
    assert "Sida 4(5)" not in paras[102]["text"] and "Utdragsbestyrkande" not in paras[103]["text"]


COMPACT_KOMMUN = """\
LULEÅ KOMMUN
KOMMUNSTYRELSEN
Protokoll
2024-09-02
Plats och tid
Stadshuset, sal A, kl 09.00-12.00
Beslutande: Anna Alm (S) ordförande, Bo Berg (M), Cia Cho (V) och Dan Dahl (SD)
Sekreterare
.......................
Eva Ek
Ordförande
.......................
Anna Alm
Justerare
_______________
Bo Berg
§ 1 Val av justerare
Beslut
Bo Berg utses att justera protokollet.
Justerandes sign ........ Utdragsbestyrkande ........
§ 2 Information
Ekonomichefen informerar om budgetläget.
§ 3 Delårsrapport
Dnr 2024-000123
Beslut
Kommunstyrelsen beslutar att godkänna delårsrapporten.
Delges
Ekonomienheten
"""


def test_compact_kommun_protocol() -> None:
    parsed = parse_protocol(COMPACT_KOMMUN).to_dict()
    assert (parsed["organisation"], parsed["committee"], parsed["meeting_date"]) == ("Luleå kommun", "Kommunstyrelsen", "2024-09-02")
    assert (parsed["time"], parsed["place"]) == ("09:00-12:00", "Stadshuset, sal A")
    assert parsed["signatures"] == {"sekreterare": "Eva Ek", "ordförande": "Anna Alm", "justerare": ["Bo Berg"]}
    assert [(a["name"], a["party"], a["role"]) for a in parsed["attendance"]] == [
        ("Anna Alm", "S", "ordförande"), ("Bo Berg", "M", "ledamot"), ("Cia Cho", "V", "ledamot"),
        ("Dan Dahl", "SD", "ledamot"), ("Eva Ek", None, "sekreterare"),
    ]
    assert [(p["number"], p["title"], p["case_number"], p["decision"]) for p in parsed["paragraphs"]] == [
        (1, "Val av justerare", None, "Bo Berg utses att justera protokollet."),
        (2, "Information", None, None),
        (3, "Delårsrapport", "2024-000123", "Kommunstyrelsen beslutar att godkänna delårsrapporten."),
    ]
    assert by_number(parsed)[3]["sent_to"] == ["Ekonomienheten"]
    assert "Justerandes" not in by_number(parsed)[1]["text"]


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


def test_empty_text() -> None:
    for text in ("", "   \n\n \t "):
        result = parse_protocol(text)
        assert isinstance(result, Protocol)
        assert result.paragraphs == []
        assert result.warnings == ["empty text: no lines to parse"]
        assert looks_like_protocol(text) is False


def test_text_without_paragraph_marks() -> None:
    result = parse_protocol("Kommunstyrelsen\nProtokoll från mötet.\nInga beslut fattades.\n")
    assert result.paragraphs == []
    assert any("no paragraphs found" in w for w in result.warnings)
    assert result.committee == "Kommunstyrelsen"
    assert looks_like_protocol("Kommunstyrelsen\nProtokoll från mötet.\n") is False


def test_not_a_string_is_a_parse_error() -> None:
    with pytest.raises(ProtocolParseError, match="expected protocol text as str, got bytes"):
        parse_protocol(b"\xa7 1 Val av justerare")  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_binary_garbage(seed: int) -> None:
    garbage = random.Random(seed).randbytes(300_000).decode("latin-1")
    result = parse_protocol(garbage)
    assert result.paragraphs == []
    assert "no paragraphs found: the text has no line starting with '§ N'" in result.warnings
    assert looks_like_protocol(garbage) is False
    json.dumps(result.to_dict())


def test_five_megabytes_of_random_text_finishes_quickly() -> None:
    rng = random.Random(3)
    vocabulary = [
        "§", "§ 1", "Beslut", "Dnr", "Regionstyrelsen", "beslutar", "att", "(S)", "Anna", "Berg", "reserverar", "sig",
        "yrkar", "bifall", "\n", "PROTOKOLL", "Sida", "3(4)", "kl.", "13:00-14:00", "Protokollsutdrag", "skickas",
        "till", "Beslutande", ".", "Lars-Åke", "och", ",", "Sammanträdesdatum", "2024-03-12", "Ärendet", "\n§ 2",
    ]
    text = " ".join(rng.choice(vocabulary) for _ in range(1_000_000))[:5_000_000]
    assert len(text) == 5_000_000
    started = time.perf_counter()
    result = parse_protocol(text)
    elapsed = time.perf_counter() - started
    json.dumps(result.to_dict())
    assert elapsed < 8.0, f"parse_protocol took {elapsed:.1f} s on 5 MB"


def test_one_long_line_of_capitalised_words() -> None:
    text = "Anna Berg Carl Dahl Erik Fisk " * 100_000
    started = time.perf_counter()
    result = parse_protocol(text)
    assert time.perf_counter() - started < 5.0
    assert result.paragraphs == []
