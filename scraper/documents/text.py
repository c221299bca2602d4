"""PDF to text, page by page, without the running headers and footers.

Text comes from PDFium (pypdfium2), which keeps å, ä, ö and § and reads
hundreds of pages a second. Its one quirk: a hyphen at the end of a line
comes back as a marker character and the two lines are joined; the marker is
turned back into a hyphen and a line break.

PDFium gives no empty lines: the space between paragraphs exists only as
geometry. The baseline of each line (its first character's origin) is read,
and where two lines are clearly further apart than the usual line spacing an
empty line is put back, so that parsers can tell paragraphs and headings
apart as they can in text copied from a web page. Between pages the same is
judged from where a page's text ends: a page left short, or one whose last
line closes a sentence well before the right margin, ends its paragraph.

Every check that bounds time and memory runs before any text is extracted:
size in bytes, page count, what the compressed streams decode to (measured
piece by piece, never held whole) and pages that the page tree lists more
than once. Each way a document can be unusable is its own exception, so the
pipeline can report it with the source URL and go on; `permanent` on the
exception says whether fetching the file again could help.

`strip_running_headers` removes page furniture (committee name, "PROTOKOLL",
"Sida 3(12)", "Sammanträdesdatum", signature boxes and e-signature
attributes) so it never ends up inside a paragraph.
"""

from __future__ import annotations

import binascii
import bisect
import ctypes
import hashlib
import math
import re
import struct
import threading
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from scraper.documents.protocol.lexicon import (
    DATE_LINE_RE as _DATE_LINE,
    MEETING_DATE_LABEL_RE as _MEETING_DATE_LABEL,
    PAGE_BREAK,
    PAGE_LABEL_RE as _PAGE_LABEL,
    PAGE_NUMBER_LINE_RE as _PAGE_NUMBER_LINE,
    is_furniture,
    squash as _squash,
)
from scraper.errors import MeetingsError

MAX_PAGES = 2000
MAX_BYTES = 100_000_000
MAX_STREAM_BYTES = 64 * 2**20
MAX_DECODED_BYTES = 256 * 2**20
REPEAT_ALLOWANCE = 10
STREAM_DICT_WINDOW = 1024
KIDS_WINDOW = 1_000_000
INFLATE_PIECE = 2**20
FLATE_MAX_RATIO = 1032
RAW_PIECE = 2**16
MIN_ALNUM_PER_PAGE = 20
EOF_WINDOW = 2048

HEADER_ZONE = 6
MIN_REPEATED_PAGES = 3
REPEATED_SHARE = 0.5
PAGE_OFFSET_SHARE = 0.8

PARAGRAPH_GAP = 1.5
PAGE_END_GAP = 0.75
SHORT_LAST_LINE = 0.8
MIN_PAGE_PITCHES = 5
MIN_PITCH = 2.0
OWN_SPACING = 0.2

PDFIUM_PASSWORD_ERROR = 4

_PDFIUM_LOCK = threading.Lock()


PROPERTY_OF_THE_FILE = "a property of the file: fetching it again gives the same result"


def _rebuild_error(cls: type, args: tuple, state: dict) -> Exception:
    """An exception of class `cls` with `args` and the attributes `state`, made without calling
    `__init__` (whose arguments differ from `args`): how a `DocumentError` is unpickled."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class DocumentError(MeetingsError):
    """A document that cannot be turned into text; the message says why and names the source.

    `permanent` is True when the problem is a property of the file itself, so
    fetching and reading it again gives the same error.
    """

    permanent = False

    def __init__(self, problem: str, source: str | None = None):
        self.problem = problem
        self.source = source
        super().__init__(problem if source is None else f"{source}: {problem}")

    def __reduce__(self):
        return _rebuild_error, (type(self), self.args, self.__dict__)


class NotAPdf(DocumentError):
    """The bytes are not a PDF (an HTML error page, a ZIP archive, an empty body ...)."""


class EncryptedPdf(DocumentError):
    """The PDF needs a password to open."""

    permanent = True


class PdfTooLarge(DocumentError):
    """The PDF is over a limit that bounds the time and memory of extraction.

    `limit` names it: "bytes" or "pages" here, "stream", "decoded" or
    "repeated-pages" for the subclasses. Refused before any text is extracted.
    """

    permanent = True

    def __init__(self, problem: str, source: str | None = None, *, limit: str):
        self.limit = limit
        super().__init__(problem, source)


class StreamTooLarge(PdfTooLarge):
    """A compressed stream, or all of them together, decodes to more bytes than allowed
    (`limit` "stream" or "decoded"): a compression bomb, or a document far heavier than a protocol."""


class RepeatedPages(PdfTooLarge):
    """The page tree lists the same page objects over and over (`limit` "repeated-pages"),
    so that reading it repeats the same work for every listing."""


class CorruptPdf(DocumentError):
    """The PDF is truncated or damaged so that it cannot be read."""


class NoTextLayer(DocumentError):
    """The PDF has pages but (almost) no text to extract, as a scan without OCR."""

    permanent = True


@dataclass(frozen=True)
class ExtractedText:
    """The text of one PDF.

    `pages` are cleaned of running headers and footers, `text` is the pages
    joined by a form feed on a line of its own (`PAGE_BREAK`, after an
    empty line where a page ends a paragraph), `char_count` its length, `page_count` the number of pages in the PDF and
    `sha256` the hex digest of the PDF bytes.
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

_MARKER_CHARS = "\x02\ufffe"
_HYPHEN_MARKERS = re.compile(f"[{_MARKER_CHARS}]")
_RAW_BREAK = re.compile(f"\r\n|[\r\n{_MARKER_CHARS}]")
_LINE_BREAK = re.compile(r"\r\n?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TRAILING_SPACE = re.compile(r"(?<![ \t\u00a0])[ \t\u00a0]+$", re.MULTILINE)


def _preview(data: bytes, length: int = 40) -> str:
    head = data.lstrip(_LEADING_SPACE)[:length].decode("latin-1")
    return "".join(c if c.isprintable() else " " for c in head).strip()


def _not_a_pdf_problem(data: bytes) -> str:
    if not data.strip(_LEADING_SPACE):
        what = "0 bytes" if not data else f"{len(data):,} bytes of whitespace"
        return f"not a PDF: empty body ({what})"
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
            f"(raise max_bytes to accept it); {PROPERTY_OF_THE_FILE}",
            source,
            limit="bytes",
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
            f"(raise max_pages to accept it); {PROPERTY_OF_THE_FILE}",
            source,
            limit="pages",
        )
    if count == 0:
        raise CorruptPdf("PDF has no pages", source)


@dataclass(frozen=True)
class Caps:
    """The limits a PDF is checked against before any text is extracted.

    `bytes` and `pages` bound the file and its page count, `stream_bytes`
    what one compressed stream decodes to and `decoded_bytes` what all of
    them decode to together (images left out: text extraction never decodes
    them).
    """

    pages: int = MAX_PAGES
    bytes: int = MAX_BYTES
    stream_bytes: int = MAX_STREAM_BYTES
    decoded_bytes: int = MAX_DECODED_BYTES


_STREAM_KEYWORD = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_OBJECT_HEADER = re.compile(rb"(\d+)\s+\d+\s+obj\b")
_IMAGE_STREAM = re.compile(rb"/Subtype\s*/Image\b")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_OBJECT_STREAM_FIRST = re.compile(rb"/First\s+(\d+)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_PDF_WHITESPACE = re.compile(rb"[\x00\t\n\x0c\r ]+")
_LENGTH = re.compile(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)")
_ANY_LENGTH = re.compile(rb"/Length\b")
_KIDS = re.compile(rb"/Kids\s*\[")
_REFERENCE = re.compile(rb"(\d+)\s+(\d+)\s+R")
_ONLY_REFERENCES = re.compile(rb"(?:\s*\d+\s+\d+\s+R)*\s*")

_Pieces = Iterable[bytes | memoryview]


@dataclass(frozen=True)
class _Stream:
    """A stream of the file that decodes to more than its raw bytes.

    Its data lies between `start` and `end` (at most), `chain` holds the
    decoders of its leading Flate, ASCII85 and ASCIIHex filters and `whole`
    says they are all its filters. `bound` is the most bytes it can decode to
    (None when that cannot be known without decoding) and `first` the /First
    offset when it is an object stream.
    """

    start: int
    end: int
    chain: tuple[Callable[[_Pieces], Iterator[bytes]], ...]
    whole: bool
    bound: int | None
    object_stream: bool
    first: int | None


@dataclass
class _StreamScan:
    """What the compressed streams of a PDF decode to.

    `largest` and `total` are decoded sizes in bytes, measured where the
    bounds do not already show a stream to be within the limits (a stream over
    a limit counts as just over it); `object_streams` are the decoded object
    streams with the offset of their first object, and `complete` is False
    when an object stream could not be decoded, so that not every object of
    the file was seen.
    """

    largest: int = 0
    total: int = 0
    object_streams: list[tuple[bytes, int]] = field(default_factory=list)
    complete: bool = True


def _raw_pieces(data: bytes, start: int, end: int) -> Iterator[memoryview]:
    view = memoryview(data)
    for offset in range(start, end, RAW_PIECE):
        yield view[offset:min(offset + RAW_PIECE, end)]


def _inflate(pieces: _Pieces) -> Iterator[bytes]:
    """The decoded pieces (at most `INFLATE_PIECE` bytes each) of the zlib stream that `pieces` start
    with; ends where the stream ends. Raises zlib.error on data that is not a zlib stream."""
    decoder = zlib.decompressobj()
    for piece in pieces:
        while True:
            out = decoder.decompress(piece, INFLATE_PIECE)
            if out:
                yield out
            if decoder.eof:
                return
            piece = decoder.unconsumed_tail
            if not piece and len(out) < INFLATE_PIECE:
                break


_MINUS_33 = bytes((byte - 33) % 256 for byte in range(256))


def _a85_groups(text: bytes) -> bytes:
    """ASCII85 characters (no whitespace, "z" spelt out) decoded; a short last group as the
    format pads it. Raises ValueError on characters outside the encoding."""
    digits = text.translate(_MINUS_33)
    if max(digits, default=0) > 84:
        raise ValueError("not ASCII85")
    padding = -len(digits) % 5
    digits += b"\x54" * padding
    values = [a * 52200625 + b * 614125 + c * 7225 + d * 85 + e for a, b, c, d, e in zip(*[iter(digits)] * 5)]
    try:
        decoded = struct.pack(f">{len(values)}I", *values)
    except struct.error:
        raise ValueError("ASCII85 group out of range") from None
    return decoded[: len(decoded) - padding]


def _ascii_decoded(pieces: _Pieces, end_mark: bytes, group: int, decode: Callable[[bytes], bytes]) -> Iterator[bytes]:
    """Decoded pieces of ASCII-encoded data up to `end_mark`, whitespace ignored, `group` characters
    decoded at a time. Raises ValueError on characters outside the encoding."""
    carry = b""
    for piece in pieces:
        raw = bytes(piece)
        end = raw.find(end_mark)
        text = carry + _PDF_WHITESPACE.sub(b"", raw if end < 0 else raw[:end])
        if group == 5:
            text = text.replace(b"z", b"!!!!!")
        if end >= 0:
            yield decode(text)
            return
        cut = len(text) - len(text) % group
        yield decode(text[:cut])
        carry = text[cut:]
    yield decode(carry)


def _ascii85(pieces: _Pieces) -> Iterator[bytes]:
    return _ascii_decoded(pieces, b"~", 5, _a85_groups)


def _ascii_hex(pieces: _Pieces) -> Iterator[bytes]:
    return _ascii_decoded(pieces, b">", 2, lambda text: binascii.unhexlify(text + b"0" * (len(text) % 2)))


_DECODERS: dict[bytes, Callable[[_Pieces], Iterator[bytes]]] = {
    b"FlateDecode": _inflate,
    b"Fl": _inflate,
    b"ASCII85Decode": _ascii85,
    b"A85": _ascii85,
    b"ASCIIHexDecode": _ascii_hex,
    b"AHx": _ascii_hex,
}


def _stream_dictionary(data: bytes, keyword: int) -> bytes:
    """The dictionary in front of the stream keyword at `keyword`: from its object header, when that is near."""
    window = data[max(0, keyword - STREAM_DICT_WINDOW):keyword + 2]
    headers = list(_OBJECT_HEADER.finditer(window))
    return window[headers[-1].end():] if headers else window


def _looks_zlib(head: bytes) -> bool:
    return len(head) == 2 and head[0] & 0x0F == 8 and int.from_bytes(head, "big") % 31 == 0


def _decoders(dictionary: bytes, data: bytes, start: int) -> tuple[tuple[Callable[[_Pieces], Iterator[bytes]], ...], bool]:
    """The decoders for the leading filters of the stream that are Flate, ASCII85 or ASCIIHex, in
    the order they apply, and whether they are all its filters. Flate when no filter is written out
    (an indirect reference) but the data starts as a zlib stream does."""
    found = _FILTER.search(dictionary)
    if found is None:
        indirect = b"/Filter" in dictionary
        return ((_inflate,), True) if _looks_zlib(data[start:start + 2]) else ((), not indirect)
    names = _NAME.findall(found.group(1))
    chain = []
    for name in names:
        if name not in _DECODERS:
            break
        chain.append(_DECODERS[name])
    return tuple(chain), len(chain) == len(names)


def _raw_extent(data: bytes, dictionary: bytes, start: int) -> int | None:
    """The most raw bytes PDFium can take as the data of the stream starting at `start`: its direct
    /Length, or up to the next "endstream" where the length is wrong or missing, whichever is more.
    None for an indirect /Length."""
    length = _LENGTH.search(dictionary)
    if length is None and _ANY_LENGTH.search(dictionary):
        return None
    end = data.find(b"endstream", start)
    extent = max(int(length.group(1)) if length else 0, (end if end >= 0 else len(data)) - start)
    return min(extent, len(data) - start)


def _streams(data: bytes) -> Iterator[_Stream]:
    """The streams other than images: what PDFium may decode when it reads text. The bound of a
    stream is its raw extent times the largest ratio of Flate per Flate filter (0 without one)."""
    for keyword in _STREAM_KEYWORD.finditer(data):
        start = keyword.end()
        dictionary = _stream_dictionary(data, keyword.start())
        if _IMAGE_STREAM.search(dictionary):
            continue
        chain, whole = _decoders(dictionary, data, start)
        extent = _raw_extent(data, dictionary, start)
        end = len(data) if extent is None else start + extent
        bound = None if extent is None else extent * FLATE_MAX_RATIO ** chain.count(_inflate)
        first = _OBJECT_STREAM_FIRST.search(dictionary)
        object_stream = _OBJECT_STREAM.search(dictionary) is not None
        yield _Stream(start, end, chain, whole, bound, object_stream, int(first.group(1)) if first else None)


def _decoded_size(data: bytes, stream: _Stream, limit: int) -> tuple[int, bytes | None]:
    """Decoded size of `stream`, counted up to just over `limit`, with the decoded bytes of an object
    stream (None for other streams, and when they are incomplete)."""
    pieces: _Pieces = _raw_pieces(data, stream.start, stream.end)
    for decoder in stream.chain:
        pieces = decoder(pieces)
    size, kept, whole = 0, [], True
    try:
        for piece in pieces:
            size += len(piece)
            if size > limit:
                return size, None
            if stream.object_stream:
                kept.append(piece)
    except (zlib.error, ValueError):
        whole = False
    return size, b"".join(kept) if stream.object_stream and whole else None


def _measure(data: bytes, stream: _Stream, caps: Caps, scan: _StreamScan) -> bool:
    """Adds the decoded size of `stream` to `scan`; False once a limit is exceeded."""
    limit = min(caps.stream_bytes, caps.decoded_bytes - scan.total)
    size, decoded = _decoded_size(data, stream, limit)
    scan.largest = max(scan.largest, size)
    scan.total += size
    if stream.object_stream:
        if decoded is None or stream.first is None:
            scan.complete = False
        else:
            scan.object_streams.append((decoded, stream.first))
    return size <= limit


def _scan_streams(data: bytes, caps: Caps) -> _StreamScan:
    """What the streams PDFium would inflate decode to, measured piece by piece without keeping the
    bytes. A stream is decoded only when it is an object stream (read for the page tree) or when the
    bounds leave a limit in doubt, largest bound first; the scan stops once a limit is exceeded."""
    scan = _StreamScan()
    doubtful: list[_Stream] = []
    rest: list[_Stream] = []
    for stream in _streams(data):
        inflated = _inflate in stream.chain
        if stream.object_stream and not stream.whole:
            scan.complete = False
        elif stream.object_stream or (inflated and (stream.bound is None or stream.bound > caps.stream_bytes)):
            doubtful.append(stream)
        elif inflated:
            rest.append(stream)
    rest.sort(key=lambda stream: stream.bound, reverse=True)
    unknown = sum(stream.bound for stream in rest)
    for stream in doubtful:
        if not _measure(data, stream, caps, scan):
            return scan
    for stream in rest:
        if scan.total + unknown <= caps.decoded_bytes:
            break
        unknown -= stream.bound
        if not _measure(data, stream, caps, scan):
            break
    return scan


def _check_streams(scan: _StreamScan, caps: Caps, source: str | None) -> None:
    if scan.largest > caps.stream_bytes:
        raise StreamTooLarge(
            f"PDF has a compressed stream that decodes to more than {caps.stream_bytes:,} bytes "
            f"(a compression bomb? raise max_stream_bytes to accept it); {PROPERTY_OF_THE_FILE}",
            source,
            limit="stream",
        )
    if scan.total > caps.decoded_bytes:
        raise StreamTooLarge(
            f"PDF's compressed streams decode to more than {caps.decoded_bytes:,} bytes together "
            f"(raise max_decoded_bytes to accept it); {PROPERTY_OF_THE_FILE}",
            source,
            limit="decoded",
        )


def _kids_arrays(text: bytes) -> Iterator[tuple[int, bytes | None]]:
    """(position, contents) of each /Kids array in `text`; contents None when the array does not
    close within `KIDS_WINDOW` bytes."""
    for found in _KIDS.finditer(text):
        end = text.find(b"]", found.end(), found.end() + KIDS_WINDOW)
        yield found.start(), text[found.end():end] if end >= 0 else None


def _object_stream_owners(decoded: bytes, first: int) -> tuple[list[int], list[int]] | None:
    """Offsets (from `first`) and numbers of the objects of an object stream, in offset order."""
    numbers = decoded[:first].split()
    if len(numbers) % 2 or not all(number.isdigit() for number in numbers):
        return None
    pairs = sorted((int(offset), int(number)) for number, offset in zip(numbers[::2], numbers[1::2]))
    return [first + offset for offset, _ in pairs], [number for _, number in pairs]


def _raw_owner(data: bytes, position: int) -> int | None:
    window = data[max(0, position - STREAM_DICT_WINDOW):position]
    headers = list(_OBJECT_HEADER.finditer(window))
    return int(headers[-1].group(1)) if headers else None


def _collect_kids(text: bytes, owner, kids: set, nodes: set) -> bool:
    """Adds the references of every /Kids array in `text` to `kids` and the objects holding one to
    `nodes`; False when an array is not a plain list of references."""
    for position, contents in _kids_arrays(text):
        if contents is None or not _ONLY_REFERENCES.fullmatch(contents):
            return False
        kids.update((int(number), int(generation)) for number, generation in _REFERENCE.findall(contents))
        holder = owner(position)
        if holder is not None:
            nodes.add(holder)
    return True


def _page_objects_at_most(data: bytes, scan: _StreamScan) -> int | None:
    """The most distinct page objects the page tree can reach, read from the bytes: references in
    /Kids arrays (of the file and its object streams) to objects that hold no /Kids array
    themselves. None when the bytes cannot tell: encrypted, an object stream not decoded, or a
    /Kids array that is not a plain list of references."""
    if not scan.complete or b"/Encrypt" in data:
        return None
    kids: set[tuple[int, int]] = set()
    nodes: set[int] = set()
    if not _collect_kids(data, lambda position: _raw_owner(data, position), kids, nodes):
        return None
    for decoded, first in scan.object_streams:
        owners = _object_stream_owners(decoded, first)
        if owners is None:
            return None
        offsets, numbers = owners

        def owner(position: int, offsets=offsets, numbers=numbers) -> int | None:
            index = bisect.bisect_right(offsets, position) - 1
            return numbers[index] if index >= 0 else None

        if not _collect_kids(decoded, owner, kids, nodes):
            return None
    return sum(1 for number, _ in kids if number not in nodes)


def _check_repeated_pages(count: int, distinct: int | None, source: str | None) -> None:
    """Refuses a PDF when over half its pages, and more than `REPEAT_ALLOWANCE`, must be repeats of
    page objects listed before."""
    if distinct is None or count <= 1:
        return
    repeats = count - max(distinct, 1)
    if repeats > max(distinct, REPEAT_ALLOWANCE):
        raise RepeatedPages(
            f"PDF has {count:,} pages but at most {distinct:,} distinct page object(s): its page tree "
            f"lists the same pages again and again; {PROPERTY_OF_THE_FILE}",
            source,
            limit="repeated-pages",
        )


def normalise_page_text(raw: str) -> str:
    """PDFium page text with hyphenated line ends restored and `\\n` line breaks."""
    text = _HYPHEN_MARKERS.sub("-\n", raw)
    text = _LINE_BREAK.sub("\n", text)
    text = _CONTROL.sub("", text)
    return _TRAILING_SPACE.sub("", text)


@dataclass(frozen=True)
class _Line:
    """One line of page text and the baseline height of its first character (None for a blank line)."""

    text: str
    baseline: float | None


_BLANK = _Line("", None)


def _utf16_offsets(raw: str) -> list[int] | None:
    """UTF-16 offset of each character of `raw`, or None when all characters are single units."""
    if len(raw.encode("utf-16-le")) == 2 * len(raw):
        return None
    offsets, position = [], 0
    for char in raw:
        offsets.append(position)
        position += 2 if char > "\uffff" else 1
    return offsets


def _line_spans(raw: str) -> list[tuple[int, int]]:
    """Start and end of each line of PDFium text; a hyphen marker ends its line and stays in it."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _RAW_BREAK.finditer(raw):
        spans.append((start, match.end() if match.group() in _MARKER_CHARS else match.start()))
        start = match.end()
    spans.append((start, len(raw)))
    return spans


def _page_lines(textpage: pdfium.PdfTextPage) -> list[_Line]:
    """The lines of one page, each with the baseline of its first visible character."""
    raw = textpage.get_text_range()
    spans = _line_spans(raw)
    texts = normalise_page_text(raw).split("\n")
    if len(texts) != len(spans):
        texts = [normalise_page_text(raw[start:end]).rstrip("\n") for start, end in spans]
    offsets = _utf16_offsets(raw)
    x, y = ctypes.c_double(), ctypes.c_double()
    lines: list[_Line] = []
    for (start, end), text in zip(spans, texts):
        if not text.strip():
            lines.append(_BLANK)
            continue
        first = start
        while first < end and raw[first].isspace():
            first += 1
        baseline = None
        char = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, offsets[first] if offsets else first)
        if char >= 0 and pdfium_c.FPDFText_GetCharOrigin(textpage, char, x, y):
            baseline = y.value
        lines.append(_Line(text, baseline))
    return lines


def _page_layout(pdf: pdfium.PdfDocument, index: int, source: str | None) -> list[_Line]:
    try:
        page = pdf[index]
        try:
            textpage = page.get_textpage()
            try:
                return _page_lines(textpage)
            finally:
                textpage.close()
        finally:
            page.close()
    except pdfium.PdfiumError as error:
        raise CorruptPdf(f"page {index + 1} of the PDF cannot be read ({error})", source) from error


def _pitches(lines: Sequence[_Line]) -> list[float]:
    """Downward distances between the baselines of consecutive lines (same-line and upward moves left out)."""
    heights = [line.baseline for line in lines if line.baseline is not None]
    return [above - below for above, below in pairwise(heights) if above - below > MIN_PITCH]


def _line_spacing(pitches: Sequence[float]) -> float:
    """The spacing of lines inside a paragraph: the lower quartile of the pitches, which are
    a mix of that spacing and the wider gaps between paragraphs."""
    ordered = sorted(pitches)
    return ordered[(len(ordered) - 1) // 4]


def _usual_pitch(page: Sequence[float], document: float | None) -> float | None:
    """The page's ordinary line spacing: the document's, unless the page has enough lines of its
    own at a spacing more than `OWN_SPACING` off, as another font size or line spacing gives it
    (no wider than `PARAGRAPH_GAP` times the document's: wider is a list with gaps)."""
    if len(page) >= MIN_PAGE_PITCHES:
        own = _line_spacing(page)
        if document is None:
            return own
        if own < (1 - OWN_SPACING) * document or (1 + OWN_SPACING) * document < own <= PARAGRAPH_GAP * document:
            return own
    return document


def _with_paragraph_gaps(pages: list[list[_Line]]) -> list[list[_Line]]:
    """The pages with a blank line wherever the gap between two lines is clearly wider than the
    usual line spacing (over `PARAGRAPH_GAP` times `_usual_pitch`), as between paragraphs."""
    per_page = [_pitches(lines) for lines in pages]
    everything = [pitch for pitches in per_page for pitch in pitches]
    document = _line_spacing(everything) if everything else None
    spaced: list[list[_Line]] = []
    for lines, pitches in zip(pages, per_page):
        usual = _usual_pitch(pitches, document)
        if usual is None:
            spaced.append(lines)
            continue
        out: list[_Line] = []
        previous: float | None = None
        for line in lines:
            if line.baseline is not None:
                if previous is not None and previous - line.baseline > PARAGRAPH_GAP * usual and out and out[-1].text:
                    out.append(_BLANK)
                previous = line.baseline
            if line.text or (out and out[-1].text):
                out.append(line)
        spaced.append(out)
    return spaced


def _check_text_layer(pages: Sequence[str], source: str | None) -> None:
    found = sum(sum(map(str.isalnum, page)) for page in pages)
    if found < MIN_ALNUM_PER_PAGE * len(pages):
        raise NoTextLayer(
            f"PDF has no text layer: {len(pages)} page(s) but only {found} letters or digits "
            "(a scanned image? it needs OCR first)",
            source,
        )


def _extract_layout(data: bytes, caps: Caps, source: str | None) -> list[list[_Line]]:
    """The lines of every page with paragraph gaps as blank lines; see `extract_pages`."""
    _check_bytes(data, caps.bytes, source)
    scan = _scan_streams(data, caps)
    _check_streams(scan, caps, source)
    with _PDFIUM_LOCK:
        pdf = _open(data, source)
        try:
            _check_page_count(len(pdf), caps.pages, source)
            _check_repeated_pages(len(pdf), _page_objects_at_most(data, scan), source)
            layout = [_page_layout(pdf, index, source) for index in range(len(pdf))]
        finally:
            pdf.close()
    layout = _with_paragraph_gaps(layout)
    _check_text_layer([_joined(lines) for lines in layout], source)
    return layout


def _joined(lines: Sequence[_Line]) -> str:
    return "\n".join(line.text for line in lines)


def extract_pages(
    data: bytes,
    *,
    max_pages: int = MAX_PAGES,
    max_bytes: int = MAX_BYTES,
    max_stream_bytes: int = MAX_STREAM_BYTES,
    max_decoded_bytes: int = MAX_DECODED_BYTES,
    source: str | None = None,
) -> list[str]:
    """The text of each page of a PDF, in reading order, with `\\n` line breaks.

    Where the space between two lines is clearly wider than the usual line
    spacing (more than `PARAGRAPH_GAP` times the lower quartile of the
    distances between baselines, of the document or of a page set in another
    size), as between paragraphs, the page text has one empty line.

    Raises a `DocumentError` subclass when the bytes are not a usable PDF:
    `PdfTooLarge` (over `max_bytes` or `max_pages`), `StreamTooLarge` (a
    compressed stream decoding to more than `max_stream_bytes`, or all of
    them to more than `max_decoded_bytes`) and `RepeatedPages`, all checked
    before any extraction; `NotAPdf`, `CorruptPdf`, `EncryptedPdf` or
    `NoTextLayer`. `source` (a URL or path) is named in the message.
    """
    caps = Caps(max_pages, max_bytes, max_stream_bytes, max_decoded_bytes)
    return [_joined(lines) for lines in _extract_layout(data, caps, source)]


_PARAGRAPH_HEADING = re.compile(r"^(?:§\s*\d|\d+\s*§)")
_DIGITS = re.compile(r"\d+")


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


def _trim_blank_ends(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    start, end = 0, len(lines)
    while start < end and not lines[start][1].strip():
        start += 1
    while end > start and not lines[end - 1][1].strip():
        end -= 1
    return lines[start:end]


def _kept_lines(lines: Sequence[str], page_number: int, running: set[int]) -> list[tuple[int, str]]:
    """(index, line) of the lines of a page that are not furniture, without blank lines at either end.

    Where a removed line stood between two blank lines, one blank line is kept.
    """
    zone = _zone(lines)
    kept: list[tuple[int, str]] = []
    after_date_label = False
    dropped = False
    for index, raw in enumerate(lines):
        line = _squash(raw)
        if not line:
            if not (dropped and kept and not kept[-1][1]):
                kept.append((index, ""))
            dropped = False
            continue
        dropped = True
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
        dropped = False
        kept.append((index, raw.rstrip()))
    return _trim_blank_ends(kept)


def _clean_page(lines: Sequence[str], page_number: int, running: set[int]) -> str:
    return "\n".join(line for _, line in _kept_lines(lines, page_number, running))


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


def _usual_bottom(bottoms: Sequence[float], tolerance: float) -> float | None:
    """The lowest baseline at which at least two pages end, or None."""
    ordered = sorted(bottoms)
    for low, high in pairwise(ordered):
        if high - low <= tolerance:
            return low
    return None


_SENTENCE_END = re.compile(r"[.!?:;…][”\"')\]]*$")
_PARAGRAPH_START = re.compile(r"^(?:[A-ZÅÄÖÉÜ0-9§•\-–*]|\W*[A-ZÅÄÖÉÜ])")


def _ends_short(line: str, width: float) -> bool:
    """A sentence ends the line and the line stops well short of the usual full line: the last
    line of a paragraph."""
    line = line.strip()
    return bool(_SENTENCE_END.search(line)) and len(line) < SHORT_LAST_LINE * width


def _page_end_breaks(layout: Sequence[Sequence[_Line]], kept: Sequence[Sequence[tuple[int, str]]]) -> list[bool]:
    """For each page but the last: does its text end a paragraph?

    Yes when its last kept line sits at least `PAGE_END_GAP` lines above the
    usual bottom of the text (where at least two pages end): the page was left
    short on purpose. Yes, too, when that line ends a sentence well short of
    the usual line length (`SHORT_LAST_LINE`) and the next page starts with a
    capital, a digit or a bullet.
    """
    breaks = [False] * max(len(layout) - 1, 0)
    lengths = sorted(len(line.strip()) for page in kept for _, line in page if line.strip())
    if lengths:
        width = lengths[int(0.9 * (len(lengths) - 1))]
        for page in range(len(breaks)):
            last, following = kept[page], kept[page + 1]
            if last and following and _ends_short(last[-1][1], width):
                breaks[page] = bool(_PARAGRAPH_START.match(following[0][1].strip()))
    pitches = [pitch for lines in layout for pitch in _pitches(lines)]
    if len(pitches) < MIN_PAGE_PITCHES or len(layout) < 3:
        return breaks
    pitch = _line_spacing(pitches)
    ends = [lines[page[-1][0]].baseline if page else None for lines, page in zip(layout, kept)]
    bottom = _usual_bottom([end for end in ends[:-1] if end is not None], 0.5 * pitch)
    if bottom is None:
        return breaks
    for page, end in enumerate(ends[:-1]):
        breaks[page] = breaks[page] or (end is not None and end - bottom > PAGE_END_GAP * pitch)
    return breaks


def extract_text(
    data: bytes,
    *,
    source: str | None = None,
    max_pages: int = MAX_PAGES,
    max_bytes: int = MAX_BYTES,
    max_stream_bytes: int = MAX_STREAM_BYTES,
    max_decoded_bytes: int = MAX_DECODED_BYTES,
) -> ExtractedText:
    """The cleaned text of a PDF with its page count, length and the SHA-256 of its bytes.

    Pages are joined by a form feed on a line of its own, so that readers can
    tell on which page a line stands; where `_page_end_breaks` finds that a
    page ends a paragraph an empty line comes before it. Without the form-feed
    line (`normalise_text` drops it) the pages read as joined by a line break,
    or by an empty line at the end of a paragraph. The limits and errors are
    those of `extract_pages`.
    """
    caps = Caps(max_pages, max_bytes, max_stream_bytes, max_decoded_bytes)
    layout = _extract_layout(data, caps, source)
    split = [[line.text for line in lines] for lines in layout]
    running = _running_lines(split)
    kept = [_kept_lines(lines, page + 1, running[page]) for page, lines in enumerate(split)]
    pages = ["\n".join(line for _, line in page) for page in kept]
    breaks = _page_end_breaks(layout, kept)
    parts = pages[:1]
    for page, paragraph_ends in zip(pages[1:], breaks):
        parts.append(("\n\n" if paragraph_ends and parts[-1] and page else "\n") + PAGE_BREAK + "\n")
        parts.append(page)
    text = "".join(parts)
    return ExtractedText(
        pages=pages,
        text=text,
        page_count=len(layout),
        char_count=len(text),
        sha256=hashlib.sha256(data).hexdigest(),
    )
