"""Frictionless validation: of records before they are written, and of the whole package after.

Both return reports (never raise on invalid data): a list of problems, each with the resource,
row key or row number, field, error type and a note, so the CLI and the run report can print them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from collections.abc import Mapping

from .package import LazyTables, Row, columns, load_schema, resources, row_key


@dataclass(frozen=True)
class Problem:
    resource: str
    row: str  # primary key of the record, or the CSV row number for whole-package checks
    field: str | None
    type: str
    note: str
    url: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.resource} {self.row}" + (f" field {self.field}" if self.field else "")
        source = f" (source: {self.url})" if self.url else ""
        return f"{where}: {self.type}: {self.note}{source}"


@dataclass
class ValidationReport:
    valid: bool
    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"valid": self.valid, "stats": self.stats, "problems": [p.as_dict() for p in self.problems]}


def _row_schema(resource: str):
    from frictionless import Schema

    descriptor = {k: v for k, v in load_schema(resource).items() if k not in ("foreignKeys", "title", "description")}
    return Schema.from_descriptor(descriptor)


def validate_rows(resource: str, rows: list[Row], urls: list[str | None] | None = None) -> tuple[list[Row], list[Problem]]:
    """Check rows against the resource's schema (types, required, enums, patterns, unique keys).
    Returns the valid rows and a problem per invalid row."""
    if not rows:
        return [], []
    from frictionless import Resource

    names = columns(resource)
    data = [names] + [[row[n] for n in names] for row in rows]
    report = Resource(data=data, schema=_row_schema(resource)).validate(limit_errors=100_000)
    bad: dict[int, list] = {}
    for task in report.tasks:
        for error in task.errors:
            number = getattr(error, "row_number", None)
            if number is None:
                raise ValueError(f"schema problem in {resource}: {error.message}")
            bad.setdefault(number - 2, []).append(error)
    problems = []
    for index, errors in sorted(bad.items()):
        row = rows[index]
        for error in errors:
            problems.append(Problem(
                resource=resource,
                row=row_key(resource, row).replace("\x1f", " "),
                field=getattr(error, "field_name", None),
                type=error.type,
                note=error.note,
                url=(urls[index] if urls else None) or row.get("url") or None,
            ))
    valid = [row for index, row in enumerate(rows) if index not in bad]
    return valid, problems


def validate_changes(old: Mapping[str, dict[str, Row]], new: LazyTables,
                     sources: Mapping[str, Mapping[str, str | None]]) -> list[Problem]:
    """Validate the rows a run made (one Frictionless call per resource) and the references that can
    have broken. An invalid row never enters the package: the version already published is kept, or
    the row is left out, and so are rows that pointed to it."""
    problems: list[Problem] = []
    for resource, urls in sources.items():
        table, before = new[resource], old[resource]
        keys = [k for k in urls if k in table and table[k] is not before.get(k)]
        _, found = validate_rows(resource, [table[k] for k in keys], [urls[k] for k in keys])
        bad = {p.row for p in found}
        problems.extend(found)
        for key in keys:
            if key.replace("\x1f", " ") in bad:
                if key in before:
                    table[key] = before[key]
                else:
                    del table[key]
    problems.extend(drop_orphans(new, old))
    return problems


def _foreign_keys(resource: str) -> list[tuple[list[str], str, list[str]]]:
    out = []
    for fk in load_schema(resource).get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref_fields = fk["reference"]["fields"]
        out.append((fields, fk["reference"]["resource"], ref_fields if isinstance(ref_fields, list) else [ref_fields]))
    return out


def check_references(tables: Mapping[str, dict[str, Row]], before: Mapping[str, dict[str, Row]] | None = None) -> list[Problem]:
    """Foreign keys between in-memory tables, as the schemas declare them.

    With ``before`` (the tables as they were, all references intact) and ``tables`` a
    ``LazyTables`` copy of them, only what can have broken is checked: every row pointing into a
    table that lost rows, and rows that are new or changed (not the very row object of
    ``before``). Tables never used stay unread."""
    loaded = set(tables.loaded()) if before is not None and isinstance(tables, LazyTables) else None
    problems = []
    for resource in resources():
        for fields, target, ref_fields in _foreign_keys(resource):
            if loaded is None:
                rows = list(tables.get(resource, {}).items())
            else:
                target_lost = target in loaded and bool(before[target].keys() - tables[target].keys())
                if target_lost:
                    rows = list(tables[resource].items())
                elif resource in loaded:
                    old = before[resource]
                    rows = [(k, r) for k, r in tables[resource].items() if old.get(k) is not r]
                else:
                    continue
                if not rows:
                    continue
            known = {tuple(r[f] for f in ref_fields) for r in tables.get(target, {}).values()}
            for key, row in rows:
                value = tuple(row[f] for f in fields)
                if all(v == "" for v in value):
                    continue
                if value not in known:
                    problems.append(Problem(resource, key.replace("\x1f", " "), ",".join(fields), "foreign-key-error",
                                            f"{'/'.join(value)} is not a {target} record", row.get("url") or None))
    return problems


def drop_orphans(tables: Mapping[str, dict[str, Row]], before: Mapping[str, dict[str, Row]] | None = None) -> list[Problem]:
    """Remove rows whose foreign keys point nowhere (children of invalid or missing parents).
    ``before``: see ``check_references``."""
    dropped: list[Problem] = []
    while True:
        problems = check_references(tables, before)
        if not problems:
            return dropped
        for problem in problems:
            table = tables[problem.resource]
            for key in [k for k in table if k.replace("\x1f", " ") == problem.row]:
                del table[key]
        dropped.extend(problems)


def _restricted(descriptor: dict, parts: Mapping[str, list[str]]) -> dict:
    """The descriptor with each resource's path cut down to ``parts`` (resources without any left out)."""
    kept = []
    for resource in descriptor.get("resources", []):
        chosen = parts.get(resource["name"])
        if chosen:
            kept.append({**resource, "path": list(chosen)})
    return {**descriptor, "resources": kept}


def validate_package(package_dir: Path, only: Mapping[str, list[str]] | list[str] | None = None, *,
                     organisation: str | None = None) -> ValidationReport:
    """Validate a package directory with Frictionless.

    - By default: the descriptor, and the data of every resource (schemas, keys, foreign keys).
    - ``organisation``: the same for that organisation's parts only (its references stay within it).
    - ``only``: just those resources (names) or parts (resource -> part paths) against their
      schemas: types, constraints, unique keys; foreign keys are the caller's (a run checks them
      in memory with ``drop_orphans``)."""
    import json

    from frictionless import Package, Report

    from .package import part_files, resources

    descriptor_path = package_dir / "datapackage.json"
    if not descriptor_path.exists():
        return ValidationReport(False, [Problem("datapackage", "-", None, "package-error", f"{descriptor_path} does not exist")])
    try:
        found = json.loads(descriptor_path.read_text(encoding="utf-8"))
        if organisation is not None:
            found = _restricted(found, {r: part_files(package_dir, r, [organisation]) for r in resources()})
        if isinstance(only, Mapping):
            found = _restricted(found, only)
        package = Package(found, basepath=str(package_dir))
        if only is None:
            report = package.validate()
        else:
            reports = []
            for resource in package.resources:
                if isinstance(only, Mapping) or resource.name in only:
                    resource.schema.foreign_keys = []
                    reports.append(resource.validate())
            report = Report.from_validation_reports(time=0, reports=reports)
    except Exception as exc:  # frictionless raises its own FrictionlessException on broken descriptors
        return ValidationReport(False, [Problem("datapackage", "-", None, "package-error", str(exc))])
    return _report(report)


def _report(report) -> ValidationReport:
    problems = []
    stats = {}
    for task in report.tasks:
        name = task.name or task.place
        stats[name] = task.stats.get("rows", 0) if isinstance(task.stats, dict) else getattr(task.stats, "rows", 0)
        for error in task.errors:
            problems.append(Problem(name, str(getattr(error, "row_number", "-")), getattr(error, "field_name", None), error.type, error.note))
    for error in report.errors:
        problems.append(Problem("datapackage", "-", None, error.type, error.note))
    return ValidationReport(report.valid, problems, stats)
