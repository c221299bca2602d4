"""Canned queries for the Datasette site, each registered only when the tables it reads exist.

``canned_queries(tables)`` takes the database's tables (name -> column names) and returns the
``queries`` block of Datasette's metadata. A query whose tables or columns are missing is left
out, so the site never offers a query that fails; ``skipped_queries`` says which and why.

Conventions of the SQL below:

- dates are ISO text; "today" is ``date('now', 'localtime')`` unless a parameter gives a date;
- optional parameters are empty strings when not given (``coalesce(:p, '') = ''``);
- full-text search goes through ``escape_fts()`` (registered by Datasette), so a query string
  is always a list of terms and never FTS syntax: ``"unbalanced`` or ``AND OR`` cannot fail;
- feeds return the columns datasette-atom (``atom_*``) and datasette-ics (``event_*``) read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..database import CASE_RESOURCES

Tables = dict[str, set[str]]

FEED_ID_PREFIX = "tag:meetings-open-data,2025:"
TIMEZONE = "Europe/Stockholm"
# FTS5 returns no row (and no error) for an empty phrase; escape_fts('') is '' which is a syntax error.
_SAFE_MATCH = "coalesce(nullif(escape_fts(coalesce(:q, '')), ''), '\"\"')"
_COMMITTEE_FILTER = "(coalesce(:committee_id, '') = '' or m.committee_id = :committee_id)"
_MEETING_JOINS = """join meetings m on m.meeting_id = {alias}.meeting_id
join committees c on c.committee_id = m.committee_id
join organisations o on o.organisation_id = c.organisation_id"""


def _joins(alias: str) -> str:
    return _MEETING_JOINS.format(alias=alias)


def _feed_id(kind: str, column: str) -> str:
    """An Atom entry id (an IRI): the record key with the characters IRIs reserve escaped."""
    return (f"'{FEED_ID_PREFIX}{kind}/' || replace(replace(replace({column}, '%', '%25'), '#', '%23'), ' ', '%20')")


def case_match(alias: str, resource: str, tables: Tables) -> str:
    """True when :case_number is one of the '; '-separated case numbers of the row (case and spaces
    ignored): through the ``case_numbers`` table and its index where the database has it."""
    key = "replace(upper(trim(coalesce(:case_number, ''))), ' ', '')"
    if "case_numbers" in tables:
        return (f"{alias}.{CASE_RESOURCES[resource]} in (select record_id from case_numbers "
                f"where case_key = {key} and resource = '{resource}') and {key} != ''")
    return f"instr(';' || replace(upper({alias}.case_number), ' ', '') || ';', ';' || {key} || ';') > 0 and {key} != ''"


@dataclass
class Query:
    name: str
    title: str
    description: str
    requires: dict[str, tuple[str, ...]]
    sql: str | Callable[[Tables], str]
    extra: dict = field(default_factory=dict)

    def missing(self, tables: Tables) -> list[str]:
        out = []
        for table, columns in self.requires.items():
            if table not in tables:
                out.append(table)
            else:
                out += [f"{table}.{c}" for c in columns if c not in tables[table]]
        return out

    def spec(self, tables: Tables) -> dict:
        sql = self.sql(tables) if callable(self.sql) else self.sql
        return {"title": self.title, "description": self.description, "sql": sql.strip(), **self.extra}


MEETINGS = ("meeting_id", "committee_id", "date", "status", "title", "url")
COMMITTEES = ("committee_id", "organisation_id", "name")
ORGANISATIONS = ("organisation_id", "name")
BASE = {"meetings": MEETINGS, "committees": COMMITTEES, "organisations": ORGANISATIONS}
CHANGES = ("change_id", "resource", "record_id", "kind", "field", "old_value", "new_value", "commit",
           "committed_at", "made_by", "committee_id", "meeting_id")
# Changes the portal made (or a person), not the parser reading stored texts again.
FROM_PORTAL = "ch.made_by != 'reparse'"
PARAGRAPHS = ("paragraph_id", "meeting_id", "number", "title", "case_number", "decision", "decision_kind")
VOTES = ("vote_id", "paragraph_id", "meeting_id", "ordinal", "name", "party", "vote", "person_id")
VOTE_RESULTS = ("vote_result_id", "paragraph_id", "meeting_id", "ordinal", "kind", "yes_means", "no_means", "yes", "no",
                "abstained", "named_yes", "named_no", "named_abstained", "outcome", "casting_vote")
RECUSALS = ("recusal_id", "paragraph_id", "meeting_id", "name", "party", "person_id", "text")
PEOPLE = ("person_id", "organisation_id", "name", "party", "parties", "first_seen", "last_seen", "meetings",
          "possible_duplicates")
_PRINTED_OR_NAMED = "coalesce(vr.{0}, vr.named_{0})"
# The columns that say where a record of a paragraph stands, and the joins they need.
_PARAGRAPH_COLUMNS = "m.date, o.name as organisation, c.name as committee, p.number as paragraph, p.title"


def _paragraph_joins(alias: str) -> str:
    return f"join paragraphs p on p.paragraph_id = {alias}.paragraph_id\n" + _joins(alias)


def _with(**more: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {**BASE, **more}


# ---------------------------------------------------------------- search


SEARCHABLE = {
    # FTS table -> (kind label, base table, date expression, title expression, link id expression, joins)
    "paragraphs_fts": ("paragraph", "paragraphs", "m.date", "'§ ' || t.number || ' ' || t.title", "t.paragraph_id",
                       _joins("t")),
    "summary_items_fts": ("summary item", "summary_items", "m.date", "t.title", "t.summary_item_id", _joins("t")),
    "agenda_items_fts": ("agenda item", "agenda_items", "m.date", "t.title", "t.agenda_item_id", _joins("t")),
    "meetings_fts": ("meeting", "meetings", "t.date", "t.title", "t.meeting_id",
                     "join meetings m on m.meeting_id = t.meeting_id\n"
                     "join committees c on c.committee_id = t.committee_id\n"
                     "join organisations o on o.organisation_id = c.organisation_id"),
    "documents_fts": ("document", "documents", "m.date", "t.title", "t.document_id", _joins("t")),
}


def _search_sql(tables: Tables) -> str:
    parts = []
    for fts, (kind, base, date_expr, title_expr, id_expr, joins) in SEARCHABLE.items():
        if fts not in tables or base not in tables:
            continue
        parts.append(f"""select '{kind}' as kind, {date_expr} as date, o.name as organisation, c.name as committee,
  {title_expr} as title, snippet({fts}, -1, '«', '»', '…', 24) as snippet, {id_expr} as record_id,
  m.meeting_id, m.url, {fts}.rank as _rank
from {fts} join {base} t on t.rowid = {fts}.rowid
{joins}
where {fts} match {_SAFE_MATCH}""")
    columns = "kind, date, organisation, committee, title, snippet, record_id, meeting_id, url"
    return (f"select {columns} from (\n" + "\nunion all\n".join(parts) + "\n)\norder by date desc, _rank\nlimit 200")


def _search_requires(tables: Tables) -> bool:
    return any(fts in tables and SEARCHABLE[fts][1] in tables for fts in SEARCHABLE)


# ---------------------------------------------------------------- the queries


def _last_change(tables: Tables, resource: str, id_expr: str, fallback: str) -> str:
    """When a record was published or last corrected: the time of the last commit that added or
    changed it if the history is there (``changes``), else ``fallback``. RFC 3339, as Atom wants;
    a corrected protocol or decision comes back to the top of the feed with the same entry id."""
    if "changes" not in tables:
        return fallback
    return (f"coalesce((select max(ch.committed_at) from changes ch where ch.resource = '{resource}' "
            f"and ch.record_id = {id_expr} and ch.kind in ('added', 'changed') and {FROM_PORTAL}), {fallback})")


def _decisions_feed_sql(tables: Tables) -> str:
    updated = _last_change(tables, "paragraphs", "p.paragraph_id", "m.date || 'T00:00:00Z'")
    return f"""select {_feed_id('paragraph', 'p.paragraph_id')} as atom_id,
  c.name || ' ' || m.date || ', § ' || p.number || ': ' || p.title as atom_title,
  {updated} as atom_updated,
  coalesce(p.decision, '(no decision text)') || char(10) || char(10)
    || 'Beslutstyp: ' || coalesce(nullif(p.decision_kind, ''), '-') || char(10)
    || 'Diarienummer: ' || coalesce(nullif(p.case_number, ''), '-') || char(10)
    || o.name || ', ' || c.name || ', ' || m.title as atom_content,
  m.url as atom_link
from paragraphs p
{_joins('p')}
where {_COMMITTEE_FILTER} and coalesce(p.decision_kind, '') != ''
order by atom_updated desc, m.date desc, p.number desc
limit 100"""


def _protocols_feed_sql(tables: Tables) -> str:
    updated = _last_change(tables, "documents", "d.document_id", "m.date || 'T00:00:00Z'")
    return f"""select {_feed_id('document', 'd.document_id')} as atom_id,
  c.name || ' ' || m.date || ': ' || d.title as atom_title,
  {updated} as atom_updated,
  o.name || ', ' || c.name || ', ' || m.title || char(10) || 'Protokoll: ' || d.url as atom_content,
  m.url as atom_link
from documents d
{_joins('d')}
where d.kind = 'protokoll' and {_COMMITTEE_FILTER}
order by atom_updated desc, m.date desc, d.document_id
limit 100"""


_FROM_DATE = "coalesce(nullif(trim(coalesce(:from_date, '')), ''), date('now', 'localtime', '-30 days'))"


def _calendar_sql(tables: Tables) -> str:
    """Meetings from :from_date on and, where the notices are there, the last days to appeal their decisions."""
    meetings = f"""select c.name || ' (' || o.name || '): ' || m.title as event_name,
  m.date || 'T' || coalesce(m.start_time, '00:00') || ':00' as event_dtstart,
  case when m.start_time is null then date(m.date, '+1 day') || 'T00:00:00' end as event_dtend,
  '{TIMEZONE}' as event_tzid,
  m.meeting_id || '@meetings-open-data' as event_uid,
  m.url || coalesce(char(10) || char(10) || m.description, '') as event_description
from meetings m
join committees c on c.committee_id = m.committee_id
join organisations o on o.organisation_id = c.organisation_id
where m.status != 'cancelled' and {_COMMITTEE_FILTER}
  and m.date >= {_FROM_DATE}"""
    if not NOTICES_QUERY.issubset(tables.get("notices", set())):
        return meetings + "\norder by m.date, m.start_time"
    deadlines = f"""select 'Sista dag att överklaga: ' || c.name || ' ' || m.date || ' (' || o.name || ')' as event_name,
  a.appeal_deadline || 'T00:00:00' as event_dtstart,
  date(a.appeal_deadline, '+1 day') || 'T00:00:00' as event_dtend,
  '{TIMEZONE}' as event_tzid,
  'appeal-' || m.meeting_id || '@meetings-open-data' as event_uid,
  'Protokollet justerat, anslaget ' || a.posted || ': ' || a.url || char(10) || char(10) || m.url as event_description
from ({_ADJUSTED_SQL}) a
join meetings m on m.meeting_id = a.meeting_id
join committees c on c.committee_id = m.committee_id
join organisations o on o.organisation_id = c.organisation_id
where {_COMMITTEE_FILTER} and a.appeal_deadline >= {_FROM_DATE}"""
    return f"{meetings}\nunion all\n{deadlines}\norder by event_dtstart, event_name"


# ---------------------------------------------------------------- the appeal clock

NOTICES_QUERY = {"notice_id", "meeting_id", "kind", "posted", "appeal_deadline", "url"}
_TODAY = "coalesce(nullif(trim(coalesce(:today, '')), ''), date('now', 'localtime'))"
# Per meeting, its latest notice that the protocol was adjusted (a paragraph adjusted at once may have had an earlier one).
_ADJUSTED_SQL = """select n.meeting_id, n.posted, n.appeal_deadline, n.url, n.notice_id
  from notices n
  where n.kind = 'protocol_adjusted' and n.meeting_id is not null and n.appeal_deadline is not null
    and n.notice_id = (select n2.notice_id from notices n2 where n2.meeting_id = n.meeting_id
                       and n2.kind = 'protocol_adjusted' and n2.appeal_deadline is not null
                       order by n2.appeal_deadline desc, n2.posted desc, n2.notice_id desc limit 1)"""


def _open_to_appeal_sql(feed: bool) -> str:
    columns = """a.appeal_deadline, a.posted as adjustment_announced, o.name as organisation, c.name as committee,
  m.date, p.number as paragraph, p.title, p.case_number, p.decision_kind, p.decision, p.immediately_adjusted,
  p.paragraph_id, m.meeting_id, a.url as notice_url, m.url"""
    if feed:
        columns = f"""{_feed_id('appeal', 'p.paragraph_id')} as atom_id,
  c.name || ' ' || m.date || ', § ' || p.number || ': ' || p.title || ' (överklaga senast ' || a.appeal_deadline || ')'
    as atom_title,
  a.posted || 'T00:00:00Z' as atom_updated,
  coalesce(p.decision, '(no decision text)') || char(10) || char(10)
    || 'Sista dag för överklagande (laglighetsprövning): ' || a.appeal_deadline || char(10)
    || 'Justeringen tillkännagiven på anslagstavlan: ' || a.posted || ' (' || a.url || ')' || char(10)
    || o.name || ', ' || c.name || ', ' || m.title as atom_content,
  m.url as atom_link"""
    return f"""select {columns}
from paragraphs p
join ({_ADJUSTED_SQL}) a on a.meeting_id = p.meeting_id
{_joins('p')}
where a.posted <= {_TODAY} and a.appeal_deadline >= {_TODAY} and {_COMMITTEE_FILTER}
order by {'atom_updated desc, ' if feed else ''}a.appeal_deadline, m.date, p.number
limit 1000"""


APPEAL_QUERIES = [
    Query(
        "open_to_appeal", "Decisions still open to appeal",
        "Decisions (protocol paragraphs) of meetings whose protocol was announced as adjusted on the bulletin "
        "board and whose last day to appeal (laglighetsprövning, Kommunallagen 13 kap. 5 §: three weeks from the "
        "day the notice was posted, moved on past weekends and holidays) is today or later: soonest deadline "
        "first. :today (YYYY-MM-DD) asks as of another day; add ?committee_id=… for one committee.",
        _with(paragraphs=PARAGRAPHS + ("immediately_adjusted",), notices=tuple(sorted(NOTICES_QUERY))),
        _open_to_appeal_sql(feed=False),
    ),
    Query(
        "open_to_appeal_feed", "Decisions open to appeal",
        "Atom feed of the decisions still open to appeal, with their last day to appeal, the latest announced "
        "first; add ?committee_id=… for one committee. Subscribe to /{database}/open_to_appeal_feed.atom.",
        _with(paragraphs=PARAGRAPHS + ("immediately_adjusted",), notices=tuple(sorted(NOTICES_QUERY))),
        _open_to_appeal_sql(feed=True),
        {"hide_sql": True},
    ),
]
QUERIES: list[Query] = [
    Query(
        "search", "Search titles, decisions and texts",
        "Full-text search over agenda items, meetings, documents and, where present, protocol paragraphs "
        "(title, case number, decision, text) and summary items. Words are matched whole, å, ä and ö are "
        "distinct letters (\"för\" does not find \"for\"); every word must occur. Quotes, AND, OR, NOT and "
        "other search syntax are taken as plain words. Newest first.",
        {"meetings": MEETINGS, "committees": COMMITTEES, "organisations": ORGANISATIONS},
        _search_sql,
        {"hide_sql": True},
    ),
    Query(
        "latest_decisions", "Latest decisions",
        "Decisions (beslut) from protocol paragraphs, newest meeting first: what was decided, the case number "
        "(diarienummer) and the kind of decision.",
        _with(paragraphs=PARAGRAPHS),
        f"""select m.date, o.name as organisation, c.name as committee, p.number as paragraph, p.title,
  p.case_number, p.decision_kind, p.decision, p.paragraph_id, p.meeting_id, m.url
from paragraphs p
{_joins('p')}
where coalesce(p.decision_kind, '') != '' and {_COMMITTEE_FILTER}
order by m.date desc, p.number
limit 200""",
    ),
    Query(
        "latest_agenda_items", "Latest agenda items",
        "Items (ärenden) on the agendas of the latest meetings that have taken place, newest first, with their "
        "case numbers: what the committees dealt with, including meetings whose protocol is not out yet.",
        _with(agenda_items=("agenda_item_id", "meeting_id", "ordinal", "number", "title", "case_number")),
        f"""select m.date, o.name as organisation, c.name as committee, a.number, a.title, a.case_number,
  m.protocol_published, a.meeting_id, m.url
from agenda_items a
{_joins('a')}
where m.status != 'cancelled' and m.date <= date('now', 'localtime') and {_COMMITTEE_FILTER}
order by m.date desc, a.ordinal
limit 200""",
    ),
    Query(
        "decisions_on_case", "Decisions on a case number",
        "Every decision on one case (diarienummer) across committees and meetings, oldest first: follow a "
        "matter from the committee that prepared it to the council that decided it. Case and spaces are "
        "ignored (\"rs 912-2025\" finds \"RS 912-2025\").",
        _with(paragraphs=PARAGRAPHS),
        lambda tables: f"""select m.date, o.name as organisation, c.name as committee, p.number as paragraph, p.title,
  p.case_number, p.decision_kind, p.decision, p.paragraph_id, p.meeting_id, m.url
from paragraphs p
{_joins('p')}
where {case_match('p', 'paragraphs', tables)}
order by m.date, p.number""",
    ),
    Query(
        "items_on_case", "Agenda items on a case number",
        "Every agenda item with one case number (diarienummer) across committees and meetings, oldest first. "
        "Case and spaces are ignored.",
        _with(agenda_items=("agenda_item_id", "meeting_id", "ordinal", "number", "title", "case_number")),
        lambda tables: f"""select m.date, o.name as organisation, c.name as committee, a.number, a.title, a.case_number, m.status,
  m.protocol_published, a.meeting_id, m.url
from agenda_items a
{_joins('a')}
where {case_match('a', 'agenda_items', tables)}
order by m.date, a.ordinal""",
    ),
    Query(
        "reservations_by_party", "Reservations by party",
        "How often each party reserved itself against a decision (reservation), per committee. Optional: "
        "one party (e.g. SD).",
        _with(reservations=("paragraph_id", "meeting_id", "name", "party")),
        f"""select coalesce(nullif(r.party, ''), '(no party given)') as party, o.name as organisation,
  c.name as committee, count(*) as reservations, count(distinct r.paragraph_id) as decisions,
  min(m.date) as first, max(m.date) as latest
from reservations r
{_joins('r')}
where coalesce(:party, '') = '' or upper(r.party) = upper(trim(:party))
group by 1, c.committee_id
order by reservations desc, party""",
    ),
    Query(
        "party_reservations", "Reservations of a party",
        "Each reservation with the decision it was made against, newest first. Optional: one party (e.g. M).",
        _with(reservations=("paragraph_id", "meeting_id", "name", "party"), paragraphs=PARAGRAPHS),
        f"""select m.date, o.name as organisation, c.name as committee, r.party, r.name, p.number as paragraph,
  p.title, p.case_number, p.decision, p.paragraph_id, r.meeting_id, m.url
from reservations r
join paragraphs p on p.paragraph_id = r.paragraph_id
{_joins('r')}
where coalesce(:party, '') = '' or upper(r.party) = upper(trim(:party))
order by m.date desc, p.number, r.party, r.name""",
    ),
    Query(
        "meetings_without_protocol", "Meetings without a published protocol",
        "Meetings that took place at least :days days ago (default 14) and whose protocol (protokoll) is "
        "still not published on the portal, oldest first. Cancelled meetings are left out.",
        _with(meetings=MEETINGS + ("protocol_published", "agenda_published", "document_count")),
        """select m.date, cast(julianday('now', 'localtime') - julianday(m.date) as integer) as days_ago,
  o.name as organisation, c.name as committee, m.title, m.status, m.agenda_published, m.document_count,
  m.meeting_id, m.url
from meetings m
join committees c on c.committee_id = m.committee_id
join organisations o on o.organisation_id = c.organisation_id
where m.protocol_published = 0 and m.status != 'cancelled'
  and m.date <= date('now', 'localtime', '-' || (case when trim(coalesce(:days, '')) = '' then 14
                                                     else abs(cast(:days as integer)) end) || ' days')
order by m.date""",
    ),
    Query(
        "changes_this_week", "What changed this week",
        "Every change the portal made to the data in the last 7 days (or since the date :since, YYYY-MM-DD): "
        "records added and removed, and each changed field with its old and new value, newest first. Records "
        "the parser read again from stored texts (made_by reparse) are left out.",
        {"changes": CHANGES, "committees": COMMITTEES},
        f"""select ch.committed_at, ch.resource, ch.kind, ch.field, ch.old_value, ch.new_value, ch.record_id,
  c.name as committee, ch.committee_id, ch.meeting_id, ch."commit", ch.made_by
from changes ch
left join committees c on c.committee_id = ch.committee_id
where julianday(ch.committed_at) >= coalesce(julianday(nullif(trim(coalesce(:since, '')), '')),
                                             julianday('now', '-7 days'))
  and {FROM_PORTAL}
order by ch.committed_at desc, ch.resource, ch.record_id, ch.field
limit 1000""",
    ),
    Query(
        "corrected_protocols", "Corrected protocols",
        "Protocols whose file was replaced after publication, with the paragraphs that changed and, where the "
        "protocol prints a correction notice (rättelse), the paragraphs it names. Newest correction first.",
        {"changes": CHANGES, "documents": ("document_id", "meeting_id", "kind", "title", "url"),
         "corrections": ("document_id", "paragraph"),
         "meetings": MEETINGS, "committees": COMMITTEES, "organisations": ORGANISATIONS},
        f"""select ch.committed_at as corrected_at, o.name as organisation, c.name as committee, m.date, d.title,
  (select group_concat('§ ' || substr(pc.record_id, instr(pc.record_id, '§') + 1), ', ')
     from (select distinct record_id from changes pc2 where pc2.resource = 'paragraphs' and pc2."commit" = ch."commit"
           and pc2.meeting_id = d.meeting_id and pc2.kind = 'changed' and pc2.field != 'page') pc) as paragraphs_changed,
  (select group_concat('§ ' || co.paragraph, ', ') from corrections co where co.document_id = d.document_id) as notice_names,
  d.document_id, m.url, ch."commit"
from changes ch
join documents d on d.document_id = ch.record_id
{_joins('d')}
where ch.resource = 'documents' and ch.field = 'sha256' and ch.kind = 'changed' and d.kind = 'protokoll'
  and {_COMMITTEE_FILTER}
order by ch.committed_at desc
limit 200""",
    ),
    Query(
        "cancelled_meetings", "Cancelled meetings",
        "Meetings the portal marks as cancelled (inställt), or that vanished from the portal's list while still "
        "upcoming, newest first, with when the data first showed them as cancelled.",
        {"meetings": MEETINGS, "committees": COMMITTEES, "organisations": ORGANISATIONS, "changes": CHANGES},
        """select m.date, o.name as organisation, c.name as committee, m.title,
  (select min(ch.committed_at) from changes ch where ch.resource = 'meetings' and ch.record_id = m.meeting_id
     and ((ch.field = 'status' and ch.new_value = 'cancelled') or ch.kind = 'added')) as cancelled_seen_at,
  m.meeting_id, m.url
from meetings m
join committees c on c.committee_id = m.committee_id
join organisations o on o.organisation_id = c.organisation_id
where m.status = 'cancelled'
order by m.date desc""",
    ),
    Query(
        "meeting_history", "History of one meeting",
        "Every change to one meeting (:meeting_id) and to its agenda items, documents, paragraphs and other "
        "records, oldest first: when the agenda and the protocol appeared, corrections, cancellation, removals.",
        {"changes": CHANGES},
        """select ch.committed_at, ch.resource, ch.kind, ch.field, ch.old_value, ch.new_value, ch.record_id, ch."commit",
  ch.made_by
from changes ch
where ch.meeting_id = :meeting_id or ch.record_id = :meeting_id
order by ch.committed_at, ch.resource, ch.record_id, ch.field""",
    ),
    Query(
        "changes_feed", "Feed of changes",
        "Atom feed of the changes the portal made to the data, one entry per commit and committee, newest "
        "first; add ?committee_id=… for one committee. Subscribe to /{database}/changes_feed.atom.",
        {"changes": CHANGES, "commits": ("commit", "committed_at", "message"), "committees": COMMITTEES},
        f"""select 'tag:meetings-open-data,2025:change:' || ch."commit" || ':' || coalesce(ch.committee_id, '-') as atom_id,
  coalesce(c.name, 'Data') || ': ' || substr(cm.message, 1, instr(cm.message || char(10), char(10)) - 1) as atom_title,
  max(ch.committed_at) as atom_updated,
  cm.message || char(10) || char(10) || count(*) || ' changed values and records' as atom_content
from changes ch
join commits cm on cm."commit" = ch."commit"
left join committees c on c.committee_id = ch.committee_id
where (coalesce(:committee_id, '') = '' or ch.committee_id = :committee_id) and {FROM_PORTAL}
group by ch."commit", ch.committee_id
order by atom_updated desc
limit 100""",
        {"hide_sql": True},
    ),
    Query(
        "upcoming_meetings", "Upcoming meetings",
        "Meetings from today (or from the date :from_date, YYYY-MM-DD) on, soonest first, with whether the "
        "agenda (kallelse) is out. Cancelled meetings are listed with status cancelled.",
        _with(meetings=MEETINGS + ("start_time", "agenda_published", "agenda_item_count", "document_count")),
        """select m.date, m.start_time, o.name as organisation, c.name as committee, m.title, m.status,
  m.agenda_published, m.agenda_item_count, m.document_count, m.meeting_id, m.url
from meetings m
join committees c on c.committee_id = m.committee_id
join organisations o on o.organisation_id = c.organisation_id
where m.date >= coalesce(nullif(trim(coalesce(:from_date, '')), ''), date('now', 'localtime'))
order by m.date, m.start_time, c.name""",
    ),
    Query(
        "meetings_per_month", "Meetings per month and committee",
        "Number of meetings (held or planned, not cancelled) per month and committee: the data behind the "
        "chart at /-/activity.",
        BASE,
        """select substr(m.date, 1, 7) as month, c.committee_id, c.name as committee, o.name as organisation,
  count(*) as meetings
from meetings m
join committees c on c.committee_id = m.committee_id
join organisations o on o.organisation_id = c.organisation_id
where m.status != 'cancelled'
group by month, c.committee_id
order by month, c.committee_id""",
    ),
    Query(
        "decisions_per_month", "Decisions per month and committee",
        "Number of decisions (protocol paragraphs with a decision) per month of the meeting and committee.",
        _with(paragraphs=PARAGRAPHS),
        f"""select substr(m.date, 1, 7) as month, c.committee_id, c.name as committee, o.name as organisation,
  count(*) as decisions
from paragraphs p
{_joins('p')}
where coalesce(p.decision_kind, '') != ''
group by month, c.committee_id
order by month, c.committee_id""",
    ),
    Query(
        "decisions_feed", "New decisions",
        "Atom feed of decisions, the latest published or corrected first; add ?committee_id=… for one committee. "
        "Subscribe to /{database}/decisions_feed.atom?committee_id=region-vasterbotten/regionstyrelsen.",
        _with(paragraphs=PARAGRAPHS),
        _decisions_feed_sql,
        {"hide_sql": True},
    ),
    Query(
        "protocols_feed", "New protocols",
        "Atom feed of protocols (protokoll), the latest published or corrected first; add ?committee_id=… for "
        "one committee.",
        _with(documents=("document_id", "meeting_id", "kind", "title", "url")),
        _protocols_feed_sql,
        {"hide_sql": True},
    ),
    Query(
        "agendas_feed", "New agendas",
        "Atom feed of meeting agendas (kallelse) with their items, newest meeting first; add "
        "?committee_id=… for one committee.",
        _with(meetings=MEETINGS + ("agenda_published", "start_time"),
              agenda_items=("meeting_id", "ordinal", "number", "title")),
        f"""select {_feed_id('agenda', 'm.meeting_id')} as atom_id,
  c.name || ' ' || m.date || ': ' || m.title as atom_title,
  m.date || 'T00:00:00Z' as atom_updated,
  o.name || ', ' || c.name || ', ' || m.date || coalesce(' ' || m.start_time, '') || char(10) || char(10)
    || coalesce((select group_concat(coalesce(a.number || '. ', '') || a.title, char(10))
                 from (select * from agenda_items a where a.meeting_id = m.meeting_id order by a.ordinal) a), '')
    as atom_content,
  m.url as atom_link
from meetings m
join committees c on c.committee_id = m.committee_id
join organisations o on o.organisation_id = c.organisation_id
where m.agenda_published = 1 and m.status != 'cancelled' and {_COMMITTEE_FILTER}
order by m.date desc
limit 100""",
        {"hide_sql": True},
    ),
    Query(
        "meetings_calendar", "Meetings calendar",
        f"iCalendar feed of meetings from 30 days ago (or from :from_date) on, in {TIMEZONE} time; add "
        "?committee_id=… for one committee. Subscribe to /{database}/meetings_calendar.ics. Meetings "
        "without a start time are whole-day events; cancelled meetings are left out. Where the bulletin "
        "board is read, the last day to appeal each meeting's decisions is a whole-day event too.",
        _with(meetings=MEETINGS + ("start_time", "description")),
        _calendar_sql,
        {"hide_sql": True},
    ),
    Query(
        "member_votes", "How a member voted",
        "Every roll-call vote (omröstning) of one person (:person_id, see the people table, e.g. "
        "region-vasterbotten/anna-exempelsson), newest first: the paragraph, what a yes and a no meant, how they "
        "voted, the outcome and the decision.",
        _with(votes=VOTES, vote_results=VOTE_RESULTS, paragraphs=PARAGRAPHS),
        f"""select {_PARAGRAPH_COLUMNS}, v.ordinal, v.vote,
  v.name, v.party, vr.yes_means, vr.no_means, vr.outcome, p.decision, v.paragraph_id, v.meeting_id, m.url
from votes v
left join vote_results vr on vr.paragraph_id = v.paragraph_id and vr.ordinal = v.ordinal
{_paragraph_joins('v')}
where v.person_id = :person_id
order by m.date desc, p.number, v.ordinal""",
    ),
    Query(
        "votes_per_party", "Votes per party",
        "How each party voted in each roll-call vote (omröstning): ja, nej, avstår and frånvarande per party, newest "
        "first; add ?committee_id=… for one committee.",
        _with(votes=VOTES, paragraphs=PARAGRAPHS),
        f"""select {_PARAGRAPH_COLUMNS}, v.ordinal,
  coalesce(nullif(v.party, ''), '(no party given)') as party, sum(v.vote = 'ja') as ja, sum(v.vote = 'nej') as nej,
  sum(v.vote = 'avstår') as "avstår", sum(v.vote = 'frånvarande') as "frånvarande", v.paragraph_id, m.url
from votes v
{_paragraph_joins('v')}
where {_COMMITTEE_FILTER}
group by v.paragraph_id, v.ordinal, 7
order by m.date desc, p.number, v.ordinal, party""",
    ),
    Query(
        "close_votes", "Close votes",
        "Votes (omröstningar, open or closed) won by two votes or fewer, or decided by the chair's casting vote "
        "(utslagsröst), newest first. The counts are the printed ones, else those counted from the names.",
        _with(vote_results=VOTE_RESULTS, paragraphs=PARAGRAPHS),
        f"""select {_PARAGRAPH_COLUMNS}, vr.ordinal, vr.kind,
  {_PRINTED_OR_NAMED.format('yes')} as yes, {_PRINTED_OR_NAMED.format('no')} as no,
  {_PRINTED_OR_NAMED.format('abstained')} as abstained,
  abs({_PRINTED_OR_NAMED.format('yes')} - {_PRINTED_OR_NAMED.format('no')}) as margin, vr.casting_vote, vr.yes_means,
  vr.no_means, vr.outcome, p.decision, vr.vote_result_id, m.url
from vote_results vr
{_paragraph_joins('vr')}
where (vr.casting_vote = 1 or abs({_PRINTED_OR_NAMED.format('yes')} - {_PRINTED_OR_NAMED.format('no')}) <= 2)
  and {_COMMITTEE_FILTER}
order by m.date desc, p.number, vr.ordinal""",
    ),
    Query(
        "recusals", "Conflicts of interest",
        "Members who declared a conflict of interest (jäv) and took no part in a matter, with the paragraph, newest "
        "first. Optional: one person (:person_id).",
        _with(recusals=RECUSALS, paragraphs=PARAGRAPHS),
        f"""select {_PARAGRAPH_COLUMNS}, r.name, r.party,
  r.text, r.person_id, r.paragraph_id, m.url
from recusals r
{_paragraph_joins('r')}
where (coalesce(:person_id, '') = '' or r.person_id = :person_id) and {_COMMITTEE_FILTER}
order by m.date desc, p.number, r.name""",
    ),
    Query(
        "possible_duplicate_people", "Possible duplicate people",
        "Pairs of people of one organisation whose names differ only by a middle name, a hyphen or one letter: maybe "
        "one person spelt two ways, maybe two people. Check the protocols before treating them as one; the data never "
        "merges them.",
        {"people": PEOPLE},
        """select a.organisation_id, a.name, a.parties, a.first_seen, a.last_seen, a.meetings, b.name as other_name,
  b.parties as other_parties, b.first_seen as other_first_seen, b.last_seen as other_last_seen,
  b.meetings as other_meetings, a.person_id, b.person_id as other_person_id
from people a
join people b on b.organisation_id = a.organisation_id and b.person_id > a.person_id
  and coalesce(b.possible_duplicates, '') != ''
  and instr('; ' || a.possible_duplicates || '; ', '; ' || b.person_id || '; ') > 0
where coalesce(a.possible_duplicates, '') != ''
order by a.organisation_id, a.name, b.name""",
    ),
]

def _person_feed_sql(tables: Tables) -> str:
    """A person's votes, reservations, proposals and conflicts of interest, as Atom entries."""
    parts = []
    for table, key, kind, what in (
            ("votes", "vote_id", "vote", "'röstade ' || t.vote"),
            ("reservations", "reservation_id", "reservation", "'reserverade sig'"),
            ("proposals", "proposal_id", "proposal", "'yrkade ' || coalesce(t.stance, '')"),
            ("recusals", "recusal_id", "recusal", "'anmälde jäv'")):
        if table not in tables:
            continue
        parts.append(f"""select {_feed_id(kind, 't.' + key)} as atom_id,
  t.name || ' ' || {what} || ': ' || c.name || ' ' || m.date || ', § ' || p.number || ' ' || p.title as atom_title,
  m.date || 'T00:00:00Z' as atom_updated,
  coalesce(p.decision, '(no decision text)') || char(10) || char(10) || o.name || ', ' || c.name || ', ' || m.title
    as atom_content,
  m.url as atom_link, m.date, p.number
from {table} t
{_paragraph_joins('t')}
where t.person_id = :person_id""")
    return "select atom_id, atom_title, atom_updated, atom_content, atom_link from (\n" + "\nunion all\n".join(parts) + \
        "\n) order by date desc, number desc, atom_id\nlimit 100"


def _case_feed_sql(tables: Tables) -> str:
    """The agenda items and paragraphs of one case number, as Atom entries, the latest meeting first."""
    parts = [f"""select {_feed_id('agenda', 'a.agenda_item_id')} as atom_id,
  c.name || ' ' || m.date || ': ' || a.title || ' (på dagordningen)' as atom_title,
  m.date || 'T00:00:00Z' as atom_updated,
  o.name || ', ' || c.name || ', ' || m.title || char(10) || 'Diarienummer: ' || a.case_number as atom_content,
  m.url as atom_link, m.date, 0 as step
from agenda_items a
{_joins('a')}
where {case_match('a', 'agenda_items', tables)} and (coalesce(:organisation_id, '') = '' or o.organisation_id = :organisation_id)"""]
    if "paragraphs" in tables:
        parts.append(f"""select {_feed_id('paragraph', 'p.paragraph_id')} as atom_id,
  c.name || ' ' || m.date || ', § ' || p.number || ': ' || p.title as atom_title,
  m.date || 'T00:00:01Z' as atom_updated,
  coalesce(p.decision, '(no decision text)') || char(10) || char(10) || o.name || ', ' || c.name || ', ' || m.title
    || char(10) || 'Diarienummer: ' || p.case_number as atom_content,
  m.url as atom_link, m.date, 1 as step
from paragraphs p
{_joins('p')}
where {case_match('p', 'paragraphs', tables)} and (coalesce(:organisation_id, '') = '' or o.organisation_id = :organisation_id)""")
    return "select atom_id, atom_title, atom_updated, atom_content, atom_link from (\n" + "\nunion all\n".join(parts) + \
        "\n) order by date desc, step desc, atom_id\nlimit 100"


FOLLOW_QUERIES = [
    Query(
        "person_feed", "What one person did",
        "Atom feed of one person's roll-call votes, reservations, proposals and conflicts of interest, newest first: "
        "/{database}/person_feed.atom?person_id=region-vasterbotten/anna-exempelsson (ids in the people table).",
        _with(paragraphs=PARAGRAPHS, votes=VOTES, reservations=("reservation_id", "paragraph_id", "person_id"),
              proposals=("proposal_id", "paragraph_id", "person_id", "stance"), recusals=RECUSALS),
        _person_feed_sql,
        {"hide_sql": True},
    ),
    Query(
        "case_feed", "One case through the committees",
        "Atom feed of the agenda items and paragraphs with one case number (diarienummer), the latest meeting first: "
        "/{database}/case_feed.atom?case_number=RS/2025:1150; add &organisation_id=… for one organisation.",
        _with(agenda_items=("agenda_item_id", "meeting_id", "title", "case_number")),
        _case_feed_sql,
        {"hide_sql": True},
    ),
]

QUERIES.extend(APPEAL_QUERIES)
QUERIES.extend(FOLLOW_QUERIES)


def canned_queries(tables: Tables, database: str = "meetings") -> dict[str, dict]:
    """The canned queries whose tables exist, as Datasette metadata."""
    out = {}
    for query in QUERIES:
        if query.missing(tables) or (query.name == "search" and not _search_requires(tables)):
            continue
        spec = query.spec(tables)
        spec["description"] = spec["description"].replace("{database}", database)
        out[query.name] = spec
    return out


def skipped_queries(tables: Tables) -> dict[str, list[str]]:
    """Canned queries left out, with the tables or columns they are missing."""
    out = {}
    for query in QUERIES:
        missing = query.missing(tables)
        if query.name == "search" and not missing and not _search_requires(tables):
            missing = ["a full-text index"]
        if missing:
            out[query.name] = missing
    return out
