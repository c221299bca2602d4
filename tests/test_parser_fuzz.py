"""Hostile input for the document parsers: generated texts and the known pathological shapes.

The generated texts (hypothesis) are built from the pieces protocols and
summaries are made of ("§ N" headings, names with parties, section labels,
decision sentences) mixed with runs of every Unicode space and of
punctuation, long lines and nested parentheses. Each must parse within the
per-input deadline into a result of the right type; nothing but the
documented error for non-text input may be raised.

The pathological shapes are inputs that once took seconds to minutes (a run
of U+1680 in an attendance line was cubic), and the long shapes of votes,
voting lists and decisions (runs of names, marks, "ja", counts, lead-ins);
each must finish well within a bound several times its measured time.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.documents.protocol import Paragraph, Protocol, ProtocolParseError, parse_protocol
from scraper.documents.protocol.lexicon import normalise_text
from scraper.documents.summary import Summary, SummaryItem, parse_summary
from scraper.documents.text import normalise_page_text

FIXTURE = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "documents" / "protocol_norrbotten_regionstyrelsen_2024-03-12.txt"

SPACES = "".join(ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isspace())
PUNCTUATION = "()[]{}.,;:-–—§/\\'\"!?…*•_|&%#"
DECISION_KINDS = {None, "beslut", "forslag_till_fullmaktige", "information"}

FUZZ = settings(
    deadline=timedelta(seconds=2),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

first_names = st.sampled_from(["Anna", "Bo", "Carl-Erik", "Åsa", "Émile", "Kenneth", "Lena", "Ulrika", "Per"])
last_names = st.sampled_from(["Andersson", "Berg", "Öberg", "von Platen", "Backgård", "Sundquist", "Ek-Lund"])
parties = st.sampled_from(["S", "M", "SD", "C", "V", "KD", "L", "MP", "Sjvp", "-", "", "((S))", "S)"])
person = st.builds(lambda f, l, p: f"{f} {l} ({p})" if p else f"{f} {l}", first_names, last_names, parties)
words = st.sampled_from([
    "Beslut", "Beslut:", "Regionstyrelsens beslut", "Yrkanden", "Yrkande", "Reservation", "Beslutsgång", "Beslutande",
    "Tjänstgörande ersättare", "Ersättare", "Övriga närvarande", "Justerare", "Sekreterare", "Ordförande",
    "Protokollsutdrag till", "Delges", "Expedieras till", "Rättelse", "Plats och tid", "Sammanträdesdatum", "Paragrafer",
    "Dnr RS 2024/12", "Diarienummer: 23RS11831", "Sida 3 (24)", "3(24)", "Justerandes signatur", "Utdragsbestyrkande",
    "Elektroniskt signerat", "VISMA_SIGN_ATTRIBUTE", "PROTOKOLL", "Regionstyrelsen", "Region Norrbotten", "Umeå kommun",
    "Sammanfattning från regionstyrelsen den 8 april 2025", "Regionstyrelsen beslutar att godkänna förslaget.",
    "Regionfullmäktige har beslutat att anta planen.", "Regionstyrelsen föreslår regionfullmäktige besluta att",
    "yrkar bifall", "yrkar avslag", "instämmer i", "reserverar sig mot beslutet", "för", "ersätter", "ej § 5",
    "§§ 31-40", "deltar ej § 44", "kl. 13.00-15.30", "tisdagen den 12 mars 2024", "2024-03-12", "2024-02-30",
    "omedelbart justerad", "1.", "2)", "•", "https://example.se/protokoll", "[Läs mer](#)", "och", "samt", "att",
    "Omröstning begärs och verkställs.", "Votering begärs.", "Sluten omröstning", "För ja röstar:", "Ja-röster:", "Ja:",
    "Nej:", "Avstår:", "Avstår från att rösta:", "Ledamot Parti Ja Nej Avstår", "Ledamot | Parti | Ja | Nej",
    "Anna Andersson S X", "| X |", "X - -", "Summa 7 5 1", "Med 8 ja-röster mot 7 nej-röster", "åtta ja", "röstar ja,",
    "Den som bifaller", "röstar nej.", "ordförandens utslagsröst", "anmäler jäv och deltar inte", "tjänstgör istället",
    "På grund av jäv deltar", "Omröstningsbilaga 1", "Bilaga 1 Omröstningslista", "på arbetsutskottets förslag",
    "beslutar regionstyrelsen att", "Då inga extra ärenden föreligger", "KS/2018:298 - 001", "24RS1759",
    "Diarienummer:", "Föredragande", "närvarande under § 12 för information", "Enligt närvarolista", "Titel § 12",
    "Informationen är delgiven.", "noterade informationen", "föreslår fullmäktige att",
])
runs = st.builds(lambda ch, n: ch * n, st.sampled_from(SPACES + PUNCTUATION), st.integers(1, 100))
nested = st.builds(
    lambda n, inner, closing: "(" * n + inner + ")" * closing, st.integers(1, 60), st.sampled_from(["S", "", "§ 3", "a b"]),
    st.integers(0, 60),
)
heading = st.builds(
    lambda prefix, number, gap, title: f"{prefix}§{gap}{number}{gap}{title}",
    st.sampled_from(["", "KS ", "Ks ", "RS "]), st.integers(0, 120), st.sampled_from(["", " ", "  ", "\u00a0", "\u1680"]),
    st.one_of(words, person, st.just("")),
)
piece = st.one_of(words, person, runs, nested, st.text(max_size=12))
sentence = st.lists(piece, max_size=6).map(lambda parts: " ".join(parts))
long_line = st.builds(lambda unit, n: unit * n, st.one_of(person, words, runs, nested), st.integers(10, 150))
separator = st.sampled_from(["\n", "\n", "\n\n", "\r\n", "\u2028", "\x85", "\f"])


def document(lines: st.SearchStrategy[str], max_size: int = 40) -> st.SearchStrategy[str]:
    """Texts of up to `max_size` lines from `lines`, joined by assorted line breaks."""
    return st.lists(st.tuples(lines, separator), max_size=max_size).map(
        lambda pairs: "".join(line + sep for line, sep in pairs)
    )


protocol_texts = document(st.one_of(heading, heading, words, person, sentence, nested, runs), max_size=14)
summary_texts = document(st.one_of(words, words, sentence, sentence, heading, st.just("")), max_size=14)
hostile_texts = document(st.one_of(long_line, runs, nested, sentence, heading), max_size=5)


def check_protocol(text: str) -> None:
    result = parse_protocol(text)
    assert isinstance(result, Protocol)
    assert all(isinstance(p, Paragraph) for p in result.paragraphs)
    numbers = [p.number for p in result.paragraphs]
    assert numbers == sorted(set(numbers))
    assert all(isinstance(w, str) for w in result.warnings)
    assert json.loads(json.dumps(result.to_dict()))["kind"] == "protocol"


def check_summary(text: str) -> None:
    result = parse_summary(text)
    assert isinstance(result, Summary)
    assert all(isinstance(item, SummaryItem) and item.title for item in result.items)
    assert {item.decision_kind for item in result.items} <= DECISION_KINDS
    assert json.loads(json.dumps(result.to_dict()))["kind"] == "summary"


GENERATED = {
    "protocol-like": (protocol_texts, 3000),
    "summary-like": (summary_texts, 2500),
    "runs, long lines, nested parentheses": (hostile_texts, 2500),
    "arbitrary": (st.text(max_size=400), 2000),
}


@pytest.mark.parametrize("kind", GENERATED)
def test_generated_texts(kind: str) -> None:
    strategy, examples = GENERATED[kind]
    parsed: list[int] = []

    @settings(FUZZ, max_examples=examples)
    @given(strategy)
    def parse_both(text: str) -> None:
        check_protocol(text)
        check_summary(text)
        parsed.append(len(text))

    parse_both()
    assert len(parsed) >= examples


@settings(FUZZ, max_examples=500)
@given(st.text(max_size=200))
def test_normalised_text_has_only_plain_spaces_and_line_breaks(text: str) -> None:
    assert all(ch in " \n" or not ch.isspace() for ch in normalise_text(text))


@pytest.mark.parametrize("value", [None, b"\xc2\xa7 1 Titel", 42, ["§ 1"]])
def test_only_text_is_parsed(value: object) -> None:
    with pytest.raises(ProtocolParseError):
        parse_protocol(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_summary(value)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Known pathological shapes, each timed around one call
# --------------------------------------------------------------------------


def attendance_protocol(fill: str) -> str:
    """A short protocol whose attendance list, title, proposals and decision carry `fill`."""
    return (
        "Region Norrbotten\nRegionstyrelsen\nPROTOKOLL\nSammanträdesdatum 2024-03-12\n"
        f"Beslutande\nAnna Andersson (S), ordförande{fill}ej § 5\nBo Berg (M) för Carl Ek (M)\n"
        f"§ 1 Öppnande {fill}\nDnr RS 2024/1\n"
        f"Yrkanden\nAnna Andersson (S) yrkar {fill} bifall.\n"
        f"Beslut\nRegionstyrelsen beslutar {fill} att öppna.\n"
        "Reservation\nBo Berg (M) reserverar sig.\n§ 2 Avslutning\nBeslut\nSammanträdet avslutas.\n"
    )


def elapsed(parse, text: str) -> float:
    start = time.perf_counter()
    parse(text)
    return time.perf_counter() - start


@pytest.mark.parametrize("space", ["\u1680", "\u00a0", "\u3000"])
@pytest.mark.parametrize("count", [2_400, 24_000])
def test_a_run_of_unicode_spaces_in_an_attendance_line(space: str, count: int) -> None:
    text = attendance_protocol(space * count)
    assert elapsed(parse_protocol, text) < 2.0
    assert elapsed(parse_summary, text) < 2.0
    attendance = parse_protocol(text).attendance
    assert [(a.name, a.party) for a in attendance][:2] == [("Anna Andersson", "S"), ("Bo Berg", "M")]


@pytest.mark.parametrize("fill", ["(" * 100_000, "((((((" * 5_000 + "x", "((((((S" * 5_000, ")(" * 50_000])
def test_runs_of_parentheses(fill: str) -> None:
    text = attendance_protocol(fill)
    assert elapsed(parse_protocol, text) < 5.0
    assert elapsed(parse_summary, text) < 5.0


@pytest.mark.parametrize(
    "unit",
    [
        "a", ".", "1", "-", "§ 1 ", "Anna Berg (S), ", "och för att ej ", "kl. 13.00 ", "Sida 3(4) ", "0A", ", ",
        "§ (S) - , . : ; Dnr 1 ", "[", "](", "http://", "[a](b) ", "omedelbart justerad ",
    ],
)
def test_lines_of_100_000_characters(unit: str) -> None:
    line = (unit * (100_000 // len(unit) + 1))[:100_000]
    text = attendance_protocol(line)
    assert elapsed(parse_protocol, text) < 5.0
    assert elapsed(parse_summary, text) < 5.0


def vote_protocol(fill: str) -> str:
    """A short protocol whose vote (meaning, counts, name lists, a table, an appendix), jäv and decision carry `fill`."""
    return (
        "Kommunfullmäktige\nPROTOKOLL\nBeslutande\nAnna Andersson (S), ordförande\n"
        f"§ 1 Budget {fill}\nDnr KS 2024/1\nOmröstning begärs och verkställs. Den som bifaller {fill} röstar ja, den som "
        f"bifaller {fill} röstar nej.\nFör ja röstar: Anna Andersson (S), {fill}\nNej: Bo Berg (M) {fill}\n"
        f"Ledamot Parti Ja Nej Avstår\nAnna Andersson S X {fill}\nMed 8 ja-röster {fill} mot 7 nej-röster beslutar "
        f"fullmäktige {fill} enligt kommunstyrelsens förslag.\nAnna Andersson (S) anmäler jäv {fill} och deltar inte.\n"
        f"Beslut\nDå {fill} beslutar kommunfullmäktige på {fill}s förslag att anta budgeten.\n§ 2 Avslutning\n"
        f"Omröstningsbilaga 1 § 1\nLedamot | Parti | Ja | Nej\nAnna Andersson | S | X | {fill}\n"
    )


@pytest.mark.parametrize(
    "unit",
    [
        "Anna Berg (S), ", "X ", "x ", "ja ", "ja-röster ", "8 ja ", "8 ja-röster mot 7 nej-röster ", "Den som bifaller ",
        "röstar ja, den som ", "jäv ", "beslutar nämnden ", "på arbetsutskottets förslag ", "| X ", "Ja: ", "- ",
        "Omröstning begärs. ", "Titel § 1 ", "åtta ", "Summa 1 ", "anmäler jäv och ", "tjänstgör ", "KS/2018:298 - 001 ",
    ],
)
def test_long_vote_and_decision_shapes(unit: str) -> None:
    fill = (unit * (20_000 // len(unit) + 1))[:20_000]
    assert elapsed(parse_protocol, vote_protocol(fill)) < 3.0
    assert elapsed(parse_summary, vote_protocol(fill)) < 3.0


@pytest.mark.parametrize(
    "line",
    ["Anna Andersson S X", "Anna Andersson | S | X |", "Ja: Anna Andersson (S),", "Ledamot Parti Ja Nej", "Titel § 1",
     "Omröstningsbilaga 1 § 1", "X X X X X X X X", "ja ja ja ja ja nej", "Diarienummer:", "\f"],
)
def test_10_000_lines_of_one_vote_shape(line: str) -> None:
    text = vote_protocol("") + (line + "\n") * 10_000
    assert elapsed(parse_protocol, text) < 5.0


@pytest.mark.parametrize("label", ["För ja röstar:", "Ledamot Parti Ja Nej Avstår", "Ledamot | Parti | Ja | Nej"])
def test_a_vote_list_of_10_000_lines(label: str) -> None:
    text = vote_protocol("").replace("Beslut\n", f"{label}\n" + "Anna Andersson (S),\nBo Berg | M | X |\n" * 5_000 + "Beslut\n")
    assert elapsed(parse_protocol, text) < 5.0


def test_a_5_mb_protocol() -> None:
    if not FIXTURE.is_file():
        pytest.skip(f"fixture missing: {FIXTURE}")
    base = FIXTURE.read_text(encoding="utf-8")
    text = (base * (5_000_000 // len(base) + 1))[:5_000_000]
    assert elapsed(parse_protocol, text) < 20.0
    assert elapsed(parse_summary, text) < 60.0


@pytest.mark.parametrize("space", [" ", "\t", "\u00a0"])
def test_extracted_page_text_with_100_000_trailing_spaces(space: str) -> None:
    page = f"Regionstyrelsen{space * 100_000}x\nSida 1{space * 100_000}\n"
    start = time.perf_counter()
    cleaned = normalise_page_text(page)
    assert time.perf_counter() - start < 1.0
    assert cleaned == f"Regionstyrelsen{space * 100_000}x\nSida 1\n"
