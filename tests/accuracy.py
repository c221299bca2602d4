"""Field-by-field accuracy of the document parsers against the hand-made annotations.

Reads the fixtures in ``<workspace>/shared/fixtures`` (documents/ and
annotations/), runs `parse_protocol` / `parse_summary` on each document and
counts, per field, how many annotated values the parser reproduces.

Run it as ``python -m tests.accuracy`` or ``python tests/accuracy.py``; it
prints one table per document and a list of the misses. Tests import
`evaluate_all` and assert thresholds on the same numbers.

The text can first take another route to the parser:

* ``--pdf``: typeset as an A4 PDF (`scraper.replica.pdfmake.make_text_pdf`;
  protocols with a running header and a signature footer) and read back with
  `scraper.documents.text.extract_text`, as documents reach the pipeline;
* ``--flat``: with every blank line removed, as a copy from a web page or an
  extractor that drops empty lines gives it (with ``--pdf``: removed from
  the extracted text).

``--summary`` prints one line per document instead of the full tables.

Comparison rules (the annotation README explains the fields):

* titles, sent_to entries and names are compared after whitespace normalisation;
* a protocol decision matches when the annotated sentence is contained in the
  returned decision (the parser may return the whole decision text);
* reservations and proposals are compared as sets per paragraph;
* attendance is matched by name, then party / role / replaces / title /
  listed_under are compared for each annotated person;
* summary items are matched by title; decision, decision_kind, item_number,
  section and subheadings are compared exactly.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from scraper.documents.protocol import parse_protocol  # noqa: E402
from scraper.documents.summary import parse_summary  # noqa: E402
from scraper.documents.text import extract_text  # noqa: E402
from scraper.replica.pdfmake import make_text_pdf  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@dataclass
class FieldScore:
    matched: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, miss: str) -> None:
        self.total += 1
        if ok:
            self.matched += 1
        else:
            self.misses.append(miss)

    @property
    def percent(self) -> float:
        return 100.0 * self.matched / self.total if self.total else 100.0


@dataclass
class DocumentReport:
    source: str
    kind: str
    fields: dict[str, FieldScore]

    def score(self, name: str) -> FieldScore:
        return self.fields.setdefault(name, FieldScore())


def norm(value: object) -> object:
    """Whitespace-normalised string (other values unchanged)."""
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value).strip()
    return value


def _person_key(item: dict) -> tuple:
    return (norm(item.get("name")), norm(item.get("party")))


def _proposal_key(item: dict) -> tuple:
    return (norm(item.get("name")), norm(item.get("party")), norm(item.get("stance")))


# --------------------------------------------------------------------------
# Protocols
# --------------------------------------------------------------------------

_PROTOCOL_HEADER_FIELDS = (
    "organisation", "committee", "meeting_date", "time", "place", "justering", "paragraph_range_printed",
)


def compare_protocol(parsed: dict, expected: dict, source: str = "") -> DocumentReport:
    report = DocumentReport(source, "protocol", {})
    for name in _PROTOCOL_HEADER_FIELDS:
        report.score(name).add(
            norm(parsed.get(name)) == norm(expected.get(name)),
            f"{name}: got {parsed.get(name)!r}, want {expected.get(name)!r}",
        )
    _compare_signatures(report, parsed.get("signatures") or {}, expected.get("signatures") or {})
    _compare_corrections(report, parsed.get("corrections") or [], expected.get("corrections") or [])
    _compare_paragraphs(report, parsed.get("paragraphs") or [], expected.get("paragraphs") or [])
    _compare_attendance(report, parsed.get("attendance") or [], expected.get("attendance") or [])
    return report


def _compare_signatures(report: DocumentReport, got: dict, want: dict) -> None:
    for key in ("sekreterare", "ordförande"):
        report.score("signatures").add(
            norm(got.get(key)) == norm(want.get(key)), f"signatures.{key}: got {got.get(key)!r}, want {want.get(key)!r}"
        )
    got_j = [norm(n) for n in got.get("justerare") or []]
    want_j = [norm(n) for n in want.get("justerare") or []]
    report.score("signatures").add(got_j == want_j, f"signatures.justerare: got {got_j}, want {want_j}")


def _compare_corrections(report: DocumentReport, got: list[dict], want: list[dict]) -> None:
    by_number = {c.get("paragraph"): c for c in got}
    for item in want:
        mine = by_number.get(item["paragraph"])
        report.score("corrections.paragraph").add(mine is not None, f"correction for § {item['paragraph']} missing")
        report.score("corrections.description").add(
            mine is not None and norm(mine.get("description")) == norm(item["description"]),
            f"correction § {item['paragraph']}: got {mine and mine.get('description')!r}",
        )
    extra = sorted(set(by_number) - {c["paragraph"] for c in want})
    if extra:
        report.score("corrections.paragraph").add(False, f"unexpected corrections for §§ {extra}")


def _compare_paragraphs(report: DocumentReport, got: list[dict], want: list[dict]) -> None:
    by_number = {p.get("number"): p for p in got}
    want_numbers = [p["number"] for p in want]
    for number in want_numbers:
        report.score("paragraph.number").add(number in by_number, f"§ {number} missing")
    for number in sorted(set(by_number) - set(want_numbers)):
        report.score("paragraph.number").add(False, f"§ {number} found but not annotated")
    for item in want:
        n = item["number"]
        mine = by_number.get(n, {})
        report.score("paragraph.title").add(
            norm(mine.get("title")) == norm(item.get("title")), f"§ {n} title: got {mine.get('title')!r}"
        )
        report.score("paragraph.case_number").add(
            norm(mine.get("case_number")) == norm(item.get("case_number")),
            f"§ {n} case_number: got {mine.get('case_number')!r}, want {item.get('case_number')!r}",
        )
        want_decision, got_decision = norm(item.get("decision")), norm(mine.get("decision"))
        ok = got_decision is None if want_decision is None else bool(got_decision) and want_decision in got_decision
        report.score("paragraph.decision").add(ok, f"§ {n} decision: got {got_decision!r}")
        got_res = {_person_key(r) for r in mine.get("reservations") or []}
        want_res = {_person_key(r) for r in item.get("reservations") or []}
        report.score("paragraph.reservations").add(got_res == want_res, f"§ {n} reservations: got {sorted(got_res, key=str)}")
        got_prop = {_proposal_key(p) for p in mine.get("proposals") or []}
        want_prop = {_proposal_key(p) for p in item.get("proposals") or []}
        report.score("paragraph.proposals").add(got_prop == want_prop, f"§ {n} proposals: got {sorted(got_prop, key=str)}")
        got_sent = [norm(s) for s in mine.get("sent_to") or []]
        want_sent = [norm(s) for s in item.get("sent_to") or []]
        report.score("paragraph.sent_to").add(got_sent == want_sent, f"§ {n} sent_to: got {got_sent}")
        report.score("paragraph.immediately_adjusted").add(
            bool(mine.get("immediately_adjusted")) == bool(item.get("immediately_adjusted")),
            f"§ {n} immediately_adjusted: got {mine.get('immediately_adjusted')!r}",
        )


def _compare_attendance(report: DocumentReport, got: list[dict], want: list[dict]) -> None:
    by_name = {norm(a.get("name")): a for a in got}
    for person in want:
        name = norm(person["name"])
        mine = by_name.get(name)
        report.score("attendance.name").add(mine is not None, f"{name} missing from attendance")
        for key in ("party", "role", "replaces", "title", "listed_under"):
            value = mine.get(key) if mine else None
            report.score(f"attendance.{key}").add(
                mine is not None and norm(value) == norm(person.get(key)),
                f"{name} {key}: got {value!r}, want {person.get(key)!r}",
            )
    extra = sorted(set(by_name) - {norm(p["name"]) for p in want})
    for name in extra:
        report.score("attendance.name").add(False, f"{name} in attendance but not annotated")


# --------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------


def compare_summary(parsed: dict, expected: dict, source: str = "") -> DocumentReport:
    report = DocumentReport(source, "summary", {})
    for name in ("organisation", "committee", "meeting_date", "meeting_url"):
        report.score(name).add(
            norm(parsed.get(name)) == norm(expected.get(name)),
            f"{name}: got {parsed.get(name)!r}, want {expected.get(name)!r}",
        )
    got_items = parsed.get("items") or []
    by_title: dict[object, dict] = {}
    for item in got_items:
        by_title.setdefault(norm(item.get("title")), item)
    want_items = expected.get("items") or []
    got_order = [norm(i.get("title")) for i in got_items]
    want_order = [norm(i.get("title")) for i in want_items]
    report.score("items.order").add(got_order == want_order, f"item order differs: got {got_order}")
    for item in want_items:
        title = norm(item["title"])
        mine = by_title.get(title)
        report.score("items.title").add(mine is not None, f"item {title!r} missing")
        for key in ("decision", "decision_kind", "item_number", "section"):
            value = mine.get(key) if mine else None
            report.score(f"items.{key}").add(
                mine is not None and norm(value) == norm(item.get(key)),
                f"{title!r} {key}: got {value!r}, want {item.get(key)!r}",
            )
        got_sub = [norm(s) for s in (mine or {}).get("subheadings") or []]
        want_sub = [norm(s) for s in item.get("subheadings") or []]
        report.score("items.subheadings").add(mine is not None and got_sub == want_sub, f"{title!r} subheadings: got {got_sub}")
    for title in sorted(set(by_title) - {norm(i["title"]) for i in want_items}, key=str):
        report.score("items.title").add(False, f"item {title!r} found but not annotated")
    return report


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


def load_annotations(fixtures: Path = FIXTURES) -> list[tuple[dict, Path]]:
    """(annotation, document path) for every annotation file, in name order."""
    pairs = []
    for path in sorted((fixtures / "annotations").glob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        pairs.append((expected, fixtures / expected["source"]))
    return pairs


MODES = ("text", "pdf", "flat", "pdf-flat")
PROTOCOL_FOOTER = ["Elektroniskt signerat", "Utdragsbestyrkande"]


def is_protocol(expected: dict) -> bool:
    return expected.get("document_type") == "protokoll"


def typeset(expected: dict, text: str) -> bytes:
    """The PDF of a fixture text: protocols get the running header and footer of a signed protocol."""
    if is_protocol(expected):
        header = [expected.get("committee") or "Protokoll", "PROTOKOLL", f"Sammanträdesdatum {expected.get('meeting_date')}"]
        return make_text_pdf(text, title=f"{header[0]} {expected.get('meeting_date')}", header=header, footer=PROTOCOL_FOOTER)
    return make_text_pdf(text, title=f"Sammanfattning {expected.get('committee')} {expected.get('meeting_date')}")


def without_blank_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if line.strip())


def route(expected: dict, text: str, mode: str = "text") -> str:
    """The text as the parser gets it in `mode` (one of `MODES`)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {MODES}")
    if mode.startswith("pdf"):
        text = extract_text(typeset(expected, text)).text
    if mode.endswith("flat"):
        text = without_blank_lines(text)
    return text


def evaluate(expected: dict, document: Path, mode: str = "text") -> DocumentReport:
    text = route(expected, document.read_text(encoding="utf-8"), mode)
    if is_protocol(expected):
        return compare_protocol(parse_protocol(text).to_dict(), expected, document.name)
    return compare_summary(parse_summary(text).to_dict(), expected, document.name)


def evaluate_all(fixtures: Path = FIXTURES, mode: str = "text") -> list[DocumentReport]:
    return [evaluate(expected, document, mode) for expected, document in load_annotations(fixtures)]


def format_report(report: DocumentReport) -> str:
    width = max([len(name) for name in report.fields] + [5])
    lines = [f"{report.source} ({report.kind})", f"  {'field':<{width}}  matched/total      %"]
    for name, score in report.fields.items():
        lines.append(f"  {name:<{width}}  {score.matched:>7}/{score.total:<5}  {score.percent:6.1f}")
    misses = [miss for score in report.fields.values() for miss in score.misses]
    if misses:
        lines.append("  misses:")
        lines.extend(f"    - {miss}" for miss in misses)
    return "\n".join(lines)


def totals(reports: list[DocumentReport]) -> tuple[int, int]:
    matched = sum(s.matched for r in reports for s in r.fields.values())
    total = sum(s.total for r in reports for s in r.fields.values())
    return matched, total


def summary_line(report: DocumentReport) -> str:
    """One line: overall share and the item / paragraph fields that matter most."""
    matched, total = totals([report])
    keys = ("items.title", "items.decision_kind", "items.decision") if report.kind == "summary" else (
        "paragraph.number", "paragraph.title", "paragraph.decision")
    parts = [f"{key} {report.fields[key].matched}/{report.fields[key].total}" for key in keys if key in report.fields]
    return f"{report.source:<55} {100.0 * matched / max(total, 1):6.1f} %  " + "  ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdf", action="store_true", help="parse the text read back from a PDF of each fixture")
    parser.add_argument("--flat", action="store_true", help="remove every blank line before parsing")
    parser.add_argument("--summary", action="store_true", help="one line per document")
    args = parser.parse_args(argv)
    if not FIXTURES.is_dir():
        print(f"fixtures not found: {FIXTURES}", file=sys.stderr)
        return 1
    mode = {(False, False): "text", (True, False): "pdf", (False, True): "flat", (True, True): "pdf-flat"}[
        (args.pdf, args.flat)
    ]
    reports = evaluate_all(mode=mode)
    print(f"mode: {mode}")
    if args.summary:
        print("\n".join(summary_line(r) for r in reports))
    else:
        print("\n\n".join(format_report(r) for r in reports))
    matched, total = totals(reports)
    print(f"\noverall: {matched}/{total} = {100.0 * matched / max(total, 1):.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
