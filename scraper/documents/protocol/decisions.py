"""The decision of a paragraph as printed, from its lead-in, and whose proposal it followed.

Where the decision is printed
    1. Under a decision heading ("Beslut", "Beslut:", "Regionstyrelsens
       beslut", "Nämndens beslut", "Utskottets beslut", "Beslutet", "Beslut
       i ärendet"); the meeting's own organ's heading and a plain "Beslut"
       come before another organ's ("Hälso- och sjukvårdsnämndens beslut").
       The text is what the heading holds, up to a sub-heading.
    2. Failing a heading, the decision sentence in the paragraph's own text:
       one that opens with the organ and its decision ("Nämnden beslutar att
       ...", "Kommunstyrelsen föreslår kommunfullmäktige besluta ...") or
       names it after the verb ("Då inga extra ärenden föreligger beslutar
       regionstyrelsen att ..."). The decision starts at that sentence and
       keeps its lead-in; it goes on over numbered points ("1. ...") and
       "att"-clauses joined by ";", "," and "samt", and stops at the next
       sentence that is neither.
    3. A proposal ("Förslag till beslut", "Arbetsutskottets förslag",
       "Ordförandens förslag", "Förvaltningens förslag") is never taken for
       the decision. A sentence under it that refers to the proposal as
       decided ("Nämnden beslutar enligt förvaltningens förslag") is the
       decision. The meeting's own proposal to another body, under its own
       name ("Arbetsutskottets förslag till kommunstyrelsen" in the
       arbetsutskott's protocol), is what it decided: that is its decision
       when nothing else is.

Whose proposal
    `on_proposal_of` reads "på X:s förslag", "enligt X:s förslag", "i
    enlighet med X:s förslag" and "bifaller X:s förslag" in the decision,
    then in the decision procedure (Beslutsgång) and the outcome of a vote,
    when X is an organ, the chair, the presidium or an office: the base
    form in lower case ("finansutskottet", "ordföranden", "förvaltningen").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence

from .lexicon import (
    BULLET_RE,
    DECISION_START_RE,
    ORGAN_IN_TEXT,
    PROPOSER_GENITIVE,
    genitive_to_base,
    is_sentence_end,
    join_lines,
    join_with_starts,
    split_sentences,
)
from .sections import Section, heading_key

_PLAIN_HEADINGS = ("beslut", "beslutet", "beslut i ärendet")
_PROPOSAL_KINDS = {"proposal_to_decision"}
_NO_DECISION_KINDS = {"proposal_to_decision", "sent_to", "reservation", "notes", "proposals"}

_INVERTED_DECISION_RE = re.compile(
    rf"\bbeslutar\s+(?:därför\s+|därmed\s+|således\s+)?{ORGAN_IN_TEXT}\s+"
    r"(?:att\b|enligt\b|på\b|i\s+enlighet\b|därmed\b|därför\b|också\b|även\b|bifalla\b|avslå\b|godkänna\b|,)"
)
_REFERS_TO_PROPOSAL_RE = re.compile(
    r"\b(?:beslutar|beslutat|beslöt|beslutade)\s+(?:därmed\s+|således\s+)?(?:enligt|i\s+enlighet\s+med)\s+"
    r"(?:förslaget|det\s+liggande\s+förslaget|liggande\s+förslag|[^.]{1,80}?s\s+förslag)\b"
    r"|\bbifaller\s+(?:förslaget|liggande\s+förslag|[^.]{1,80}?s\s+förslag)\b"
)
_PROPOSER_RE = re.compile(
    rf"(?:\bpå|\benligt|\bi\s+enlighet\s+med|\bbifaller|\bbifalla|\bbifall\s+till|\bbifallit)\s+(?:{PROPOSER_GENITIVE})"
    r"\s+(?:förslag|beslutsförslag)\b",
    re.IGNORECASE,
)
_CONCLUSION_RE = re.compile(r"\bfinner\s+att\b|\bbeslut(?:ar|at|ade)\b|\bbeslöt\b|\bhar\s+således\b", re.IGNORECASE)
_OWN_PROPOSAL_RE = re.compile(r"^(?P<body>[a-zåäö\-]{2,60})\s+förslag\s+till\s+(?!beslut\b)[a-zåäö\- ]{2,60}$")
_POINT_RE = re.compile(r"^(?:\d{1,2}[.)]|[a-z][.)]|att\b)", re.IGNORECASE)
_CONTINUES_RE = re.compile(r"(?:[:;,]|\bsamt|\boch|\bbesluta|\batt)$")


def find_decision(sections: Sequence[Section], committee: str | None = None) -> str | None:
    """The decision of a paragraph as printed, from its lead-in (see the module docstring), or None."""
    headed = [s for s in sections if s.kind == "decision" and s.lines]
    for section in _prefer_own(headed, committee):
        text = join_lines(decision_lines(section.lines))
        if text:
            return text
    inline = next((s for s in sections if s.kind == "decision_inline" and s.lines), None)
    if inline is not None:
        return join_lines(_decision_block(inline.lines, 0))
    own = [s for s in sections if s.kind not in _NO_DECISION_KINDS and s.lines]
    found = _first_sentence(own, committee, _is_decision_sentence)
    proposals = [s for s in sections if s.kind in _PROPOSAL_KINDS and s.lines]
    if found is None:
        found = _first_sentence(proposals, committee, lambda sentence: bool(_REFERS_TO_PROPOSAL_RE.search(sentence)))
    if found is None:
        own = next((s for s in proposals if _own_proposal(s.heading, committee)), None)
        found = join_lines(decision_lines(own.lines)) if own else None
    return found


def _own_proposal(heading: str, committee: str | None) -> bool:
    """A heading of the meeting's own proposal to another body ("Arbetsutskottets förslag till kommunstyrelsen"
    in the arbetsutskott's protocol): what that body decided."""
    if not committee:
        return False
    key = heading_key(heading)
    m = _OWN_PROPOSAL_RE.match(key)
    if not m:
        return False
    body = genitive_to_base(m.group("body"))
    own = committee.lower()
    last = own.split()[-1]
    return body == own or any(form.endswith(body) for form in (last, last + "et", last + "en", last + "n"))


def _is_decision_sentence(sentence: str) -> bool:
    """A sentence that opens with the organ deciding now ("beslutar", "föreslår", "har beslutat") or names it after "beslutar"."""
    m = DECISION_START_RE.match(sentence)
    if m:
        return m.group("verb") in ("beslutar", "föreslår") or (m.group("har") is not None and m.group("verb") == "beslutat")
    return bool(_INVERTED_DECISION_RE.search(sentence))


def _first_sentence(sections: Iterable[Section], committee: str | None, accept) -> str | None:
    """The decision that starts at the first accepted sentence (the meeting's own organ's first)."""
    found: list[tuple[bool, str]] = []
    own = committee.lower() if committee else None
    for section in sections:
        text, starts = join_with_starts(section.lines)
        position = 0
        for sentence in split_sentences(text):
            position = text.find(sentence, position)
            if accept(sentence):
                line = bisect_right(starts, position) - 1
                lines = [text[position:starts[line + 1] if line + 1 < len(starts) else len(text)].strip()]
                decision = join_lines(_decision_block(lines + list(section.lines[line + 1:]), 0))
                found.append((bool(own) and own in sentence.lower(), decision))
                if found[-1][0] or not own:
                    return decision
            position += len(sentence)
    return found[0][1] if found else None


def _decision_block(lines: Sequence[str], first: int) -> list[str]:
    """The lines of a decision that starts at lines[first]: its sentence, numbered points and att-clauses."""
    block = [lines[first]]
    for line in lines[first + 1:]:
        previous = block[-1]
        bare = BULLET_RE.sub("", line)
        if not is_sentence_end(previous) or _CONTINUES_RE.search(previous) or _POINT_RE.match(bare) or line[:1].islower():
            block.append(line)
            continue
        if BULLET_RE.match(line) and previous.rstrip().endswith(":"):
            block.append(line)
            continue
        break
    return block


def _looks_like_subheading(prev: str | None, line: str, nxt: str | None) -> bool:
    if prev is None or not is_sentence_end(prev):
        return False
    if not line[0].isupper() or BULLET_RE.match(line) or line[0].isdigit():
        return False
    if len(line) > 60 or len(line.split()) > 6 or line.endswith((".", ",", ":", ";")):
        return False
    return nxt is None or nxt[0].isupper()


def decision_lines(lines: Sequence[str]) -> list[str]:
    """The lines under a decision heading up to a sub-heading."""
    out: list[str] = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if out and _looks_like_subheading(out[-1], line, nxt):
            break
        out.append(line)
    return out


def _prefer_own(sections: list[Section], committee: str | None) -> list[Section]:
    """Decision sections of the meeting's own committee ("Kommunstyrelsens beslut") or plain "Beslut" first."""
    if len(sections) < 2:
        return sections
    own = committee.lower() + "s" if committee else None

    def rank(section: Section) -> int:
        key = heading_key(section.heading)
        if own and key.startswith(own):
            return 0
        if key in _PLAIN_HEADINGS:
            return 1
        return 2

    return sorted(sections, key=rank)


def proposer(decision: str | None, procedure: Iterable[str] = ()) -> str | None:
    """Whose proposal was followed ("på finansutskottets förslag" -> "finansutskottet").

    Read from the decision, then from what the chair found and the votes
    decided (`procedure`): there only after "finner att" or "beslutar", since
    "ställer proposition på X:s förslag" names a proposal put, not one followed.
    """
    found = _proposer_in(decision)
    for text in procedure:
        if found:
            break
        for sentence in split_sentences(text) if "örslag" in text else ():
            m = _CONCLUSION_RE.search(sentence)
            found = _proposer_in(sentence[m.end():]) if m else None
            if found:
                break
    return found


def _proposer_in(text: str | None) -> str | None:
    if not text or "örslag" not in text:
        return None
    m = _PROPOSER_RE.search(text)
    if not m:
        return None
    if m.group("abbreviation"):
        return m.group("abbreviation").lower()
    return genitive_to_base(m.group("proposer")).lower()
