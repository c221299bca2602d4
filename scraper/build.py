"""Build the served database: SQLite from the package (and its history), search, Datasette metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .database import build_database, load_descriptor
from .package import PACKAGE_DIR


@dataclass
class BuildResult:
    database: Path
    counts: dict[str, int]
    indexed: list[str] = field(default_factory=list)
    metadata: str = ""


def build_site_database(repo: Path, db_path: Path) -> BuildResult:
    """Build ``db_path`` from ``repo/datapackage`` aside and move it into place, then write metadata."""
    from .site.search import ensure_search
    from .site.serve import metadata_summary, write_metadata

    package_dir = Path(repo) / PACKAGE_DIR
    staging = db_path.with_name(db_path.stem + ".staging" + (db_path.suffix or ".db"))
    counts = build_database(package_dir, staging)
    indexed = ensure_search(staging)
    staging.replace(db_path)
    write_metadata(load_descriptor(package_dir), db_path)
    return BuildResult(db_path, counts, indexed, metadata_summary(db_path))
