"""Compare two versions of a protocol paragraph by paragraph.

Layout is not content: text is compared after removing line breaks, page furniture (the parser
strips running headers), all whitespace and hyphens (a compound broken at its hyphen reads
back with or without it), so a re-wrapped line or a
new page header is not a change; a changed word, number or name is.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..errors import MeetingsError
from .sandbox import GIB, Limits, run_limited

FIELDS = ("title", "case_number", "decision", "text", "reservations", "proposals", "sent_to",
          "immediately_adjusted", "beslutsgang", "notes", "on_proposal_of", "votes", "recusals")
_LAYOUT = re.compile(r"[\s\-\u00ad]+")
COMMAND_LIMITS = Limits(memory=GIB, seconds=10.0)
HEAD_BYTES = 1024


class UnreadableFile(MeetingsError):
    """A file given to parse or compare cannot be read as a document: not a regular file, too
    large, empty, or neither a PDF nor UTF-8 text."""


def _norm(value):
    """Content of a value without layout: whitespace and hyphens (which line breaks add or eat) removed."""
    if isinstance(value, str):
        return _LAYOUT.sub("", value)
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in sorted(value.items())}
    return value


def _is_pdf(path: Path, head: bytes) -> bool:
    return head.lstrip()[:5] == b"%PDF-" or path.suffix.lower() == ".pdf"


def read_document(path: Path, limits: Limits | None = None) -> tuple[bytes, bool]:
    """The bytes of a document file and whether it is a PDF (by its first bytes or its name).

    Reads at most the size `limits` allow (`pdf_bytes` for a PDF, `text_bytes`
    for text) and refuses what is not a regular file (a device such as
    /dev/zero, a pipe, a directory) before reading anything, with an
    `UnreadableFile` error.
    """
    limits = limits or COMMAND_LIMITS
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise UnreadableFile(f"{path}: cannot be opened ({error.strerror})") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"{path}: not a regular file (a device, pipe or directory); give a PDF or text file")
        head = file.read(HEAD_BYTES)
        pdf = _is_pdf(Path(path), head)
        cap = limits.pdf_bytes if pdf else limits.text_bytes
        data = head if info.st_size > cap else head + file.read(max(cap + 1 - len(head), 0))
    size = max(info.st_size, len(data))
    if size > cap:
        what = "PDF" if pdf else "text file"
        raise UnreadableFile(f"{path}: the {what} is {size:,} bytes, over the limit of {cap:,} bytes")
    return data, pdf


def document_text(data: bytes, source: str, pdf: bool, limits: Limits) -> str:
    """Text of a PDF (extracted, headers stripped, within the caps of `limits`) or of UTF-8 text."""
    if pdf:
        from .text import extract_text

        return extract_text(data, source=source, **limits.extraction()).text
    if not data.strip():
        raise UnreadableFile(f"{source}: the file is empty: there is nothing to parse")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile(f"{source}: neither a PDF nor UTF-8 text") from None


def parse_document(data: bytes, source: str, pdf: bool, kind: str, limits: Limits) -> dict:
    """Parse the bytes of a protocol or summary into its JSON shape; `kind` is "protocol",
    "summary" or "auto"."""
    from .protocol import parse_protocol
    from .summary import detect_kind, parse_summary

    text = document_text(data, source, pdf, limits)
    if kind == "auto":
        kind = detect_kind(text) or "protocol"
    if kind == "summary":
        return parse_summary(text).to_dict()
    return parse_protocol(text).to_dict()


def read_document_text(path: Path, limits: Limits | None = None) -> str:
    """Text of a .pdf (extracted, headers stripped) or of a text file, read and extracted within
    `limits` (default `COMMAND_LIMITS`) in a worker process."""
    limits = limits or COMMAND_LIMITS
    data, pdf = read_document(path, limits)
    return run_limited(document_text, data, str(path), pdf, limits, limits=limits, source=str(path))


def parse_file(path: Path, kind: str = "auto", limits: Limits | None = None) -> dict:
    """Parse a protocol or summary file into its JSON shape.

    The file is read with a bound (`read_document`); extraction and parsing
    run in a worker process under `limits` (default `COMMAND_LIMITS`: 10 s and
    1 GiB), so a hostile file ends in a `MeetingsError` (`UnreadableFile`, a
    `DocumentError` such as `OverBudget`) rather than a stall.
    """
    limits = limits or COMMAND_LIMITS
    data, pdf = read_document(path, limits)
    return run_limited(parse_document, data, str(path), pdf, kind, limits, limits=limits, source=str(path))


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
