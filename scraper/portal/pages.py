"""Meetings Plus HTML pages -> parsed pages. Pure functions of (html, url).

The portal's markup is only partly known (see the portal notes in the README), so every
parser tries several strategies and says which one matched:

- committee list ``/committees``: every link to ``/committees/{slug}``;
- committee page ``/committees/{slug}``: ``a.accessible-table-cell`` rows (``#committeesRecentContent``
  and the upcoming tab), the date taken from ``aria-label`` or the link text, never from the slug;
- meeting page ``/committees/{slug}/{meeting}``: title, description, agenda items (read from
  their content: item numbers, titles, case numbers, matters and attachments; see "agenda items"
  below), every ``/protocol/`` and ``/agenda/``
  document link, the "Ladda ner allt" API link (the numeric meeting id), and the side menu of
  the committee's other meetings (the fallback meeting list).

Quirks handled: relative hrefs, duplicate links, numeric suffixes after ``pdf`` in file slugs,
``javascript:void(0)`` protocol buttons, protocol links into another meeting's path, several
protocol files per meeting, opaque meeting slugs, cancelled meetings (``INSTÄLLT``/``installt``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
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
_CASE_PREFIX = r"[A-ZÅÄÖ](?:[A-ZÅÄÖ]|[a-zåäö](?=[A-ZÅÄÖ])){0,5}"
CASE_CORE = (
    r"(?:" + _CASE_PREFIX + r"[ -]?\d{1,6}(?::\d+)?[-/]\d{4}(?:[-/.:]\d+)*"
    r"|\d{2}[A-Z]{1,4}\d{3,7}"
    r"|" + _CASE_PREFIX + r"[ /]?\d{4}[/:.-]\d{1,6}(?: ?- ?\d{3})?"
    r"|" + _CASE_PREFIX + r" \d{2}-\d{1,4} \d{3})"
)
CASE_NUMBER = re.compile(r"\b" + CASE_CORE + r"(?![\w/:-])")
CASE_LABEL = r"(?:(?:Dnr|Diarienr|Diarienummer|Ärendenummer)[:.]?\s*)"
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
    """An agenda item, or a matter listed under one (a sub-item: ``ordinal`` is then its place
    under the item, and it has no number or attachments of its own)."""

    ordinal: int
    number: str | None
    title: str
    case_numbers: list[str] = field(default_factory=list)
    description: str | None = None
    attachments: list[DocumentLink] = field(default_factory=list)
    sub_items: list["AgendaEntry"] = field(default_factory=list)


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
    agenda_numbered_entries: int = 0  # item numbers visible in the agenda
    agenda_case_numbers: int = 0  # distinct case numbers visible in the agenda
    agenda_notes: list[str] = field(default_factory=list)  # doubts about the agenda read

    def agenda_problem(self) -> str | None:
        """Why the agenda items read from the page cannot be published, or None: fewer numbered
        items than item numbers on the page, or no item where the agenda shows case numbers."""
        if self.cancelled or self.agenda_missing:
            return None
        numbered = sum(1 for item in self.agenda_items if item.number)
        if numbered < self.agenda_numbered_entries:
            return (f"the agenda shows {self.agenda_numbered_entries} numbered entries but {numbered} numbered items "
                    f"were read (reading: {self.agenda_strategy})")
        if not self.agenda_items and self.agenda_case_numbers:
            return f"the agenda shows {self.agenda_case_numbers} case numbers but no item was read"
        return None

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
    return _links(scope.css("a[href]"), base_url, item_ordinal)


def _links(anchors, base_url: str, item_ordinal: int | None = None) -> list[DocumentLink]:
    """Document links among ``anchors`` in document order, de-duplicated by URL.

    Where a document is linked twice (title link plus a "Ladda ner dokument" button) the
    descriptive link text wins."""
    order: list[str] = []
    found: dict[str, DocumentLink] = {}
    for node in anchors:
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


# ---------------------------------------------------------------- agenda items
#
# The agenda is read from what it says, not from class names: the lines of the Kallelse area (or of
# the page, without the navigation, header, footer and protocol area) each know the block element
# they stand in and the links they hold. An item starts at an item number (a line holding only
# ``2``, ``2.`` or ``§ 2``, or a heading-like line starting with one); under its title come case
# numbers, the matters it lists, attachments and text. Three readings find the items:
#
# - ``structured``: containers whose class names an agenda item (``.agenda-item``);
# - ``blocks``: the block holding each item number, widened to the largest element that holds no
#   other number; its siblings of the same shape are the unnumbered items;
# - ``text``: the lines alone, for flat layouts (and text renderings with list bullets).
#
# The first reading that accounts for every item number on the page is taken.

ITEM_NUMBER = re.compile(r"^(?:§\s*)?(\d{1,3})[.)]?$")
LEADING_NUMBER = re.compile(r"^(?:§\s*)?(\d{1,3})[.)]?\s+(?=[A-ZÅÄÖ])")
_GLUED_CASE = re.compile(r"^(" + CASE_LABEL + r"?" + CASE_CORE + r")(?=[A-ZÅÄÖ][a-zåäö])")
_GLUED_HEADING = re.compile(r"(?<=\S)(Bilagor)$")
_CASE_RESIDUE = re.compile(r"^(?:[\s,;]|och)*$")
_LABEL_START = re.compile(r"^" + CASE_LABEL, re.I)
_ATTACHMENTS_HEADING = re.compile(r"^(?:Bilagor|Bilaga|Handlingar)$", re.I)
_NOISE_LINE = re.compile(
    r"^(?:\d+\s*kb(?: Ladda ner dokument)?|Ladda ner(?: dokument| allt)?|Öppna(?: protokoll)?|Kallelse|Protokoll"
    rf"|{NO_AGENDA}|{NO_PROTOCOL}|Det finns ingen information att visa)$", re.I)
_ATTACHMENT_FILLER = re.compile(r"\d+\s*kb|ladda ner(?: dokument)?|[\s|,;:()\-–•]", re.I)
_BULLET = re.compile(r"^\s*(?:[-•*]\s*$|•\s*(?P<rest>.*)$)")
_BLOCK_TAGS = frozenset(
    "address article aside blockquote caption dd details dialog div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul button".split())
_SKIP_TAGS = frozenset("script style template noscript head title select option svg".split())
_FURNITURE_TAGS = frozenset(("nav", "header", "footer", "aside"))
_PROTOCOL_AREA = re.compile(r"protocol|protokoll", re.I)


@dataclass
class _Line:
    """A line of the agenda's text: what it is, the block element it stands in, the links it holds."""

    text: str
    kind: str = "text"  # text, number, case, heading (Bilagor), attachment, noise, bullet
    block: LexborNode | None = None
    anchors: tuple[LexborNode, ...] = ()
    first: bool = True  # the first line of its block
    number: str | None = None  # the item number the line holds, or starts with
    rest: str = ""  # the text after a leading item number
    cases: tuple[str, ...] = ()


def case_numbers_of_line(text: str) -> tuple[str, ...]:
    """The case numbers of a line that holds nothing else (an optional "Dnr" label, separators)."""
    body = _LABEL_START.sub("", text.strip())
    found = tuple(m[0] for m in CASE_NUMBER.finditer(body))
    if found and _CASE_RESIDUE.match(CASE_NUMBER.sub("", body)):
        return found
    return ()


def _is_attachment(text: str, anchors: tuple[LexborNode, ...]) -> bool:
    """A line made of document links, their sizes and "Ladda ner dokument" buttons only."""
    hrefs = [urlsplit(a.attributes.get("href") or "").path for a in anchors]
    if not any(DOCUMENT_PATH.search(h) for h in hrefs):
        return False
    for anchor in anchors:
        text = text.replace(_text(anchor), " ")
    return not _ATTACHMENT_FILLER.sub("", text)


def _make_lines(raw: str, block: LexborNode | None = None, anchors: tuple = (), first: bool = True) -> list[_Line]:
    """One line of text as typed lines: a case number glued to the text after it is split off."""
    text = " ".join(raw.split())
    if not text:
        return []
    bullet = _BULLET.match(text)
    if bullet:  # a list bullet of a text rendering; on a page, a dash is only a dash
        marker = [_Line("", kind="bullet")] if block is None else []
        return marker + _make_lines(bullet.group("rest") or "", block, anchors, first)
    glued = _GLUED_CASE.match(text) or _GLUED_HEADING.search(text)
    if glued:
        cut = glued.end() if glued.re is _GLUED_CASE else glued.start()
        return _make_lines(text[:cut], block, (), first) + _make_lines(text[cut:], block, anchors, False)
    line = _Line(text, block=block, anchors=anchors, first=first)
    cases = case_numbers_of_line(text)
    number = ITEM_NUMBER.match(text)
    leading = LEADING_NUMBER.match(text)
    if cases:
        line.kind, line.cases = "case", cases
    elif number:
        line.kind, line.number = "number", number[1]
    elif _ATTACHMENTS_HEADING.match(text):
        line.kind = "heading"
    elif _NOISE_LINE.match(text):
        line.kind = "noise"
    elif anchors and _is_attachment(text, anchors):
        line.kind = "attachment"
    elif leading:
        line.number, line.rest = leading[1], text[leading.end():]
    return [line]


class _Walker:
    """The lines of a DOM subtree, broken where blocks, ``<br>`` and lone numbers break them."""

    def __init__(self, skip) -> None:
        self.skip = skip
        self.lines: list[_Line] = []
        self.buffer: list[str] = []
        self.anchors: list[LexborNode] = []
        self.started: set[int] = set()

    def flush(self, block: LexborNode | None) -> None:
        text, self.buffer = "".join(self.buffer), []
        anchors, self.anchors = tuple(self.anchors), []
        parts = text.split("\n") if block is not None and block.tag == "pre" else [text]
        for part in parts:
            made = _make_lines(part, block, anchors, block.mem_id not in self.started if block is not None else True)
            if made and block is not None:
                self.started.add(block.mem_id)
            self.lines.extend(made)

    def walk(self, node: LexborNode, block: LexborNode | None) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                self.buffer.append(child.text(deep=False) or "")
            elif tag.startswith("-") or tag in _SKIP_TAGS or self.skip(child):
                continue
            elif tag == "br":
                self.flush(block)
            elif tag in _BLOCK_TAGS:
                self.flush(block)
                self.walk(child, child)
                self.flush(child)
            else:
                if tag == "a":
                    self.anchors.append(child)
                alone = _lone_token(child)
                if alone:
                    self.flush(block)
                self.walk(child, block)
                if alone:
                    self.flush(block)


def _lone_token(node: LexborNode) -> bool:
    """An inline element holding only an item number or a case number stands on its own line."""
    text = _text(node)
    return bool(text) and (bool(ITEM_NUMBER.match(text)) or bool(case_numbers_of_line(text)))


def _is_furniture(node: LexborNode) -> bool:
    """Navigation, header, footer and the protocol area are no part of an agenda."""
    if node.tag in _FURNITURE_TAGS or (node.attributes.get("role") or "") == "navigation":
        return True
    return bool(_PROTOCOL_AREA.search(node.attributes.get("id") or ""))


def dom_lines(scope: LexborNode) -> list[_Line]:
    walker = _Walker(_is_furniture)
    walker.walk(scope, scope)
    walker.flush(scope)
    return walker.lines


def text_lines(text: str) -> list[_Line]:
    """Lines of a text rendering; a list bullet becomes a ``bullet`` line (an entry boundary)."""
    return [line for raw in text.splitlines() for line in _make_lines(raw)]


def numbered_lines(lines: list[_Line]) -> list[int]:
    """Indices of the lines that hold item numbers: of the lines holding a number (or a block's
    first line starting with one), the longest run whose numbers rise in document order. Three or
    more bare numbers in a row are a pager or a calendar, not items."""
    pager: set[int] = set()
    for i in range(len(lines) - 2):
        if all(line.kind == "number" for line in lines[i:i + 3]):
            pager.update(range(i, i + 3))
    candidates = [i for i, line in enumerate(lines) if line.number and (line.kind == "number" or line.first) and i not in pager]
    numbers = [int(lines[i].number) for i in candidates]
    length, previous = [1] * len(candidates), [-1] * len(candidates)
    for a in range(len(candidates)):
        for b in range(a):
            if numbers[b] < numbers[a] and length[b] + 1 > length[a]:
                length[a], previous[a] = length[b] + 1, b
    if not candidates:
        return []
    at, run = length.index(max(length)), []
    while at >= 0:
        run.append(candidates[at])
        at = previous[at]
    return run[::-1]


# ---------------------------------------------------------------- the three readings


def _enclosing(node: LexborNode | None, ids: dict[int, int]) -> int | None:
    while node is not None:
        if node.mem_id in ids:
            return ids[node.mem_id]
        node = node.parent
    return None


def _class_containers(scope: LexborNode) -> list[LexborNode]:
    """The outermost elements whose class names an agenda item, in document order."""
    found = [n for n in scope.css("[class]") if _is_item_container(n)]
    ids = dict.fromkeys((n.mem_id for n in found), 0)
    return [n for n in found if _enclosing(n.parent, ids) is None]


_ITEM_CLASS = re.compile(r"agenda[-_]?item(?![-_]?(number|title|text|body|content|attachment|case|nr))", re.I)


def _is_item_container(node: LexborNode) -> bool:
    return bool(_ITEM_CLASS.search(node.attributes.get("class") or ""))


def groups_by_class(lines: list[_Line], numbered: list[int], scope: LexborNode | None) -> list[list[int]]:
    """Items as containers whose class names an agenda item (``.agenda-item``, ``agendaItem``)."""
    if scope is None:
        return []
    ids = {node.mem_id: k for k, node in enumerate(_class_containers(scope))}
    groups: list[list[int]] = [[] for _ in ids]
    for index, line in enumerate(lines):
        k = _enclosing(line.block, ids)
        if k is not None:
            groups[k].append(index)
    return [g for g in groups if g]


def _path(node: LexborNode, scope: LexborNode) -> list[LexborNode]:
    path = []
    while node is not None:
        path.append(node)
        if node.mem_id == scope.mem_id:
            break
        node = node.parent
    return path


def _shape(node: LexborNode) -> tuple[str, frozenset[str]]:
    return node.tag, frozenset((node.attributes.get("class") or "").split())


def _same_shape(node: LexborNode, shapes: set[tuple[str, frozenset[str]]]) -> bool:
    tag, classes = _shape(node)
    return any(tag == t and (classes & c or not (classes or c)) for t, c in shapes)


def _item_containers(lines: list[_Line], numbered: list[int], scope: LexborNode) -> dict[int, LexborNode] | None:
    """For each item number, the largest element that holds it and no other item number (a lone
    number: the element up to the first one that has a sibling of its shape); None when a number
    stands loose in the scope or the containers are not siblings."""
    paths = {i: _path(lines[i].block, scope) for i in numbered}
    holders = Counter(node.mem_id for path in paths.values() for node in path)
    containers = {}
    for i, path in paths.items():
        own = [node for node in path if holders[node.mem_id] == 1 and node.mem_id != scope.mem_id]
        if len(numbered) == 1:
            own = own[:next((k + 1 for k, node in enumerate(own) if _has_twin(node)), len(own))]
        if not own:
            return None
        containers[i] = own[-1]
    if len({c.parent.mem_id for c in containers.values() if c.parent is not None}) != 1:
        return None
    return containers


def _has_twin(node: LexborNode) -> bool:
    """Whether an element has a sibling of its shape (another list item, row, heading ...)."""
    parent = node.parent
    siblings = parent.iter() if parent is not None else ()
    return any(other.mem_id != node.mem_id and _same_shape(other, {_shape(node)}) for other in siblings)


def groups_by_blocks(lines: list[_Line], numbered: list[int], scope: LexborNode | None) -> list[list[int]]:
    """Items as the blocks around their numbers: each number's container, and the containers'
    siblings of the same shape (tag and a shared class) that hold text of their own (unnumbered
    items); other siblings (text, case numbers, attachments) belong to the item before them."""
    if scope is None or not numbered or any(lines[i].block is None for i in numbered):
        return []
    containers = _item_containers(lines, numbered, scope)
    if containers is None:
        return []
    ids = {node.mem_id for node in containers.values()}
    runs = _unit_runs(lines, next(iter(containers.values())).parent)
    if any(unit is not None and unit.mem_id in ids and all(i in containers and not lines[i].rest for i in indices)
           for unit, indices in runs):
        return []  # a number alone in its element: a flat layout, for the lines reading
    shapes = {_shape(c) for c in containers.values()}
    groups: list[list[int]] = []
    for unit, indices in runs:
        has_number = unit is not None and unit.mem_id in ids
        has_text = any(lines[i].kind == "text" for i in indices)
        if has_number or (groups and unit is not None and has_text and _same_shape(unit, shapes)):
            groups.append(list(indices))
        elif groups:
            groups[-1].extend(indices)
    return groups


def _unit_runs(lines: list[_Line], parent: LexborNode) -> list[tuple[LexborNode | None, list[int]]]:
    """The lines inside ``parent`` grouped by the child of ``parent`` they stand in, in document
    order; a line standing loose in ``parent`` is a run of its own, with no child."""
    runs: list[tuple[LexborNode | None, list[int]]] = []
    for index, line in enumerate(lines):
        child, node = None, line.block
        while node is not None and node.mem_id != parent.mem_id:
            child, node = node, node.parent
        if node is None:
            continue
        if runs and child is not None and runs[-1][0] is not None and runs[-1][0].mem_id == child.mem_id:
            runs[-1][1].append(index)
        else:
            runs.append((child, [index]))
    return runs


def groups_by_lines(lines: list[_Line], numbered: list[int], scope: LexborNode | None = None) -> list[list[int]]:
    """Items in a flat run of lines, from the first item number on. With list bullets (a text
    rendering) each bullet starts an entry. Without them an item starts at each item number;
    after an item's title a line of text starts an unnumbered item, unless it belongs to the item
    (it ends with a colon, a case number follows it, or it opens like the matter before it) or the
    item numbers leave no room for another item (``4`` then ``5``); after an attachments block the
    next line of text starts an item."""
    if not numbered:
        return []
    starts = set(numbered)
    if any(line.kind == "bullet" for line in lines):
        return _groups_by_bullets(lines, starts)
    groups: list[list[int]] = []
    titled = closed = False
    number = unnumbered = 0
    for index, line in enumerate(lines):
        if index in starts:
            groups.append([index])
            titled, closed, number, unnumbered = bool(line.rest), False, int(line.number), 0
        elif not groups:
            continue
        elif line.kind != "text" or not titled:
            groups[-1].append(index)
            titled = titled or line.kind == "text"
            closed = closed or line.kind in ("heading", "attachment")
        elif _no_room(lines, numbered, index, number + unnumbered) or (not closed and _continues_item(lines, groups[-1], index)):
            groups[-1].append(index)
        else:
            groups.append([index])
            closed, unnumbered = False, unnumbered + 1
    return groups


def _no_room(lines: list[_Line], numbered: list[int], index: int, last: int) -> bool:
    """Whether the next item number follows the last one used directly (no unnumbered item fits)."""
    position = bisect_right(numbered, index)
    return position < len(numbered) and int(lines[numbered[position]].number) <= last + 1


def _opens_like(text: str, other: str) -> bool:
    first, second = text.split()[0].lower(), other.split()[0].lower()
    return first == second and len(first) >= 3 and first.isalpha()


def _continues_item(lines: list[_Line], group: list[int], index: int) -> bool:
    """A line belongs to the current item: it introduces what follows (it ends with a colon), a case
    number follows it (a matter), or it opens like the matter before it (the same first word, as
    "Motion nr 2-2026 ..." after "Motion nr 1-2026 ...")."""
    if lines[index].text.endswith(":"):
        return True
    following = next((line for line in lines[index + 1:] if line.kind != "noise"), None)
    if following is not None and following.kind == "case":
        return True
    before = [lines[i] for i in group]
    matters = [a.text for a, b in zip(before, before[1:]) if a.kind == "text" and b.kind == "case"]
    return bool(matters) and _opens_like(lines[index].text, matters[-1])


def _groups_by_bullets(lines: list[_Line], starts: set[int]) -> list[list[int]]:
    """Each bullet starts an entry; entries before the first numbered one are the meeting's
    programme, and an entry with no text of its own (an attachment list) belongs to the one before."""
    blocks: list[list[int]] = [[]]
    for index, line in enumerate(lines):
        if line.kind == "bullet":
            blocks.append([])
        else:
            blocks[-1].append(index)
    blocks = [b for b in blocks[1:] if b]
    first = next((k for k, b in enumerate(blocks) if starts.intersection(b)), len(blocks))
    groups: list[list[int]] = []
    for block in blocks[first:]:
        if groups and not any(lines[i].kind == "text" or i in starts for i in block):
            groups[-1].extend(block)
        else:
            groups.append(block)
    return groups


# ---------------------------------------------------------------- items from their lines


def _entry(lines: list[_Line], indices: list[int], starts: set[int], ordinal: int, base_url: str) -> AgendaEntry | None:
    """An item from its lines: the item number, the title (the first line of text), then its body."""
    number = title = None
    body: list[_Line] = []
    anchors: list[LexborNode] = []
    for index in indices:
        line = lines[index]
        anchors.extend(line.anchors)
        if index in starts and number is None:
            number, title = line.number, title or line.rest or None
        elif line.kind == "text" and title is None:
            title = line.text
        else:
            body.append(line)
    if not title:
        return None
    entry = AgendaEntry(ordinal, number, title)
    _read_body(entry, body)
    entry.attachments = _links(anchors, base_url, ordinal)
    return entry


def _read_body(entry: AgendaEntry, body: list[_Line]) -> None:
    """Case numbers, matters and text under an item's title. A case number right under the title is
    the item's; a line of text followed by a case number is a matter. Two or more matters are the
    item's sub-items (each with its title and case numbers); a single one is the item's own case."""
    matters: list[tuple[list[str], list[str]]] = []
    pending: list[str] = []
    for line in body:
        if line.kind == "case" and pending:
            matters.append((pending, list(line.cases)))
            pending = []
        elif line.kind == "case":
            (matters[-1][1] if matters else entry.case_numbers).extend(line.cases)
        elif line.kind == "text":
            pending.append(line.text)
    trailing = [t for t in pending if matters and any(_opens_like(t, line) for line in (matters[-1][0][0], matters[-1][0][-1]))]
    rest = [t for t in pending if t not in trailing]
    if len(matters) + len(trailing) >= 2:
        matters += [([t], []) for t in trailing]
        rest = _intro(matters) + rest
        entry.sub_items = [AgendaEntry(n, None, text[0], _unique(cases), "\n".join(text[1:]) or None)
                           for n, (text, cases) in enumerate(matters, 1)]
    elif matters:
        entry.case_numbers.extend(matters[0][1])
        rest = matters[0][0] + rest
    entry.case_numbers = _unique(entry.case_numbers)
    entry.description = "\n".join(rest) or None


def _intro(matters: list[tuple[list[str], list[str]]]) -> list[str]:
    """Lines above the first matter that the other matters have no counterpart of: the item's text."""
    longest_other = max(len(text) for text, _ in matters[1:])
    first = matters[0][0]
    surplus = first[:max(0, len(first) - longest_other)]
    del first[:len(surplus)]
    return surplus


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _entries(lines: list[_Line], groups: list[list[int]], starts: set[int], base_url: str) -> list[AgendaEntry]:
    items: list[AgendaEntry] = []
    for group in groups:
        entry = _entry(lines, group, starts, len(items) + 1, base_url)
        if entry:
            items.append(entry)
    return items


@dataclass
class AgendaReading:
    """The agenda items of a page, the reading that found them, and how sure it is: the item
    numbers visible on the page, the case numbers in the agenda's text, and notes on doubts."""

    items: list[AgendaEntry]
    strategy: str  # structured, blocks, text or none
    numbered_entries: int
    case_numbers: int
    notes: list[str] = field(default_factory=list)


READINGS = (("structured", groups_by_class), ("blocks", groups_by_blocks), ("text", groups_by_lines))


def _numbered_count(items: list[AgendaEntry]) -> int:
    return sum(1 for item in items if item.number)


def read_agenda(lines: list[_Line], scope: LexborNode | None, base_url: str) -> AgendaReading:
    """The agenda by the first reading that accounts for every item number on the page (else by the
    one that accounts for most), with notes where the readings or the numbering leave doubt."""
    numbered = numbered_lines(lines)
    starts = set(numbered)
    found = []
    for name, grouping in READINGS:
        items = _entries(lines, grouping(lines, numbered, scope), starts, base_url)
        if items:
            found.append((name, items))
    complete = [f for f in found if _numbered_count(f[1]) >= len(numbered)]
    name, items = (complete or sorted(found, key=lambda f: -_numbered_count(f[1])) or [("none", [])])[0]
    cases = {case for line in lines for case in line.cases}
    return AgendaReading(items, name, len(numbered), len(cases), _notes(dict(complete), items))


def _notes(complete: dict[str, list[AgendaEntry]], items: list[AgendaEntry]) -> list[str]:
    notes = []
    if "structured" in complete and "blocks" in complete and len(complete["structured"]) != len(complete["blocks"]):
        notes.append(f"the agenda-item markup gives {len(complete['structured'])} items, the blocks around the item "
                     f"numbers {len(complete['blocks'])}")
    numbered = [(k, int(item.number)) for k, item in enumerate(items) if item.number and item.number.isdigit()]
    for (at, number), (next_at, next_number) in zip(numbered, numbered[1:]):
        between = next_at - at - 1
        if between > next_number - number - 1:
            notes.append(f"{between} unnumbered items stand between items {number} and {next_number}")
    return notes


def parse_agenda_text(text: str) -> list[AgendaEntry]:
    """Agenda items from a text rendering of the Kallelse tab (see ``groups_by_lines``)."""
    lines = text_lines(text)
    numbered = numbered_lines(lines)
    return _entries(lines, groups_by_lines(lines, numbered), set(numbered), "")


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


def _agenda(tree: LexborHTMLParser, agenda_scope: LexborNode | None, url: str) -> AgendaReading:
    """The agenda read from the Kallelse area, or from the whole page when that area is missing or
    shows no agenda (navigation, header, footer and the protocol area left out)."""
    for scope in (agenda_scope, tree.body):
        if scope is None:
            continue
        reading = read_agenda(dom_lines(scope), scope, url)
        if reading.items or reading.numbered_entries or reading.case_numbers:
            return reading
    return AgendaReading([], "none", 0, 0)


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
    agenda = _agenda(tree, agenda_scope, url)
    items = agenda.items
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
        side_meetings=_side_meetings(tree, url, committee_slug, own_url), agenda_strategy=agenda.strategy,
        agenda_numbered_entries=agenda.numbered_entries, agenda_case_numbers=agenda.case_numbers, agenda_notes=agenda.notes,
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
