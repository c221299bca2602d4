"""The appeal clock: Swedish public holidays and the last day to appeal a decision. Pure functions.

- Laglighetsprövning, Kommunallagen (2017:725) 13 kap. 5 §: an appeal must reach the
  administrative court within three weeks from the day it was announced on the bulletin board
  that the protocol of the decision was adjusted. Three weeks from a day ends on the same weekday
  three weeks later (the notice posted on Tuesday 2025-09-09: Tuesday 2025-09-30).
- Lagen (1930:173) om beräkning av lagstadgad tid, 2 §: a period whose last day falls on a
  Saturday, a Sunday or another public holiday, midsommarafton, julafton or nyårsafton ends on
  the next weekday.
- Lagen (1989:253) om allmänna helgdagar: the public holidays. Since 2005 Sveriges nationaldag
  (6 June) is one and annandag pingst is not; before 2005 it was the other way round.
"""

from __future__ import annotations

from datetime import date, timedelta

APPEAL_PERIOD = timedelta(weeks=3)
NATIONAL_DAY_FROM = 2005  # lag (2004:1320): 6 June a public holiday, annandag pingst no longer one


def easter_sunday(year: int) -> date:
    """Easter Sunday of a year of the Gregorian calendar (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _saturday_between(start: date) -> date:
    """The Saturday among the seven days from ``start`` on."""
    return start + timedelta(days=(5 - start.weekday()) % 7)


def public_holidays(year: int) -> dict[date, str]:
    """The public holidays (allmänna helgdagar) of a year other than the ordinary Sundays, by date."""
    easter = easter_sunday(year)
    midsummer_day = _saturday_between(date(year, 6, 20))
    holidays = {
        date(year, 1, 1): "nyårsdagen",
        date(year, 1, 6): "trettondedag jul",
        easter - timedelta(days=2): "långfredagen",
        easter: "påskdagen",
        easter + timedelta(days=1): "annandag påsk",
        easter + timedelta(days=39): "Kristi himmelsfärdsdag",
        date(year, 5, 1): "första maj",
        easter + timedelta(days=49): "pingstdagen",
        midsummer_day: "midsommardagen",
        _saturday_between(date(year, 10, 31)): "alla helgons dag",
        date(year, 12, 25): "juldagen",
        date(year, 12, 26): "annandag jul",
    }
    if year >= NATIONAL_DAY_FROM:
        holidays[date(year, 6, 6)] = "Sveriges nationaldag"
    else:
        holidays[easter + timedelta(days=50)] = "annandag pingst"
    return holidays


def days_off(year: int) -> dict[date, str]:
    """The days other than Saturdays and Sundays on which a period may not end (lag 1930:173, 2 §):
    the public holidays, midsommarafton, julafton and nyårsafton."""
    return {
        **public_holidays(year),
        _saturday_between(date(year, 6, 20)) - timedelta(days=1): "midsommarafton",
        date(year, 12, 24): "julafton",
        date(year, 12, 31): "nyårsafton",
    }


def is_day_off(day: date) -> bool:
    """Whether a period that ends on ``day`` runs on to the next weekday."""
    return day.weekday() >= 5 or day in days_off(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself, or the first day after it that is not a Saturday, Sunday or day off."""
    while is_day_off(day):
        day += timedelta(days=1)
    return day


def appeal_deadline(posted: date) -> date:
    """The last day an appeal (laglighetsprövning) can reach the court, for a protocol whose
    adjustment was announced on the bulletin board on ``posted``."""
    return next_working_day(posted + APPEAL_PERIOD)
