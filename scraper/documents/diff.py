"""Compare two versions of a protocol paragraph by paragraph.

Layout is not content: text is compared after removing line breaks, page furniture (the parser
strips running headers), all whitespace and hyphens (a compound broken at its hyphen reads
back with or without it), so a re-wrapped line or a
new page header is not a change; a changed word, number or name is.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import MeetingsError

FIELDS = ("title", "case_number", "decision", "text", "reservations", "proposals", "sent_to",
          "immediately_adjusted", "beslutsgang", "notes")
_LAYOUT = re.compile(r"[\s\-\u00ad]+")


def _norm(value):
    """Content of a value without layout: whitespace and hyphens (which line breaks add or eat) removed."""
    if isinstance(value, str):
        return _LAYOUT.sub("", value)
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in sorted(value.items())}
    return value


def read_document_text(path: Path) -> str:
    """Text of a .pdf (extracted, headers stripped) or of a text file."""
    data = Path(path).read_bytes()
    if data.lstrip()[:5] == b"%PDF-":
        from .text import extract_text

        return extract_text(data, source=str(path)).text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise MeetingsError(f"{path}: neither a PDF nor UTF-8 text") from None


def parse_file(path: Path, kind: str = "auto") -> dict:
    """Parse a protocol or summary file into its JSON shape."""
    from .protocol import parse_protocol
    from .summary import detect_kind, parse_summary

    text = read_document_text(path)
    if kind == "auto":
        kind = detect_kind(text) or "protocol"
    if kind == "summary":
        return parse_summary(text).to_dict()
    return parse_protocol(text).to_dict()


def diff_protocols(old: dict, new: dict) -> list[dict]:
    """Changed paragraphs: ``[{"number", "change": added|removed|modified, "fields": [...]}]``."""
    before = {p["number"]: p for p in old.get("paragraphs", [])}
    after = {p["number"]: p for p in new.get("paragraphs", [])}
    result = []
    for number in sorted(before.keys() | after.keys()):
        if number not in before:
            result.append({"number": number, "change": "added", "fields": []})
        elif number not in after:
            result.append({"number": number, "change": "removed", "fields": []})
        else:
            fields = [f for f in FIELDS if _norm(before[number].get(f)) != _norm(after[number].get(f))]
            if fields:
                result.append({"number": number, "change": "modified", "fields": fields})
    return result


def diff_files(old_path: Path, new_path: Path) -> dict:
    return {"paragraphs": diff_protocols(parse_file(old_path, "protocol"), parse_file(new_path, "protocol"))}
