"""The replica's example protocols (Västerbotten regionstyrelsen) hold what protocols of other
templates hold: a roll-call vote with the names per side, the vote list as a table in an appendix,
a conflict of interest, a decision without a heading, a municipal paragraph heading; and the same
members at two meetings, one with another party and one misspelt. All of it is marked as example
content and is the same on every day of the replica."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest

from scraper.documents.text import extract_text
from scraper.replica import content, pdfmake


@pytest.fixture(scope="module")
def september() -> str:
    return extract_text(content.render_document(_protocol("mote-2025-09-09", 0))).text


@pytest.fixture(scope="module")
def october() -> str:
    return extract_text(content.render_document(_protocol("regionstyrelsen-2025-10-14", 0))).text


def _protocol(slug: str, index: int, day: int = 1) -> content.Doc:
    committee = next(c for c in content.build(day)["vasterbotten"].committees if c.slug == "regionstyrelsen")
    return next(m for m in committee.meetings if m.slug == slug).protocols[index]


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end, text.index(start))]


def test_a_roll_call_vote_names_each_side(september):
    vote = " ".join(_section(september, "Omröstning begärs och verkställs.", "Regionstyrelsens beslut").split())
    assert "Den som bifaller arbetsutskottets förslag röstar ja, den som bifaller Bertil Provssons (M) avslagsyrkande " \
           "röstar nej. Vid omröstningen avges 8 ja-röster och 7 nej-röster." in vote
    yes = re.search(r"För ja röstar: (.*?)\. För nej röstar: (.*?)\. ", vote)
    assert len(yes.group(1).split(", ")) == 8 and len(yes.group(2).split(", ")) == 7
    assert "Bertil Provsson (M) och Karin Modellsson (M) reserverar sig mot beslutet" in september


def test_the_vote_list_is_a_table_in_an_appendix(september):
    appendix = september[september.index("Omröstningsbilaga\n"):]
    rows = [line for line in appendix.splitlines() if re.fullmatch(r".+ (S|M|C|V|SD|KD|L|MP) (Ja|Nej)", line)]
    assert len(rows) == 15 and sum(row.endswith(" Ja") for row in rows) == 8
    assert "Ledamot Parti Ja Nej Avstår" in appendix and "Summa 8 7 0" in appendix
    pdf = pdfium.PdfDocument(content.render_document(_protocol("mote-2025-09-09", 0)))
    last = pdf[len(pdf) - 1].get_textpage()
    starts = [last.get_charbox(i)[0] for i in range(last.count_chars())
              if last.get_text_range(i, 2) == "Ja" or last.get_text_range(i, 3) == "Nej"]
    columns = [pdfmake.MARGIN_LEFT + pdfmake.TABLE_STOPS[2], pdfmake.MARGIN_LEFT + pdfmake.TABLE_STOPS[3]]
    assert len(starts) == 15 + 2 and all(min(abs(x - c) for c in columns) < 2 for x in starts), starts


def test_a_conflict_of_interest_and_a_decision_without_a_heading(september):
    paragraph = _section(september, "§ 142", content.EXAMPLE)
    assert "David Demosson (S) anmäler jäv och deltar inte i handläggningen." in " ".join(paragraph.split())
    assert "beslut\n" not in paragraph and "Regionstyrelsen beslutar på arbetsutskottets förslag att" in paragraph


def test_one_meeting_uses_a_municipal_heading_with_the_title_below(october):
    assert re.search(r"^RS § 150 RS/2025:1150 - 001\nExempelärende: delårsrapport$", october, re.M)
    assert re.search(r"^RS § 151 RS/2025:1151 - 040\nExempelärende: motion om cykelvägar$", october, re.M)


def test_the_members_meet_again_with_a_new_party_and_a_misspelt_name(september, october):
    assert "Cecilia Testdotter (C)" in september and "Cecilia Testdotter (L)" in october
    assert "Bertil Provsson (M), vice ordförande" in september and "Bertil Provson (M), vice ordförande" in october


def test_example_protocols_say_so_and_stay_the_same_every_day(september, october):
    for text in (september, october):
        assert text.count(content.EXAMPLE) >= 3
    partial = extract_text(content.render_document(_protocol("mote-2025-09-09", 1))).text
    assert re.findall(r"^§ \d+$", partial, re.M) == ["§ 140"] and content.EXAMPLE in partial
    for day in (2, 3):
        for slug, index in (("mote-2025-09-09", 0), ("mote-2025-09-09", 1), ("regionstyrelsen-2025-10-14", 0)):
            assert _protocol(slug, index, day) == _protocol(slug, index), (slug, day)


def test_a_table_row_is_never_wrapped_and_a_long_line_is():
    lines = [pdfmake.TableRow(("Ett mycket långt namn " * 5, "S", "Ja")), "ord " * 60]
    [page] = pdfmake.paginate(lines, 40)
    assert isinstance(page[0], pdfmake.TableRow) and len(page) > 2
