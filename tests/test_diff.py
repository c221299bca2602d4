"""`meetings diff`: changed paragraphs only; layout is not content."""

from __future__ import annotations

import json
import textwrap

from click.testing import CliRunner

from scraper.cli import cli
from scraper.replica import content, pdfmake


def _reflow(text: str, width: int) -> str:
    """The same protocol with every body line re-wrapped at another width."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if len(stripped) > width and not stripped.startswith("§"):
            out.extend(textwrap.wrap(stripped, width))
        else:
            out.append(line)
    return "\n".join(out)


def run_diff(old, new) -> list[dict]:
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["paragraphs"]


def test_correction_pdf_versions(tmp_path):
    old, new = tmp_path / "old.pdf", tmp_path / "new.pdf"
    old.write_bytes(content.render_document(content.Doc("x", "x", "", ("norrbotten_protocol", (False,)))))
    new.write_bytes(content.render_document(content.Doc("x", "x", "", ("norrbotten_protocol", (True,)))))
    changes = run_diff(old, new)
    assert [(c["number"], c["change"]) for c in changes] == [(39, "modified"), (50, "modified")]
    assert "title" in changes[1]["fields"] and "title" not in changes[0]["fields"]


def test_layout_only_changes_are_not_changes(tmp_path):
    text = content.norrbotten_protocol_text(True)
    a, b = tmp_path / "a.txt", tmp_path / "b.pdf"
    a.write_text(text)
    b.write_bytes(pdfmake.make_text_pdf(_reflow(text, 55), title="t", header=["Regionstyrelsen", "PROTOKOLL", "Sammanträdesdatum 2024-03-12"],
                                        footer=["Justerandes signatur", "Utdragsbestyrkande"]))
    assert run_diff(a, b) == []


def test_added_removed_and_field_changes(tmp_path):
    base = content.norrbotten_protocol_text(True)
    changed = base.replace("Regionstyrelsen beslutar att fastställa föredragningslistan.",
                           "Regionstyrelsen beslutar att fastställa föredragningslistan med ett tillägg.")
    cut = changed.index(" § 54")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(base)
    b.write_text(changed[:cut])
    changes = run_diff(a, b)
    assert changes == [
        {"number": 34, "change": "modified", "fields": ["decision", "text"]},
        {"number": 54, "change": "removed", "fields": []},
    ]
    assert [c["change"] for c in run_diff(b, a)] == ["modified", "added"]
