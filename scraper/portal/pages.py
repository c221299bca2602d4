"""Meetings Plus HTML pages -> parsed pages. Pure functions of (html, url).

The portal's markup is only partly known (see the portal notes in the README), so every
parser tries several strategies and says which one matched:

- committee list ``/committees``: every link to ``/committees/{slug}``;
- committee page ``/committees/{slug}``: ``a.accessible-table-cell`` rows (``#committeesRecentContent``
  and the upcoming tab), the date taken from ``aria-label`` or the link text, never from the slug;
- meeting page ``/committees/{slug}/{meeting}``: title, description, agenda items (structured
  markup first, then a text heuristic over the Kallelse tab), every ``/protocol/`` and ``/agenda/``
  document link, the "Ladda ner allt" API link (the numeric meeting id), and the side menu of
  the committee's other meetings (the fallback meeting list).

Quirks handled: relative hrefs, duplicate links, numeric suffixes after ``pdf`` in file slugs,
``javascript:void(0)`` protocol buttons, protocol links into another meeting's path, several
protocol files per meeting, opaque meeting slugs, cancelled meetings (``INSTÄLLT``/``installt``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import ParseError

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
MEETING_PATH = re.compile(r"/committees/([^/?#]+)/([^/?#]+)/?$")
COMMITTEE_PATH = re.compile(r"/committees/([^/?#]+)/?$")
DOCUMENT_PATH = re.compile(r"/(protocol|agenda)/([^/?#]+)/?$")
API_MEETING = re.compile(r"/api/v2\.0/meetings/(\d+)/download/(Protocol|Agenda)", re.I)
COMMITTEE_ID_PATTERNS = (
    re.compile(r"/api/v2\.0/committees/(\d+)/"),
    re.compile(r"""committee[_-]?id["']?\s*[:=]\s*["']?(\d+)""", re.I),
)
CASE_CORE = (
    r"(?:[A-ZÅÄÖ]{1,6}[ -]?\d{1,6}(?::\d+)?[-/]\d{4}(?:[-/.:]\d+)*"
    r"|\d{2}[A-Z]{1,4}\d{3,7}"
    r"|[A-ZÅÄÖ]{2,6} \d{4}[/-]\d{1,6})"
)
CASE_NUMBER = re.compile(r"\b" + CASE_CORE + r"\b")
CASE_LINE = re.compile(r"^\s*(?:(?:Dnr|Diarienummer|Ärendenummer)[:.]?\s*)?(" + CASE_NUMBER.pattern + r")\s*$")
TIME = re.compile(r"\b(?:kl\.?\s*)?([01]?\d|2[0-3])[.:]([0-5]\d)\b")
START_TIME = re.compile(r"([01]?\d|2[0-3])[.:]([0-5]\d)\s*(?:–|-)?\s*Sammanträdet (?:startar|börjar)", re.I)
KL_TIME = re.compile(r"\bkl(?:ockan|\.)?\s*([01]?\d|2[0-3])[.:]([0-5]\d)", re.I)
CANCELLED = re.compile(r"^\s*inst[äa]llt\b", re.I)
GENERIC_LINK_TEXT = re.compile(r"^(ladda ner( dokument| allt)?|öppna( protokoll)?|visa|hent|vis referat|\d+\s*kb)$", re.I)
NO_AGENDA = "Ingen agenda har publicerats"
NO_PROTOCOL = "Inget protokoll har publicerats"


@dataclass(frozen=True)
class CommitteeRef:
    slug: str
    name: str
    url: str


@dataclass(frozen=True)
class MeetingRef:
    """A meeting as listed on a committee page, a side menu or the JSON API."""

    url: str
    committee_slug: str
    slug: str
    date: date | None
    label: str
    section: str | None = None  # "upcoming", "past" or None when unknown
    portal_meeting_id: int | None = None


@dataclass(frozen=True)
class DocumentLink:
    url: str
    title: str
    kind: str  # kallelse, protokoll, bilaga, sammanfattning, other
    area: str  # "protocol" or "agenda"
    file_slug: str
    item_ordinal: int | None = None


@dataclass
class AgendaEntry:
    ordinal: int
    number: str | None
    title: str
    case_numbers: list[str] = field(default_factory=list)
    description: str | None = None
    attachments: list[DocumentLink] = field(default_factory=list)


@dataclass
class CommitteePage:
    url: str
    slug: str
    name: str | None
    meetings: list[MeetingRef]
    portal_committee_id: int | None
    strategy: str


@dataclass
class MeetingPage:
    url: str
    committee_slug: str
    slug: str
    title: str
    date: date | None
    cancelled: bool
    description: str | None
    start_time: str | None
    agenda_items: list[AgendaEntry]
    documents: list[DocumentLink]
    protocol_pending: bool
    agenda_missing: bool
    portal_meeting_id: int | None
    side_meetings: list[MeetingRef]
    agenda_strategy: str

    def document_links(self) -> list[DocumentLink]:
        """Every document of the meeting once: the agenda items' attachments, then the page's other
        documents; of two links to one file (same area and file slug) the first one counts."""
        found: dict[tuple[str, str], DocumentLink] = {}
        for link in [*(d for item in self.agenda_items for d in item.attachments), *self.documents]:
            found.setdefault((link.area, link.file_slug), link)
        return list(found.values())


# ---------------------------------------------------------------- helpers


def _tree(html: str, url: str) -> LexborHTMLParser:
    if not html or not html.strip():
        raise ParseError(url, "empty page")
    return LexborHTMLParser(html)


def _text(node: LexborNode | None) -> str:
    if node is None:
        return ""
    return " ".join(node.text(separator=" ", strip=True).split())


def absolute(href: str | None, base_url: str) -> str | None:
    """Absolute URL of an href, or None for empty, fragment-only and javascript: hrefs."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:")):
        return None
    return urljoin(base_url, href)


def canonical_url(url: str) -> str:
    """The URL without ``downloadMode`` and fragment, for de-duplication (both modes give the same bytes)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() != "downloadmode"]
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), urlencode(query), ""))


def find_date(text: str) -> date | None:
    for match in ISO_DATE.finditer(text or ""):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


def _meeting_ref(node: LexborNode, base_url: str, section: str | None) -> MeetingRef | None:
    url = absolute(node.attributes.get("href"), base_url)
    if not url:
        return None
    match = MEETING_PATH.search(urlsplit(url).path)
    if not match or match[2] in ("representatives",):
        return None
    label = node.attributes.get("aria-label") or ""
    text = _text(node)
    when = find_date(label) or find_date(text)
    return MeetingRef(
        url=canonical_url(url),
        committee_slug=match[1],
        slug=match[2],
        date=when,
        label=(label or text).strip(),
        section=section,
    )


def _section_of(node: LexborNode) -> str | None:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        ident = (parent.attributes.get("id") or "") + " " + (parent.attributes.get("class") or "")
        ident = ident.lower()
        if "recent" in ident or "previous" in ident or "tidigare" in ident or "past" in ident:
            return "past"
        if "upcoming" in ident or "kommande" in ident or "future" in ident:
            return "upcoming"
        parent = parent.parent
    return None


def _dedupe(refs: list[MeetingRef]) -> list[MeetingRef]:
    seen: dict[str, MeetingRef] = {}
    for ref in refs:
        old = seen.get(ref.url)
        if old is None or (old.date is None and ref.date is not None):
            seen[ref.url] = ref
    return list(seen.values())


def find_committee_id(html: str) -> int | None:
    for pattern in COMMITTEE_ID_PATTERNS:
        match = pattern.search(html)
        if match:
            return int(match[1])
    return None


# ---------------------------------------------------------------- committee list


def parse_committee_list(html: str, url: str) -> list[CommitteeRef]:
    """All committees linked from ``/committees``; ParseError if there are none."""
    tree = _tree(html, url)
    found: dict[str, CommitteeRef] = {}
    for node in tree.css("a[href]"):
        target = absolute(node.attributes.get("href"), url)
        if not target:
            continue
        match = COMMITTEE_PATH.search(urlsplit(target).path)
        if not match:
            continue
        slug = match[1]
        name = _text(node) or slug
        if slug not in found or found[slug].name == slug:
            found[slug] = CommitteeRef(slug=slug, name=name, url=canonical_url(target))
    if not found:
        raise ParseError(url, "no links to /committees/{slug} found on the committee list page")
    return sorted(found.values(), key=lambda c: c.slug)


# ---------------------------------------------------------------- committee page


def parse_committee_page(html: str, url: str) -> CommitteePage:
    """Meetings listed on a committee page (both tabs). An empty list is returned, not raised:
    the caller then falls back to a meeting page's side menu or the JSON API."""
    tree = _tree(html, url)
    slug_match = COMMITTEE_PATH.search(urlsplit(url).path)
    slug = slug_match[1] if slug_match else ""
    heading = tree.css_first("h1")
    refs: list[MeetingRef] = []
    strategy = "accessible-table-cell"
    for node in tree.css("a.accessible-table-cell"):
        ref = _meeting_ref(node, url, _section_of(node))
        if ref and (not slug or ref.committee_slug == slug):
            refs.append(ref)
    if not refs:
        strategy = "none"
        container = tree.css_first("#committeesRecentContent")
        if container is not None:
            for node in container.css("a[href]"):
                ref = _meeting_ref(node, url, "past")
                if ref and (not slug or ref.committee_slug == slug):
                    refs.append(ref)
            if refs:
                strategy = "committeesRecentContent links"
    return CommitteePage(
        url=url,
        slug=slug,
        name=_text(heading) or None,
        meetings=_dedupe(refs),
        portal_committee_id=find_committee_id(html),
        strategy=strategy,
    )


# ---------------------------------------------------------------- meeting page


def _classify(area: str, file_slug: str, title: str, in_item: bool) -> str:
    if area == "protocol":
        return "protokoll"
    probe = f"{file_slug} {title}".lower()
    if "sammanfattning" in probe:
        return "sammanfattning"
    if in_item:
        return "bilaga"
    if any(word in probe for word in ("kallelse", "foredragningslista", "föredragningslista", "dagordning")):
        return "kallelse"
    return "bilaga"


def _document_links(scope: LexborNode, base_url: str, item_ordinal: int | None = None) -> list[DocumentLink]:
    """Document links below ``scope`` in document order, de-duplicated by URL.

    Where a document is linked twice (title link plus a "Ladda ner dokument" button) the
    descriptive link text wins."""
    order: list[str] = []
    found: dict[str, DocumentLink] = {}
    for node in scope.css("a[href]"):
        url = absolute(node.attributes.get("href"), base_url)
        if not url:
            continue
        match = DOCUMENT_PATH.search(urlsplit(url).path)
        if not match:
            continue
        area, file_slug = match[1], match[2]
        key = canonical_url(url)
        text = _text(node) or (node.attributes.get("title") or "").strip() or (node.attributes.get("aria-label") or "").strip()
        descriptive = bool(text) and not GENERIC_LINK_TEXT.match(text)
        link = DocumentLink(
            url=url,
            title=text if descriptive else file_slug,
            kind=_classify(area, file_slug, text if descriptive else "", item_ordinal is not None),
            area=area,
            file_slug=file_slug,
            item_ordinal=item_ordinal,
        )
        if key not in found:
            order.append(key)
            found[key] = link
        elif descriptive and found[key].title == found[key].file_slug:
            found[key] = DocumentLink(
                url=found[key].url, title=text, kind=_classify(area, file_slug, text, item_ordinal is not None),
                area=area, file_slug=file_slug, item_ordinal=item_ordinal,
            )
    return [found[key] for key in order]


_ITEM_SELECTORS = (".agenda-item", "[class*=agenda-item]", "[class*=agendaItem]", "[class*=agenda_item]")
_NUMBER_SELECTORS = ("[class*=number]", "[class*=Number]", ".nr")
_TITLE_SELECTORS = ("[class*=title]", "[class*=Title]", "h2", "h3", "h4", "strong")


def _is_item_container(node: LexborNode) -> bool:
    cls = (node.attributes.get("class") or "").lower()
    return bool(re.search(r"agenda[-_]?item(?![-_]?(number|title|text|body|content|attachment|case|nr))", cls))


def _item_from_node(node: LexborNode, ordinal: int, base_url: str) -> AgendaEntry | None:
    number_node = next((n for sel in _NUMBER_SELECTORS for n in node.css(sel)), None)
    title_node = next((n for sel in _TITLE_SELECTORS for n in node.css(sel)), None)
    number = _text(number_node) or None
    if number and not re.fullmatch(r"\d+[a-z]?\.?", number):
        number = None
    title = _text(title_node)
    if not title:
        return None
    case_numbers: list[str] = []
    for case_node in node.css("[class*=case], [class*=diarie], [class*=dnr]"):
        for match in CASE_NUMBER.finditer(_text(case_node)):
            if match[0] not in case_numbers:
                case_numbers.append(match[0])
    body_node = next((n for sel in ("[class*=text]", "[class*=body]", "[class*=description]") for n in node.css(sel)), None)
    description = None
    if body_node is not None:
        blocks = [n for n in body_node.css("p, li, div") if n.mem_id != body_node.mem_id]
        innermost = [b for b in blocks if not any(c.mem_id != b.mem_id for c in b.css("p, li, div"))]
        if innermost:
            lines = [_text(b) for b in innermost if not re.search(r"case|diarie|dnr", b.attributes.get("class") or "", re.I)]
        else:
            lines = [_text(body_node)]
        kept = []
        for line in lines:
            match = CASE_LINE.match(line)
            if match:
                if match[1] not in case_numbers:
                    case_numbers.append(match[1])
            elif line and line not in case_numbers:
                kept.append(line)
        description = "\n".join(kept) or None
    attachments = _document_links(node, base_url, item_ordinal=ordinal)
    return AgendaEntry(ordinal, number, title, case_numbers, description, attachments)


def parse_agenda_structured(scope: LexborNode, base_url: str) -> list[AgendaEntry]:
    """Agenda items from markup: containers whose class names an agenda item."""
    nodes = [n for sel in _ITEM_SELECTORS for n in scope.css(sel) if _is_item_container(n)]
    unique: list[LexborNode] = []
    seen: set[int] = set()
    for node in nodes:
        if node.mem_id in seen:
            continue
        seen.add(node.mem_id)
        unique.append(node)
    # keep outermost containers only, in document order
    ids = {n.mem_id for n in unique}
    outer = []
    for node in unique:
        parent, nested = node.parent, False
        while parent is not None:
            if parent.mem_id in ids:
                nested = True
                break
            parent = parent.parent
        if not nested:
            outer.append(node)
    items: list[AgendaEntry] = []
    for node in outer:
        item = _item_from_node(node, len(items) + 1, base_url)
        if item:
            items.append(item)
    return items


_NOISE_LINE = re.compile(r"^\d+\s*kb(?: Ladda ner dokument)?$|^Ladda ner (?:dokument|allt)$|^Bilagor$", re.I)
_BULLET = re.compile(r"^\s*(?:[-•*]\s*$|•\s*(?P<rest>.*)$)")
_GLUED_CASE = re.compile(r"^(" + CASE_CORE + r")(?=[A-ZÅÄÖ][a-zåäö])")
_GLUED_BILAGOR = re.compile(r"(?<=\S)Bilagor$")


def _agenda_lines(text: str) -> list[str | None]:
    """Lines of the Kallelse text; ``None`` marks a list bullet (an entry boundary)."""
    lines: list[str | None] = []
    for raw in text.splitlines():
        bullet = _BULLET.match(raw)
        if bullet:
            lines.append(None)
            raw = bullet.group("rest") or ""
        line = " ".join(raw.split())
        if not line:
            continue
        line = _GLUED_BILAGOR.sub("", line).strip()
        glued = _GLUED_CASE.match(line)
        parts = [glued[1], line[len(glued[1]):]] if glued else [line]
        lines.extend(part for part in parts if part and not _NOISE_LINE.match(part))
    return lines


def _entry(lines: list[str], ordinal: int) -> AgendaEntry | None:
    if not lines:
        return None
    number = None
    if re.fullmatch(r"\d{1,3}", lines[0]):
        if len(lines) == 1:
            return None
        number, lines = lines[0], lines[1:]
    entry = AgendaEntry(ordinal, number, lines[0])
    body = []
    for line in lines[1:]:
        case = CASE_LINE.match(line)
        if case:
            entry.case_numbers.append(case[1])
        else:
            body.append(line)
    entry.description = "\n".join(body) or None
    return entry


def parse_agenda_text(text: str) -> list[AgendaEntry]:
    """Agenda items from the visible text of the Kallelse tab.

    Where the text has list bullets, each bullet starts an entry: a number line then a title
    (numbered item), or a title alone (unnumbered item such as "Inkomna motioner"). Without bullets,
    a line holding only a number starts an item whose title is the next line. Case-number lines
    (``RS 912-2025``, also when glued to the following text) belong to the item they stand in."""
    lines = _agenda_lines(text)
    if None in lines:
        blocks: list[list[str]] = [[]]
        for line in lines:
            if line is None:
                blocks.append([])
            else:
                blocks[-1].append(line)
        blocks = [b for b in blocks[1:] if b]  # text before the first bullet is not an item
        first_numbered = next((i for i, b in enumerate(blocks) if re.fullmatch(r"\d{1,3}", b[0])), 0)
        blocks = blocks[first_numbered:]  # entries above the first numbered item are the meeting's programme
    else:
        blocks = []
        for line in lines:
            assert line is not None
            if re.fullmatch(r"\d{1,3}", line) or not blocks:
                blocks.append([line])
            else:
                blocks[-1].append(line)
        if blocks and not re.fullmatch(r"\d{1,3}", blocks[0][0]):
            blocks = blocks[1:]
    items: list[AgendaEntry] = []
    for block in blocks:
        entry = _entry(block, len(items) + 1)
        if entry:
            items.append(entry)
    return items


def _side_meetings(tree: LexborHTMLParser, url: str, committee_slug: str, own_url: str) -> list[MeetingRef]:
    refs = []
    for node in tree.css("a[href]"):
        ref = _meeting_ref(node, url, None)
        if ref and ref.committee_slug == committee_slug:
            refs.append(ref)
    refs = _dedupe(refs)
    return [r for r in refs if r.url != own_url] + [r for r in refs if r.url == own_url]


def _description(tree: LexborHTMLParser) -> str | None:
    node = None
    for selector in (".meeting-description", "[class*=meeting-info]", "[class*=description]", ".meeting-details"):
        node = tree.css_first(selector)
        if node is not None:
            break
    if node is None:
        return None
    parts = [" ".join(p.text(separator=" ", strip=True).split()) for p in node.css("p, li")] or [_text(node)]
    text = "\n".join(p for p in parts if p)
    return text or None


def _start_time(description: str | None) -> str | None:
    if not description:
        return None
    match = START_TIME.search(description) or KL_TIME.search(description)
    if not match:
        return None
    return f"{int(match[1]):02d}:{match[2]}"


def _meeting_title(tree: LexborHTMLParser, url: str) -> str:
    title = _text(tree.css_first("h1"))
    if not title:
        title_tag = _text(tree.css_first("title"))
        title = title_tag.split("|")[0].strip() if title_tag else ""
    if not title:
        raise ParseError(url, "no meeting title: neither <h1> nor <title> has text")
    return title


def _first(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> LexborNode | None:
    return next((tree.css_first(sel) for sel in selectors if tree.css_first(sel) is not None), None)


def _agenda(tree: LexborHTMLParser, agenda_scope: LexborNode | None, url: str) -> tuple[list[AgendaEntry], str]:
    """Agenda items and the strategy that found them: structured markup, else the Kallelse tab's text."""
    scope = agenda_scope if agenda_scope is not None else tree.body
    if scope is None:
        return [], "none"
    items = parse_agenda_structured(scope, url)
    if items:
        return items, "structured"
    if agenda_scope is not None:
        items = parse_agenda_text(agenda_scope.text(separator="\n", strip=True))
        if items:
            return items, "text"
    return [], "none"


def _page_documents(tree: LexborHTMLParser, url: str, items: list[AgendaEntry]) -> list[DocumentLink]:
    """Document links of the page that are not an agenda item's attachments."""
    seen = {canonical_url(d.url) for it in items for d in it.attachments}
    documents: list[DocumentLink] = []
    for link in _document_links(tree.body, url) if tree.body else []:
        key = canonical_url(link.url)
        if key not in seen:
            seen.add(key)
            documents.append(link)
    return documents


def _portal_meeting_id(tree: LexborHTMLParser) -> int | None:
    """The numeric meeting id of a "Ladda ner allt" link to the JSON API."""
    for node in tree.css("a[href]"):
        match = API_MEETING.search(node.attributes.get("href") or "")
        if match:
            return int(match[1])
    return None


def parse_meeting_page(html: str, url: str) -> MeetingPage:
    """A meeting page: title, status, description, agenda items, documents and the side menu.

    Raises ParseError naming what was missing when the page is not a recognisable meeting page."""
    tree = _tree(html, url)
    path_match = MEETING_PATH.search(urlsplit(url).path)
    if not path_match:
        raise ParseError(url, "not a meeting URL (expected /committees/{committee}/{meeting})")
    committee_slug, slug = path_match[1], path_match[2]
    own_url = canonical_url(url)
    title = _meeting_title(tree, url)
    page_text = tree.body.text(separator="\n", strip=True) if tree.body else ""
    cancelled = bool(CANCELLED.match(title)) or "installt" in slug.lower()
    description = _description(tree)
    protocol_scope = _first(tree, ("#protocol", "#protokoll", "[id*=protocol]", "[id*=Protocol]"))
    agenda_scope = _first(tree, ("#agenda", "#kallelse", "[id*=agenda]", "[id*=Agenda]"))
    items, strategy = _agenda(tree, agenda_scope, url)
    documents = _page_documents(tree, url, items)
    has_protocol = any(d.kind == "protokoll" for d in documents)
    if tree.css_first("#openProtocol") is None and protocol_scope is None:
        protocol_pending = not has_protocol and NO_PROTOCOL in page_text
    else:
        protocol_pending = not has_protocol
    if not items and not documents and not cancelled and NO_AGENDA not in page_text and protocol_scope is None and agenda_scope is None:
        raise ParseError(
            url,
            "unrecognised meeting page: no agenda items, no /agenda/ or /protocol/ links, "
            f"no Kallelse/Protokoll areas and no '{NO_AGENDA}' notice",
        )
    return MeetingPage(
        url=own_url, committee_slug=committee_slug, slug=slug, title=title, date=find_date(title), cancelled=cancelled,
        description=description, start_time=_start_time(description), agenda_items=items, documents=documents,
        protocol_pending=protocol_pending, agenda_missing=NO_AGENDA in page_text, portal_meeting_id=_portal_meeting_id(tree),
        side_meetings=_side_meetings(tree, url, committee_slug, own_url), agenda_strategy=strategy,
    )


def parse_meeting_links(html: str, url: str, committee_slug: str) -> list[str]:
    """URLs of every meeting page of a committee linked anywhere on a page (seeds for the side-menu
    fallback when the meeting list itself is rendered by script)."""
    tree = _tree(html, url)
    found: list[str] = []
    for node in tree.css("a[href]"):
        ref = _meeting_ref(node, url, None)
        if ref and ref.committee_slug == committee_slug and ref.url not in found:
            found.append(ref.url)
    return found
