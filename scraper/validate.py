"""Frictionless validation: of records before they are written, and of the whole package after.

Both return reports (never raise on invalid data): a list of problems, each with the resource,
row key or row number, field, error type and a note, so the CLI and the run report can print them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from .package import Row, Tables, columns, load_schema, resources, row_key


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


def check_references(tables: Tables) -> list[Problem]:
    """Foreign keys between in-memory tables, as the schemas declare them."""
    problems = []
    for resource in resources():
        for fk in load_schema(resource).get("foreignKeys", []):
            target = fk["reference"]["resource"]
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref_fields = fk["reference"]["fields"]
            ref_fields = ref_fields if isinstance(ref_fields, list) else [ref_fields]
            known = {tuple(r[f] for f in ref_fields) for r in tables.get(target, {}).values()}
            for key, row in tables.get(resource, {}).items():
                value = tuple(row[f] for f in fields)
                if all(v == "" for v in value):
                    continue
                if value not in known:
                    problems.append(Problem(resource, key.replace("\x1f", " "), ",".join(fields), "foreign-key-error",
                                            f"{'/'.join(value)} is not a {target} record", row.get("url") or None))
    return problems


def drop_orphans(tables: Tables) -> list[Problem]:
    """Remove rows whose foreign keys point nowhere (children of invalid or missing parents)."""
    dropped: list[Problem] = []
    while True:
        problems = check_references(tables)
        if not problems:
            return dropped
        for problem in problems:
            for key in list(tables[problem.resource]):
                if key.replace("\x1f", " ") == problem.row:
                    del tables[problem.resource][key]
        dropped.extend(problems)


def validate_package(package_dir: Path) -> ValidationReport:
    """Validate a package directory as a whole with Frictionless (schemas, keys, foreign keys)."""
    from frictionless import Package

    descriptor_path = package_dir / "datapackage.json"
    if not descriptor_path.exists():
        return ValidationReport(False, [Problem("datapackage", "-", None, "package-error", f"{descriptor_path} does not exist")])
    try:
        package = Package(str(descriptor_path))
        report = package.validate()
    except Exception as exc:  # frictionless raises its own FrictionlessException on broken descriptors
        return ValidationReport(False, [Problem("datapackage", "-", None, "package-error", str(exc))])
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
