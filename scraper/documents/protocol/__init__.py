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

Modules
    `lexicon` (normalisation, dates, organs, parties, names, page furniture),
    `paragraphs` ("§ N" starts, titles, case numbers, sections, decisions),
    `people` (names in running text, reservations, proposals, attendance
    entries), `cover` (cover page, signatures, corrections, header fields) and
    `model` (the result types).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .cover import fill_header_fallbacks, header_from_removed, parse_front_matter
from .lexicon import (
    MONTHS,
    find_date,
    join_lines,
    normalise_lines,
    normalise_text,
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
    Reservation,
    Signatures,
)
from .paragraphs import Candidate, paragraph_bodies, paragraph_candidates, parse_paragraph, select_chain

__all__ = [
    "Attendee",
    "Correction",
    "MONTHS",
    "Paragraph",
    "Proposal",
    "Protocol",
    "ProtocolParseError",
    "Reservation",
    "Signatures",
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
    lines, removed = strip_page_furniture(normalise_lines(text))
    if not lines:
        protocol.warnings.append("empty text: no lines to parse")
        header_from_removed(protocol, removed)
        return protocol
    chain = select_chain(paragraph_candidates(lines))
    bodies = paragraph_bodies(lines, chain)
    first = chain[0].index if chain else len(lines)
    tail = list(lines[chain[-1].index + 1 + len(bodies[-1]):][:200]) if chain else []
    parse_front_matter(protocol, lines[:first][:_PREAMBLE_LIMIT], tail)
    fill_header_fallbacks(protocol, lines, removed, bodies)
    protocol.paragraphs = [
        parse_paragraph(cand.number, cand.rest, body, protocol.committee, lines[cand.index])
        for cand, body in zip(chain, bodies)
    ]
    protocol.warnings.extend(_consistency_warnings(protocol, chain))
    return protocol


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
    """True when text has paragraph starts ("§ N" lines) in sequence, or one and protocol vocabulary."""
    if not isinstance(text, str) or "§" not in text:
        return False
    lines = normalise_lines(text)
    chain = select_chain(paragraph_candidates(lines))
    if len(chain) >= 2:
        return True
    return len(chain) == 1 and bool(_PROTOCOL_MARKERS_RE.search(text))
