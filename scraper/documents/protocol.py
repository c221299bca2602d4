"""Parse the text of a Swedish municipal or regional meeting protocol (protokoll).

The input is plain text as a PDF or web page extraction gives it: arbitrary
line wrapping, blank lines between lines, running page headers and footers,
signature boxes and e-signature attributes. The parser is a pure function
(`parse_protocol`) that returns dataclasses; `Protocol.to_dict()` gives the
JSON shape the rest of the pipeline reads.

Swedish protocol conventions handled
------------------------------------
Page furniture
    Lines such as "Regionstyrelsen / PROTOKOLL / Sida / 76(80) /
    Sammanträdesdatum / 2024-03-12", "Justerandes signatur",
    "Utdragsbestyrkande", "Elektroniskt signerat", "VISMA_SIGN_..." attributes,
    "Signerat av ...", transaction ids and page numbers ("3(10)",
    "Sida 3 av 10") are removed wherever they leaked into the text. Committee
    names and dates next to such lines are removed with them but kept aside
    as a fallback source for the header fields.

Cover page (first page, may be missing)
    "Plats och tid" / "Tid och plats" / separate "Plats", "Tid", "Datum" and
    "Sammanträdesdatum" labels, prose dates ("tisdagen den 12 mars 2024"),
    times ("kl. 13:00-14:03", "13.00–14.03"), "Justeringens plats och tid",
    "Paragrafer §§ 31-56", the "Underskrifter" block with Sekreterare,
    Ordförande and Justerare names after dotted lines, and the attendance
    lists: "Beslutande", "Tjänstgörande ersättare", "Ersättare" /
    "Närvarande ersättare" / "Ej tjänstgörande ersättare", "Övriga
    närvarande" / "Övriga deltagande", "Sekreterare", "Justerare". Entries
    look like "Anders Öberg (S), ordförande", "Helena Ölund (S), ersättare",
    "X (M) för Y (M)", "X (M), tjänstgörande ersättare för Y",
    "Ulrika Sundquist, regiondirektör".

Corrections
    A "Rättelse" notice ("Region X rättar regionstyrelsen protokoll
    2024-03-12 enligt nedanstående: • § 39 – Titel: beskrivning") gives one
    correction per paragraph named at the start of a line.

Paragraphs
    A paragraph starts on a line beginning with "§ N" (or "Ks § N"), with the
    title on the same line or on the following line(s). References such as
    "beslut 2018-10-09 § 78", "16 kap. 5 §" or "§ 10 – Titel" inside a
    list are told apart by the numbering: the parser keeps the best chain of
    increasing paragraph numbers, preferring steps of one and lines that look
    like paragraph starts. The title ends at the case number ("Dnr ...",
    "Diarienummer: ...", "Ärendenummer ...") or at the first section heading.

Sections inside a paragraph
    "<Organ>s beslut" / "Beslut" / "Beslut:" hold the decision; without
    them a sentence "<Organ> beslutar ..." / "<Organ> föreslår ..." before
    any heading is used, and "Förslag till beslut" only as a last resort.
    Reservations come from "Reservation(er)" sections and from sentences
    "X (M) och Y (SD) reserverar sig ..." anywhere outside the background
    sections. Proposals (yrkanden) come from "Ärendets behandling under
    sammanträdet", "Yrkanden", "Förslag under sammanträdet" and
    "Beslutsgång"; quotes of a motion's own "yrkar" under "Ärendet" are
    ignored. Also read: "Beslutsgång", "Protokollsanteckning", recipients
    under "Protokollsutdrag skickas till" / "Delges" / "Expedieras till" /
    "Beslutet skickas till", and "omedelbart justerad".

Failure behaviour
    Text without any paragraph marker gives a `Protocol` with no paragraphs
    and a warning; so does empty or garbage input. `ProtocolParseError` is
    raised only when the input is not a `str`. All regular expressions are
    anchored or bounded so that the running time stays linear in the size of
    the input.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "Attendee",
    "Correction",
    "Paragraph",
    "Proposal",
    "Protocol",
    "ProtocolParseError",
    "Reservation",
    "Signatures",
    "join_lines",
    "looks_like_protocol",
    "normalise_lines",
    "parse_protocol",
    "split_sentences",
    "strip_page_furniture",
]


class ProtocolParseError(ValueError):
    """The input cannot be parsed at all (it is not text)."""


# --------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------


@dataclass
class Reservation:
    name: str | None
    party: str | None

    def to_dict(self) -> dict:
        return {"name": self.name, "party": self.party}


@dataclass
class Proposal:
    name: str | None
    party: str | None
    stance: str

    def to_dict(self) -> dict:
        return {"name": self.name, "party": self.party, "stance": self.stance}


@dataclass
class Paragraph:
    number: int
    title: str | None
    case_number: str | None = None
    decision: str | None = None
    text: str = ""
    reservations: list[Reservation] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    beslutsgang: str | None = None
    sent_to: list[str] = field(default_factory=list)
    immediately_adjusted: bool = False

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "case_number": self.case_number,
            "decision": self.decision,
            "text": self.text,
            "reservations": [r.to_dict() for r in self.reservations],
            "proposals": [p.to_dict() for p in self.proposals],
            "notes": list(self.notes),
            "beslutsgang": self.beslutsgang,
            "sent_to": list(self.sent_to),
            "immediately_adjusted": self.immediately_adjusted,
        }


@dataclass
class Attendee:
    name: str
    party: str | None
    role: str
    replaces: str | None = None
    title: str | None = None
    listed_under: str | None = None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "party": self.party,
            "role": self.role,
            "replaces": self.replaces,
            "title": self.title,
            "listed_under": self.listed_under,
        }


@dataclass
class Correction:
    paragraph: int
    description: str

    def to_dict(self) -> dict:
        return {"paragraph": self.paragraph, "description": self.description}


@dataclass
class Signatures:
    sekreterare: str | None = None
    ordforande: str | None = None
    justerare: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "sekreterare": self.sekreterare,
            "ordförande": self.ordforande,
            "justerare": list(self.justerare),
        }


@dataclass
class Protocol:
    organisation: str | None = None
    committee: str | None = None
    meeting_date: str | None = None
    time: str | None = None
    place: str | None = None
    justering: str | None = None
    signatures: Signatures = field(default_factory=Signatures)
    paragraph_range_printed: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    attendance: list[Attendee] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "kind": "protocol",
            "organisation": self.organisation,
            "committee": self.committee,
            "meeting_date": self.meeting_date,
            "time": self.time,
            "place": self.place,
            "justering": self.justering,
            "signatures": self.signatures.to_dict(),
            "paragraph_range_printed": self.paragraph_range_printed,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "attendance": [a.to_dict() for a in self.attendance],
            "corrections": [c.to_dict() for c in self.corrections],
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------
# Shared vocabulary
# --------------------------------------------------------------------------

UPPER = "A-ZÅÄÖÆØÜÉÈÁÍÓÚ"
LOWER = "a-zåäöæøüéèáíóúëïçñ"
MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6,
    "juli": 7, "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
_MONTH_ALT = "|".join(MONTHS)
_WEEKDAY_ALT = "måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag"

_ISO_DATE_RE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_PROSE_DATE_RE = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?::[ae])?\s{{0,3}}({_MONTH_ALT})\s{{1,3}}(\d{{4}})(?!\d)", re.IGNORECASE
)
_TIME_RANGE_RE = re.compile(
    r"(?<![\d:.])(\d{1,2})[:.](\d{2})\s{0,3}(?:-|–|—|till)\s{0,3}(?:kl\.?\s{0,2}|klockan\s{1,2})?(\d{1,2})[:.](\d{2})(?![\d:])"
)
_SINGLE_TIME_RE = re.compile(r"\b(?:kl\.?|klockan)\s{0,3}(\d{1,2})[:.](\d{2})(?!\d)", re.IGNORECASE)

_ORGAN_SUFFIX = (
    r"(?:styrelsen|styrelse|fullmäktige|nämnden|nämnd|utskottet|utskott|beredningen|"
    r"direktionen|rådet|presidiet|delegationen|kommittén)"
)
_ORGAN_LINE_RE = re.compile(
    rf"^[{UPPER}][\w\-]{{0,40}}(?:\s+(?:och\s+)?[\w\-]{{1,40}}){{0,5}}?{_ORGAN_SUFFIX}$"
)
_ORG_LINE_RE = re.compile(
    r"^(?:Region\s+[\w\-]+(?:\s+[\w\-]+)?(?:\s+län)?|[\w\-]+(?:\s+[\w\-]+)?\s+(?:kommun|stad)|"
    r"[\w\-]+\s+läns\s+landsting|[\w\-]*regionen)$",
    re.IGNORECASE,
)
_ORG_MENTION_RE = re.compile(
    rf"\b(?:Region\s+[{UPPER}][{LOWER}]+(?:[ \-][{UPPER}][{LOWER}]+)?(?:\s+län)?"
    rf"|[{UPPER}][{LOWER}]+(?:[ \-][{UPPER}][{LOWER}]+)?\s+kommun"
    rf"|[{UPPER}][{LOWER}]+s\s+[Ss]tad"
    rf"|[{UPPER}][{LOWER}]+\s+läns\s+landsting"
    rf"|Västra\s+Götalandsregionen)\b"
)
_ORG_STOPWORDS = {
    "varje", "denna", "den", "en", "vilken", "annan", "samma", "hela", "egen", "sin", "vår", "er",
    "min", "respektive", "berörd", "alla", "övriga", "aktuell", "vald", "någon", "ingen", "vilket",
    "hemkommun", "enskild", "annans", "ny", "nya", "per", "i", "och", "varav", "samtliga", "om",
}
_PARTY_RE = re.compile(rf"^(?:[{UPPER}]{{1,6}}|[{UPPER}][{LOWER}{UPPER}]{{1,9}}|-|–)$")
_PARTY_NAMES = {
    "socialdemokraterna": "S", "moderaterna": "M", "sverigedemokraterna": "SD",
    "centerpartiet": "C", "vänsterpartiet": "V", "kristdemokraterna": "KD",
    "liberalerna": "L", "miljöpartiet": "MP", "folkpartiet": "FP",
    "sjukvårdspartiet": "SJVP",
}

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl"})
_LIGATURE_CHARS = ("ﬁ", "ﬂ", "ﬀ", "ﬃ", "ﬄ")
_LINE_BREAKS_RE = re.compile("\r\n|\r|\f|\v|\u2028|\u2029")


def normalise_text(text: str) -> str:
    """NFC, ligatures, invisible and control characters, unified line breaks."""
    text = unicodedata.normalize("NFC", text)
    if any(ligature in text for ligature in _LIGATURE_CHARS):
        text = text.translate(_LIGATURES)
    text = _INVISIBLE_RE.sub("", text)
    text = _LINE_BREAKS_RE.sub("\n", text)
    return _CONTROL_RE.sub(" ", text)


def normalise_lines(text: str) -> list[str]:
    """Non-empty lines with whitespace collapsed and trimmed."""
    lines = []
    for raw in normalise_text(text).split("\n"):
        line = _SPACES_RE.sub(" ", raw).strip()
        if line:
            lines.append(line)
    return lines


_SUSPENDED_HYPHEN_NEXT = {"och", "eller", "samt", "respektive", "resp.", "till", "som", "både", "utan", "men"}


def join_lines(lines: Iterable[str]) -> str:
    """Join wrapped lines into one: "2024-03-" + "12" -> "2024-03-12", "Hälso-" + "och" -> "Hälso- och"."""
    parts: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if parts and _ends_with_word_hyphen(parts[-1]):
            first = line.split(" ", 1)[0].lower()
            parts[-1] = parts[-1] + (" " if first in _SUSPENDED_HYPHEN_NEXT else "") + line
        else:
            parts.append(line)
    return _SPACES_RE.sub(" ", " ".join(parts)).strip()


def _ends_with_word_hyphen(text: str) -> bool:
    return len(text) > 1 and text[-1] == "-" and text[-2].isalnum()


_ABBREVIATIONS = {
    "bl.a.", "t.ex.", "m.fl.", "m.m.", "s.k.", "d.v.s.", "dvs.", "kl.", "ca.", "nr.", "resp.", "jfr.", "enl.",
    "f.d.", "p.g.a.", "o.s.v.", "osv.",
}
_SENTENCE_BOUNDARY_RE = re.compile(r"[.!?][”\"')’]{0,3} +(?=[A-ZÅÄÖÆØÜÉ•–\-])")


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences at ". " followed by a capital letter or a bullet."""
    sentences: list[str] = []
    start = 0
    for m in _SENTENCE_BOUNDARY_RE.finditer(text):
        word_start = text.rfind(" ", start, m.start()) + 1
        token = text[word_start:m.start() + 1].lower()
        if token in _ABBREVIATIONS or (m.start() - word_start == 1 and text[word_start].isupper()):
            continue
        sentence = text[start:m.end()].strip()
        if sentence:
            sentences.append(sentence)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# --------------------------------------------------------------------------
# Page furniture
# --------------------------------------------------------------------------

_STRONG_TOKEN_RE = re.compile(
    r"SAMMANTRÄDESPROTOKOLL|Sammanträdesprotokoll|PROTOKOLLSUTDRAG|PROTOKOLL|Sammanträdesdatum"
    r"|Utdragsbestyrkande|Elektroniskt\s+signerat|Justerandes?\s+sign(?:atur|\.)?|Justerares\s+sign(?:atur|\.)?"
    r"|Ordförandes\s+sign(?:atur|\.)?|Sekreterarens\s+sign(?:atur|\.)?|Ordf\.?\s+sign\.?|Just\.?\s+sign\.?"
    r"|Justerandes\s+initialer|Sida\s{0,2}\d{1,4}\s{0,2}(?:\(\s{0,2}\d{1,4}\s{0,2}\)|(?:av|/)\s{0,2}\d{1,4})?"
    r"|\bSida\b|\bSid\.?\s{0,2}\d{1,4}|(?<![\w(])\d{1,4}\s{0,2}\(\s{0,2}\d{1,4}\s{0,2}\)(?!\w)"
)
_ESIGN_MARKERS = ("VISMA_SIGN", "_ATTRIBUTE_", "SAML_", "TransactionId")
_ESIGN_RE = re.compile(
    r"^Signerat\s+av\b|^Signerad\s+av\b|^Signed\s+by\b"
    r"|^Signerat\s+\d{4}-\d{2}-\d{2}|^(?:Transaktion|Transaction)(?:s-?id|\s+ID)?\s{0,2}[:#]?\s{0,2}[\w\-]{6,}$"
    r"|^(?:Dokument|Document)[- ]?(?:ID|id)\s{0,2}[:#]?\s{0,2}[\w\-]{6,}$"
    r"|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    r"|^Dokumentet\s+(?:är|har\s+blivit)\s+(?:elektroniskt\s+)?signerat"
    r"|^Verifikat\s+[\w\-]{6,}$|^Signerat\s+med\s+(?:BankID|Freja)",
)
_PAGE_ONLY_RE = re.compile(r"^(?:Sida\s{0,2})?\d{1,4}\s{0,2}(?:\(\s{0,2}\d{1,4}\s{0,2}\)|(?:av|/)\s{0,2}\d{1,4})$")
_DATE_ONLY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_organ_line(line: str) -> bool:
    return len(line) <= 80 and bool(_ORGAN_LINE_RE.match(line))


def _is_org_line(line: str) -> bool:
    return len(line) <= 60 and bool(_ORG_LINE_RE.match(line)) and line.split()[0].lower() not in _ORG_STOPWORDS


_FURNITURE_HINTS = ("PROTOKOLL", "rotokoll", "datum", "Utdrag", "sign", "Sign", "Sid", "(", "initialer")


def _is_furniture(line: str) -> bool:
    if any(marker in line for marker in _ESIGN_MARKERS) or _ESIGN_RE.match(line) or _PAGE_ONLY_RE.match(line):
        return True
    if len(line) > 160 or not any(hint in line for hint in _FURNITURE_HINTS):
        return False
    rest, count = _STRONG_TOKEN_RE.subn(" ", line)
    if count == 0:
        return False
    rest = _DOTS_RE.sub(" ", _ISO_DATE_RE.sub(" ", rest))
    rest = _SPACES_RE.sub(" ", rest).strip(" -–|,:;/()")
    if not rest:
        return True
    return len(rest.split()) <= 7 and (_is_organ_line(rest) or _is_org_line(rest))


def _is_weak_furniture(line: str) -> bool:
    return bool(_DATE_ONLY_RE.match(line)) or line in ("Sida", "Sammanträdesdatum") or _is_organ_line(line) or _is_org_line(line)


def strip_page_furniture(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """Remove running headers, footers and signature artefacts.

    Returns the kept lines and the removed ones (in order), the latter being a
    useful source of committee name and meeting date when the cover is missing.
    """
    remove = [False] * len(lines)
    for i, line in enumerate(lines):
        if not _is_furniture(line):
            continue
        remove[i] = True
        seen: set[str] = set()
        organs = 0
        j = i - 1
        while j >= 0 and i - j <= 2 and not remove[j] and _is_weak_furniture(lines[j]) and lines[j] not in seen:
            if _is_organ_line(lines[j]):
                organs += 1
                if organs > 1:
                    break
            seen.add(lines[j])
            remove[j] = True
            j -= 1
        k = i + 1
        while k < len(lines) and k - i <= 3 and (
            _DATE_ONLY_RE.match(lines[k]) or lines[k] in ("Sida", "Sammanträdesdatum")
        ):
            remove[k] = True
            k += 1
    kept = [line for line, r in zip(lines, remove) if not r]
    removed = [line for line, r in zip(lines, remove) if r]
    return kept, removed


# --------------------------------------------------------------------------
# Paragraph starts
# --------------------------------------------------------------------------

_PARA_START_RE = re.compile(
    rf"^(?:(?P<prefix>[{UPPER}]{{1,6}}|[{UPPER}][{LOWER}]{{1,3}})\s{{0,2}})?"
    r"§\s{0,3}(?P<num>\d{1,4})(?![\d,:]|\.\d)(?P<rest>[\s.:–\-].*)?$"
)
_TOC_LINE_RE = re.compile(r"\.{3,}\s{0,3}\d{1,4}$")
_REFERENCE_TAIL_RE = re.compile(
    r"(?:\d{4}-\d{2}-\d{2}|\b(?:beslut|protokoll|protokollet|enligt|jämlikt|se|i|och|samt|till|från|kap\.?|paragraf))$",
    re.IGNORECASE,
)


@dataclass
class _Candidate:
    index: int
    number: int
    prefix: str | None
    rest: str
    quality: float = 0.0


def _paragraph_candidates(lines: Sequence[str]) -> list[_Candidate]:
    candidates = []
    for i, line in enumerate(lines):
        if "§" not in line[:10]:
            continue
        m = _PARA_START_RE.match(line)
        if not m:
            continue
        rest = (m.group("rest") or "").strip()
        candidates.append(_Candidate(i, int(m.group("num")), m.group("prefix"), rest))
    prefix_counts = Counter(c.prefix for c in candidates if c.prefix)
    starts = {c.index for c in candidates}
    for c in candidates:
        c.quality = _candidate_quality(c, lines, starts, prefix_counts)
    return candidates


_WORDLIKE_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzåäöæøéüABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÆØÉÜ0123456789 .,:;()–-/§”\"'’%&+!?"
)


def wordlike_share(text: str) -> float:
    """Share of Swedish letters, digits, spaces and ordinary punctuation: low for binary garbage."""
    if not text:
        return 1.0
    return sum(1 for ch in text if ch in _WORDLIKE_CHARS) / len(text)


def _candidate_quality(c: _Candidate, lines: Sequence[str], starts: set[int], prefix_counts: Counter) -> float:
    q = 1.0
    rest = c.rest.lstrip(".:").strip()
    title = rest or (lines[c.index + 1] if c.index + 1 < len(lines) else "")
    if wordlike_share(title[:200]) < 0.9 or (title and not any(ch.isalpha() for ch in title[:200])):
        q -= 2.5
    if not rest:
        q += 1.0
    elif rest[0].isupper() or rest[0] == "(":
        q += 0.5
    elif rest[0] in "–-—" or rest[0].islower() or rest[0] in ",;":
        q -= 1.5
    elif rest[0].isdigit():
        q -= 0.3
    if rest and _TOC_LINE_RE.search(rest):
        q -= 1.0
    if c.prefix and prefix_counts[c.prefix] < 3:
        q -= 0.5
    if c.index > 0:
        prev = lines[c.index - 1]
        if prev.endswith((",", ":", "–", "(")) or _REFERENCE_TAIL_RE.search(prev):
            q -= 1.0
    if c.index + 1 in starts:
        q -= 1.0
    return q


def _select_chain(candidates: Sequence[_Candidate]) -> list[_Candidate]:
    """The best chain of strictly increasing paragraph numbers, in document order."""
    if not candidates:
        return []
    best: dict[int, tuple[float, int]] = {}
    scores = [0.0] * len(candidates)
    back = [-1] * len(candidates)
    for k, c in enumerate(candidates):
        score, prev = c.quality, -1
        for gap in range(1, 6):
            entry = best.get(c.number - gap)
            if entry is None:
                continue
            step = 1.0 if gap == 1 else 0.3 - 0.05 * gap
            if entry[0] + c.quality + step > score:
                score, prev = entry[0] + c.quality + step, entry[1]
        scores[k], back[k] = score, prev
        if c.number not in best or score > best[c.number][0]:
            best[c.number] = (score, k)
    end = max(range(len(candidates)), key=scores.__getitem__)
    if scores[end] <= 0:
        return []
    chain = []
    while end != -1:
        chain.append(candidates[end])
        end = back[end]
    chain.reverse()
    return chain


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
    ("decision", re.compile(r"^(?:[a-zåäö\- ]{0,60}?s\s+)?beslut(?:et)?(?:\s+i\s+ärendet)?$")),
    ("proposal_to_decision", re.compile(
        r"^(?:förslag\s+till\s+beslut(?:\s+.{1,60})?|beslutsförslag"
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
_BACKGROUND_KINDS = {"other"}


@dataclass
class _Section:
    kind: str
    heading: str
    lines: list[str] = field(default_factory=list)
    _joined: str | None = None

    @property
    def text(self) -> str:
        if self._joined is None:
            self._joined = join_lines(self.lines)
        return self._joined


def _heading_key(text: str) -> str:
    return _SPACES_RE.sub(" ", text.strip().rstrip(":.").strip()).lower()


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
        kind = _classify_heading_key(_heading_key(line))
        if kind:
            return kind, ""
    colon = line.find(":")
    if 0 < colon <= 60:
        kind = _classify_heading_key(_heading_key(line[:colon]))
        if kind:
            return kind, line[colon + 1:].strip()
    return None


_CASE_RE = re.compile(
    r"(?:^|\s|\()(?:Dnr\.?|Diarienr\.?|Diarienummer|Diarie\s+nr\.?|Ärendenummer|Ärendenr\.?|Ärende\s+nr\.?|Vårt\s+dnr)"
    r"\s{0,3}[:.]?\s{0,3}(?P<value>[^\s].{0,60})$",
    re.IGNORECASE,
)
_CASE_VALUE_RE = re.compile(rf"^(?:[{UPPER}]{{1,8}}[ /\-]?|[{UPPER}][{LOWER}]{{1,3}}\s)?\d[\w./:\-]*(?:\s+[{UPPER}]{{2,5}}\b(?!\s+\w))?")


_BARE_CASE_RE = re.compile(
    rf"^(?:[{UPPER}]{{1,8}}[ ./\-]?\d{{2,4}}[/.:\-]\d{{1,6}}(?:[/.:\-]\d{{1,6}})?|\d{{2,4}}/\d{{1,6}}(?:[/.:\-]\d{{1,6}})?)"
    rf"(?:\s+[{UPPER}]{{2,5}})?$"
)


def _case_number(line: str) -> tuple[str, str] | None:
    """(case number, text before the label) when the line carries a case number.

    Labelled forms ("Dnr NLL-00297-2024", "Diarienummer: 23RS11831") may follow
    other text on the line; an unlabelled line counts only when it is nothing
    but a case number such as "KS 2024/123" or "RS 912-2025".
    """
    if len(line) > 200:
        return None
    m = _CASE_RE.search(line)
    if not m:
        if _BARE_CASE_RE.match(line) and not _ISO_DATE_RE.fullmatch(line):
            return line, ""
        return None
    value = m.group("value").strip().rstrip(".,;)")
    v = _CASE_VALUE_RE.match(value)
    if v:
        value = v.group(0).strip()
    elif len(value.split()) > 3 or not any(ch.isdigit() for ch in value):
        return None
    before = line[: m.start()].strip(" ,;(")
    return value, before


_DECISION_SENTENCE_RE = re.compile(
    rf"^(?:Nu\s+har\s+)?[{UPPER}][\w\-]{{0,40}}(?:\s+(?:och\s+)?[\w\-]{{1,40}}){{0,5}}?{_ORGAN_SUFFIX}s?\s+"
    r"(?:har\s+)?(?:beslutar|beslöt|beslutade|beslutat|föreslår|föreslog|tillstyrker|godkänner|godkände|fastställer|antar|"
    r"noterar|lägger|uppdrar|ger\s+\w+\s+i\s+uppdrag|återremitterar|avslår|bifaller)\b"
)

_FUNCTION_WORDS = {
    "och", "i", "av", "för", "till", "om", "på", "med", "mot", "från", "inom", "under", "vid", "över", "samt",
    "eller", "angående", "gällande", "avseende", "kring", "efter", "mellan", "enligt", "utan", "hos", "ur",
    "de", "den", "det", "en", "ett", "att", "som", "års", "inför", "genom", "via", "per", "samt",
}


def _is_sentence_end(line: str) -> bool:
    return line.rstrip("”\"')").endswith((".", "!", "?"))


def _title_continues(current: str, nxt: str) -> bool:
    if _ends_with_word_hyphen(current):
        return True
    if nxt[0].islower() or nxt[0] in "(":
        return True
    last = current.rsplit(" ", 1)[-1].lower()
    return last in _FUNCTION_WORDS or current.endswith((",", "–", "&"))


def _is_title_like(line: str) -> bool:
    return len(line) <= 90 and not _is_sentence_end(line) and not line.endswith(":")


# --------------------------------------------------------------------------
# People in running text
# --------------------------------------------------------------------------

_NAME_WORD = rf"[{UPPER}][{LOWER}'’]{{1,30}}(?:-[{UPPER}{LOWER}][{LOWER}'’]{{1,30}}){{0,2}}"
_NAME_PARTICLE = r"(?:af|von|van|de|der|den|la|du|di|da|el|al|bin)"
_PERSON_RE = re.compile(
    rf"(?P<name>{_NAME_WORD}(?:\s{{1,2}}(?:{_NAME_PARTICLE}\s{{1,2}})?(?:{_NAME_WORD}|[{UPPER}]\.)){{0,4}})"
    rf"(?:\s{{0,2}}\((?P<party>[^()\d\n]{{1,15}})\))?"
)
_NAME_STOPWORDS = {
    "ordförande", "ordföranden", "ordförandes", "vice", "ledamot", "ledamoten", "ledamöterna", "ersättare",
    "ersättaren", "ersättarna", "sekreterare", "sekreteraren", "justerare", "kommunalråd", "kommunalrådet",
    "regionråd", "regionrådet", "oppositionsråd", "oppositionsrådet", "även", "dessutom", "sedan", "därefter",
    "mot", "under", "beslutet", "och", "samt", "förste", "andre", "tredje", "gruppledare", "gruppledaren",
    "partiet", "ledamöter", "samtliga", "ordf", "nu", "här", "då", "vidare", "slutligen", "efter", "med",
    "enligt", "jag", "vi", "de", "den", "det", "som", "alla", "fullmäktige", "styrelsen", "nämnden",
    "regionstyrelsen", "kommunstyrelsen", "regionfullmäktige", "kommunfullmäktige", "yrkande", "yrkanden",
    "reservation", "förslag", "proposition", "beslutsgång", "motion", "motionen", "motionären", "i",
}
_TITLE_SUFFIXES = (
    "chef", "direktör", "sekreterare", "råd", "rådet", "handläggare", "strateg", "ekonom", "jurist", "ansvarig",
    "ledare", "samordnare", "utvecklare", "controller", "revisor", "ordförande", "ledamot", "ersättare",
    "notarie", "assistent", "specialist", "tekniker", "inspektör", "läkare", "sköterska", "ombud", "expert",
)


@dataclass
class _Person:
    name: str | None
    party: str | None
    start: int
    end: int


def _clean_name(raw: str) -> str | None:
    words = raw.split()
    while words and (words[0].lower().rstrip(".,:") in _NAME_STOPWORDS or words[0].lower().endswith(_TITLE_SUFFIXES)):
        words.pop(0)
    if len(words) < 2 or len(words) > 5:
        return None
    return " ".join(words)


def _clean_party(raw: str | None) -> str | None:
    if raw is None:
        return None
    raw = raw.strip()
    return raw if _PARTY_RE.match(raw) else None


def find_people(text: str) -> list[_Person]:
    """Names with an optional "(Party)" in running text; a party shared by a list is spread to it."""
    people: list[_Person] = []
    for m in _PERSON_RE.finditer(text):
        party = _clean_party(m.group("party"))
        if m.group("party") and party is None:
            continue
        name = _clean_name(m.group("name"))
        if name is None:
            if party and m.group("name").lower() in _PARTY_NAMES:
                people.append(_Person(None, party, m.start(), m.end()))
            continue
        people.append(_Person(name, party, m.start(), m.end()))
    for i in range(len(people) - 2, -1, -1):
        here, nxt = people[i], people[i + 1]
        if here.party is None and nxt.party is not None:
            between = text[here.end:nxt.start].strip()
            if between in (",", "och", "samt", "&", ", och"):
                here.party = nxt.party
    return [p for p in people if p.party is not None or p.name is not None]


def _connected_people(text: str, people: list[_Person], at_start: bool) -> list[_Person]:
    """The people forming one list (joined by commas / och) at the end or the start of text."""
    if not people:
        return []
    if at_start:
        group = [people[0]]
        if text[: people[0].start].strip():
            return []
        for p in people[1:]:
            between = text[group[-1].end:p.start].strip()
            if between not in (",", "och", "samt", "&", ", och", ", samt"):
                break
            group.append(p)
        return group
    group = [people[-1]]
    for p in reversed(people[:-1]):
        between = text[p.end:group[-1].start].strip()
        if between not in (",", "och", "samt", "&", ", och", ", samt"):
            break
        group.append(p)
    group.reverse()
    return group


_KNOWN_PARTIES = frozenset({
    "S", "M", "SD", "C", "V", "KD", "L", "MP", "FP", "SJVP", "NS", "ÖP", "SPI", "KV", "SVP", "AP", "ÅP", "FI",
    "PP", "MED", "NYD", "DLP", "SKP", "VÄG", "LPO", "KP",
})
_PARTY_ABBREVIATION_RE = re.compile(
    rf"\b(?:från|för)\s+\(?([{UPPER}]{{1,5}})\)?(?=[\s,.]|$)|\(([{UPPER}]{{1,5}})\)|\b([{UPPER}]{{1,5}}):s\b"
)


def _parties_without_names(text: str) -> list[str]:
    """Parties named without a person: "Ledamöterna från SD", "(M)-gruppen", "Moderaterna", "V:s ledamöter"."""
    parties: list[str] = []
    for m in _PARTY_ABBREVIATION_RE.finditer(text):
        party = next(g for g in m.groups() if g)
        if party.upper() in _KNOWN_PARTIES and party not in parties:
            parties.append(party)
    for word in re.findall(rf"[{UPPER}][{LOWER}]+", text):
        key = word.lower()
        party = _PARTY_NAMES.get(key) or (_PARTY_NAMES.get(key[:-1]) if key.endswith("s") else None)
        if party and party not in parties:
            parties.append(party)
    return parties


# --------------------------------------------------------------------------
# Reservations and proposals
# --------------------------------------------------------------------------

_RESERVATION_VERB_RE = re.compile(
    r"\b(?:reserverar\s+sig|reserverade\s+sig|reserverar\s+oss"
    r"|(?:lämnar|anmäler|inlämnar|inkommer\s+med|lämnade|anmälde)\s+(?:en\s+)?(?:skriftlig\s+)?reservation)\b",
    re.IGNORECASE,
)
_PROPOSAL_VERB_RE = re.compile(
    r"\b(?:föreslår|föreslog|yrkar|yrkade|instämmer(?:\s+i)?|tillstyrker|lämnar\s+(?:ett\s+)?(?:ändrings|tilläggs)?yrkande)\b"
)
_PROPOSAL_HINTS = ("föresl", "yrka", "instämmer", "tillstyrker")
_INSTAMMANDE_RE = re.compile(r"med\s+instämmande\s+(?:av|från)\s+", re.IGNORECASE)


def _reservations_from_text(text: str, past_tense_ok: bool) -> list[Reservation]:
    result: list[Reservation] = []
    if "eserv" not in text or not _RESERVATION_VERB_RE.search(text):
        return result
    for sentence in split_sentences(text):
        m = _RESERVATION_VERB_RE.search(sentence)
        if not m:
            continue
        if not past_tense_ok and "reserverade" in m.group(0).lower():
            continue
        before, after = sentence[: m.start()], sentence[m.end():]
        group = _connected_people(before, find_people(before), at_start=False)
        if not group:
            group = _connected_people(after.lstrip(), find_people(after.lstrip()), at_start=True)
        if group:
            result.extend(Reservation(p.name, p.party) for p in group)
            continue
        parties = _parties_without_names(before) or _parties_without_names(after)
        result.extend(Reservation(None, party) for party in parties)
    return result


_STANCE_KEYS = [
    ("avslag", re.compile(r"avslag|avslå")),
    ("bifall", re.compile(r"bifall|bifalla|tillstyrk")),
    ("återremiss", re.compile(r"återremi")),
    ("bordläggning", re.compile(r"bordlägg")),
    ("ändringsyrkande", re.compile(r"ändring")),
    ("tilläggsyrkande", re.compile(r"tillägg")),
    ("ajournering", re.compile(r"ajourn")),
]
_DECISION_POINT_RE = re.compile(r"beslutspunkt(?:en)?\s+(\d+)|punkt\s+(\d+)")


def _stance(after: str, verb: str, earlier: Sequence[Proposal]) -> str:
    """What a proposer wants: bifall, avslag, återremiss, ändrings-/tilläggsyrkande, or the proposal's own words."""
    low = after.lower()
    if verb.startswith("instämmer"):
        for p in reversed(earlier):
            if p.name and p.name.split()[-1].lower() in low:
                return p.stance
        return "bifall"
    if verb == "tillstyrker":
        return "bifall"
    if "ändringsyrkande" in verb:
        stance = "ändringsyrkande"
    elif "tilläggsyrkande" in verb:
        stance = "tilläggsyrkande"
    elif "yrkande" in verb:
        stance = "eget yrkande"
    else:
        found = [(m.start(), name) for name, pattern in _STANCE_KEYS if (m := pattern.search(low))]
        if not found:
            described = after.strip(" .:")
            return described[:160] if described else "eget yrkande"
        stance = min(found)[1]
    if stance == "ändringsyrkande":
        point = _DECISION_POINT_RE.search(low)
        if point:
            return f"ändringsyrkande (ny lydelse av beslutspunkt {point.group(1) or point.group(2)})"
    return stance


def _proposals_from_text(text: str) -> list[Proposal]:
    proposals: list[Proposal] = []
    if not any(hint in text for hint in _PROPOSAL_HINTS) or not _PROPOSAL_VERB_RE.search(text):
        return proposals
    for sentence in split_sentences(text):
        m = _PROPOSAL_VERB_RE.search(sentence)
        if not m:
            continue
        verb = m.group(0).lower()
        before, after = sentence[: m.start()], sentence[m.end():]
        if ":" in before:
            before = before.rsplit(":", 1)[-1]
        group = _connected_people(before, find_people(before), at_start=False)
        if not group:
            stripped = after.lstrip()
            group = _connected_people(stripped, find_people(stripped), at_start=True)
            if group:
                after = stripped[group[-1].end:]
            else:
                parties = [p for p in _parties_without_names(before) if p]
                group = [_Person(None, party, 0, 0) for party in parties]
        if not group:
            continue
        extra: list[_Person] = []
        inst = _INSTAMMANDE_RE.search(after)
        if inst:
            tail = after[inst.end():]
            extra = _connected_people(tail, find_people(tail), at_start=True)
            if extra:
                after = after[: inst.start()] + tail[extra[-1].end:]
        stance = _stance(after, verb, proposals)
        for person in group + extra:
            if not any(p.name == person.name and p.party == person.party and p.stance == stance for p in proposals):
                proposals.append(Proposal(person.name, person.party, stance))
    return proposals


# --------------------------------------------------------------------------
# Paragraph parsing
# --------------------------------------------------------------------------

_IMMEDIATE_RE = re.compile(
    r"(?<!inte )(?<!ej )(?:omedelbart\s+justera[dst]|justeras\s+omedelbart|omedelbar\s+justering|omedelbart\s+justerad)",
    re.IGNORECASE,
)
_BULLET_RE = re.compile(r"^[•\-–—*·▪●○]\s*")
_SENT_TO_SUBLABEL_RE = re.compile(r"^för\s+(?:kännedom|åtgärd|verkställighet|information)\s*:?$", re.IGNORECASE)
_TAIL_START_RE = re.compile(
    r"^(?:Vid\s+protokollet|Underskrifter|Justeras:?$|Justerat:?\s|ANSLAG|Anslag\s*/\s*bevis|BEVIS|Bevis\s+om\s+anslag"
    r"|Protokollet\s+(?:är|har\s+blivit)\s+justerat|Justeringen\s+har\s+tillkännagivits|Intygas"
    r"|(?:Sekreterare|Ordförande|Justerare|Justerande)\s*[._]{3,})"
)


def _parse_paragraph(
    number: int, first_line_rest: str, body: list[str], committee: str | None = None, head: str | None = None
) -> Paragraph:
    title_lines, case_number, pos = _split_title(first_line_rest, body)
    sections = _segment_sections(body[pos:])
    para = Paragraph(number=number, title=join_lines(title_lines) or None, case_number=case_number)
    para.text = "\n".join(([head] if head else []) + body)
    para.decision = _decision(sections, committee)
    para.reservations = _paragraph_reservations(sections)
    para.proposals = _paragraph_proposals(sections)
    para.notes = [s.text for s in sections if s.kind == "notes" and s.lines]
    beslutsgang = [s.text for s in sections if s.kind == "beslutsgang" and s.lines]
    para.beslutsgang = " ".join(beslutsgang) if beslutsgang else None
    para.sent_to = _sent_to(sections)
    para.immediately_adjusted = any(
        ("omedelbar" in s.text or "Omedelbar" in s.text) and _IMMEDIATE_RE.search(s.text) for s in sections
    )
    return para


_NOT_A_TITLE_KINDS = {"decision", "proposal_to_decision", "sent_to", "reservation", "proposals", "beslutsgang", "notes"}


def _opens_sections(line: str) -> bool:
    """A line that cannot be the first title line: a decision-type heading or a decision sentence."""
    found = heading_kind(line)
    return (found is not None and found[0] in _NOT_A_TITLE_KINDS) or bool(_DECISION_SENTENCE_RE.match(line))


def _split_title(rest: str, body: list[str]) -> tuple[list[str], str | None, int]:
    """Title lines, case number and the index in body where the sections start.

    The title is the rest of the "§ N" line or the next line; it goes on over
    lines that continue it (hyphen or function word at the end, lower-case
    start) and over title-like lines up to a case-number line. It stops at a
    case number, a section heading or a decision sentence.
    """
    case_number: str | None = None
    title: list[str] = []
    rest = rest.lstrip(".:–- ").strip()
    if rest:
        found = _case_number(rest)
        if found:
            case_number, rest = found
        if rest:
            title.append(rest)
    i = 0
    if not title and i < len(body) and not _opens_sections(body[i]):
        found = _case_number(body[i])
        if found and not found[1]:
            case_number = found[0]
            i += 1
    if not title and i < len(body) and not _opens_sections(body[i]):
        found = _case_number(body[i])
        if found and found[1]:
            return [found[1]], found[0], i + 1
        title.append(body[i])
        i += 1
    while title and i < len(body) and len(title) < 10:
        nxt = body[i]
        found = _case_number(nxt)
        if found:
            if found[1]:
                title.append(found[1])
            break
        if _DECISION_SENTENCE_RE.match(nxt):
            break
        if _title_continues(title[-1], nxt) or (not heading_kind(nxt) and _title_lookahead(body, i)):
            title.append(nxt)
            i += 1
            continue
        break
    if case_number is None:
        for j in range(i, min(i + 3, len(body))):
            if heading_kind(body[j]) and j > i:
                break
            found = _case_number(body[j])
            if found and (not found[1] or len(found[1]) < 40):
                case_number = found[0]
                i = j + 1
                break
    return title, case_number, i


def _title_lookahead(body: list[str], i: int) -> bool:
    """True when body[i:] has up to six more title-like lines followed by a line starting with a case number."""
    for k in range(i, min(i + 6, len(body))):
        if not _is_title_like(body[k]) or heading_kind(body[k]):
            return False
        if k + 1 < len(body):
            found = _case_number(body[k + 1])
            if found and not found[1]:
                return True
    return False


def _segment_sections(lines: list[str]) -> list[_Section]:
    sections = [_Section("preamble", "")]
    for idx, line in enumerate(lines):
        found = heading_kind(line)
        if found:
            kind, inline = found
            sections.append(_Section(kind, line))
            if inline:
                sections[-1].lines.append(inline)
            continue
        current = sections[-1]
        if current.kind == "preamble" and _DECISION_SENTENCE_RE.match(line) and not any(
            s.kind == "decision_inline" for s in sections
        ):
            sections.append(_Section("decision_inline", ""))
        sections[-1].lines.append(line)
    return sections


def _looks_like_subheading(prev: str | None, line: str, nxt: str | None) -> bool:
    if prev is None or not _is_sentence_end(prev):
        return False
    if not line[0].isupper() or _BULLET_RE.match(line) or line[0].isdigit():
        return False
    if len(line) > 60 or len(line.split()) > 6 or line.endswith((".", ",", ":", ";")):
        return False
    return nxt is None or nxt[0].isupper()


def _decision_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if out and _looks_like_subheading(out[-1], line, nxt):
            break
        out.append(line)
    return out


def _decision(sections: list[_Section], committee: str | None = None) -> str | None:
    for kind in ("decision", "decision_inline", "proposal_to_decision"):
        candidates = [s for s in sections if s.kind == kind and s.lines]
        for section in _prefer_own(candidates, committee):
            text = join_lines(_decision_lines(section.lines))
            if text:
                return text
    return None


def _prefer_own(sections: list[_Section], committee: str | None) -> list[_Section]:
    """Decision sections of the meeting's own committee ("Kommunstyrelsens beslut") or plain "Beslut" first."""
    if len(sections) < 2:
        return sections
    own = committee.lower() + "s" if committee else None

    def rank(section: _Section) -> int:
        key = _heading_key(section.heading)
        if own and key.startswith(own):
            return 0
        if key in ("beslut", "beslutet", "beslut i ärendet"):
            return 1
        return 2

    return sorted(sections, key=rank)


def _paragraph_reservations(sections: list[_Section]) -> list[Reservation]:
    found: list[Reservation] = []
    for section in sections:
        if section.kind in _BACKGROUND_KINDS or not section.lines:
            continue
        text = section.text
        items = _reservations_from_text(text, past_tense_ok=section.kind == "reservation")
        if not items and section.kind == "reservation":
            group = find_people(text)
            if group and all(p.party for p in group):
                items = [Reservation(p.name, p.party) for p in group]
        for item in items:
            if not any(r.name == item.name and r.party == item.party for r in found):
                found.append(item)
    return found


def _paragraph_proposals(sections: list[_Section]) -> list[Proposal]:
    chosen = [s for s in sections if s.kind in ("proposals", "beslutsgang")]
    if not any(s.kind == "proposals" for s in sections):
        chosen = [s for s in sections if s.kind in ("preamble", "beslutsgang")]
    proposals: list[Proposal] = []
    for section in chosen:
        for proposal in _proposals_from_text(section.text):
            if proposal not in proposals:
                proposals.append(proposal)
    return proposals


def _sent_to(sections: list[_Section]) -> list[str]:
    recipients: list[str] = []
    for section in sections:
        if section.kind != "sent_to":
            continue
        for k, line in enumerate(section.lines):
            line = _BULLET_RE.sub("", line).strip()
            if not line or _SENT_TO_SUBLABEL_RE.match(line):
                continue
            if len(line.split()) >= 12 or (len(line) > 60 and _is_sentence_end(line)) or _TAIL_START_RE.match(line):
                break
            if k == 0 and section.lines[0] != section.heading and ("," in line or ";" in line) and ":" not in line:
                recipients.extend(part.strip() for part in re.split(r"[;,]", line) if part.strip())
                continue
            recipients.append(line.rstrip(",;"))
    return recipients


# --------------------------------------------------------------------------
# Cover page
# --------------------------------------------------------------------------

_COVER_LABEL_PATTERNS = [
    ("correction", r"rättelse"),
    (
        "justering",
        r"justeringens\s+(?:plats\s+och\s+tid|tid\s+och\s+plats|plats|tid)"
        r"|(?:tid\s+och\s+plats|plats\s+och\s+tid)\s+för\s+justering|justeringsdatum|justering|justeras",
    ),
    (
        "place_time",
        r"(?:sammanträdets\s+)?(?:plats\s+och\s+tid|tid\s+och\s+plats)|datum\s+och\s+tid|tid\s+och\s+datum"
        r"|datum,\s+tid\s+och\s+plats",
    ),
    ("place", r"plats|lokal|mötesplats|sammanträdesplats"),
    ("time", r"tid|sammanträdestid"),
    ("date", r"sammanträdesdatum|mötesdatum|datum|sammanträdesdag"),
    ("paragraphs", r"justerade\s+paragrafer|paragrafer|paragraf"),
    ("signatures", r"underskrifter|underskrift|signaturer"),
    ("att_tjg", r"tjänstgörande\s+ersättare"),
    (
        "att_ersattare",
        r"(?:närvarande\s+)?(?:ej|icke|inte)\s+tjänstgörande\s+ersättare|närvarande\s+ersättare"
        r"|övriga\s+ersättare|ersättare",
    ),
    (
        "att_beslutande",
        r"beslutande\s+ledamöter|närvarande\s+beslutande|beslutande|närvarande\s+ledamöter|ledamöter",
    ),
    (
        "att_ovriga",
        r"övriga\s+(?:närvarande|deltagande|deltagare)(?:\s+tjänstepersoner)?|närvarande\s+tjänstepersoner"
        r"|närvarande\s+tjänstemän|tjänstepersoner|tjänstemän|närvarande\s+övriga|övriga|adjungerade|insynsplatser",
    ),
    ("att_absent", r"frånvarande(?:\s+ledamöter)?|ej\s+närvarande"),
    ("sig_justerare", r"utses\s+att\s+justera|justerare|justerande"),
    ("sig_sekreterare", r"sekreterare"),
    ("sig_ordforande", r"ordförande"),
]
_COVER_LABELS: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(rf"^(?:{pattern})(?=[\s:.]|$)\s*[:.]?\s*(?P<value>.*)$", re.IGNORECASE))
    for kind, pattern in _COVER_LABEL_PATTERNS
]
_ATTENDANCE_KINDS = {"att_beslutande", "att_tjg", "att_ersattare", "att_ovriga"}
_DOTS_RE = re.compile(r"[._…]{3,}")


@dataclass
class _CoverBlock:
    kind: str
    label: str
    lines: list[str] = field(default_factory=list)
    signature: bool = False


def _cover_label(line: str) -> tuple[str, str, str] | None:
    if not line or not line[0].isupper():
        return None
    for kind, pattern in _COVER_LABELS:
        m = pattern.match(line)
        if m:
            value = m.group("value").strip()
            label = line[: len(line) - len(m.group("value"))].strip().rstrip(":.").strip()
            return kind, label, value
    return None


_TAIL_LABELS = {"vid protokollet": "sig_sekreterare", "justeras": "sig_justerare", "justerat": "sig_justerare"}


def _cover_blocks(lines: Sequence[str], tail: bool = False) -> list[_CoverBlock]:
    """Split cover (or closing) lines into labelled blocks.

    In the closing part of a protocol ("Vid protokollet", "Justeras") every
    Sekreterare / Ordförande / Justerare label belongs to the signatures.
    """
    blocks: list[_CoverBlock] = [_CoverBlock("start", "")]
    in_signatures = tail
    pending = list(lines)
    pending.reverse()
    while pending:
        line = pending.pop()
        found = _cover_label(line)
        if tail and found is None:
            key = _heading_key(_DOTS_RE.split(line)[0])
            if key in _TAIL_LABELS:
                found = (_TAIL_LABELS[key], line[: len(key)], line[len(key):].strip(" :."))
        elif tail and found and found[0] == "justering" and found[1].lower() in _TAIL_LABELS:
            found = ("sig_justerare", found[1], found[2])
        if not found:
            blocks[-1].lines.append(line)
            continue
        kind, label, value = found
        dotted = bool(_DOTS_RE.search(line))
        if kind.startswith("sig_"):
            if not (in_signatures or dotted or blocks[-1].kind.startswith("sig_") and blocks[-1].signature):
                if kind == "sig_ordforande" and value and find_people(value):
                    blocks[-1].lines.append(line)
                    continue
            block = _CoverBlock(kind, label, signature=in_signatures or dotted)
        else:
            in_signatures = kind == "signatures" or tail
            block = _CoverBlock(kind, label)
        blocks.append(block)
        value = _DOTS_RE.sub(" ", value).strip()
        if not value:
            continue
        inner = _cover_label(value)
        if inner and inner[0] != kind and not (kind in _ATTENDANCE_KINDS and inner[0] == "sig_ordforande"):
            pending.append(value)
            continue
        rest_label = _INLINE_LABEL_RE.search(value)
        if rest_label and rest_label.start() > 0:
            pending.append(value[rest_label.start():])
            value = value[: rest_label.start()].strip()
        if value:
            block.lines.append(value)
    return blocks


_INLINE_LABEL_RE = re.compile(
    r"\s(?=(?:Paragrafer|Justerade paragrafer|Sekreterare|Ordförande|Justerare|Justerande)\b(?:\s*[._]{3,}|\s+§|\s*$))"
)


def _iso(year: int, month: int, day: int) -> str | None:
    if 1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def find_date(text: str) -> str | None:
    """The first valid date in text, ISO or Swedish prose ("12 mars 2024")."""
    candidates = []
    for m in _ISO_DATE_RE.finditer(text):
        iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            candidates.append((m.start(), iso))
            break
    for m in _PROSE_DATE_RE.finditer(text):
        iso = _iso(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if iso:
            candidates.append((m.start(), iso))
            break
    return min(candidates)[1] if candidates else None


def find_time(text: str) -> str | None:
    """"HH:MM-HH:MM" from the first to the last time range, or a single "kl. HH:MM"."""
    ranges = [m for m in _TIME_RANGE_RE.finditer(text) if int(m.group(1)) < 24 and int(m.group(3)) < 24]
    if ranges:
        first, last = ranges[0], ranges[-1]
        return f"{int(first.group(1)):02d}:{first.group(2)}-{int(last.group(3)):02d}:{last.group(4)}"
    single = _SINGLE_TIME_RE.search(text)
    if single and int(single.group(1)) < 24:
        return f"{int(single.group(1)):02d}:{single.group(2)}"
    return None


_DATE_PART_RE = re.compile(
    rf"\b(?:{_WEEKDAY_ALT})(?:en)?\b|\bden\b|\bkl\.?|\bklockan\b|\d{{1,2}}[.:]\d{{2}}(?:\s*[-–]\s*\d{{1,2}}[.:]\d{{2}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\b\d{{1,2}}\s+(?:{_MONTH_ALT})(?:\s+\d{{4}})?\b|\b(?:{_MONTH_ALT})\b|\b\d{{4}}\b",
    re.IGNORECASE,
)
_BREAK_WORDS_RE = re.compile(r"ajourn|paus|uppehåll|lunch", re.IGNORECASE)


def _place_from(text: str) -> str | None:
    parts = []
    for part in re.split(r"\s*[,;]\s*", text):
        if _BREAK_WORDS_RE.search(part):
            continue
        remainder = _DATE_PART_RE.sub(" ", part)
        remainder = _SPACES_RE.sub(" ", remainder).strip(" -–,.")
        if sum(ch.isalpha() for ch in remainder) >= 3:
            parts.append(remainder)
    return ", ".join(parts) or None


def _range_printed(value: str) -> str | None:
    m = re.search(r"(\d{1,4})\s*[-–—]\s*(\d{1,4})", value)
    if m:
        return f"§§ {m.group(1)}-{m.group(2)}"
    m = re.search(r"\d{1,4}", value)
    return f"§ {m.group(0)}" if m else None


def _genitive_to_base(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _organ_name(text: str) -> str | None:
    text = text.strip()
    if _is_organ_line(text):
        if text.isupper():
            text = text.capitalize()
        return _capitalise(text)
    if text.isupper() and _is_organ_line(text.capitalize()):
        return text.capitalize()
    return None


def _org_name(text: str) -> str | None:
    text = text.strip()
    if not _is_org_line(text):
        return None
    if text.isupper():
        words = text.title().split()
        text = " ".join(w if w.lower() not in ("kommun", "stad", "läns", "landsting", "län") else w.lower() for w in words)
    return text


_ROLE_TEXT = {
    "ordf": "ordförande", "ordf.": "ordförande", "sekr": "sekreterare", "sekr.": "sekreterare",
}


@dataclass
class _Entry:
    name: str
    party: str | None
    pre: str
    rest: str


_PARAGRAPH_NOTE_RE = re.compile(
    r"\(?\s*(?:ej|inte|deltar\s+(?:ej|inte)\s+i|närvarande|från|till|fr\.?o\.?m\.?|t\.?o\.?m\.?)?\s*§§?\s*\d{1,4}"
    r"(?:\s*[-–]\s*\d{1,4})?(?:\s*(?:,|och|samt)\s*(?:§§?\s*)?\d{1,4}(?:\s*[-–]\s*\d{1,4})?){0,20}\s*\)?",
    re.IGNORECASE,
)
_TIME_NOTE_RE = re.compile(
    r"\(?\s*(?:från|till|fr\.?o\.?m\.?|t\.?o\.?m\.?)?\s*(?:kl\.?|klockan)\s*\d{1,2}[.:]\d{2}(?:\s*[-–]\s*\d{1,2}[.:]\d{2})?\s*\)?",
    re.IGNORECASE,
)
_REPLACES_RE = re.compile(
    r"(?:^|\s|,)(?:tjänstgör\s+)?(?:i\s+stället\s+för|istället\s+för|ersätter|ers\.\s+för|för)\s+(?=[A-ZÅÄÖ])"
)
_NAME_WORD_RE = re.compile(_NAME_WORD)
_INITIAL_RE = re.compile(rf"[{UPPER}]\.")
_PARTICLES = ("af", "von", "van", "de", "der", "la", "du", "di", "da")


def _name_and_extra(text: str) -> tuple[str, str, str] | None:
    """(words before the name, name, words after) for a text holding one person's name."""
    words = text.split()
    for i in range(len(words)):
        run = []
        for w in words[i:i + 6]:
            bare = w.rstrip(",;:")
            if _NAME_WORD_RE.fullmatch(bare) or _INITIAL_RE.fullmatch(bare) or (run and bare in _PARTICLES):
                run.append(bare)
                if w != bare:
                    break
            else:
                break
        while run and (run[0].lower() in _NAME_STOPWORDS or run[0].lower().endswith(_TITLE_SUFFIXES)):
            run.pop(0)
            i += 1
        if len(run) >= 2:
            run = run[:5]
            after = " ".join(words[i + len(run):])
            return " ".join(words[:i]), " ".join(run), after
    return None


def _parse_entry(text: str) -> _Entry | None:
    text = _BULLET_RE.sub("", text).strip().rstrip(".")
    if not text:
        return None
    open_at = text.find("(")
    close_at = text.find(")", open_at + 1) if open_at > 0 else -1
    party = None
    if open_at > 0 and close_at > open_at:
        party = _clean_party(text[open_at + 1:close_at])
    if party:
        name_part, rest = text[:open_at].strip(" ,"), text[close_at + 1:]
    else:
        comma = text.find(",")
        name_part, rest = (text[:comma], text[comma + 1:]) if comma > 0 else (text, "")
    found = _name_and_extra(name_part)
    if not found:
        return None
    pre, name, after = found
    rest = (after + " " + rest).strip(" ,;:-–")
    return _Entry(name=name, party=party, pre=pre.strip(" ,"), rest=rest)


def _split_entries(line: str) -> list[str]:
    """One attendance line may list several people: split before each "Name (Party)" not preceded by "för"."""
    matches = [m for m in _PERSON_RE.finditer(line) if m.group("party") and _clean_party(m.group("party"))]
    if len(matches) < 2:
        return [line]
    pieces: list[str] = []
    start = 0
    for m in matches[1:]:
        before = line[start:m.start()].rstrip()
        if re.search(r"(?:\bför|\bersätter|stället\s+för)$", before):
            continue
        pieces.append(line[start:m.start()].strip(" ,;").removesuffix(" och").removesuffix(" samt").strip(" ,;"))
        start = m.start()
    pieces.append(line[start:].strip(" ,;"))
    return [p for p in pieces if p]


def _clean_role_text(text: str) -> str:
    text = _PARAGRAPH_NOTE_RE.sub(" ", text)
    text = _TIME_NOTE_RE.sub(" ", text)
    text = _SPACES_RE.sub(" ", text).strip(" ,;:-–()")
    return _ROLE_TEXT.get(text.lower(), text)


def _chair_role(text: str) -> str | None:
    low = text.lower()
    if re.search(r"(?:1:e|1:a|förste|första)\s+vice\s+ordf", low):
        return "1:e vice ordförande"
    if re.search(r"(?:2:e|2:a|andre|andra)\s+vice\s+ordf", low):
        return "2:e vice ordförande"
    if re.search(r"(?:3:e|tredje)\s+vice\s+ordf", low):
        return "3:e vice ordförande"
    if re.search(r"\bvice\s+ordf", low):
        return "vice ordförande"
    if re.fullmatch(r"ordf(?:örande|\.)?|tjänstgörande\s+ordförande|ordförande\s+\w+", low) or low == "ordförande":
        return "ordförande"
    return None


def _attendee(entry: _Entry, kind: str, listed_under: str) -> Attendee:
    hint = _clean_role_text(" ".join(x for x in (entry.pre, entry.rest) if x))
    replaces = None
    m = _REPLACES_RE.search(hint)
    if m:
        found = _name_and_extra(hint[m.end():].replace("(", " (", 1))
        if found and not found[0]:
            replaces = found[1]
            hint = _clean_role_text(hint[: m.start()])
    low = hint.lower()
    party = entry.party
    role: str
    title: str | None = None
    if kind == "att_beslutande":
        chair = _chair_role(hint) if hint else None
        if chair:
            role = chair
        elif replaces or "ersättare" in low:
            role = "tjänstgörande ersättare"
        else:
            role = "ledamot"
            title = hint if hint and low not in ("ledamot", "ledamöter") else None
    elif kind == "att_tjg":
        role = "tjänstgörande ersättare"
    elif kind == "att_ersattare":
        role = "ersättare"
    elif kind == "sig_sekreterare":
        role, title = "sekreterare", hint or "sekreterare"
    elif kind == "sig_justerare":
        role = "justerare"
    elif party:
        if "ersättare" in low and not re.search(r"\bordf", low):
            role = "ersättare"
        else:
            role, title = "övrig närvarande", hint or None
    elif "sekreterare" in low or low in ("sekr", "sekr."):
        role, title = "sekreterare", hint
    else:
        role, title = "tjänsteperson", hint or None
    return Attendee(name=entry.name, party=party, role=role, replaces=replaces, title=title, listed_under=listed_under)


def _listed_under(label: str) -> str:
    label = label.strip().rstrip(":")
    return _capitalise(label.lower()) if label else label


def _attendance_from_blocks(blocks: Sequence[_CoverBlock]) -> list[Attendee]:
    people: list[Attendee] = []
    for block in blocks:
        if block.kind not in _ATTENDANCE_KINDS and not (block.kind == "sig_sekreterare" and not block.signature):
            continue
        listed = _listed_under(block.label)
        for line in block.lines:
            if line[0].islower() and people and people[-1].listed_under == listed:
                last = people[-1]
                if last.title:
                    last.title = join_lines([last.title, line])
                continue
            for piece in _split_entries(line):
                entry = _parse_entry(piece)
                if entry is None:
                    continue
                if any(p.name == entry.name for p in people):
                    continue
                people.append(_attendee(entry, block.kind, listed))
    return people


def _names_in(lines: Sequence[str]) -> list[str]:
    names = []
    for line in lines:
        line = _DOTS_RE.sub(" ", line)
        for piece in re.split(r"\s{2,}|\s+och\s+|,\s*", line.strip()):
            found = _name_and_extra(re.sub(r"\([^)]*\)", " ", piece).strip())
            if found and not found[0] and not found[2]:
                names.append(found[1])
    return names


def _split_joined_names(names: list[str], known: Sequence[str]) -> list[str]:
    """"Bo Bengtsson Carina Carlsson" (two signatures on one line) -> both names, when both are known."""
    out: list[str] = []
    for name in names:
        parts = [name]
        for first in known:
            rest = name[len(first):].strip()
            if name.startswith(first + " ") and rest in known:
                parts = [first, rest]
                break
        for part in parts:
            if part not in out:
                out.append(part)
    return out


def _signatures_from_blocks(blocks: Sequence[_CoverBlock], known: Sequence[str] = ()) -> Signatures:
    """Names under Sekreterare / Ordförande / Justerare; a signature block wins over a plain list."""
    sig = Signatures()
    for block in blocks:
        if not block.kind.startswith("sig_"):
            continue
        names = _names_in(block.lines)
        if block.kind == "sig_sekreterare" and names:
            if block.signature or sig.sekreterare is None:
                sig.sekreterare = names[0]
        elif block.kind == "sig_ordforande" and names:
            if block.signature or sig.ordforande is None:
                sig.ordforande = names[0]
        elif block.kind == "sig_justerare":
            for name in names:
                if name not in sig.justerare:
                    sig.justerare.append(name)
    sig.justerare = _split_joined_names(sig.justerare, list(known) + sig.justerare)
    return sig


# --------------------------------------------------------------------------
# Corrections (Rättelse)
# --------------------------------------------------------------------------

_CORRECTION_ITEM_RE = re.compile(r"^(?:(?:Rättelse|Ändring)\s+(?:av|i)\s+)?§\s{0,2}(\d{1,4})\b\s*(?P<rest>.*)$", re.IGNORECASE)
_CORRECTION_INTRO_RE = re.compile(
    r"(?P<org>.{0,80}?)\s+rättar\s+(?P<committee>[\w\- ]{2,60}?)\s+protokoll(?:et)?\s+(?:från\s+)?(?:den\s+)?"
    r"(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}\s+\w+\s+\d{4})",
    re.IGNORECASE,
)


@dataclass
class _CorrectionNotice:
    corrections: list[Correction]
    organisation: str | None
    committee: str | None
    date: str | None


def _parse_correction_notice(lines: Sequence[str]) -> _CorrectionNotice:
    items: list[tuple[int, list[str]]] = []
    intro: list[str] = []
    for line in lines:
        bare = _BULLET_RE.sub("", line).strip()
        m = _CORRECTION_ITEM_RE.match(bare)
        if m:
            items.append((int(m.group(1)), [m.group("rest")]))
        elif items:
            items[-1][1].append(line)
        else:
            intro.append(line)
    corrections = []
    for number, parts in items:
        text = join_lines(parts).strip()
        text = re.sub(r"^[–\-—:]\s*", "", text)
        if parts and re.match(r"^[–\-—]", parts[0].strip()):
            colon = text.find(": ")
            if 0 < colon < 200:
                text = text[colon + 2:]
        corrections.append(Correction(number, text.strip().rstrip("•").strip()))
    intro_text = join_lines(intro)
    m = _CORRECTION_INTRO_RE.search(intro_text)
    org = committee = date = None
    if m:
        org = _org_name(m.group("org").strip().split(":")[-1].strip()) or None
        committee = _capitalise(_genitive_to_base(m.group("committee").strip()))
        if not _is_organ_line(committee):
            committee = None
        date = find_date(m.group("date"))
    return _CorrectionNotice(corrections, org, committee, date)


# --------------------------------------------------------------------------
# Header assembly
# --------------------------------------------------------------------------


def _most_common_org(lines: Iterable[str]) -> str | None:
    counts: Counter[str] = Counter()
    for line in lines:
        for m in _ORG_MENTION_RE.finditer(line):
            name = m.group(0)
            words = name.split()
            if words[0].lower() in _ORG_STOPWORDS:
                continue
            if words[0] == "Region" and len(words) == 3 and (_is_organ_line(words[2]) or words[2].isupper()):
                name = " ".join(words[:2])
            counts[name] += 1
    if not counts:
        return None
    merged: Counter[str] = Counter()
    for name, n in counts.items():
        base = name
        if name.startswith("Region ") and name.endswith("s") and not name.endswith(" län"):
            base = name[:-1]
        merged[base] += n
    return merged.most_common(1)[0][0]


def _committee_from_text(paragraph_lines: Sequence[str]) -> str | None:
    counts: Counter[str] = Counter()
    for line in paragraph_lines:
        m = re.match(rf"^([{UPPER}][\w\-]{{0,40}}(?:\s+(?:och\s+)?[\w\-]{{1,40}}){{0,4}}?)s\s+beslut$", line)
        if m and _is_organ_line(m.group(1)):
            counts[m.group(1)] += 2
            continue
        m = re.match(rf"^([{UPPER}][\w\-]{{0,40}}(?:\s+(?:och\s+)?[\w\-]{{1,40}}){{0,4}}?)\s+beslutar\b", line)
        if m and _is_organ_line(m.group(1)):
            counts[m.group(1)] += 1
    return counts.most_common(1)[0][0] if counts else None


def _open_close_time(first: Sequence[str], last: Sequence[str]) -> str | None:
    """"13:00-14:03" from "förklarar sammanträdet öppnat kl. 13:00" ... "avslutat klockan 14:03"."""
    start = end = None
    m = re.search(r"öppna[td][^.]{0,60}?(?:kl\.?|klockan)\s*(\d{1,2})[.:](\d{2})", join_lines(first[:12]), re.IGNORECASE)
    if m and int(m.group(1)) < 24:
        start = f"{int(m.group(1)):02d}:{m.group(2)}"
    m = re.search(r"avslutat?[^.]{0,60}?(?:kl\.?|klockan)\s*(\d{1,2})[.:](\d{2})", join_lines(last[-12:]), re.IGNORECASE)
    if m and int(m.group(1)) < 24:
        end = f"{int(m.group(1)):02d}:{m.group(2)}"
    if start and end:
        return f"{start}-{end}"
    return start


def _apply_cover(protocol: Protocol, blocks: Sequence[_CoverBlock]) -> None:
    for block in blocks:
        text = ", ".join(block.lines)
        if block.kind == "place_time":
            protocol.place = protocol.place or _place_from(text)
            protocol.meeting_date = protocol.meeting_date or find_date(text)
            protocol.time = protocol.time or find_time(_drop_break_lines(block.lines))
        elif block.kind == "place":
            protocol.place = protocol.place or _place_from(text)
        elif block.kind == "time":
            protocol.time = protocol.time or find_time(_drop_break_lines(block.lines))
            protocol.meeting_date = protocol.meeting_date or find_date(text)
        elif block.kind == "date":
            protocol.meeting_date = protocol.meeting_date or find_date(text)
            protocol.time = protocol.time or find_time(_drop_break_lines(block.lines))
        elif block.kind == "justering" and block.lines:
            value = _DOTS_RE.sub(" ", block.lines[0]).strip()
            protocol.justering = protocol.justering or value or None
        elif block.kind == "paragraphs" and block.lines:
            protocol.paragraph_range_printed = protocol.paragraph_range_printed or _range_printed(block.lines[0])
        elif block.kind == "start":
            for line in block.lines[:15]:
                protocol.organisation = protocol.organisation or _org_name(line)
                protocol.committee = protocol.committee or _organ_name(line)
                protocol.meeting_date = protocol.meeting_date or (find_date(line) if len(line) < 80 else None)


def _drop_break_lines(lines: Sequence[str]) -> str:
    return " ".join(line for line in lines if not _BREAK_WORDS_RE.search(line))


def _header_from_removed(protocol: Protocol, removed: Sequence[str]) -> None:
    organs: Counter[str] = Counter()
    orgs: Counter[str] = Counter()
    dates: Counter[str] = Counter()
    for line in removed[:400]:
        organ = _organ_name(line)
        if organ:
            organs[organ] += 1
        org = _org_name(line)
        if org:
            orgs[org] += 1
        if _DATE_ONLY_RE.match(line):
            iso = find_date(line)
            if iso:
                dates[iso] += 1
        else:
            stripped = _STRONG_TOKEN_RE.sub(" ", line)
            stripped = _ISO_DATE_RE.sub(" ", stripped).strip(" -–|,:;/()")
            organ = _organ_name(stripped) if stripped else None
            if organ:
                organs[organ] += 1
            iso = find_date(line)
            if iso and "Sammanträdesdatum" in line:
                dates[iso] += 2
    if protocol.committee is None and organs:
        protocol.committee = organs.most_common(1)[0][0]
    if protocol.organisation is None and orgs:
        protocol.organisation = orgs.most_common(1)[0][0]
    if protocol.meeting_date is None and dates:
        protocol.meeting_date = dates.most_common(1)[0][0]


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------

_PREAMBLE_LIMIT = 800


def parse_protocol(text: str) -> Protocol:
    """Parse protocol text into a `Protocol`.

    Never raises on text input: missing parts become None / empty lists and
    `warnings` says what was not found. Raises `ProtocolParseError` when
    `text` is not a str.
    """
    if not isinstance(text, str):
        raise ProtocolParseError(f"expected protocol text as str, got {type(text).__name__}")
    protocol = Protocol()
    lines, removed = strip_page_furniture(normalise_lines(text))
    if not lines:
        protocol.warnings.append("empty text: no lines to parse")
        _header_from_removed(protocol, removed)
        return protocol
    chain = _select_chain(_paragraph_candidates(lines))
    bodies = _paragraph_bodies(lines, chain)
    first = chain[0].index if chain else len(lines)
    tail = list(lines[chain[-1].index + 1 + len(bodies[-1]):][:200]) if chain else []
    _parse_front_matter(protocol, lines[:first][:_PREAMBLE_LIMIT], tail)
    _fill_header_fallbacks(protocol, lines, removed, bodies)
    protocol.paragraphs = [
        _parse_paragraph(cand.number, cand.rest, body, protocol.committee, lines[cand.index])
        for cand, body in zip(chain, bodies)
    ]
    protocol.warnings.extend(_consistency_warnings(protocol, chain))
    return protocol


def _paragraph_bodies(lines: Sequence[str], chain: Sequence[_Candidate]) -> list[list[str]]:
    """The lines of each paragraph after its "§ N" line; the closing signature part is cut off the last."""
    bodies = []
    for k, cand in enumerate(chain):
        end = chain[k + 1].index if k + 1 < len(chain) else len(lines)
        body = list(lines[cand.index + 1:end])
        if k + 1 == len(chain):
            body = body[:_tail_start(body)]
        bodies.append(body)
    return bodies


def _tail_start(body: Sequence[str]) -> int:
    for i, line in enumerate(body):
        if i > 0 and _TAIL_START_RE.match(line):
            return i
    return len(body)


def _parse_front_matter(protocol: Protocol, preamble: list[str], tail: list[str]) -> None:
    notice_lines, cover_lines = _split_notice(preamble)
    notice = _parse_correction_notice(notice_lines) if notice_lines else None
    blocks = _cover_blocks(cover_lines)
    _apply_cover(protocol, blocks)
    if notice:
        protocol.corrections = notice.corrections
        protocol.organisation = protocol.organisation or notice.organisation
        protocol.committee = protocol.committee or notice.committee
        protocol.meeting_date = protocol.meeting_date or notice.date
    if protocol.paragraph_range_printed is None:
        m = re.search(r"§§\s{0,2}\d{1,4}\s{0,2}[-–—]\s{0,2}\d{1,4}", " ".join(cover_lines[:300]))
        protocol.paragraph_range_printed = _range_printed(m.group(0)) if m else None
    protocol.attendance = _attendance_from_blocks(blocks)
    known = [a.name for a in protocol.attendance]
    signatures = _signatures_from_blocks(blocks, known)
    if tail:
        tail_blocks = _cover_blocks(tail, tail=True)
        closing = _signatures_from_blocks(tail_blocks, known)
        signatures.sekreterare = signatures.sekreterare or closing.sekreterare
        signatures.ordforande = signatures.ordforande or closing.ordforande
        signatures.justerare = signatures.justerare or closing.justerare
        if protocol.justering is None:
            _apply_cover(protocol, [b for b in tail_blocks if b.kind == "justering"])
    protocol.signatures = signatures
    if not signatures.ordforande:
        signatures.ordforande = next((a.name for a in protocol.attendance if a.role == "ordförande"), None)
    if signatures.sekreterare and not any(a.name == signatures.sekreterare for a in protocol.attendance):
        protocol.attendance.append(
            Attendee(signatures.sekreterare, None, "sekreterare", None, "sekreterare", "Underskrifter")
        )
    if not signatures.sekreterare:
        signatures.sekreterare = next((a.name for a in protocol.attendance if a.role == "sekreterare"), None)


def _split_notice(preamble: list[str]) -> tuple[list[str], list[str]]:
    for i, line in enumerate(preamble[:200]):
        if re.match(r"^rättelse\b", line, re.IGNORECASE):
            end = i + 1
            while end < len(preamble):
                found = _cover_label(preamble[end])
                if found and found[0] != "correction":
                    break
                end += 1
            return preamble[i:end], preamble[:i] + preamble[end:]
    return [], preamble


def _fill_header_fallbacks(
    protocol: Protocol, lines: Sequence[str], removed: Sequence[str], bodies: Sequence[Sequence[str]]
) -> None:
    _header_from_removed(protocol, removed)
    if protocol.committee is None:
        protocol.committee = _committee_from_text(lines[:20000])
    if protocol.organisation is None:
        protocol.organisation = _most_common_org(lines[:5000])
    if not bodies:
        return
    opening_closing = _open_close_time(bodies[0], bodies[-1])
    if protocol.time is None:
        protocol.time = opening_closing
    elif "-" not in protocol.time and opening_closing and opening_closing.startswith(protocol.time + "-"):
        protocol.time = opening_closing
    if protocol.meeting_date is None:
        for body in bodies[:2]:
            text = join_lines(body[:12])
            m = re.search(r"öppna[td]", text, re.IGNORECASE)
            if m:
                protocol.meeting_date = find_date(text[m.start(): m.start() + 160])
                if protocol.meeting_date:
                    break


def _consistency_warnings(protocol: Protocol, chain: Sequence[_Candidate]) -> list[str]:
    warnings = []
    if not chain:
        warnings.append("no paragraphs found: the text has no line starting with '§ N'")
        return warnings
    numbers = [c.number for c in chain]
    for a, b in zip(numbers, numbers[1:]):
        if b != a + 1:
            warnings.append(f"paragraph numbering jumps from § {a} to § {b}")
    found = f"§§ {numbers[0]}-{numbers[-1]}" if len(numbers) > 1 else f"§ {numbers[0]}"
    if protocol.paragraph_range_printed and protocol.paragraph_range_printed != found:
        warnings.append(
            f"printed paragraph range {protocol.paragraph_range_printed} differs from the paragraphs found ({found})"
        )
    if protocol.meeting_date is None:
        warnings.append("meeting date not found")
    if protocol.committee is None:
        warnings.append("committee not found")
    return warnings


_PROTOCOL_MARKERS_RE = re.compile(
    r"Justerandes|Utdragsbestyrkande|Beslutande|Protokollsutdrag|Sammanträdesdatum|PROTOKOLL|Paragrafer|Justering|Delges|Expedieras"
)


def looks_like_protocol(text: str) -> bool:
    """True when text has paragraph starts ("§ N" lines) in sequence, or one and protocol vocabulary."""
    if not isinstance(text, str) or "§" not in text:
        return False
    lines = normalise_lines(text)
    chain = _select_chain(_paragraph_candidates(lines))
    if len(chain) >= 2:
        return True
    return len(chain) == 1 and bool(_PROTOCOL_MARKERS_RE.search(text))
