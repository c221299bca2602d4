"""The site as a person sees it: `meetings serve` on a loopback port, pages opened in headless
Chromium, screenshots in tests/artifacts/ (ignored by git).

Needs Debian's chromium (/usr/bin/chromium) and the playwright Python package; skipped otherwise.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("MEETINGS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)
try:
    from playwright.sync_api import sync_playwright
except ImportError:
    pytest.skip("the playwright Python package is not installed (pip install playwright)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`meetings serve` in a subprocess on a free loopback port."""

    def __init__(self, db: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = db.with_suffix(".serve.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from scraper.cli import cli; cli()", "serve", "--db", str(db),
             "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/-/versions.json", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"meetings serve did not start: {db.with_suffix('.serve.log').read_text()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    from scraper.database import build_database, load_descriptor
    from scraper.demo import run_demo
    from scraper.package import PACKAGE_DIR
    from scraper.site.publish import publish
    from scraper.site.search import ensure_search
    from scraper.site.serve import write_metadata

    from .test_site import hostile_package

    root = tmp_path_factory.mktemp("browser")
    result, replica = run_demo(root / "demo", today=date(2026, 11, 25), say=lambda m: None)
    replica.stop()
    ensure_search(result.database)
    write_metadata(load_descriptor(result.data_repo / PACKAGE_DIR), result.database)
    publish(result.data_repo, result.database.parent / "downloads", catalog_options={"contact_email": "d@example.org"})

    package = hostile_package(root / "hostile")
    hostile_db = root / "hostile" / "meetings.db"
    build_database(package, hostile_db)
    ensure_search(hostile_db)
    write_metadata(load_descriptor(package), hostile_db)

    demo, hostile = Server(result.database), None
    try:
        hostile = Server(hostile_db)
        yield demo, hostile
    finally:
        demo.stop()
        if hostile:
            hostile.stop()


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n", encoding="utf-8")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def shot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000
    return path


def test_front_page_and_meetings(servers, page):
    demo, _ = servers
    page.goto(demo.url + "/")
    assert "Nordic municipal and regional meeting records" in page.title() or page.locator("h1").first.inner_text()
    downloads = page.locator("#downloads")
    assert downloads.is_visible()
    assert downloads.locator("a", has_text="meetings-datapackage.zip").count() == 1
    shot(page, "index")
    page.goto(demo.url + "/meetings/meetings")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 12
    link = page.locator("table.rows-and-columns a[rel='nofollow noopener']").first
    assert link.get_attribute("href").startswith("http://127.0.0.1:")
    assert page.locator("a", has_text="3 documents").count() == 1
    shot(page, "meetings")


def test_search_with_swedish_letters(servers, page):
    demo, _ = servers
    page.goto(demo.url + "/meetings/search?q=förslag")
    marks = page.locator("mark")
    assert marks.count() >= 2
    assert {t.lower() for t in marks.all_inner_texts()} == {"förslag"}
    shot(page, "search-forslag")
    page.goto(demo.url + "/meetings/search?q=Västerbotten")
    assert page.locator("table.rows-and-columns tbody tr").count() >= 1
    page.goto(demo.url + "/meetings/search?q=vasterbotten")
    assert page.locator("table.rows-and-columns tbody tr").count() == 0
    page.goto(demo.url + "/meetings/agenda_items?_search=f%C3%B6rslag")
    assert page.locator("table.rows-and-columns tbody tr").count() == 2
    shot(page, "agenda-items-search")


def test_feed_and_chart_render(servers, page):
    demo, _ = servers
    response = page.goto(demo.url + "/meetings/protocols_feed.atom")
    assert response.status == 200
    assert "New protocols" in page.content()
    shot(page, "protocols-feed")
    page.goto(demo.url + "/-/activity")
    chart = page.locator("svg.activity-chart").first
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    assert page.locator("svg.activity-chart rect").count() > 5
    shot(page, "activity")


def test_untrusted_titles_stay_text_in_the_browser(servers, page):
    _, hostile = servers
    for path, name in (("/meetings/meetings", "hostile-meetings"), ("/meetings/search?q=förslag", "hostile-search"),
                       ("/-/activity", "hostile-activity"), ("/meetings/committees", None)):
        page.goto(hostile.url + path)
        assert page.dialogs == []
        body = page.locator("body").inner_text()
        assert "<script>alert(1)</script>" in body or "<b>x</b>" in body
        assert page.locator("table b, svg b, .chart-legend b").count() == 0
        assert page.locator("a[href^='javascript:']").count() == 0
        if name:
            shot(page, name)


PHONE = {"width": 390, "height": 844}
PEOPLE_PAGES = (
    ("meeting-vote", "/meeting/region-vasterbotten/regionstyrelsen/mote-2025-09-09"),
    ("person", "/person/region-vasterbotten/anna-exempelsson"),
    ("case-two-committees", "/case/region-vasterbotten/RS%201201-2025"),
    ("committee", "/committee/region-norrbotten/regionstyrelsen"),
    ("search-document-text", "/-/search?q=v%C3%A5rdgarantienheten"),
)


def serious_violations(page) -> list[str]:
    """What axe-core (the accessibility engine) finds serious or critical on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


@pytest.mark.parametrize("name, path", PEOPLE_PAGES)
def test_pages_for_people_at_desktop_and_phone_width_pass_axe(servers, browser, name, path):
    demo, _ = servers
    for width, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, locale="sv-SE")
        try:
            page = context.new_page()
            response = page.goto(demo.url + path)
            assert response.status == 200
            assert page.locator("html").get_attribute("lang") == "sv"
            assert page.locator("h1").count() == 1
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{name} scrolls sideways at {width} width ({overflow}px)"
            shot(page, f"page-{name}-{width}")
            assert serious_violations(page) == []
        finally:
            context.close()


def test_meeting_page_vote_and_search_hit_lead_to_the_pdf_page(servers, page):
    demo, _ = servers
    page.goto(demo.url + "/meeting/region-vasterbotten/regionstyrelsen/mote-2025-09-09")
    bar = page.locator(".vote .bar").first
    assert bar.get_attribute("aria-label") == "Ja 8, nej 7, avstår 0"
    assert bar.bounding_box()["width"] > 100
    page.locator(".vote summary").first.click()
    assert page.locator(".vote table tbody tr").count() >= 2
    assert "#page=" in page.locator("article.paragraph .meta a", has_text="sidan").first.get_attribute("href")
    page.goto(demo.url + "/-/search?q=v%C3%A5rdgarantienheten")
    hit = page.locator("ol.search-hits li").first
    assert hit.locator("mark").first.inner_text().lower() == "vårdgarantienheten"
    assert "#page=" in hit.locator("a", has_text="handlingen").get_attribute("href")
    hit.locator("a strong").click()
    assert page.url.startswith(demo.url + "/meeting/")


def test_pages_keep_hostile_text_as_text_in_the_browser(servers, page):
    _, hostile = servers
    for path in ("/meeting/evil/board/m1", "/committee/evil/board", "/-/search?q=f%C3%B6rslag"):
        page.goto(hostile.url + path)
        assert page.dialogs == []
        body = page.locator("body").inner_text()
        assert "<script>alert(1)</script>" in body or "<b>x</b>" in body
        assert page.locator("main b, main script").count() == 0
        assert page.locator("a[href^='javascript:']").count() == 0
