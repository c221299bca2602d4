"""Serving the database with Datasette: metadata next to the database, plugins, templates,
downloads and settings.

``meetings serve`` runs Datasette read-only: the database is opened immutable (``-i``), queries
are cut off after ``sql_time_limit_ms``, at most ``num_sql_threads`` run at once, and no canned
query writes. The plugin gives every connection the limits of ``limits.py``; the server also holds
SQLite's memory for its process under ``limits.HEAP_LIMIT``. ``make_datasette`` builds the same
configuration in-process (tests, embedding) except that process-wide ceiling.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .limits import TIME_LIMIT_SECONDS, limit_sqlite_heap
from .metadata import build_metadata
from .queries import Tables, skipped_queries

SITE_DIR = Path(__file__).resolve().parent
PLUGINS_DIR = SITE_DIR / "plugins"
TEMPLATES_DIR = SITE_DIR / "templates"
DOWNLOADS_MOUNT = "downloads"

SETTINGS = {
    "suggest_facets": "off",
    "sql_time_limit_ms": str(TIME_LIMIT_SECONDS * 1000),
    "default_page_size": "50",
    "allow_download": "on",
    "facet_time_limit_ms": "500",
    "num_sql_threads": "3",
}


def metadata_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + "-metadata.json")


def default_downloads(db_path: Path) -> Path | None:
    """The downloads directory served by default: ``downloads/`` next to the database, if it exists."""
    candidate = Path(db_path).resolve().parent / "downloads"
    return candidate if candidate.is_dir() else None


def database_tables(db_path: Path) -> Tables:
    """Tables (and views) of a SQLite file -> their column names. Opens the file read-only."""
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "select name from sqlite_master where type in ('table', 'view') and name not like 'sqlite_%' order by name")]
        return {name: {r[1] for r in conn.execute(f'pragma table_info("{name}")')} for name in names}
    finally:
        conn.close()


def write_metadata(descriptor: dict, db_path: Path) -> Path:
    """Write ``<db stem>-metadata.json`` next to the database, matching the tables it has."""
    path = metadata_path(db_path)
    tables = database_tables(db_path) if Path(db_path).exists() else None
    metadata = build_metadata(descriptor, db_path.stem, tables)
    path.write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def metadata_summary(db_path: Path) -> str:
    """One line on what the metadata offers: canned queries and the ones left out for missing tables."""
    metadata = json.loads(metadata_path(db_path).read_text(encoding="utf-8"))
    queries = next(iter(metadata["databases"].values())).get("queries", {})
    skipped = skipped_queries(database_tables(db_path))
    line = f"{len(queries)} canned queries"
    if skipped:
        line += "; not offered (missing " + "; ".join(f"{name}: {', '.join(m)}" for name, m in skipped.items()) + ")"
    return line


def datasette_args(db_path: Path, *, host: str = "127.0.0.1", port: int = 8001, get: str | None = None,
                   downloads: Path | None = None) -> list[str]:
    args = ["serve", "-i", str(db_path), "--host", host, "--port", str(port),
            "--plugins-dir", str(PLUGINS_DIR), "--template-dir", str(TEMPLATES_DIR)]
    meta = metadata_path(db_path)
    if meta.exists():
        args += ["--metadata", str(meta)]
    if downloads is not None:
        args += ["--static", f"{DOWNLOADS_MOUNT}:{Path(downloads).resolve()}"]
    for name, value in SETTINGS.items():
        args += ["--setting", name, value]
    if get:
        args += ["--get", get]
    return args


def serve(db_path: Path, *, host: str = "127.0.0.1", port: int = 8001, get: str | None = None,
          downloads: Path | None = None) -> int:
    """Run Datasette in this process (blocks until stopped); with ``get``, print one response.

    ``downloads`` is served at /downloads/ (default: ``downloads/`` next to the database, if any).
    As a server (no ``get``) it first holds SQLite's memory for the whole process under
    ``limits.HEAP_LIMIT`` (a limit SQLite never lets a process raise again)."""
    from datasette.cli import cli as datasette_cli

    if downloads is None:
        downloads = default_downloads(db_path)
    if get is None:
        limit_sqlite_heap()
    try:
        datasette_cli.main(datasette_args(db_path, host=host, port=port, get=get, downloads=downloads),
                           prog_name="datasette", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def make_datasette(db_path: Path, *, downloads: Path | None = None):
    """A Datasette instance configured like ``meetings serve`` (immutable database, metadata,
    plugins, templates, downloads, settings, the limits of every connection). The process-wide
    memory ceiling is left to the caller (``limits.limit_sqlite_heap``)."""
    from datasette.app import Datasette

    meta = metadata_path(db_path)
    metadata = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else None
    settings = {k: (int(v) if v.isdigit() else v == "on" if v in ("on", "off") else v) for k, v in SETTINGS.items()}
    return Datasette(
        immutables=[str(db_path)],
        metadata=metadata,
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR),
        static_mounts=[(DOWNLOADS_MOUNT, str(Path(downloads).resolve()))] if downloads else None,
        settings=settings,
    )
