"""The site's pages for people, as Datasette routes: ``/meeting/…``, ``/person/…``, ``/case/…/…``,
``/committee/…``, each with a JSON twin (the same path ending in ``.json``). Their data comes from
``scraper/site/pages.py``; their HTML from the templates ``meeting.html`` … (Swedish, the data's
language), all escaped by Jinja's autoescape."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, unquote

from datasette import Response

from . import pages

STATUS_NAMES = {"upcoming": "kommande", "held": "hållet", "cancelled": "inställt"}
KIND_NAMES = {"kallelse": "kallelse", "protokoll": "protokoll", "bilaga": "bilaga", "sammanfattning": "sammanfattning",
              "other": "annan handling"}
PAGE_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0; color: #1a1a1a; background: #fff; }
main, header.site, footer.site { max-width: 52rem; margin: 0 auto; padding: 0.5rem 1rem; }
header.site { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; border-bottom: 1px solid #ccc; }
.brand a { font-weight: bold; color: #1a1a1a; }
.search input { max-width: 60vw; }
a { color: #0b57a4; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: 0.3rem; }
.paragraph { border-top: 1px solid #ddd; padding-top: 0.5rem; }
.decision { background: #f3f6fa; padding: 0.4rem 0.6rem; border-left: 4px solid #0b57a4; }
.bar { display: flex; height: 1rem; max-width: 24rem; border: 1px solid #555; }
.bar .ja { background: #006b3c; } .bar .nej { background: #b3261e; } .bar .avstar { background: #8a8a8a; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 0.2rem 0.5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
.case a, .meta a { margin-right: 0.5rem; }
mark { background: #ffe58a; }
th, td { overflow-wrap: anywhere; }
main { overflow-wrap: anywhere; }
@media (max-width: 40rem) { table { font-size: 0.85rem; width: 100%; } th, td { padding: 0.2rem 0.25rem; } .bar { max-width: 100%; }
  .search input { max-width: 40vw; } }
"""


async def _database(datasette):
    from .plugins.meetings_site import _meetings_database, _site_database

    name = _site_database(datasette) or await _meetings_database(datasette)
    return datasette.get_database(name) if name else None


def _rows(db):
    async def rows(sql: str, params: dict) -> list[dict]:
        result = await db.execute(sql, params)
        return [dict(zip(result.columns, row)) for row in result.rows]
    return rows


def _wants_json(request) -> bool:
    return request.path.endswith(".json")


def _key(request, name: str) -> str:
    value = unquote(request.url_vars[name])
    return value[:-5] if request.path.endswith(".json") and value.endswith(".json") else value


async def _respond(datasette, request, template: str, data: dict | None, context: dict | None = None) -> Response:
    if data is None:
        return Response.html("<!DOCTYPE html><html lang=\"sv\"><title>Finns inte</title><p>Sidan finns inte.</p>", status=404)
    if _wants_json(request):
        return Response.json(data, default=str)
    html = await datasette.render_template(template, {
        **data, **(context or {}), "page_data": data, "json_url": data.get("links", {}).get("json"),
        "status_names": STATUS_NAMES, "kind_names": KIND_NAMES,
        "today": date.today().isoformat()}, request=request)
    return Response.html(html)


def _with_urls(rows: list[dict]) -> list[dict]:
    for row in rows:
        if row.get("meeting_id"):
            row["url_page"] = pages.meeting_url(row["meeting_id"]) + (f"#p{row['number']}" if row.get("number") else "")
        if row.get("person_id"):
            row["url"] = pages.person_url(row["person_id"])
    return rows


async def meeting_view(datasette, request):
    db = await _database(datasette)
    data = await pages.meeting_page(_rows(db), _key(request, "id")) if db else None
    organisation = data["meeting"]["organisation_id"] if data else ""
    committee = data["meeting"]["committee_id"] if data else ""
    feeds = [{"type": "application/atom+xml", "title": "Beslut i nämnden (Atom)",
              "url": f"/{db.name}/decisions_feed.atom?committee_id={quote(committee)}"}] if data else []
    return await _respond(datasette, request, "meeting.html", data,
                          {"case_base": f"/case/{quote(organisation, safe='')}/", "feeds": feeds})


async def case_view(datasette, request):
    db = await _database(datasette)
    organisation, case = _key(request, "organisation"), _key(request, "case")
    data = await pages.case_page(_rows(db), organisation, case) if db else None
    feeds = [{"type": "application/atom+xml", "title": "ärendet (Atom)",
              "url": f"/{db.name}/case_feed.atom?case_number={quote(case)}&organisation_id={quote(organisation)}"}] if data else []
    return await _respond(datasette, request, "case.html", data, {"feeds": feeds})


async def committee_view(datasette, request):
    from .chart import Series, month_range, stacked_bar_chart

    db = await _database(datasette)
    committee = _key(request, "id")
    data = await pages.committee_page(_rows(db), committee, date.today()) if db else None
    context = {}
    if data:
        for key in ("upcoming", "recent", "decisions", "members", "representatives"):
            _with_urls(data[key])
        counts = {row["month"]: row["n"] for row in data["activity"] if row["month"]}
        months = month_range(min(counts), max(counts)) if counts else []
        context["chart"] = stacked_bar_chart(months, [Series(committee, data["committee"]["name"], counts)] if counts else [],
                                             title="Sammanträden per månad", unit="sammanträde",
                                             today_month=date.today().strftime("%Y-%m"))
        context["feeds"] = [
            {"type": "application/atom+xml", "title": "nya beslut (Atom)", "url": f"/{db.name}/decisions_feed.atom?committee_id={quote(committee)}"},
            {"type": "text/calendar", "title": "sammanträden och sista dag att överklaga (iCal)", "url": f"/{db.name}/meetings_calendar.ics?committee_id={quote(committee)}"},
        ]
    return await _respond(datasette, request, "committee.html", data, context)


async def person_view(datasette, request):
    db = await _database(datasette)
    person = _key(request, "id")
    data = await pages.person_page(_rows(db), person) if db else None
    if data:
        for key in ("meetings", "votes", "reservations", "proposals", "recusals"):
            _with_urls(data[key])
    feeds = [{"type": "application/atom+xml", "title": "röster, reservationer, yrkanden och jäv (Atom)",
              "url": f"/{db.name}/person_feed.atom?person_id={quote(person)}"}] if data else []
    return await _respond(datasette, request, "person.html", data, {"feeds": feeds})


async def page_css(request):
    return Response(PAGE_CSS, content_type="text/css; charset=utf-8", headers={"cache-control": "max-age=3600"})


ROUTES = [
    (r"^/meeting/(?P<id>.+?)$", meeting_view),
    (r"^/person/(?P<id>.+?)$", person_view),
    (r"^/committee/(?P<id>.+?)$", committee_view),
    (r"^/case/(?P<organisation>[^/]+)/(?P<case>.+?)$", case_view),
    (r"^/-/meetings-pages\.css$", page_css),
]
