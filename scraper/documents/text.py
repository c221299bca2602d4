"""PDF to text, page by page, without the running headers and footers.

Text comes from PDFium (pypdfium2), which keeps å, ä, ö and § and reads
hundreds of pages a second. Its one quirk: a hyphen at the end of a line
comes back as a marker character and the two lines are joined; the marker is
turned back into a hyphen and a line break.

Every check that bounds time and memory (size in bytes, page count) runs
before any text is extracted, and each way a document can be unusable is its
own exception, so the pipeline can report it with the source URL and go on.

`strip_running_headers` removes page furniture (committee name, "PROTOKOLL",
"Sida 3(12)", "Sammanträdesdatum", signature boxes and e-signature
attributes) so it never ends up inside a paragraph.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium

from scraper.errors import MeetingsError

MAX_PAGES = 2000
MAX_BYTES = 100_000_000
MIN_ALNUM_PER_PAGE = 20
EOF_WINDOW = 2048

HEADER_ZONE = 6
MIN_REPEATED_PAGES = 3
REPEATED_SHARE = 0.5
PAGE_OFFSET_SHARE = 0.8

PDFIUM_PASSWORD_ERROR = 4

_PDFIUM_LOCK = threading.Lock()


class DocumentError(MeetingsError):
    """A document that cannot be turned into text; the message says why and names the source."""

    def __init__(self, problem: str, source: str | None = None):
        self.problem = problem
        self.source = source
        super().__init__(problem if source is None else f"{source}: {problem}")


class NotAPdf(DocumentError):
    """The bytes are not a PDF (an HTML error page, a ZIP archive, an empty body ...)."""


class EncryptedPdf(DocumentError):
    """The PDF needs a password to open."""


class PdfTooLarge(DocumentError):
    """The PDF has more bytes or pages than the limits allow."""


class CorruptPdf(DocumentError):
    """The PDF is truncated or damaged so that it cannot be read."""


class NoTextLayer(DocumentError):
    """The PDF has pages but (almost) no text to extract, as a scan without OCR."""


@dataclass(frozen=True)
class ExtractedText:
    """The text of one PDF.

    `pages` are cleaned of running headers and footers, `text` is the pages
    joined with a line break, `char_count` its length, `page_count` the number
    of pages in the PDF and `sha256` the hex digest of the PDF bytes.
    """

    pages: list[str]
    text: str
    page_count: int
    char_count: int
    sha256: str


_LEADING_SPACE = b" \t\r\n\f\x00"
_PDF_MAGIC = b"%PDF-"
_MARKUP_START = re.compile(rb"^\s*<")
_JSON_START = re.compile(rb"^\s*[{\[]")
_EOF_MARKER = b"%%EOF"

_HYPHEN_MARKERS = re.compile("[\x02\ufffe]")
_LINE_BREAK = re.compile(r"\r\n?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)


def _preview(data: bytes, length: int = 40) -> str:
    head = data.lstrip(_LEADING_SPACE)[:length].decode("latin-1")
    return "".join(c if c.isprintable() else " " for c in head).strip()


def _not_a_pdf_problem(data: bytes) -> str:
    if not data.strip(_LEADING_SPACE):
        return "not a PDF: the response is empty"
    if data.startswith(b"PK\x03\x04"):
        kind = "a ZIP archive (the portal may bundle several documents in one download)"
    elif _MARKUP_START.match(data):
        kind = "an HTML or XML page (an error, login or cookie page?)"
    elif _JSON_START.match(data):
        kind = "JSON (an API error message?)"
    else:
        kind = "unknown data"
    return f"not a PDF: the data starts with {_preview(data)!r}, {kind}"


def _check_bytes(data: bytes, max_bytes: int, source: str | None) -> None:
    if len(data) > max_bytes:
        raise PdfTooLarge(
            f"PDF is {len(data):,} bytes, over the limit of {max_bytes:,} bytes "
            "(raise max_bytes to accept it)",
            source,
        )
    if not data.lstrip(_LEADING_SPACE).startswith(_PDF_MAGIC):
        raise NotAPdf(_not_a_pdf_problem(data), source)
    if _EOF_MARKER not in data[-EOF_WINDOW:]:
        raise CorruptPdf(
            f"PDF is truncated: no %%EOF marker at the end of its {len(data):,} bytes "
            "(the download was probably cut off; fetch it again)",
            source,
        )


def _open(data: bytes, source: str | None) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if error.err_code == PDFIUM_PASSWORD_ERROR:
            raise EncryptedPdf("PDF is encrypted and needs a password to open", source) from error
        raise CorruptPdf(f"PDF is damaged and PDFium cannot open it ({error})", source) from error


def _check_page_count(count: int, max_pages: int, source: str | None) -> None:
    if count > max_pages:
        raise PdfTooLarge(
            f"PDF has {count:,} pages, over the limit of {max_pages:,} pages "
            "(raise max_pages to accept it)",
            source,
        )
    if count == 0:
        raise CorruptPdf("PDF has no pages", source)


def normalise_page_text(raw: str) -> str:
    """PDFium page text with hyphenated line ends restored and `\\n` line breaks."""
    text = _HYPHEN_MARKERS.sub("-\n", raw)
    text = _LINE_BREAK.sub("\n", text)
    text = _CONTROL.sub("", text)
    return _TRAILING_SPACE.sub("", text)


def _page_text(pdf: pdfium.PdfDocument, index: int, source: str | None) -> str:
    try:
        page = pdf[index]
        try:
            textpage = page.get_textpage()
            try:
                return normalise_page_text(textpage.get_text_range())
            finally:
                textpage.close()
        finally:
            page.close()
    except pdfium.PdfiumError as error:
        raise CorruptPdf(f"page {index + 1} of the PDF cannot be read ({error})", source) from error


def _check_text_layer(pages: Sequence[str], source: str | None) -> None:
    found = sum(sum(map(str.isalnum, page)) for page in pages)
    if found < MIN_ALNUM_PER_PAGE * len(pages):
        raise NoTextLayer(
            f"PDF has no text layer: {len(pages)} page(s) but only {found} letters or digits "
            "(a scanned image? it needs OCR first)",
            source,
        )


def extract_pages(
    data: bytes,
    *,
    max_pages: int = MAX_PAGES,
    max_bytes: int = MAX_BYTES,
    source: str | None = None,
) -> list[str]:
    """The text of each page of a PDF, in reading order, with `\\n` line breaks.

    Raises a `DocumentError` subclass when the bytes are not a usable PDF:
    `PdfTooLarge` (checked before any extraction), `NotAPdf`, `CorruptPdf`,
    `EncryptedPdf` or `NoTextLayer`. `source` (a URL or path) is named in
    the message.
    """
    _check_bytes(data, max_bytes, source)
    with _PDFIUM_LOCK:
        pdf = _open(data, source)
        try:
            _check_page_count(len(pdf), max_pages, source)
            pages = [_page_text(pdf, index, source) for index in range(len(pdf))]
        finally:
            pdf.close()
    _check_text_layer(pages, source)
    return pages


_TOKEN_PATTERNS = (
    r"\b(?:Sida|SIDA|Page)\b(?:\s*\d+\s*(?:\(\s*\d+\s*\)|(?:av|of)\s+\d+))?",
    r"(?<![\w(])\d+\s*\(\s*\d+\s*\)(?!\w)",
    r"\b(?:SAMMANTRÄDES)?PROTOKOLL(?:SUTDRAG)?\b",
    r"\bSammanträdesdatum\b:?(?:\s*\d{4}-\d{2}-\d{2})?",
    r"(?i:\belektroniskt\s+signerat\b)",
    r"(?i:\butdragsbestyrkande\b)",
    r"(?i:\b(?:justerandes|justerares|ordförandes|sekreterarens)\s+sign(?:atur)?\b\.?)",
    r"\w*VISMA_SIGN\w*",
    r"\w*SAML_TransactionId\w*",
    r"(?i:\btransa[ck]tion(?:s?-?id)?\b:?\s*[0-9a-f][0-9a-f-]{9,})",
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b",
    r"\b[0-9A-F]{24,}\b",
)
_FURNITURE_LINE = re.compile(r"(?:\W*(?:%s))+\W*" % "|".join(_TOKEN_PATTERNS))
_SIGNED_BY = re.compile(r"^(?:Signerat|Signerad|Signed)\s+(?:av|by)\b", re.IGNORECASE)
_PAGE_LABEL = re.compile(r"\b(?:Sida|Page)\s*\d+\s*(?:\(\s*\d+\s*\)|(?:av|of)\s+\d+)")
_PAGE_NUMBER_LINE = re.compile(r"^(?:(?:Sida|Page)\s+)?[-–]?\s*(\d{1,4})\s*(?:[-–]|/\s*\d{1,4})?$")
_MEETING_DATE_LABEL = re.compile(r"^Sammanträdesdatum:?$")
_DATE_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARAGRAPH_HEADING = re.compile(r"^(?:§\s*\d|\d+\s*§)")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def _squash(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def is_furniture(line: str) -> bool:
    """True when a line is nothing but page furniture ("Sida 3(12)", "PROTOKOLL", signature boxes ...)."""
    line = _squash(line)
    if not line:
        return False
    if _SIGNED_BY.match(line):
        return True
    return _FURNITURE_LINE.fullmatch(line) is not None


def _zone(lines: Sequence[str]) -> set[int]:
    filled = [index for index, line in enumerate(lines) if line.strip()]
    return set(filled[:HEADER_ZONE]) | set(filled[-HEADER_ZONE:])


def _dominant_offset_matches(occurrences: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    numbers = [(page, index, [int(n) for n in _DIGITS.findall(line)]) for page, index, line in occurrences]
    groups = len(numbers[0][2])
    for group in range(groups):
        offsets = Counter(values[group] - page for page, _, values in numbers)
        offset, hits = offsets.most_common(1)[0]
        if hits >= PAGE_OFFSET_SHARE * len(numbers):
            return [(page, index) for page, index, values in numbers if values[group] - page == offset]
    return []


def _running_lines(pages: Sequence[Sequence[str]]) -> dict[int, set[int]]:
    """Page index to line indexes of the lines repeated at the top or bottom of most pages.

    Lines are compared with digits masked. A line that is the same on every
    page qualifies as it is; one whose digits vary qualifies only where a
    number in it steps with the page number, as a page label does.
    """
    positions: dict[int, set[int]] = defaultdict(set)
    if len(pages) < MIN_REPEATED_PAGES:
        return positions
    occurrences: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for page, lines in enumerate(pages):
        for index in sorted(_zone(lines)):
            line = _squash(lines[index])
            if not _PARAGRAPH_HEADING.match(line):
                occurrences[_DIGITS.sub("#", line)].append((page, index, line))
    needed = max(MIN_REPEATED_PAGES, math.ceil(REPEATED_SHARE * len(pages)))
    for found in occurrences.values():
        if len({page for page, _, _ in found}) < needed:
            continue
        if len({line for _, _, line in found}) == 1:
            matches = [(page, index) for page, index, _ in found]
        else:
            matches = _dominant_offset_matches(found)
        for page, index in matches:
            positions[page].add(index)
    return positions


def _is_page_number(line: str, page_number: int) -> bool:
    match = _PAGE_NUMBER_LINE.match(line)
    return match is not None and int(match.group(1)) == page_number


def _trim_blank_ends(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _clean_page(lines: Sequence[str], page_number: int, running: set[int]) -> str:
    zone = _zone(lines)
    kept: list[str] = []
    after_date_label = False
    for index, raw in enumerate(lines):
        line = _squash(raw)
        if not line:
            kept.append("")
            continue
        if index in zone:
            unlabelled = _squash(_PAGE_LABEL.sub(" ", line))
            if unlabelled != line:
                raw = line = unlabelled
            if not line or _is_page_number(line, page_number):
                continue
        if index in running or is_furniture(line):
            after_date_label = bool(_MEETING_DATE_LABEL.match(line))
            continue
        if after_date_label and _DATE_LINE.match(line):
            after_date_label = False
            continue
        after_date_label = False
        kept.append(raw.rstrip())
    return "\n".join(_trim_blank_ends(kept))


def strip_running_headers(pages: list[str]) -> list[str]:
    """The pages without running headers, footers and signature artefacts.

    Removed: lines repeated at the top or bottom of most pages (at least
    three pages), and on documents of any length the known furniture of
    Swedish protocols: page labels ("Sida 76(80)", "Sida 3 av 10", "76(80)",
    a bare page number at the top or bottom), "PROTOKOLL",
    "Sammanträdesdatum" and its date, "Elektroniskt signerat",
    "Utdragsbestyrkande", "Justerandes sign", e-signature attributes and
    transaction ids. A line that only mentions such a word among others is
    body text and stays.
    """
    split = [page.split("\n") for page in pages]
    running = _running_lines(split)
    return [_clean_page(lines, page + 1, running[page]) for page, lines in enumerate(split)]


def extract_text(
    data: bytes,
    *,
    source: str | None = None,
    max_pages: int = MAX_PAGES,
    max_bytes: int = MAX_BYTES,
) -> ExtractedText:
    """The cleaned text of a PDF with its page count, length and the SHA-256 of its bytes."""
    raw_pages = extract_pages(data, max_pages=max_pages, max_bytes=max_bytes, source=source)
    pages = strip_running_headers(raw_pages)
    text = "\n".join(pages)
    return ExtractedText(
        pages=pages,
        text=text,
        page_count=len(raw_pages),
        char_count=len(text),
        sha256=hashlib.sha256(data).hexdigest(),
    )
