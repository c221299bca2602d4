"""The quality report of a parsed protocol: how much was read, and whether the template looks unknown."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .lexicon import ATTENDANCE_REFERENCE_RE
from .model import Protocol, Quality
from .votes import is_mismatched

MIN_DECISION_SHARE = 0.8
_PROCEDURAL_TITLE_RE = re.compile(
    r"^(?:(?:sammanträdet|mötet)s?\s+(?:öppnas|avslutas|öppnande|avslutning|avslutande)"
    r"|(?:sammanträdets|mötets)\s+(?:öppnande|avslutande|avslutning)|öppnande|avslutning|avslutande"
    r"|upprop\b.*|närvaro\b.*|övriga\s+frågor|information\b.*|.*\binformation(?:särenden)?|informationsärenden"
    r"|anmälningar|anmälan\s+om\s+.*|meddelanden\b.*|delegationsbeslut\b.*|rapporter?\b.*)$",
    re.IGNORECASE,
)



def assess(protocol: Protocol, cover: Sequence[str]) -> None:
    """Fill `protocol.quality` and add a warning for each reason the template looks unknown.

    Unknown: under `MIN_DECISION_SHARE` of the paragraphs that call for one
    have a decision (opening, closing, roll-call, information and "övriga
    frågor" paragraphs are not counted), or there are paragraphs but no
    attendance list and no reference to one ("Enligt närvarolista", "se bilaga").
    """
    paragraphs = protocol.paragraphs
    votes = [vote for p in paragraphs for vote in p.votes]
    quality = Quality(
        paragraphs=len(paragraphs),
        with_decision=sum(1 for p in paragraphs if p.decision),
        with_case_number=sum(1 for p in paragraphs if p.case_number),
        attendance=len(protocol.attendance),
        attendance_listed=protocol.attendance_listed,
        votes=len(votes),
        votes_mismatched=sum(1 for vote in votes if is_mismatched(vote)),
    )
    quality.decision_share = round(quality.with_decision / quality.paragraphs, 3) if paragraphs else 0.0
    reasons = _unknown_template_reasons(protocol, cover)
    quality.unknown_template = bool(reasons)
    protocol.warnings.extend(f"unknown template: {reason}" for reason in reasons)
    protocol.quality = quality


def _unknown_template_reasons(protocol: Protocol, cover: Sequence[str]) -> list[str]:
    reasons = []
    substantive = [p for p in protocol.paragraphs if not (p.title and _PROCEDURAL_TITLE_RE.match(p.title))]
    decided = sum(1 for p in substantive if p.decision)
    if substantive and decided < MIN_DECISION_SHARE * len(substantive):
        share = round(100 * decided / len(substantive))
        reasons.append(
            f"only {decided} of {len(substantive)} paragraphs ({share} %) have a decision "
            "(opening, closing, roll-call and information paragraphs not counted)"
        )
    if protocol.paragraphs and not protocol.attendance_listed and not attendance_reference(protocol, cover):
        reasons.append("no attendance list and no reference to one")
    return reasons


def attendance_reference(protocol: Protocol, cover: Sequence[str]) -> str | None:
    """Where the protocol refers to an attendance list printed elsewhere ("Enligt närvarolista", "se bilaga 1")."""
    texts = list(cover[:200]) + [p.text for p in protocol.paragraphs[:3]]
    for text in texts:
        m = ATTENDANCE_REFERENCE_RE.search(text)
        if m:
            return m.group(0)
    return None
