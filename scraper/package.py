"""Records <-> the data package on disk: ``datapackage.json``, one CSV per resource, text files.

Writing is deterministic: fixed column order (the schema's), rows sorted by primary key, UTF-8,
``\\n`` line ends, minimal quoting, booleans as ``true``/``false``, nulls as empty cells. No run
timestamps anywhere, so an unchanged portal changes no byte.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from pathlib import Path

from .config import PROJECT_ROOT
from .rows import DERIVED, RESOURCES
from .rows.portal import TEXT_DIR, text_path

SCHEMAS_DIR = PROJECT_ROOT / "schemas"
PACKAGE_DIR = "datapackage"
# Any field the schemas accept (a paragraph's text, a long agenda description) must read back: the
# csv module's default limit of 131,072 characters per field would make the package unreadable.
FIELD_SIZE_LIMIT = 1 << 30

Row = dict[str, str]
Tables = dict[str, dict[str, Row]]  # resource -> primary key -> row (all values as CSV strings)


@lru_cache(maxsize=None)
def load_schema(resource: str) -> dict:
    return json.loads((SCHEMAS_DIR / f"{resource}.json").read_text(encoding="utf-8"))


def resources() -> list[str]:
    """The resources of the package, in dependency order (parents before children)."""
    return [r for r in RESOURCES if (SCHEMAS_DIR / f"{r}.json").exists()]


def columns(resource: str) -> list[str]:
    return [f["name"] for f in load_schema(resource)["fields"]]


def primary_key(resource: str) -> list[str]:
    pk = load_schema(resource)["primaryKey"]
    return [pk] if isinstance(pk, str) else list(pk)


def cell(value) -> str:
    """A value as its CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def typed(value: str, type_: str):
    """A CSV cell as the Table Schema type says: None for an empty cell, int, float, bool, else str."""
    if value == "":
        return None
    if type_ == "integer":
        return int(value)
    if type_ == "number":
        return float(value)
    if type_ == "boolean":
        return value == "true"
    return value


def row_key(resource: str, row: Row) -> str:
    return "\x1f".join(row[k] for k in primary_key(resource))


def to_table_row(resource: str, record: dict) -> Row:
    return {name: cell(record.get(name)) for name in columns(resource)}


def empty_tables() -> Tables:
    return {r: {} for r in resources()}


# ---------------------------------------------------------------- reading


def csv_reader(handle: Iterable[str]) -> Iterator[list[str]]:
    """Rows of a CSV file of this package (the one way the project reads its CSVs)."""
    if csv.field_size_limit() < FIELD_SIZE_LIMIT:
        csv.field_size_limit(FIELD_SIZE_LIMIT)
    return csv.reader(handle)


def csv_dicts(handle: Iterable[str]) -> Iterator[dict[str, str]]:
    """Rows of a CSV file as dicts keyed by its header."""
    reader = csv_reader(handle)
    header = next(reader, None)
    if header is None:
        return
    for cells in reader:
        if cells:
            yield dict(zip(header, cells))


def read_table(package_dir: Path, resource: str) -> dict[str, Row]:
    """The rows of one resource of an existing package (a missing file gives an empty table)."""
    path = package_dir / "data" / f"{resource}.csv"
    table: dict[str, Row] = {}
    if not path.exists():
        return table
    names = columns(resource)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv_dicts(handle):
            clean = {name: row.get(name) or "" for name in names}
            table[row_key(resource, clean)] = clean
    return table


def csv_header_matches(package_dir: Path, resource: str) -> bool:
    """Whether the resource's CSV has the schema's columns (False for a missing file)."""
    try:
        with (package_dir / "data" / f"{resource}.csv").open(encoding="utf-8", newline="") as handle:
            return next(csv_reader(handle), None) == columns(resource)
    except OSError:
        return False


def read_tables(package_dir: Path) -> Tables:
    """The rows of an existing package (missing files give empty tables)."""
    return {resource: read_table(package_dir, resource) for resource in resources()}


class LazyTables(Mapping[str, dict[str, Row]]):
    """Tables that are read (or copied) only when first used, so that a run that touches a few
    resources does not pay for the rest of the package. ``loaded()`` says which were used."""

    def __init__(self, load: Callable[[str], dict[str, Row]]):
        self._load = load
        self._tables: dict[str, dict[str, Row]] = {}

    def __getitem__(self, resource: str) -> dict[str, Row]:
        table = self._tables.get(resource)
        if table is None:
            if resource not in resources():
                raise KeyError(resource)
            table = self._tables[resource] = self._load(resource)
        return table

    def __iter__(self) -> Iterator[str]:
        return iter(resources())

    def __len__(self) -> int:
        return len(resources())

    def loaded(self) -> list[str]:
        return [r for r in resources() if r in self._tables]

    def view(self) -> Tables:
        """The tables used so far (the others are as they were on disk)."""
        return {r: self._tables[r] for r in self.loaded()}


class KeyIndex:
    """Keys of a table's rows grouped by the value of one field, built when first asked for."""

    def __init__(self, tables: Mapping[str, dict[str, Row]], resource: str, by: str):
        self._tables, self._resource, self._by = tables, resource, by
        self._index: dict[str, set[str]] | None = None

    def keys(self, value: str) -> set[str]:
        if self._index is None:
            self._index = {}
            for key, row in self._tables[self._resource].items():
                self._index.setdefault(row[self._by], set()).add(key)
        return self._index.get(value, set())


def open_tables(package_dir: Path) -> LazyTables:
    """The package's tables, each read from its CSV when first used."""
    return LazyTables(lambda resource: read_table(package_dir, resource))


def copy_tables(base: Mapping[str, dict[str, Row]]) -> LazyTables:
    """Tables to change: each a shallow copy of ``base``'s table, made when first used. Rows are
    never changed in place (a changed row is a new dict), so shared row dicts are safe."""
    return LazyTables(lambda resource: dict(base[resource]))


def read_texts(package_dir: Path) -> dict[str, str]:
    base = package_dir / TEXT_DIR
    if not base.exists():
        return {}
    return {
        str(path.relative_to(package_dir)): path.read_text(encoding="utf-8")
        for path in sorted(base.rglob("*.txt"))
    }


def read_text(package_dir: Path, rel: str) -> str | None:
    try:
        return (package_dir / rel).read_text(encoding="utf-8")
    except OSError:
        return None


# ---------------------------------------------------------------- writing


def _write_csv(handle, resource: str, rows: dict[str, Row]) -> None:
    writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    names = columns(resource)
    writer.writerow(names)
    writer.writerows([rows[key][n] for n in names] for key in sorted(rows))


def csv_bytes(resource: str, rows: dict[str, Row]) -> bytes:
    """The resource's CSV file as bytes (what ``write_csv`` writes)."""
    out = io.StringIO()
    _write_csv(out, resource, rows)
    return out.getvalue().encode("utf-8")


def write_csv(path: Path, resource: str, rows: dict[str, Row]) -> None:
    """Write the resource's CSV file, streamed (a large table is never held as one string)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        _write_csv(handle, resource, rows)


@dataclass
class PackageInfo:
    """Descriptor metadata of a data package."""

    name: str = "nordic-meeting-records"
    title: str = "Nordic municipal and regional meeting records"
    description: str = (
        "Committees, meetings, agenda items and documents (kallelse, protokoll, bilagor) scraped from "
        "public Formpipe Meetings Plus portals of Swedish regions and municipalities. Every record links "
        "to its source page; the git history of this package records every change."
    )
    sources: list[dict] = field(default_factory=list)
    homepage: str = "https://github.com/meetings-open-data/meetings"
    parser_version: int | None = None  # of the document parsers that read the package's records


def descriptor(info: PackageInfo) -> dict:
    resources_ = []
    for resource in resources():
        schema = load_schema(resource)
        resources_.append({
            "name": resource,
            "title": schema.get("title", resource),
            "description": schema.get("description", ""),
            "path": f"data/{resource}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True},
            "schema": {k: v for k, v in schema.items() if k not in ("title", "description")},
        })
    return {
        "profile": "tabular-data-package",
        "name": info.name,
        "title": info.title,
        "description": info.description,
        "homepage": info.homepage,
        "licenses": [{
            "name": "CC0-1.0",
            "title": "Creative Commons Zero v1.0 Universal",
            "path": "https://creativecommons.org/publicdomain/zero/1.0/",
        }],
        "sources": info.sources,
        "contributors": [{"title": "meetings-open-data contributors", "role": "author", "path": info.homepage}],
        "keywords": ["meetings", "protocols", "municipalities", "regions", "Sweden", "sammanträden", "protokoll", "Meetings Plus"],
        "resources": resources_,
        **({"parser_version": info.parser_version} if info.parser_version is not None else {}),
    }


def package_parser_version(package_dir: Path) -> int | None:
    """The parser version a package records (1 for a package written before versions were
    recorded), or None when there is no package."""
    try:
        found = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = found.get("parser_version", 1) if isinstance(found, dict) else None
    return version if isinstance(version, int) else 1


def write_package(target: Path, tables: Tables, texts: Mapping[str, str | None], info: PackageInfo, *,
                  base: Path | None = None) -> None:
    """Write a complete package into ``target`` (which must not exist yet or is replaced).

    With ``base`` (the package as it is): a resource missing from ``tables``, and a text given as
    None, are taken from ``base`` unchanged (hard-linked where the file system allows), so a run
    rewrites only what it changed."""
    if target.exists():
        shutil.rmtree(target)
    (target / "data").mkdir(parents=True)
    (target / "datapackage.json").write_text(
        json.dumps(descriptor(info), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    for resource in resources():
        path = target / "data" / f"{resource}.csv"
        if base is not None and resource not in tables:
            _link_or_copy(base / "data" / f"{resource}.csv", path, empty=csv_bytes(resource, {}))
        else:
            write_csv(path, resource, tables.get(resource, {}))
    for rel, text in texts.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            if base is None:
                raise ValueError(f"no text for {rel} and no package to take it from")
            _link_or_copy(base / rel, path)
        else:
            path.write_bytes(text.encode("utf-8"))


def _link_or_copy(source: Path, target: Path, empty: bytes | None = None) -> None:
    if not source.exists() and empty is not None:
        target.write_bytes(empty)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def swap_into_place(new: Path, final: Path) -> None:
    """Replace ``final`` by ``new`` with renames, so a crash never leaves a half-written package."""
    backup = final.with_name(final.name + ".old")
    if backup.exists():
        shutil.rmtree(backup)
    if final.exists():
        final.rename(backup)
    new.rename(final)
    if backup.exists():
        shutil.rmtree(backup)
