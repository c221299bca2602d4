"""Datasette plugin of the meetings site (loaded with ``--plugins-dir``).

- links: ``url`` columns to the portal (http and https only), ids of meetings, paragraphs and
  documents to their rows, a meeting's document and agenda item counts to those rows; search
  snippets with the matched words marked. Every piece of text is escaped.
- feeds: an Atom feed with no entries is a valid empty feed (datasette-atom fails on it), a feed
  for one committee says so in its title; the iCalendar output gets the Europe/Stockholm
  VTIMEZONE, DTSTAMP and folded lines that RFC 5545 asks for.
- errors: search syntax errors (``?_searchmode=raw``) answer 400 with a plain explanation, and so
  does a query that ran out of the memory ``meetings serve`` gives SQLite; no error answer prints
  Datasette's slow traceback with locals (``startup``).
- every connection gets the limits of ``scraper.site.limits`` (``prepare_connection``).
- ``/-/activity``: meetings and decisions per month and committee as an SVG chart.
- ``/downloads/…`` (the ``downloads`` static mount) is listed on the front and database pages.
"""

from __future__ import annotations

import re
import sqlite3
import urllib.parse
import warnings
from datetime import date, datetime, timezone
from pathlib import Path

from datasette import Response, hookimpl
from datasette.utils import is_url, tilde_encode
from markupsafe import Markup, escape

PLUGIN = "meetings-site"
ROW_LINKS = {"meeting_id": "meetings", "paragraph_id": "paragraphs", "document_id": "documents",
             "agenda_item_id": "agenda_items", "summary_item_id": "summary_items", "committee_id": "committees"}
COUNT_LINKS = {"document_count": ("documents", "document"), "agenda_item_count": ("agenda_items", "agenda item")}
URL_COLUMNS = re.compile(r"^(url|.*_url|atom_link)$")
FTS_ERRORS = ("fts5: syntax error", "unterminated string", "no such column", "unknown special query",
              "fts5: column queries", "malformed MATCH")
STABLE_DOWNLOADS = ("meetings-datapackage.zip", "meetings.json", "catalog.rdf")
RELEASE_RE = re.compile(r"^meetings-datapackage-(\d{4}-\d{2}-\d{2})\.zip$")

CSS = """
.site-downloads { background: #f4f7fb; border: 1px solid #d5dfeb; padding: 0.6em 1em; margin: 1em 0; }
.site-downloads ul { margin: 0.3em 0; }
mark { background: #ffe58a; padding: 0 1px; }
.activity-chart { max-width: 100%; height: auto; display: block; margin: 0.5em 0 0.3em; }
.chart-legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4em 1.4em; }
.chart-legend li { margin: 0; }
.site-links a { margin-right: 0.3em; }
"""


def _site_database(datasette) -> str | None:
    config = datasette.plugin_config(PLUGIN) or {}
    return config.get("database")


def _ours(datasette, database) -> bool:
    return database is not None and database == _site_database(datasette)


# ---------------------------------------------------------------- cells


def _link(href: str, text: str, **attrs: str) -> Markup:
    extra = "".join(f' {k.rstrip("_")}="{escape(v)}"' for k, v in attrs.items())
    return Markup(f'<a href="{escape(href)}"{extra}>{escape(text)}</a>')


# A record's own id (on its row page, or in a canned query) links to its page for people; a
# person id links to the person's page wherever it is.
PAGE_COLUMNS = {"meeting_id": ("meetings", "meeting_url"), "person_id": (None, "person_url"),
                "committee_id": ("committees", "committee_url")}


def _page_link(table: str | None, column: str, value) -> Markup | None:
    from scraper.site import pages

    if column not in PAGE_COLUMNS or not isinstance(value, str) or not value:
        return None
    home, url = PAGE_COLUMNS[column]
    if home is not None and table not in (home, None):
        return None
    return _link(getattr(pages, url)(value), value)


def _mark_snippet(value: str) -> Markup:
    text = str(escape(value))
    return Markup(text.replace("«", "<mark>").replace("»", "</mark>"))


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not _ours(datasette, database):
        return None
    if isinstance(value, str) and URL_COLUMNS.match(column):
        if is_url(value.strip()):
            url = value.strip()
            text = url if len(url) <= 60 else url[:57] + "…"
            return _link(url, text, rel="nofollow noopener", title=url)
        return None
    if table is None and column == "snippet" and isinstance(value, str):
        return _mark_snippet(value)
    page = _page_link(table, column, value)
    if page is not None:
        return page
    if column in ROW_LINKS and isinstance(value, str) and value and table != ROW_LINKS[column]:
        target = ROW_LINKS[column]

        async def row_link():
            if not await datasette.get_database(database).table_exists(target):
                return None
            return _link(datasette.urls.row(database, target, tilde_encode(value)), value)

        return row_link
    if table == "meetings" and column in COUNT_LINKS and isinstance(value, int):
        target, noun = COUNT_LINKS[column]
        try:
            meeting_id = row["meeting_id"]
        except (KeyError, IndexError, TypeError):
            return None
        if isinstance(meeting_id, dict):
            meeting_id = meeting_id.get("value")
        query = urllib.parse.urlencode({"meeting_id": meeting_id})
        return _link(f"{datasette.urls.table(database, target)}?{query}", f"{value} {noun}{'' if value == 1 else 's'}")
    return None


# ---------------------------------------------------------------- feeds


async def _feed_title(datasette, database, query_name, request) -> str | None:
    try:
        title = datasette.metadata(database=database)["queries"][query_name]["title"]
    except (KeyError, TypeError):
        return None
    committee_id = request.args.get("committee_id")
    if committee_id:
        name = committee_id
        try:
            result = await datasette.get_database(database).execute(
                "select c.name || ' (' || o.name || ')' from committees c join organisations o "
                "on o.organisation_id = c.organisation_id where c.committee_id = ?", [committee_id])
            first = result.first()
            if first and first[0]:
                name = first[0]
        except Exception:  # a database without these tables keeps the id
            pass
        title = f"{title}: {name}"
    return title


async def render_atom(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
    from datasette_atom import render_atom as datasette_atom_render
    from lxml import etree

    title = await _feed_title(datasette, database, query_name, request) if query_name else None
    if rows:
        response = datasette_atom_render(datasette, request, sql, columns, rows, database, table, query_name,
                                         view_name, data)
        if not title:
            return response
        root = etree.fromstring(response.body if isinstance(response.body, bytes) else response.body.encode("utf-8"))
        node = root.find("{http://www.w3.org/2005/Atom}title")
        if node is not None:
            node.text = title
        return Response(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True),
                        content_type="application/xml; charset=utf-8")
    from feedgen.feed import FeedGenerator

    from datasette_atom import REQUIRED_COLUMNS

    if not REQUIRED_COLUMNS.issubset(columns):
        from datasette.views.base import DatasetteError

        raise DatasetteError("SQL query must return columns {}".format(", ".join(sorted(REQUIRED_COLUMNS))), status=400)
    feed = FeedGenerator()
    feed.id(request.url)
    feed.link(href=request.url, rel="self")
    feed.title(title or request.args.get("_feed_title") or "Feed")
    feed.updated(datetime.now(timezone.utc))
    feed.generator(generator="Datasette", uri="https://github.com/simonw/datasette")
    return Response(feed.atom_str(pretty=True), content_type="application/xml; charset=utf-8")


def _can_render_atom(columns):
    return {"atom_id", "atom_updated", "atom_title"}.issubset(columns)


VTIMEZONES = {
    "Europe/Stockholm": [
        "BEGIN:VTIMEZONE", "TZID:Europe/Stockholm", "X-LIC-LOCATION:Europe/Stockholm",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST",
        "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET",
        "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
        "END:VTIMEZONE",
    ],
}


def fold(line: str) -> list[str]:
    """RFC 5545 line folding: at most 75 octets per line, never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        n = len(char.encode("utf-8"))
        if size + n > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += n
    out.append(current)
    return out


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def finish_calendar(text: str, *, title: str | None = None, now: datetime | None = None) -> str:
    """Add the VTIMEZONEs the events refer to, DTSTAMP on each event, fold lines, end with CRLF."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line]
    used = sorted(tz for tz in VTIMEZONES if f"TZID={tz}" in text)
    header = [line for line in lines if not line.startswith("X-WR-CALNAME:")]
    name = title or next((line.split(":", 1)[1] for line in lines if line.startswith("X-WR-CALNAME:")), None)
    out = []
    added_header = False
    for line in header:
        if not added_header and (line.startswith("BEGIN:VEVENT") or line == "END:VCALENDAR"):
            if name:
                out.append("X-WR-CALNAME:" + (_ics_text(name) if title else name))
            if len(used) == 1:
                out.append(f"X-WR-TIMEZONE:{used[0]}")
            for tz in used:
                out.extend(VTIMEZONES[tz])
            added_header = True
        out.append(line)
        if line == "BEGIN:VEVENT":
            out.append(f"DTSTAMP:{stamp}")
    return "\r\n".join(part for line in out for part in fold(line)) + "\r\n"


async def render_ics(datasette, request, database, table, rows, columns, sql, query_name, data):
    from datasette_ics import render_ics as datasette_ics_render

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        response = datasette_ics_render(datasette, request, database, table, rows, columns, sql, query_name, data)
    title = await _feed_title(datasette, database, query_name, request) if query_name else None
    body = response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body
    return Response(finish_calendar(body, title=title), status=response.status,
                    content_type=response.headers.get("content-type") or "text/calendar; charset=utf-8")


def _can_render_ics(columns):
    return {"event_name", "event_dtstart"}.issubset(columns)


@hookimpl(trylast=True)
def register_output_renderer(datasette):
    """Registered after datasette-atom and datasette-ics (trylast), so these wrappers take their extensions."""
    from importlib.util import find_spec

    renderers = []
    if find_spec("datasette_atom"):
        renderers.append({"extension": "atom", "render": render_atom, "can_render": _can_render_atom})
    if find_spec("datasette_ics"):
        renderers.append({"extension": "ics", "render": render_ics, "can_render": _can_render_ics})
    return renderers


# ---------------------------------------------------------------- errors


def _is_search_error(request, exception) -> bool:
    if request is None or not any(k == "_search" or k.startswith("_search_") for k in request.args.keys()):
        return False
    message = str(getattr(exception, "message", None) or exception)
    return any(marker in message for marker in FTS_ERRORS)


MEMORY_MESSAGE = ("The query needed more memory than the server gives queries (SQLite may use {heap} MiB in all). "
                  "Ask for fewer or shorter values, add a limit, or try again later.")


@hookimpl
def handle_exception(datasette, request, exception):
    if isinstance(exception, MemoryError):
        from scraper.site.limits import HEAP_LIMIT, MiB

        return _error_response(datasette, request, "Query too large", MEMORY_MESSAGE.format(heap=HEAP_LIMIT // MiB))
    if not _is_search_error(request, exception):
        return None
    detail = str(getattr(exception, "message", None) or exception)
    message = ("The search could not be run: it is not valid full-text search syntax "
               f"({detail}). Leave out _searchmode=raw to search for the words as typed, or check quotes "
               "(\"…\" must be closed) and operators (AND, OR, NOT must stand between words).")
    return _error_response(datasette, request, "Search syntax error", message)


def _error_response(datasette, request, title: str, message: str):
    """A 400 answer with ``message``: JSON for .json requests, else Datasette's error page."""
    async def inner():
        body = {"ok": False, "error": message, "status": 400, "title": title}
        if request.path.endswith(".json") or request.args.get("_format") == "json":
            return Response.json(body, status=400)
        html = await datasette.render_template("error.html", body, request=request)
        return Response.html(html, status=400)

    return inner


@hookimpl
def startup(datasette):
    """Datasette's default error handler prints every error's traceback with its locals through rich
    when rich is installed (frictionless brings it): 0.3-2 s of the event loop per error answer, so a
    few bad requests a second would stall every page. Without rich it prints a plain traceback, for
    server errors only."""
    from importlib import import_module

    import_module("datasette.handle_exception").rich = None


@hookimpl
def prepare_connection(conn):
    """Every connection Datasette opens gets the site's SQLite limits."""
    from scraper.site.limits import limit_connection

    limit_connection(conn)


# ---------------------------------------------------------------- pages, links, downloads


def downloads_dir(datasette) -> Path | None:
    for mount, directory in getattr(datasette, "static_mounts", []) or []:
        if mount == "downloads":
            return Path(directory)
    return None


def list_downloads(datasette) -> dict:
    directory = downloads_dir(datasette)
    if directory is None or not directory.is_dir():
        return {"files": [], "releases": []}
    files, releases = [], []
    for name in STABLE_DOWNLOADS:
        path = directory / name
        if path.is_file():
            files.append({"name": name, "url": f"/downloads/{name}", "size": path.stat().st_size})
    for path in sorted(directory.iterdir(), reverse=True):
        match = RELEASE_RE.match(path.name)
        if match and path.is_file():
            releases.append({"name": path.name, "date": match.group(1), "url": f"/downloads/{path.name}",
                             "size": path.stat().st_size})
    return {"files": files, "releases": releases}


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["safe_snippet"] = _mark_snippet


@hookimpl
def extra_template_vars(datasette, view_name):
    database = _site_database(datasette)
    return {
        "site_database": database,
        "site_downloads": list_downloads(datasette) if view_name in ("index", "database", "activity") else None,
        "site_human_size": human_size,
        "site_feeds": _feeds(datasette, database),
    }


def _feeds(datasette, database) -> list[dict]:
    if not database:
        return []
    queries = (datasette.metadata(database=database) or {}).get("queries") or {}
    feeds = []
    for name, extension in (("decisions_feed", "atom"), ("protocols_feed", "atom"), ("agendas_feed", "atom"),
                            ("meetings_calendar", "ics")):
        if name in queries:
            feeds.append({"title": queries[name].get("title", name), "url": f"/{database}/{name}.{extension}",
                          "kind": "Atom" if extension == "atom" else "iCal"})
    return feeds


@hookimpl
def extra_css_urls(datasette):
    return ["/-/meetings-site.css"] if _site_database(datasette) else []


@hookimpl
def menu_links(datasette):
    if not _site_database(datasette):
        return []
    links = [{"href": "/-/activity", "label": "Activity chart"}]
    if downloads_dir(datasette):
        links.append({"href": "/#downloads", "label": "Downloads"})
    return links


CHART_SQL = {
    "meetings": """select substr(m.date, 1, 7) as month, c.committee_id, c.name as committee, o.name as organisation,
  count(*) as n from meetings m join committees c on c.committee_id = m.committee_id
  join organisations o on o.organisation_id = c.organisation_id
  where m.status != 'cancelled' group by month, c.committee_id order by month""",
    "decisions": """select substr(m.date, 1, 7) as month, c.committee_id, c.name as committee, o.name as organisation,
  count(*) as n from paragraphs p join meetings m on m.meeting_id = p.meeting_id
  join committees c on c.committee_id = m.committee_id
  join organisations o on o.organisation_id = c.organisation_id
  where coalesce(p.decision_kind, '') != '' group by month, c.committee_id order by month""",
}


async def _meetings_database(datasette) -> str | None:
    """The first database served that has a meetings table."""
    for name in datasette.databases:
        if await datasette.get_database(name).table_exists("meetings"):
            return name
    return None


async def activity(datasette, request):
    from scraper.site.chart import colours_for, series_from_rows, stacked_bar_chart

    database = _site_database(datasette) or await _meetings_database(datasette)
    if database is None:
        return Response.html("No meetings database is served here.", status=404)
    db = datasette.get_database(database)
    this_month = date.today().strftime("%Y-%m")
    charts = []
    try:
        colours = colours_for(r[0] for r in (await db.execute("select committee_id from committees")).rows)
    except sqlite3.Error:
        colours = None
    for kind, unit, needs in (("meetings", "meeting", ("meetings", "committees", "organisations")),
                              ("decisions", "decision", ("paragraphs",))):
        if not all([await db.table_exists(t) for t in needs]):
            continue
        try:
            result = await db.execute(CHART_SQL[kind])
        except sqlite3.Error:
            continue
        months, series = series_from_rows(result.rows, "n")
        charts.append({
            "kind": kind,
            "title": f"{kind.capitalize()} per month and committee",
            "svg": stacked_bar_chart(months, series, title=f"{kind.capitalize()} per month and committee",
                                     unit=unit, today_month=this_month, colours=colours),
            "query": f"/{database}/{kind}_per_month",
            "rows": [{"month": m, "label": s.label, "count": s.counts[m]} for s in series for m in months
                     if s.counts.get(m)],
            "empty": not months,
        })
    html = await datasette.render_template(
        "activity.html", {"charts": charts, "database": database, "this_month": this_month}, request=request,
        view_name="activity")
    return Response.html(html)


KIND_NAMES = {"paragraph": "paragraf", "agenda item": "dagordningspunkt", "summary item": "sammanfattning",
              "document page": "sida i en handling", "document": "handling", "meeting": "sammanträde"}


async def search_page(datasette, request):
    """``/-/search?q=…`` (and ``/-/search.json``): search over everything, ranked (scraper/site/finder.py)."""
    from dataclasses import asdict

    from scraper.site.finder import COUNT_CAP, Filters, search
    from scraper.site.pages import hit_links

    database = _site_database(datasette) or await _meetings_database(datasette)
    if database is None:
        return Response.html("No meetings database is served here.", status=404)
    db = datasette.get_database(database)
    args = request.args
    filters = Filters(**{k: (args.get(k) or None) for k in ("organisation", "committee", "year", "kind")})
    query = (args.get("q") or "").strip()[:200]

    async def run(sql, params):
        return list((await db.execute(sql, params)).rows)

    results = await search(run, query, filters)
    hits = [{**asdict(hit), **hit_links(hit)} for hit in results.hits]
    if request.url_vars.get("format") == "json" or request.path.endswith(".json"):
        return Response.json({"query": query, "match": results.match, "total": results.total, "capped": results.capped,
                              "counts": results.counts, "hits": hits})
    json_url = request.path + ".json" + (f"?{request.query_string}" if request.query_string else "")
    organisations = [dict(zip(("organisation_id", "name"), row))
                     for row in await run("select organisation_id, name from organisations order by name", {})]
    committees = [dict(zip(("committee_id", "name"), row)) for row in await run(
        "select committee_id, name from committees where organisation_id = :o order by name",
        {"o": filters.organisation})] if filters.organisation else []
    html = await datasette.render_template("search.html", {
        "query": query, "results": results, "hits": hits, "filters": filters, "cap": COUNT_CAP, "json_url": json_url,
        "organisations": organisations, "committees": committees,
        "kinds": list(KIND_NAMES.items()), "kind_names": KIND_NAMES}, request=request, view_name="search")
    return Response.html(html)


async def site_css(request):
    return Response(CSS, content_type="text/css; charset=utf-8", headers={"cache-control": "max-age=3600"})


@hookimpl
def register_routes():
    from scraper.site.views import ROUTES

    return [(r"^/-/activity$", activity), (r"^/-/meetings-site\.css$", site_css), (r"^/-/search(\.json)?$", search_page),
            *ROUTES]
