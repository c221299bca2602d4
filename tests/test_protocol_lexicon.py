"""The shared vocabulary: dates, whitespace and the two page-furniture matchers."""

from __future__ import annotations

import sys
from datetime import date

import pytest

from scraper.documents.protocol.lexicon import (
    find_date,
    find_iso_date,
    is_furniture,
    normalise_lines,
    normalise_text,
    strip_page_furniture,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Regionstyrelsen 2024-03-12", date(2024, 3, 12)),
        ("2024-02-30 och 2024-03-01", date(2024, 3, 1)),
        ("2023-13-01", None),
        ("tisdagen den 12 mars 2024 kl. 13.00", date(2024, 3, 12)),
        ("den 1:a april 2024", date(2024, 4, 1)),
        ("12 mars 2024, justerat 2024-03-14", date(2024, 3, 12)),
        ("justerat 2024-03-14 efter mötet 12 mars 2024", date(2024, 3, 14)),
        ("Dnr 12024-03-123", None),
        ("31 februari 2024", None),
        ("", None),
        (None, None),
    ],
)
def test_find_date(text: str | None, expected: date | None) -> None:
    assert find_date(text) == expected
    assert find_iso_date(text) == (expected.isoformat() if expected else None)


def test_find_date_on_iso_dates_takes_the_first_valid_one() -> None:
    assert find_date("Möte 2024-02-29, 2024-02-30, 2025-01-01") == date(2024, 2, 29)
    assert find_date("2023-02-29 2023-03-01") == date(2023, 3, 1)


def test_every_unicode_space_becomes_a_plain_space_and_every_line_break_a_newline() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if not char.isspace():
            continue
        breaks = len(f"a{char}b".splitlines()) == 2
        assert normalise_text(f"a{char}b") == ("a\nb" if breaks else "a b"), hex(code)
        assert normalise_lines(f"Anna{char}{char}Berg") == (["Anna", "Berg"] if breaks else ["Anna Berg"]), hex(code)


@pytest.mark.parametrize(
    ("line", "whole_line", "protocol_header"),
    [
        ("Sida 3 av 10", True, True),
        ("PROTOKOLLSUTDRAG", True, True),
        ("Justerandes sign. Utdragsbestyrkande", True, True),
        ("Signerat av Anna Berg", True, True),
        ("Page 3 of 10", True, False),
        ("ABCDEF0123456789ABCDEF0123", True, False),
        ("Regionstyrelsen PROTOKOLL 2024-03-12", False, True),
        ("Ordf. sign", False, True),
        ("Beslut om PROTOKOLL", False, False),
        ("Regionstyrelsen", False, False),
    ],
)
def test_each_furniture_matcher_keeps_its_own_reach(line: str, whole_line: bool, protocol_header: bool) -> None:
    assert is_furniture(line) is whole_line
    kept, removed = strip_page_furniture([line, "Regionstyrelsen beslutar att godkänna."])
    assert removed == ([line] if protocol_header else [])
    assert kept[-1] == "Regionstyrelsen beslutar att godkänna."
