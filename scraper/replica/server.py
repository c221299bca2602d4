"""The replica's HTTP server: one loopback server per portal, serving pages, JSON and PDFs.

It answers conditional requests like a normal web server (strong ETag from the body,
``Last-Modified`` per day), which can be switched off, and counts the requests it served so tests
can check what a run cost.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from . import content as content_mod
from . import render

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class ReplicaState:
    """Mutable state shared by the handler threads of one portal server."""

    portal_id: str
    day: int
    today: date
    conditional: bool = True
    requests: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, kind: str) -> None:
        with self.lock:
            self.requests[kind] += 1
            self.requests["total"] += 1


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str


def _not_found(what: str) -> Reply:
    return Reply(404, render._page("Sidan hittades inte", f"<h1>Sidan hittades inte</h1><p>{what}</p>").encode(), "text/html; charset=utf-8")


def route(state: ReplicaState, path: str) -> tuple[str, Reply]:
    """(kind of resource, reply) for a request path on the given day. Pure apart from PDF rendering."""
    portal = content_mod.build(state.day)[state.portal_id]
    committees = {c.slug: c for c in portal.committees}
    docs = {
        d.path: d
        for c in portal.committees
        for m in c.meetings
        for d in [*m.agenda_docs, *m.protocols, *(a for it in m.items for a in it.attachments)]
    }
    html = "text/html; charset=utf-8"
    if path == "/robots.txt":
        return "robots", Reply(200, b"User-agent: *\nDisallow: /search\n", "text/plain; charset=utf-8")
    if path in ("/", "/committees"):
        return "committees", Reply(200, render.committee_list(portal).encode(), html)
    if path == "/__replica__/stats":
        with state.lock:
            body = json.dumps(dict(state.requests), sort_keys=True).encode()
        return "stats", Reply(200, body, "application/json")
    if path in docs:
        pdf = content_mod.render_document(docs[path])
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
        meeting = next((m for m in committee.meetings if m.slug == match[2]), None)
        if not meeting:
            return "meeting", _not_found(path)
        return "meeting", Reply(200, render.meeting_page(committee, meeting).encode(), html)
    match = re.fullmatch(r"/api/v2\.0/committees/(\d+)/meetings/?", path)
    if match:
        committee = next((c for c in portal.committees if c.portal_committee_id == int(match[1])), None)
        if not committee:
            return "api", Reply(404, b'{"Message":"Not found"}', "application/json")
        return "api", Reply(200, render.meetings_json(committee).encode(), "application/json; charset=utf-8")
    match = re.fullmatch(r"/api/v2\.0/meetings/(\d+)/download/Protocol/?", path)
    if match:
        meeting = next((m for c in portal.committees for m in c.meetings if m.portal_meeting_id == int(match[1])), None)
        if meeting and meeting.protocols:
            return "document", Reply(200, content_mod.render_document(meeting.protocols[0]), "application/pdf")
        return "api", Reply(500, b'{"Message":"An error has occurred."}', "application/json")
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
        path = unquote(urlsplit(self.path).path)
        kind, reply = route(self.state, path)
        self.state.count(kind)
        etag = '"' + hashlib.sha256(reply.body).hexdigest()[:32] + '"'
        modified = format_datetime(datetime(2024, 1, 1, tzinfo=timezone.utc).replace(day=min(self.state.day, 28)), usegmt=True)
        if self.state.conditional and reply.status == 200 and kind != "stats":
            if self.headers.get("If-None-Match") == etag:
                self.state.count("not_modified")
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        if self.state.conditional and reply.status == 200 and kind != "stats":
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
        self.end_headers()
        if not head:
            self.wfile.write(reply.body)


class ReplicaServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(portal_id: str, host: str = "127.0.0.1", port: int = 0, *, day: int = 1,
                today: date | None = None, conditional: bool = True) -> ReplicaServer:
    if host not in LOOPBACK:
        raise ValueError(f"the replica only listens on loopback ({', '.join(LOOPBACK)}), not {host!r}")
    state = ReplicaState(portal_id=portal_id, day=day, today=today or date.today(), conditional=conditional)
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
        return self.servers[portal_id].state.requests  # type: ignore[attr-defined]

    def stop(self) -> None:
        for server in self.servers.values():
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
          conditional: bool = True) -> RunningReplica:
    """Start every replica portal in background threads: the first on ``port`` (0 = any free
    port), the next ones on the following ports (or free ports when ``port`` is 0)."""
    servers, threads = {}, []
    for index, portal_id in enumerate(PORTAL_IDS):
        server = make_server(portal_id, host, port + index if port else 0, day=day, today=today, conditional=conditional)
        thread = threading.Thread(target=server.serve_forever, name=f"replica-{portal_id}", daemon=True)
        thread.start()
        servers[portal_id] = server
        threads.append(thread)
    return RunningReplica(servers, threads)
