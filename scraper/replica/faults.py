"""Reproducible misbehaviour for the replica portals: errors, slowness, resets, damaged bodies.

A fault plan is either a rate, ``"0.3"`` (30 % of responses misbehave, spread evenly over the
kinds from ``500`` to ``markup`` that fit each response), or a spec of kinds and shares,
``"500:0.1,429:0.05,slow:0.05,reset:0.05,truncate:0.05,corrupt_pdf:0.05,markup:0.05"``, where
each share is the probability that a response the kind fits gets that fault.

Kinds:

- ``500``, ``503``: an error status with a small HTML error page;
- ``429``: Too Many Requests with ``Retry-After`` (seconds, 1 by default);
- ``slow``: the answer comes only after ``slow_seconds`` (3 by default), longer than a client's
  timeout should be;
- ``reset``: the connection is closed without an answer (TCP reset);
- ``truncate``: ``Content-Length`` of the whole body, then only part of it and a closed connection;
- ``corrupt_pdf`` (PDF answers only): 200 with damaged bytes: cut short (no ``%%EOF``) or with a
  block in the middle overwritten;
- ``markup`` (HTML answers only): 200 with the known ids and classes renamed
  (``accessible-table-cell`` -> ``meeting-row``, ``openProtocol`` -> ``protocolButton``, agenda item
  classes, the meeting list containers), as after a portal upgrade;
- ``gzip`` (200 answers): the same content, gzip-compressed, with ``Content-Encoding: gzip`` and the
  compressed length in ``Content-Length``, as servers and CDNs commonly answer;
- ``redirect_loop`` (HTML answers only): a 302 back to the very URL asked for;
- ``long_link`` (HTML answers only): 200 with one more meeting row whose slug is 5,000 characters
  long, linked before the page's own content;
- ``hostile_pdf`` (PDF answers only): 200 with a 14 KB PDF whose page tree lists one page object
  1,999 times (a reader that does not notice spends minutes on it);
- ``upcoming_only`` (committee pages only): 200 with the past meetings left out (the "Tidigare" list
  empty, no link to the latest meeting), as one portal answers a plain fetch;
- ``block`` (any answer): 200 with a web application firewall's refusal page
  (``<title>Förfrågan avvisades</title>``, a support id), as one portal answered a crawler.

``robots.txt`` and ``/__replica__/stats`` never misbehave. A faulty answer carries no ``ETag`` or
``Last-Modified``, so a client never caches a damaged body under a good validator.

Determinism: each portal server has its own RNG seeded from (seed, portal id). Every request
that may misbehave draws from it exactly twice (the decision and a seed for the details), under
a lock, in the order requests arrive; so the same seed and the same sequence of requests give
the same faults. Concurrent requests are serialised by that lock in arrival order, which is only
reproducible when the client is sequential (as the scraper is).
"""

from __future__ import annotations

import random
import re
import threading
import zlib
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

STATUS_KINDS = ("500", "503", "429")
RATE_KINDS = ("500", "503", "429", "slow", "reset", "truncate", "corrupt_pdf", "markup")  # what a bare rate spreads over
KINDS = (*RATE_KINDS, "gzip", "redirect_loop", "long_link", "hostile_pdf", "upcoming_only", "block")
LONG_SLUG = "m" * 5000
EXEMPT = ("robots", "stats")  # resource kinds of the replica that never misbehave

MARKUP_RENAMES: tuple[tuple[str, str], ...] = (
    ("accessible-table-cell", "meeting-row"),
    ("committeesRecentContent", "recentMeetings"),
    ("committeesUpcomingContent", "upcomingMeetings"),
    ("downloadAllProtocol", "protocolDownloadAll"),
    ("openProtocol", "protocolButton"),
    ("agenda-item", "case-entry"),
    ("agenda-list", "case-list"),
)
_MARKUP = re.compile("|".join(re.escape(old) for old, _ in MARKUP_RENAMES))
_RENAMED = dict(MARKUP_RENAMES)


class FaultSpecError(ValueError):
    """A --faults value that is neither a rate nor a list of KIND:SHARE."""


@dataclass(frozen=True)
class FaultPlan:
    """Which faults, how often. ``rate`` spreads evenly over the kinds that fit a response;
    ``shares`` gives each kind its own probability."""

    rate: float | None = None
    shares: tuple[tuple[str, float], ...] = ()

    @classmethod
    def parse(cls, value: "str | float | FaultPlan | None") -> "FaultPlan | None":
        if value is None or isinstance(value, FaultPlan):
            return value
        if isinstance(value, (int, float)):
            return cls._rate(float(value), str(value))
        text = str(value).strip()
        if not text:
            return None
        try:
            rate = float(text)
        except ValueError:
            pass
        else:
            return cls._rate(rate, text)
        shares: dict[str, float] = {}
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            kind, sep, share_text = part.partition(":")
            kind = kind.strip()
            if not sep:
                raise FaultSpecError(f"{part!r}: expected KIND:SHARE, e.g. 500:0.1")
            if kind not in KINDS:
                raise FaultSpecError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
            try:
                share = float(share_text)
            except ValueError:
                raise FaultSpecError(f"{part!r}: share {share_text.strip()!r} is not a number") from None
            if not 0 <= share <= 1:
                raise FaultSpecError(f"{part!r}: share must be between 0 and 1")
            shares[kind] = shares.get(kind, 0.0) + share
        if not shares:
            raise FaultSpecError(f"{text!r}: no faults given")
        if sum(shares.values()) > 1 + 1e-9:
            raise FaultSpecError(f"{text!r}: shares add up to {sum(shares.values()):g}, more than 1")
        return cls(shares=tuple(sorted(shares.items(), key=lambda kv: KINDS.index(kv[0]))))

    @classmethod
    def _rate(cls, rate: float, text: str) -> "FaultPlan":
        if not 0 <= rate <= 1:
            raise FaultSpecError(f"{text!r}: a fault rate must be between 0 and 1 (for one kind write KIND:SHARE, e.g. 500:0.1)")
        return cls(rate=rate)

    def kinds(self) -> tuple[str, ...]:
        return RATE_KINDS if self.rate is not None else tuple(kind for kind, _ in self.shares)

    def choose(self, draw: float, applicable: tuple[str, ...]) -> str | None:
        """The fault for one response, from a uniform draw in [0, 1) and the kinds that fit it."""
        if self.rate is not None:
            fitting = [kind for kind in RATE_KINDS if kind in applicable]
            options = [(kind, self.rate / len(fitting)) for kind in fitting] if fitting else []
        else:
            options = [(kind, share) for kind, share in self.shares if kind in applicable]
        total = 0.0
        for kind, share in options:
            total += share
            if draw < total:
                return kind
        return None

    def __str__(self) -> str:
        if self.rate is not None:
            return f"{self.rate:g}"
        return ",".join(f"{kind}:{share:g}" for kind, share in self.shares)


@dataclass
class Fault:
    kind: str
    rng: random.Random  # for the details of this one fault (where to cut, what to damage)


def applicable_kinds(status: int, content_type: str, body: bytes) -> tuple[str, ...]:
    kinds = ["500", "503", "429", "slow", "reset", "block"]
    if len(body) >= 2:
        kinds.append("truncate")
    if status == 200 and content_type.startswith("application/pdf") and len(body) >= 64:
        kinds.extend(("corrupt_pdf", "hostile_pdf"))
    if status == 200 and body:
        kinds.append("gzip")
    if status == 200 and content_type.startswith("text/html"):
        kinds.extend(("markup", "redirect_loop", "long_link"))
        if b'id="committeesRecentContent"' in body:
            kinds.append("upcoming_only")
    return tuple(kinds)


class FaultInjector:
    """The fault decisions of one portal server."""

    def __init__(self, plan: FaultPlan, *, seed: int | str = 0, name: str = "", slow_seconds: float = 3.0,
                 retry_after: int = 1):
        self.plan = plan
        self.seed = seed
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self._rng = random.Random(f"{seed}:{name}")
        self._lock = threading.Lock()

    def decide(self, status: int, content_type: str, body: bytes) -> Fault | None:
        with self._lock:
            draw = self._rng.random()
            detail_seed = self._rng.getrandbits(64)
        kind = self.plan.choose(draw, applicable_kinds(status, content_type, body))
        return Fault(kind, random.Random(detail_seed)) if kind else None


# ---------------------------------------------------------------- what a fault does to a body


def error_page(status: int) -> bytes:
    titles = {500: "Internal Server Error", 503: "Service Unavailable", 429: "Too Many Requests"}
    title = titles.get(status, "Error")
    return (f"<!DOCTYPE html>\n<html><head><title>{status} {title}</title></head>"
            f"<body><h1>{title}</h1><p>Ett fel uppstod. Försök igen senare.</p></body></html>\n").encode()


def truncated_length(length: int, rng: random.Random) -> int:
    """How many bytes of a body of ``length`` bytes to send: at least one byte short."""
    return max(0, min(length - 1, int(length * rng.uniform(0.1, 0.9))))


def corrupt_pdf(body: bytes, rng: random.Random) -> bytes:
    """Damaged PDF bytes: cut short (no ``%%EOF`` any more) or a block in the middle overwritten."""
    if rng.random() < 0.5:
        keep = max(16, int(len(body) * rng.uniform(0.2, 0.8)))
        data = body[:keep]
        return data.replace(b"%%EOF", b"%%EOX")
    start = int(len(body) * rng.uniform(0.1, 0.4))
    end = int(len(body) * rng.uniform(0.6, 0.9))
    noise = bytes(rng.getrandbits(8) for _ in range(min(64, end - start)))
    block = (noise * ((end - start) // max(1, len(noise)) + 1))[: end - start]
    return body[:start] + block + body[end:]


def repeated_page_pdf(listings: int = 1999, lines: int = 300) -> bytes:
    """A small PDF whose page tree lists one page object ``listings`` times."""
    content = zlib.compress(b"BT /F1 12 Tf 72 720 Td " + b"(Regionstyrelsen beslutar) Tj 0 -14 Td\n" * lines + b"ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join([b"3 0 R"] * listings), listings),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def with_long_link(html: str, path: str) -> str:
    """The page with one more meeting row whose slug is 5,000 characters long."""
    committee = path.strip("/").split("/")[1] if path.startswith("/committees/") and path.count("/") >= 2 else "x"
    link = (f'<a class="accessible-table-cell" href="/committees/{committee}/{LONG_SLUG}" '
            f'aria-label="Möte 2026-01-05">Möte 2026-01-05</a>')
    return html.replace("<body>", "<body>" + link, 1) if "<body>" in html else link + html


def change_markup(html: str) -> str:
    """The page as after a markup change: the ids and classes the parsers look for renamed."""
    return _MARKUP.sub(lambda m: _RENAMED[m.group(0)], html)


def upcoming_only(html: str) -> str:
    """A committee page without its past meetings: the "Tidigare" list emptied, the link to the
    latest meeting gone; the upcoming rows stay."""
    tree = LexborHTMLParser(html)
    for node in tree.css("#committeesRecentContent > *, nav.latest"):
        node.decompose()
    return tree.html


__all__ = [
    "KINDS", "EXEMPT", "MARKUP_RENAMES", "FaultPlan", "FaultSpecError", "Fault", "FaultInjector",
    "applicable_kinds", "change_markup", "corrupt_pdf", "error_page", "truncated_length", "with_long_link", "LONG_SLUG", "repeated_page_pdf",
    "upcoming_only",
]
