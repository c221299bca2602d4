"""Rows and ids of the people named in protocols: one ``people`` row per person id in an
organisation, aggregated from the rows that name people (attendance, reservations, proposals,
votes, recusals) and the dates of their meetings.

A person id is the organisation and the name folded to a slug, so two spellings that fold alike
are one person; names that differ only by a middle name, a hyphen or one letter are listed as
possible duplicates for a person to confirm, never merged.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

# The resources whose rows name a person (each row has person_id, name, party and meeting_id).
SOURCES = ("attendance", "reservations", "proposals", "votes", "recusals")
_MEMBER_ROLE = re.compile(r"ledamot|ledamöter|ersättare|ordförande|justerare", re.I)
_OFFICIAL_ROLE = re.compile(r"tjänste|sekreterare|föredragande", re.I)
_NOT_A_LETTER = re.compile(r"[\W_]+")


# ---------------------------------------------------------------- ids


def name_slug(name: str) -> str:
    """A name folded for an id: lower case, accents dropped (å, ä → a, ö → o, é → e, ü → u), and
    every run of spaces, hyphens and other punctuation one ``-``."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
    return _NOT_A_LETTER.sub("-", folded).strip("-")


def person_id(organisation_id: str, name: str | None) -> str | None:
    """``{organisation_id}/{name-slug}``; None for a row without a name (a party's reservation)."""
    slug = name_slug(name or "")
    return f"{organisation_id}/{slug}" if slug else None


# ---------------------------------------------------------------- rows


class _Person:
    """What the rows say about one person id."""

    def __init__(self) -> None:
        self.names: Counter[str] = Counter()
        self.parties: Counter[str] = Counter()
        self.spans: dict[tuple[str, str], list[str]] = {}  # (parties|roles|names, value) -> [first date, last date]
        self.meetings: set[str] = set()
        self.counts: Counter[str] = Counter()

    def add(self, resource: str, row: Mapping[str, str], when: str) -> None:
        self.counts[resource] += 1
        self.meetings.add(row["meeting_id"])
        self._seen("names", row["name"], when)
        self.names[row["name"]] += 1
        if row.get("party"):
            self._seen("parties", row["party"], when)
            self.parties[row["party"]] += 1
        if resource == "attendance" and row.get("role"):
            self._seen("roles", row["role"], when)

    def _seen(self, what: str, value: str, when: str) -> None:
        span = self.spans.setdefault((what, value), [when, when])
        span[0], span[1] = min(span[0], when), max(span[1], when)

    def _last(self, what: str, value: str) -> str:
        return self.spans[(what, value)][1]

    def spelling(self) -> str:
        """The spelling seen most often; of equally frequent ones the one seen last."""
        return max(self.names, key=lambda name: (self.names[name], self._last("names", name), name))

    def party(self) -> str | None:
        """The party seen last (on one date, the one seen more often)."""
        if not self.parties:
            return None
        return max(self.parties, key=lambda party: (self._last("parties", party), self.parties[party], party))

    def listed(self, what: str) -> str | None:
        """``S 2022-01-10–2024-05-06; V 2024-06-01–2025-02-11``: each value with its first and last date."""
        spans = sorted((first, last, value) for (kind, value), (first, last) in self.spans.items() if kind == what)
        return "; ".join(f"{value} {first}–{last}" for first, last, value in spans) or None

    def kind(self) -> str:
        """member: ever a ledamot, ersättare, ordförande or justerare, or seen voting, proposing or
        reserving themselves (which only members do); official: a tjänsteperson, sekreterare or
        föredragande; else unknown."""
        roles = [value for kind, value in self.spans if kind == "roles"]
        if any(_MEMBER_ROLE.search(role) for role in roles) or self.counts["votes"] or self.counts["proposals"] \
                or self.counts["reservations"]:
            return "member"
        return "official" if any(_OFFICIAL_ROLE.search(role) for role in roles) else "unknown"

    def dates(self) -> list[str]:
        return [date for (kind, _), span in self.spans.items() if kind == "names" for date in span]


def people_rows(organisation_id: str, meetings: Iterable[Mapping[str, str]],
                records: Mapping[str, Iterable[Mapping[str, str]]]) -> list[dict]:
    """The people of one organisation: a row per person id named in its ``records`` (resource ->
    rows of ``SOURCES``) of its ``meetings`` (rows with meeting_id and date)."""
    meeting_dates = {str(meeting["meeting_id"]): str(meeting["date"]) for meeting in meetings}
    people: dict[str, _Person] = defaultdict(_Person)
    for resource in SOURCES:
        for row in records.get(resource, ()):
            when = meeting_dates.get(row["meeting_id"])
            if row.get("person_id") and row.get("name") and when:
                people[row["person_id"]].add(resource, row, when)
    names = {key: person.spelling() for key, person in people.items()}
    duplicates = possible_duplicates(names)
    rows = []
    for key, person in sorted(people.items()):
        dates = person.dates()
        rows.append({
            "person_id": key, "organisation_id": organisation_id, "name": names[key], "party": person.party(),
            "parties": person.listed("parties"), "roles": person.listed("roles"), "kind": person.kind(),
            "first_seen": min(dates), "last_seen": max(dates), "meetings": len(person.meetings),
            "votes": person.counts["votes"], "reservations": person.counts["reservations"],
            "recusals": person.counts["recusals"], "possible_duplicates": "; ".join(sorted(duplicates.get(key, ()))) or None,
        })
    return rows


# ---------------------------------------------------------------- possible duplicates


def possible_duplicates(names: Mapping[str, str]) -> dict[str, set[str]]:
    """Person id -> the ids of the others (in ``names``: person id -> name) whose name differs only
    by a middle name, a hyphen or one letter (edit distance 1), after folding as ids fold names."""
    slugs = {key: name_slug(name) for key, name in names.items()}
    buckets: dict[str, set[str]] = defaultdict(set)
    for key, slug in slugs.items():
        words = slug.split("-")
        buckets["joined:" + slug.replace("-", "")].add(key)
        if len(words) > 1:
            buckets[f"ends:{words[0]}-{words[-1]}"].add(key)
        for variant in {slug, *(slug[:i] + slug[i + 1:] for i in range(len(slug)))}:
            buckets["deleted:" + variant].add(key)
    found: dict[str, set[str]] = defaultdict(set)
    for keys in buckets.values():
        ordered = sorted(keys)
        for index, first in enumerate(ordered):
            for second in ordered[index + 1:]:
                if slugs[first] != slugs[second] and alike(slugs[first], slugs[second]):
                    found[first].add(second)
                    found[second].add(first)
    return found


def alike(one: str, other: str) -> bool:
    """Whether two folded names differ only by a hyphen, by middle names or by one letter."""
    return one.replace("-", "") == other.replace("-", "") or _middle_names(one, other) or _one_edit(one, other)


def _middle_names(one: str, other: str) -> bool:
    short, long = sorted((one.split("-"), other.split("-")), key=len)
    if len(short) == len(long) or len(short) < 2 or short[0] != long[0] or short[-1] != long[-1]:
        return False
    rest = iter(long)
    return all(word in rest for word in short)


def _one_edit(one: str, other: str) -> bool:
    """Edit distance exactly 1 (one letter replaced, added or dropped)."""
    if abs(len(one) - len(other)) > 1 or one == other:
        return False
    if len(one) == len(other):
        return sum(a != b for a, b in zip(one, other)) == 1
    short, long = sorted((one, other), key=len)
    index = next((i for i, (a, b) in enumerate(zip(short, long)) if a != b), len(short))
    return short[index:] == long[index + 1:]
