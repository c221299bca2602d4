"""HTML and JSON of the replica portals, in the structure of Meetings Plus.

Markup follows what is known of the real portal (ids ``committeesRecentContent`` and
``openProtocol``, class ``accessible-table-cell`` with the date in ``aria-label``, relative hrefs,
"Ladda ner dokument" buttons that link a document a second time, ``javascript:void(0);`` when
there is no protocol). Where the real markup is unknown (agenda items), it is a plausible guess:
a list of ``.agenda-item`` elements, or (``agenda_markup="table"``) a table with made-up class
names, the same content either way.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from html import escape

from .content import (EXAMPLE, CommitteeContent, Doc, Item, MeetingContent, NoticeContent, PortalContent,
                      RepresentativeContent)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head><meta charset=\"utf-8\">"
        f"<title>{escape(title)} | Meetings Plus (replika)</title></head>\n<body>\n"
        "<header class=\"site-header\"><a href=\"/committees\">Nämnder och styrelser</a> "
        "<a href=\"/digital-bulletin-board\">Anslagstavla</a></header>\n"
        f"<main>\n{body}\n</main>\n<footer>Meetings Plus replika för test och demo.</footer>\n</body>\n</html>\n"
    )


def committee_list(portal: PortalContent) -> str:
    rows = "\n".join(
        f'<li><a class="committee-link" href="/committees/{c.slug}">{escape(c.name)}</a></li>' for c in portal.committees
    )
    return _page("Nämnder och styrelser", f"<h1>Nämnder och styrelser</h1>\n<ul class=\"committees\">\n{rows}\n</ul>")


def _row(committee: CommitteeContent, meeting: MeetingContent) -> str:
    href = f"/committees/{committee.slug}/{meeting.slug}"
    label = f"{meeting.title}, {committee.name}, {meeting.date.isoformat()}"
    if not meeting.title.endswith(meeting.date.isoformat()):
        label = f"{meeting.title} {meeting.date.isoformat()}, {committee.name}"
    return (
        f'<a class="accessible-table-cell" href="{href}" aria-label="{escape(label)}">'
        f'<span class="meeting-date">{meeting.date.isoformat()}</span> <span class="meeting-name">{escape(meeting.title)}</span></a>'
    )


def committee_page(committee: CommitteeContent, today: date) -> str:
    upcoming = [m for m in committee.meetings if m.date >= today]
    past = sorted((m for m in committee.meetings if m.date < today), key=lambda m: m.date, reverse=True)
    tabs = '<div class="tabs"><a href="#committeesUpcomingContent">Kommande</a> <a href="#committeesRecentContent">Tidigare</a></div>'
    if committee.list_rendered_by_script:
        body = (
            f'<h1>{escape(committee.name)}</h1>\n{tabs}\n'
            '<div id="committeesUpcomingContent" class="meetings-list"></div>\n'
            '<div id="committeesRecentContent" class="meetings-list"></div>\n'
            f'<script>window.meetingsPlus = {{"committeeId": {committee.portal_committee_id}}};</script>\n'
            '<noscript>Aktivera JavaScript för att se mötena.</noscript>'
        )
        return _page(committee.name, body)
    up_rows = "\n".join(f"<div class=\"table-row\">{_row(committee, m)}</div>" for m in sorted(upcoming, key=lambda m: m.date))
    years: dict[int, list[str]] = {}
    for meeting in past:
        years.setdefault(meeting.date.year, []).append(f"<div class=\"table-row\">{_row(committee, meeting)}</div>")
    past_html = "\n".join(f"<h3>{year}</h3>\n" + "\n".join(rows) for year, rows in years.items())
    latest = past[0] if past else None
    nav = ""
    if latest:
        nav = f'<nav class="latest"><a href="/committees/{committee.slug}/{latest.slug}">Senaste mötet</a></nav>'
    body = (
        f'<h1>{escape(committee.name)}</h1>\n{nav}\n{tabs}\n'
        f'<div id="committeesUpcomingContent" class="meetings-list">\n{up_rows}\n</div>\n'
        f'<div id="committeesRecentContent" class="meetings-list">\n{past_html}\n</div>'
    )
    return _page(committee.name, body)


def _doc_links(doc: Doc) -> str:
    href = escape(doc.path) + "?downloadMode=open"
    return (
        f'<a class="document-link" href="{href}">{escape(doc.title)}</a> '
        f'<span class="document-size">{escape(doc.size_label)}</span> '
        f'<a class="document-download" href="{href}">Ladda ner dokument</a>'
    )


def _doc_li(doc: Doc) -> str:
    return f'<li class="document">{_doc_links(doc)}</li>'


def _case_html(case_number: str) -> str:
    return f'<p class="agenda-item-case-number">{escape(case_number)}</p>'


def _item_html(item: Item) -> str:
    number = f'<div class="agenda-item-number">{escape(item.number)}</div>' if item.number else ""
    text = "".join(f"<p>{escape(line)}</p>" for line in item.text)
    cases = "".join(_case_html(c) for c in item.case_numbers)
    cases += "".join(f"<p>{escape(sub.title)}</p>" + "".join(_case_html(c) for c in sub.case_numbers) for sub in item.sub_items)
    attachments = ""
    if item.attachments:
        attachments = (
            '<div class="agenda-item-attachments"><h4>Bilagor</h4><ul>'
            + "".join(_doc_li(d) for d in item.attachments)
            + "</ul></div>"
        )
    return (
        f'<li class="agenda-item">{number}<div class="agenda-item-content">'
        f'<h3 class="agenda-item-title">{escape(item.title)}</h3>'
        f'<div class="agenda-item-text">{text}{cases}</div>{attachments}</div></li>'
    )


def _item_row(item: Item) -> str:
    """An agenda item as a table row with made-up class names: number, title, then the rest as lines."""
    lines = [*item.text, *item.case_numbers, *(line for sub in item.sub_items for line in (sub.title, *sub.case_numbers))]
    body = "<br>".join(escape(line) for line in lines)
    links = "".join(f'<div class="r4">{_doc_links(d)}</div>' for d in item.attachments)
    return (f'<tr class="r"><td class="r1">{escape(item.number or "")}</td><td class="r2">{escape(item.title)}</td>'
            f'<td class="r3">{body}{links}</td></tr>')


AGENDA_MARKUPS = {
    "list": lambda items: '<ol class="agenda-list">' + "".join(_item_html(i) for i in items) + "</ol>",
    "table": lambda items: '<table class="t"><tbody>' + "".join(_item_row(i) for i in items) + "</tbody></table>",
}


def meeting_page(committee: CommitteeContent, meeting: MeetingContent, agenda_markup: str = "list") -> str:
    cancelled = meeting.title.upper().startswith("INSTÄLLT")
    side = "\n".join(
        f'<li><a href="/committees/{committee.slug}/{m.slug}" aria-label="{escape(m.title)} {m.date.isoformat()}">{m.date.isoformat()}</a></li>'
        for m in sorted(committee.meetings, key=lambda m: m.date, reverse=True)
    )
    description = "".join(f"<p>{escape(line)}</p>" for line in meeting.description)
    if meeting.example:
        description = f'<p class="example-notice"><strong>{escape(EXAMPLE)}</strong></p>' + description
    if meeting.items or meeting.agenda_docs:
        docs = ""
        if meeting.agenda_docs:
            docs = '<div class="meeting-documents"><h3>Bilagor</h3><ul>' + "".join(_doc_li(d) for d in meeting.agenda_docs) + "</ul></div>"
        items = AGENDA_MARKUPS[agenda_markup](meeting.items) if meeting.items else ""
        agenda = docs + items
    else:
        agenda = '<p class="empty">Ingen agenda har publicerats</p>'
    if meeting.protocols and not meeting.protocol_links:
        protocol = (
            '<a id="openProtocol" class="button disabled" href="javascript:void(0);">Öppna protokoll</a> '
            f'<a id="downloadAllProtocol" href="/api/v2.0/meetings/{api_meeting_id(committee, meeting)}/download/Protocol'
            '?downloadMode=download">Ladda ner allt</a>'
        )
    elif meeting.protocols:
        first = escape(meeting.protocols[0].path) + "?downloadMode=open"
        others = "".join(_doc_li(d) for d in meeting.protocols)
        download_all = ""
        if meeting.portal_meeting_id:
            download_all = (
                f' <a id="downloadAllProtocol" href="/api/v2.0/meetings/{meeting.portal_meeting_id}/download/Protocol?downloadMode=download">Ladda ner allt</a>'
            )
        protocol = f'<a id="openProtocol" class="button" href="{first}">Öppna protokoll</a>{download_all}<ul class="protocol-documents">{others}</ul>'
    else:
        protocol = (
            '<a id="openProtocol" class="button disabled" href="javascript:void(0);">Öppna protokoll</a> '
            '<a class="button disabled" href="javascript:void(0);">Ladda ner allt</a>'
            "<p>Inget protokoll har publicerats</p><p>Det finns ingen information att visa</p>"
        )
    body = (
        f'<nav class="side-menu"><h2>{escape(committee.name)}</h2><ul>\n{side}\n</ul></nav>\n'
        f'<article class="meeting">\n<h1 class="meeting-title">{escape(meeting.title)}</h1>\n'
        f'<div class="meeting-description">{description}</div>\n'
        '<div class="tabs"><a href="#agenda">Kallelse</a> <a href="#protocol">Protokoll</a></div>\n'
        f'<section id="agenda" class="tab-pane">{"" if cancelled and not meeting.items else agenda}</section>\n'
        f'<section id="protocol" class="tab-pane">{protocol}</section>\n</article>'
    )
    return _page(meeting.title, body)


def api_meeting_id(committee: CommitteeContent, meeting: MeetingContent) -> int:
    """The meeting's numeric id in the JSON API."""
    return meeting.portal_meeting_id or _synthetic_id(committee, meeting)


def meetings_json(committee: CommitteeContent) -> str:
    rows = [
        {"Id": api_meeting_id(committee, m), "DateLabel": m.date.isoformat(), "Title": m.title}
        for m in sorted(committee.meetings, key=lambda m: m.date)
    ]
    return json.dumps(rows, ensure_ascii=False)


def _synthetic_id(committee: CommitteeContent, meeting: MeetingContent) -> int:
    return committee.portal_committee_id * 100000 + int(meeting.date.strftime("%y%m%d")) % 100000



# ---------------------------------------------------------------- the JSON registers


def _json_list(items: list[dict], wrapped: bool) -> str:
    """A JSON list as the portal answers it: a bare array, or an object with the array under ``Items``."""
    return json.dumps({"Items": items, "TotalCount": len(items)} if wrapped else items, ensure_ascii=False)


def _notice(notice: NoticeContent, full: bool) -> dict:
    entry = {"Id": notice.id, "Title": notice.title, "StartDate": notice.posted, "AnnouncementTypeId": notice.type_id}
    if notice.removed:
        entry["EndDate"] = notice.removed
    if full:
        entry.update(Description=notice.description, DocumentTitle=notice.document_title)
    return entry


def announcement_types_json(portal: PortalContent) -> str:
    return _json_list([{"Id": ident, "Name": name} for ident, name in portal.notice_types], portal.board_items)


def announcements_json(portal: PortalContent, type_id: int | None, page: int, page_size: int) -> str:
    """The published notices of a type, one page of them."""
    chosen = [_notice(n, False) for n in portal.notices if type_id is None or n.type_id == type_id]
    return _json_list(chosen[(page - 1) * page_size: page * page_size], portal.board_items)


def announcement_json(notice: NoticeContent) -> str:
    return json.dumps(_notice(notice, True), ensure_ascii=False)


def representatives_json(people: list[RepresentativeContent]) -> str:
    return json.dumps({"Items": [{"Id": p.id, "Name": p.name, "PoliticalParty": {"Name": p.party, "Id": p.party_id}}
                                 for p in people], "TotalCount": len(people)}, ensure_ascii=False)


def assignments_json(people: list[RepresentativeContent]) -> str:
    return json.dumps([{"RepresentativeId": p.id, "Role": p.role, "DateFrom": p.date_from, "DateTo": None,
                        "Number": p.number, "State": "Active"} for p in people], ensure_ascii=False)


def block_page() -> bytes:
    """A web application firewall's refusal, answered with status 200 (as one portal did)."""
    return ("<html><head><title>Förfrågan avvisades</title></head><body><p>Den begärda URL:en avvisades. "
            "Kontakta administratören.</p><p>Ditt support-ID är: 4127793312345678901</p>"
            "<p><a href='javascript:history.back();'>[Tillbaka]</a></p></body></html>").encode("utf-8")


def protocol_download(meeting: MeetingContent, render) -> tuple[bytes, str, str]:
    """The JSON API's protocol download of a meeting with protocols: (body, content type, file name):
    its one protocol as a PDF, or a zip of all of them (stored with the meeting's date, so the same
    content gives the same bytes)."""
    if len(meeting.protocols) == 1:
        return render(meeting.protocols[0]), "application/pdf", meeting.protocols[0].title
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for doc in meeting.protocols:
            info = zipfile.ZipInfo(doc.title, date_time=(meeting.date.year, meeting.date.month, meeting.date.day, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # the name is UTF-8
            archive.writestr(info, render(doc))
    return buffer.getvalue(), "application/x-zip-compressed", f"Protokoll {meeting.date.isoformat()}.zip"
