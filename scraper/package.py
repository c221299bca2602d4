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


# ---------------------------------------------------------------- parts

# The grain of each resource's parts; every other resource has a part per organisation and year
# of its meeting (data/<resource>/<organisation>/<year>.csv).
PART_GRAIN = {"organisations": "organisation", "committees": "organisation", "people": "organisation",
              "representatives": "organisation", "paragraphs": "month"}
# Resources not tied to one meeting: parted by their own organisation_id and this date field.
PART_DATE = {"notices": "posted"}
UNDATED = "undated"  # the part of rows without the date their part is named after
EMPTY_PART = "_empty.csv"  # the header-only part of a resource without rows


def of_meetings(resource: str) -> bool:
    """Whether every row of ``resource`` is a record of one meeting, in the part of that meeting's
    organisation and date (the meetings themselves, notices and the organisation-wide tables are not)."""
    return resource not in ("organisations", "committees", "meetings", *PART_DATE) and PART_GRAIN.get(resource) != "organisation"


def part_path(resource: str, organisation: str, when: str | None) -> str:
    """Where a row of ``resource`` lives in the package, from its organisation and its meeting's
    date (YYYY-MM-DD): ``data/meetings/region-x/2024.csv``, ``data/paragraphs/region-x/2024-03.csv``,
    ``data/committees/region-x.csv``."""
    grain = PART_GRAIN.get(resource, "year")
    if grain == "organisation":
        return f"data/{resource}/{organisation}.csv"
    if not when:
        return f"data/{resource}/{organisation}/{UNDATED}.csv"
    return f"data/{resource}/{organisation}/{when[:4] if grain == 'year' else when[:7]}.csv"


def legacy_path(resource: str) -> str:
    """The one file a resource had before the package was split into parts."""
    return f"data/{resource}.csv"


def part_files(package_dir: Path | None, resource: str, organisations: Iterable[str] | None = None) -> list[str]:
    """The parts of a resource present in a package (paths relative to it, sorted), or only the
    parts of ``organisations``; a package of the layout before parts gives its one file, whole
    (``meetings migrate`` splits it)."""
    if package_dir is None:
        return []
    if (package_dir / legacy_path(resource)).is_file():
        return [legacy_path(resource)]
    base = package_dir / "data" / resource
    if not base.is_dir():
        return []
    if organisations is None:
        found = [p for p in base.rglob("*.csv") if p.name != EMPTY_PART or p.parent != base]
    else:
        found = []
        for organisation in organisations:
            found.extend(p for p in [base / f"{organisation}.csv"] if p.is_file())
            found.extend((base / organisation).glob("*.csv") if (base / organisation).is_dir() else ())
    return sorted(str(p.relative_to(package_dir)) for p in found)


def resource_of_part(part: str) -> str:
    """The resource a package file belongs to: ``data/<resource>.csv`` or ``data/<resource>/…``."""
    return part.split("/")[1].removesuffix(".csv")


def part_organisation(part: str) -> str | None:
    """The organisation a part belongs to (None for a one-file resource or the empty part)."""
    pieces = part.split("/")
    if len(pieces) < 3 or pieces[-1] == EMPTY_PART and len(pieces) == 3:
        return None
    return pieces[2].removesuffix(".csv")


def part_year(part: str) -> str:
    """The year of a dated part (``2024`` of ``…/2024.csv`` and of ``…/2024-03.csv``), or ``undated``."""
    stem = part.rsplit("/", 1)[-1].removesuffix(".csv")
    return UNDATED if stem == UNDATED else stem[:4]


class Partitioner:
    """The part of each row: its organisation (its own ``organisation_id``, or its meeting's, through
    the committee) and its meeting's date (or, for a resource of ``PART_DATE``, a date of its own)."""

    def __init__(self, tables: Mapping[str, dict[str, Row]]):
        self.tables = tables

    def organisation(self, committee_id: str) -> str:
        return self.tables["committees"][committee_id]["organisation_id"]

    def part(self, resource: str, row: Row) -> str:
        if PART_GRAIN.get(resource) == "organisation":
            return part_path(resource, row["organisation_id"], None)
        if resource in PART_DATE:
            return part_path(resource, row["organisation_id"], row.get(PART_DATE[resource]) or None)
        meeting = row if resource == "meetings" else self.tables["meetings"][row["meeting_id"]]
        return part_path(resource, self.organisation(meeting["committee_id"]), meeting["date"])

    def parts(self, resource: str, rows: Iterable[Row]) -> dict[str, dict[str, Row]]:
        grouped: dict[str, dict[str, Row]] = {}
        for row in rows:
            grouped.setdefault(self.part(resource, row), {})[row_key(resource, row)] = row
        return grouped


def read_part(package_dir: Path, resource: str, part: str, into: dict[str, Row]) -> None:
    names = columns(resource)
    with (package_dir / part).open(encoding="utf-8", newline="") as handle:
        for row in csv_dicts(handle):
            clean = {name: row.get(name) or "" for name in names}
            into[row_key(resource, clean)] = clean


def read_table(package_dir: Path, resource: str, organisations: Iterable[str] | None = None) -> dict[str, Row]:
    """The rows of one resource of an existing package (of ``organisations`` only, when given; a
    resource without parts gives an empty table)."""
    table: dict[str, Row] = {}
    for part in part_files(package_dir, resource, organisations):
        read_part(package_dir, resource, part, table)
    return table


def csv_header_matches(package_dir: Path, resource: str, organisations: Iterable[str] | None = None) -> bool:
    """Whether every part of the resource has the schema's columns (False when there is none)."""
    parts = part_files(package_dir, resource, organisations)
    for part in parts:
        try:
            with (package_dir / part).open(encoding="utf-8", newline="") as handle:
                if next(csv_reader(handle), None) != columns(resource):
                    return False
        except OSError:
            return False
    return bool(parts)


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

    def covers(self, resource: str, part: str) -> bool:
        """Whether the rows of ``part`` are all in this resource's table."""
        return True

    def texts_held(self) -> set[str] | None:
        """The document texts (paths relative to the package) these tables account for; None: every
        text of their organisations."""
        return None

    def outside(self, resource: str, organisation: str) -> list[Row]:
        """Rows of the organisation's parts of ``resource`` that the table does not hold."""
        return []


class YearTables(LazyTables):
    """The tables of some organisations, in which the records of meetings (the resources of
    ``of_meetings``) are read only for the years asked for with ``want``: a run reads the years of
    the meetings it touches, not each organisation's whole archive. A record refers only to rows of
    its own meeting, so the rows held are closed under the package's references."""

    def __init__(self, package_dir: Path, organisations: Iterable[str]):
        self.package_dir, self.organisations = package_dir, sorted(set(organisations))
        self.years: dict[str, set[str]] = {}
        super().__init__(self._read)

    def _parts(self, resource: str, organisation: str, years: set[str]) -> list[str]:
        return [p for p in part_files(self.package_dir, resource, [organisation]) if part_year(p) in years]

    def _read(self, resource: str) -> dict[str, Row]:
        if not of_meetings(resource):
            return read_table(self.package_dir, resource, self.organisations)
        table: dict[str, Row] = {}
        for organisation, years in sorted(self.years.items()):
            for part in self._parts(resource, organisation, years):
                read_part(self.package_dir, resource, part, table)
        return table

    def want(self, organisation: str, day: str | date | None) -> None:
        """Hold the records of the organisation's meetings of the year of ``day`` (a date or
        YYYY-MM-DD; None: the undated ones), also in the tables read already."""
        year = str(day)[:4] if day else UNDATED
        wanted = self.years.setdefault(organisation, set())
        if organisation not in self.organisations or year in wanted:
            return
        wanted.add(year)
        for resource in self.loaded():
            if of_meetings(resource):
                for part in self._parts(resource, organisation, {year}):
                    read_part(self.package_dir, resource, part, self._tables[resource])

    def covers(self, resource: str, part: str) -> bool:
        organisation = part_organisation(part)
        if organisation not in self.organisations:
            return False
        return not of_meetings(resource) or part_year(part) in self.years.get(organisation, ())

    def texts_held(self) -> set[str] | None:
        return {row["text_path"] for row in self["documents"].values() if row["text_path"]}

    def outside(self, resource: str, organisation: str) -> list[Row]:
        if not of_meetings(resource) or organisation not in self.organisations:
            return []
        rows: dict[str, Row] = {}
        for part in part_files(self.package_dir, resource, [organisation]):
            if not self.covers(resource, part):
                read_part(self.package_dir, resource, part, rows)
        return list(rows.values())


class KeyIndex:
    """Keys of a table's rows grouped by the value of one field, built when first asked for."""

    def __init__(self, tables: Mapping[str, dict[str, Row]], resource: str, by: str):
        self._tables, self._resource, self._by = tables, resource, by
        self._index: dict[str, set[str]] | None = None
        self._size = 0

    def keys(self, value: str) -> set[str]:
        table = self._tables[self._resource]
        if self._index is None or self._size != len(table):  # a table of YearTables grows as years are wanted
            self._index, self._size = {}, len(table)
            for key, row in table.items():
                self._index.setdefault(row[self._by], set()).add(key)
        return self._index.get(value, set())


def open_tables(package_dir: Path, organisations: Iterable[str] | None = None) -> LazyTables:
    """The package's tables (of ``organisations`` only, when given), each read from its parts when
    first used."""
    scope = None if organisations is None else sorted(set(organisations))
    return LazyTables(lambda resource: read_table(package_dir, resource, scope))


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


def descriptor(info: PackageInfo, parts: Mapping[str, list[str]] | None = None) -> dict:
    """The package's ``datapackage.json``: each resource with its parts (``parts``), or with the
    one header-only part of a resource without rows."""
    resources_ = []
    for resource in resources():
        schema = load_schema(resource)
        resources_.append({
            "name": resource,
            "title": schema.get("title", resource),
            "description": schema.get("description", ""),
            "path": list((parts or {}).get(resource) or [f"data/{resource}/{EMPTY_PART}"]),
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
                  base: Path | None = None) -> dict[str, list[str]]:
    """Write a complete package into ``target`` (which must not exist yet or is replaced); returns
    the parts written, per resource.

    ``tables`` holds every row of the resources to write; each row goes to its part
    (``Partitioner``). With ``base`` (the package as it is), the parts of every other resource, and
    a text given as None, are taken from ``base`` unchanged (hard-linked where the file system
    allows). A run that changes an existing package writes only what changed (``stage_changes``)."""
    if target.exists():
        shutil.rmtree(target)
    (target / "data").mkdir(parents=True)
    partitioner = Partitioner(tables)
    written: dict[str, list[str]] = {}
    for resource in resources():
        if resource not in tables:
            for part in (p for p in part_files(base, resource) if p != legacy_path(resource)):
                _link_or_copy(base / part, target / part)
            continue
        for part, rows in sorted(partitioner.parts(resource, tables[resource].values()).items()):
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            write_csv(target / part, resource, rows)
            written.setdefault(resource, []).append(part)
    _write_texts(target, texts, base)
    _write_descriptor(target, info)
    return written


@dataclass
class PackageChange:
    """What a run changes in an existing package: the files written into ``staged`` (paths
    relative to the package, the new descriptor among them) and the files to remove."""

    staged: Path
    written: dict[str, list[str]]  # resource -> parts written
    files: list[str]  # every file written: parts, texts, the descriptor
    removed: list[str]


def stage_changes(staged: Path, tables: Tables, texts: Mapping[str, str | None], info: PackageInfo, *, base: Path,
                  lookup: Mapping[str, dict[str, Row]], dirty: Mapping[str, set[str]],
                  scope: Iterable[str] | None = None, covers: Callable[[str, str], bool] | None = None,
                  texts_held: set[str] | None = None) -> PackageChange:
    """The files of ``write_package`` that differ from ``base``, written into ``staged`` (which is
    replaced), and the files of ``base`` that the package no longer has: a run touches as many
    files as it changed, not every file of the package. Rows, parts, texts and descriptor are
    those ``write_package`` writes for the same arguments; ``apply_changes`` puts them in place.
    ``covers`` and ``texts_held`` (``LazyTables.covers``, ``.texts_held``) say which parts and texts
    of ``base`` the tables account for; the others stay as they are."""
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir(parents=True)
    partitioner = Partitioner(lookup)
    wanted = None if scope is None else set(scope)
    written: dict[str, list[str]] = {}
    removed: list[str] = []
    present: dict[str, list[str]] = {}
    for resource in resources():
        in_base = [p for p in part_files(base, resource) if p != legacy_path(resource)]
        if resource not in tables:
            present[resource] = in_base
            continue
        only = dirty.get(resource)
        parts = partitioner.parts(resource, tables[resource].values())
        held = {p for p in in_base if (wanted is None or part_organisation(p) in wanted) and (not covers or covers(resource, p))}
        removed += [p for p in held if p not in parts]
        kept = [p for p in in_base if p not in held or p in parts]
        for part, rows in sorted(parts.items()):
            if only is None or part in only or part not in in_base:
                (staged / part).parent.mkdir(parents=True, exist_ok=True)
                write_csv(staged / part, resource, rows)
                written.setdefault(resource, []).append(part)
        present[resource] = sorted(set(kept) | set(written.get(resource, [])))
    new_texts = {rel: text for rel, text in texts.items() if text is not None}
    _write_texts(staged, new_texts, None)
    empty = _write_descriptor(staged, info, present)
    removed += [f"data/{r}/{EMPTY_PART}" for r, parts in present.items() if parts and (base / "data" / r / EMPTY_PART).is_file()]
    removed += [rel for rel in (_texts_in(base, wanted) if texts_held is None else texts_held) if rel not in texts]
    files = [p for parts in written.values() for p in parts] + empty + list(new_texts) + ["datapackage.json"]
    return PackageChange(staged, written, files, sorted(set(removed)))


def _texts_in(base: Path, organisations: set[str] | None) -> list[str]:
    """The text files of ``base`` (of ``organisations`` only, when given), relative to it."""
    folder = base / TEXT_DIR
    if not folder.is_dir():
        return []
    found = []
    for sub in sorted(folder.iterdir()):
        if organisations is None or sub.name in organisations:
            found += [str(p.relative_to(base)) for p in (sub.rglob("*.txt") if sub.is_dir() else [sub])]
    return found


def apply_changes(change: PackageChange, package_dir: Path) -> None:
    """Move the staged files into the package and remove the files it no longer has. A crash in
    between leaves files of both versions; the caller marks the change (``RepoState.begin_changes``)
    so that the next run puts the package back to its last commit first."""
    for rel in change.files:
        target = package_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(change.staged / rel, target)
    for rel in change.removed:
        path = package_dir / rel
        path.unlink(missing_ok=True)
        for parent in path.parents:
            if parent == package_dir or not parent.is_relative_to(package_dir) or any(parent.iterdir()):
                break
            parent.rmdir()
    shutil.rmtree(change.staged, ignore_errors=True)


def _write_texts(target: Path, texts: Mapping[str, str | None], base: Path | None) -> None:
    """The texts given (None: the file in ``base``)."""
    for rel, text in texts.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            if base is None:
                raise ValueError(f"no text for {rel} and no package to take it from")
            _link_or_copy(base / rel, path)
        else:
            path.write_bytes(text.encode("utf-8"))


def _write_descriptor(target: Path, info: PackageInfo, parts: Mapping[str, list[str]] | None = None) -> list[str]:
    """``datapackage.json`` listing ``parts`` (by default the parts present in ``target``), and a
    header-only part for a resource without any; returns the header-only parts written."""
    parts = {r: part_files(target, r) for r in resources()} if parts is None else parts
    empty = []
    for resource in resources():
        if not parts.get(resource):
            empty.append(f"data/{resource}/{EMPTY_PART}")
            (target / empty[-1]).parent.mkdir(parents=True, exist_ok=True)
            (target / empty[-1]).write_bytes(csv_bytes(resource, {}))
    (target / "datapackage.json").write_text(
        json.dumps(descriptor(info, parts), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return empty


def sources_from(organisations: Mapping[str, Row], portals: Mapping[str, str] | None = None,
                 before: list[dict] | None = None) -> list[dict]:
    """The descriptor's sources: one per portal URL, named after its organisation (``portals``:
    more portal URLs and names, e.g. from the config; ``before``: the sources the package had)."""
    titles = {s["path"]: s["title"] for s in before or [] if isinstance(s, dict) and "path" in s and "title" in s}
    names = {r["portal_url"]: r["name"] for r in organisations.values()}
    names.update(portals or {})
    titles.update({url: f"{name}: Meetings Plus" for url, name in names.items()})
    return [{"title": titles[url], "path": url} for url in sorted(titles)]


def descriptor_sources(package_dir: Path) -> list[dict]:
    """The sources a package's descriptor lists (none when it cannot be read)."""
    try:
        found = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return found.get("sources", []) if isinstance(found, dict) else []


def regenerate_descriptor(package_dir: Path, parser_version: int | None = None) -> None:
    """Write ``datapackage.json`` again from the parts present (after parts came from elsewhere,
    e.g. another shard's commit: a conflicted descriptor is simply replaced, with the parser
    version of this code)."""
    from .documents import PARSER_VERSION

    version = parser_version
    if version is None:
        try:
            version = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8")).get("parser_version")
        except (OSError, ValueError, AttributeError):
            version = PARSER_VERSION
    info = PackageInfo(sources=sources_from(read_table(package_dir, "organisations")), parser_version=version)
    for resource in resources():
        real = part_files(package_dir, resource)
        empty = package_dir / "data" / resource / EMPTY_PART
        if real and empty.exists():
            empty.unlink()
    _write_descriptor(package_dir, info)


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
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
