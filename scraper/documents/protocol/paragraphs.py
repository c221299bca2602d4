"""Paragraphs of a protocol: "§ N" starts, the chain of paragraph numbers, titles, case numbers and sections."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .decisions import find_decision, proposer
from .lexicon import (
    BULLET_RE,
    DECISION_START_RE,
    FUNCTION_WORDS,
    ISO_DATE_RE,
    LOWER,
    UPPER,
    ends_with_word_hyphen,
    is_sentence_end,
    join_lines,
    wordlike_share,
)
from .model import Paragraph, Proposal, Reservation
from .people import find_people, proposals_from_text, recusals_from_text, reservations_from_text
from .sections import BACKGROUND_KINDS, Section, heading_kind, segment_sections
from .votes import read_votes


# --------------------------------------------------------------------------
# Paragraph starts and the chain of paragraph numbers
# --------------------------------------------------------------------------

_PARA_START_RE = re.compile(
    rf"^(?:(?P<prefix>[{UPPER}]{{1,6}}|[{UPPER}][{LOWER}]{{1,3}})\s{{0,2}})?"
    r"§\s{0,3}(?P<num>\d{1,4})(?![\d,:]|\.\d)(?P<rest>[\s.:–\-].*)?$"
)
_TOC_LINE_RE = re.compile(r"(?<!\.)\.{3,}\s{0,3}\d{1,4}$")
_REFERENCE_TAIL_RE = re.compile(
    r"(?:\d{4}-\d{2}-\d{2}|\b(?:beslut|protokoll|protokollet|enligt|jämlikt|se|i|och|samt|till|från|kap\.?|paragraf))$",
    re.IGNORECASE,
)


@dataclass
class Candidate:
    index: int
    number: int
    prefix: str | None
    rest: str
    quality: float = 0.0


def paragraph_candidates(lines: Sequence[str]) -> list[Candidate]:
    candidates = []
    for i, line in enumerate(lines):
        if "§" not in line[:10]:
            continue
        m = _PARA_START_RE.match(line)
        if not m:
            continue
        rest = (m.group("rest") or "").strip()
        candidates.append(Candidate(i, int(m.group("num")), m.group("prefix"), rest))
    prefix_counts = Counter(c.prefix for c in candidates if c.prefix)
    starts = {c.index for c in candidates}
    for c in candidates:
        c.quality = _candidate_quality(c, lines, starts, prefix_counts)
    return candidates


_TRAILING_START_RE = re.compile(rf"^(?P<title>[{UPPER}][^§]{{1,119}}\S)\s{{1,3}}§\s{{0,3}}(?P<num>\d{{1,4}})$")


def trailing_candidates(lines: Sequence[str]) -> list[Candidate]:
    """Paragraph starts printed title first on one line ("Val av justerare § 12"); the title is the candidate's rest."""
    candidates = []
    for i, line in enumerate(lines):
        if "§" not in line[-8:]:
            continue
        m = _TRAILING_START_RE.match(line)
        if m and not _REFERENCE_TAIL_RE.search(m.group("title")):
            candidates.append(Candidate(i, int(m.group("num")), None, m.group("title")))
    starts = {c.index for c in candidates}
    for c in candidates:
        c.quality = _candidate_quality(c, lines, starts, Counter())
    return candidates


def titles_above(lines: Sequence[str], chain: Sequence[Candidate]) -> set[int]:
    """Positions in the chain of paragraphs whose title stands on the line above "§ N" (a template printing title first).

    Taken only when most "§ N" lines stand alone with a title-like line above
    and no title below (the next line is a case number, a heading, a
    decision sentence or prose).
    """
    alone = [k for k, c in enumerate(chain) if not c.rest.strip(".:–- ") and c.index > 0]
    if len(alone) < 2 or len(alone) < len(chain) // 2:
        return set()
    above = {k for k in alone if _title_above(lines, chain, k)}
    return above if len(above) >= 0.6 * len(alone) else set()


def _title_above(lines: Sequence[str], chain: Sequence[Candidate], k: int) -> bool:
    index = chain[k].index
    previous = lines[index - 1]
    if (k > 0 and chain[k - 1].index == index - 1) or not _is_title_like(previous) or heading_kind(previous):
        return False
    if _case_number(previous) or _TAIL_START_RE.match(previous):
        return False
    following = lines[index + 1:index + 3]
    if following and _case_number(following[0]):
        following = following[1:]
    if not following:
        return True
    return _opens_sections(following[0]) or is_sentence_end(following[0]) or heading_kind(following[0]) is not None


def _candidate_quality(c: Candidate, lines: Sequence[str], starts: set[int], prefix_counts: Counter) -> float:
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


def select_chain(candidates: Sequence[Candidate]) -> list[Candidate]:
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
# Case numbers and titles
# --------------------------------------------------------------------------

_CASE_RE = re.compile(
    r"(?:^|\s|\()(?:Dnr\.?|Diarienr\.?|Diarienummer|Diarie\s+nr\.?|Ärendenummer|Ärendenr\.?|Ärende\s+nr\.?|Vårt\s+dnr)"
    r"\s{0,3}[:.]?\s{0,3}(?P<value>[^\s].{0,60})$",
    re.IGNORECASE,
)
# A filing-plan code after the case number ("KS/2018:298 - 001", "KS 05-292 531") is kept as printed.
_FILING_CODE = r"(?:\s[-–]\s\d{1,4}(?!\S)|\s\d{3}(?!\S))?"
_CASE_VALUE_RE = re.compile(
    rf"^(?:[{UPPER}]{{1,8}}[ /\-]?|[{UPPER}][{LOWER}]{{1,3}}\s)?\d[\w./:\-]*{_FILING_CODE}(?:\s+[{UPPER}]{{2,5}}\b(?!\s+\w))?"
)
_BARE_CASE = (
    rf"(?:[{UPPER}]{{1,8}}[ ./\-]?\d{{2,5}}[/.:\-]\d{{1,6}}(?:[/.:\-]\d{{1,6}})?|\d{{2,4}}/\d{{1,6}}(?:[/.:\-]\d{{1,6}})?"
    rf"|\d{{2}}[{UPPER}]{{2,4}}\d{{2,7}}){_FILING_CODE}"
)
_BARE_CASE_RE = re.compile(rf"^{_BARE_CASE}(?:\s+[{UPPER}]{{2,5}})?$")
# A heading line giving the case number before the title: "KS § 80 KS/2018:298 - 001 Val av justerare".
_LEADING_CASE_RE = re.compile(
    rf"^(?:(?:Dnr|Diarienr|Diarienummer|Ärendenr|Ärendenummer)\.?\s{{0,3}}:?\s{{0,3}})?(?P<case>{_BARE_CASE})\s+(?=[{UPPER}])"
)
_CASE_LABEL_ONLY_RE = re.compile(
    r"^(?:Dnr\.?|Diarienr\.?|Diarienummer|Diarie\s+nr\.?|Ärendenummer|Ärendenr\.?|Ärende\s+nr\.?)\s{0,3}[:.]?$", re.IGNORECASE
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
        if _BARE_CASE_RE.match(line) and not ISO_DATE_RE.fullmatch(line):
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


def join_case_labels(
    lines: Sequence[str], layout: Sequence[str], pages: Sequence[int] | None
) -> tuple[list[str], list[str], list[int] | None]:
    """Lines with a case-number label standing alone ("Diarienummer:") joined to the number on the next line."""
    if not any(_CASE_LABEL_ONLY_RE.match(line) for line in lines):
        return list(lines), list(layout), list(pages) if pages else None
    out: list[str] = []
    printed: list[str] = []
    numbers: list[int] = []
    i = 0
    while i < len(lines):
        if _CASE_LABEL_ONLY_RE.match(lines[i]) and i + 1 < len(lines) and _BARE_CASE_RE.match(lines[i + 1]):
            out.append(f"{lines[i]} {lines[i + 1]}")
            printed.append(f"{layout[i]} {layout[i + 1].strip()}")
            numbers.append(pages[i] if pages else 0)
            i += 2
            continue
        out.append(lines[i])
        printed.append(layout[i])
        numbers.append(pages[i] if pages else 0)
        i += 1
    return out, printed, numbers if pages else None


def _title_continues(current: str, nxt: str) -> bool:
    if ends_with_word_hyphen(current):
        return True
    if nxt[0].islower() or nxt[0] in "(":
        return True
    last = current.rsplit(" ", 1)[-1].lower()
    return last in FUNCTION_WORDS or current.endswith((",", "–", "&"))


def _is_title_like(line: str) -> bool:
    return len(line) <= 90 and not is_sentence_end(line) and not line.endswith(":")


# --------------------------------------------------------------------------
# Paragraph parsing
# --------------------------------------------------------------------------

_IMMEDIATE_RE = re.compile(
    r"(?<!inte )(?<!ej )(?:omedelbart\s+justera[dst]|justeras\s+omedelbart|omedelbar\s+justering|omedelbart\s+justerad)",
    re.IGNORECASE,
)

_SENT_TO_SUBLABEL_RE = re.compile(r"^för\s+(?:kännedom|åtgärd|verkställighet|information)\s*:?$", re.IGNORECASE)
_TAIL_START_RE = re.compile(
    r"^(?:Vid\s+protokollet|Underskrifter|Justeras:?$|Justerat:?\s|ANSLAG|Anslag\s*/\s*bevis|BEVIS|Bevis\s+om\s+anslag"
    r"|Protokollet\s+(?:är|har\s+blivit)\s+justerat|Justeringen\s+har\s+tillkännagivits|Intygas"
    r"|(?:Sekreterare|Ordförande|Justerare|Justerande)\s*[._]{3,})"
)


def parse_paragraph(
    number: int,
    first_line_rest: str,
    body: list[str],
    committee: str | None = None,
    head: str | None = None,
    layout: Sequence[str] | None = None,
) -> Paragraph:
    """A paragraph from the rest of its "§ N" line and the lines after it (`layout`: the same as printed)."""
    title_lines, case_number, pos = _split_title(first_line_rest, body)
    sections = segment_sections(body[pos:])
    para = Paragraph(number=number, title=join_lines(title_lines) or None, case_number=case_number)
    para.text = "\n".join(([head] if head else []) + body)
    para.decision = find_decision(sections, committee)
    barriers = [s.start for s in sections if s.kind in _VOTE_BARRIERS]
    para.votes = read_votes(body[pos:], layout[pos:] if layout else None, barriers)
    para.recusals = [r for s in sections for r in recusals_from_text(s.text)]
    para.reservations = _paragraph_reservations(sections)
    para.proposals = _paragraph_proposals(sections)
    para.notes = [s.text for s in sections if s.kind == "notes" and s.lines]
    beslutsgang = [s.text for s in sections if s.kind == "beslutsgang" and s.lines]
    para.beslutsgang = " ".join(beslutsgang) if beslutsgang else None
    para.on_proposal_of = proposer(para.decision, beslutsgang + [v.outcome for v in para.votes if v.outcome])
    para.sent_to = _sent_to(sections)
    para.immediately_adjusted = any(
        ("omedelbar" in s.text or "Omedelbar" in s.text) and _IMMEDIATE_RE.search(s.text) for s in sections
    )
    return para


_VOTE_BARRIERS = {"decision", "reservation", "sent_to", "notes", "other", "proposal_to_decision"}
_NOT_A_TITLE_KINDS = {"decision", "proposal_to_decision", "sent_to", "reservation", "proposals", "beslutsgang", "notes"}


def _opens_sections(line: str) -> bool:
    """A line that cannot be the first title line: a decision-type heading or a decision sentence."""
    found = heading_kind(line)
    return (found is not None and found[0] in _NOT_A_TITLE_KINDS) or bool(DECISION_START_RE.match(line))


def _heading_case(rest: str) -> tuple[str | None, str]:
    """(case number, title) of the rest of a "§ N" line: the case number may stand before the title or after it."""
    lead = _LEADING_CASE_RE.match(rest)
    if lead and ISO_DATE_RE.match(lead.group("case")) is None:
        return lead.group("case"), rest[lead.end():].strip()
    found = _case_number(rest)
    return found if found else (None, rest)


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
        case_number, rest = _heading_case(rest)
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
        if DECISION_START_RE.match(nxt):
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


def _paragraph_reservations(sections: list[Section]) -> list[Reservation]:
    found: list[Reservation] = []
    for section in sections:
        if section.kind in BACKGROUND_KINDS or not section.lines:
            continue
        text = section.text
        items = reservations_from_text(text, past_tense_ok=section.kind == "reservation")
        if not items and section.kind == "reservation":
            group = find_people(text)
            if group and all(p.party for p in group):
                items = [Reservation(p.name, p.party) for p in group]
        for item in items:
            if not any(r.name == item.name and r.party == item.party for r in found):
                found.append(item)
    return found


def _paragraph_proposals(sections: list[Section]) -> list[Proposal]:
    chosen = [s for s in sections if s.kind in ("proposals", "beslutsgang")]
    if not any(s.kind == "proposals" for s in sections):
        chosen = [s for s in sections if s.kind in ("preamble", "beslutsgang")]
    proposals: list[Proposal] = []
    for section in chosen:
        for proposal in proposals_from_text(section.text):
            if proposal not in proposals:
                proposals.append(proposal)
    return proposals


def _sent_to(sections: list[Section]) -> list[str]:
    recipients: list[str] = []
    for section in sections:
        if section.kind != "sent_to":
            continue
        for k, line in enumerate(section.lines):
            line = BULLET_RE.sub("", line).strip()
            if not line or _SENT_TO_SUBLABEL_RE.match(line):
                continue
            if len(line.split()) >= 12 or (len(line) > 60 and is_sentence_end(line)) or _TAIL_START_RE.match(line):
                break
            if k == 0 and section.lines[0] != section.heading and ("," in line or ";" in line) and ":" not in line:
                recipients.extend(part.strip() for part in re.split(r"[;,]", line) if part.strip())
                continue
            recipients.append(line.rstrip(",;"))
    return recipients


def paragraph_bodies(
    lines: Sequence[str], chain: Sequence[Candidate], titled_above: set[int] | frozenset[int] = frozenset()
) -> list[list[str]]:
    """The lines of each paragraph after its "§ N" line; the closing signature part is cut off the last.

    A paragraph in `titled_above` has its title on the line above its "§ N"
    line: that line is not part of the paragraph before.
    """
    bodies = []
    for k, cand in enumerate(chain):
        end = chain[k + 1].index - (k + 1 in titled_above) if k + 1 < len(chain) else len(lines)
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
