"""Roll-call votes, recusals and people go the whole way: derived from a protocol, validated,
held back with the protocol version they came from, partitioned by organisation and year (people
by organisation), committed, read again by ``meetings reparse``, diffed into the history and built
into SQLite. The parser's new keys are added by hand (``protocol_contract``) to what it reads."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import scraper.documents.protocol as protocol_mod
from scraper.config import parse_config
from scraper.database import build_database
from scraper.demo import demo_client
from scraper.history import build_history
from scraper.package import PACKAGE_DIR, part_files, read_tables
from scraper.run import InlinePool, ScrapeOptions, run_reparse, run_scrape
from scraper.validate import validate_package

from .conftest import TODAY
from .protocol_contract import closed_ballot, member, roll_call, with_contract

MEETING = "region-norrbotten/regionstyrelsen/mote-2024-03-12"
PARAGRAPH = f"{MEETING}§39"


class Parsed:
    def __init__(self, data: dict):
        self.data = data

    def to_dict(self) -> dict:
        return self.data



def ours(table: dict) -> list[str]:
    """The keys of the rows of the paragraph these tests give votes (the replica's own protocols have more)."""
    return sorted(k for k in table if k.startswith(PARAGRAPH + "/"))

def parser(monkeypatch, votes=None, only_first_version: bool = False) -> None:
    """The parser, with votes and a recusal on § 39 of the Norrbotten protocol (for
    ``only_first_version``: only in the version before its correction notice)."""
    real = protocol_mod.parse_protocol

    def parse(text: str):
        parsed = real(text).to_dict()
        if "Rättelse" in text and only_first_version or not any(p["number"] == 39 for p in parsed["paragraphs"]):
            return Parsed(parsed)
        return Parsed(with_contract(parsed, 39, votes=votes))

    monkeypatch.setattr(protocol_mod, "parse_protocol", parse)


def scrape(repo: Path, config_file: Path):
    portals = parse_config(config_file.read_text(encoding="utf-8"))
    return run_scrape(ScrapeOptions(repo=repo, portals=portals, today=TODAY, client_factory=demo_client,
                                    pool_factory=InlinePool, recheck_days=0))


@pytest.fixture
def published(tmp_path, config_file, replica, monkeypatch) -> tuple[Path, object]:
    parser(monkeypatch)
    replica.set_day(2)
    repo = tmp_path / "data"
    return repo, scrape(repo, config_file)


def test_votes_recusals_and_people_are_derived_partitioned_and_valid(published):
    repo, report = published
    assert report.ok and report.commit, report.errors
    root = repo / PACKAGE_DIR
    assert validate_package(root).valid
    tables = read_tables(root)
    assert ours(tables["vote_results"]) == [f"{PARAGRAPH}/1", f"{PARAGRAPH}/2"]
    assert ours(tables["votes"]) == [f"{PARAGRAPH}/1/{name}"
                                       for name in ("Anna Exempelsson", "Bertil Provsson", "Cecilia Testdotter")]
    assert tables["votes"][f"{PARAGRAPH}/1/Bertil Provsson"]["person_id"] == "region-norrbotten/bertil-provsson"
    assert ours(tables["recusals"]) == [f"{PARAGRAPH}/David Demosson"]
    assert tables["paragraphs"][PARAGRAPH]["on_proposal_of"] == "arbetsutskottet"
    for resource in ("votes", "vote_results", "recusals"):
        assert part_files(root, resource, ["region-norrbotten"]) == [f"data/{resource}/region-norrbotten/2024.csv"], resource
    assert part_files(root, "people") == ["data/people/region-norrbotten.csv", "data/people/region-vasterbotten.csv"]
    people = tables["people"]
    assert people["region-norrbotten/bertil-provsson"]["votes"] == "1"
    assert people["region-norrbotten/david-demosson"]["recusals"] == "1"
    named = [r for r in tables["attendance"].values() if r["person_id"]]
    assert named and all(r["person_id"] in people for r in named)
    protocol = next(r for r in tables["documents"].values() if r["meeting_id"] == MEETING and r["kind"] == "protokoll")
    assert (protocol["paragraphs"], protocol["paragraphs_with_decision"], protocol["votes_mismatched"]) == ("5", "2", "1")
    assert protocol["quality_warning"].startswith("unknown template: 40 % of paragraphs with a decision")
    assert [w for w in report.warnings if "protocol read with a doubt" in w] == [
        f"{protocol['url']}: protocol read with a doubt: {protocol['quality_warning']}"]
    others = [r for r in tables["documents"].values() if r["kind"] != "protokoll"]
    assert others and all(r["paragraphs"] == r["quality_warning"] == "" for r in others)


def test_the_quality_of_a_protocol_not_read_anew_stays_as_it_was(published, config_file, monkeypatch):
    import scraper.run as run_mod

    repo, _ = published
    before = read_tables(repo / PACKAGE_DIR)
    calls = []
    monkeypatch.setattr(protocol_mod, "parse_protocol", lambda text: calls.append(text))
    monkeypatch.setattr(run_mod, "code_fingerprint", lambda: "other code")  # every meeting page is read again
    report = scrape(repo, config_file)
    assert report.ok and report.commit is None and calls == []
    assert read_tables(repo / PACKAGE_DIR)["documents"] == before["documents"]
    assert not [w for w in report.warnings if "protocol read with a doubt" in w]


def test_an_invalid_vote_is_reported_and_left_out(tmp_path, config_file, replica, monkeypatch):
    parser(monkeypatch, votes=[roll_call(), closed_ballot(kind="hemlig")])
    replica.set_day(2)
    report = scrape(tmp_path / "data", config_file)
    assert [(p["resource"], p["row"], p["field"]) for p in report.invalid] == [("vote_results", f"{PARAGRAPH}/2", "kind")]
    tables = read_tables(tmp_path / "data" / PACKAGE_DIR)
    assert ours(tables["vote_results"]) == [f"{PARAGRAPH}/1"]
    assert validate_package(tmp_path / "data" / PACKAGE_DIR).valid


def test_a_new_version_that_drops_votes_is_held_back(tmp_path, config_file, replica, monkeypatch):
    parser(monkeypatch, only_first_version=True)
    replica.set_day(2)
    repo = tmp_path / "data"
    assert scrape(repo, config_file).ok
    before = read_tables(repo / PACKAGE_DIR)
    replica.set_day(3)  # the corrected protocol: the parser now reads no vote in it
    report = scrape(repo, config_file)
    assert [e["stage"] for e in report.errors] == ["held-back"]
    after = read_tables(repo / PACKAGE_DIR)
    for resource in ("votes", "vote_results", "recusals", "people"):
        assert after[resource] == before[resource], resource


def test_reparse_history_and_database_carry_the_new_tables(published, monkeypatch, tmp_path):
    repo, _ = published
    changed = [member("Anna Exempelsson", "S", "ja"), member("Bertil Provsson", "M", "avstår"),
               member("Cecilia Testdotter", "C", "ja")]
    parser(monkeypatch, votes=[roll_call(members=changed), closed_ballot()])
    monkeypatch.setenv("MEETINGS_COMMIT_DATE", "2031-01-01T12:00:00")
    reparsed = run_reparse(repo, pool_factory=InlinePool)
    assert reparsed.ok and reparsed.commit
    assert reparsed.warnings and all("unknown template" in w for w in reparsed.warnings)
    tables = read_tables(repo / PACKAGE_DIR)
    bertil = tables["votes"][f"{PARAGRAPH}/1/Bertil Provsson"]
    assert (bertil["vote"], bertil["person_id"]) == ("avstår", "region-norrbotten/bertil-provsson")
    assert tables["vote_results"][f"{PARAGRAPH}/1"]["counts_match"] == "false"
    build_history(repo)
    db = tmp_path / "meetings.db"
    counts = build_database(repo / PACKAGE_DIR, db)
    conn = sqlite3.connect(db)
    in_paragraph = {t: conn.execute(f"select count(*) from {t} where paragraph_id = ?", (PARAGRAPH,)).fetchone()[0]
                    for t in ("votes", "vote_results", "recusals")}
    assert in_paragraph == {"votes": 3, "vote_results": 2, "recusals": 1} and counts["people"] > 3
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("select kind, field, old_value, new_value, made_by, meeting_id from changes "
                            "where resource = 'votes' and record_id = ? order by committed_at",
                            (f"{PARAGRAPH}/1/Bertil Provsson",)).fetchall()
        assert [r[:5] for r in rows] == [("added", None, None, rows[0][3], "scrape"),
                                         ("changed", "vote", "nej", "avstår", "reparse")]
        assert rows[1][5] == MEETING
        assert conn.execute("select count(*) from people_versions").fetchone()[0] >= counts["people"]
        indexes = {row[1] for table in ("votes", "recusals", "attendance", "people")
                   for row in conn.execute(f"pragma index_list({table})")}
        assert {"idx_votes_person_id", "idx_votes_paragraph_id", "idx_recusals_person_id", "idx_attendance_person_id"} <= indexes
        person = conn.execute("select count(*) from votes v join people p on p.person_id = v.person_id "
                              "where v.paragraph_id = ?", (PARAGRAPH,)).fetchone()[0]
        assert person == 3
    finally:
        conn.close()


def test_a_new_version_without_a_text_layer_is_held_back(tmp_path, config_file, replica, monkeypatch):
    import scraper.documents.text as text_mod

    replica.set_day(2)
    repo = tmp_path / "data"
    assert scrape(repo, config_file).ok
    before = read_tables(repo / PACKAGE_DIR)
    real = text_mod.extract_text

    def scanned(data: bytes, source: str | None = None):
        if "2024-03-12" in (source or ""):
            raise text_mod.NoTextLayer("no text layer (a scan)", source)
        return real(data, source=source)

    monkeypatch.setattr(text_mod, "extract_text", scanned)
    replica.set_day(3)  # new bytes of the Norrbotten protocol, read as a scan
    report = scrape(repo, config_file)
    assert [e["stage"] for e in report.errors] == ["held-back"]
    after = read_tables(repo / PACKAGE_DIR)
    protocol = next(k for k, r in after["documents"].items() if r["meeting_id"] == MEETING and r["kind"] == "protokoll")
    assert after["documents"][protocol]["text_status"] == "extracted" and after["paragraphs"] == before["paragraphs"]
    assert (repo / PACKAGE_DIR / after["documents"][protocol]["text_path"]).exists()
    again = scrape(repo, config_file)  # the same bytes again: the version is taken
    assert again.ok
    assert read_tables(repo / PACKAGE_DIR)["documents"][protocol]["text_status"] == "no_text_layer"
