"""The front matter of a protocol: cover-page blocks, attendance, signatures, a correction notice and the header fields."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .lexicon import (
    ATTENDANCE_REFERENCE_RE,
    BULLET_RE,
    DATE_LINE_RE,
    DOTS_RE,
    ISO_DATE_RE,
    MONTH_ALT,
    ORG_MENTION_RE,
    ORG_STOPWORDS,
    SPACES_RE,
    STRONG_TOKEN_RE,
    UPPER,
    WEEKDAY_ALT,
    Role,
    capitalise,
    find_iso_date,
    find_time,
    genitive_to_base,
    is_organ_line,
    join_lines,
    org_name,
    organ_name,
)
from .model import Attendee, Correction, Protocol, Signatures
from .sections import heading_key
from .people import attendee, find_people, listing_label, name_and_extra, parse_entry, split_entries


# --------------------------------------------------------------------------
# Cover-page blocks
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
    ("att_beslutande", r"närvarande"),
    ("att_foredragande", r"föredragande|närvarande\s+för\s+information|informatörer|inbjudna"),
    ("att_absent", r"frånvarande(?:\s+ledamöter)?|ej\s+närvarande"),
    ("sig_justerare", r"utses\s+att\s+justera|justerare|justerande"),
    ("sig_sekreterare", r"sekreterare"),
    ("sig_ordforande", r"ordförande"),
]
_COVER_LABELS: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(rf"^(?:{pattern})(?=[\s:.]|$)\s*[:.]?\s*(?P<value>.*)$", re.IGNORECASE))
    for kind, pattern in _COVER_LABEL_PATTERNS
]
_ATTENDANCE_KINDS = {"att_beslutande", "att_tjg", "att_ersattare", "att_ovriga", "att_foredragande"}


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
            key = heading_key(DOTS_RE.split(line)[0])
            if key in _TAIL_LABELS:
                found = (_TAIL_LABELS[key], line[: len(key)], line[len(key):].strip(" :."))
        elif tail and found and found[0] == "justering" and found[1].lower() in _TAIL_LABELS:
            found = ("sig_justerare", found[1], found[2])
        if not found:
            blocks[-1].lines.append(line)
            continue
        kind, label, value = found
        dotted = bool(DOTS_RE.search(line))
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
        value = DOTS_RE.sub(" ", value).strip()
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


_DATE_PART_RE = re.compile(
    rf"\b(?:{WEEKDAY_ALT})(?:en)?\b|\bden\b|\bkl\.?|\bklockan\b|\d{{1,2}}[.:]\d{{2}}(?:\s*[-–]\s*\d{{1,2}}[.:]\d{{2}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\b\d{{1,2}}\s+(?:{MONTH_ALT})(?:\s+\d{{4}})?\b|\b(?:{MONTH_ALT})\b|\b\d{{4}}\b",
    re.IGNORECASE,
)
_BREAK_WORDS_RE = re.compile(r"ajourn|paus|uppehåll|lunch", re.IGNORECASE)


def _place_from(text: str) -> str | None:
    parts = []
    for part in (piece.strip() for piece in re.split(r"[,;]", text)):
        if _BREAK_WORDS_RE.search(part):
            continue
        remainder = _DATE_PART_RE.sub(" ", part)
        remainder = SPACES_RE.sub(" ", remainder).strip(" -–,.")
        if sum(ch.isalpha() for ch in remainder) >= 3:
            parts.append(remainder)
    return ", ".join(parts) or None


def _range_printed(value: str) -> str | None:
    m = re.search(r"(\d{1,4})\s*[-–—]\s*(\d{1,4})", value)
    if m:
        return f"§§ {m.group(1)}-{m.group(2)}"
    m = re.search(r"\d{1,4}", value)
    return f"§ {m.group(0)}" if m else None


# --------------------------------------------------------------------------
# Attendance and signatures
# --------------------------------------------------------------------------

def _attendance_from_blocks(blocks: Sequence[_CoverBlock]) -> list[Attendee]:
    people: list[Attendee] = []
    for block in blocks:
        if block.kind not in _ATTENDANCE_KINDS and not (block.kind == "sig_sekreterare" and not block.signature):
            continue
        listed = listing_label(block.label)
        for line in block.lines:
            if line[0].islower() and people and people[-1].listed_under == listed:
                last = people[-1]
                if last.title:
                    last.title = join_lines([last.title, line])
                continue
            for piece in split_entries(line):
                entry = parse_entry(piece)
                if entry is None:
                    continue
                if any(p.name == entry.name for p in people):
                    continue
                people.append(attendee(entry, block.kind, listed))
    return people


def _without_brackets(text: str) -> str:
    """Text with each span from a "(" to the next ")" replaced by a space ("Bo Berg (S)" -> "Bo Berg  ")."""
    parts = []
    pos = 0
    while (start := text.find("(", pos)) >= 0 and (end := text.find(")", start + 1)) >= 0:
        parts.extend((text[pos:start], " "))
        pos = end + 1
    parts.append(text[pos:])
    return "".join(parts)


def _names_in(lines: Sequence[str]) -> list[str]:
    names = []
    for line in lines:
        line = DOTS_RE.sub(" ", line)
        for piece in re.split(r"\s{2,}|\s+och\s+|,\s*", line.strip()):
            found = name_and_extra(_without_brackets(piece).strip())
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
        bare = BULLET_RE.sub("", line).strip()
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
        org = org_name(m.group("org").strip().split(":")[-1].strip()) or None
        committee = capitalise(genitive_to_base(m.group("committee").strip()))
        if not is_organ_line(committee):
            committee = None
        date = find_iso_date(m.group("date"))
    return _CorrectionNotice(corrections, org, committee, date)


# --------------------------------------------------------------------------
# Header fields
# --------------------------------------------------------------------------

def _most_common_org(lines: Iterable[str]) -> str | None:
    counts: Counter[str] = Counter()
    for line in lines:
        for m in ORG_MENTION_RE.finditer(line):
            name = m.group(0)
            words = name.split()
            if words[0].lower() in ORG_STOPWORDS:
                continue
            if words[0] == "Region" and len(words) == 3 and (is_organ_line(words[2]) or words[2].isupper()):
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
        if m and is_organ_line(m.group(1)):
            counts[m.group(1)] += 2
            continue
        m = re.match(rf"^([{UPPER}][\w\-]{{0,40}}(?:\s+(?:och\s+)?[\w\-]{{1,40}}){{0,4}}?)\s+beslutar\b", line)
        if m and is_organ_line(m.group(1)):
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
            protocol.meeting_date = protocol.meeting_date or find_iso_date(text)
            protocol.time = protocol.time or find_time(_drop_break_lines(block.lines))
        elif block.kind == "place":
            protocol.place = protocol.place or _place_from(text)
        elif block.kind == "time":
            protocol.time = protocol.time or find_time(_drop_break_lines(block.lines))
            protocol.meeting_date = protocol.meeting_date or find_iso_date(text)
        elif block.kind == "date":
            protocol.meeting_date = protocol.meeting_date or find_iso_date(text)
            protocol.time = protocol.time or find_time(_drop_break_lines(block.lines))
        elif block.kind == "justering" and block.lines:
            value = DOTS_RE.sub(" ", block.lines[0]).strip()
            protocol.justering = protocol.justering or value or None
        elif block.kind == "paragraphs" and block.lines:
            protocol.paragraph_range_printed = protocol.paragraph_range_printed or _range_printed(block.lines[0])
        elif block.kind == "start":
            for line in block.lines[:15]:
                protocol.organisation = protocol.organisation or org_name(line)
                protocol.committee = protocol.committee or organ_name(line)
                protocol.meeting_date = protocol.meeting_date or (find_iso_date(line) if len(line) < 80 else None)


def _drop_break_lines(lines: Sequence[str]) -> str:
    return " ".join(line for line in lines if not _BREAK_WORDS_RE.search(line))


def header_from_removed(protocol: Protocol, removed: Sequence[str]) -> None:
    organs: Counter[str] = Counter()
    orgs: Counter[str] = Counter()
    dates: Counter[str] = Counter()
    for line in removed[:400]:
        organ = organ_name(line)
        if organ:
            organs[organ] += 1
        org = org_name(line)
        if org:
            orgs[org] += 1
        if DATE_LINE_RE.match(line):
            iso = find_iso_date(line)
            if iso:
                dates[iso] += 1
        else:
            stripped = STRONG_TOKEN_RE.sub(" ", line)
            stripped = ISO_DATE_RE.sub(" ", stripped).strip(" -–|,:;/()")
            organ = organ_name(stripped) if stripped else None
            if organ:
                organs[organ] += 1
            iso = find_iso_date(line)
            if iso and "Sammanträdesdatum" in line:
                dates[iso] += 2
    if protocol.committee is None and organs:
        protocol.committee = organs.most_common(1)[0][0]
    if protocol.organisation is None and orgs:
        protocol.organisation = orgs.most_common(1)[0][0]
    if protocol.meeting_date is None and dates:
        protocol.meeting_date = dates.most_common(1)[0][0]


# --------------------------------------------------------------------------
# Front matter
# --------------------------------------------------------------------------

def parse_front_matter(protocol: Protocol, preamble: list[str], tail: list[str]) -> None:
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
    protocol.attendance_listed = any(
        block.kind in _ATTENDANCE_KINDS and any(not ATTENDANCE_REFERENCE_RE.search(line) for line in block.lines)
        for block in blocks
    )
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
        signatures.ordforande = next((a.name for a in protocol.attendance if a.role == Role.CHAIR), None)
    if signatures.sekreterare and not any(a.name == signatures.sekreterare for a in protocol.attendance):
        protocol.attendance.append(
            Attendee(signatures.sekreterare, None, Role.SECRETARY, None, Role.SECRETARY, "Underskrifter")
        )
    if not signatures.sekreterare:
        signatures.sekreterare = next((a.name for a in protocol.attendance if a.role == Role.SECRETARY), None)


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


def fill_header_fallbacks(
    protocol: Protocol, lines: Sequence[str], removed: Sequence[str], bodies: Sequence[Sequence[str]]
) -> None:
    header_from_removed(protocol, removed)
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
                protocol.meeting_date = find_iso_date(text[m.start(): m.start() + 160])
                if protocol.meeting_date:
                    break
