"""The appeal clock: Swedish public holidays (Easter-dependent ones included) and the last day to
appeal, checked against the calendars of several years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper.rows.deadlines import appeal_deadline, days_off, easter_sunday, is_day_off, public_holidays


@pytest.mark.parametrize("year, easter", [
    (1818, date(1818, 3, 22)), (1943, date(1943, 4, 25)), (2000, date(2000, 4, 23)), (2004, date(2004, 4, 11)),
    (2019, date(2019, 4, 21)), (2020, date(2020, 4, 12)), (2021, date(2021, 4, 4)), (2022, date(2022, 4, 17)),
    (2023, date(2023, 4, 9)), (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
    (2027, date(2027, 3, 28)), (2028, date(2028, 4, 16)), (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22)),
])
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter and easter.weekday() == 6


def test_the_public_holidays_of_2024():
    assert public_holidays(2024) == {
        date(2024, 1, 1): "nyårsdagen", date(2024, 1, 6): "trettondedag jul", date(2024, 3, 29): "långfredagen",
        date(2024, 3, 31): "påskdagen", date(2024, 4, 1): "annandag påsk", date(2024, 5, 1): "första maj",
        date(2024, 5, 9): "Kristi himmelsfärdsdag", date(2024, 5, 19): "pingstdagen", date(2024, 6, 6): "Sveriges nationaldag",
        date(2024, 6, 22): "midsommardagen", date(2024, 11, 2): "alla helgons dag", date(2024, 12, 25): "juldagen",
        date(2024, 12, 26): "annandag jul",
    }


@pytest.mark.parametrize("year, good_friday, ascension, whitsun, midsummer_eve, all_saints", [
    (2025, date(2025, 4, 18), date(2025, 5, 29), date(2025, 6, 8), date(2025, 6, 20), date(2025, 11, 1)),
    (2026, date(2026, 4, 3), date(2026, 5, 14), date(2026, 5, 24), date(2026, 6, 19), date(2026, 10, 31)),
    (2027, date(2027, 3, 26), date(2027, 5, 6), date(2027, 5, 16), date(2027, 6, 25), date(2027, 11, 6)),
    (2030, date(2030, 4, 19), date(2030, 5, 30), date(2030, 6, 9), date(2030, 6, 21), date(2030, 11, 2)),
])
def test_moving_holidays_of_other_years(year, good_friday, ascension, whitsun, midsummer_eve, all_saints):
    holidays, off = public_holidays(year), days_off(year)
    assert holidays[good_friday] == "långfredagen" and holidays[good_friday + timedelta(days=3)] == "annandag påsk"
    assert holidays[ascension] == "Kristi himmelsfärdsdag" and ascension.weekday() == 3
    assert holidays[whitsun] == "pingstdagen"
    assert off[midsummer_eve] == "midsommarafton" and midsummer_eve.weekday() == 4 and midsummer_eve not in holidays
    assert holidays[midsummer_eve + timedelta(days=1)] == "midsommardagen"
    assert holidays[all_saints] == "alla helgons dag" and all_saints.weekday() == 5
    assert off[date(year, 12, 24)] == "julafton" and off[date(year, 12, 31)] == "nyårsafton"
    assert len(holidays) == 13 and len(off) == 16


def test_before_2005_annandag_pingst_was_a_holiday_and_the_national_day_was_not():
    assert public_holidays(2004)[date(2004, 5, 31)] == "annandag pingst"
    assert date(2004, 6, 7) not in public_holidays(2004) and date(2004, 6, 6) not in public_holidays(2004)
    assert date(2005, 5, 16) not in public_holidays(2005) and public_holidays(2005)[date(2005, 6, 6)] == "Sveriges nationaldag"


@pytest.mark.parametrize("posted, deadline, why", [
    (date(2025, 9, 9), date(2025, 9, 30), "three weeks: the same weekday"),
    (date(2025, 9, 11), date(2025, 10, 2), "the replica's notice of 2025-09-09"),
    (date(2024, 3, 14), date(2024, 4, 4), "past Easter, which it does not reach"),
    (date(2025, 3, 1), date(2025, 3, 24), "a Saturday: the next Monday"),
    (date(2025, 12, 3), date(2025, 12, 29), "julafton, juldagen, annandag jul and a weekend"),
    (date(2025, 12, 10), date(2026, 1, 2), "nyårsafton and nyårsdagen"),
    (date(2026, 3, 13), date(2026, 4, 7), "långfredagen, the Easter weekend and annandag påsk"),
    (date(2026, 4, 23), date(2026, 5, 15), "Kristi himmelsfärdsdag (a Thursday)"),
    (date(2026, 5, 29), date(2026, 6, 22), "midsommarafton and the midsummer weekend"),
    (date(2025, 5, 16), date(2025, 6, 9), "the national day on a Friday"),
    (date(2026, 12, 16), date(2027, 1, 7), "trettondedag jul"),
    (date(2026, 4, 10), date(2026, 5, 4), "första maj on a Friday"),
    (date(2025, 10, 11), date(2025, 11, 3), "alla helgons dag"),
    (date(2004, 5, 10), date(2004, 6, 1), "annandag pingst before 2005"),
])
def test_appeal_deadline(posted, deadline, why):
    assert appeal_deadline(posted) == deadline, why


def test_an_ordinary_weekday_is_no_day_off():
    assert not is_day_off(date(2025, 9, 30)) and is_day_off(date(2025, 9, 27)) and is_day_off(date(2025, 12, 24))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 1)))
def test_the_deadline_is_the_first_working_day_from_three_weeks_on(posted):
    deadline = appeal_deadline(posted)
    assert deadline >= posted + timedelta(weeks=3) and not is_day_off(deadline)
    assert (deadline - posted).days <= 21 + 5  # the longest run of days off is julafton to the Sunday after
    day = posted + timedelta(weeks=3)
    while day < deadline:
        assert is_day_off(day)
        day += timedelta(days=1)
