"""The protocol parser on the Region Norrbotten fixture, field by field against its annotation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.documents.protocol import (
    join_lines,
    looks_like_protocol,
    normalise_lines,
    parse_protocol,
    split_sentences,
    strip_page_furniture,
)
from tests.accuracy import compare_protocol

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
DOCUMENT = FIXTURES / "documents" / "protocol_norrbotten_regionstyrelsen_2024-03-12.txt"
ANNOTATION = FIXTURES / "annotations" / "003_protocol_norrbotten_rs_2024-03-12.json"

FIELDS = [
    "organisation", "committee", "meeting_date", "time", "place", "justering", "paragraph_range_printed",
    "signatures", "corrections.paragraph", "corrections.description",
    "paragraph.number", "paragraph.title", "paragraph.case_number", "paragraph.decision",
    "paragraph.reservations", "paragraph.proposals", "paragraph.sent_to", "paragraph.immediately_adjusted",
    "attendance.name", "attendance.party", "attendance.role", "attendance.replaces", "attendance.title",
    "attendance.listed_under",
]


@pytest.fixture(scope="module")
def text() -> str:
    if not DOCUMENT.is_file():
        pytest.skip(f"fixture missing: {DOCUMENT}")
    return DOCUMENT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def expected() -> dict:
    if not ANNOTATION.is_file():
        pytest.skip(f"annotation missing: {ANNOTATION}")
    return json.loads(ANNOTATION.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def parsed(text: str) -> dict:
    return parse_protocol(text).to_dict()


@pytest.fixture(scope="module")
def paragraphs(parsed: dict) -> dict[int, dict]:
    return {p["number"]: p for p in parsed["paragraphs"]}


@pytest.mark.parametrize("field", FIELDS)
def test_field_matches_annotation(parsed: dict, expected: dict, field: str) -> None:
    score = compare_protocol(parsed, expected).fields[field]
    assert score.total > 0
    assert score.misses == []
    assert score.matched == score.total


def test_every_annotated_field_is_compared(parsed: dict, expected: dict) -> None:
    assert sorted(compare_protocol(parsed, expected).fields) == sorted(FIELDS)


def test_json_shape(parsed: dict) -> None:
    assert list(parsed) == [
        "kind", "organisation", "committee", "meeting_date", "time", "place", "justering", "signatures",
        "paragraph_range_printed", "paragraphs", "attendance", "corrections", "warnings", "quality",
    ]
    assert parsed["kind"] == "protocol"
    assert list(parsed["paragraphs"][0]) == [
        "number", "title", "case_number", "decision", "text", "reservations", "proposals", "notes",
        "beslutsgang", "sent_to", "immediately_adjusted", "on_proposal_of", "page", "votes", "recusals",
    ]
    assert list(parsed["attendance"][0]) == ["name", "party", "role", "replaces", "title", "listed_under"]
    assert list(parsed["corrections"][0]) == ["paragraph", "description"]
    assert list(parsed["signatures"]) == ["sekreterare", "ordförande", "justerare"]
    json.dumps(parsed)


def test_header(parsed: dict) -> None:
    assert (parsed["organisation"], parsed["committee"], parsed["meeting_date"]) == (
        "Region Norrbotten", "Regionstyrelsen", "2024-03-12",
    )
    assert (parsed["time"], parsed["place"], parsed["justering"]) == ("13:00-14:03", "Styrelserummet/Teams", "Justerad digitalt")
    assert parsed["signatures"] == {"sekreterare": "Emil Eriksson", "ordförande": "Anders Öberg", "justerare": ["Kenneth Backgård"]}


def test_paragraph_numbers_ignore_references(paragraphs: dict[int, dict]) -> None:
    assert list(paragraphs) == list(range(31, 55))


def test_printed_range_mismatch_is_reported(parsed: dict) -> None:
    assert parsed["paragraph_range_printed"] == "§§ 31-56"
    assert parsed["warnings"] == ["printed paragraph range §§ 31-56 differs from the paragraphs found (§§ 31-54)"]


def test_page_furniture_never_reaches_paragraph_text(parsed: dict) -> None:
    for para in parsed["paragraphs"]:
        for marker in ("VISMA_SIGN", "PROTOKOLL", "76(80)", "Utdragsbestyrkande", "Sammanträdesdatum"):
            assert marker not in para["text"], (para["number"], marker)
    assert parsed["paragraphs"][-1]["text"].endswith("avslutat klockan 14:03.")


def test_sent_to_before_a_page_header(paragraphs: dict[int, dict]) -> None:
    assert paragraphs[51]["sent_to"] == ["Hälso- och sjukvårdsdirektör", "Ekonomidirektör", "Divisionschefer"]
    assert paragraphs[52]["title"] == "Uppdatering av regler för partistöd 2024"


def test_wrapped_titles(paragraphs: dict[int, dict]) -> None:
    assert paragraphs[36]["title"] == "Meddelanden till regionstyrelsen 2024-03-12"
    assert paragraphs[48]["title"] == (
        "Remiss av betänkandet Vidareanvändning av hälsodata för vård och klinisk forskning (SOU 2023:76)"
    )
    assert paragraphs[50]["title"] == "Återremiss Motion 5-2018 angående screening av prostatacancer"


def test_numbered_decision_keeps_its_points(paragraphs: dict[int, dict]) -> None:
    assert paragraphs[40]["decision"] == (
        "Regionstyrelsen beslutar att: 1. Fastställa ändringar i Beställning Vårdval primärvård 2024, avsnitt 4.4 "
        "Filial och servicepunkt, i enlighet med beslutsunderlaget. 2. Ändringen träder i kraft den 10 juni 2024. "
        "3. Paragrafen förklaras omedelbart justerad."
    )
    assert paragraphs[37]["decision"] == "Regionstyrelsen beslutar att godkänna förteckning över delegationsbeslut"


def test_reservations_and_proposals(paragraphs: dict[int, dict]) -> None:
    assert paragraphs[40]["reservations"] == [
        {"name": "Kenneth Backgård", "party": "SJVP"},
        {"name": "Doris Messner", "party": "SJVP"},
        {"name": "Linda Frohm", "party": "M"},
        {"name": "Daniel Bergman", "party": "M"},
        {"name": "Marianne Sandström", "party": "SD"},
        {"name": "Lars-Åke Vikström", "party": "SD"},
    ]
    assert paragraphs[46]["proposals"] == [
        {"name": "Kenneth Backgård", "party": "SJVP", "stance": "ändringsyrkande (ny lydelse av beslutspunkt 1)"}
    ]
    assert [p["name"] for p in paragraphs[51]["proposals"]] == ["Linda Jonsson", "Johannes Sundelin"]
    assert paragraphs[49]["reservations"] == [
        {"name": "Marianne Sandström", "party": "SD"},
        {"name": "Lars-Åke Vikström", "party": "SD"},
    ]


def test_beslutsgang_and_notes(paragraphs: dict[int, dict]) -> None:
    assert paragraphs[40]["beslutsgang"] == (
        "Ordförande ställer bifall mot avslag och finner att regionstyrelsen bifaller liggande förslag."
    )
    assert paragraphs[35]["beslutsgang"] is None
    assert all(p["notes"] == [] for p in paragraphs.values())
    assert [n for n, p in paragraphs.items() if p["immediately_adjusted"]] == [40]


def test_attendance_details(parsed: dict) -> None:
    people = {a["name"]: a for a in parsed["attendance"]}
    assert len(parsed["attendance"]) == 31
    assert people["Helena Ölund"]["role"] == "tjänstgörande ersättare"
    assert people["Glenn Berggård"]["role"] == "vice ordförande"
    assert people["Helena Trældal"] == {
        "name": "Helena Trældal", "party": None, "role": "tjänsteperson", "replaces": None,
        "title": "kanslichef", "listed_under": "Övriga närvarande",
    }
    assert people["Erika Sjöö"]["title"] == "politisk sekreterare"
    assert parsed["attendance"][-1] == {
        "name": "Emil Eriksson", "party": None, "role": "sekreterare", "replaces": None,
        "title": "sekreterare", "listed_under": "Underskrifter",
    }


def test_looks_like_protocol(text: str) -> None:
    assert looks_like_protocol(text) is True
    summary = FIXTURES / "documents" / "summary_vasterbotten_regionstyrelsen_2025-04-08.txt"
    assert looks_like_protocol(summary.read_text(encoding="utf-8")) is False


def test_join_lines() -> None:
    assert join_lines(["Meddelanden till regionstyrelsen 2024-03-", "12"]) == "Meddelanden till regionstyrelsen 2024-03-12"
    assert join_lines(["lokal och regional nivå (CEMR-", "deklarationen)"]) == "lokal och regional nivå (CEMR-deklarationen)"
    assert join_lines(["Hälso-", "och sjukvårdsnämnden"]) == "Hälso- och sjukvårdsnämnden"
    assert join_lines(["Daniel", " Bergman (M) ", "", "och"]) == "Daniel Bergman (M) och"


def test_split_sentences() -> None:
    assert split_sentences("Beslutet gäller t.ex. Luleå. Nästa mening kl. 13.00 här. Anna K. Berg kommer.") == [
        "Beslutet gäller t.ex. Luleå.",
        "Nästa mening kl. 13.00 här.",
        "Anna K. Berg kommer.",
    ]


def test_strip_page_furniture() -> None:
    lines = normalise_lines(
        "Divisionschefer\nRegionstyrelsen\nPROTOKOLL\nSida\n76(80)\nSammanträdesdatum\n2024-03-12\n"
        "Elektroniskt signerat Utdragsbestyrkande\nVISMA_SIGN_01_ATTRIBUTE_SAML_TransactionId\n§ 52\n"
        "Justerandes signatur\nSida 3 av 10\nText fortsätter."
    )
    kept, removed = strip_page_furniture(lines)
    assert kept == ["Divisionschefer", "§ 52", "Text fortsätter."]
    assert removed[:2] == ["Regionstyrelsen", "PROTOKOLL"]
