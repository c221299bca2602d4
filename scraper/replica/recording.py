"""Recordings of a portal: the raw answers of a bounded, polite sample, kept so that the replica can
serve them again and the tests can read them as fixtures.

A recording is a folder:

- ``recording.json``: the portal (its config), the capture date, and one entry per URL asked for:
  the URL, the status, the headers, and the file holding the body (none for an error status);
- one file per body, named the way ``tests/fixtures/portal/`` names its fixtures:
  ``{portal}{URL path with "/" as "__"}{query: "?", "&" as "__", "=" as "-"}.{html|json|pdf|zip|txt|bin}``;
- ``README.md``: the same table as the fixtures' README (file, URL, status, capture date);
- ``summary.json`` and ``summary.txt``: what each parsing strategy found on the pages (written by
  ``meetings record``; ``meetings doctor --save`` keeps pages without a summary).

``Recorder`` wraps the one HTTP client: every answer it gets (and every error status, and every
block page) is kept, and a URL asked for again is answered from what was kept, with no request.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from ..errors import Blocked, FetchError, MeetingsError
from ..portal.http import Response

RECORDING = "recording.json"
MAX_NAME = 180  # characters of a file name before its digest stands in for the rest
_KEPT_HEADERS = ("content-type", "content-disposition", "last-modified", "etag", "retry-after")


class RecordingError(MeetingsError):
    """A folder that is not a recording, or one that cannot be written."""


@dataclass
class Entry:
    url: str
    status: int
    headers: dict[str, str]
    file: str | None  # the body's file in the recording; None when no body was kept
    blocked: str | None = None  # why the answer was taken for a block page


@dataclass
class Recording:
    portal: dict  # the portal's config (id, base_url, committees, ...)
    captured: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def portal_id(self) -> str:
        return self.portal["id"]

    def by_request(self) -> dict[tuple[str, tuple], Entry]:
        """Entries by (path, sorted query pairs), the way a request is matched to one."""
        return {request_key(e.url): e for e in self.entries}


def request_key(url: str) -> tuple[str, tuple]:
    parts = urlsplit(url)
    return parts.path or "/", tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


def extension(url: str, content_type: str, body: bytes) -> str:
    media = content_type.split(";")[0].strip().lower()
    if body.startswith(b"PK\x03\x04"):
        return "zip"
    if b"%PDF" in body[:1024]:
        return "pdf"
    if "json" in media or (urlsplit(url).path.startswith("/api/") and body[:1] in (b"[", b"{")):
        return "json"
    if media in ("text/html", "application/xhtml+xml"):
        return "html"
    return "txt" if media.startswith("text/") else "bin"


def fixture_name(portal_id: str, path_and_query: str, suffix: str, ext: str) -> str:
    """A file name in the fixtures' form: ``{portal}{path, "/" as "__"}{suffix}.{ext}``, a query's
    ``?``, ``&`` and ``=`` as ``__``, ``__`` and ``-``; a very long name keeps a digest of the rest."""
    name = path_and_query.replace("/", "__").replace("?", "__").replace("&", "__").replace("=", "-")
    name = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    if len(name) > MAX_NAME:
        name = name[:MAX_NAME] + "_" + hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"{portal_id}{name}{suffix}.{ext}"


class Recorder:
    """The HTTP client, keeping every answer (see the module docstring). Anything else is the client's."""

    def __init__(self, client, portal_id: str):
        self.client = client
        self.portal_id = portal_id
        self.kept: dict[str, tuple[Response | FetchError, Entry | None]] = {}
        self.bodies: dict[str, bytes] = {}

    def __getattr__(self, name: str):
        return getattr(self.client, name)

    def get(self, url: str, **options) -> Response:
        if url in self.kept:
            answer = self.kept[url][0]
            if isinstance(answer, FetchError):
                raise answer
            return answer
        try:
            response = self.client.get(url, **options)
        except Blocked as exc:
            self._keep(url, exc, exc.status or 200, exc.headers, exc.body, exc.reason)
            raise
        except FetchError as exc:
            self._keep(url, exc, exc.status, {}, b"", None)
            raise
        self._keep(url, response, response.status, response.headers, response.content, None)
        return response

    def _keep(self, url: str, answer, status: int | None, headers: dict[str, str], body: bytes, blocked: str | None) -> None:
        if status is None:  # refused without a request (a stopped host, robots.txt): nothing to keep
            self.kept[url] = (answer, None)
            return
        kept = {k.lower(): v for k, v in headers.items() if k.lower() in _KEPT_HEADERS}
        parts = urlsplit(url)
        file = None
        if body:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            file = fixture_name(self.portal_id, path, "", extension(url, kept.get("content-type", ""), body))
            if self.bodies.get(file, body) != body:  # two URLs that name the same file
                file = fixture_name(self.portal_id, path, "_" + hashlib.sha256(url.encode()).hexdigest()[:8],
                                    file.rsplit(".", 1)[1])
            self.bodies[file] = body
        self.kept[url] = (answer, Entry(url, status, kept, file, blocked))

    def entries(self, urls: set[str] | None = None) -> list[Entry]:
        """What was kept (of ``urls`` only, when given), in the order it was asked for."""
        return [entry for url, (_, entry) in self.kept.items() if entry is not None and (urls is None or url in urls)]


def write_recording(directory: Path, recording: Recording, bodies: dict[str, bytes], summary: dict | None = None,
                    table: str | None = None) -> Path:
    """Write a recording into ``directory`` (made if missing; a recording already there is replaced,
    any other non-empty folder refused)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        if not (directory / RECORDING).is_file():
            raise RecordingError(f"{directory} is not empty and holds no recording: choose another folder")
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for entry in recording.entries:
        if entry.file:
            (directory / entry.file).write_bytes(bodies[entry.file])
    data = {"portal": recording.portal, "captured": recording.captured, "entries": [asdict(e) for e in recording.entries]}
    (directory / RECORDING).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (directory / "README.md").write_text(readme(recording), encoding="utf-8")
    if summary is not None:
        (directory / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if table is not None:
        (directory / "summary.txt").write_text(table + "\n", encoding="utf-8")
    return directory


def readme(recording: Recording) -> str:
    lines = [
        f"# Recording of {recording.portal.get('organisation', recording.portal_id)} ({recording.portal_id})", "",
        f"Answers of {recording.portal.get('base_url')} recorded by `meetings record`. Capture date: {recording.captured}.",
        "`recording.json` holds each URL with its status and headers; `meetings replica --recording DIR` serves them.", "",
        "| file | URL | status | captured |", "|---|---|---|---|",
    ]
    lines += [f"| `{e.file or '-'}` | `{e.url}` | {e.status} | {recording.captured} |" for e in recording.entries]
    return "\n".join(lines) + "\n"


def load_recording(directory: Path) -> Recording:
    path = Path(directory) / RECORDING
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [Entry(**e) for e in data["entries"]]
        return Recording(data["portal"], data["captured"], entries)
    except FileNotFoundError:
        raise RecordingError(f"{directory} is not a recording (no {RECORDING})") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RecordingError(f"{path} cannot be read as a recording: {exc}") from None


def body_of(directory: Path, entry: Entry) -> bytes:
    return (Path(directory) / entry.file).read_bytes() if entry.file else b""
