"""portals.toml: which Meetings Plus portals and committees to follow.

Each ``[[portal]]`` table has:

- ``id``: short identifier used on the command line (``--portal vasterbotten``)
- ``organisation_id``: stable key of the owner in the data (``region-vasterbotten``)
- ``organisation``: the owner's name (``Region Västerbotten``)
- ``kind``: ``region`` or ``kommun``
- ``country``: ISO 3166-1 alpha-2 code, default ``SE``
- ``base_url``: the portal's root URL
- ``committees``: list of committee slugs to follow, or ``"all"``
- optional ``committee_ids``: table slug -> numeric id for the JSON API
- optional ``delay``: seconds between requests to the host (default 1.0)
- optional ``download``: document kinds to download (default protokoll, kallelse, sammanfattning)
- optional ``seed_meetings``: URLs of known meeting pages (``{base_url}/committees/{committee}/{meeting}``);
  their meetings join their committee's listing, and their side menus are read when the committee
  page lists nothing or only upcoming meetings
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "portals.toml"

KINDS = ("region", "kommun")
DOCUMENT_KINDS = ("kallelse", "protokoll", "bilaga", "sammanfattning", "other")
DEFAULT_DOWNLOAD = ("protokoll", "kallelse", "sammanfattning")
_KEYS = {
    "id", "organisation_id", "organisation", "kind", "country", "base_url",
    "committees", "committee_ids", "delay", "download", "note", "seed_meetings",
}
_MEETING_PAGE = re.compile(r"/committees/[^/?#]+/[^/?#]+/?")


@dataclass(frozen=True)
class Portal:
    id: str
    organisation_id: str
    organisation: str
    kind: str
    base_url: str
    committees: tuple[str, ...] | None  # None means: all committees listed by the portal
    country: str = "SE"
    committee_ids: dict[str, int] = field(default_factory=dict)
    delay: float = 1.0
    download: tuple[str, ...] = DEFAULT_DOWNLOAD
    note: str | None = None
    seed_meetings: tuple[str, ...] = ()

    def with_base_url(self, base_url: str) -> "Portal":
        base_url = _check_url(base_url.rstrip("/"), f"portal {self.id}")
        seeds = tuple(base_url + url[len(self.base_url):] if url.startswith(self.base_url) else url for url in self.seed_meetings)
        return replace(self, base_url=base_url, seed_meetings=seeds)


def _seed_meetings(raw: object, base_url: str, where: str, text: str) -> tuple[str, ...]:
    """The ``seed_meetings`` of a portal: http(s) URLs of meeting pages on the portal's host."""
    if not isinstance(raw, list) or not all(isinstance(url, str) for url in raw):
        raise ConfigError(f"{where}, line {_line_of(text, 'seed_meetings')}: seed_meetings must be a list of meeting "
                          f"page URLs, not {raw!r}")
    host = urlsplit(base_url).hostname
    for url in raw:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname != host or not _MEETING_PAGE.fullmatch(parts.path):
            raise ConfigError(f"{where}, line {_line_of(text, url)}: seed_meetings must be meeting pages on {host}, "
                              f"shaped {base_url}/committees/{{committee}}/{{meeting}}, not {url!r}")
    return tuple(url.rstrip("/") for url in raw)


def _check_url(url: str, where: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where}: base_url {url!r} is not an http(s) URL")
    return url


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return None


def parse_config(text: str, source: str = "portals.toml") -> list[Portal]:
    """Parse the text of a portals.toml; raise ConfigError naming the line and the reason."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    unknown_top = set(data) - {"portal"}
    if unknown_top:
        key = sorted(unknown_top)[0]
        raise ConfigError(f"{source}, line {_line_of(text, key)}: unknown key {key!r} (expected [[portal]] tables)")
    portals: list[Portal] = []
    for raw in data.get("portal", []):
        pid = raw.get("id", "?")
        where = f"{source}, portal {pid!r}"
        unknown = set(raw) - _KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise ConfigError(f"{where}, line {_line_of(text, key)}: unknown key {key!r}; allowed: {', '.join(sorted(_KEYS))}")
        for required in ("id", "organisation_id", "organisation", "kind", "base_url", "committees"):
            if required not in raw:
                raise ConfigError(f"{where}: missing required key {required!r}")
        if raw["kind"] not in KINDS:
            raise ConfigError(f"{where}, line {_line_of(text, 'kind')}: kind must be one of {KINDS}, not {raw['kind']!r}")
        try:
            base_url = _check_url(str(raw["base_url"]).rstrip("/"), where)
        except ConfigError as exc:
            raise ConfigError(f"{exc} (line {_line_of(text, str(raw['base_url']))})") from None
        committees = raw["committees"]
        if committees == "all":
            committees_t = None
        elif isinstance(committees, list) and committees and all(isinstance(c, str) for c in committees):
            committees_t = tuple(committees)
        else:
            raise ConfigError(f"{where}: committees must be \"all\" or a non-empty list of slugs")
        download = tuple(raw.get("download", DEFAULT_DOWNLOAD))
        bad = [k for k in download if k not in DOCUMENT_KINDS]
        if bad:
            raise ConfigError(f"{where}: unknown document kind(s) in download: {bad}; allowed: {DOCUMENT_KINDS}")
        portals.append(
            Portal(
                id=raw["id"],
                organisation_id=raw["organisation_id"],
                organisation=raw["organisation"],
                kind=raw["kind"],
                base_url=base_url,
                committees=committees_t,
                country=raw.get("country", "SE"),
                committee_ids={str(k): int(v) for k, v in raw.get("committee_ids", {}).items()},
                delay=float(raw.get("delay", 1.0)),
                download=download,
                note=raw.get("note"),
                seed_meetings=_seed_meetings(raw.get("seed_meetings", []), base_url, where, text),
            )
        )
    ids = [p.id for p in portals]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{source}: portal ids must be unique, got {ids}")
    if not portals:
        raise ConfigError(f"{source}: no [[portal]] tables")
    return portals


def load_config(path: Path | str | None = None) -> list[Portal]:
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    return parse_config(text, source=str(path))


def select_portals(portals: list[Portal], portal_id: str | None, base_url: str | None) -> list[Portal]:
    """Pick the portals of a run: one by id, or all; --base-url needs exactly one."""
    if portal_id:
        chosen = [p for p in portals if p.id == portal_id]
        if not chosen:
            raise ConfigError(f"unknown portal {portal_id!r}; known: {', '.join(p.id for p in portals)}")
    else:
        chosen = list(portals)
    if base_url:
        if len(chosen) != 1:
            chosen = chosen[:1]
        chosen = [chosen[0].with_base_url(base_url)]
    return chosen
