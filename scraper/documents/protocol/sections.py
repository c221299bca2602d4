"""Sections of a paragraph: the headings that divide it ("Beslut", "Yrkanden", "Ärendet" ...) and their lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import DECISION_START_RE, ORGAN_SUFFIX, SPACES_RE, join_lines

# --------------------------------------------------------------------------
# Section headings inside a paragraph
# --------------------------------------------------------------------------

_SECTION_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("sent_to", re.compile(
        r"^(?:protokollsutdrag(?:\s+(?:skickas|sänds|expedieras|delges|ska\s+skickas))?(?:\s+för\s+kännedom)?(?:\s+till)?"
        r"|(?:beslutet|beslut|utdrag|kopia|protokollet)\s+(?:ska\s+)?(?:skickas|sänds|expedieras|delges)(?:\s+till)?"
        r"|delges(?:\s+till)?|expedieras(?:\s+till)?|expediering|expedierat\s+till|skickas\s+till|sänds\s+till"
        r"|utdrag\s+till|kopia\s+till|för\s+kännedom\s+till)$"
    )),
    ("reservation", re.compile(
        r"^(?:reservation(?:er)?|reservationer\s+och\s+särskilda\s+yttranden|reservation\s+och\s+särskilt\s+yttrande)$"
    )),
    ("proposals", re.compile(
        r"^(?:ärendets\s+behandling(?:\s+(?:under|på|vid)\s+(?:sammanträdet|mötet))?"
        r"|(?:behandling|förslag|yrkanden?)\s+(?:under|på|vid)\s+(?:sammanträdet|mötet)|yrkanden?"
        r"|sammanträdets\s+behandling|yrkanden?\s+och\s+(?:beslutsgång|propositionsordning|proposition|omröstning)"
        r"|förslag\s+och\s+beslutsgång|yrkande\s+och\s+proposition)$"
    )),
    ("beslutsgang", re.compile(
        r"^(?:beslutsgång|propositionsordning|proposition|beslutsordning|omröstning|omröstningsresultat|votering"
        r"|ordförandens\s+proposition|propositionsordning\s+och\s+beslut)$"
    )),
    ("notes", re.compile(r"^(?:protokollsanteckning(?:ar)?(?:\s+.{1,60})?|anteckningar?\s+(?:till|i)\s+protokollet)$")),
    ("decision", re.compile(
        r"^(?:(?:[a-zåäö\- ]{0,60}?s\s+)?beslut(?:et)?(?:\s+i\s+ärendet)?"
        rf"|beslut\s+(?:i\s+|av\s+)?[a-zåäö\-]{{0,40}}{ORGAN_SUFFIX}"
        rf"|[a-zåäö\-]{{0,40}}{ORGAN_SUFFIX}\s+beslut|beslutsformulering|beslutsmening|beslutstext)$"
    )),
    ("proposal_to_decision", re.compile(
        r"^(?!.*\b(?:beslutar|beslöt|beslutade|föreslår|bifaller|enligt)\s)"
        r"(?:förslag\s+till\s+beslut(?:\s+.{1,60})?|beslutsförslag"
        r"|[a-zåäö\- ]{0,60}?s\s+förslag(?:\s+till\s+(?:beslut|[a-zåäö]+))?"
        r"|förslag\s+till\s+[a-zåäö]+s\s+beslut)$"
    )),
    ("other", re.compile(
        r"^(?:ärendet|ärende|ärendebeskrivning|beskrivning\s+av\s+ärendet|sammanfattning(?:\s+av\s+ärendet)?|bakgrund"
        r"|beslutsunderlag|underlag(?:\s+för\s+beslut)?|handlingar(?:\s+i\s+ärendet)?|yttrande(?:\s+till\s+beslutsförslaget)?|yttranden"
        r"|jäv|ekonomiska\s+konsekvenser|[a-zåäö]{2,30}perspektiv(?:et)?|motivering|beslutsmotivering|skäl\s+för\s+beslut(?:et)?"
        r"|bedömning|[a-zåäö\-]{2,40}s\s+bedömning|överväganden|konsekvenser|finansiering|juridisk\s+bedömning"
        r"|[a-zåäö\- ]{0,60}?s\s+beredning\s+av\s+ärendet|ärendets\s+beredning|beredning|deltar\s+(?:inte|ej)\s+i\s+beslutet"
        r"|föredragning|föredragande|information|tjänsteskrivelse|särskil(?:t|da)\s+yttranden?|särskilt\s+uttalande"
        r"|analys|konsekvensanalys|barnkonsekvensanalys|uppföljning|inledning|syfte|lagstiftning|samråd|remissinstanser)$"
    )),
]
BACKGROUND_KINDS = {"other"}


@dataclass
class Section:
    kind: str
    heading: str
    lines: list[str] = field(default_factory=list)
    _joined: str | None = None
    start: int = 0

    @property
    def text(self) -> str:
        if self._joined is None:
            self._joined = join_lines(self.lines)
        return self._joined


def heading_key(text: str) -> str:
    return SPACES_RE.sub(" ", text.strip().rstrip(":.").strip()).lower()


def _classify_heading_key(key: str) -> str | None:
    if not key or len(key) > 80 or len(key.split()) > 10:
        return None
    for kind, pattern in _SECTION_RULES:
        if pattern.match(key):
            return kind
    return None


def heading_kind(line: str) -> tuple[str, str] | None:
    """(section kind, inline content) when the line is a section heading of a paragraph."""
    if not line or not line[0].isupper() or len(line) > 400:
        return None
    stripped = line.rstrip()
    if (len(line) <= 80 and not stripped.endswith((".", ",", ";"))) or stripped.endswith(":"):
        kind = _classify_heading_key(heading_key(line))
        if kind:
            return kind, ""
    colon = line.find(":")
    if 0 < colon <= 60:
        kind = _classify_heading_key(heading_key(line[:colon]))
        if kind:
            return kind, line[colon + 1:].strip()
    return None



def segment_sections(lines: list[str]) -> list[Section]:
    """The lines of a paragraph split at its section headings; what comes before the first is the "preamble".

    A line in the preamble that starts with a decision sentence ("Nämnden
    beslutar att ...") opens a "decision_inline" section. `start` is the
    index of a section's first line (its heading) in `lines`.
    """
    sections = [Section("preamble", "")]
    for index, line in enumerate(lines):
        found = heading_kind(line)
        if found:
            kind, inline = found
            sections.append(Section(kind, line, start=index))
            if inline:
                sections[-1].lines.append(inline)
            continue
        current = sections[-1]
        if current.kind == "preamble" and DECISION_START_RE.match(line) and not any(
            s.kind == "decision_inline" for s in sections
        ):
            sections.append(Section("decision_inline", "", start=index))
        sections[-1].lines.append(line)
    return sections
