"""Any field the schemas accept reads back: a long paragraph text survives validation, commit,
the database build and the next scrape, each in a fresh process (where nothing else has raised
the csv module's limit of 131,072 characters per field)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import git

from scraper.package import columns, csv_dicts, read_tables

from .conftest import TODAY
from .packages import part_of, relative

BIN = Path(sys.executable).parent
LONG = 200_000


def meetings(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "meetings"), *args], capture_output=True, text=True, timeout=300)


def test_a_field_of_a_megabyte_reads_back_in_a_fresh_process(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("id,text\n1," + "ä" * 1_000_000 + "\n", encoding="utf-8")
    code = ("import sys; from scraper.package import csv_dicts;"
            "rows = list(csv_dicts(open(sys.argv[1], encoding='utf-8', newline='')));"
            "print(len(rows[0]['text']))")
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1000000"
    assert len(next(csv_dicts(io.StringIO(path.read_text(encoding="utf-8"))))["text"]) == 1_000_000


def _lengthen_a_paragraph(repo: Path) -> str:
    """Give one paragraph of a protocol the next day leaves alone a text of LONG characters, and commit it."""
    path = part_of(repo, "paragraphs", "mote-2025-09-09")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    target = next(r for r in rows if "mote-2025-09-09" in r["paragraph_id"])
    target["text"] = ("Regionstyrelsen beslutar att godkänna förslaget. " * (LONG // 48 + 1))[:LONG]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns("paragraphs"))
    writer.writerows([r[c] for c in columns("paragraphs")] for r in rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    handle = git.Repo(repo)
    handle.index.add([relative(repo, path)])
    handle.index.commit("A long paragraph text")
    return target["paragraph_id"]


def test_a_200_kb_paragraph_survives_validate_commit_build_and_the_next_scrape(tmp_path, replica, config_file):
    repo = tmp_path / "data"
    scrape = ["scrape", "--config", str(config_file), "--repo", str(repo), "--today", TODAY.isoformat(), "--delay", "0"]
    replica.set_day(2)
    assert meetings(*scrape).returncode == 0
    paragraph = _lengthen_a_paragraph(repo)
    validated = meetings("validate", str(repo / "datapackage"))
    assert validated.returncode == 0, validated.stdout[-2000:]
    built = meetings("build", "--repo", str(repo), "--db", str(tmp_path / "meetings.db"))
    assert built.returncode == 0, built.stderr[-2000:]
    replica.set_day(3)  # corrects another protocol: the run reads and rewrites the paragraphs table
    again = meetings(*scrape, "--recheck-days", "0")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "protocol corrected" in git.Repo(repo).head.commit.message
    assert len(read_tables(repo / "datapackage")["paragraphs"][paragraph]["text"]) == LONG
    assert meetings("build", "--repo", str(repo), "--db", str(tmp_path / "meetings.db")).returncode == 0
