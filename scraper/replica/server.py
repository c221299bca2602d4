"""The replica's HTTP server: one loopback server per portal, serving pages, JSON and PDFs.

It answers conditional requests like a normal web server (strong ETag from the body,
``Last-Modified`` per day), which can be switched off, can misbehave on purpose (see
``faults.py``: error statuses, 429, slow answers, resets, truncated bodies, damaged PDFs, changed
markup, committee pages listing only upcoming meetings; reproducible for a seed), and counts what
it served so tests can check what a run cost.

Counters (``/__replica__/stats`` as JSON, ``RunningReplica.stats(portal_id)``): one per kind of
resource (``committees``, ``committee``, ``meeting``, ``document``, ``api``, ``robots``, ``other``),
``total`` (every request but the stats endpoint), ``conditional`` (requests carrying
``If-None-Match`` or ``If-Modified-Since``), ``not_modified`` (304 answers), ``faults`` and
``fault:KIND`` per kind of misbehaviour.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from . import content as content_mod
from . import recording as recording_mod
from . import render
from .faults import (EXEMPT, FaultInjector, FaultPlan, change_markup, corrupt_pdf, error_page, truncated_length,
                     repeated_page_pdf, upcoming_only, with_long_link)

LOOPBACK = ("127.0.0.1", "localhost", "::1")

ContentProvider = Callable[[int], "dict[str, content_mod.PortalContent]"]
DocumentRenderer = Callable[["content_mod.Doc"], bytes]


@dataclass
class PortalIndex:
    """One portal's content on one day with the lookups ``route`` needs: meetings and API ids
    resolve to the first match, committee slugs and document paths to the last."""

    portal: content_mod.PortalContent
    committees: dict[str, content_mod.CommitteeContent]
    docs: dict[str, content_mod.Doc]
    meetings: dict[tuple[int, str], content_mod.MeetingContent]  # (id of the committee, meeting slug)
    api_committees: dict[int, content_mod.CommitteeContent]
    api_meetings: dict[int, content_mod.MeetingContent]

    @classmethod
    def of(cls, portal: content_mod.PortalContent) -> "PortalIndex":
        meetings: dict[tuple[int, str], content_mod.MeetingContent] = {}
        api_committees: dict[int, content_mod.CommitteeContent] = {}
        api_meetings: dict[int, content_mod.MeetingContent] = {}
        for committee in portal.committees:
            api_committees.setdefault(committee.portal_committee_id, committee)
        for committee in portal.committees:
            for meeting in committee.meetings:
                meetings.setdefault((id(committee), meeting.slug), meeting)
                api_meetings.setdefault(render.api_meeting_id(committee, meeting), meeting)
        return cls(
            portal=portal,
            committees={c.slug: c for c in portal.committees},
            docs={
                d.path: d
                for c in portal.committees
                for m in c.meetings
                for d in [*m.agenda_docs, *m.protocols, *(a for it in m.items for a in it.attachments)]
            },
            meetings=meetings,
            api_committees=api_committees,
            api_meetings=api_meetings,
        )


@dataclass
class ReplicaState:
    """Mutable state shared by the handler threads of one portal server."""

    portal_id: str
    day: int
    today: date
    conditional: bool = True
    faults: FaultInjector | None = None
    agenda_markup: str = "list"  # how meeting pages mark up agenda items (render.AGENDA_MARKUPS)
    requests: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    content_provider: ContentProvider = content_mod.build
    document_renderer: DocumentRenderer = content_mod.render_document
    recording: "RecordedPortal | None" = None  # serve these recorded answers instead of the content
    _built: tuple[int, PortalIndex] | None = field(default=None, repr=False)
    _build_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def index(self) -> PortalIndex:
        """The portal's content on the current day, built once per day (not once per request)."""
        day = self.day
        built = self._built
        if built is not None and built[0] == day:
            return built[1]
        with self._build_lock:
            built = self._built
            if built is None or built[0] != day:
                built = (day, PortalIndex.of(self.content_provider(day)[self.portal_id]))
                self._built = built
            return built[1]

    def count(self, kind: str, conditional: bool = False) -> None:
        """Count one request for a resource of ``kind``."""
        with self.lock:
            self.requests[kind] += 1
            if kind != "stats":
                self.requests["total"] += 1
                if conditional:
                    self.requests["conditional"] += 1

    def note(self, key: str) -> None:
        """Count an outcome (``not_modified``, ``fault:KIND``, ...) without counting a request."""
        with self.lock:
            self.requests[key] += 1
            if key.startswith("fault:"):
                self.requests["faults"] += 1

    def snapshot(self) -> Counter:
        with self.lock:
            return Counter(self.requests)


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()  # more headers (Content-Disposition)


def _not_found(what: str) -> Reply:
    return Reply(404, render._page("Sidan hittades inte", f"<h1>Sidan hittades inte</h1><p>{what}</p>").encode(), "text/html; charset=utf-8")


JSON = "application/json; charset=utf-8"
NOT_FOUND_JSON = Reply(404, b'{"Message":"Not found"}', "application/json")


def _query(query: dict[str, str], name: str, default: int | None = None) -> int | None:
    found = query.get(name) or query.get(name.lower())
    return int(found) if found and found.isdigit() else default


def board_route(portal: content_mod.PortalContent, path: str, query: dict[str, str]) -> Reply | None:
    """The digital bulletin board's JSON (``/api/dbb/v1.0/...``); 404 on a portal without one."""
    if not path.startswith("/api/dbb/"):
        return None
    if not portal.notice_types:
        return NOT_FOUND_JSON
    if path.rstrip("/") == "/api/dbb/v1.0/announcement-types":
        return Reply(200, render.announcement_types_json(portal).encode(), JSON)
    if path.rstrip("/") == "/api/dbb/v1.0/announcements/published":
        body = render.announcements_json(portal, _query(query, "announcementTypeId"), max(_query(query, "pageNumber", 1), 1),
                                         max(_query(query, "pageSize", 500), 1))
        return Reply(200, body.encode(), JSON)
    match = re.fullmatch(r"/api/dbb/v1\.0/announcements/(\d+)/?", path)
    notice = next((n for n in portal.notices if match and n.id == int(match[1])), None)
    return Reply(200, render.announcement_json(notice).encode(), JSON) if notice else NOT_FOUND_JSON


def register_route(portal: content_mod.PortalContent, path: str, query: dict[str, str]) -> Reply | None:
    """The register of elected representatives (``/api/err/v1.0/...``); 404 on a portal without one."""
    if not path.startswith("/api/err/"):
        return None
    if not portal.representatives:
        return NOT_FOUND_JSON
    if path.rstrip("/") == "/api/err/v1.0/representatives":
        people = portal.representatives.get(_query(query, "committeeId"), [])
        return Reply(200, render.representatives_json(people).encode(), JSON)
    match = re.fullmatch(r"/api/err/v1\.0/committees/(\d+)/assignments/?", path)
    if not match:
        return NOT_FOUND_JSON
    term = query.get("termOfOfficeId") or query.get("termofofficeid")
    people = portal.representatives.get(int(match[1]), []) if term == content_mod.TERM_OF_OFFICE_ID else []
    return Reply(200, render.assignments_json(people).encode(), JSON)


def download_route(state: ReplicaState, index: PortalIndex, path: str) -> Reply | None:
    """The JSON API's protocol download: the one protocol as a PDF, several as a zip, none: 500."""
    match = re.fullmatch(r"/api/v2\.0/meetings/(\d+)/download/Protocol/?", path)
    if not match:
        return None
    meeting = index.api_meetings.get(int(match[1]))
    if not meeting or not meeting.protocols:
        return Reply(500, b'{"Message":"An error has occurred."}', "application/json")
    body, content_type, name = render.protocol_download(meeting, state.document_renderer)
    disposition = f"attachment; filename=\"{name.encode('ascii', 'replace').decode()}\"; filename*=UTF-8''{quote(name)}"
    return Reply(200, body, content_type, (("Content-Disposition", disposition),))


@dataclass
class RecordedPortal:
    """A recording served again: each answer by its path and query, as it was recorded."""

    directory: Path
    recording: recording_mod.Recording

    @classmethod
    def load(cls, directory: Path) -> "RecordedPortal":
        return cls(Path(directory), recording_mod.load_recording(directory))

    def reply(self, path: str, query: dict[str, str]) -> tuple[str, Reply]:
        entry = self.recording.by_request().get((path, tuple(sorted(query.items()))))
        if entry is None:
            return "other", _not_found(path)
        headers = tuple((name.title(), value) for name, value in entry.headers.items() if name == "content-disposition")
        kind = "robots" if path == "/robots.txt" else "api" if path.startswith("/api/") else "other"
        return kind, Reply(entry.status, recording_mod.body_of(self.directory, entry),
                           entry.headers.get("content-type", "application/octet-stream"), headers)


def route(state: ReplicaState, path: str, query: dict[str, str] | None = None) -> tuple[str, Reply]:
    """(kind of resource, reply) for a request path (and query) on the given day. Pure apart from PDF rendering."""
    query = query or {}
    if state.recording is not None:
        return state.recording.reply(path, query)
    index = state.index()
    portal, committees, docs = index.portal, index.committees, index.docs
    html = "text/html; charset=utf-8"
    if path == "/robots.txt":
        return "robots", Reply(200, b"User-agent: *\nDisallow: /search\n", "text/plain; charset=utf-8")
    if path in ("/", "/committees"):
        return "committees", Reply(200, render.committee_list(portal).encode(), html)
    if path == "/__replica__/stats":
        body = json.dumps(dict(state.snapshot()), sort_keys=True).encode()
        return "stats", Reply(200, body, "application/json")
    if path in docs:
        pdf = state.document_renderer(docs[path])
        return "document", Reply(200, pdf, "application/pdf")
    match = re.fullmatch(r"/committees/([^/]+)/?", path)
    if match:
        committee = committees.get(match[1])
        if not committee:
            return "committee", _not_found(path)
        return "committee", Reply(200, render.committee_page(committee, state.today).encode(), html)
    match = re.fullmatch(r"/committees/([^/]+)/([^/]+)/?", path)
    if match and match[1] in committees:
        committee = committees[match[1]]
        meeting = index.meetings.get((id(committee), match[2]))
        if not meeting:
            return "meeting", _not_found(path)
        return "meeting", Reply(200, render.meeting_page(committee, meeting, state.agenda_markup).encode(), html)
    match = re.fullmatch(r"/api/v2\.0/committees/(\d+)/meetings/?", path)
    if match:
        committee = index.api_committees.get(int(match[1]))
        if not committee:
            return "api", Reply(404, b'{"Message":"Not found"}', "application/json")
        return "api", Reply(200, render.meetings_json(committee).encode(), "application/json; charset=utf-8")
    download = download_route(state, index, path)
    if download is not None:
        return ("document" if download.status == 200 else "api"), download
    for registered in (board_route(portal, path, query), register_route(portal, path, query)):
        if registered is not None:
            return "api", registered
    return "other", _not_found(path)


class ReplicaHandler(BaseHTTPRequestHandler):
    server_version = "MeetingsPlusReplica/1.0"
    state: ReplicaState  # set on the subclass made per server

    def log_message(self, format: str, *args) -> None:  # quiet by default
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        state = self.state
        conditional_request = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
        kind, reply = route(state, path, dict(parse_qsl(parts.query, keep_blank_values=True)))
        state.count(kind, conditional_request)
        fault, injector = None, state.faults
        if injector is not None and kind not in EXEMPT:
            fault = injector.decide(reply.status, reply.content_type, reply.body)
            if fault is not None:
                state.note(f"fault:{fault.kind}")
        if fault is not None:
            if fault.kind == "reset":
                self._reset()
                return
            if fault.kind == "slow":
                if state.stopping.wait(injector.slow_seconds):
                    return
                fault = None  # then answer normally, too late for a client with a shorter timeout
            else:
                self._misbehave(fault, reply, head, injector.retry_after, path)
                return
        etag = '"' + hashlib.sha256(reply.body).hexdigest()[:32] + '"'
        modified = format_datetime(datetime(2024, 1, 1, tzinfo=timezone.utc).replace(day=min(state.day, 28)), usegmt=True)
        validators = state.conditional and reply.status == 200 and kind != "stats"
        if validators and conditional_request:
            if self.headers.get("If-None-Match") == etag or (
                not self.headers.get("If-None-Match") and self.headers.get("If-Modified-Since") == modified
            ):
                state.note("not_modified")
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", modified)
                self.end_headers()
                return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        if validators:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
        self.end_headers()
        if not head:
            self.wfile.write(reply.body)

    def _reset(self) -> None:
        """Close the connection without an answer; SO_LINGER 0 makes the close a TCP reset."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.rfile.close()
        self.connection.close()

    def _misbehave(self, fault, reply: Reply, head: bool, retry_after: int, path: str) -> None:
        self.close_connection = True
        status, body, content_type = reply.status, reply.body, reply.content_type
        headers: list[tuple[str, str]] = []
        send = None  # bytes to send when fewer than announced
        if fault.kind == "redirect_loop":
            status, body, content_type = 302, b"", "text/html; charset=utf-8"
            headers.append(("Location", self.path))
        elif fault.kind == "gzip":
            body = gzip.compress(body, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        elif fault.kind == "long_link":
            body = with_long_link(body.decode("utf-8"), path).encode("utf-8")
        elif fault.kind in ("500", "503", "429"):
            status, body, content_type = int(fault.kind), error_page(int(fault.kind)), "text/html; charset=utf-8"
            if fault.kind == "429":
                headers.append(("Retry-After", str(retry_after)))
        elif fault.kind == "truncate":
            send = body[: truncated_length(len(body), fault.rng)]
        elif fault.kind == "corrupt_pdf":
            body = corrupt_pdf(body, fault.rng)
        elif fault.kind == "hostile_pdf":
            body = repeated_page_pdf()
        elif fault.kind == "markup":
            body = change_markup(body.decode("utf-8")).encode("utf-8")
        elif fault.kind == "upcoming_only":
            body = upcoming_only(body.decode("utf-8")).encode("utf-8")
        elif fault.kind == "block":
            status, body, content_type = 200, render.block_page(), "text/html; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body if send is None else send)
            self.wfile.flush()


class ReplicaServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:
        """Clients that gave up (timeouts, resets) are expected; anything else is printed."""
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def make_injector(portal_id: str, faults: "str | float | FaultPlan | None", seed: int | str = 0, *,
                  slow_seconds: float = 3.0, retry_after: int = 1) -> FaultInjector | None:
    """The fault injector of one portal server (None without faults); raises FaultSpecError."""
    plan = FaultPlan.parse(faults)
    if plan is None:
        return None
    return FaultInjector(plan, seed=seed, name=portal_id, slow_seconds=slow_seconds, retry_after=retry_after)


def make_server(portal_id: str, host: str = "127.0.0.1", port: int = 0, *, day: int = 1,
                today: date | None = None, conditional: bool = True,
                faults: "str | float | FaultPlan | None" = None, seed: int | str = 0,
                slow_seconds: float = 3.0, retry_after: int = 1,
                content_provider: ContentProvider | None = None,
                document_renderer: DocumentRenderer | None = None, agenda_markup: str = "list",
                recording: RecordedPortal | None = None) -> ReplicaServer:
    """One portal's server (not yet serving). ``faults``: a rate, a spec or a FaultPlan;
    ``agenda_markup``: how meeting pages mark up agenda items (``list`` or ``table``).

    ``content_provider(day)`` gives the portals' content on a day (default: the bundled replica
    content, ``content.build``) and ``document_renderer(doc)`` a document's bytes (default:
    ``content.render_document``); the content is built once per day."""
    if host not in LOOPBACK:
        raise ValueError(f"the replica only listens on loopback ({', '.join(LOOPBACK)}), not {host!r}")
    if agenda_markup not in render.AGENDA_MARKUPS:
        raise ValueError(f"unknown agenda markup {agenda_markup!r}; known: {', '.join(render.AGENDA_MARKUPS)}")
    injector = make_injector(portal_id, faults, seed, slow_seconds=slow_seconds, retry_after=retry_after)
    state = ReplicaState(portal_id=portal_id, day=day, today=today or date.today(), conditional=conditional, faults=injector,
                         content_provider=content_provider or content_mod.build,
                         document_renderer=document_renderer or content_mod.render_document, agenda_markup=agenda_markup,
                         recording=recording)
    handler = type("Handler", (ReplicaHandler,), {"state": state})
    server = ReplicaServer((host, port), handler)
    server.state = state  # type: ignore[attr-defined]
    return server


@dataclass
class RunningReplica:
    servers: dict[str, ReplicaServer]
    threads: list[threading.Thread]

    def url(self, portal_id: str) -> str:
        host, port = self.servers[portal_id].server_address[:2]
        return f"http://{host}:{port}"

    def set_day(self, day: int) -> None:
        for server in self.servers.values():
            server.state.day = day  # type: ignore[attr-defined]

    def stats(self, portal_id: str) -> Counter:
        """A copy of the portal's counters (see the module docstring)."""
        return self.servers[portal_id].state.snapshot()  # type: ignore[attr-defined]

    def reset_stats(self) -> None:
        for server in self.servers.values():
            state = server.state  # type: ignore[attr-defined]
            with state.lock:
                state.requests.clear()

    def set_faults(self, faults: "str | float | FaultPlan | None", seed: int | str = 0, *,
                   slow_seconds: float | None = None, retry_after: int | None = None) -> None:
        """Change the misbehaviour of every portal (None: none); the RNGs restart from ``seed``."""
        for portal_id, server in self.servers.items():
            state = server.state  # type: ignore[attr-defined]
            old = state.faults
            state.faults = make_injector(
                portal_id, faults, seed,
                slow_seconds=slow_seconds if slow_seconds is not None else (old.slow_seconds if old else 3.0),
                retry_after=retry_after if retry_after is not None else (old.retry_after if old else 1),
            )

    def set_conditional(self, conditional: bool) -> None:
        for server in self.servers.values():
            server.state.conditional = conditional  # type: ignore[attr-defined]

    def stop(self) -> None:
        for server in self.servers.values():
            server.state.stopping.set()  # type: ignore[attr-defined]
            server.shutdown()
            server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)

    def __enter__(self) -> "RunningReplica":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


PORTAL_IDS = ("vasterbotten", "norrbotten")


def start(host: str = "127.0.0.1", port: int = 0, *, day: int = 1, today: date | None = None,
          conditional: bool = True, faults: "str | float | FaultPlan | None" = None, seed: int | str = 0,
          slow_seconds: float = 3.0, retry_after: int = 1, content_provider: ContentProvider | None = None,
          document_renderer: DocumentRenderer | None = None,
          portal_ids: "tuple[str, ...] | list[str] | None" = None, agenda_markup: str = "list",
          recording: Path | None = None) -> RunningReplica:
    """Start every replica portal in background threads: the first on ``port`` (0 = any free
    port), the next ones on the following ports (or free ports when ``port`` is 0).

    ``faults`` (a rate such as 0.3 or a spec such as ``"500:0.1,markup:0.05"``, see
    ``faults.py``) makes each portal misbehave reproducibly for ``seed``. ``content_provider``,
    ``document_renderer`` and ``portal_ids`` serve other content (see ``make_server``; the ids
    default to the bundled portals, ``PORTAL_IDS``); ``agenda_markup`` how meeting pages mark up
    agenda items. ``recording`` (a folder written by ``meetings record``) serves that recording
    instead, on one server named after its portal."""
    FaultPlan.parse(faults)  # refuse a bad spec before binding any port
    recorded = RecordedPortal.load(recording) if recording is not None else None
    servers, threads = {}, []
    for index, portal_id in enumerate([recorded.recording.portal_id] if recorded else portal_ids or PORTAL_IDS):
        server = make_server(portal_id, host, port + index if port else 0, day=day, today=today, conditional=conditional,
                             faults=faults, seed=seed, slow_seconds=slow_seconds, retry_after=retry_after,
                             content_provider=content_provider, document_renderer=document_renderer,
                             agenda_markup=agenda_markup, recording=recorded)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"replica-{portal_id}", daemon=True)
        thread.start()
        servers[portal_id] = server
        threads.append(thread)
    return RunningReplica(servers, threads)
