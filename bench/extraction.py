"""The chosen PDF extractor against the alternatives, on protocols of the synthetic portal.

"Chosen" is the pipeline's ``extract_text`` (pypdfium2 with line positions, paragraph gaps and
running headers removed); "raw" is plain pypdfium2 text; the alternatives are pypdf and, when
installed, pdfminer.six and pdfplumber (the functions of ``bench/extractors.py``). Every extractor
reads the same sample of PDFs (whole protocols, in portal order, until ``pages`` pages) once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from scraper.documents.text import extract_text

from .extractors import EXTRACTORS, installed, swedish_kept


@dataclass
class ExtractorResult:
    name: str
    pages: int
    seconds: float
    swedish_kept: float

    @property
    def per_page(self) -> float:
        return self.seconds / self.pages


def _raw(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return out
    finally:
        pdf.close()


def _chosen(data: bytes) -> list[str]:
    return extract_text(data).pages


def run(samples: list[tuple[bytes, str]]) -> dict[str, ExtractorResult]:
    """Per extractor: time and pages over ``samples`` (PDF bytes, source text) and the share of
    å ä ö Å Ä Ö § of the source text that comes back."""
    extractors = {"chosen (extract_text)": ("pypdfium2", _chosen), "pypdfium2 raw": ("pypdfium2", _raw)}
    extractors.update({name: pair for name, pair in EXTRACTORS.items() if name != "pypdfium2"})
    source = "\n".join(text for _, text in samples)
    results = {}
    for name, (module, extract) in extractors.items():
        if not installed(module):
            continue
        pages: list[str] = []
        started = time.perf_counter()
        for data, _text in samples:
            pages.extend(extract(data))
        seconds = time.perf_counter() - started
        results[name] = ExtractorResult(name, len(pages), seconds, swedish_kept(source, "\n".join(pages)))
    return results


def sample(paths_and_texts: list[tuple[Path, str]], pages: int) -> list[tuple[bytes, str]]:
    """Whole PDFs (bytes, source text), in order, until they hold at least ``pages`` pages."""
    import pypdfium2 as pdfium

    chosen, total = [], 0
    for path, text in paths_and_texts:
        if total >= pages:
            break
        data = path.read_bytes()
        pdf = pdfium.PdfDocument(data)
        total += len(pdf)
        pdf.close()
        chosen.append((data, text))
    return chosen
