"""portals.toml: which Meetings Plus portals and committees to follow.

Each ``[[portal]]`` table has:

- ``id``: short identifier used on the command line (``--portal vasterbotten``)
- ``organisation_id``: stable key of the owner in the data (``region-vasterbotten``)
- ``organisation``: the owner's name (``Region Västerbotten``)
- ``kind``: ``region`` or ``kommun``
- ``country``: ISO 3166-1 alpha-2 code, default ``SE``
- ``base_url``: the portal's root URL; never with credentials (``user:pass@host``): it is
  published in the data, and a portal that needs a login belongs in a secret or an environment
  variable, not in this file
- ``committees``: list of committee slugs to follow, or ``"all"``
- optional ``committee_ids``: table slug -> numeric id for the JSON API
- optional ``delay``: seconds between requests to the host (default 1.0)
- optional ``download``: document kinds to download (default protokoll, kallelse, sammanfattning)
- optional ``aliases``: other host names of the portal (``["meetingspublic.example.se"]``);
  redirects are followed only within the portal's host and these
- optional ``seed_meetings``: meeting page URLs known beforehand, on the portal's host or an
  alias, shaped ``{base_url}/committees/{committee}/{meeting}``; merged into their committee's
  listing
- optional ``protocol_api``: when to fetch a meeting's protocol through the JSON API
  (``/api/v2.0/meetings/{id}/download/Protocol``): ``"linked"`` (default) when the meeting page
  has no protocol link but links that download ("Ladda ner allt"); ``"held"`` also for every held
  meeting without a protocol link whose numeric id is known (from the page or the JSON list);
  ``"never"``. A page with protocol links is always read from its links.
- optional ``bulletin_board``: read the digital bulletin board's notices (default true)
- optional ``representatives``: read the register of elected representatives of the committees
  whose numeric id is known (default true)
- optional ``term_of_office_id``: the register's id (a GUID) of the current term of office; with
  it, each representative's role and dates on the committee are read too
- optional ``note``: a remark for maintainers

Every value is checked: a missing, unknown or wrong one is a ConfigError that names the file, the
line and the key.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from .errors import ConfigError
from .portal.http import unfetchable

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "portals.toml"

KINDS = ("region", "kommun")
DOCUMENT_KINDS = ("kallelse", "protokoll", "bilaga", "sammanfattning", "other")
DEFAULT_DOWNLOAD = ("protokoll", "kallelse", "sammanfattning")
PROTOCOL_API = ("linked", "held", "never")
_REQUIRED = ("id", "organisation_id", "organisation", "kind", "base_url", "committees")
_KEYS = {*_REQUIRED, "country", "committee_ids", "delay", "download", "note", "aliases", "seed_meetings", "protocol_api",
         "bulletin_board", "representatives", "term_of_office_id"}
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*")
_CREDENTIALS = ("holds credentials (user:pass@host); it is published in the data: keep credentials out of it, "
               "in a secret or an environment variable")


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
    aliases: tuple[str, ...] = ()  # other host names of the portal: redirects may lead there
    seed_meetings: tuple[str, ...] = ()  # meeting page URLs merged into their committee's listing
    protocol_api: str = "linked"  # when protocols are fetched through the JSON API (PROTOCOL_API)
    bulletin_board: bool = True  # read the notices of the digital bulletin board
    representatives: bool = True  # read the register of elected representatives
    term_of_office_id: str | None = None  # the register's term of office, for roles and dates

    def with_base_url(self, base_url: str) -> "Portal":
        """The portal at another root URL (the replica, a mirror); seed meetings on the old root move along."""
        base_url = _check_url(base_url.rstrip("/"), f"portal {self.id}")
        seeds = tuple(base_url + seed[len(self.base_url):] if seed.startswith(self.base_url + "/") else seed
                      for seed in self.seed_meetings)
        return replace(self, base_url=base_url, seed_meetings=seeds)


def _has_credentials(url: str) -> bool:
    try:
        return "@" in urlsplit(url).netloc
    except ValueError:
        return False


def _check_url(url: str, where: str, line: int | None = None) -> str:
    """An http(s) root URL, or ConfigError (one that shows no credentials it may hold)."""
    if _has_credentials(url):
        raise ConfigError(f"{_at(where, line)}: base_url {_CREDENTIALS}")
    if unfetchable(url):
        raise ConfigError(f"{where}: base_url {url!r} is not an http(s) URL" + (f" (line {line})" if line else ""))
    return url


def _at(where: str, line: int | None) -> str:
    return f"{where}, line {line}" if line else where


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return None


def _key_line(text: str, index: int, key: str) -> int | None:
    """The line of ``key`` in the ``index``-th ``[[portal]]`` table (the first line that mentions it
    when the tables cannot be told apart)."""
    lines = text.splitlines()
    starts = [n for n, line in enumerate(lines) if re.match(r"\s*\[\[\s*portal\s*\]\]", line)]
    if index >= len(starts):
        return _line_of(text, key)
    end = starts[index + 1] if index + 1 < len(starts) else len(lines)
    assignment = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*[.=]")
    for matches in (assignment.match, lambda line: key in line):
        for number in range(starts[index], end):
            if matches(lines[number]):
                return number + 1
    return None


# ------------------------------------------------------------ values


_WHOLE = object()


class _Bad(Exception):
    """A value that is not what it must be: ``expected`` says what it must be, ``wrong`` is the part
    to show (the whole value by default; nothing when None)."""

    def __init__(self, expected: str, wrong: object = _WHOLE):
        super().__init__(expected)
        self.expected, self.wrong = expected, wrong


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad("must be a non-empty string")
    return value


def _kind(value: object) -> str:
    if value not in KINDS:
        raise _Bad(f"must be one of {KINDS}")
    return str(value)


def _country(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}", value):
        raise _Bad('must be a two-letter ISO 3166-1 code such as "SE"')
    return value


def _committees(value: object) -> tuple[str, ...] | None:
    if value == "all":
        return None
    if not isinstance(value, list) or not value or not all(isinstance(c, str) and c.strip() for c in value):
        raise _Bad('must be "all" or a non-empty list of slugs')
    return tuple(value)


def _committee_ids(value: object) -> dict[str, int]:
    if not isinstance(value, dict) or not all(type(v) is int and v > 0 for v in value.values()):
        raise _Bad("must be a table of committee slug = numeric id, such as { regionstyrelsen = 412 }")
    return {str(k): v for k, v in value.items()}


def _delay(value: object) -> float:
    if type(value) not in (int, float) or not math.isfinite(value) or value < 0:
        raise _Bad("must be a number of seconds, 0 or more")
    return float(value)


def _download(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(kind in DOCUMENT_KINDS for kind in value):
        raise _Bad(f"must be a list of document kinds from {DOCUMENT_KINDS}")
    return tuple(value)


def _aliases(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(host, str) and _HOSTNAME.fullmatch(host.lower()) for host in value):
        raise _Bad('must be a list of host names such as ["meetingspublic.example.se"] (no scheme, port or path)')
    return tuple(dict.fromkeys(host.lower() for host in value))


def _protocol_api(value: object) -> str:
    if value not in PROTOCOL_API:
        raise _Bad(f"must be one of {PROTOCOL_API}")
    return str(value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad("must be true or false")
    return value


def _term(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9-]{1,64}", value):
        raise _Bad('must be the id of a term of office, such as "019511cb-0cc8-4b34-ba97-75ca4fb5ef65"')
    return value


_CHECKS: dict[str, Callable[[object], object]] = {
    "id": _text, "organisation_id": _text, "organisation": _text, "note": _text, "kind": _kind,
    "country": _country, "committees": _committees, "committee_ids": _committee_ids, "delay": _delay,
    "download": _download, "aliases": _aliases, "protocol_api": _protocol_api, "bulletin_board": _flag,
    "representatives": _flag, "term_of_office_id": _term,
}


def _seed_meetings(value: object, base_url: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    """Meeting page URLs on the portal's host or an alias, under the root's path."""
    parts = urlsplit(base_url)
    hosts = (parts.hostname, *aliases)
    shape = re.compile(rf"{re.escape(parts.path.rstrip('/'))}/committees/[^/]+/[^/]+/?")
    if not isinstance(value, list):
        raise _Bad("must be a list of meeting page URLs")
    for url in value:
        if not isinstance(url, str):
            raise _Bad("must be a list of meeting page URLs", url)
        if _has_credentials(url):
            raise _Bad(_CREDENTIALS.replace("holds", "holds a URL with", 1), None)
        if unfetchable(url) or urlsplit(url).hostname not in hosts or not shape.fullmatch(urlsplit(url).path):
            raise _Bad(f"must be meeting pages on {' or '.join(hosts)}, shaped {base_url}/committees/{{committee}}/{{meeting}}", url)
    return tuple(dict.fromkeys(value))


# ------------------------------------------------------------ the file


def _portal_tables(data: dict, text: str, source: str) -> list[dict]:
    unknown_top = set(data) - {"portal"}
    if unknown_top:
        key = sorted(unknown_top)[0]
        raise ConfigError(f"{source}, line {_line_of(text, key)}: unknown key {key!r} (expected [[portal]] tables)")
    tables = data.get("portal", [])
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        raise ConfigError(f"{_at(source, _line_of(text, 'portal'))}: portal must be [[portal]] tables")
    if not tables:
        raise ConfigError(f"{source}: no [[portal]] tables")
    return tables


def _portal(raw: dict, index: int, text: str, source: str) -> Portal:
    """One [[portal]] table as a Portal; ConfigError naming the file, line and key of what is wrong."""
    where = f"{source}, portal {raw.get('id', '?')!r}"
    unknown = set(raw) - _KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(f"{where}, line {_key_line(text, index, key)}: unknown key {key!r}; allowed: {', '.join(sorted(_KEYS))}")
    for required in _REQUIRED:
        if required not in raw:
            raise ConfigError(f"{where}: missing required key {required!r}")
    values = {key: _checked(key, value, _CHECKS[key], where, text, index) for key, value in raw.items() if key in _CHECKS}
    base_url = _check_url(str(raw["base_url"]).rstrip("/"), where, _key_line(text, index, "base_url"))
    aliases = values.get("aliases", ())
    seeds = _checked("seed_meetings", raw.get("seed_meetings", []),
                     lambda value: _seed_meetings(value, base_url, aliases), where, text, index)
    return Portal(base_url=base_url, seed_meetings=seeds, **values)


def _checked(key: str, value: object, check: Callable[[object], object], where: str, text: str, index: int):
    """``check(value)``, or ConfigError naming the file, the line and the key."""
    try:
        return check(value)
    except _Bad as bad:
        wrong = value if bad.wrong is _WHOLE else bad.wrong
        shown = "" if wrong is None else f", not {wrong!r}"
        raise ConfigError(f"{_at(where, _key_line(text, index, key))}: {key} {bad.expected}{shown}") from None


def parse_config(text: str, source: str = "portals.toml") -> list[Portal]:
    """Parse the text of a portals.toml; raise ConfigError naming the line and the reason."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    portals = [_portal(raw, index, text, source) for index, raw in enumerate(_portal_tables(data, text, source))]
    ids = [p.id for p in portals]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{source}: portal ids must be unique, got {ids}")
    return portals


def load_config(path: Path | str | None = None) -> list[Portal]:
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    return parse_config(text, source=str(path))


def select_portals(portals: list[Portal], portal_ids: str | tuple[str, ...] | list[str] | None,
                   base_url: str | None) -> list[Portal]:
    """Pick the portals of a run: by id (one, several, or comma-separated), or all; --base-url
    needs exactly one."""
    if isinstance(portal_ids, str):
        portal_ids = (portal_ids,)
    wanted = [pid.strip() for ids in portal_ids or () for pid in ids.split(",") if pid.strip()]
    if wanted:
        known = {p.id: p for p in portals}
        unknown = [pid for pid in wanted if pid not in known]
        if unknown:
            raise ConfigError(f"unknown portal {unknown[0]!r}; known: {', '.join(p.id for p in portals)}")
        chosen = [known[pid] for pid in dict.fromkeys(wanted)]
    else:
        chosen = list(portals)
    if base_url:
        if len(chosen) != 1:
            chosen = chosen[:1]
        chosen = [chosen[0].with_base_url(base_url)]
    return chosen


def shards(portals: list[Portal], per_job: int = 1) -> list[list[Portal]]:
    """The portals in groups for jobs that run side by side: portals of one host stay together (a
    host is asked one request at a time), then groups are filled up to ``per_job`` portals."""
    hosts: dict[str, list[Portal]] = {}
    for portal in portals:
        hosts.setdefault(urlsplit(portal.base_url).netloc, []).append(portal)
    groups: list[list[Portal]] = []
    for host_portals in hosts.values():
        if groups and len(groups[-1]) + len(host_portals) <= per_job:
            groups[-1].extend(host_portals)
        else:
            groups.append(list(host_portals))
    return groups
