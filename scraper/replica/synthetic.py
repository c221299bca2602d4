"""A large synthetic Meetings Plus portal for benchmarks, served by the replica server.

``SyntheticPortal(SyntheticConfig(committees=20, meetings=2000, pages=40, seed=1))`` describes a
portal with that many committees and meetings (a few upcoming per committee, the rest held, one
every ``interval_days``), a protocol of about ``pages`` A4 pages for every held meeting older than
``protocol_lag_days`` (or for the ``protocols`` oldest ones), and agenda items that match the
protocol's paragraphs. The same configuration always gives the same portal, page for page and
byte for byte.

Protocol text is put together from the sections of the real Norrbotten regionstyrelsen protocol
of 2024-03-12 (``content/protocol_norrbotten_regionstyrelsen_2024-03-12.txt``): its § paragraphs,
with their decisions, Dnr, background, proposals and reservations, renumbered, re-dated and
given new case numbers, under a cover page with a synthetic attendance list. Surnames of the
people in the real protocol are replaced by invented ones, and every protocol says on its first
line that it is synthetic.

Days: on day 1 the portal is as described; from day 2 on, the protocol of one recent meeting
(``changed_meeting``) is corrected: one paragraph gets an added sentence, so a scrape sees one
changed document and one changed paragraph.

PDFs are made with ``pdfmake.make_text_pdf`` only when a document is first asked for, and kept on
disk in ``cache_dir`` under the SHA-256 of what they are made from, so later runs (and other
processes) reuse them. ``warm`` renders the missing ones ahead of time on several processes.

Serve it (prints the base URL, then reads ``day N`` / ``quit`` lines on standard input)::

    python -m scraper.replica.synthetic --committees 20 --meetings 2000 --pages 40 --cache-dir /tmp/pdfs
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import threading
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache
from pathlib import Path

from . import pdfmake
from .content import NORRBOTTEN_PROTOCOL, CommitteeContent, Doc, Item, MeetingContent, PortalContent, _read

PORTAL_ID = "synthetic"
ORGANISATION_ID = "region-syntetisk"
ORGANISATION = "Region Syntetisk"
TODAY = date(2026, 11, 25)
LAST_DAY = 2
NOTICE = "Syntetiskt protokoll för prestandamätning, inte ett verkligt protokoll."
CORRECTION = ("Rättelse: beslutet kompletteras med att uppföljningen redovisas för styrelsen "
              "senast vid sista sammanträdet före sommaruppehållet.")

_COMMITTEES = [
    "Regionstyrelsen", "Regionfullmäktige", "Hälso- och sjukvårdsnämnden", "Regionala utvecklingsnämnden",
    "Patientnämnden", "Kulturnämnden", "Kollektivtrafiknämnden", "Fastighetsnämnden", "Servicenämnden",
    "Folkhälsonämnden", "Tandvårdsnämnden", "Personalutskottet", "Arbetsutskottet", "Revisionsutskottet",
    "Valnämnden", "Krisledningsnämnden", "Beredningen för demokrati", "Miljö- och klimatberedningen",
    "Samverkansnämnden", "Forskningsnämnden",
]
_AREAS = ["Umeå", "Skellefteå", "Lycksele", "Luleå", "Piteå", "Kiruna", "Gällivare", "Haparanda", "Vilhelmina",
          "Storuman", "Sorsele", "Malå", "Norsjö", "Vindeln", "Robertsfors", "Nordmaling", "Bjurholm", "Vännäs"]
_FIRST = ["Anna", "Erik", "Karin", "Lars", "Maria", "Johan", "Eva", "Per", "Sara", "Mikael", "Åsa", "Björn",
          "Ingrid", "Göran", "Linnéa", "Jörgen", "Märta", "Örjan", "Elin", "Nils", "Helena", "Olof", "Sofia", "Tomas"]
_LAST = ["Lindqvist", "Åkerlund", "Nyström", "Håkansson", "Berglöf", "Sjödin", "Ekholm", "Grönlund", "Almqvist",
         "Fjällström", "Norberg", "Rönnbäck", "Wästlund", "Hedlund", "Lundmark", "Östlund", "Marklund", "Burström",
         "Nordin", "Holmgren", "Strömberg", "Ågren", "Bäckström", "Forsberg", "Sandlund", "Viklund", "Öhman"]
_PARTIES = ["S", "M", "SD", "C", "V", "KD", "L", "MP"]
_ROLES = ["regiondirektör", "kanslichef", "ekonomidirektör", "nämndsekreterare", "HR-direktör", "utredare"]
_WEEKDAYS = ["måndagen", "tisdagen", "onsdagen", "torsdagen", "fredagen", "lördagen", "söndagen"]
_MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"]
# people named in the real protocol's paragraphs who are not on its cover page
_OTHER_SURNAMES = ["Wikström", "Wahlström", "Sundström", "Bergman", "Frohm"]

_SECTION_START = re.compile(r"\s*§ (\d+)\s*")
_DNR = re.compile(r"\bNLL-\d{5}-\d{4}\b")
_HEADINGS = re.compile(r"^(?:Dnr\b|Regionstyrelsens beslut|Ärendet|Beslutsunderlag|Förslag till beslut)")


def slugify(text: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
    return re.sub(r"[^a-z0-9]+", "-", text.lower().translate(table)).strip("-")


def genitive(name: str) -> str:
    return name if name.endswith(("s", "x", "z")) else name + "s"


@dataclass(frozen=True)
class Section:
    """One § paragraph of the source protocol: its lines (first line the § heading), title and
    the number of lines it takes once wrapped to the page width."""

    lines: tuple[str, ...]
    title: str
    has_case: bool
    wrapped: int


@dataclass(frozen=True)
class Source:
    cover: tuple[str, ...]
    opening: tuple[Section, ...]  # the procedural paragraphs at the start (opening, roll call ...)
    body: tuple[Section, ...]  # the paragraphs with a case number
    closing: Section
    surnames: tuple[str, ...]  # surnames of real people in the source, to be replaced
    per_page: int


def _wrapped(lines) -> int:
    return sum(len(pdfmake.wrap_line(pdfmake.to_winansi(line))) for line in lines)


def _title(lines: list[str]) -> str:
    parts: list[str] = []
    for line in lines[1:]:
        line = line.strip()
        if not line or _HEADINGS.match(line):
            break
        if parts and parts[-1].endswith("-"):
            parts[-1] = parts[-1] + line
        else:
            parts.append(line)
    return " ".join(parts)


@lru_cache(maxsize=1)
def source() -> Source:
    """The real protocol cut into its cover page and § sections."""
    from .content import norrbotten_protocol_text

    lines = pdfmake.text_lines(norrbotten_protocol_text(False))
    starts = [i for i, line in enumerate(lines) if _SECTION_START.fullmatch(line)]
    sections = []
    for start, end in zip(starts, starts[1:] + [len(lines)]):
        chunk = [line.rstrip() for line in lines[start:end]]
        sections.append(Section(tuple(chunk), _title(chunk), any(line.startswith("Dnr ") for line in chunk), _wrapped(chunk)))
    cover = [line.rstrip() for line in lines[: starts[0]]]
    surnames: list[str] = []
    for line in cover:
        match = re.match(r"\s*([A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+)+)(?: \(|,|\s*$)", line)
        if match and not _HEADINGS.match(match[1]) and " " in match[1]:
            for word in match[1].split()[1:]:
                if word not in surnames and word[0].isupper() and word not in ("Teams",):
                    surnames.append(word)
    for word in _OTHER_SURNAMES:
        if word not in surnames:
            surnames.append(word)
    header_lines = 3
    first_case = next(i for i, s in enumerate(sections) if s.has_case)
    return Source(
        cover=tuple(cover),
        opening=tuple(sections[:first_case]),
        body=tuple(s for s in sections[first_case:-1] if s.has_case),
        closing=sections[-1],
        surnames=tuple(sorted(surnames, key=len, reverse=True)),
        per_page=pdfmake.lines_per_page(header_lines),
    )


# ---------------------------------------------------------------- configuration and plan


@dataclass(frozen=True)
class SyntheticConfig:
    committees: int = 20
    meetings: int = 2000  # in all, upcoming ones included
    pages: int = 40  # about this many pages per protocol
    protocols: int | None = None  # None: every held meeting older than protocol_lag_days has one
    seed: int = 1
    today: date = TODAY
    interval_days: int = 21  # between two meetings of a committee
    upcoming: int = 1  # upcoming meetings per committee
    protocol_lag_days: int = 10  # a held meeting younger than this has no protocol yet

    def scaled(self, factor: int) -> "SyntheticConfig":
        """The same portal with ``factor`` times the meetings (and protocols): a deeper archive."""
        from dataclasses import replace

        return replace(self, meetings=self.meetings * factor,
                       protocols=None if self.protocols is None else self.protocols * factor)

    def as_dict(self) -> dict:
        return {**asdict(self), "today": self.today.isoformat()}


@dataclass(frozen=True)
class Paragraph:
    number: int
    section: int  # index into source().body, or -1 for opening/closing sections
    case: str | None
    title: str


@dataclass
class MeetingPlan:
    committee: int
    index: int  # 0 = the committee's newest meeting
    when: date
    portal_meeting_id: int
    has_protocol: bool
    paragraphs: list[Paragraph] = field(default_factory=list)


class SyntheticPortal:
    """The content provider and document renderer of one synthetic portal."""

    def __init__(self, config: SyntheticConfig, cache_dir: Path | None = None):
        self.config = config
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.rendered = 0  # documents rendered by this object (not found in the cache)
        self._lock = threading.Lock()
        self._content: dict[int, dict[str, PortalContent]] = {}

    # --- the plan --------------------------------------------------------

    @cached_property
    def committee_names(self) -> list[str]:
        names = list(_COMMITTEES[: self.config.committees])
        index = 0
        while len(names) < self.config.committees:
            names.append(f"Lokala nämnden {_AREAS[index % len(_AREAS)]}" + (f" {index // len(_AREAS) + 1}" if index >= len(_AREAS) else ""))
            index += 1
        return names

    @cached_property
    def plans(self) -> list[MeetingPlan]:
        """Every meeting, newest first per committee, committees in order."""
        config = self.config
        rng = random.Random(f"{config.seed}:plan")
        per_committee = [config.meetings // config.committees + (1 if c < config.meetings % config.committees else 0)
                         for c in range(config.committees)]
        plans: list[MeetingPlan] = []
        next_id = 700000
        for committee, count in enumerate(per_committee):
            offset = rng.randint(1, config.interval_days)
            upcoming = min(config.upcoming, count)
            for index in range(count):
                if index < upcoming:
                    when = config.today + timedelta(days=offset + (upcoming - 1 - index) * config.interval_days)
                else:
                    when = config.today - timedelta(days=offset + (index - upcoming) * config.interval_days)
                next_id += 1
                plans.append(MeetingPlan(committee, index, when, next_id, False))
        held = sorted((p for p in plans if p.when < config.today), key=lambda p: (p.when, p.committee), reverse=True)
        if config.protocols is None:
            with_protocol = [p for p in held if (config.today - p.when).days >= config.protocol_lag_days]
        else:
            with_protocol = held[max(0, len(held) - config.protocols):]
        for plan in with_protocol:
            plan.has_protocol = True
        for plan in plans:
            plan.paragraphs = self._paragraphs(plan)
        return plans

    def _paragraphs(self, plan: MeetingPlan) -> list[Paragraph]:
        """The § paragraphs of a meeting: opening, enough case paragraphs for ``pages`` pages, closing."""
        src = source()
        rng = random.Random(f"{self.config.seed}:{plan.committee}:{plan.index}")
        budget = self.config.pages * src.per_page - src.per_page  # the cover takes about a page
        budget -= sum(s.wrapped for s in src.opening) + src.closing.wrapped
        number = 1 + (plan.index * 7) % 90
        paragraphs = [Paragraph(number + i, -1, None, s.title) for i, s in enumerate(src.opening)]
        number += len(src.opening)
        serial = rng.randint(1, 9000)
        while budget > 0 or len(paragraphs) == len(src.opening):
            pick = rng.randrange(len(src.body))
            section = src.body[pick]
            if section.wrapped > max(budget, 0) + src.per_page // 2 and len(paragraphs) > len(src.opening):
                smaller = [i for i, s in enumerate(src.body) if s.wrapped <= budget + src.per_page // 2]
                if not smaller:
                    break
                pick = rng.choice(smaller)
                section = src.body[pick]
            serial += rng.randint(1, 40)
            case = f"RS-{serial % 100000:05d}-{plan.when.year}"
            paragraphs.append(Paragraph(number, pick, case, self._localise(section.title, plan)))
            number += 1
            budget -= section.wrapped
        paragraphs.append(Paragraph(number, -1, None, src.closing.title))
        return paragraphs

    def _localise(self, text: str, plan: MeetingPlan) -> str:
        name = self.committee_names[plan.committee]
        text = text.replace("2024-03-12", plan.when.isoformat())
        text = text.replace("den 12 mars\n2024", f"den {plan.when.day} {_MONTHS[plan.when.month - 1]}\n{plan.when.year}")
        text = text.replace("Regionstyrelsens", genitive(name)).replace("Regionstyrelsen", name)
        text = text.replace("Region Norrbotten", ORGANISATION)
        return text

    # --- the content -----------------------------------------------------

    def committee_slug(self, committee: int) -> str:
        return slugify(self.committee_names[committee])

    def meeting_slug(self, plan: MeetingPlan) -> str:
        return f"mote-{plan.when.isoformat()}"

    def protocol_path(self, plan: MeetingPlan) -> str:
        slug = self.committee_slug(plan.committee)
        return f"/committees/{slug}/{self.meeting_slug(plan)}/protocol/protokoll-{slug}-{plan.when.isoformat()}pdf"

    @cached_property
    def changed_meeting(self) -> MeetingPlan:
        """The meeting whose protocol is corrected from day 2 on: the newest held meeting with a
        protocol that is recent enough to be re-checked by every scrape run."""
        with_protocol = [p for p in self.plans if p.has_protocol]
        if not with_protocol:
            raise ValueError("the synthetic portal has no protocol to change: give it more meetings")
        return max(with_protocol, key=lambda p: (p.when, -p.committee))

    def content(self, day: int) -> dict[str, PortalContent]:
        """The portal on a day (the content provider of the replica server)."""
        day = max(1, min(day, LAST_DAY))
        with self._lock:
            if day not in self._content:
                self._content[day] = {PORTAL_ID: self._build(day)}
            return self._content[day]

    __call__ = content

    def _build(self, day: int) -> PortalContent:
        committees: list[CommitteeContent] = []
        by_committee: dict[int, list[MeetingPlan]] = {}
        for plan in self.plans:
            by_committee.setdefault(plan.committee, []).append(plan)
        changed = self.changed_meeting if any(p.has_protocol for p in self.plans) else None
        for committee, plans in sorted(by_committee.items()):
            name, slug = self.committee_names[committee], self.committee_slug(committee)
            meetings = []
            for plan in plans:
                version = 2 if day >= 2 and plan is changed else 1
                meetings.append(self._meeting(plan, name, slug, version))
            committees.append(CommitteeContent(slug, name, 5000 + committee, meetings))
        return PortalContent(PORTAL_ID, ORGANISATION, committees)

    def _meeting(self, plan: MeetingPlan, name: str, slug: str, version: int) -> MeetingContent:
        when = plan.when
        base = f"/committees/{slug}/{self.meeting_slug(plan)}"
        items = []
        for ordinal, paragraph in enumerate(plan.paragraphs, 1):
            attachments = []
            if paragraph.case and ordinal % 4 == 0:
                attachments.append(Doc(f"{base}/agenda/bilaga-{ordinal}-{slugify(paragraph.case)}pdf",
                                       f"Bilaga {ordinal} {paragraph.case}.pdf", "84kb",
                                       ("synthetic_attachment", (paragraph.title, paragraph.case))))
            items.append(Item(str(ordinal), paragraph.title, [], [paragraph.case] if paragraph.case else [], attachments))
        protocols = []
        if plan.has_protocol:
            protocols.append(Doc(self.protocol_path(plan), f"Protokoll {name} {when.isoformat()}.pdf",
                                 f"{self.config.pages * 24}kb",
                                 ("synthetic_protocol", (plan.committee, plan.index, version))))
        weekday = _WEEKDAYS[when.weekday()].removesuffix("en").capitalize()
        return MeetingContent(
            slug=self.meeting_slug(plan), date=when, title=f"Möte {when.isoformat()}",
            description=[f"{weekday} {when.day} {_MONTHS[when.month - 1]}", "13.00 Sammanträdet startar",
                         "Plats: Sammanträdesrummet, Regionhuset"],
            items=items, protocols=protocols, portal_meeting_id=plan.portal_meeting_id,
        )

    # --- documents -------------------------------------------------------

    def plan_of(self, committee: int, index: int) -> MeetingPlan:
        return self._plan_index[(committee, index)]

    @cached_property
    def _plan_index(self) -> dict[tuple[int, int], MeetingPlan]:
        return {(p.committee, p.index): p for p in self.plans}

    def roster(self, committee: int) -> list[tuple[str, str]]:
        """(name, party) of a committee's members, the same for each of its meetings."""
        rng = random.Random(f"{self.config.seed}:roster:{committee}")
        people, seen = [], set()
        while len(people) < 19:
            name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
            if name not in seen:
                seen.add(name)
                people.append((name, rng.choice(_PARTIES)))
        return people

    def protocol_text(self, committee: int, index: int, version: int = 1) -> str:
        """The text of a meeting's protocol (``version`` 2: as corrected from day 2 on)."""
        plan = self.plan_of(committee, index)
        src = source()
        name = self.committee_names[committee]
        people = self.roster(committee)
        rng = random.Random(f"{self.config.seed}:text:{committee}:{index}")
        when = plan.when
        lines = [NOTICE, "",
                 f"Plats och tid: Sammanträdesrummet, Regionhuset, {_WEEKDAYS[when.weekday()]} den {when.day} "
                 f"{_MONTHS[when.month - 1]} {when.year}", f"kl. 13:00-{14 + rng.randint(0, 3)}:{rng.randint(0, 59):02d}", "",
                 "Beslutande"]
        members, substitutes = people[:13], people[13:17]
        for number, (person, party) in enumerate(members):
            role = ", ordförande" if number == 0 else ", vice ordförande" if number == 1 else ""
            if number in (5, 9):
                stand_in = substitutes[0 if number == 5 else 1]
                lines.append(f"{stand_in[0]} ({stand_in[1]}), tjänstgörande ersättare för {person} ({party})")
            else:
                lines.append(f"{person} ({party}){role}")
        lines += ["", "Övriga närvarande"]
        for number, (person, _party) in enumerate(people[17:]):
            lines.append(f"{person}, {_ROLES[(committee + number) % len(_ROLES)]}")
        for person, party in substitutes[2:]:
            lines.append(f"{person} ({party}), ersättare")
        first, last = plan.paragraphs[0].number, plan.paragraphs[-1].number
        secretary = f"{_FIRST[(committee * 5) % len(_FIRST)]} {_LAST[(committee * 3 + 1) % len(_LAST)]}"
        lines += ["", "Justeringens plats och tid", "", "Justerad digitalt", "", f"Paragrafer §§ {first}-{last}", "",
                  "Underskrifter", "", "Sekreterare   ......................................................................",
                  f" {secretary}", "", "Ordförande  ......................................................................",
                  f" {members[0][0]}", "", "Justerare  ......................................................................",
                  f" {members[2][0]}"]
        surnames = {real: people[i % len(people)][0].split()[-1] for i, real in enumerate(src.surnames)}
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, surnames)) + r")\b")
        opening = iter(src.opening)
        first_case = True
        for paragraph in plan.paragraphs:
            if paragraph.section >= 0:
                section = src.body[paragraph.section]
            elif paragraph is plan.paragraphs[-1]:
                section = src.closing
            else:
                section = next(opening)
            body = [f"§ {paragraph.number}"] + list(section.lines[1:])
            text = "\n".join(body)
            if paragraph.case:
                text = _DNR.sub(paragraph.case, text, count=1)
                text = _DNR.sub(lambda m: f"RS-{rng.randint(1, 99999):05d}-{when.year}", text)
            text = self._localise(text, plan)
            text = pattern.sub(lambda m: surnames[m[1]], text)
            if version >= 2 and paragraph.case and first_case:
                text = text.rstrip("\n") + "\n\n" + CORRECTION
            if paragraph.case:
                first_case = False
            lines += ["", text]
        return "\n".join(lines) + "\n"

    def document_source(self, doc: Doc) -> tuple[str, str, list[str], list[str]]:
        """(text, title, header, footer) a document's PDF is made from."""
        kind, args = doc.builder
        if kind == "synthetic_protocol":
            committee, index, version = args
            plan = self.plan_of(committee, index)
            name = self.committee_names[committee]
            return (self.protocol_text(committee, index, version), f"Protokoll {name} {plan.when.isoformat()}",
                    [name, "PROTOKOLL", f"Sammanträdesdatum {plan.when.isoformat()}"],
                    ["Justerandes signatur", "Utdragsbestyrkande"])
        if kind == "synthetic_attachment":
            title, case = args
            return f"{title}\n\nDnr {case}\n\n{NOTICE}\n", f"Bilaga {case}", [], []
        raise KeyError(kind)

    def render(self, doc: Doc) -> bytes:
        """A document's PDF, from the cache on disk when it was made before (the document renderer)."""
        text, title, header, footer = self.document_source(doc)
        key = pdf_key(text, title, header, footer)
        path = self.cache_path(key)
        if path is not None:
            try:
                return path.read_bytes()
            except OSError:
                pass
        data = pdfmake.make_text_pdf(text, title=title, header=header or None, footer=footer or None)
        with self._lock:
            self.rendered += 1
        if path is not None:
            _write_atomically(path, data)
        return data

    def cache_path(self, key: str) -> Path | None:
        return self.cache_dir / key[:2] / f"{key}.pdf" if self.cache_dir else None

    def protocol_docs(self, day: int = 1) -> list[Doc]:
        return [d for c in self.content(day)[PORTAL_ID].committees for m in c.meetings for d in m.protocols]

    def warm(self, docs: list[Doc], workers: int | None = None) -> int:
        """Render the documents missing from the cache, on ``workers`` processes. Returns how many."""
        if self.cache_dir is None:
            return 0
        jobs = []
        for doc in docs:
            text, title, header, footer = self.document_source(doc)
            path = self.cache_path(pdf_key(text, title, header, footer))
            if not path.exists():
                jobs.append((str(path), text, title, header, footer))
        if not jobs:
            return 0
        workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
        if workers == 1:
            for job in jobs:
                _render_job(job)
        else:
            import multiprocessing

            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            with multiprocessing.get_context(method).Pool(workers) as pool:
                for _ in pool.imap_unordered(_render_job, jobs, chunksize=4):
                    pass
        return len(jobs)

    def portal_config(self, base_url: str, delay: float = 0.0):
        """The scraper's ``Portal`` for this portal at ``base_url`` (every committee, listed by name)."""
        from ..config import Portal

        return Portal(id=PORTAL_ID, organisation_id=ORGANISATION_ID, organisation=ORGANISATION, kind="region",
                      base_url=base_url.rstrip("/"), committees=tuple(self.committee_slug(c) for c in range(self.config.committees)),
                      delay=delay)


def pdf_key(text: str, title: str, header: list[str], footer: list[str]) -> str:
    return hashlib.sha256(json.dumps([text, title, header, footer], ensure_ascii=False).encode("utf-8")).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _render_job(job: tuple) -> None:
    path, text, title, header, footer = job
    _write_atomically(Path(path), pdfmake.make_text_pdf(text, title=title, header=header or None, footer=footer or None))


# ---------------------------------------------------------------- serving


def serve(portal: SyntheticPortal, port: int = 0, day: int = 1):
    """Start the replica server for the synthetic portal (a ``RunningReplica``)."""
    from .server import start

    return start(port=port, day=day, today=portal.config.today, content_provider=portal,
                 document_renderer=portal.render, portal_ids=(PORTAL_ID,))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a synthetic Meetings Plus portal on loopback.")
    parser.add_argument("--committees", type=int, default=20)
    parser.add_argument("--meetings", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--protocols", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", default=TODAY.isoformat())
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--day", type=int, default=1)
    parser.add_argument("--cache-dir", type=Path)
    args = parser.parse_args(argv)
    config = SyntheticConfig(committees=args.committees, meetings=args.meetings, pages=args.pages, protocols=args.protocols,
                             seed=args.seed, today=date.fromisoformat(args.today))
    portal = SyntheticPortal(config, args.cache_dir)
    portal.content(1)
    replica = serve(portal, args.port, args.day)
    print(replica.url(PORTAL_ID), flush=True)
    try:
        for line in sys.stdin:
            command = line.split()
            if not command:
                continue
            if command[0] == "day" and len(command) == 2:
                portal.content(int(command[1]))
                replica.set_day(int(command[1]))
                print(f"day {command[1]}", flush=True)
            elif command[0] == "stats":
                print(json.dumps({**replica.stats(PORTAL_ID), "rendered": portal.rendered}), flush=True)
            elif command[0] == "quit":
                break
            else:
                print(f"unknown command: {line.strip()}", flush=True)
    finally:
        replica.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
