"""PDF text extraction: round trips through generated protocol PDFs, error classes, header stripping."""

from __future__ import annotations

import base64
import difflib
import io
import pickle
import re
import struct
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from scraper.documents import text as text_module
from scraper.documents.text import (
    CorruptPdf,
    DocumentError,
    EncryptedPdf,
    ExtractedText,
    NoTextLayer,
    NotAPdf,
    PdfTooLarge,
    RepeatedPages,
    StreamTooLarge,
    extract_pages,
    extract_text,
    normalise_page_text,
    strip_running_headers,
)
from scraper.errors import MeetingsError
from scraper.replica.pdfmake import (
    TEXT_WIDTH,
    lines_per_page,
    make_image_only_pdf,
    make_pdf,
    make_text_pdf,
    text_lines,
    to_winansi,
    wrap_line,
)

FIXTURE = (
    Path(__file__).resolve().parents[2]
    / "shared/fixtures/documents/protocol_norrbotten_regionstyrelsen_2024-03-12.txt"
)
HEADER = ["Regionstyrelsen", "PROTOKOLL", "Sammanträdesdatum 2024-03-12"]
FOOTER = ["Elektroniskt signerat", "Utdragsbestyrkande"]
SOURCE = "https://meetingsplus.example.se/committees/regionstyrelsen/mote-2024-03-12/protocol/protokollpdf"
PAGE_LABEL = re.compile(r"Sida\s*\d+\s*\(\d+\)")

SMALL_PROTOCOL = [
    "Plats och tid: Regionhuset i Luleå, tisdagen den 12 mars 2024 kl. 13:00–14:03",
    "",
    "§ 1",
    "Val av protokolljusterare",
    "Regionstyrelsen beslutar att utse Kenneth Backgård (SJVP) att jämte ordföranden",
    "justera protokollet. Justering sker digitalt.",
    "\f",
    "§ 2",
    "Uppföljning av hälso- och sjukvårdsnämndens beslut",
    "Dnr NLL-00297-2024",
    "Regionstyrelsen beslutar enligt protokoll 2024-02-13 att godkänna rapporten om",
    "Barn- och ungdomspsykiatrin. Utredningen föreslår att enskilda ska kunna motsätta sig "
    "personuppgifts-",
    "behandlingen. Även Öjebyn, Älvsbyn och Åsele omfattas.",
    "\f",
    "§ 3",
    "Sammanträdet avslutas",
    "Ordföranden förklarar sammanträdet avslutat klockan 14:03.",
]


def words(text: str) -> list[str]:
    return text.split()


def share_in_order(source: list[str], found: list[str]) -> float:
    matcher = difflib.SequenceMatcher(None, source, found, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(source)


def squashed_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n")]


PAGE_BREAK_LINE = "\n\f\n"


def page_joins(text: str, pages: list[str]) -> list[str]:
    """What joins each page of an extracted text to the next, without the form-feed line that marks
    every page break: a line break, or an empty line where the page ends a paragraph. Fails when
    `text` is not the pages so joined."""
    joins: list[str] = []
    position = 0
    for number, page in enumerate(pages):
        assert text.startswith(page, position), f"page {number + 1} not found at {position}"
        position += len(page)
        if number + 1 < len(pages):
            join = "\n\n" if text.startswith("\n" + PAGE_BREAK_LINE, position) else "\n"
            assert text.startswith(join[:-1] + PAGE_BREAK_LINE, position)
            joins.append(join)
            position += len(join) - 1 + len(PAGE_BREAK_LINE)
    assert position == len(text)
    return joins


@pytest.fixture(scope="module")
def norrbotten_text() -> str:
    if not FIXTURE.exists():
        pytest.skip(f"shared fixture not found: {FIXTURE}")
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def norrbotten_pdf(norrbotten_text: str) -> bytes:
    return make_text_pdf(norrbotten_text, title="Regionstyrelsen 2024-03-12", header=HEADER, footer=FOOTER)


@pytest.fixture(scope="module")
def norrbotten_extracted(norrbotten_pdf: bytes) -> ExtractedText:
    return extract_text(norrbotten_pdf, source=SOURCE)


@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    return make_pdf(SMALL_PROTOCOL, title="Protokoll", header=HEADER, footer=FOOTER)


def test_norrbotten_round_trip_keeps_every_paragraph_heading(norrbotten_extracted: ExtractedText) -> None:
    lines = set(squashed_lines(norrbotten_extracted.text))
    missing = [number for number in range(31, 55) if f"§ {number}" not in lines]
    assert missing == []


def test_norrbotten_round_trip_removes_page_furniture(norrbotten_extracted: ExtractedText) -> None:
    lines = squashed_lines(norrbotten_extracted.text)
    assert [line for line in lines if PAGE_LABEL.search(line)] == []
    assert [line for line in lines if "Elektroniskt signerat" in line] == []
    assert [line for line in lines if "Utdragsbestyrkande" in line] == []
    assert [line for line in lines if "VISMA_SIGN" in line] == []
    assert "PROTOKOLL" not in lines
    assert "Sammanträdesdatum 2024-03-12" not in lines
    assert all(not page.startswith("Regionstyrelsen\n") for page in norrbotten_extracted.pages)


def test_norrbotten_round_trip_recovers_the_words_in_order(
    norrbotten_text: str, norrbotten_extracted: ExtractedText
) -> None:
    assert share_in_order(words(norrbotten_text), words(norrbotten_extracted.text)) >= 0.99


def test_norrbotten_round_trip_keeps_swedish_letters(
    norrbotten_text: str, norrbotten_extracted: ExtractedText
) -> None:
    for char in "åäöÅÄÖ§–”•":
        assert norrbotten_extracted.text.count(char) >= 0.99 * norrbotten_text.count(char), char
    assert "Anders Öberg (S), ordförande" in norrbotten_extracted.text


def test_norrbotten_round_trip_restores_hyphenated_line_ends(
    norrbotten_text: str, norrbotten_extracted: ExtractedText
) -> None:
    source = [line.strip() for line in text_lines(norrbotten_text)]
    pairs = [(a, b) for a, b in zip(source, source[1:]) if a.endswith("-") and b]
    assert len(pairs) >= 10
    text = "\n".join(squashed_lines(norrbotten_extracted.text))
    assert [pair for pair in pairs if f"{pair[0]}\n{pair[1]}" not in text] == []
    assert "\x02" not in text and "\ufffe" not in text


def test_norrbotten_extracted_text_fields(norrbotten_pdf: bytes, norrbotten_extracted: ExtractedText) -> None:
    raw_pages = extract_pages(norrbotten_pdf)
    assert norrbotten_extracted.page_count == len(raw_pages) == len(norrbotten_extracted.pages)
    assert norrbotten_extracted.page_count >= 40
    joins = page_joins(norrbotten_extracted.text, norrbotten_extracted.pages)
    assert joins.count("\n") > joins.count("\n\n") > 0
    assert norrbotten_extracted.char_count == len(norrbotten_extracted.text)
    assert re.fullmatch(r"[0-9a-f]{64}", norrbotten_extracted.sha256)
    assert raw_pages[2].split("\n")[:4] == [*HEADER, f"Sida 3({len(raw_pages)})"]


def test_small_round_trip(small_pdf: bytes) -> None:
    result = extract_text(small_pdf)
    assert result.page_count == 3
    assert [page.split("\n")[0] for page in result.pages] == [SMALL_PROTOCOL[0], "§ 2", "§ 3"]
    # each page ends a paragraph: an empty line, then the form-feed line that marks the page break
    expected = [part for line in SMALL_PROTOCOL for part in (["", "\f"] if line == "\f" else [" ".join(line.split())])]
    assert [line if line == "\f" else " ".join(line.split()) for line in result.text.split("\n")] == expected


def test_small_round_trip_restores_hyphen_at_wrapped_line_end(small_pdf: bytes) -> None:
    text = extract_text(small_pdf).text
    assert "personuppgifts-\nbehandlingen. Även Öjebyn, Älvsbyn och Åsele omfattas." in text
    assert "Barn- och ungdomspsykiatrin." in text


def test_short_document_loses_known_furniture() -> None:
    decision = "Regionstyrelsen beslutar att lägga informationen till handlingarna."
    data = make_pdf([decision], title="x", header=HEADER, footer=FOOTER)
    assert "Sida 1(1)" in extract_pages(data)[0]
    assert extract_text(data).pages == [f"Regionstyrelsen\n\n{decision}"]


def placed_pdf(pages: list[list[tuple[float, float, str]]]) -> bytes:
    """A PDF whose lines stand exactly where given: (baseline height in points, font size, text) per line."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    for lines in pages:
        for baseline, size, line in lines:
            canvas.setFont("Helvetica", size)
            canvas.drawString(62, baseline, line)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def spaced(top: float, pitch: float, size: float, lines: list[str]) -> list[tuple[float, float, str]]:
    """`lines` from `top` downwards, `pitch` points apart; an empty string leaves its line empty."""
    return [(top - pitch * index, size, line) for index, line in enumerate(lines) if line]


PROSE = [
    "Regionstyrelsen har under våren arbetat med en ny modell för uppföljning av",
    "verksamheten, där varje nämnd redovisar sina resultat fyra gånger per år till",
    "styrelsen och där avvikelser ska förklaras med konkreta åtgärder.",
]


def test_blank_lines_come_back_as_one_empty_line() -> None:
    lines = ["Första stycket, rad ett av två som", "fortsätter här.", "", "Andra stycket.", "", "", "", "Tredje stycket."]
    assert extract_text(make_pdf(lines, title="x")).text == (
        "Första stycket, rad ett av två som\nfortsätter här.\n\nAndra stycket.\n\nTredje stycket."
    )


def test_paragraph_gaps_from_spacing_without_empty_lines() -> None:
    page = spaced(780, 14, 10, PROSE) + spaced(730, 14, 10, PROSE) + spaced(676, 14, 10, PROSE[:2])
    assert extract_pages(placed_pdf([page]))[0] == "\n".join([*PROSE, "", *PROSE, "", *PROSE[:2]])


def test_paragraph_gap_is_measured_against_the_page_own_line_spacing() -> None:
    normal = spaced(780, 14, 10, PROSE + [""] + PROSE + [""] + PROSE)
    small = spaced(780, 10, 8, PROSE + PROSE) + spaced(710, 10, 8, PROSE)
    pages = extract_pages(placed_pdf([normal, small, normal]))
    assert pages[1] == "\n".join([*PROSE, *PROSE, "", *PROSE])
    assert pages[0] == pages[2] == "\n".join([*PROSE, "", *PROSE, "", *PROSE])


def test_a_list_with_a_gap_after_every_entry_keeps_its_gaps() -> None:
    entries = [f"{number}. Ärende nummer {number} om budget och verksamhetsplan" for number in range(1, 9)]
    body = spaced(780, 14, 10, PROSE * 4)
    listing = spaced(780, 28, 10, entries)
    pages = extract_pages(placed_pdf([body, listing, body]))
    assert pages[1] == "\n\n".join(entries)
    assert "" not in pages[0].split("\n")


def test_heading_in_larger_type_runs_into_its_body() -> None:
    page = spaced(780, 14, 10, PROSE) + [(730, 14, "Ny simhall i Bodträsk")] + spaced(712, 14, 10, PROSE)
    assert extract_pages(placed_pdf([page, page]))[0] == "\n".join([*PROSE, "", "Ny simhall i Bodträsk", *PROSE])


def test_page_joins_keep_paragraph_breaks_only() -> None:
    sentence = "Regionstyrelsen beslutar att godkänna rapporten och lägga den till handlingarna."
    flowing = [f"Rad {number} i ett långt stycke som fortsätter över sidbrytningen utan" for number in range(1, 121)]
    lines = [*flowing, "slut här.", "", sentence, "\f", "Nästa stycke börjar på en ny sida.", *flowing[:3]]
    result = extract_text(make_pdf(lines, title="x"))
    assert result.page_count == 4
    assert page_joins(result.text, result.pages) == ["\n", "\n", "\n\n"]
    assert result.pages[1].startswith(flowing[len(result.pages[0].split("\n"))])
    assert f"{sentence}\n\n\f\nNästa stycke" in result.text


def test_page_ending_with_a_short_closing_line_ends_its_paragraph() -> None:
    per_page = lines_per_page(0)
    filler = [f"Rad {number} i stycket som fyller sidan ända ner till den sista raden och" for number in range(per_page - 1)]
    lines = [*filler, "slutar här.", "Nytt stycke överst på nästa sida.", *filler[:2]]
    result = extract_text(make_pdf(lines, title="x"))
    assert result.pages[0].endswith("slutar här.") and result.pages[1].startswith("Nytt stycke")
    assert page_joins(result.text, result.pages) == ["\n\n"]


def test_normalise_page_text_maps_pdfium_hyphen_markers() -> None:
    assert normalise_page_text("Barn\x02och unga\r\nrad två  \r\nSida\ufffebehandling") == (
        "Barn-\noch unga\nrad två\nSida-\nbehandling"
    )


def test_make_pdf_is_deterministic() -> None:
    first = make_pdf(SMALL_PROTOCOL, title="Protokoll", header=HEADER, footer=FOOTER)
    second = make_pdf(list(SMALL_PROTOCOL), title="Protokoll", header=list(HEADER), footer=list(FOOTER))
    other = make_pdf(SMALL_PROTOCOL, title="Protokoll", header=HEADER, footer=["Justerandes sign"])
    assert first == second
    assert first != other
    assert b"CreationDate (D:20000101000000" in first
    assert make_image_only_pdf(2) == make_image_only_pdf(2)


def test_make_pdf_sets_title_and_page_size() -> None:
    pdf = pdfium.PdfDocument(make_pdf(["Hej"], title="Protokoll regionstyrelsen 2024-03-12"))
    assert pdf.get_metadata_dict()["Title"] == "Protokoll regionstyrelsen 2024-03-12"
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842)


def test_make_pdf_wraps_and_flows_over_pages() -> None:
    long_line = " ".join(f"ord{n}" for n in range(60))
    lines = [long_line] + [f"Rad {n} med text om vårdval" for n in range(200)]
    pages = extract_pages(make_pdf(lines, title="x", header=HEADER, page_label="Sida {page} av {pages}"))
    assert len(pages) == 5
    assert [page.split("\n")[3] for page in pages] == [f"Sida {n} av 5" for n in range(1, 6)]
    assert all(len(page.split("\n")) <= 4 + 50 for page in pages)
    assert words(" ".join(strip_running_headers(pages))) == words(" ".join(lines))
    assert len(wrap_line(long_line)) > 1


def test_wrap_line_respects_width_and_keeps_words() -> None:
    line = "Regionstyrelsen beslutar att " * 20 + "Donaudampfschifffahrtsgesellschaftskapitänswitwe" * 4
    wrapped = wrap_line(line)
    assert all(stringWidth(part, "Helvetica", 10) <= TEXT_WIDTH for part in wrapped)
    assert "".join(" ".join(wrapped).split()) == "".join(line.split())


def test_characters_outside_winansi_are_replaced() -> None:
    assert to_winansi("a → b ≤ 3, Łódź, ŋ, đ, 中") == "a -> b <= 3, Lódz, n, d, ?"
    assert to_winansi("åäö ÅÄÖ § – — ” • é ü") == "åäö ÅÄÖ § – — ” • é ü"
    page = extract_pages(make_pdf(["Sámi: Giellagáldu, ŋ → n, 中文, Łuleå"], title="x"))[0]
    assert "Sámi: Giellagáldu, n -> n, ??, Luleå" in page


def test_text_lines_undoubles_fixture_texts() -> None:
    doubled = "Rättelse \n\n\nRegion Norrbotten\n\nrättar\n\n"
    assert text_lines(doubled) == ["Rättelse ", "", "Region Norrbotten", "rättar"]
    assert text_lines("en\ntvå\n\ntre") == ["en", "två", "", "tre"]


def test_html_is_not_a_pdf() -> None:
    html = b"\n  <!DOCTYPE html><html><head><title>404 Not Found</title></head></html>"
    with pytest.raises(NotAPdf) as info:
        extract_pages(html, source=SOURCE)
    message = str(info.value)
    assert message.startswith(f"{SOURCE}: not a PDF")
    assert "<!DOCTYPE html>" in message and "HTML" in message
    assert isinstance(info.value, DocumentError) and isinstance(info.value, MeetingsError)


def test_zip_json_and_empty_bodies_are_not_pdfs() -> None:
    with pytest.raises(NotAPdf, match="ZIP archive"):
        extract_pages(b"PK\x03\x04\x14\x00\x00\x00")
    with pytest.raises(NotAPdf, match="JSON"):
        extract_pages(b'{"Message": "An error has occurred."}')
    with pytest.raises(NotAPdf, match="empty"):
        extract_pages(b"  \n")


def test_zero_bytes_and_whitespace_are_an_empty_body_not_empty_text() -> None:
    with pytest.raises(NotAPdf, match=r"not a PDF: empty body \(0 bytes\)$") as info:
        extract_text(b"", source=SOURCE)
    assert info.value.source == SOURCE and not info.value.permanent
    with pytest.raises(NotAPdf, match=r"empty body \(4 bytes of whitespace\)$"):
        extract_text(b" \r\n\t")


def test_truncated_pdf_is_corrupt(small_pdf: bytes) -> None:
    with pytest.raises(CorruptPdf, match="truncated") as info:
        extract_pages(small_pdf[: len(small_pdf) // 2], source=SOURCE)
    assert str(info.value).startswith(SOURCE)


def test_damaged_pdf_is_corrupt() -> None:
    with pytest.raises(CorruptPdf, match="cannot open"):
        extract_pages(b"%PDF-1.7\nthis is not a pdf body\n%%EOF\n")


def test_image_only_pdf_has_no_text_layer() -> None:
    with pytest.raises(NoTextLayer, match=r"no text layer: 3 page\(s\)") as info:
        extract_text(make_image_only_pdf(3), source=SOURCE)
    assert info.value.source == SOURCE


def test_encrypted_pdf_needs_password(small_pdf: bytes) -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(small_pdf))
    writer.encrypt("hemligt", "ägare")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(EncryptedPdf, match="needs a password"):
        extract_pages(buffer.getvalue(), source=SOURCE)


def test_too_many_pages_is_refused_before_extraction(
    small_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_extraction(*args: object) -> str:
        raise AssertionError("page text was extracted")

    monkeypatch.setattr(text_module, "_page_layout", no_extraction)
    with pytest.raises(PdfTooLarge, match="3 pages, over the limit of 2 pages") as info:
        extract_pages(small_pdf, max_pages=2)
    assert info.value.limit == "pages" and info.value.permanent
    assert "a property of the file" in str(info.value)


def raw_pdf(objects: dict[int, bytes], streams: dict[int, bytes] | None = None) -> bytes:
    """A PDF of numbered objects (dictionaries as bytes; `streams` adds stream data to some, with
    its /Length) and a classic cross-reference table; object 1 is the catalog."""
    streams = streams or {}
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode())
        if number in streams:
            out.write(b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(streams[number]), body, streams[number]))
        else:
            out.write(body)
        out.write(b"\nendobj\n")
    xref = out.tell()
    size = max(objects) + 1
    out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{offsets[n]:010d} 00000 n \n".encode() if n in offsets else b"0000000000 65535 f \n" for n in range(1, size)))
    out.write(f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def page_tree_bomb(depth: int, fan_out: int) -> bytes:
    """A tiny PDF whose page tree reuses one node `fan_out` times per level."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for level in range(depth):
        node = 2 + level
        kids = b" ".join([f"{node + 1} 0 R".encode()] * fan_out)
        parent = f" /Parent {node - 1} 0 R".encode() if level else b""
        count = fan_out ** (depth - level)
        objects[node] = b"<< /Type /Pages%s /Kids [%s] /Count %d >>" % (parent, kids, count)
    leaf = 2 + depth
    objects[leaf] = f"<< /Type /Page /Parent {leaf - 1} 0 R /MediaBox [0 0 595 842] >>".encode()
    return raw_pdf(objects)


def test_page_count_bomb_is_refused_quickly() -> None:
    bomb = page_tree_bomb(depth=6, fan_out=10)
    started = time.perf_counter()
    with pytest.raises(PdfTooLarge, match="1,000,000 pages"):
        extract_pages(bomb)
    assert time.perf_counter() - started < 1.0


def test_too_many_bytes_is_refused(small_pdf: bytes) -> None:
    with pytest.raises(PdfTooLarge, match=f"{len(small_pdf):,} bytes, over the limit") as info:
        extract_pages(small_pdf, max_bytes=len(small_pdf) - 1, source=SOURCE)
    assert info.value.limit == "bytes"
    with pytest.raises(PdfTooLarge):
        extract_text(b"<html>" * 100, max_bytes=10)
    assert extract_pages(small_pdf, max_bytes=len(small_pdf))


def synthetic_pages() -> list[str]:
    pages = []
    for number, (heading, body) in enumerate(
        [
            ("§ 31", "Regionstyrelsen beslutar enligt protokoll 2024-02-13 att godkänna rapporten."),
            ("§ 32", "Protokollet justeras digitalt.\n12"),
            ("§ 33", "Barn- och ungdomsnämndens PROTOKOLL från mötet läggs till handlingarna."),
            ("§ 34", "Sammanträdesdatum för 2025 fastställs senare."),
        ],
        start=1,
    ):
        pages.append(
            "\n".join(
                [
                    "Regionstyrelsen",
                    "PROTOKOLL",
                    "Sida",
                    f"{number}(4)",
                    "Sammanträdesdatum",
                    "2024-03-12",
                    "Elektroniskt signerat Utdragsbestyrkande",
                    "VISMA_SIGN_01_ATTRIBUTE_SAML_TransactionId",
                    heading,
                    body,
                    "",
                    "Justerandes sign",
                    "Signerat av Anders Öberg (2024-03-14 10:12 CET)",
                    "Transaktion 09222115557512345678",
                    "3f2b8c1e-9d4a-4e6b-8a71-0c5d2e9f1a36",
                    f"{number}",
                ]
            )
        )
    return pages


def test_strip_running_headers_keeps_body_and_drops_furniture() -> None:
    assert strip_running_headers(synthetic_pages()) == [
        "§ 31\nRegionstyrelsen beslutar enligt protokoll 2024-02-13 att godkänna rapporten.",
        "§ 32\nProtokollet justeras digitalt.\n12",
        "§ 33\nBarn- och ungdomsnämndens PROTOKOLL från mötet läggs till handlingarna.",
        "§ 34\nSammanträdesdatum för 2025 fastställs senare.",
    ]


def test_strip_running_headers_on_a_single_page_uses_known_patterns() -> None:
    page = "\n".join(
        [
            "Regionstyrelsen Sida 1(1)",
            "PROTOKOLL",
            "Sammanträdesdatum 2024-03-12",
            "enligt protokoll 2024-02-13",
            "Sida 3 av 10",
            "76(80)",
            "Justerandes signatur Utdragsbestyrkande",
            "1",
        ]
    )
    assert strip_running_headers([page]) == ["Regionstyrelsen\nenligt protokoll 2024-02-13"]


def test_repeated_lines_go_only_when_constant_or_stepping_with_the_page() -> None:
    bodies = ["Inledning.", "Ärendet.", "Beslutet.", "Yttrandet.", "Avslutning."]
    pages = [f"Regionstyrelsen\nDnr NLL-00{n * n}3-2024\n{bodies[n - 1]}\n{n + 10}" for n in range(1, 6)]
    cleaned = strip_running_headers(pages)
    assert cleaned == [f"Dnr NLL-00{n * n}3-2024\n{bodies[n - 1]}" for n in range(1, 6)]


LINE_TEXT = "Regionstyrelsen beslutar att godkanna rapporten"
CONTENT_LINE = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET\n" % LINE_TEXT.encode()
HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %s /Resources << /Font << /F1 5 0 R >>%s >> >>"


def repeated_adler32(block: bytes, times: int) -> int:
    """The Adler-32 checksum of `block` repeated `times` times, from the sums of one block."""
    single = zlib.adler32(block)
    low, high = single & 0xFFFF, single >> 16
    total_low, total_high = 1, 0
    for _ in range(times):
        total_high = (total_high + high + len(block) * (total_low - 1)) % 65521
        total_low = (total_low + low - 1) % 65521
    return total_high << 16 | total_low


def flate_bomb(mebibytes: int, unit: bytes = CONTENT_LINE) -> bytes:
    """zlib data that decodes to about `mebibytes` MiB of `unit` over and over. One MiB is compressed
    on its own (a full flush forgets what came before), so its compressed form can be repeated."""
    block = unit * (2**20 // len(unit))
    compressor = zlib.compressobj(9)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    final_empty_block = b"\x03\x00"
    return first[:2] + first[2:] * mebibytes + final_empty_block + repeated_adler32(block, mebibytes).to_bytes(4, "big")


def one_page_pdf(
    contents: dict[int, tuple[bytes, bytes]],
    extra: dict[int, bytes] | None = None,
    streams: dict[int, tuple[bytes, bytes]] | None = None,
    xobjects: bytes = b"",
) -> bytes:
    """One page drawn by the content streams `contents` (object number: (dictionary entries, data)),
    in Helvetica; `extra` adds objects, `streams` other stream objects, `xobjects` a /XObject
    resource entry."""
    references = b"[%s]" % b" ".join(b"%d 0 R" % number for number in contents)
    every_stream = {**contents, **(streams or {})}
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: PAGE % (references, xobjects),
        5: HELVETICA,
        **{number: entries for number, (entries, _) in every_stream.items()},
        **(extra or {}),
    }
    return raw_pdf(objects, {number: data for number, (_, data) in every_stream.items()})


def repeated_page_pdf(listings: int, lines: int = 3000) -> bytes:
    """A page whose content takes some time to read, listed `listings` times in one /Kids array."""
    content = zlib.compress(b"BT /F1 1 Tf 72 720 Td " + b"(Regionstyrelsen beslutar) Tj 0 -1 Td\n" * lines + b"ET")
    kids = b" ".join([b"3 0 R"] * listings)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, listings),
        3: PAGE % (b"4 0 R", b""),
        4: b"/Filter /FlateDecode",
        5: HELVETICA,
    }
    return raw_pdf(objects, {4: content})


def no_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("page text was extracted")

    monkeypatch.setattr(text_module, "_page_layout", fail)


def test_flate_bomb_decodes_to_what_it_says() -> None:
    assert zlib.decompress(flate_bomb(3)) == CONTENT_LINE * (2**20 // len(CONTENT_LINE)) * 3


REFUSED_QUICKLY = {
    "compression bomb": (
        lambda: one_page_pdf({4: (b"/Filter /FlateDecode", flate_bomb(2048))}),
        8_000_000,
        StreamTooLarge,
        "decodes to more than 67,108,864 bytes",
        "stream",
    ),
    "one page listed 1,999 times": (
        lambda: repeated_page_pdf(1999),
        16_000,
        RepeatedPages,
        "1,999 pages but at most 1 distinct page object",
        "repeated-pages",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED_QUICKLY))
def test_small_hostile_pdfs_are_refused_quickly_before_extraction(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    build, most_bytes, error, message, limit = REFUSED_QUICKLY[case]
    pdf = build()
    assert len(pdf) < most_bytes
    no_extraction(monkeypatch)
    started = time.perf_counter()
    with pytest.raises(error, match=message) as info:
        extract_pages(pdf, source=SOURCE)
    assert time.perf_counter() - started < 2.0
    assert (info.value.limit, info.value.permanent, info.value.source) == (limit, True, SOURCE)
    assert isinstance(info.value, PdfTooLarge)
    assert str(info.value).endswith("a property of the file: fetching it again gives the same result")


def test_bomb_behind_ascii85_or_an_indirect_filter_is_refused() -> None:
    data = flate_bomb(16)
    encoded = base64.a85encode(data, wrapcol=72) + b"~>"
    behind_ascii85 = one_page_pdf({4: (b"/Filter [/ASCII85Decode /FlateDecode]", encoded)})
    indirect = one_page_pdf({4: (b"/Filter 6 0 R", data)}, {6: b"/FlateDecode"})
    for bomb in (behind_ascii85, indirect):
        with pytest.raises(StreamTooLarge) as info:
            extract_pages(bomb, max_stream_bytes=2**20)
        assert info.value.limit == "stream"


def test_streams_over_the_total_together_are_refused() -> None:
    blank = flate_bomb(1, b" " * 64)
    contents = {4: (b"", CONTENT_LINE), **{number: (b"/Filter /FlateDecode", blank) for number in range(10, 18)}}
    pdf = one_page_pdf(contents)
    with pytest.raises(StreamTooLarge, match="decode to more than 4,194,304 bytes together") as info:
        extract_pages(pdf, max_stream_bytes=2 * 2**20, max_decoded_bytes=4 * 2**20)
    assert info.value.limit == "decoded"
    assert extract_pages(pdf, max_stream_bytes=2 * 2**20, max_decoded_bytes=9 * 2**20) == [LINE_TEXT]


def test_the_decoded_limit_is_on_decoded_bytes(small_pdf: bytes) -> None:
    pypdf = pytest.importorskip("pypdf")
    decoded = sum(len(page.get_contents().get_data()) for page in pypdf.PdfReader(io.BytesIO(small_pdf)).pages)
    assert len(extract_pages(small_pdf, max_decoded_bytes=decoded)) == 3
    with pytest.raises(StreamTooLarge, match=f"more than {decoded - 1:,} bytes together"):
        extract_pages(small_pdf, max_decoded_bytes=decoded - 1)


def test_images_are_not_counted_as_they_are_never_decoded_for_text() -> None:
    image = b"/Type /XObject /Subtype /Image /Width 32768 /Height 32768 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode"
    draw = CONTENT_LINE + b"q 100 0 0 100 0 0 cm /Im1 Do Q"
    pdf = one_page_pdf({4: (b"", draw)}, streams={6: (image, flate_bomb(1024, bytes(4096)))}, xobjects=b" /XObject << /Im1 6 0 R >>")
    assert extract_pages(pdf, max_stream_bytes=2**20, max_decoded_bytes=2**20) == [LINE_TEXT]


def test_a_page_repeated_through_distinct_tree_nodes_is_refused() -> None:
    nodes = range(10, 50)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % n for n in nodes), len(nodes)),
        3: (PAGE % (b"4 0 R", b"")).replace(b"/Parent 2 0 R", b"/Parent 10 0 R"),
        4: b"",
        5: HELVETICA,
        **{n: b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R] /Count 1 >>" for n in nodes},
    }
    pdf = raw_pdf(objects, {4: CONTENT_LINE})
    with pytest.raises(RepeatedPages, match="40 pages but at most 1 distinct"):
        extract_pages(pdf)


def test_a_few_repeated_pages_are_read() -> None:
    pages = extract_pages(repeated_page_pdf(5, lines=3))
    assert pages == ["Regionstyrelsen beslutar\nRegionstyrelsen beslutar\nRegionstyrelsen beslutar"] * 5


def object_stream_pdf(objects: dict[int, bytes], packed: Sequence[int], streams: dict[int, bytes], compress: bool) -> bytes:
    """A PDF 1.5 whose objects `packed` sit in one object stream (Flate-compressed or not), found
    through a cross-reference stream; `streams` are objects with stream data, written as they are."""
    bodies = [objects[number] + b"\n" for number in packed]
    offsets = [sum(map(len, bodies[:index])) for index in range(len(bodies))]
    index = b" ".join(b"%d %d" % pair for pair in zip(packed, offsets)) + b"\n"
    data = index + b"".join(bodies)
    data, filter_entry = (zlib.compress(data), b"/Filter /FlateDecode ") if compress else (data, b"")
    holder, xref_number = max(objects) + 1, max(objects) + 2
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    positions = {}
    for number, body in objects.items():
        if number not in packed:
            positions[number] = out.tell()
            stream = b"\nstream\n%s\nendstream" % streams[number] if number in streams else b""
            entries = b" /Length %d >>" % len(streams[number]) if number in streams else b""
            out.write(b"%d 0 obj\n%s%s\nendobj\n" % (number, body[:-2] + entries if entries else body, stream))
    positions[holder] = out.tell()
    out.write(b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d %s/Length %d >>\nstream\n%s\nendstream\nendobj\n"
              % (holder, len(packed), len(index), filter_entry, len(data), data))
    positions[xref_number] = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, xref_number + 1):
        if number in packed:
            rows.append(struct.pack(">BIH", 2, holder, packed.index(number)))
        else:
            rows.append(struct.pack(">BIH", 1, positions.get(number, 0), 0))
    table = b"".join(rows)
    out.write(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n"
              % (xref_number, xref_number + 1, len(table), table))
    out.write(b"startxref\n%d\n%%%%EOF\n" % positions[xref_number])
    return out.getvalue()


def tree_in_object_stream(kids: list[int], compress: bool) -> bytes:
    """Pages `kids` (objects 10 and up, each drawn by content stream 4) with the page tree, the
    pages and the catalog in an object stream."""
    pages = {number: PAGE % (b"4 0 R", b"") for number in set(kids)}
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % n for n in kids), len(kids)),
        4: b"<< >>",
        5: HELVETICA,
        **pages,
    }
    return object_stream_pdf(objects, [1, 2, 5, *sorted(pages)], {4: CONTENT_LINE}, compress)


@pytest.mark.parametrize("compress", [True, False])
def test_page_objects_in_an_object_stream_are_counted(compress: bool) -> None:
    assert extract_pages(tree_in_object_stream(list(range(10, 22)), compress)) == [LINE_TEXT] * 12
    with pytest.raises(RepeatedPages, match="1,999 pages but at most 1 distinct"):
        extract_pages(tree_in_object_stream([10] * 1999, compress))


def test_document_errors_keep_class_message_and_attributes_through_pickle() -> None:
    errors = [
        RepeatedPages("PDF has 9 pages", SOURCE, limit="repeated-pages"),
        CorruptPdf("PDF is truncated", SOURCE),
        NotAPdf("not a PDF: empty body (0 bytes)"),
    ]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert (str(copy), copy.problem, copy.source, copy.permanent) == (str(error), error.problem, error.source, error.permanent)
        assert getattr(copy, "limit", None) == getattr(error, "limit", None)
