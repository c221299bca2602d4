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
from pathlib import Path

from . import vcs
from .package import csv_reader, primary_key, resource_of_part, resources
from .rows.portal import committee_of
from .state import RepoState

CHANGE_COLUMNS = ["change_id", "resource", "record_id", "kind", "field", "old_value", "new_value",
                  "commit", "committed_at", "made_by", "committee_id", "meeting_id"]


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


@dataclass
class CsvVersion:
    """One version of a resource's CSV: its header, and each row's cells keyed by primary key
    (joined with '|'). Rows stay tuples; a row becomes a dict only when it is reported."""

    header: tuple[str, ...]
    rows: dict[str, tuple[str, ...]]

    def row(self, key: str) -> dict[str, str]:
        return dict(zip(self.header, self.rows[key]))


def parse_csv(data: bytes, resource: str) -> CsvVersion:
    """A CSV version of ``resource``. Raises ValueError if unusable."""
    text = data.decode("utf-8")
    reader = csv_reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    pk = primary_key(resource)
    if header is None or any(k not in header for k in pk):
        raise ValueError(f"header lacks the primary key {pk}")
    width = len(header)
    positions = [header.index(k) for k in pk]
    single = positions[0] if len(positions) == 1 else None
    rows: dict[str, tuple[str, ...]] = {}
    for cells in reader:
        if not cells:
            continue
        if len(cells) > width:
            raise ValueError(f"row {reader.line_num} has more cells than the header")
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        key = cells[single] if single is not None else "|".join(cells[i] for i in positions)
        rows[key] = tuple(cells)
    return CsvVersion(tuple(header), rows)


EMPTY = CsvVersion((), {})


def union(versions: list[CsvVersion]) -> CsvVersion:
    """The rows of several parts of one resource as one version (rows under another header are
    re-ordered to the first part's columns, missing ones empty)."""
    versions = [v for v in versions if v.header]
    if not versions:
        return EMPTY
    header = versions[0].header
    rows: dict[str, tuple[str, ...]] = {}
    for version in versions:
        if version.header == header:
            rows.update(version.rows)
        else:
            for key in version.rows:
                row = version.row(key)
                rows[key] = tuple(row.get(name, "") for name in header)
    return CsvVersion(header, rows)




def _context(resource: str, record_id: str, row: dict[str, str]) -> tuple[str | None, str | None]:
    meeting_id = row.get("meeting_id") or (record_id if resource == "meetings" else None)
    if resource == "committees":
        return record_id, None
    committee_id = row.get("committee_id") or (committee_of(meeting_id) if meeting_id else None)
    return committee_id, meeting_id


def diff_versions(resource: str, before: CsvVersion, after: CsvVersion,
                  commit: str, committed_at: str, made_by: str = "scrape") -> tuple[list[dict], list[dict]]:
    """(change rows, version rows) between two versions of a resource's table. ``made_by``: what
    made the commit (scrape, reparse, manual), carried by every change row."""
    changes: list[dict] = []
    versions: list[dict] = []

    def change(record_id, kind, field_, old, new, row):
        committee_id, meeting_id = _context(resource, record_id, row)
        changes.append({
            "change_id": f"{commit[:12]}:{resource}:{record_id}:{field_ or kind}",
            "resource": resource, "record_id": record_id, "kind": kind, "field": field_,
            "old_value": old, "new_value": new, "commit": commit, "committed_at": committed_at, "made_by": made_by,
            "committee_id": committee_id, "meeting_id": meeting_id,
        })

    def version(record_id, kind, row):
        versions.append({**row, "record_id": record_id, "version_kind": kind, "commit": commit, "committed_at": committed_at})

    old_rows, new_rows = before.rows, after.rows
    for key in sorted(new_rows.keys() - old_rows.keys()):
        row = after.row(key)
        change(key, "added", None, None, json.dumps(row, ensure_ascii=False, sort_keys=True), row)
        version(key, "added", row)
    for key in sorted(old_rows.keys() - new_rows.keys()):
        row = before.row(key)
        change(key, "removed", None, json.dumps(row, ensure_ascii=False, sort_keys=True), None, row)
        version(key, "removed", row)
    same_header = before.header == after.header
    for key in sorted(k for k in new_rows.keys() & old_rows.keys() if not (same_header and old_rows[k] == new_rows[k])):
        old, new = before.row(key), after.row(key)
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
        "commit" TEXT PRIMARY KEY, parent TEXT, committed_at TEXT, author TEXT, message TEXT, made_by TEXT, seq INTEGER)""")
    conn.execute("""CREATE TABLE IF NOT EXISTS changes (
        change_id TEXT PRIMARY KEY, resource TEXT, record_id TEXT, kind TEXT, field TEXT, old_value TEXT,
        new_value TEXT, "commit" TEXT REFERENCES commits("commit"), committed_at TEXT, made_by TEXT, committee_id TEXT,
        meeting_id TEXT)""")
    for index in ("resource, record_id", "committed_at", "meeting_id", "committee_id", "kind", "made_by"):
        name = "idx_changes_" + index.replace(", ", "_")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON changes ({index})")
    conn.execute("""CREATE TABLE IF NOT EXISTS history_state (key TEXT PRIMARY KEY, value TEXT)""")
    return conn


def _ensure_versions_table(conn: sqlite3.Connection, resource: str, columns: list[str]) -> bool:
    """Create or widen ``<resource>_versions``. Returns True when the table was created."""
    table = f"{resource}_versions"
    existing = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    if not existing:
        cols = ", ".join(f'"{c}" TEXT' for c in columns)
        conn.execute(f"""CREATE TABLE {table} (version_id TEXT PRIMARY KEY, record_id TEXT, version INTEGER,
            version_kind TEXT, "commit" TEXT, committed_at TEXT, {cols})""")
        conn.execute(f"CREATE INDEX IF NOT EXISTS idx_{table}_record ON {table} (record_id)")
        return True
    for column in columns:
        if column not in existing:
            conn.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" TEXT')
    return False


def _latest_versions(conn: sqlite3.Connection, resource: str, record_ids: list[str]) -> dict[str, int]:
    """The highest version number stored for each of ``record_ids`` (by the index on record_id)."""
    found: dict[str, int] = {}
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        found.update(conn.execute(
            f"SELECT record_id, MAX(version) FROM {resource}_versions WHERE record_id IN ({marks}) GROUP BY record_id", chunk))
    return found


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


# ---------------------------------------------------------------- reading the commits


def _commits_to_read(repo, conn: sqlite3.Connection, saved: dict[str, str], report: HistoryReport):
    """(commits not read yet, oldest first, and the sequence number of the first), or None when
    the history was rewritten under what was read before."""
    last_read = saved.get("head")
    if last_read:
        line, reached = vcs.first_parent_line(repo, stop=last_read)
        if not reached:
            report.problems.append("history was rewritten: the last commit read before is no longer on HEAD's line; "
                                   "rebuilt from scratch")
            return None
        return line, int(saved.get("head_seq", "-1")) + 1
    line, _ = vcs.first_parent_line(repo)
    known = [r[0] for r in conn.execute('SELECT "commit" FROM commits ORDER BY seq')]
    if known and not set(known) <= {c.hexsha for c in line}:
        report.problems.append("history was rewritten: commits read before are no longer on HEAD's line; rebuilt from scratch")
        return None
    position = {c.hexsha: i for i, c in enumerate(line)}
    skip = max((position[c] for c in known), default=-1) + 1
    line = line[skip:]
    if line and skip == 0 and line[0].hexsha in vcs.shallow_commits(repo):
        report.problems.append(f"shallow history: starting at {line[0].hexsha[:12]}, whose parent is not available")
    return line, skip


@dataclass
class _Walk:
    """What the walk carries from commit to commit."""

    repo: object
    conn: sqlite3.Connection
    report: HistoryReport
    tree: object | None  # the package's data tree as last read
    stale: dict[str, str | None] = field(default_factory=dict)  # file that did not parse -> its last good blob
    numbers: dict[str, dict[str, int]] = field(default_factory=dict)  # resource -> record id -> latest version
    created: set[str] = field(default_factory=set)  # versions tables created in this build


def _read_version(walk: _Walk, resource: str, sha: str, what: str) -> CsvVersion | None:
    try:
        return parse_csv(vcs.blob_bytes(walk.repo, sha), resource)
    except (ValueError, UnicodeDecodeError, csv.Error) as exc:
        walk.report.problems.append(f"{what} {resource}.csv does not parse ({exc}); skipped")
        return None


def _store_versions(walk: _Walk, resource: str, versions: list[dict]) -> None:
    columns = [k for k in versions[0] if k not in ("record_id", "version_kind", "commit", "committed_at")]
    if _ensure_versions_table(walk.conn, resource, columns):
        walk.created.add(resource)
    known = walk.numbers.setdefault(resource, {})
    if resource not in walk.created:
        missing = sorted({r["record_id"] for r in versions} - known.keys())
        known.update(_latest_versions(walk.conn, resource, missing))
    for row in versions:
        number = known.get(row["record_id"], 0) + 1
        known[row["record_id"]] = number
        row["version"] = number
        row["version_id"] = f"{row['record_id']}@{number}"
    _insert(walk.conn, f"{resource}_versions", versions)


def _read_resource(walk: _Walk, resource: str, parts: list[tuple[str, str | None, str | None]], info: vcs.CommitInfo) -> None:
    """Compare a resource's changed parts with their versions before, as one table by primary key."""
    before, after = [], []
    for _, old_sha, new_sha in parts:
        if old_sha:
            before.append(_read_version(walk, resource, old_sha, f"blob {old_sha[:12]}") or EMPTY)
        if new_sha:
            version = _read_version(walk, resource, new_sha, info.sha[:12])
            if version is None:
                walk.stale.update({path: old_sha for path, old_sha, _ in parts})
                return
            after.append(version)
    for path, _, _ in parts:
        walk.stale.pop(path, None)
    changes, versions = diff_versions(resource, union(before), union(after), info.sha, info.committed_at, info.made_by)
    if versions:
        _store_versions(walk, resource, versions)
    _insert(walk.conn, "changes", changes)
    walk.report.changes_added += len(changes)


def _read_commit(walk: _Walk, commit, info: vcs.CommitInfo, seq: int) -> None:
    _insert(walk.conn, "commits", [{"commit": info.sha, "parent": info.parent, "committed_at": info.committed_at,
                                    "author": info.author, "message": info.message, "made_by": info.made_by, "seq": seq}])
    after = vcs.package_tree_at(walk.repo, commit)
    changes = {path: (path, old, new) for path, old, new in vcs.changed_files(walk.tree, after)}
    for path, good in walk.stale.items():  # a file that did not parse is compared from its last good version
        changes[path] = (path, good, changes[path][2] if path in changes else vcs.blob_at(after, path))
    known = set(resources())
    per_resource: dict[str, list] = {}
    for change in changes.values():
        if resource_of_part(change[0]) in known and change[1] != change[2]:
            per_resource.setdefault(resource_of_part(change[0]), []).append(change)
    for resource, parts in sorted(per_resource.items()):
        _read_resource(walk, resource, sorted(parts), info)
    walk.tree = after
    walk.conn.execute("DELETE FROM history_state WHERE key LIKE 'stale:%'")
    walk.conn.executemany("INSERT OR REPLACE INTO history_state (key, value) VALUES (?, ?)",
                          [("head", info.sha), ("head_seq", str(seq)), ("data_tree", after.hexsha if after else ""),
                           *((f"stale:{path}", good or "") for path, good in walk.stale.items())])


def _outdated(conn: sqlite3.Connection) -> bool:
    """Whether the history database was written by an earlier version of this builder (before
    commits and changes said what made them, or before packages came in parts)."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(changes)")}
    old_keys = conn.execute("SELECT 1 FROM history_state WHERE key LIKE 'blob:%' OR key LIKE 'part:%' LIMIT 1").fetchone()
    return bool(columns) and ("made_by" not in columns or old_keys is not None)


def build_history(repo_path: Path, *, db_path: Path | None = None, full: bool = False) -> HistoryReport:
    """Read new commits of the data repo into the history database (incrementally).

    The database remembers the last commit it read; an incremental build walks back from HEAD
    only to that commit, so its cost follows the new commits, not the length of the history."""
    repo = vcs.existing_repo(repo_path)
    db_path = db_path or RepoState(vcs.root(repo)).history_db
    report = HistoryReport()
    if full and db_path.exists():
        db_path.unlink()
    conn = _connect(db_path)
    try:
        if _outdated(conn):
            conn.close()
            report.problems.append("the history database was written by an earlier version; rebuilt from scratch")
            return _rebuild(repo_path, db_path, report)
        saved = dict(conn.execute("SELECT key, value FROM history_state").fetchall())
        found = _commits_to_read(repo, conn, saved, report)
        if found is None:
            conn.close()
            return _rebuild(repo_path, db_path, report)
        line, start = found
        report.commits_total = start + len(line)
        walk = _Walk(repo, conn, report, vcs.tree(repo, saved.get("data_tree")) if start > 0 else None,
                     {k.removeprefix("stale:"): v or None for k, v in saved.items() if k.startswith("stale:")} if start > 0 else {})
        shallow = vcs.shallow_commits(repo)
        for seq, commit in enumerate(line, start):
            with conn:
                _read_commit(walk, commit, vcs.commit_info(commit, shallow), seq)
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
    report.commits_total = inner.commits_total
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
