"""The data of the site's pages for people: a meeting, a person, a case, a committee.

Each function reads what one page shows, through a ``rows(sql, params) -> list[dict]`` function
(Datasette's database in the site, a plain sqlite3 connection in tests), and returns one dict:
the page's JSON twin, and what its template renders. Tables a database does not have (votes
before protocols were read for them, notices before a bulletin board was) are left out, never an
error. Every value is data from the portal: the templates escape it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from urllib.parse import quote

from datasette.utils import is_url

from ..database import case_numbers
from .queries import case_match

Rows = Callable[[str, dict], Awaitable[list[dict]]]

ROLE_ORDER = ("ordförande", "förste vice ordförande", "andre vice ordförande", "vice ordförande", "ledamot",
              "tjänstgörande ersättare", "ersättare", "föredragande", "tjänsteperson", "sekreterare")


async def tables(rows: Rows) -> set[str]:
    return {r["name"] for r in await rows("select name from sqlite_master where type in ('table', 'view')", {})}


def meeting_url(meeting_id: str) -> str:
    return "/meeting/" + quote(meeting_id, safe="/")


def person_url(person_id: str) -> str:
    return "/person/" + quote(person_id, safe="/")


def committee_url(committee_id: str) -> str:
    return "/committee/" + quote(committee_id, safe="/")


def case_url(organisation_id: str, case_number: str) -> str:
    return f"/case/{quote(organisation_id, safe='')}/{quote(case_number, safe='')}"


def web_url(url: str | None) -> str | None:
    """A link from the portal's data that is safe to follow: http(s) only (never ``javascript:``)."""
    url = (url or "").strip()
    return url if is_url(url) else None


def page_link(document_url: str | None, page: int | None) -> str | None:
    """The link to a document at a page (``#page=N``, which PDF viewers follow); None for a URL
    that is not http(s)."""
    document_url = web_url(document_url)
    if not document_url:
        return None
    return f"{document_url.split('#')[0]}#page={page}" if page else document_url


def hit_links(hit) -> dict:
    """A search hit's links: its meeting's page (at the paragraph, for a paragraph) and the
    document at the page where it starts."""
    page_url = meeting_url(hit.meeting_id) + (f"#p{hit.number}" if hit.number is not None else "") if hit.meeting_id else None
    return {"page_url": page_url, "pdf_url": page_link(hit.document_url, hit.page), "portal_url": web_url(hit.url)}


def role_rank(role: str | None) -> int:
    role = (role or "").lower()
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)


# ---------------------------------------------------------------- meeting


async def meeting_page(rows: Rows, meeting_id: str) -> dict | None:
    found = await rows("""select m.*, c.name as committee, c.organisation_id, o.name as organisation
        from meetings m join committees c on c.committee_id = m.committee_id
        join organisations o on o.organisation_id = c.organisation_id where m.meeting_id = :id""", {"id": meeting_id})
    if not found:
        return None
    present = await tables(rows)
    page = {"meeting": found[0], "links": {"committee": committee_url(found[0]["committee_id"]),
                                           "portal": web_url(found[0]["url"]), "json": meeting_url(meeting_id) + ".json"}}
    page["agenda"] = await rows("""select * from agenda_items where meeting_id = :id
        order by ordinal, coalesce(sub_ordinal, 0)""", {"id": meeting_id}) if "agenda_items" in present else []
    page["documents"] = await rows("select * from documents where meeting_id = :id order by kind, title",
                                   {"id": meeting_id}) if "documents" in present else []
    for document in page["documents"]:
        document["link"] = web_url(document["url"])
    page["paragraphs"] = await _paragraphs(rows, present, meeting_id, {d["document_id"]: d["url"] for d in page["documents"]})
    page["attendance"] = await _attendance(rows, present, meeting_id)
    page["appeal"] = await _appeal(rows, present, meeting_id)
    page["history"] = history(await rows("""select "commit", committed_at, made_by, resource, kind, count(*) as n,
        group_concat(distinct field) as fields from changes where meeting_id = :id or (resource = 'meetings' and record_id = :id)
        group by "commit", resource, kind order by committed_at desc, resource, kind limit 500""", {"id": meeting_id})) \
        if "changes" in present else []
    return page


RECORD_NAMES = {"meetings": "sammanträdet", "agenda_items": "dagordningspunkter", "documents": "handlingar",
                "paragraphs": "paragrafer", "attendance": "närvarande", "reservations": "reservationer",
                "proposals": "yrkanden", "vote_results": "omröstningar", "votes": "röster", "recusals": "jäv",
                "corrections": "rättelser", "summary_items": "sammanfattningspunkter", "notices": "anslag"}
CHANGE_WORDS = {"added": "tillagda", "changed": "ändrade", "removed": "borttagna"}


def history(changes: list[dict]) -> list[dict]:
    """A meeting's changes, one entry per commit: when, whether the portal changed it or the parser
    read it again, and what (``paragrafer: 24 tillagda``; the fields of the meeting that changed)."""
    entries: dict[str, dict] = {}
    for change in changes:
        entry = entries.setdefault(change["commit"], {"commit": change["commit"], "committed_at": change["committed_at"],
                                                      "made_by": change["made_by"], "parts": []})
        name = RECORD_NAMES.get(change["resource"], change["resource"])
        if change["resource"] == "meetings" and change["kind"] == "changed":
            entry["parts"].append(f"{name}: ändrat ({change['fields']})")
        elif change["resource"] == "meetings":
            entry["parts"].append(f"{name}: {'tillagt' if change['kind'] == 'added' else 'borttaget'}")
        else:
            entry["parts"].append(f"{name}: {change['n']} {CHANGE_WORDS.get(change['kind'], change['kind'])}")
    return list(entries.values())


async def _per_paragraph(rows: Rows, present: set[str], table: str, meeting_id: str, order: str) -> dict[str, list[dict]]:
    if table not in present:
        return {}
    grouped: dict[str, list[dict]] = {}
    for row in await rows(f"select * from {table} where meeting_id = :id order by {order}", {"id": meeting_id}):
        grouped.setdefault(row["paragraph_id"], []).append(row)
    return grouped


async def _paragraphs(rows: Rows, present: set[str], meeting_id: str, document_urls: dict[str, str]) -> list[dict]:
    if "paragraphs" not in present:
        return []
    found = await rows("select * from paragraphs where meeting_id = :id order by number", {"id": meeting_id})
    reservations = await _per_paragraph(rows, present, "reservations", meeting_id, "party, name")
    proposals = await _per_paragraph(rows, present, "proposals", meeting_id, "ordinal")
    recusals = await _per_paragraph(rows, present, "recusals", meeting_id, "name")
    results = await _per_paragraph(rows, present, "vote_results", meeting_id, "ordinal")
    members = await _per_paragraph(rows, present, "votes", meeting_id, "ordinal, party, name")
    for paragraph in found:
        pid = paragraph["paragraph_id"]
        paragraph["source"] = page_link(document_urls.get(paragraph.get("document_id")), paragraph.get("page"))
        paragraph["reservations"] = reservations.get(pid, [])
        paragraph["proposals"] = proposals.get(pid, [])
        paragraph["recusals"] = recusals.get(pid, [])
        paragraph["votes"] = [vote_summary(result, [m for m in members.get(pid, []) if m["ordinal"] == result["ordinal"]])
                              for result in results.get(pid, [])]
        paragraph["case_links"] = [{"number": n, "url": None} for n in case_numbers(paragraph.get("case_number"))]
    return found


def vote_summary(result: dict, members: list[dict]) -> dict:
    """A vote as the page shows it: the counts (printed, else counted from the names), the share of
    each side for the bar, and the names by party and side."""
    counts = {}
    for side, printed, named in (("ja", "yes", "named_yes"), ("nej", "no", "named_no"),
                                 ("avstår", "abstained", "named_abstained")):
        value = result.get(printed)
        counts[side] = value if value is not None else (result.get(named) or sum(1 for m in members if m["vote"] == side))
    total = sum(counts.values()) or 1
    by_party: dict[str, dict[str, list[str]]] = {}
    for member in members:
        by_party.setdefault(member.get("party") or "–", {}).setdefault(member["vote"], []).append(member["name"])
    return {**result, "counts": counts, "shares": {side: round(100 * n / total, 1) for side, n in counts.items()},
            "by_party": dict(sorted(by_party.items()))}


async def _attendance(rows: Rows, present: set[str], meeting_id: str) -> list[dict]:
    if "attendance" not in present:
        return []
    people = await rows("select * from attendance where meeting_id = :id", {"id": meeting_id})
    groups: dict[str, list[dict]] = {}
    for person in sorted(people, key=lambda p: (role_rank(p["role"]), p["role"] or "", p["name"])):
        if person.get("person_id"):
            person["url"] = person_url(person["person_id"])
        groups.setdefault(person["role"] or "närvarande", []).append(person)
    return [{"role": role, "people": members} for role, members in groups.items()]


async def _appeal(rows: Rows, present: set[str], meeting_id: str) -> dict | None:
    """The notice that the meeting's protocol was adjusted, and the last day to appeal."""
    if "notices" not in present:
        return None
    found = await rows("""select * from notices where meeting_id = :id and kind = 'protocol_adjusted'
        order by posted desc limit 1""", {"id": meeting_id})
    if not found:
        return None
    return {**found[0], "link": web_url(found[0]["url"])}


# ---------------------------------------------------------------- case


async def case_page(rows: Rows, organisation_id: str, case_number: str) -> dict | None:
    """Every agenda item and paragraph with the case number, in one organisation, in date order
    (the case number matched as the canned queries match it: ``queries.case_match``)."""
    present = await tables(rows)
    params = {"org": organisation_id, "case_number": case_number}
    joins = ("join meetings m on m.meeting_id = t.meeting_id join committees c on c.committee_id = m.committee_id "
             "where c.organisation_id = :org and ")
    steps = []
    if "agenda_items" in present:
        for row in await rows(f"select t.*, m.date, m.title as meeting_title, c.name as committee, c.committee_id "
                              f"from agenda_items t {joins}{case_match('t', 'agenda_items', present)}", params):
            steps.append({"kind": "agenda item", **row})
    if "paragraphs" in present:
        document = ("(select d.url from documents d where d.document_id = t.document_id)" if "documents" in present
                    else "null")
        for row in await rows(f"select t.*, m.date, m.title as meeting_title, c.name as committee, c.committee_id, "
                              f"{document} as document_url from paragraphs t {joins}{case_match('t', 'paragraphs', present)}",
                              params):
            steps.append({"kind": "paragraph", **row, "source": page_link(row.pop("document_url"), row.get("page"))})
    if not steps:
        return None
    for step in steps:
        step["meeting_url"] = meeting_url(step["meeting_id"])
    steps.sort(key=lambda s: (s["date"], 0 if s["kind"] == "agenda item" else 1, s["meeting_id"]))
    return {"organisation_id": organisation_id, "case_number": case_number, "steps": steps,
            "committees": sorted({s["committee"] for s in steps}),
            "links": {"json": case_url(organisation_id, case_number) + ".json"}}


# ---------------------------------------------------------------- committee


async def committee_page(rows: Rows, committee_id: str, today: date) -> dict | None:
    found = await rows("""select c.*, o.name as organisation from committees c
        join organisations o on o.organisation_id = c.organisation_id where c.committee_id = :id""", {"id": committee_id})
    if not found:
        return None
    present = await tables(rows)
    params = {"id": committee_id, "today": today.isoformat()}
    page = {"committee": found[0], "links": {"json": committee_url(committee_id) + ".json",
                                             "portal": web_url(found[0]["url"])}}
    page["upcoming"] = await rows("""select * from meetings where committee_id = :id and date >= :today
        order by date limit 20""", params)
    page["recent"] = await rows("""select * from meetings where committee_id = :id and date < :today
        order by date desc limit 20""", params)
    page["decisions"] = await rows("""select p.paragraph_id, p.number, p.title, p.decision, p.decision_kind, p.case_number,
        m.meeting_id, m.date from paragraphs p join meetings m on m.meeting_id = p.meeting_id
        where m.committee_id = :id and coalesce(p.decision, '') != '' order by m.date desc, p.number limit 20""",
                                   params) if "paragraphs" in present else []
    page["activity"] = await rows("""select substr(date, 1, 7) as month, count(*) as n from meetings
        where committee_id = :id and status != 'cancelled' group by month order by month""", params)
    page["representatives"] = await _representatives(rows, present, "committee_id", committee_id, today)
    page["members"] = await rows("""select a.name, a.party, a.role, max(m.date) as last_seen, count(*) as meetings,
        max(a.person_id) as person_id from attendance a join meetings m on m.meeting_id = a.meeting_id
        where m.committee_id = :id and m.date >= date(:today, '-1 year') group by a.name, a.party, a.role
        order by a.name""", params) if "attendance" in present and "person_id" in await _columns(rows, "attendance") \
        else await _members_without_ids(rows, present, params)
    return page


async def _representatives(rows: Rows, present: set[str], column: str, value: str, today: date | None) -> list[dict]:
    """The elected representatives of a committee (or a person's assignments) from the portal's
    register; with ``today``, only the assignments not ended before it."""
    if "representatives" not in present:
        return []
    current = "and (coalesce(r.date_to, '') = '' or r.date_to >= :today)" if today else ""
    found = await rows(f"""select r.*, c.name as committee from representatives r
        left join committees c on c.committee_id = r.committee_id
        where r.{column} = :value {current}""", {"value": value, "today": today.isoformat() if today else None})
    for row in found:
        if row.get("person_id"):
            row["url"] = person_url(row["person_id"])
    return sorted(found, key=lambda r: (role_rank(r.get("role")), r.get("role") or "", r.get("name") or "",
                                        r.get("date_from") or ""))


async def _columns(rows: Rows, table: str) -> set[str]:
    return {r["name"] for r in await rows(f"select name from pragma_table_info('{table}')", {})}


async def _members_without_ids(rows: Rows, present: set[str], params: dict) -> list[dict]:
    if "attendance" not in present:
        return []
    return await rows("""select a.name, a.party, a.role, max(m.date) as last_seen, count(*) as meetings
        from attendance a join meetings m on m.meeting_id = a.meeting_id
        where m.committee_id = :id and m.date >= date(:today, '-1 year') group by a.name, a.party, a.role
        order by a.name""", params)


# ---------------------------------------------------------------- person


async def person_page(rows: Rows, person_id: str) -> dict | None:
    present = await tables(rows)
    if "people" not in present:
        return None
    found = await rows("select * from people where person_id = :id", {"id": person_id})
    if not found:
        return None
    params = {"id": person_id}
    page = {"person": found[0], "links": {"json": person_url(person_id) + ".json"}}
    place = ("join meetings m on m.meeting_id = t.meeting_id join committees c on c.committee_id = m.committee_id")
    page["meetings"] = await rows(f"""select m.meeting_id, m.date, m.title, c.name as committee, t.role, t.party
        from attendance t {place} where t.person_id = :id order by m.date desc""", params)
    for table, extra in (("votes", "t.vote, t.ordinal, p.title, p.decision, p.number"),
                         ("reservations", "p.title, p.decision, p.number"),
                         ("proposals", "t.stance, p.title, p.number"),
                         ("recusals", "t.text, p.title, p.number")):
        page[table] = await rows(f"""select {extra}, t.party, t.paragraph_id, m.meeting_id, m.date, c.name as committee
            from {table} t join paragraphs p on p.paragraph_id = t.paragraph_id {place}
            where t.person_id = :id order by m.date desc, p.number""", params) if table in present else []
    page["assignments"] = await _representatives(rows, present, "person_id", person_id, None)
    page["per_year"] = per_year(page)
    duplicates = case_numbers(found[0].get("possible_duplicates"))
    page["possible_duplicates"] = [{"person_id": d, "url": person_url(d)} for d in duplicates]
    return page


def per_year(page: dict) -> list[dict]:
    """Meetings attended, votes, reservations, proposals and recusals per year."""
    years: dict[str, dict[str, int]] = {}
    for kind in ("meetings", "votes", "reservations", "proposals", "recusals"):
        for row in page.get(kind, []):
            year = (row.get("date") or "")[:4] or "?"
            years.setdefault(year, {k: 0 for k in ("meetings", "votes", "reservations", "proposals", "recusals")})[kind] += 1
    return [{"year": year, **counts} for year, counts in sorted(years.items(), reverse=True)]
