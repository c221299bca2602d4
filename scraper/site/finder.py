"""Search over everything the site holds: paragraphs, agenda items, summary items, meetings and
documents, ranked, with highlighted snippets, fast at a million paragraphs.

Each searchable table has an FTS5 index (tokenizer ``unicode61 remove_diacritics 0``: å, ä and ö
stay apart from a and o). A query is read as plain words (``"…"`` phrases are kept), never as FTS
syntax a visitor could get wrong. For each table, the matches are ranked by relevance (FTS5's
bm25) within a window of the newest ``WINDOW`` matches (rows are stored oldest first, so the
newest have the highest rowids and the window is one range of them): a common word costs no more
than a rare one. The best rows of all tables are merged by rank; only the ``limit`` shown get
their snippet and details. The count of matches is exact up to ``COUNT_CAP`` and said as "more
than" above it.

``search`` takes a ``run(sql, params) -> rows`` function, so it works on a plain sqlite3
connection (tests, the bench) and inside Datasette (the site's ``/-/search`` page).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace

WINDOW = 2000  # newest matches of a table that are ranked by relevance
COUNT_CAP = 10_000  # matches counted exactly up to this many
PER_TABLE = 50  # best rows taken from each table before they are merged
SNIPPET_TOKENS = 24


@dataclass(frozen=True)
class Source:
    """A searchable table: what its rows are, and how to find their meeting, committee and date."""

    fts: str
    table: str
    kind: str
    title: str  # SQL expression over the table as t
    record_id: str  # column of t
    meeting: str  # SQL expression: the meeting id of t's row
    document: str = "null"  # SQL expression: the id of the document the row is read from (joined as d)
    page: str = "null"  # SQL expression: the page of that document where the row starts


SOURCES = (
    Source("paragraphs_fts", "paragraphs", "paragraph", "'§ ' || t.number || ' ' || t.title", "paragraph_id", "t.meeting_id",
           "t.document_id", "t.page"),
    Source("agenda_items_fts", "agenda_items", "agenda item", "t.title", "agenda_item_id", "t.meeting_id"),
    Source("summary_items_fts", "summary_items", "summary item", "t.title", "summary_item_id", "t.meeting_id",
           "t.document_id"),
    Source("document_pages_fts", "document_pages", "document page", "coalesce(d.title, t.document_id) || ', sidan ' || t.page",
           "document_id", "t.meeting_id", "t.document_id", "t.page"),
    Source("documents_fts", "documents", "document", "t.title", "document_id", "t.meeting_id", "t.document_id"),
    Source("meetings_fts", "meetings", "meeting", "t.title", "meeting_id", "t.meeting_id"),
)
KINDS = tuple(source.kind for source in SOURCES)


@dataclass
class Filters:
    organisation: str | None = None
    committee: str | None = None
    year: str | None = None
    kind: str | None = None

    def where(self) -> tuple[str, dict]:
        """Conditions on the meeting (m) and committee (c) of a hit, and their parameters."""
        clauses, params = [], {}
        if self.organisation:
            clauses.append("c.organisation_id = :organisation")
            params["organisation"] = self.organisation
        if self.committee:
            clauses.append("m.committee_id = :committee")
            params["committee"] = self.committee
        if self.year and re.fullmatch(r"\d{4}", self.year):
            clauses.append("substr(m.date, 1, 4) = :year")
            params["year"] = self.year
        return (" and ".join(clauses) or "1"), params


@dataclass
class Hit:
    kind: str
    record_id: str
    title: str
    snippet: str
    rank: float
    meeting_id: str | None = None
    date: str | None = None
    committee: str | None = None
    organisation: str | None = None
    url: str | None = None  # the meeting on the portal
    document_url: str | None = None  # the document the hit is read from
    page: int | None = None  # its page where the hit starts
    number: int | None = None  # a paragraph's number


@dataclass
class Results:
    query: str
    match: str
    hits: list[Hit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # per kind, up to COUNT_CAP
    capped: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_WORD = re.compile(r'"[^"]*"|[^\s"]+')


def match_expression(query: str) -> str:
    """The FTS5 expression of a visitor's words: each word (or quoted phrase) as a quoted string,
    all of them required; punctuation-only words are dropped."""
    terms = []
    for token in _WORD.findall(query or ""):
        text = token.strip('"')
        words = re.findall(r"\w+", text)
        if words:
            terms.append('"' + " ".join(words) + '"')
    return " ".join(terms[:20])


Run = Callable[[str, dict], Awaitable[list]]


async def _tables(run: Run) -> set[str]:
    return {row[0] for row in await run("select name from sqlite_master where type in ('table', 'view')", {})}


def _top_sql(source: Source, filters: Filters) -> tuple[str, dict]:
    """The ``PER_TABLE`` best matches of a table among its ``WINDOW`` newest that pass the filters."""
    where, params = filters.where()
    joins = "" if where == "1" else (
        f"join {source.table} t on t.rowid = f.rowid join meetings m on m.meeting_id = {source.meeting} "
        "join committees c on c.committee_id = m.committee_id")
    matches = f"from {source.fts} f {joins} where {source.fts} match :q and {where}"
    window = f"select min(rowid) from (select f.rowid as rowid {matches} order by f.rowid desc limit {WINDOW})"
    sql = f"select f.rowid, f.rank {matches} and f.rowid >= coalesce(({window}), 0) order by f.rank limit {PER_TABLE}"
    return sql, params


async def _count(run: Run, source: Source, filters: Filters, match: str) -> int:
    where, params = filters.where()
    params = {"q": match, **params}
    if where == "1":
        sql = f"select count(*) from (select rowid from {source.fts} where {source.fts} match :q limit {COUNT_CAP + 1})"
    else:
        sql = (f"select count(*) from (select f.rowid from {source.fts} f join {source.table} t on t.rowid = f.rowid "
               f"join meetings m on m.meeting_id = {source.meeting} join committees c on c.committee_id = m.committee_id "
               f"where {source.fts} match :q and {where} limit {COUNT_CAP + 1})")
    return (await run(sql, params))[0][0]


async def _details(run: Run, source: Source, rowid: int, rank: float, match: str, documents: bool) -> Hit:
    if not documents:  # a database without a documents table: no document links
        source = replace(source, document="null", page="null",
                         title=source.title.replace("coalesce(d.title, t.document_id)", "t.document_id"))
    row = (await run(
        f"select {source.title}, snippet({source.fts}, -1, '«', '»', '…', {SNIPPET_TOKENS}), t.{source.record_id}, "
        f"m.meeting_id, m.date, c.name, o.name, m.url, {'d.url' if source.document != 'null' else 'null'}, {source.page}, {_number(source)} "
        f"from {source.fts} join {source.table} t on t.rowid = {source.fts}.rowid "
        f"left join meetings m on m.meeting_id = {source.meeting} left join committees c on c.committee_id = m.committee_id "
        f"left join organisations o on o.organisation_id = c.organisation_id "
        f"{'left join documents d on d.document_id = ' + source.document if source.document != 'null' else ''} "
        f"where {source.fts} match :q and {source.fts}.rowid = :rowid", {"q": match, "rowid": rowid}))[0]
    return Hit(source.kind, row[2], row[0], row[1], rank, *row[3:11])


def _number(source: Source) -> str:
    """The paragraph number of a paragraph hit (the meeting page's anchor), else null."""
    return "t.number" if source.table == "paragraphs" else "null"


async def search(run: Run, query: str, filters: Filters | None = None, limit: int = 20) -> Results:
    """The best ``limit`` hits for ``query`` over every searchable table present (see the module docstring)."""
    filters = filters or Filters()
    results = Results(query, match_expression(query))
    if not results.match:
        return results
    present = await _tables(run)
    ranked: list[tuple[float, Source, int]] = []
    for source in SOURCES:
        if filters.kind and filters.kind != source.kind:
            continue
        if not {source.fts, source.table, "meetings", "committees"} <= present:
            continue
        sql, params = _top_sql(source, filters)
        ranked.extend((row[1], source, row[0]) for row in await run(sql, {"q": results.match, **params}))
        results.counts[source.kind] = await _count(run, source, filters, results.match)
    results.capped = any(count > COUNT_CAP for count in results.counts.values())
    ranked.sort(key=lambda item: (item[0], item[1].kind, item[2]))
    for rank, source, rowid in ranked[:limit]:
        results.hits.append(await _details(run, source, rowid, rank, results.match, "documents" in present))
    return results


def sqlite_runner(conn) -> Run:
    """A ``run`` function over a plain sqlite3 connection."""
    async def run(sql: str, params: dict) -> list:
        return conn.execute(sql, params).fetchall()
    return run


def kinds(values: Iterable[str]) -> list[str]:
    return [value for value in values if value in KINDS]
