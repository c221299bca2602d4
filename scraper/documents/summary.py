"""Parse plain-language meeting summaries ("Sammanfattning från regionstyrelsen den 8 april 2025").

Regions publish short summaries of the decisions of a meeting, either as a PDF
or as a web page. They are not protocols: there are no paragraph numbers, only
item headings followed by a few paragraphs of explanation and, usually, one
sentence stating the decision ("Regionfullmäktige har beslutat att ...",
"Regionstyrelsen föreslår att regionfullmäktige beslutar att ..."). At the
end a numbered list ("Övriga ärenden som ...") names the other items of the
agenda with their printed numbers.

Layout clues used to tell headings from body text
-------------------------------------------------
* Paragraphs are separated by blank lines. A block that starts with a
  lower-case letter after a block without a final full stop is the same
  paragraph broken by a page break (PDF) or by the web renderer, and is joined
  to it. A bare URL block repeating a URL already seen is a page footer.
* Wrapped layout (PDF) or one paragraph per line (web page): told from the
  blocks when the text has blank lines, otherwise from how often a line goes
  on in lower case (a sentence wrapped onto the next line).
* Text without blank lines (a web page copy, an extractor that drops empty
  lines): in web layout every line is a paragraph. In wrapped layout a new
  paragraph starts at a bullet, a numbered line, the line after a bare link,
  and at a heading that follows the end of a paragraph (a line closing a
  sentence, or a short line that does not break off at a function word) and
  is followed by a sentence starting with a capital. Inside a numbered list
  such a line must be followed by body text; otherwise it is the wrapped end
  of the entry above.
* Wrapped layout headings: the first line(s) of a block, short (under three
  quarters of the body line width) and not ending a sentence. A heading may
  wrap when a line ends with a function word ("och", "till", ...) or the next
  line is as short; a block of up to three lines that reads as one heading,
  standing alone, is a heading too (a long title wrapped over the full
  width). A long heading-like line right before a numbered line heads it.
* Where item headings run straight into their body text ("run-in", most
  headings of the text), a heading standing alone between blank lines is a
  sub-heading of the item above (as long as that item has not stated its
  decision yet).
* Otherwise (web layout, a typeset web page whose headings stand alone, text
  without blank lines) a heading directly after an item title, a one-word
  heading, or a heading of at most three words after an item that already
  has sub-headings is a sub-heading, as long as the item has stated no
  decision yet. So is a heading whose own section, up to the next heading,
  states no decision (unless it announces information: "Information om ..."),
  or states one that is about the item title rather than the heading
  ("Delårsrapport per april" ... "Ekonomiskt läge" ... "Regionfullmäktige
  har godkänt delårsrapporten.").
* A heading followed by numbered lines ("11. Ramförändringar ...") opens a
  section of other items; each numbered line is an item with its number.
* "Regionstyrelsens beslut:" or "Beslut:" introduces a decision given as a
  list; the points are joined with spaces. A line ending with a link ends
  its paragraph.

Decision kinds: "beslut" (the organ decided: "har beslutat", "beslutade",
"har godkänt"), "forslag_till_fullmaktige" (the text proposes that
fullmäktige decides: "föreslår regionfullmäktige", "föreslår fullmäktige att",
"fullmäktige föreslås besluta"), "information" (an information item taken
note of: "informationen är delgiven", "lägga informationen till
handlingarna", "noterade informationen", or no decision under a title
announcing information) or None.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin

from scraper.documents.protocol import looks_like_protocol
from scraper.documents.protocol.lexicon import (
    FUNCTION_WORDS,
    MONTH_ALT,
    ORG_MENTION_RE,
    ORG_STOPWORDS,
    SPACES_RE,
    ends_with_word_hyphen,
    find_iso_date,
    join_lines,
    normalise_text,
    split_sentences,
    wordlike_share,
)

__all__ = ["Summary", "SummaryItem", "detect_kind", "looks_like_summary", "parse_summary"]


@dataclass
class SummaryItem:
    title: str
    decision: str | None = None
    decision_kind: str | None = None
    item_number: int | None = None
    section: str = "main"
    subheadings: list[str] = field(default_factory=list)
    decision_items: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "decision": self.decision,
            "decision_kind": self.decision_kind,
            "item_number": self.item_number,
            "section": self.section,
            "subheadings": list(self.subheadings),
        }


@dataclass
class Summary:
    organisation: str | None = None
    committee: str | None = None
    meeting_date: str | None = None
    meeting_url: str | None = None
    items: list[SummaryItem] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "kind": "summary",
            "organisation": self.organisation,
            "committee": self.committee,
            "meeting_date": self.meeting_date,
            "meeting_url": self.meeting_url,
            "items": [item.to_dict() for item in self.items],
        }


_URL_RE = re.compile(r"https?://[^\s<>\"')\]]{1,500}")
_MD_LINK_RE = re.compile(r"\[([^\[\]\n]{0,300})\]\(([^)\s]{0,500})\)")
_NON_WORD_RE = re.compile(r"\W*")
MAX_LINK_TARGET = 500
_BULLET_LINE_RE = re.compile(r"^[•\-–—*·▪●]\s+")
_NUMBERED_RE = re.compile(r"^(\d{1,3})[.)]\s+(\S.*)$")
_DECISION_LABEL_RE = re.compile(r"^(?:[\wåäöÅÄÖ\- ]{0,60}s\s+)?[Bb]eslut(?:et)?\s*:\s*(?P<rest>.*)$")
_INTRO_HEADING_RE = re.compile(
    r"^(?:ärenden\s+och\s+(?:tillhörande\s+)?handlingar|protokoll\s+och\s+handlingar|handlingar|innehåll|läs\s+mer)$",
    re.IGNORECASE,
)
_TITLE_RE = re.compile(
    rf"Sammanfattning\s+(?:från\s+|av\s+|för\s+)?(?:mötet\s+(?:i|med)\s+|sammanträdet\s+(?:i|med)\s+)?"
    rf"(?P<committee>[\wåäöÅÄÖ\-]{{3,40}}(?:\s+[\wåäöÅÄÖ\-]{{2,40}}){{0,3}}?)\s+(?:den\s+)?"
    rf"(?P<date>\d{{1,2}}\s+(?:{MONTH_ALT})\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})",
    re.IGNORECASE,
)
_SUM_ORGAN = (
    r"(?:[Rr]egion|[Kk]ommun|[Ll]andstings|[Kk]yrko)?(?:fullmäktige|styrelsen)"
    r"|[\wåäö\-]{0,40}?(?:nämnden|utskottet|beredningen|direktionen)"
)
_DECISION_VERBS = (
    r"beslutat|beslutar|beslutade|godkänt|godkänner|godkände|fastställt|fastställer|fastställde|föreslår|föreslog"
    r"|antagit|antar|antog|avslagit|avslår|avslog|återremitterat|återremitterar|återremitterade|bifallit|bifaller"
    r"|bordlagt|tillstyrkt|tillstyrker|valt|väljer|utsett|utser|ger\s+\w+\s+i\s+uppdrag|gett\s+\w+\s+i\s+uppdrag"
    r"|fattat\s+beslut|fattade\s+beslut"
)
_DECISION_PATTERNS = [
    re.compile(rf"\b(?P<organ>{_SUM_ORGAN})\s+(?:har\s+|hade\s+)?(?:nu\s+)?(?:{_DECISION_VERBS})\b", re.IGNORECASE),
    re.compile(
        rf"\bhar\s+(?P<organ>{_SUM_ORGAN})\s+(?:beslutat|godkänt|fastställt|antagit|avslagit|återremitterat|valt|utsett)\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?:föreslår|beslutar|beslutade|föreslog)\s+(?P<organ>{_SUM_ORGAN})\b", re.IGNORECASE),
    re.compile(rf"\b(?P<organ>{_SUM_ORGAN})\s+föreslås\s+(?:besluta|fatta\s+beslut)\b", re.IGNORECASE),
]
# An information item taken note of: "lägga informationen till handlingarna", "noterade informationen",
# "Informationen är delgiven" (said on its own; "har beslutat att informationen är delgiven" is a decision).
_INFORMATION_DECISION_RE = re.compile(
    r"\b(?:lägga|lägger|lade|lagt|läggs|lades)\s+(?:informationen|rapporten|redovisningen)\s+till\s+handlingarna"
    r"|\b(?:informationen|rapporten|redovisningen)\s+(?:läggs|lades|har\s+lagts)\s+till\s+handlingarna"
    r"|\b(?:noter(?:a|ar|ade|at)|tog\s+del\s+av|tar\s+del\s+av|tagit\s+del\s+av)\s+informationen\b"
    r"|\binformationen\s+(?:noteras|noterades|har\s+noterats)\b|\b(?:informerades|har\s+informerats)\s+om\b"
    r"|^informationen\s+(?:är|var|har\s+varit)\s+delgiven",
    re.IGNORECASE,
)
_ORGAN_HINT_RE = re.compile(r"fullmäktige|styrelsen|nämnden|utskottet|beredningen|direktionen", re.IGNORECASE)
_PROPOSAL_TO_COUNCIL_RE = re.compile(r"föreslå\w*\b[^.]{0,160}?fullmäktige|fullmäktige\s+föreslås", re.IGNORECASE)
_INFORMATION_RE = re.compile(r"\binformation\b|\binformerar\b|\binformerade\b", re.IGNORECASE)

CONTINUATION_SHARE = 0.15
FLAT_BLOCK_SHARE = 0.1
RUN_IN_SHARE = 0.3
MAX_HEADING_LINES = 3
HEADING_WINDOW = 6
MIN_WORDLIKE = 0.9


# --------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """How a summary is laid out.

    `wrapped`: paragraphs run over several lines of a fixed width (`width`
    characters), as in a PDF, rather than one line each, as on a web page.
    `flat`: (almost) no blank lines, so paragraph breaks are inferred from the
    lines themselves. `run_in`: item headings run straight into their body
    text and a heading standing alone is a sub-heading.
    """

    wrapped: bool
    width: int
    flat: bool
    run_in: bool


def _raw_blocks(text: str) -> tuple[list[list[str]], int]:
    """Blocks of non-blank lines between blank lines, and the number of non-blank lines."""
    raw: list[list[str]] = []
    current: list[str] = []
    count = 0
    for line in text.split("\n"):
        line = SPACES_RE.sub(" ", line).strip()
        if line:
            current.append(line)
            count += 1
        elif current:
            raw.append(current)
            current = []
    if current:
        raw.append(current)
    return raw, count


def _join_broken(raw: list[list[str]]) -> list[list[str]]:
    """Blocks with page footers (a repeated bare URL) dropped and paragraphs broken by a page break joined."""
    seen_urls: set[str] = set()
    blocks: list[list[str]] = []
    for block in raw:
        if len(block) == 1 and _URL_RE.fullmatch(block[0].rstrip("/ ")):
            url = block[0].rstrip("/ ")
            if url in seen_urls:
                continue
            seen_urls.add(url)
        if blocks and block[0][:1].islower() and not _ends_paragraph(blocks[-1][-1]) and not _is_link_block(blocks[-1]):
            blocks[-1] = blocks[-1] + block
            continue
        blocks.append(block)
    return blocks


def _ends_with_link(line: str) -> bool:
    """True when the line ends with a link, "[text](target)" or an http(s) URL, and at most three other marks after it."""
    for trail in range(min(3, len(line)) + 1):
        end = len(line) - trail
        if trail and not _NON_WORD_RE.fullmatch(line, end):
            break
        if end and not line[end - 1].isspace() and _link_at_end(line[:end].rsplit(None, 1)[-1]):
            return True
    return False


def _link_at_end(word: str) -> bool:
    """Does a word without spaces end with "](target)" (a target of at most MAX_LINK_TARGET characters) or hold a URL?"""
    if word.endswith(")"):
        start = max(word.rfind(")", 0, len(word) - 1), len(word) - MAX_LINK_TARGET - 3, 0)
        if word.find("](", start, len(word) - 1) >= 0:
            return True
    return any(0 <= word.find(scheme) < len(word) - len(scheme) for scheme in ("http://", "https://"))


def _ends_paragraph(line: str) -> bool:
    return line.rstrip("”\"')").endswith((".", "!", "?", ":"))


def _is_link_block(block: list[str]) -> bool:
    text = " ".join(block)
    stripped = _MD_LINK_RE.sub("", _URL_RE.sub("", text)).strip(" .,:()")
    return len(block) <= 2 and (bool(_URL_RE.search(text)) or bool(_MD_LINK_RE.search(text))) and len(stripped) < 40


def _body_width(blocks: list[list[str]]) -> int:
    lengths = sorted(len(line) for block in blocks if len(block) > 1 for line in block)
    if len(lengths) < 5:
        return 0
    return lengths[int(0.9 * (len(lengths) - 1))]


def _is_wrapped_layout(blocks: list[list[str]]) -> bool:
    prose = [b for b in blocks if not _BULLET_LINE_RE.match(b[0]) and not _NUMBERED_RE.match(b[0])]
    if not prose:
        return False
    multi = sum(1 for b in prose if len(b) > 1)
    return multi / len(prose) >= 0.25


def _lines_wrap(lines: list[str]) -> bool:
    """Wrapped layout told from the lines alone: sentences often go on on the next line in lower case."""
    if len(lines) < 2:
        return False
    continued = sum(1 for line in lines[1:] if line[:1].islower())
    return continued / len(lines) >= CONTINUATION_SHARE


def _layout(raw: list[list[str]], line_count: int, blocks: list[list[str]]) -> _Layout:
    flat = line_count > 1 and (len(raw) <= 1 or len(raw) < FLAT_BLOCK_SHARE * line_count)
    if flat:
        wrapped = _lines_wrap([line for block in blocks for line in block])
    else:
        wrapped = _is_wrapped_layout(blocks)
    width = _body_width(blocks) if wrapped else 0
    return _Layout(wrapped=wrapped, width=width, flat=flat, run_in=False)


def _web_paragraphs(block: list[str]) -> list[list[str]]:
    """A web-layout block as one block per line; a line going on in lower case stays with the one before."""
    pieces: list[list[str]] = []
    for line in block:
        if pieces and line[:1].islower() and not _ends_paragraph(pieces[-1][-1]):
            pieces[-1].append(line)
        else:
            pieces.append([line])
    return pieces


def _split_wrapped(block: list[str], width: int) -> list[list[str]]:
    """A wrapped-layout block cut where a new paragraph starts without a blank line before it:
    a heading after the end of a paragraph, a bullet, a numbered line, the line after a bare link."""
    pieces: list[list[str]] = [[block[0]]]
    for index in range(1, len(block)):
        if _starts_paragraph(block, index, width, in_list=bool(_NUMBERED_RE.match(pieces[-1][0]))):
            pieces.append([])
        pieces[-1].append(block[index])
    return pieces


def _starts_paragraph(lines: list[str], index: int, width: int, in_list: bool = False) -> bool:
    """Does line `index` start a new paragraph? In a numbered list (`in_list`) a heading must be
    followed by body text; otherwise it is the wrapped end of the entry above."""
    line, previous = lines[index], lines[index - 1]
    if _BULLET_LINE_RE.match(line):
        return True
    if _is_link_block([previous]):
        return True
    if _NUMBERED_RE.match(line):
        return not _wraps(previous) and not previous.endswith(",")
    paragraph_ended = _ends_paragraph(previous) or (_short(previous, width) and not _wraps(previous))
    if not paragraph_ended or wordlike_share(previous) < MIN_WORDLIKE:
        return False
    count = _heading_lines(lines[index : index + HEADING_WINDOW], width)
    if count == 0:
        return False
    if index + count == len(lines):
        return not in_list
    following = lines[index + count]
    if in_list and (_NUMBERED_RE.match(following) or _heading_like(following)):
        return False
    return not following[:1].islower() and wordlike_share(following) >= MIN_WORDLIKE


def _is_run_in(blocks: list[list[str]], width: int) -> bool:
    """Do item headings run straight into their body text (so that a heading standing alone is a sub-heading)?"""
    run_in = alone = 0
    for block in blocks:
        count = _heading_lines(block, width)
        if count == 0 or _NUMBERED_RE.match(block[min(count, len(block) - 1)]):
            continue
        if count < len(block):
            run_in += 1
        else:
            alone += 1
    return run_in >= 2 and run_in >= RUN_IN_SHARE * (run_in + alone)


def _segment(text: str) -> tuple[list[list[str]], _Layout]:
    """The blocks of a summary, each a paragraph or a heading (with the body that runs on from it), and its layout."""
    raw, line_count = _raw_blocks(text)
    blocks = _join_broken(raw)
    layout = _layout(raw, line_count, blocks)
    if not layout.wrapped:
        return [piece for block in blocks for piece in _web_paragraphs(block)], layout
    blocks = [piece for block in blocks for piece in _split_wrapped(block, layout.width)]
    run_in = not layout.flat and _is_run_in(blocks, layout.width)
    return blocks, _Layout(wrapped=True, width=layout.width, flat=layout.flat, run_in=run_in)


# --------------------------------------------------------------------------
# Headings
# --------------------------------------------------------------------------


def _heading_like(line: str) -> bool:
    if not line or not (line[0].isupper() or line[0].isdigit()):
        return False
    if _NUMBERED_RE.match(line) or _BULLET_LINE_RE.match(line) or line.startswith("["):
        return False
    if _URL_RE.search(line) or _MD_LINK_RE.search(line):
        return False
    if line.rstrip("”\"')").endswith((".", "!", "?", ":", ";", ",")):
        return False
    if len(line) > 160 or len(line.split()) > 22 or re.search(r"[.!?]\s+[A-ZÅÄÖ]", line):
        return False
    if not re.search(r"[A-Za-zÅÄÖåäö]{3}", line):
        return False
    return wordlike_share(line) >= 0.95 and sum(1 for ch in line if ch.isalpha() or ch == " ") >= 0.75 * len(line)


def _short(line: str, width: int) -> bool:
    return width == 0 or len(line) <= 0.75 * width


def _continues_heading(line: str) -> bool:
    lower = line[:1].islower() and not _ends_paragraph(line) and wordlike_share(line) >= 0.95
    return lower or _heading_like(line)


def _heading_lines(block: list[str], width: int) -> int:
    """How many leading lines of a wrapped-layout block form a heading (0 = none)."""
    first = block[0]
    if not _heading_like(first):
        return 0
    if len(block) == 1:
        return 1
    if 1 < len(block) <= MAX_HEADING_LINES and _heading_like(join_lines(block)) and all(
        _continues_heading(line) for line in block[1:]
    ):
        return len(block)
    if not _short(first, width):
        second = block[1]
        if _NUMBERED_RE.match(second):
            return 1
        if not (_wraps(first) and _continues_heading(second) and _short(second, width) and not _ends_paragraph(second)):
            return 0
    count = 1
    while count < len(block) and count < 5:
        nxt = block[count]
        if not _continues_heading(nxt):
            break
        if _wraps(block[count - 1]) or (_short(nxt, width) and not _ends_paragraph(nxt)):
            if count + 1 == len(block) and not _wraps(block[count - 1]):
                break
            count += 1
            continue
        break
    return count


def _wraps(line: str) -> bool:
    last = line.rsplit(" ", 1)[-1].lower()
    return last in FUNCTION_WORDS or ends_with_word_hyphen(line)


# --------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------


@dataclass
class _Draft:
    item: SummaryItem
    body: list[str] = field(default_factory=list)
    in_decision: bool = False
    labelled: list[str] = field(default_factory=list)
    decided: bool = False

    def add_paragraph(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        label = _DECISION_LABEL_RE.match(text)
        if label and len(text) < 120:
            self.in_decision = True
            if label.group("rest").strip():
                self.labelled.append(label.group("rest").strip())
            return
        if self.in_decision:
            self.labelled.append(_BULLET_LINE_RE.sub("", text).strip())
        else:
            self.body.append(text)
            self.decided = self.decided or _pick_decision([text], None) is not None

    def has_decision(self) -> bool:
        return bool(self.labelled) or self.decided


def _paragraphs_of(lines: list[str]) -> list[str]:
    """Body lines of a block as paragraphs: bullets and decision labels start new ones, and so does
    the line after one that ends with a link."""
    paragraphs: list[list[str]] = []
    for line in lines:
        starts_new = not paragraphs or _BULLET_LINE_RE.match(line) or _DECISION_LABEL_RE.match(line)
        if paragraphs and (_DECISION_LABEL_RE.match(" ".join(paragraphs[-1])) or _ends_with_link(paragraphs[-1][-1])):
            starts_new = True
        if starts_new:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return [join_lines(p) for p in paragraphs]


def _numbered_items(lines: list[str], section: str) -> list[SummaryItem]:
    items: list[SummaryItem] = []
    parts: list[list[str]] = []
    numbers: list[int] = []
    for line in lines:
        m = _NUMBERED_RE.match(line)
        if m:
            numbers.append(int(m.group(1)))
            parts.append([m.group(2)])
        elif parts:
            parts[-1].append(line)
    for number, part in zip(numbers, parts):
        items.append(SummaryItem(title=join_lines(part), item_number=number, section=section))
    return items


def _pick_decision(paragraphs: list[str], committee: str | None) -> str | None:
    """The decision sentence: the own organ's first, then any organ's, then an information item's."""
    matches: list[tuple[int, str]] = []
    committee_key = (committee or "").lower()
    for paragraph in paragraphs:
        if not _ORGAN_HINT_RE.search(paragraph) and "nformationen" not in paragraph:
            continue
        for sentence in split_sentences(paragraph):
            sentence = _BULLET_LINE_RE.sub("", sentence).strip()
            if _INFORMATION_DECISION_RE.search(sentence):
                matches.append((2, sentence))
                continue
            for pattern in _DECISION_PATTERNS:
                m = pattern.search(sentence)
                if m:
                    organ = m.group("organ").lower()
                    own = bool(committee_key) and (organ == committee_key or (
                        organ.endswith("fullmäktige") and committee_key.endswith("fullmäktige")
                        and organ in committee_key
                    ))
                    matches.append((0 if own else 1, sentence))
                    break
    if not matches:
        return None
    return min(matches, key=lambda match: match[0])[1]


def _finish(draft: _Draft, committee: str | None) -> SummaryItem:
    item = draft.item
    if item.section != "main":
        return item
    if draft.labelled:
        item.decision_items = [x for x in draft.labelled if x]
        item.decision = " ".join(item.decision_items) or None
    else:
        item.decision = _pick_decision(draft.body, committee)
        if item.decision:
            item.decision_items = [item.decision]
    if item.decision is None:
        item.decision_kind = "information" if _INFORMATION_RE.search(item.title) else None
    elif _INFORMATION_DECISION_RE.search(item.decision) and not _PROPOSAL_TO_COUNCIL_RE.search(item.decision):
        item.decision_kind = "information"
    elif _PROPOSAL_TO_COUNCIL_RE.search(item.decision) and not re.match(
        r"^[\wåäö]*fullmäktige\s+har\s+beslutat", item.decision, re.IGNORECASE
    ):
        item.decision_kind = "forslag_till_fullmaktige"
    else:
        item.decision_kind = "beslut"
    return item


# --------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------


def _header(blocks: list[list[str]], text_lines: list[str], url: str | None) -> tuple[str | None, str | None, str | None]:
    head = " ".join(" ".join(b) for b in blocks[:4])
    committee = date = None
    m = _TITLE_RE.search(head)
    if m:
        committee = m.group("committee").strip()
        committee = committee[:1].upper() + committee[1:]
        date = find_iso_date(m.group("date"))
    return committee, date, _meeting_url(text_lines, url)


def _meeting_url(lines: list[str], base: str | None) -> str | None:
    for line in lines:
        m = _URL_RE.search(line)
        if m:
            return m.group(0).rstrip(".,;:")
        for link in _MD_LINK_RE.finditer(line):
            target = link.group(2).strip()
            if target and not target.startswith("#") and not target.lower().startswith(("javascript:", "mailto:")):
                if target.startswith(("http://", "https://")):
                    return target
                if base:
                    return urljoin(base, target)
    return None


def _organisation(text: str) -> str | None:
    counts: Counter[str] = Counter()
    for m in ORG_MENTION_RE.finditer(text):
        name = m.group(0)
        if name.split()[0].lower() in ORG_STOPWORDS:
            continue
        if name.startswith("Region ") and name.endswith("s") and not name.endswith(" län"):
            name = name[:-1]
        counts[name] += 1
    return counts.most_common(1)[0][0] if counts else None


def _date_from_url(url: str | None) -> str | None:
    if not url:
        return None
    m = re.search(r"(\d{4}-\d{2}-\d{2})", url)
    return find_iso_date(m.group(1)) if m else None


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def parse_summary(text: str, url: str | None = None) -> Summary:
    """Parse a meeting summary.

    `url` is the address the summary was read from; it only serves to resolve
    relative link targets printed in the text. `meeting_url` is the first URL
    printed in the text (or a resolved link target), otherwise None.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected summary text as str, got {type(text).__name__}")
    summary = Summary()
    text = normalise_text(text)
    blocks, layout = _segment(text)
    if not blocks:
        return summary
    lines = [line for block in blocks[:40] for line in block]
    summary.committee, summary.meeting_date, summary.meeting_url = _header(blocks, lines, url)
    summary.meeting_date = summary.meeting_date or _date_from_url(summary.meeting_url)
    summary.organisation = _organisation(text[:2_000_000])
    summary.items = _items(blocks, layout, summary.committee)
    return summary


def _intro_end(blocks: list[list[str]]) -> int:
    for i, block in enumerate(blocks[:8]):
        if any(_URL_RE.search(line) or _MD_LINK_RE.search(line) for line in block):
            return i + 1
    return 1


class _Sections:
    """The decision stated in the text from a heading to the next one (computed once per block)."""

    def __init__(self, blocks: list[list[str]], headings: list[int], layout: _Layout, committee: str | None):
        self.blocks, self.headings, self.layout, self.committee = blocks, headings, layout, committee
        self._decisions: dict[int, str | None] = {}

    def _block_decision(self, index: int, start: int) -> str | None:
        if index not in self._decisions:
            lines = self.blocks[index][start:]
            paragraphs = _paragraphs_of(lines) if self.layout.wrapped else lines
            found = None
            for position, paragraph in enumerate(paragraphs):
                label = _DECISION_LABEL_RE.match(paragraph)
                if label and len(paragraph) < 120:
                    found = " ".join([label.group("rest"), *paragraphs[position + 1:]]).strip() or paragraph
                    break
            self._decisions[index] = found or _pick_decision(paragraphs, self.committee)
        return self._decisions[index]

    def decision(self, index: int) -> str | None:
        """The decision in the section of the heading in block `index`, before the next heading."""
        found = self._block_decision(index, self.headings[index])
        following = index + 1
        while found is None and following < len(self.blocks):
            if self.headings[following] or _NUMBERED_RE.match(self.blocks[following][0]):
                break
            found = self._block_decision(following, 0)
            following += 1
        return found


_WORD_RE = re.compile(r"[A-Za-zÅÄÖåäöÉéÜü]{4,}")
_NOT_A_SUBJECT_RE = re.compile(
    r"(?:fullmäktige|styrelse|nämnd|utskott|beredning|direktion|region|kommun|landsting|förslag|ärende|beslut)"
    rf"|^(?:{_DECISION_VERBS}|beslutar|ska|skall|samt|eller|inte|detta|denna|också|även|från|till|inom|under|efter)$",
    re.IGNORECASE,
)


def _subject_words(text: str) -> set[str]:
    """Stems (first six letters) of the words in `text` that say what it is about."""
    return {
        word[:6].lower() for word in _WORD_RE.findall(text) if not _NOT_A_SUBJECT_RE.search(word)
    }


def _about(decision: str, title: str, heading: str) -> bool:
    """Does the decision share more subject words with the item title than with the heading?"""
    words = _subject_words(decision)
    return len(words & _subject_words(title)) > len(words & _subject_words(heading))


def _items(blocks: list[list[str]], layout: _Layout, committee: str | None) -> list[SummaryItem]:
    wrapped, width = layout.wrapped, layout.width
    headings = [
        _heading_lines(block, width) if wrapped else (1 if len(block) == 1 and _heading_like(block[0]) else 0)
        for block in blocks
    ]
    sections = _Sections(blocks, headings, layout, committee)
    items: list[SummaryItem] = []
    draft: _Draft | None = None
    section: str | None = None
    title_only = False
    start = _intro_end(blocks)
    for index in range(start, len(blocks)):
        block = blocks[index]
        if _is_link_block(block):
            continue
        if section is not None and _NUMBERED_RE.match(block[0]):
            items.extend(_numbered_items(block, section))
            continue
        heading_count = headings[index]
        if heading_count == 0:
            if draft is not None:
                for paragraph in (_paragraphs_of(block) if wrapped else block):
                    draft.add_paragraph(paragraph)
                title_only = False
            continue
        heading = join_lines(block[:heading_count])
        body = block[heading_count:]
        if _INTRO_HEADING_RE.match(heading) and not items and draft is None:
            continue
        following = body or (blocks[index + 1] if index + 1 < len(blocks) else [])
        if following and _NUMBERED_RE.match(following[0]):
            if draft is not None:
                items.append(_finish(draft, committee))
                draft = None
            section = heading
            items.extend(_numbered_items(body, section))
            continue
        section = None
        if draft is not None and _is_subheading(draft, heading, body, layout, title_only, sections, index):
            draft.item.subheadings.append(heading)
        else:
            if draft is not None:
                items.append(_finish(draft, committee))
            draft = _Draft(SummaryItem(title=heading))
        title_only = not body
        for paragraph in _paragraphs_of(body):
            draft.add_paragraph(paragraph)
    if draft is not None:
        items.append(_finish(draft, committee))
    return items


def _is_subheading(
    draft: _Draft, heading: str, body: list[str], layout: _Layout, title_only: bool, sections: _Sections, index: int
) -> bool:
    """Is `heading` a sub-heading of the item being read rather than the title of the next one?

    Never once the item has stated its decision. Where item headings run into
    their body text, a heading standing alone is a sub-heading. Otherwise a
    heading right after the title, a one-word heading and a heading of at
    most three words after earlier sub-headings are sub-headings; so is a
    heading whose own section states no decision (unless the heading
    announces information), or states one that is about the item's title
    rather than about the heading (the section of block `index` in `sections`).
    """
    if draft.has_decision():
        return False
    if layout.run_in:
        return not body
    words = len(heading.split())
    if title_only or words == 1 or (bool(draft.item.subheadings) and words <= 3):
        return True
    decision = sections.decision(index)
    if decision is None:
        return not _INFORMATION_RE.search(heading)
    return _about(decision, draft.item.title, heading)


def looks_like_summary(text: str) -> bool:
    """True for a plain-language decision summary: the word "Sammanfattning" near the top and decision sentences."""
    if not isinstance(text, str) or not text.strip():
        return False
    head = normalise_text(text[:3000])
    if not re.search(r"\bsammanfattning\b", head, re.IGNORECASE):
        return False
    body = text[:400_000]
    decisions = sum(1 for pattern in _DECISION_PATTERNS for _ in pattern.finditer(body))
    return decisions >= 1 and not looks_like_protocol(text[:400_000])


def detect_kind(text: str) -> str | None:
    """"protocol", "summary" or None for a document text."""
    if not isinstance(text, str) or not text.strip():
        return None
    if looks_like_protocol(text):
        return "protocol"
    if looks_like_summary(text):
        return "summary"
    return None
