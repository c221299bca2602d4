"""Finding the files of a package's parts in tests."""

from __future__ import annotations

from pathlib import Path

from scraper.package import PACKAGE_DIR, csv_dicts, part_files, primary_key


def part_of(repo: Path, resource: str, contains: str | None = None) -> Path:
    """The file of a resource's part: the one whose rows include the key ``contains`` (a substring
    of a row's key), else the first part with rows."""
    package = repo / PACKAGE_DIR
    key_field = primary_key(resource)[0]
    for part in part_files(package, resource):
        with (package / part).open(encoding="utf-8", newline="") as handle:
            keys = [row[key_field] for row in csv_dicts(handle)]
        if keys and (contains is None or any(contains in key for key in keys)):
            return package / part
    raise AssertionError(f"no part of {resource} holds {contains!r}")


def relative(repo: Path, path: Path) -> str:
    """A package file's path as git names it in the repository."""
    return str(path.relative_to(repo))
