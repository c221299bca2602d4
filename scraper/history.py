"""The data repository's git history -> every version of every record, and field-level changes.

For each commit on the first-parent line of HEAD that touched ``datapackage/data/*.csv``, the
CSV of each resource is compared with its version in the previous commit, by primary key:

- ``changes``: one row per event: ``added`` and ``removed`` records (removals are first-class
  events here), and one row per changed field with old and new value;
- ``<resource>_versions``: every version of every record (``version_kind``: added, changed,
  removed), with the commit and its time;
- ``commits``: the commits read, with time, author and message.

The tables live in a history database inside the data repo (``.meetings/history.db``, never
committed) so that a rebuild reads only commits it has not read yet; ``meetings build`` copies
them into the served database. A full rebuild gives the same rows.

Bad history is reported, not fatal: a commit whose CSV does not parse is skipped for that
resource (the next good version is compared with the last good one); a shallow clone starts from
its oldest available commit; a rewritten history (a commit read before is no longer on the line)
triggers a full rebuild into a fresh file, swapped in only when it succeeded.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import git

from .package import PACKAGE_DIR, primary_key, resources

HISTORY_DB = ".meetings/history.db"
CHANGE_COLUMNS = ["change_id", "resource", "record_id", "kind", "field", "old_value", "new_value",
                  "commit", "committed_at", "committee_id", "meeting_id"]


@dataclass
class HistoryReport:
    commits_read: int = 0
    commits_total: int = 0
    changes_added: int = 0
    full_rebuild: bool = False
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"commits_read": self.commits_read, "commits_total": self.commits_total,
                "changes_added": self.changes_added, "full_rebuild": self.full_rebuild, "problems": self.problems}


# ---------------------------------------------------------------- pure part


def parse_csv(data: bytes, resource: str) -> dict[str, dict[str, str]]:
    """Rows of a CSV version keyed by primary key (joined with '|'). Raises ValueError if unusable."""
    text = data.decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    pk = primary_key(resource)
    if reader.fieldnames is None or any(k not in reader.fieldnames for k in pk):
        raise ValueError(f"header lacks the primary key {pk}")
    rows = {}
    for row in reader:
        if None in row:
            raise ValueError(f"row {reader.line_num} has more cells than the header")
        rows["|".join(row[k] or "" for k in pk)] = {k: (v if v is not None else "") for k, v in row.items()}
    return rows


def _context(resource: str, record_id: str, row: dict[str, str]) -> tuple[str | None, str | None]:
    meeting_id = row.get("meeting_id") or (record_id if resource == "meetings" else None)
    if resource == "committees":
        return record_id, None
    committee_id = row.get("committee_id") or (meeting_id.rsplit("/", 1)[0] if meeting_id else None)
    return committee_id, meeting_id


def diff_versions(resource: str, before: dict[str, dict[str, str]], after: dict[str, dict[str, str]],
                  commit: str, committed_at: str) -> tuple[list[dict], list[dict]]:
    """(change rows, version rows) between two versions of a resource's table."""
    changes: list[dict] = []
    versions: list[dict] = []

    def change(record_id, kind, field_, old, new, row):
        committee_id, meeting_id = _context(resource, record_id, row)
        changes.append({
            "change_id": f"{commit[:12]}:{resource}:{record_id}:{field_ or kind}",
            "resource": resource, "record_id": record_id, "kind": kind, "field": field_,
            "old_value": old, "new_value": new, "commit": commit, "committed_at": committed_at,
            "committee_id": committee_id, "meeting_id": meeting_id,
        })

    def version(record_id, kind, row):
        versions.append({**row, "record_id": record_id, "version_kind": kind, "commit": commit, "committed_at": committed_at})

    for key in sorted(after.keys() - before.keys()):
        change(key, "added", None, None, json.dumps(after[key], ensure_ascii=False, sort_keys=True), after[key])
        version(key, "added", after[key])
    for key in sorted(before.keys() - after.keys()):
        change(key, "removed", None, json.dumps(before[key], ensure_ascii=False, sort_keys=True), None, before[key])
        version(key, "removed", before[key])
    for key in sorted(after.keys() & before.keys()):
        old, new = before[key], after[key]
        if old == new:
            continue
        for name in new:
            if old.get(name, "") != new[name]:
                change(key, "changed", name, old.get(name), new[name], new)
        for name in old.keys() - new.keys():
            change(key, "changed", name, old[name], None, new)
        version(key, "changed", new)
    return changes, versions


# ---------------------------------------------------------------- storage


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("""CREATE TABLE IF NOT EXISTS commits (
        "commit" TEXT PRIMARY KEY, parent TEXT, committed_at TEXT, author TEXT, message TEXT, seq INTEGER)""")
    conn.execute("""CREATE TABLE IF NOT EXISTS changes (
        change_id TEXT PRIMARY KEY, resource TEXT, record_id TEXT, kind TEXT, field TEXT, old_value TEXT,
        new_value TEXT, "commit" TEXT REFERENCES commits("commit"), committed_at TEXT, committee_id TEXT, meeting_id TEXT)""")
    for index in ("resource, record_id", "committed_at", "meeting_id", "committee_id", "kind"):
        name = "idx_changes_" + index.replace(", ", "_")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON changes ({index})")
    conn.execute("""CREATE TABLE IF NOT EXISTS history_state (key TEXT PRIMARY KEY, value TEXT)""")
    return conn


def _ensure_versions_table(conn: sqlite3.Connection, resource: str, columns: list[str]) -> None:
    table = f"{resource}_versions"
    existing = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    if not existing:
        cols = ", ".join(f'"{c}" TEXT' for c in columns)
        conn.execute(f"""CREATE TABLE {table} (version_id TEXT PRIMARY KEY, record_id TEXT, version INTEGER,
            version_kind TEXT, "commit" TEXT, committed_at TEXT, {cols})""")
        conn.execute(f"CREATE INDEX IF NOT EXISTS idx_{table}_record ON {table} (record_id)")
        return
    for column in columns:
        if column not in existing:
            conn.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" TEXT')


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(rows[0].keys())
    for row in rows[1:]:
        for key in row:
            if key not in columns:
                columns.append(key)
    placeholders = ", ".join("?" for _ in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    conn.executemany(f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({placeholders})",
                     [tuple(row.get(c) for c in columns) for row in rows])


# ---------------------------------------------------------------- git walking


def _iso(commit: git.Commit) -> str:
    return datetime.fromtimestamp(commit.committed_date, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _first_parent_line(repo: git.Repo) -> list[git.Commit]:
    try:
        head = repo.head.commit
    except ValueError:
        return []
    line = []
    commit: git.Commit | None = head
    while commit is not None:
        line.append(commit)
        try:
            commit = commit.parents[0] if commit.parents else None
        except (ValueError, git.BadName):  # shallow boundary
            commit = None
    line.reverse()
    return line


def _blob(commit: git.Commit, resource: str) -> bytes | None:
    try:
        return (commit.tree / f"{PACKAGE_DIR}/data/{resource}.csv").data_stream.read()
    except KeyError:
        return None


def _blob_sha(commit: git.Commit, resource: str) -> str | None:
    try:
        return (commit.tree / f"{PACKAGE_DIR}/data/{resource}.csv").hexsha
    except KeyError:
        return None


def build_history(repo_path: Path, *, db_path: Path | None = None, full: bool = False) -> HistoryReport:
    """Read new commits of the data repo into the history database (incrementally)."""
    repo = git.Repo(repo_path)
    db_path = db_path or Path(repo.working_tree_dir) / HISTORY_DB
    report = HistoryReport()
    line = _first_parent_line(repo)
    report.commits_total = len(line)
    if full and db_path.exists():
        db_path.unlink()
    conn = _connect(db_path)
    try:
        known = [r[0] for r in conn.execute('SELECT "commit" FROM commits ORDER BY seq')]
        on_line = {c.hexsha for c in line}
        if known and not set(known) <= on_line:
            conn.close()
            report.problems.append("history was rewritten: commits read before are no longer on HEAD's line; rebuilt from scratch")
            return _rebuild(repo_path, db_path, report)
        position = {c.hexsha: i for i, c in enumerate(line)}
        start = max((position[c] for c in known), default=-1) + 1
        if line and line[0].parents and start == 0:
            report.problems.append(f"shallow history: starting at {line[0].hexsha[:12]}, whose parent is not available")
        # per resource: blob sha of the last version read, and its rows (parsed only when needed)
        state: dict[str, tuple[str | None, dict[str, dict[str, str]] | None]] = {}
        saved = dict(conn.execute("SELECT key, value FROM history_state").fetchall())
        for resource in resources():
            last_good = saved.get(f"blob:{resource}") if start > 0 else None
            state[resource] = (last_good, None) if last_good else (None, {})
        for seq, commit in enumerate(line[start:], start):
            committed_at = _iso(commit)
            with conn:
                _insert(conn, "commits", [{
                    "commit": commit.hexsha, "parent": commit.parents[0].hexsha if commit.parents else None,
                    "committed_at": committed_at, "author": commit.author.name, "message": commit.message.strip(), "seq": seq,
                }])
                for resource in resources():
                    sha = _blob_sha(commit, resource)
                    last_sha, before = state[resource]
                    if sha == last_sha:
                        continue
                    if before is None:
                        try:
                            before = parse_csv(git.Blob(repo, bytes.fromhex(last_sha)).data_stream.read(), resource)
                        except (ValueError, UnicodeDecodeError, csv.Error) as exc:
                            report.problems.append(f"{resource}.csv at blob {last_sha[:12]}: {exc}")
                            before = {}
                    if sha is None:
                        after: dict[str, dict[str, str]] = {}
                    else:
                        try:
                            after = parse_csv(_blob(commit, resource) or b"", resource)
                        except (ValueError, UnicodeDecodeError, csv.Error) as exc:
                            report.problems.append(f"{commit.hexsha[:12]} {resource}.csv does not parse ({exc}); skipped")
                            continue
                    changes, versions = diff_versions(resource, before, after, commit.hexsha, committed_at)
                    if versions:
                        columns = [k for k in versions[0] if k not in ("record_id", "version_kind", "commit", "committed_at")]
                        _ensure_versions_table(conn, resource, columns)
                        numbers = dict(conn.execute(
                            f"SELECT record_id, MAX(version) FROM {resource}_versions GROUP BY record_id").fetchall())
                        for row in versions:
                            number = numbers.get(row["record_id"], 0) + 1
                            numbers[row["record_id"]] = number
                            row["version"] = number
                            row["version_id"] = f"{row['record_id']}@{number}"
                        _insert(conn, f"{resource}_versions", versions)
                    _insert(conn, "changes", changes)
                    report.changes_added += len(changes)
                    state[resource] = (sha, after)
                    conn.execute("INSERT OR REPLACE INTO history_state (key, value) VALUES (?, ?)", (f"blob:{resource}", sha))
            report.commits_read += 1
    finally:
        conn.close()
    return report


def _rebuild(repo_path: Path, db_path: Path, report: HistoryReport) -> HistoryReport:
    fresh = db_path.with_name(db_path.name + ".rebuild")
    for suffix in ("", "-wal", "-shm"):
        Path(str(fresh) + suffix).unlink(missing_ok=True)
    inner = build_history(repo_path, db_path=fresh)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    fresh.replace(db_path)
    report.commits_read, report.changes_added, report.full_rebuild = inner.commits_read, inner.changes_added, True
    report.problems.extend(inner.problems)
    return report


def copy_history(history_db: Path, target_db: Path) -> list[str]:
    """Copy the history tables into the served database (replacing earlier copies)."""
    conn = sqlite3.connect(target_db)
    try:
        conn.execute("ATTACH DATABASE ? AS history", (str(history_db),))
        tables = [r[0] for r in conn.execute("SELECT name FROM history.sqlite_master WHERE type='table' AND name != 'history_state'")]
        with conn:
            for table in tables:
                conn.execute(f'DROP TABLE IF EXISTS main."{table}"')
                sql = conn.execute("SELECT sql FROM history.sqlite_master WHERE name = ?", (table,)).fetchone()[0]
                conn.execute(sql)
                conn.execute(f'INSERT INTO main."{table}" SELECT * FROM history."{table}"')
                for (index_sql,) in conn.execute("SELECT sql FROM history.sqlite_master WHERE type='index' AND tbl_name = ? AND sql IS NOT NULL", (table,)).fetchall():
                    conn.execute(index_sql)
        conn.execute("DETACH DATABASE history")
    finally:
        conn.close()
    return tables
