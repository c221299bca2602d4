"""Protocols through the JSON API: the answer told by its first bytes (a PDF, a zip of PDFs), a zip
unpacked within bounds, 500 as "no protocol", the rule that decides when to ask, and whole runs
against the replica where a meeting page links no protocol file but the download."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import replace
from datetime import date

import pytest

from scraper.config import parse_config
from scraper.crawl import protocol_download_url
from scraper.demo import DEMO_CONFIG
from scraper.errors import ParseError
from scraper.package import read_tables
from scraper.portal import api
from scraper.portal.http import HttpClient
from scraper.portal.pages import MeetingRef, parse_meeting_page
from scraper.replica import content, render
from scraper.replica.server import start
from scraper.run import InlinePool, ScrapeOptions, run_scrape

from .conftest import TODAY

URL = "https://p.example/api/v2.0/meetings/51890/download/Protocol?downloadMode=download"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def zipped(*members: tuple[str, bytes], utf8: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            if not utf8:
                info.flag_bits &= ~0x800
            archive.writestr(info, data)
    return buffer.getvalue()


# ---------------------------------------------------------------- the answer


def test_a_pdf_is_one_file_whatever_its_content_type_says():
    found = api.read_protocol_download(PDF, URL, "Protokoll KS 2025-09-09.pdf")
    assert (found.zipped, found.files, found.notes) == (False, [api.ProtocolFile("Protokoll KS 2025-09-09.pdf", PDF)], [])
    assert api.read_protocol_download(b"\xef\xbb\xbf\n" + PDF, URL).files[0].name == "protokoll.pdf"


def test_a_zip_gives_its_pdfs_and_says_what_it_left_out():
    data = zipped(("Protokoll § 140.pdf", PDF), ("Protokoll.pdf", PDF), ("bilaga.docx", b"PK\x03\x04word"),
                  ("inner.zip", zipped(("x.pdf", PDF))), ("../../etc/passwd.pdf", PDF), ("mapp/Protokoll.pdf", PDF + b" "),
                  ("readme.txt", b"hej"))
    found = api.read_protocol_download(data, URL)
    assert found.zipped and [f.name for f in found.files] == ["Protokoll § 140.pdf", "Protokoll.pdf"]
    assert found.notes == [
        f"{URL}#bilaga.docx: a zip inside the zip (not followed); left out",
        f"{URL}#inner.zip: a zip inside the zip (not followed); left out",
        f"{URL}#../../etc/passwd.pdf: a name outside the zip; left out",
        f"{URL}#mapp/Protokoll.pdf: a file of the same name was read already; left out",
        f"{URL}#readme.txt: not a PDF; left out",
    ]


def test_zip_names_written_without_the_utf8_flag_are_read_as_utf8_where_they_are():
    found = api.read_protocol_download(zipped(("Protokoll Regionstyrelsen 12 mars.pdf", PDF), utf8=False), URL)
    assert found.files[0].name == "Protokoll Regionstyrelsen 12 mars.pdf"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("Sammanträde.pdf")
        archive.writestr(info, PDF)
    assert api.read_protocol_download(buffer.getvalue(), URL).files[0].name == "Sammanträde.pdf"


def test_a_zip_is_unpacked_within_bounds(monkeypatch):
    monkeypatch.setattr(api, "ZIP_MAX_MEMBERS", 2)
    monkeypatch.setattr(api, "ZIP_MAX_MEMBER_BYTES", 100)
    monkeypatch.setattr(api, "ZIP_MAX_TOTAL_BYTES", 150)
    big = PDF + b" " * 200  # compresses to a few bytes, unpacks over the limit of one file
    found = api.read_protocol_download(zipped(("a.pdf", PDF), ("b.pdf", big), ("c.pdf", PDF)), URL)
    assert [f.name for f in found.files] == ["a.pdf"]
    assert found.notes == [f"{URL}: the zip has 3 files; only the first 2 are read",
                           f"{URL}#b.pdf: {len(big)} bytes unpacked, over the limit of 100; left out"]
    found = api.read_protocol_download(zipped(("a.pdf", PDF + b" " * 40), ("b.pdf", PDF + b" " * 40)), URL)
    room = 150 - len(PDF) - 40  # what the first file left of all files' limit
    assert [f.name for f in found.files] == ["a.pdf"] and found.notes == [
        f"{URL}#b.pdf: {len(PDF) + 40} bytes unpacked, over the limit of {room}; left out"]


def test_a_zip_whose_sizes_lie_is_still_bounded(monkeypatch):
    monkeypatch.setattr(api, "ZIP_MAX_MEMBER_BYTES", 100)
    data = bytearray(zipped(("a.pdf", PDF + b" " * 500)))
    central = data.rindex(b"PK\x01\x02")  # the central directory's record of a.pdf: say it unpacks to 10 bytes
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    found = api.read_protocol_download(bytes(data), URL)
    assert found.files == [] and "left out" in found.notes[0]


@pytest.mark.parametrize("body, problem", [
    (b"<html><title>Fel</title></html>", "neither a PDF (%PDF) nor a zip (PK)"),
    (b'{"Message":"An error has occurred."}', "neither a PDF (%PDF) nor a zip (PK)"),
    (b"PK\x03\x04 not really a zip", "a damaged zip"),
])
def test_anything_else_is_a_parse_error(body, problem):
    with pytest.raises(ParseError, match=re.escape(problem)):
        api.read_protocol_download(body, URL)


@pytest.mark.parametrize("header, name", [
    ('attachment; filename="Protokoll KS.pdf"', "Protokoll KS.pdf"),
    ("attachment; filename=Protokoll.pdf", "Protokoll.pdf"),
    ("attachment; filename=\"x.pdf\"; filename*=UTF-8''Protokoll%20sammantr%C3%A4de.pdf", "Protokoll sammanträde.pdf"),
    ('attachment; filename="../../Protokoll.pdf"', None), ('attachment; filename="C:\\temp\\a.pdf"', None),
    ('attachment; filename="dir/Protokoll.pdf"', "Protokoll.pdf"), ("inline", None), (None, None),
])
def test_file_name_of_the_answer(header, name):
    assert api.disposition_name(header) == name


@pytest.mark.parametrize("name, slug", [
    ("Protokoll.pdf", "protokollpdf"), ("Protokoll § 140 omedelbar justering.pdf", "protokoll-ss-140-omedelbar-justeringpdf"),
    ("Protokoll regionstyrelsen 2025-09-09.pdf", "protokoll-regionstyrelsen-2025-09-09pdf"),
    ("Sammanträde Östersund (V).pdf", "sammantrade-ostersund-v-pdf"), ("Protokoll", "protokoll"), ("Protokoll (V).pdf", "protokoll-v-pdf"),
])
def test_file_slug_is_the_portals(name, slug):
    assert api.file_slug(name) == slug


def test_download_links_on_a_page():
    html = ('<a href="javascript:void(0);">Ladda ner allt</a><a href="/api/v2.0/meetings/12/download/Agenda?downloadMode=download">'
            'Ladda ner allt</a><a href=\'/api/v2.0/meetings/34/download/Protocol?downloadMode=download\'>Ladda ner allt</a>')
    assert api.protocol_download_ids(html) == [34]
    assert api.is_protocol_download(URL) and not api.is_protocol_download(URL.replace("Protocol", "Agenda"))
    assert api.member_url(URL, "Protokoll § 1.pdf") == URL + "#Protokoll%20%C2%A7%201.pdf"


# ---------------------------------------------------------------- when the API is asked


def page_of(meeting: content.MeetingContent, committee: content.CommitteeContent) -> tuple:
    from scraper.replica.render import meeting_page

    html = meeting_page(committee, meeting)
    return parse_meeting_page(html, f"https://p.example/committees/{committee.slug}/{meeting.slug}"), html


def portal_with(**options):
    (portal,) = parse_config("\n".join(["[[portal]]", 'id = "p"', 'organisation_id = "o"', 'organisation = "O"', 'kind = "kommun"',
                                        'base_url = "https://p.example"', 'committees = ["regionstyrelsen"]',
                                        *(f"{k} = {json.dumps(v)}" for k, v in options.items())]))
    return portal


def vasterbotten_rs(day: int = 1) -> tuple[content.CommitteeContent, dict[str, content.MeetingContent]]:
    committee = content.build(day)["vasterbotten"].committees[1]
    return committee, {m.slug: m for m in committee.meetings}


def test_the_api_is_asked_only_where_the_page_links_no_protocol_file():
    committee, meetings = vasterbotten_rs()
    linked = page_of(meetings["mote-2025-09-09"], committee)
    assert protocol_download_url(*linked[:1], None, linked[1], portal_with(), TODAY) is None
    only_api = page_of(replace(meetings["mote-2025-09-09"], protocol_links=False), committee)
    assert protocol_download_url(only_api[0], None, only_api[1], portal_with(), TODAY) == (
        "https://p.example/api/v2.0/meetings/51890/download/Protocol?downloadMode=download")
    assert protocol_download_url(only_api[0], None, only_api[1], portal_with(protocol_api="never"), TODAY) is None
    assert protocol_download_url(only_api[0], None, only_api[1], portal_with(download=["kallelse"]), TODAY) is None


def test_with_held_the_api_is_asked_for_every_held_meeting_with_a_known_id():
    committee, meetings = vasterbotten_rs()
    none_yet = page_of(replace(meetings["mote-2025-09-09"], protocols=[]), committee)
    listed = MeetingRef(none_yet[0].url, "regionstyrelsen", "mote-2025-09-09", date(2025, 9, 9), "", portal_meeting_id=51890)
    held = portal_with(protocol_api="held")
    assert protocol_download_url(none_yet[0], listed, none_yet[1], portal_with(), TODAY) is None
    assert protocol_download_url(none_yet[0], None, none_yet[1], held, TODAY) is None  # the page gives no id
    assert protocol_download_url(none_yet[0], listed, none_yet[1], held, TODAY).endswith(
        "/meetings/51890/download/Protocol?downloadMode=download")
    assert protocol_download_url(none_yet[0], listed, none_yet[1], held, date(2025, 9, 9)) is None  # not held yet
    cancelled = page_of(replace(meetings["mote-2025-09-09"], protocols=[], title="INSTÄLLT Möte 2025-09-09"), committee)
    assert protocol_download_url(cancelled[0], listed, cancelled[1], held, TODAY) is None


# ---------------------------------------------------------------- whole runs


def api_only(day: int) -> dict[str, content.PortalContent]:
    """The replica where two meetings' pages link no protocol file: one answers a zip, one a PDF."""
    portals = content.build(day)
    for meeting in portals["vasterbotten"].committees[1].meetings:
        if meeting.slug in ("mote-2025-09-09", "regionstyrelsen-2025-10-14"):
            meeting.protocol_links = False
    return portals


def scrape(repo, replica, **options):
    config = DEMO_CONFIG.format(**{pid: replica.url(pid) for pid in replica.servers})
    portals = [replace(p, **options) if p.id == "norrbotten" else p for p in parse_config(config)]
    return run_scrape(ScrapeOptions(repo=repo, portals=portals, today=TODAY, pool_factory=InlinePool, recheck_days=0,
                                    client_factory=lambda cache: HttpClient(cache_dir=cache, delay=0, retries=1, backoff=0)))


def test_protocols_behind_the_download_become_documents_and_paragraphs(tmp_path):
    with start(day=1, today=TODAY, content_provider=api_only) as replica:
        report = scrape(tmp_path / "data", replica)
        assert report.ok, report.errors
        tables = read_tables(tmp_path / "data" / "datapackage")
        base = replica.url("vasterbotten")
        again = scrape(tmp_path / "data", replica)
    zip_url = f"{base}/api/v2.0/meetings/51890/download/Protocol?downloadMode=download"
    documents = {k.split("/", 1)[1]: r for k, r in tables["documents"].items() if r["kind"] == "protokoll"}
    assert {k: r["url"] for k, r in documents.items()} == {
        "regionstyrelsen/mote-2025-09-09/protocol/protokoll-regionstyrelsen-2025-09-09pdf":
            zip_url + "#Protokoll%20regionstyrelsen%202025-09-09.pdf",
        "regionstyrelsen/mote-2025-09-09/protocol/protokoll-ss-140-omedelbar-justeringpdf":
            zip_url + "#Protokoll%20%C2%A7%20140%20omedelbar%20justering.pdf",
        "regionstyrelsen/regionstyrelsen-2025-10-14/protocol/protokollpdf":
            f"{base}/api/v2.0/meetings/10251014/download/Protocol?downloadMode=download",
    }
    assert all(r["text_status"] == "extracted" and r["content_type"] == "application/pdf" for r in documents.values())
    paragraphs = sorted(r["paragraph_id"].rsplit("/", 1)[1] for r in tables["paragraphs"].values()
                        if "region-vasterbotten" in r["paragraph_id"])
    assert paragraphs == ["mote-2025-09-09§139", "mote-2025-09-09§140", "mote-2025-09-09§141", "mote-2025-09-09§142",
                          "regionstyrelsen-2025-10-14§150", "regionstyrelsen-2025-10-14§151"]
    held = tables["meetings"]["region-vasterbotten/regionstyrelsen/mote-2025-09-09"]
    assert (held["protocol_published"], held["document_count"]) == ("true", "3")  # two protocols and an attachment
    assert again.ok and again.commit is None and again.documents_downloaded == 0


def test_no_protocol_is_500_and_no_error(tmp_path):
    with start(day=1, today=TODAY) as replica:
        report = scrape(tmp_path / "data", replica, protocol_api="held")
        asked = replica.stats("norrbotten")["api"]
    # the JSON list, the protocol download (500), the representatives and their assignments, the board's types, its
    # two lists and one notice
    assert report.ok and report.errors == [] and asked == 8
    meeting = read_tables(tmp_path / "data" / "datapackage")["meetings"]["region-norrbotten/regionstyrelsen/mote-2024-03-12"]
    assert meeting["protocol_published"] == "false"


def test_a_download_that_is_no_protocol_is_reported_and_keeps_what_was_read(tmp_path, monkeypatch):
    with start(day=1, today=TODAY, content_provider=api_only) as replica:
        assert scrape(tmp_path / "data", replica).ok
        before = read_tables(tmp_path / "data" / "datapackage")
        monkeypatch.setattr(render, "protocol_download", lambda meeting, _: (b"<html><body>Fel</body></html>", "text/html", "x"))
        report = scrape(tmp_path / "data", replica)
    assert not report.ok
    assert {e["message"] for e in report.errors} == {"the protocol download is neither a PDF (%PDF) nor a zip (PK)"}
    after = read_tables(tmp_path / "data" / "datapackage")
    assert after["documents"] == before["documents"] and after["paragraphs"] == before["paragraphs"]
