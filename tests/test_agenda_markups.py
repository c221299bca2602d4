"""The agenda reader on markups of two real agendas of meetingsplus.vll.se.

No HTML of a real Meetings Plus meeting page has been seen; the only first-hand material is two
text renderings (``scraper/replica/content/vll_*.txt``). Each test here builds plausible markups of
the same agenda from those renderings (list items, a table, headings with paragraphs, divs with
class names the parser has never seen, flat lines, the bare text with and without the renderer's
bullets) and asserts that every one gives the same items: the golden lists below, written by hand
from the renderings.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pytest

from scraper.portal.pages import parse_agenda_text, parse_meeting_page
from scraper.replica.faults import change_markup

CONTENT = Path(__file__).parent.parent / "scraper" / "replica" / "content"
FIXTURES = Path(__file__).parent / "fixtures" / "portal"
PORTAL = "https://meetingsplus.vll.se"

# ---------------------------------------------------------------- the golden agendas

MOTIONS_2026 = [
    ("Motion nr 27-2025 från Elmer Eriksson (M). Synliggör kostnaden för möten inom regionen", ["RS 912-2025"]),
    ("Motion nr 1-2026 från Mattias Larsson (C). Utveckla SMS-kallelser inom hälso- och sjukvården", ["RS 124-2026"]),
    ("Motion nr 2-2026 från Hans-inge Smetana (KD). Inför NAT-tester vid bloddonationer", ["RS 129-2026"]),
    ("Motion nr 3-2026 från Elin Segerstedt Söderberg (M) mfl. Införande av NIPT-test som en del av fosterdiagnostiken "
     "i Region Västerbotten", ["RS 190-2026"]),
]
INTERPELLATIONS_2026 = [
    ("Interpellation nr 50-2025 från Maria Lundqvist Brömster (L) - Vårdpersonal som arbetar på distans från andra "
     "EU-länder", ["RS 832-2025"]),
    ("Interpellation nr 51-2025 från Anna Ackemo (M) - Finns det medicinskt tekniskt material som ligger i tid att bytas "
     "ut och som vi kan skänka till Ukraina?", ["RS 856-2025"]),
    ("Interpellation nr 52-2025 från Birgitta Burström (L) - Behandling av benskörhet, Osteoporos", ["RS 892-2025"]),
    ("Interpellation nr 53-2025 från Maria Kristoffersson (C) - Tryggad tillgång till tandvård i hela Västerbotten",
     ["RS 899-2025"]),
    ("Interpellation nr 54-2025 från Håkan Andersson (C) - Minska risken för allvarliga förlossningsskador", ["RS 970-2025"]),
    ("Interpellation nr 55-2025, från Nicklas Sandström (M), Varför lyckas andra SUSSA-regioner ta del av statsbidrag "
     "men inte Västerbotten?", ["RS 983-2025"]),
    ("Interpellation nr", []),  # the excerpt ends inside the seventh interpellation
]
GOLDEN_2026 = [  # (number, title, case numbers of the item, its matters as (title, case numbers))
    ("2", "Sammanträdets öppnande", [], []),
    ("3", "Upprop", [], []),
    ("4", "Val av justerare samt tid för justering", [], []),
    (None, "Förslag till föredragningslista har upprättats.", [], []),
    (None, "Inkomna motioner", [], MOTIONS_2026),
    (None, "Inkomna interpellationer", [], INTERPELLATIONS_2026),
]
GOLDEN_2020 = [
    ("2", "Vidtagna åtgärder, annons, kungörelse", [], []),
    ("3", "Sammanträdets öppnande", [], []),
    ("4", "Upprop", [], []),
    ("5", "Val av protokolljusterare samt plats och tid för justering", [], []),
    (None, "Förslag till föredragningslista är upprättat.", [], []),
    (None, "Inkomna motioner", [], [
        ("Motion nr 11-2020 från Nicklas Sandström (M) Motverka omotiverat olik cancervård", ["RS 269:1-2020"]),
        ("Motion nr 12-2020 Hans-Inge Smetana (KD) m.fl. Inför Social aktivitet på recept (SAR) i Hälsovalet",
         ["RS 338:1-2020"]),
        ("Motion nr 13-2020 från Petter Nilsson (SD) m.fl. Stärkt beredskap mot pandemi", ["RS 373:1-2020"]),
    ]),
    (None, "Enligt regionfullmäktiges arbetsordning har allmänheten möjlighet att ställa frågor med anledning av "
           "årsredovisningen.", [], []),
    ("9", "Revisorernas rapport", [], []),
]
SAMPLES = {
    "2026": ("vll_regionfullmaktige_mote-2026-02-24.txt", "mote-2026-02-24", GOLDEN_2026, {"Inkomna motioner": 4}),
    "2020": ("vll_regionfullmaktige_mote-2020-04-21.txt", "mote-2020-04-21", GOLDEN_2020, {}),
}


def shape(items) -> list[tuple]:
    return [(it.number, it.title, it.case_numbers, [(s.title, s.case_numbers) for s in it.sub_items]) for it in items]


# ---------------------------------------------------------------- the renderings, taken apart by hand

VLL_CASE = re.compile(r"(RS \d+(?::\d+)?-\d{4})")
SIZE = re.compile(r"^\d+kb Ladda ner dokument$")


def sample_text(name: str) -> str:
    return "\n".join(line for line in (CONTENT / name).read_text(encoding="utf-8").splitlines() if not line.startswith("#"))


def unbulleted(name: str) -> str:
    """The rendering without the renderer's bullets ("-" lines, "•" marks)."""
    lines = (re.sub(r"^\s*•\s*", "", line) for line in sample_text(name).splitlines())
    return "\n".join(line for line in lines if line.strip() != "-")


def bullet_blocks(name: str) -> list[list[str]]:
    """The rendering cut at its bullets, a glued case number or "Bilagor" put on a line of its own."""
    blocks: list[list[str]] = [[]]
    for raw in sample_text(name).splitlines():
        line = raw.strip()
        if line in ("-", "•"):
            blocks.append([])
            continue
        if line.startswith("•"):
            blocks.append([])
            line = line[1:].strip()
        for part in VLL_CASE.split(line):
            head, glued, _ = part.partition("Bilagor")
            blocks[-1].extend(p.strip() for p in (head, glued) if p.strip())
    return [b for b in blocks if b]


def entries(name: str) -> tuple[list[list[str]], list[dict]]:
    """(the blocks above the first numbered entry, the entries): each entry's number, title, body
    lines and attachment sizes; a block of sizes or "Bilagor" belongs to the entry before it."""
    blocks = bullet_blocks(name)
    first = next(k for k, b in enumerate(blocks) if b[0].isdigit())
    found: list[dict] = []
    for block in blocks[first:]:
        sizes = [line.split("kb")[0] for line in block if SIZE.match(line)]
        text = [line for line in block if not SIZE.match(line) and line != "Bilagor"]
        if not text:
            found[-1]["sizes"] += sizes
            continue
        number = text.pop(0) if text[0].isdigit() else None
        found.append({"number": number, "title": text[0], "body": text[1:], "sizes": sizes})
    return blocks[:first], found


# ---------------------------------------------------------------- markups of one agenda


def attachments(meeting: str, item: int, sizes: list[str], tag: str = "div") -> str:
    if not sizes:
        return ""
    base = f"/welcome-sv/namnder-styrelser/regionfullmaktige/{meeting}/agenda"
    links = "".join(f'<li><a href="{base}/bilaga-{item}-{n}pdf?downloadMode=open">{size}kb Ladda ner dokument</a></li>'
                    for n, size in enumerate(sizes, 1))
    return f"<{tag}><span>Bilagor</span><ul>{links}</ul></{tag}>"


def list_item(meeting: str, k: int, e: dict) -> str:
    number = f'<span class="nr">{e["number"]}</span> ' if e["number"] else ""
    body = "".join(f"<p>{escape(line)}</p>" for line in e["body"])
    return f"<li>{number}<strong>{escape(e['title'])}</strong>{body}{attachments(meeting, k, e['sizes'])}</li>"


def table_row(meeting: str, k: int, e: dict) -> str:
    body = "<br>".join(escape(line) for line in e["body"])
    return (f'<tr><td>{e["number"] or ""}</td><td>{escape(e["title"])}</td>'
            f'<td>{body}{attachments(meeting, k, e["sizes"])}</td></tr>')


def heading(meeting: str, k: int, e: dict) -> str:
    number = f"{e['number']} " if e["number"] else ""
    body = "".join(f"<p>{escape(line)}</p>" for line in e["body"])
    return f"<h3>{number}{escape(e['title'])}</h3>{body}{attachments(meeting, k, e['sizes'])}"


def made_up_div(meeting: str, k: int, e: dict) -> str:
    number = f'<div class="x1">{e["number"]}</div>' if e["number"] else ""
    body = "".join(f'<div class="x4">{escape(line)}</div>' for line in e["body"])
    return (f'<div class="mp-row">{number}<div class="x2">{escape(e["title"])}</div>'
            f'<div class="x3">{body}{attachments(meeting, k, e["sizes"], "section")}</div></div>')


def nested_matters(meeting: str, k: int, e: dict) -> str:
    """A list item whose matters are a nested list, each case number an inline element after its title."""
    matters = "".join(f"<li>{escape(a)}<span>{escape(b)}</span></li>" for a, b in zip(e["body"][::2], e["body"][1::2]))
    rest = "".join(f"<li>{escape(line)}</li>" for line in e["body"][len(e["body"]) // 2 * 2:])
    number = f'<b>{e["number"]}.</b> ' if e["number"] else ""
    nested = f"<ul>{matters}{rest}</ul>" if e["body"] else ""
    return f'<li class="row">{number}<span>{escape(e["title"])}</span>{nested}{attachments(meeting, k, e["sizes"])}</li>'


def flat_lines(name: str) -> str:
    return "".join(f"<div>{escape(line)}</div>" for line in unbulleted(name).splitlines() if line.strip())


def line_breaks(name: str) -> str:
    return "<div>" + "<br>".join(escape(line) for line in unbulleted(name).splitlines()) + "</div>"


def preformatted(name: str) -> str:
    return f"<pre>{escape(unbulleted(name))}</pre>"


STRUCTURED = {  # markup: (around the items, one item)
    "list items": ("<ol>{}</ol>", list_item),
    "table": ("<table><thead><tr><th>Nr</th><th>Ärende</th><th></th></tr></thead><tbody>{}</tbody></table>", table_row),
    "headings": ("<div>{}</div>", heading),
    "made-up divs": ('<div class="mp-list">{}</div>', made_up_div),
    "nested matters": ('<ul class="list">{}</ul>', nested_matters),
}
FLAT = {"flat lines": flat_lines, "line breaks": line_breaks, "preformatted": preformatted}
MARKUPS = [*STRUCTURED, *FLAT]
READING = {**dict.fromkeys(STRUCTURED, "blocks"), **dict.fromkeys(FLAT, "text")}


def programme(blocks: list[list[str]], meeting: str) -> str:
    """The meeting's programme and its own Bilagor, as the page shows them above the items."""
    base = f"/committees/regionfullmaktige/{meeting}/agenda"
    lines = [line for block in blocks for line in block]
    sizes = [line.split("kb")[0] for line in lines if SIZE.match(line)]
    text = "".join(f"<p>{escape(line)}</p>" for line in lines if not SIZE.match(line) and line != "Bilagor")
    links = "".join(f'<li><a href="{base}/program-{n}pdf?downloadMode=open">{s}kb Ladda ner dokument</a></li>'
                    for n, s in enumerate(sizes, 1))
    return f'<div class="intro">{text}<h4>Bilagor</h4><ul>{links}</ul></div>' if sizes else f'<div class="intro">{text}</div>'


def page_html(markup: str, sample: str, scoped: bool) -> tuple[str, str]:
    name, meeting, _, _ = SAMPLES[sample]
    if markup in STRUCTURED:
        above, found = entries(name)
        around, item = STRUCTURED[markup]
        agenda = programme(above, meeting) + around.format("".join(item(meeting, k, e) for k, e in enumerate(found, 1)))
    else:
        agenda = FLAT[markup](name)
    side = "".join(f'<li><a href="/committees/regionfullmaktige/{m}">{m[5:]}</a></li>' for m in ("mote-2020-04-21", "mote-2026-02-24"))
    area = f'<div id="kallelse">{agenda}</div>' if scoped else f'<div class="tab-pane">{agenda}</div>'
    html = (f'<!DOCTYPE html><html lang="sv"><head><title>Möte | Meetings Plus</title></head><body>'
            f'<header><a href="/committees">Nämnder</a></header><nav><ul>{side}</ul></nav><main>'
            f'<h1>Möte {meeting[5:]}</h1><div class="tabs"><a href="#k">Kallelse</a> <a href="#p">Protokoll</a></div>{area}'
            '<div id="protocolTab"><a id="openProtocol" href="javascript:void(0);">Öppna protokoll</a>'
            '<p>Inget protokoll har publicerats</p><p>Det finns ingen information att visa</p></div>'
            '</main><footer>1 2 3</footer></body></html>')
    return html, f"{PORTAL}/committees/regionfullmaktige/{meeting}"


# ---------------------------------------------------------------- every markup, the same agenda


@pytest.mark.parametrize("sample", list(SAMPLES))
@pytest.mark.parametrize("markup", MARKUPS)
@pytest.mark.parametrize("scoped", [True, False], ids=["agenda-area", "whole-page"])
def test_every_markup_gives_the_golden_agenda(sample, markup, scoped):
    html, url = page_html(markup, sample, scoped)
    page = parse_meeting_page(html, url)
    golden, with_attachments = SAMPLES[sample][2], SAMPLES[sample][3]
    assert shape(page.agenda_items) == golden
    assert [it.ordinal for it in page.agenda_items] == list(range(1, len(golden) + 1))
    assert [[s.ordinal for s in it.sub_items] for it in page.agenda_items] == [list(range(1, len(g[3]) + 1)) for g in golden]
    assert page.agenda_strategy == READING[markup]
    assert page.agenda_numbered_entries == sum(1 for g in golden if g[0])
    assert page.agenda_problem() is None and page.agenda_notes == []
    if markup in STRUCTURED:
        counts = {it.title: len(it.attachments) for it in page.agenda_items if it.attachments}
        assert counts == with_attachments
        assert all(a.kind == "bilaga" and a.area == "agenda" for it in page.agenda_items for a in it.attachments)
        programme_docs = [d.file_slug for d in page.documents]
        assert programme_docs == [f"program-{n}pdf" for n in range(1, len(programme_docs) + 1)]


@pytest.mark.parametrize("sample", list(SAMPLES))
@pytest.mark.parametrize("bullets", [True, False], ids=["with-bullets", "without-bullets"])
def test_the_bare_text_gives_the_golden_agenda(sample, bullets):
    name, _, golden, _ = SAMPLES[sample]
    items = parse_agenda_text(sample_text(name) if bullets else unbulleted(name))
    assert shape(items) == golden
    assert all(not it.attachments and not it.description for it in items)


def test_the_markups_are_really_different():
    html = {markup: page_html(markup, "2026", True)[0] for markup in MARKUPS}
    assert len(set(html.values())) == len(MARKUPS)
    assert "<li>" in html["list items"] and "<td>" in html["table"] and "<h3>" in html["headings"]
    assert 'class="mp-row"' in html["made-up divs"]
    assert not any(re.search(r'(class|id)="[^"]*agenda', h, re.I) for h in html.values())
    assert "RS 912-2025Motion" in unbulleted(SAMPLES["2026"][0])  # the glued case number is kept as the site shows it
    assert "\n-\n" not in unbulleted(SAMPLES["2026"][0]) and "•" not in unbulleted(SAMPLES["2020"][0])


def test_the_replicas_markup_after_a_markup_change_reads_the_same():
    html = (FIXTURES / "vasterbotten__committees__regionfullmaktige__mote-2026-02-24__day1.html").read_text(encoding="utf-8")
    url = "https://vasterbotten.example/committees/regionfullmaktige/mote-2026-02-24"
    before, after = parse_meeting_page(html, url), parse_meeting_page(change_markup(html), url)
    assert "agenda-item" not in change_markup(html)
    assert (before.agenda_strategy, after.agenda_strategy) == ("structured", "blocks")
    assert shape(before.agenda_items) == shape(after.agenda_items) == GOLDEN_2026


# ---------------------------------------------------------------- conventions beyond the two samples

KS = f"{PORTAL}/committees/kommunstyrelsen/kommunstyrelsen-2025-09-15"
CASES = [  # (printed, as read): the diarienummer forms of regions and municipalities
    ("Dnr KS 2023/45", "KS 2023/45"), ("KS/2018:298 - 001", "KS/2018:298 - 001"), ("KS 05-292 531", "KS 05-292 531"),
    ("24RS1759", "24RS1759"), ("NLL-00288-2024", "NLL-00288-2024"), ("RS 2024/123", "RS 2024/123"),
    ("Diarienummer: BoM 2026-000840", "BoM 2026-000840"), ("RS 269:1-2020", "RS 269:1-2020"),
]


def meeting_page(agenda: str, url: str = KS) -> str:
    return (f'<html><head><title>Kommunstyrelsen</title></head><body><h1>Kommunstyrelsen 2025-09-15</h1>'
            f'<section id="agenda">{agenda}</section><section id="protocol"><a id="openProtocol" href="javascript:void(0);">'
            'Öppna protokoll</a></section></body></html>')


@pytest.mark.parametrize("layout", ["table", "flat"])
def test_case_number_conventions(layout):
    titles = [f"Ärende {k}" for k in range(1, len(CASES) + 1)]
    if layout == "table":
        agenda = "<table>" + "".join(f"<tr><td>{k}.</td><td>{t}</td><td>{printed}</td></tr>"
                                     for k, (t, (printed, _)) in enumerate(zip(titles, CASES), 1)) + "</table>"
    else:
        agenda = "<br>".join(f"§ {k}<br>{t}<br>{printed}" for k, (t, (printed, _)) in enumerate(zip(titles, CASES), 1))
    page = parse_meeting_page(meeting_page(agenda), KS)
    assert [(it.number, it.title, it.case_numbers) for it in page.agenda_items] == [
        (str(k), t, [read]) for k, (t, (_, read)) in enumerate(zip(titles, CASES), 1)]
    assert page.agenda_strategy == ("blocks" if layout == "table" else "text")


def test_matters_with_glued_municipal_case_numbers_are_sub_items():
    text = ("1\nVal av justerare\n2\nAnmälan av delegationsbeslut\nDelegationsbeslut bygglov\nKS 2025/101Delegationsbeslut "
            "miljö\nKS/2025:102 - 001Delegationsbeslut personal\nKS 05-292 531\n3\nÖvriga frågor")
    assert shape(parse_agenda_text(text)) == [
        ("1", "Val av justerare", [], []),
        ("2", "Anmälan av delegationsbeslut", [], [
            ("Delegationsbeslut bygglov", ["KS 2025/101"]), ("Delegationsbeslut miljö", ["KS/2025:102 - 001"]),
            ("Delegationsbeslut personal", ["KS 05-292 531"])]),
        ("3", "Övriga frågor", [], []),
    ]


def test_text_above_the_first_matter_is_the_items_own():
    text = ("7\nInkomna motioner\nFöljande motioner har kommit in:\nMotion om cykelbanor\nKS 2025/11\nMotion om "
            "badhus\nKS 2025/12\n8\nInkomna medborgarförslag\nFöljande förslag har kommit in:\nMedborgarförslag om "
            "parkbänkar\nKS 2025/13\nMedborgarförslag om")
    motions, proposals = parse_agenda_text(text)
    assert (motions.description, [(s.title, s.case_numbers) for s in motions.sub_items]) == (
        "Följande motioner har kommit in:", [("Motion om cykelbanor", ["KS 2025/11"]), ("Motion om badhus", ["KS 2025/12"])])
    assert (proposals.description, [(s.title, s.case_numbers) for s in proposals.sub_items]) == (
        "Följande förslag har kommit in:", [("Medborgarförslag om parkbänkar", ["KS 2025/13"]), ("Medborgarförslag om", [])])


def test_a_single_matter_is_the_items_own_case_and_text():
    text = "5\nRemissvar\nYttrande över remiss från Socialdepartementet\nRS 6-2025\n6\nAvslutning"
    (remiss, end) = parse_agenda_text(text)
    assert (remiss.case_numbers, remiss.description, remiss.sub_items) == (
        ["RS 6-2025"], "Yttrande över remiss från Socialdepartementet", [])
    assert (end.number, end.title) == ("6", "Avslutning")


def test_consecutive_numbers_leave_no_room_for_unnumbered_items():
    """``4`` then ``5``: the lines between belong to item 4; a gap (``5`` then ``9``) makes room."""
    text = "4\nBudget 2026\nFörslag från ekonomiutskottet\nBilaga: driftbudget\n5\nAvslutning"
    assert shape(parse_agenda_text(text)) == [("4", "Budget 2026", [], []), ("5", "Avslutning", [], [])]
    assert parse_agenda_text(text)[0].description == "Förslag från ekonomiutskottet\nBilaga: driftbudget"
    gap = "5\nVal av justerare\nFöredragningslistan godkänns\nAllmänhetens frågestund\n9\nRevisorernas rapport"
    assert [(it.number, it.title) for it in parse_agenda_text(gap)] == [
        ("5", "Val av justerare"), (None, "Föredragningslistan godkänns"), (None, "Allmänhetens frågestund"),
        ("9", "Revisorernas rapport")]


def test_a_reading_that_misses_numbered_entries_is_not_taken():
    agenda = ('<ol><li class="agenda-item"><span>1</span> Val av justerare</li><li><span>2</span> Budget</li>'
              '<li><span>3</span> Avslutning</li></ol>')
    page = parse_meeting_page(meeting_page(agenda), KS)
    assert (page.agenda_strategy, [it.title for it in page.agenda_items]) == ("blocks", ["Val av justerare", "Budget", "Avslutning"])


def test_more_unnumbered_items_than_the_numbers_allow_is_noted():
    agenda = "<ol><li>2 Upprop</li><li>Föredragningslistan</li><li>Motioner</li><li>3 Avslutning</li></ol>"
    page = parse_meeting_page(meeting_page(agenda), KS)
    assert len(page.agenda_items) == 4 and page.agenda_problem() is None
    assert page.agenda_notes == ["2 unnumbered items stand between items 2 and 3"]


@pytest.mark.parametrize("agenda, problem", [
    ('<div>2</div><div><img alt="Val av justerare"></div><div>3</div><div><img alt="Avslutning"></div>',
     "the agenda shows 2 numbered entries but 0 numbered items were read"),
    ('<ol><li><img alt="">2</li><li>3</li><li>4 Avslutning</li></ol>', "the agenda shows 3 numbered entries but 1 numbered items"),
    ("<p>RS 912-2025</p><p>RS 124-2026</p>", "the agenda shows 2 case numbers but no item was read"),
])
def test_an_agenda_that_cannot_be_read_is_a_problem(agenda, problem):
    page = parse_meeting_page(meeting_page(agenda), KS)
    assert page.agenda_problem().startswith(problem)


def test_no_agenda_is_no_problem():
    pager = "<p>Sida</p><div>1</div><div>2</div><div>3</div><div>4</div>"
    for agenda in ("", '<p class="empty">Ingen agenda har publicerats</p>', "<p>Kallelse skickas ut senare.</p>", pager):
        page = parse_meeting_page(meeting_page(agenda), KS)
        assert (page.agenda_items, page.agenda_problem()) == ([], None)


@pytest.mark.parametrize("agenda, expected", [
    ("<ol><li><span>1</span> Val av justerare</li><li>Anmälningsärenden</li></ol><p>Välkomna!</p>",
     [("1", "Val av justerare"), (None, "Anmälningsärenden")]),
    ('<div class="list"><div class="row"><b>1</b><i>Budget 2026</i><p>RS 1-2025</p></div></div><p>Välkomna!</p>',
     [("1", "Budget 2026")]),
])
def test_an_agenda_with_one_item_number_is_read_by_its_blocks(agenda, expected):
    page = parse_meeting_page(meeting_page(agenda), KS)
    assert [(it.number, it.title) for it in page.agenda_items] == expected
    assert page.agenda_strategy == "blocks"
