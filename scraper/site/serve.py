"""Serving the database with Datasette: metadata next to the database, sensible settings."""

from __future__ import annotations

import json
from pathlib import Path

from .metadata import build_metadata

SETTINGS = {
    "suggest_facets": "off",
    "sql_time_limit_ms": "3000",
    "default_page_size": "50",
    "allow_download": "on",
}


def metadata_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + "-metadata.json")


def write_metadata(descriptor: dict, db_path: Path) -> Path:
    path = metadata_path(db_path)
    path.write_text(json.dumps(build_metadata(descriptor, db_path.stem), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def datasette_args(db_path: Path, *, host: str = "127.0.0.1", port: int = 8001, get: str | None = None) -> list[str]:
    args = ["serve", "-i", str(db_path), "--host", host, "--port", str(port)]
    meta = metadata_path(db_path)
    if meta.exists():
        args += ["--metadata", str(meta)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, value]
    if get:
        args += ["--get", get]
    return args


def serve(db_path: Path, *, host: str = "127.0.0.1", port: int = 8001, get: str | None = None) -> int:
    """Run Datasette in this process (blocks until stopped); with ``get``, print one response."""
    from datasette.cli import cli as datasette_cli

    try:
        datasette_cli.main(datasette_args(db_path, host=host, port=port, get=get), prog_name="datasette", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
