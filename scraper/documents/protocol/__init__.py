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
    lists: "Beslutande" / "Närvarande", "Tjänstgörande ersättare",
    "Ersättare" / "Närvarande ersättare" / "Ej tjänstgörande ersättare",
    "Övriga närvarande" / "Övriga deltagande" / "Tjänstepersoner" /
    "Tjänstemän", "Föredragande", "Sekreterare", "Justerare". Entries look
    like "Anders Öberg (S), ordförande", "Helena Ölund (S), ersättare", "X
    (M) för Y (M)", "X (M), tjänstgörande ersättare för Y", "Ulrika
    Sundquist, regiondirektör", "Jenny Jansson, controller, närvarande under
    § 14 för information". Each gets a role of one vocabulary
    (`lexicon.Role`): officials and presenters are told apart from members.
    Parties are printed in any case ("(s)", "(Kd)") and read in upper case.

Corrections
    A "Rättelse" notice ("Region X rättar regionstyrelsen protokoll
    2024-03-12 enligt nedanstående: • § 39 – Titel: beskrivning") gives one
    correction per paragraph named at the start of a line.

Paragraphs
    A paragraph starts on a line beginning with "§ N" or with the body's
    initials ("KS § 80", "KF § 128", "Ks § 14"), with the title on the same
    line, on the following line(s), or printed first: on the line above a
    "§ N" standing alone, or as "Title § N" on one line. References such as
    "beslut 2018-10-09 § 78", "16 kap. 5 §" or "§ 10 – Titel" inside a
    list are told apart by the numbering: the parser keeps the best chain of
    increasing paragraph numbers, preferring steps of one and lines that look
    like paragraph starts. The title ends at the case number or at the first
    section heading. Case numbers come with a label ("Dnr", "Diarienr",
    "Diarienummer:", "Ärendenr", "Ärendenummer", the label alone on its line
    before the number) or without, on the heading line ("KS § 80
    KS/2018:298 - 001", "KF § 131 Dnr KS 05-292 531") or a line of their own
    ("RS 2024/123", "RS 912-2025", "24RS1759", "NLL-00288-2024"); a
    filing-plan code after the number is kept as printed. Each paragraph
    has the page of its heading where the text marks page breaks (a form
    feed, as `scraper.documents.text` gives it).

Sections inside a paragraph
    Decisions are read from their lead-in (`decisions`): under a decision
    heading ("Beslut", "Beslut:", "Regionstyrelsens beslut", "Nämndens
    beslut", "Beslut i ärendet" ...) or, failing one, as the decision
    sentence of the paragraph ("Nämnden beslutar att ...", "Då inga extra
    ärenden föreligger beslutar regionstyrelsen att ..."); a proposal
    ("Förslag till beslut", "Arbetsutskottets förslag") is never the
    decision. `on_proposal_of` names the body whose proposal was followed
    ("på finansutskottets förslag" -> "finansutskottet"). Roll-call votes
    (`votes`) are read with their counts, meaning, outcome, casting vote and
    names per side, from the paragraph and from voting lists in appendices
    ("Omröstningsbilaga", "Bilaga 1 Omröstningslista") naming it.
    Conflicts of interest ("X (S) anmäler jäv och deltar inte i
    handläggningen") become `recusals`.
    Reservations come from "Reservation(er)" sections and from sentences
    "X (M) och Y (SD) reserverar sig ..." anywhere outside the background
    sections. Proposals (yrkanden) come from "Ärendets behandling under
    sammanträdet", "Yrkanden", "Förslag under sammanträdet" and
    "Beslutsgång"; quotes of a motion's own "yrkar" under "Ärendet" are
    ignored. Also read: "Beslutsgång", "Protokollsanteckning", recipients
    under "Protokollsutdrag skickas till" / "Delges" / "Expedieras till" /
    "Beslutet skickas till", and "omedelbart justerad".

Quality
    `Protocol.quality` says how much was read (paragraphs with a decision
    and a case number, people in the attendance, votes, votes whose counts
    and names disagree) and whether the template looks unknown (`quality`).

Failure behaviour
    Text without any paragraph marker gives a `Protocol` with no paragraphs
    and a warning; so does empty or garbage input. `ProtocolParseError` is
    raised only when the input is not a `str`. All regular expressions are
    anchored or bounded so that the running time stays linear in the size of
    the input.

Modules
    `lexicon` (normalisation, pages, dates, organs, parties, roles, names,
    page furniture), `paragraphs` ("§ N" starts, titles, case numbers),
    `sections` (the headings inside a paragraph), `decisions` (the decision
    and whose proposal it followed), `votes` (roll-call votes and voting
    lists), `people` (names in running text, reservations, proposals,
    conflicts of interest, attendance entries), `cover` (cover page,
    signatures, corrections, header fields), `quality` (the quality report)
    and `model` (the result types).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .cover import fill_header_fallbacks, header_from_removed, parse_front_matter
from .lexicon import (
    MONTHS,
    find_date,
    furniture_mask,
    join_lines,
    normalise_lines,
    normalise_text,
    paged_lines,
    split_sentences,
    strip_page_furniture,
    wordlike_share,
)
from .model import (
    Attendee,
    Correction,
    Paragraph,
    Proposal,
    Protocol,
    ProtocolParseError,
    Quality,
    Recusal,
    Reservation,
    Signatures,
    Vote,
    VoteMember,
)
from .paragraphs import (
    Candidate,
    join_case_labels,
    paragraph_bodies,
    paragraph_candidates,
    parse_paragraph,
    select_chain,
    titles_above,
    trailing_candidates,
)
from .quality import assess
from .votes import appendix_starts, attach_appendices, vote_warnings

__all__ = [
    "Attendee",
    "Correction",
    "MONTHS",
    "Paragraph",
    "Proposal",
    "Protocol",
    "ProtocolParseError",
    "Quality",
    "Recusal",
    "Reservation",
    "Signatures",
    "Vote",
    "VoteMember",
    "find_date",
    "join_lines",
    "looks_like_protocol",
    "normalise_lines",
    "normalise_text",
    "parse_protocol",
    "split_sentences",
    "strip_page_furniture",
    "wordlike_share",
]


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
    lines, layout, pages, removed = _prepared_lines(text)
    if not lines:
        protocol.warnings.append("empty text: no lines to parse")
        header_from_removed(protocol, removed)
        return protocol
    chain = _paragraph_chain(lines)
    titled = titles_above(lines, chain)
    bodies = paragraph_bodies(lines, chain, titled)
    appendices, tail = _appendices_and_tail(lines, layout, chain, bodies)
    first = chain[0].index - (0 in titled) if chain else len(lines)
    parse_front_matter(protocol, lines[:first][:_PREAMBLE_LIMIT], tail)
    fill_header_fallbacks(protocol, lines, removed, bodies)
    for k, (cand, body) in enumerate(zip(chain, bodies)):
        rest, head = (lines[cand.index - 1], f"{lines[cand.index - 1]}\n{lines[cand.index]}") if k in titled else (
            cand.rest, lines[cand.index])
        span = layout[cand.index + 1:cand.index + 1 + len(body)]
        paragraph = parse_paragraph(cand.number, rest, body, protocol.committee, head, span)
        paragraph.page = pages[cand.index - (k in titled)] if pages else None
        protocol.paragraphs.append(paragraph)
    protocol.warnings.extend(attach_appendices({p.number: p.votes for p in protocol.paragraphs}, appendices))
    protocol.warnings.extend(_consistency_warnings(protocol, chain))
    protocol.warnings.extend(vote_warnings(protocol.paragraphs))
    assess(protocol, lines[:first][:_PREAMBLE_LIMIT])
    return protocol


def _prepared_lines(text: str) -> tuple[list[str], list[str], list[int] | None, list[str]]:
    """The lines without page furniture, the same as printed, their pages, and the furniture removed."""
    lines, layout, pages = paged_lines(text)
    lines, layout, pages = join_case_labels(lines, layout, pages)
    remove = furniture_mask(lines)
    kept = [i for i, r in enumerate(remove) if not r]
    removed = [line for line, r in zip(lines, remove) if r]
    return [lines[i] for i in kept], [layout[i] for i in kept], [pages[i] for i in kept] if pages else None, removed


def _paragraph_chain(lines: Sequence[str]) -> list[Candidate]:
    """The chain of "§ N" lines; a template printing "Title § N" on one line where no line starts with "§"."""
    chain = select_chain(paragraph_candidates(lines))
    if len(chain) < 2:
        trailing = select_chain(trailing_candidates(lines))
        if len(trailing) > len(chain):
            return trailing
    return chain


def _appendices_and_tail(
    lines: Sequence[str], layout: Sequence[str], chain: Sequence[Candidate], bodies: list[list[str]]
) -> tuple[list[tuple[list[str], list[str]]], list[str]]:
    """Voting-list appendices after the last paragraph's heading (cut off its body), and the closing lines before them."""
    if not chain:
        return [], []
    start = chain[-1].index + 1
    rest = lines[start:]
    found = appendix_starts(rest)
    cut = found[0] if found else len(rest)
    bodies[-1] = bodies[-1][:cut]
    tail = list(rest[len(bodies[-1]):cut][:200])
    ends = found[1:] + [len(rest)]
    blocks = [(list(rest[a:b]), list(layout[start + a:start + b])) for a, b in zip(found, ends)]
    return blocks, tail


def _consistency_warnings(protocol: Protocol, chain: Sequence[Candidate]) -> list[str]:
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
    """True when text has paragraph starts ("§ N" lines, or "Title § N") in sequence, or one and protocol vocabulary."""
    if not isinstance(text, str) or "§" not in text:
        return False
    lines = normalise_lines(text)
    chain = _paragraph_chain(lines)
    if len(chain) >= 2:
        return True
    return len(chain) == 1 and bool(_PROTOCOL_MARKERS_RE.search(text))
