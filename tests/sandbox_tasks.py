"""Tasks for the document pool tests, in a module that imports little, as workers import it to run them."""

from __future__ import annotations

import ctypes
import os
import time


def add(a: int, b: int) -> int:
    return a + b


def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def allocate(size: int) -> int:
    return len(bytearray(size))


def exit_now(code: int) -> None:
    os._exit(code)


def read_address_zero() -> bytes:
    return ctypes.string_at(0)


def fail(kind: str, message: str, source: str | None = None) -> None:
    from scraper.documents import text

    if kind == "CorruptPdf":
        raise text.CorruptPdf(message, source)
    raise ValueError(message)


def _status(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field}")


def address_space() -> int:
    """The address space of this process in bytes (VmSize)."""
    return _status("VmSize")


def extracted_pages_and_peak(data: bytes) -> tuple[int, int]:
    """The page count of a PDF as `extract_text` reads it, and this process's peak address space after."""
    from scraper.documents.text import extract_text

    return extract_text(data).page_count, _status("VmPeak")
