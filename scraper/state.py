"""Everything a data repository keeps outside its package, under ``.meetings/`` (never committed):

- ``lock``: one run at a time;
- ``run-in-progress``: written before a run touches ``datapackage/`` and removed after its
  commit, so that leftovers of an interrupted run are told apart from a person's edits;
- ``http-cache/``: bodies and validators for conditional requests;
- ``state.json``: what runs remember between them (when each meeting was last checked, meetings
  to fetch again, the agenda strategy per committee, held-back document versions, and what each
  meeting looked like when it was last read into the committed package);
- ``quarantine/``: pages that did not parse, with their URL and headers;
- ``runs.jsonl``: one line of figures per run;
- ``history.db``: the history tables read from the commits;
- ``backfill-<since>-<until>.json``: progress of a backfill;
- ``tmp/``: the package being written by a run.

No other module names these paths.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

from .errors import RepoError

STATE_DIR = ".meetings"
IGNORE_LINE = f"{STATE_DIR}/\n"


class RepoState:
    """The ``.meetings/`` directory of one data repository."""

    def __init__(self, repo_root: Path):
        self.root = Path(repo_root)
        self.dir = self.root / STATE_DIR

    @property
    def http_cache(self) -> Path:
        return self.dir / "http-cache"

    @property
    def history_db(self) -> Path:
        return self.dir / "history.db"

    @property
    def runs_log(self) -> Path:
        return self.dir / "runs.jsonl"

    @property
    def quarantine_dir(self) -> Path:
        return self.dir / "quarantine"

    @property
    def tmp_dir(self) -> Path:
        return self.dir / "tmp"

    @property
    def marker(self) -> Path:
        return self.dir / "run-in-progress"

    def backfill_progress(self, since: date | None, until: date | None) -> Path:
        first = since.isoformat() if since else "start"
        last = until.isoformat() if until else "end"
        return self.dir / f"backfill-{first}-{last}.json"

    # ------------------------------------------------------------ lock and run marker

    @contextmanager
    def lock(self) -> Iterator[None]:
        """An exclusive lock per data repo; a second run exits with a clear message."""
        self._ensure_dir()
        handle = open(self.dir / "lock", "w")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RepoError(f"another run holds the lock {self.dir / 'lock'}; try again when it has finished") from None
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            handle.close()

    def _ensure_dir(self) -> None:
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RepoError(f"cannot create {self.dir}: {exc.strerror}") from None

    def interrupted(self) -> bool:
        """Whether a run of ours began changing ``datapackage/`` and did not finish."""
        return self.marker.exists()

    def begin_changes(self) -> None:
        self._ensure_dir()
        self.marker.write_text(f"{os.getpid()}\n", encoding="utf-8")

    def end_changes(self) -> None:
        self.marker.unlink(missing_ok=True)

    # ------------------------------------------------------------ memory between runs

    def load(self) -> "Memory":
        try:
            data = json.loads((self.dir / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        return Memory.from_dict(data if isinstance(data, dict) else {})

    def save(self, memory: "Memory") -> None:
        self._ensure_dir()
        tmp = self.dir / "state.json.tmp"
        tmp.write_text(json.dumps(memory.as_dict(), indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.dir / "state.json")

    # ------------------------------------------------------------ quarantine

    def quarantine(self, url: str, reason: str, status: int, headers: dict, body: bytes) -> str:
        """Keep a page that did not parse (body and what was known of it); returns the body's path."""
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", url.split("://", 1)[-1])[:120]
        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        (self.quarantine_dir / f"{name}.body").write_bytes(body)
        (self.quarantine_dir / f"{name}.json").write_text(json.dumps({
            "url": url, "reason": reason, "status": status, "headers": headers,
        }, ensure_ascii=False, indent=2), encoding="utf-8")
        return str(self.quarantine_dir / f"{name}.body")

    # ------------------------------------------------------------ run log

    def log_run(self, entry: dict) -> None:
        """Append a run's figures to the run log (read by ``meetings build`` into ``runs``)."""
        self._ensure_dir()
        stamped = {"finished_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), **entry}
        with open(self.runs_log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(stamped, ensure_ascii=False) + "\n")

    def last_runs(self, count: int) -> list[dict]:
        try:
            lines = _tail_lines(self.runs_log, count)
        except OSError:
            return []
        runs = []
        for line in lines:
            try:
                runs.append(json.loads(line))
            except ValueError:
                continue
        return runs

    def all_runs(self) -> list[dict]:
        try:
            lines = self.runs_log.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return []
        runs = []
        for line in lines:
            try:
                runs.append(json.loads(line))
            except ValueError:
                continue
        return runs


def _tail_lines(path: Path, count: int, block: int = 1 << 16) -> list[str]:
    """The last ``count`` lines of a file, read from its end (the run log grows with every run)."""
    if count <= 0:
        return []
    with open(path, "rb") as handle:
        position = handle.seek(0, os.SEEK_END)
        data = b""
        while position > 0 and data.count(b"\n") <= count:
            step = min(block, position)
            position -= step
            handle.seek(position)
            data = handle.read(step) + data
    lines = data.decode("utf-8", errors="replace").splitlines()
    if position > 0:
        lines = lines[1:]  # the first line read may be cut
    return lines[-count:]


# ---------------------------------------------------------------- what runs remember


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def row_digest(row: dict[str, str]) -> str:
    return hashlib.sha256("\x1f".join(row.values()).encode("utf-8")).hexdigest()[:20]


@dataclass
class Seen:
    """What a meeting looked like when it was last read into the committed package: its page's and
    documents' digests, its listing date, the document kinds downloaded, and its row's digest."""

    page: str
    date: str
    download: list[str]
    docs: dict[str, str]
    row: str | None = None

    def as_dict(self) -> dict:
        return {"page": self.page, "date": self.date, "download": self.download, "docs": self.docs, "row": self.row}


@dataclass
class Memory:
    """What one run leaves for the next (``state.json``)."""

    checked: dict[str, str] = field(default_factory=dict)  # meeting id -> day last fetched
    refetch: set[str] = field(default_factory=set)  # meetings whose documents failed: due again
    agenda_strategy: dict[str, str] = field(default_factory=dict)  # committee id -> strategy last seen
    confirm: dict[str, str] = field(default_factory=dict)  # document id -> sha256 of a held-back version
    refused: dict[str, str] = field(default_factory=dict)  # document id -> sha256 of a version over a reader's limit
    seen_package: str | None = None  # tree of datapackage/ the seen meetings were read into
    seen_code: str | None = None  # fingerprint of the code that read them
    seen: dict[str, Seen] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> "Memory":
        unchanged = data.get("unchanged") or {}
        seen = {}
        for meeting, entry in (unchanged.get("meetings") or {}).items():
            try:
                seen[meeting] = Seen(entry["page"], entry["date"], list(entry["download"]), dict(entry["docs"]), entry.get("row"))
            except (KeyError, TypeError):
                continue
        return cls(
            checked=dict(data.get("checked") or {}), refetch=set(data.get("refetch") or []),
            agenda_strategy=dict(data.get("agenda_strategy") or {}), confirm=dict(data.get("confirm") or {}),
            refused=dict(data.get("refused") or {}),
            seen_package=unchanged.get("package"), seen_code=unchanged.get("code"), seen=seen,
        )

    def as_dict(self) -> dict:
        data = {"checked": dict(sorted(self.checked.items())), "refetch": sorted(self.refetch),
                "agenda_strategy": dict(sorted(self.agenda_strategy.items())), "confirm": dict(sorted(self.confirm.items())),
                "refused": dict(sorted(self.refused.items()))}
        if self.seen_package is not None:
            data["unchanged"] = {"package": self.seen_package, "code": self.seen_code,
                                 "meetings": {k: v.as_dict() for k, v in sorted(self.seen.items())}}
        return data

    def seen_for(self, package_tree: str | None, code: str) -> dict[str, Seen]:
        """The seen meetings, if they were read into this very package by this very code; else none."""
        if package_tree is None or self.seen_package != package_tree or self.seen_code != code:
            return {}
        return self.seen


def unchanged_since_seen(seen: Seen | None, page_sha: str, listed: date | None, download: list[str],
                         old_row: dict[str, str] | None, status_today: str | None) -> bool:
    """Whether a meeting's page, listing date, downloaded kinds and row are what they were when it was
    last read into the package, and today's date does not change its status (its documents are
    compared by the caller, which must fetch them)."""
    if seen is None or old_row is None or listed is None:
        return False
    if seen.page != page_sha or seen.date != listed.isoformat() or seen.download != download:
        return False
    if seen.row != row_digest(old_row):
        return False
    return old_row["status"] == "cancelled" or old_row["status"] == status_today
