"""Speed and fidelity of PDF text extractors on a Swedish protocol.

Builds an A4 protocol PDF (about 80 pages, running header and footer) from
the Norrbotten regionstyrelsen fixture text with `make_pdf`, extracts it with
each extractor, strips running headers, and reports pages per second, the
share of source words recovered in order, and whether å ä ö Å Ä Ö § survive.
pdfminer.six and pdfplumber are measured only when installed.

Run from the repository root:

    .venv/bin/python -m bench.extractors [--pages 80] [--runs 3]
"""

from __future__ import annotations

import argparse
import difflib
import io
import math
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scraper.documents.text import extract_pages, strip_running_headers
from scraper.replica.pdfmake import make_pdf, text_lines

_NAME = "protocol_norrbotten_regionstyrelsen_2024-03-12.txt"
_SHARED = Path(__file__).resolve().parents[2] / "shared/fixtures/documents" / _NAME
_BUNDLED = Path(__file__).resolve().parents[1] / "scraper/replica/content" / _NAME
FIXTURE = _SHARED if _SHARED.exists() else _BUNDLED
HEADER = ["Regionstyrelsen", "PROTOKOLL", "Sammanträdesdatum 2024-03-12"]
FOOTER = ["Elektroniskt signerat", "Utdragsbestyrkande"]
SWEDISH = "åäöÅÄÖ§"
SLOW_SECONDS = 1.0

Extractor = Callable[[bytes], list[str]]


@dataclass(frozen=True)
class Result:
    name: str
    pages: int
    seconds: float
    words_in_order: float
    swedish_kept: float
    lost: str

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds


def pypdfium2_pages(data: bytes) -> list[str]:
    return extract_pages(data)


def pypdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdfminer_pages(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data)).rstrip("\f").split("\f")


def pdfplumber_pages(data: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


EXTRACTORS: dict[str, tuple[str, Extractor]] = {
    "pypdfium2": ("pypdfium2", pypdfium2_pages),
    "pypdf": ("pypdf", pypdf_pages),
    "pdfminer.six": ("pdfminer", pdfminer_pages),
    "pdfplumber": ("pdfplumber", pdfplumber_pages),
}


def installed(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def build_pdf(source_text: str, target_pages: int) -> tuple[bytes, list[str]]:
    """The benchmark PDF and the body lines it was made from."""
    lines = text_lines(source_text)
    once = len(extract_pages(make_pdf(lines, title="x", header=HEADER, footer=FOOTER)))
    body = lines * max(1, math.ceil(target_pages / once))
    return make_pdf(body, title="Regionstyrelsen 2024-03-12", header=HEADER, footer=FOOTER), body


def words_in_order(source: list[str], found: list[str]) -> float:
    matcher = difflib.SequenceMatcher(None, source, found, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(source)


def swedish_kept(source: str, found: str) -> float:
    return min(min(found.count(c), source.count(c)) / source.count(c) for c in SWEDISH if source.count(c))


def lost_characters(source: str, found: str) -> str:
    """Characters of the source of which less than half come back."""
    wanted = Counter(c for c in source if not c.isspace())
    got = Counter(found)
    return "".join(sorted(c for c, n in wanted.items() if got[c] < n / 2))


def measure(name: str, extract: Extractor, data: bytes, source: str, runs: int) -> Result:
    best = math.inf
    pages: list[str] = []
    for _ in range(runs):
        started = time.perf_counter()
        pages = extract(data)
        best = min(best, time.perf_counter() - started)
        if best > SLOW_SECONDS:
            break
    text = "\n".join(strip_running_headers([page.replace("\r\n", "\n") for page in pages]))
    return Result(
        name=name,
        pages=len(pages),
        seconds=best,
        words_in_order=words_in_order(source.split(), text.split()),
        swedish_kept=swedish_kept(source, text),
        lost=lost_characters(source, text),
    )


def report_line(result: Result, baseline: Result) -> str:
    ratio = result.pages_per_second / baseline.pages_per_second
    return (
        f"{result.name:<13} {result.pages:>4} pages {result.seconds:>7.3f} s "
        f"{result.pages_per_second:>8.0f} pages/s  {ratio:>5.2f}x pypdfium2  "
        f"words in order {result.words_in_order:7.2%}  {SWEDISH} kept {result.swedish_kept:6.1%}  "
        f"lost characters: {result.lost!r}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixture", type=Path, default=FIXTURE, help="protocol text to typeset")
    parser.add_argument("--pages", type=int, default=80, help="at least this many pages")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed runs per extractor; the best is kept"
    )
    args = parser.parse_args(argv)
    if not args.fixture.exists():
        print(f"fixture not found: {args.fixture}", file=sys.stderr)
        return 1
    data, body = build_pdf(args.fixture.read_text(encoding="utf-8"), args.pages)
    source = "\n".join(body)
    print(f"PDF: {len(data):,} bytes from {args.fixture.name}, best of {args.runs} run(s)")
    results: list[Result] = []
    for name, (module, extract) in EXTRACTORS.items():
        if not installed(module):
            print(f"{name:<13} skipped: not installed", file=sys.stderr)
            continue
        results.append(measure(name, extract, data, source, args.runs))
    for result in results:
        print(report_line(result, results[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
