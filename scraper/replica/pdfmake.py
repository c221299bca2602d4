"""Deterministic PDFs that look like Swedish meeting protocols.

The replica portal serves real PDFs with a text layer: A4 pages, body text in
Helvetica wrapped to the page width, a running header (committee, document
kind, meeting date, "Sida 3(12)") and a footer ("Elektroniskt signerat",
"Utdragsbestyrkande") on every page, as the protocols of Swedish regions and
municipalities have them. The same input always gives the same bytes.

Helvetica is one of the standard PDF fonts and is written with WinAnsi
(cp1252) encoding, which covers Swedish (å ä ö é ü), § and the usual
typographic marks. Any other character is replaced by a close equivalent.
ReportLab writes the bullet • at WinAnsi code 0x7F, one of the codes the PDF
specification maps to a bullet: PDFium reads it back as •, while pypdf and
pdfminer read it as the control character DEL.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator, Sequence

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 62.0
MARGIN_RIGHT = 62.0
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

BODY_FONT = "Helvetica"
BODY_SIZE = 10.0
BODY_LEADING = 14.0
HEADER_FONT = "Helvetica"
HEADER_TITLE_FONT = "Helvetica-Bold"
HEADER_SIZE = 9.0
HEADER_TITLE_SIZE = 12.0
HEADER_LEADING = 13.0
HEADER_TOP = PAGE_HEIGHT - 48.0
FOOTER_BASELINE = 40.0
FOOTER_RULE = 56.0
BODY_BOTTOM = 80.0

PAGE_BREAK = "\f"
# Where the cells of a table row start, in points from the left margin (a vote list: member,
# party, ja, nej, avstår).
TABLE_STOPS = (0.0, 170.0, 215.0, 255.0, 295.0, 345.0)


class TableRow(tuple):
    """A body line that is a row of a table: its cells, each drawn at its column stop, never wrapped."""

_REPLACEMENTS: dict[str, str] = {
    "\t": "    ",
    "\u00ad": "",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2015": "\u2014",
    "\u2212": "-",
    "\u2043": "-",
    "\u2032": "'",
    "\u2033": '"',
    "\u2035": "'",
    "\u201b": "'",
    "\u201f": '"',
    "\u2027": "\u00b7",
    "\u2219": "\u00b7",
    "\u25cf": "\u2022",
    "\u25aa": "\u2022",
    "\u25a0": "\u2022",
    "\u25e6": "o",
    "\u2023": "\u2022",
    "\uf0b7": "\u2022",
    "\u2192": "->",
    "\u2190": "<-",
    "\u21d2": "=>",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u2248": "~",
    "\u2116": "Nr",
    "\u2713": "x",
    "\u2714": "x",
    "\u0131": "i",
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u014a": "N",
    "\u014b": "n",
    "\u0166": "T",
    "\u0167": "t",
    "\u2610": "[ ]",
    "\u2611": "[x]",
    "\u2612": "[x]",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _encodable(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _replace_char(char: str) -> str:
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    if _encodable(char):
        return char
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) and _encodable(c))
    if kept:
        return kept
    if unicodedata.category(char).startswith("Z"):
        return " "
    return "?"


def to_winansi(text: str) -> str:
    """`text` with every character Helvetica's WinAnsi encoding lacks replaced by a close one."""
    text = _CONTROL.sub("", text)
    if _encodable(text) and not any(c in _REPLACEMENTS for c in text):
        return text
    return "".join(_replace_char(c) for c in text)


def _width(text: str, font: str = BODY_FONT, size: float = BODY_SIZE) -> float:
    return stringWidth(text, font, size)


def _split_long_word(word: str, width: float) -> list[str]:
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and _width(current + char) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    pieces.append(current)
    return pieces


def wrap_line(line: str, width: float = TEXT_WIDTH) -> list[str]:
    """Break one line of text into lines no wider than `width` points, word by word."""
    line = line.rstrip()
    if _width(line) <= width:
        return [line]
    indent = line[: len(line) - len(line.lstrip())]
    words = line.split()
    lines: list[str] = []
    current = indent
    for word in words:
        candidate = f"{current} {word}" if current.strip() else current + word
        if _width(candidate) <= width:
            current = candidate
            continue
        if current.strip():
            lines.append(current)
        if _width(word) <= width:
            current = word
        else:
            *full, current = _split_long_word(word, width)
            lines.extend(full)
    if current.strip():
        lines.append(current)
    return lines


def lines_per_page(header_lines: int) -> int:
    """How many body lines fit on a page below a header of `header_lines` lines."""
    body_top = _body_top(header_lines)
    return int((body_top - BODY_BOTTOM) // BODY_LEADING) + 1


def _body_top(header_lines: int) -> float:
    rule = HEADER_TOP - HEADER_LEADING * header_lines - 6.0
    return rule - 20.0


def paginate(body_lines: Sequence[str], per_page: int) -> list[list[str]]:
    """Wrap the body and cut it into pages of at most `per_page` lines.

    A line that is exactly a form feed starts a new page; a ``TableRow`` stays one line. Blank lines at the
    top of a page are dropped, as a typesetter would.
    """
    pages: list[list[str]] = [[]]
    for line in body_lines:
        if line == PAGE_BREAK:
            if pages[-1]:
                pages.append([])
            continue
        rows = [TableRow(to_winansi(cell) for cell in line)] if isinstance(line, TableRow) else wrap_line(to_winansi(line))
        for wrapped in rows:
            if len(pages[-1]) >= per_page:
                pages.append([])
            if not isinstance(wrapped, TableRow) and not wrapped.strip() and not pages[-1]:
                continue
            pages[-1].append(wrapped)
    return pages


def _draw_header(canvas: Canvas, header: Sequence[str], label: str) -> None:
    y = HEADER_TOP
    for index, text in enumerate(header):
        if index == 0:
            canvas.setFont(HEADER_TITLE_FONT, HEADER_TITLE_SIZE)
        else:
            canvas.setFont(HEADER_FONT, HEADER_SIZE)
        canvas.drawString(MARGIN_LEFT, y, to_winansi(text))
        y -= HEADER_LEADING
    canvas.setFont(HEADER_FONT, HEADER_SIZE)
    canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y, to_winansi(label))
    rule = y - 6.0
    canvas.line(MARGIN_LEFT, rule, PAGE_WIDTH - MARGIN_RIGHT, rule)


def _draw_footer(canvas: Canvas, footer: Sequence[str]) -> None:
    if not footer:
        return
    canvas.line(MARGIN_LEFT, FOOTER_RULE, PAGE_WIDTH - MARGIN_RIGHT, FOOTER_RULE)
    canvas.setFont(HEADER_FONT, HEADER_SIZE - 1)
    column = TEXT_WIDTH / len(footer)
    for index, text in enumerate(footer):
        x = MARGIN_LEFT + index * column
        canvas.rect(x, FOOTER_BASELINE - 8, column - 12, 22, stroke=1, fill=0)
        canvas.drawString(x + 4, FOOTER_BASELINE + 4, to_winansi(text))


def _draw_body(canvas: Canvas, lines: Sequence[str], top: float) -> None:
    text = canvas.beginText(MARGIN_LEFT, top)
    text.setFont(BODY_FONT, BODY_SIZE, BODY_LEADING)
    for line in lines:
        if isinstance(line, TableRow):
            y = text.getY()
            for stop, cell in zip(TABLE_STOPS, line):
                text.setTextOrigin(MARGIN_LEFT + stop, y)
                text.textOut(cell)
            text.setTextOrigin(MARGIN_LEFT, y - BODY_LEADING)
        else:
            text.textLine(line)
    canvas.drawText(text)


def _render(
    pages: Sequence[Sequence[str]],
    *,
    title: str,
    header: Sequence[str],
    footer: Sequence[str],
    page_label: str,
) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(to_winansi(title))
    top = _body_top(len(header))
    total = len(pages)
    for number, lines in enumerate(pages, start=1):
        _draw_header(canvas, header, page_label.format(page=number, pages=total))
        _draw_footer(canvas, footer)
        _draw_body(canvas, lines, top)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def make_pdf(
    body_lines: list[str],
    *,
    title: str,
    header: list[str] | None = None,
    footer: list[str] | None = None,
    page_label: str = "Sida {page}({pages})",
) -> bytes:
    """An A4 PDF of `body_lines`, wrapped and flowed over as many pages as needed.

    `header` lines are drawn at the top of every page (the first one bold),
    followed by `page_label` formatted with `page` and `pages`; `footer` items
    stand side by side in boxes at the bottom. `title` is the document title
    in the PDF metadata.
    """
    head = list(header or [])
    pages = paginate(body_lines, lines_per_page(len(head)))
    return _render(pages, title=title, header=head, footer=list(footer or []), page_label=page_label)


def _is_doubled(lines: Sequence[str]) -> bool:
    text_lines = [i for i, line in enumerate(lines[:-1]) if line.strip()]
    if not text_lines:
        return False
    followed_by_blank = sum(1 for i in text_lines if not lines[i + 1].strip())
    return followed_by_blank >= 0.9 * len(text_lines)


def _undouble(lines: Sequence[str]) -> Iterator[str]:
    blanks = 0
    for line in lines:
        if line.strip():
            yield from [""] * max(blanks - 1, 0)
            blanks = 0
            yield line
        else:
            blanks += 1
    yield from [""] * max(blanks - 1, 0)


def text_lines(text: str) -> list[str]:
    """The lines of a fixture text, without the blank line that follows every line.

    In such texts a single blank line only separates two lines and a run of
    blank lines marks a paragraph gap; the result keeps one blank line less
    per run. Text without that doubling is split as it is.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if _is_doubled(lines):
        return list(_undouble(lines))
    return lines


def make_text_pdf(
    text: str,
    *,
    title: str = "Protokoll",
    header: list[str] | None = None,
    footer: list[str] | None = None,
    page_label: str = "Sida {page}({pages})",
) -> bytes:
    """`make_pdf` of a whole text, split into lines by `text_lines`."""
    return make_pdf(text_lines(text), title=title, header=header, footer=footer, page_label=page_label)


def make_image_only_pdf(pages: int = 1) -> bytes:
    """A PDF whose pages hold only drawn shapes and no text, like a scan without OCR."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle("Skannat dokument")
    for number in range(pages):
        canvas.setFillGray(0.85)
        canvas.rect(MARGIN_LEFT, PAGE_HEIGHT - 140, TEXT_WIDTH, 60, stroke=0, fill=1)
        canvas.setFillGray(0.3)
        for row in range(30 + number % 5):
            width = TEXT_WIDTH * (0.55 + 0.45 * ((row * 7 + number) % 10) / 10)
            canvas.rect(MARGIN_LEFT, PAGE_HEIGHT - 180 - row * 18, width, 7, stroke=0, fill=1)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
