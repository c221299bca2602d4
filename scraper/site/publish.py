"""Downloads and releases: the data package as a zip and as one JSON file, dated releases as git tags.

The zip (``meetings-datapackage.zip``) holds ``datapackage.json``, ``data/*.csv`` and
``text/**.txt`` exactly as in the data repository, in sorted order, with fixed timestamps and
permissions: the same package gives the same bytes. ``meetings.json`` holds the descriptor, every
row with typed values and every text. A release (``--release``) is the git tag
``data-YYYY-MM-DD`` on the data repository's HEAD, made when HEAD moved since the last such tag,
plus a copy of the zip named after it.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import vcs
from ..errors import MeetingsError
from ..package import PACKAGE_DIR, csv_dicts, typed

ZIP_NAME = "meetings-datapackage.zip"
JSON_NAME = "meetings.json"
CATALOG_NAME = "catalog.rdf"
TAG_PREFIX = "data-"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
TAG_RE = re.compile(r"^data-(\d{4}-\d{2}-\d{2})$")


class PublishError(MeetingsError):
    """The package cannot be published as asked."""


@dataclass
class PublishResult:
    out: Path
    files: dict[str, Path] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    tag: str | None = None
    tag_created: bool = False
    release_note: str | None = None
    head: str | None = None


def package_files(package_dir: Path) -> list[Path]:
    """The files of the package, sorted: datapackage.json, the resources' data and the texts."""
    if not (package_dir / "datapackage.json").is_file():
        raise PublishError(f"{package_dir / 'datapackage.json'} does not exist: run `meetings scrape` first")
    files = [p for p in package_dir.rglob("*") if p.is_file()
             and not any(part.startswith(".") for part in p.relative_to(package_dir).parts)]
    return sorted(files, key=lambda p: p.relative_to(package_dir).as_posix())


def zip_bytes(package_dir: Path) -> bytes:
    """The package as a zip; the same files give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in package_files(package_dir):
            info = zipfile.ZipInfo(path.relative_to(package_dir).as_posix(), date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (0o100644 << 16)
            archive.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def json_export(package_dir: Path) -> dict:
    """The package as one object: the descriptor, each resource's rows (typed) and the texts."""
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    data = {}
    for resource in descriptor.get("resources", []):
        types = {f["name"]: f.get("type", "string") for f in resource["schema"]["fields"]}
        rows = []
        for path in resource["path"] if isinstance(resource["path"], list) else [resource["path"]]:
            if (package_dir / path).is_file():
                with (package_dir / path).open(encoding="utf-8", newline="") as handle:
                    for row in csv_dicts(handle):
                        rows.append({k: typed(v or "", types.get(k, "string")) for k, v in row.items() if k in types})
        data[resource["name"]] = rows
    texts = {}
    for path in package_files(package_dir):
        rel = path.relative_to(package_dir).as_posix()
        if rel.startswith("text/"):
            texts[rel] = path.read_text(encoding="utf-8")
    return {"datapackage": descriptor, "data": data, "texts": texts}


def json_bytes(package_dir: Path) -> bytes:
    return (json.dumps(json_export(package_dir), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write ``content`` atomically, leaving the file (and its time) alone when it is already so."""
    if path.is_file() and path.read_bytes() == content:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
    return True


# ---------------------------------------------------------------- releases


def make_release(repo_path: Path, today: date) -> tuple[str | None, bool, str]:
    """Tag HEAD as data-<today> when it changed since the last release tag.

    Returns (the tag that HEAD carries or None, whether it was created now, a sentence on what happened)."""
    if not vcs.is_repo(repo_path):
        raise PublishError(f"{repo_path} is not a git repository: a release is a tag in the data repository")
    repo = vcs.existing_repo(repo_path)
    head = vcs.head_sha(repo)
    if head is None:
        raise PublishError(f"{repo_path} has no commits yet: nothing to release")
    if vcs.package_changes(repo):
        raise PublishError(f"{repo_path / PACKAGE_DIR} has uncommitted changes: commit them (meetings scrape does) before a release")
    tags = vcs.release_tags(repo, TAG_RE)
    name = f"{TAG_PREFIX}{today.isoformat()}"
    existing = dict(tags)
    if tags and tags[-1][1] == head:
        return tags[-1][0], False, f"HEAD {head[:10]} is already released as {tags[-1][0]}"
    if name in existing:
        return None, False, (f"{name} exists and points at {existing[name][:10]}, not HEAD {head[:10]}: "
                             "one release per day, the next one tomorrow")
    if tags and sorted([tags[-1][0], name])[-1] != name:
        return None, False, f"the latest release {tags[-1][0]} is newer than {today.isoformat()}"
    previous = tags[-1][0] if tags else None
    count = vcs.count_commits(repo, existing[previous] if previous else None, head)
    plural = "s" if count != 1 else ""
    message = (f"Data release {today.isoformat()}\n\n"
               + (f"{count} commit{plural} since {previous}." if previous else f"First release ({count} commit{plural})."))
    vcs.tag(repo, name, message, head)
    return name, True, f"tagged {head[:10]} as {name}" + (f" ({count} commits since {previous})" if previous else "")


# ---------------------------------------------------------------- publish


def publish(repo_path: Path, out: Path, *, release: bool = False, today: date | None = None,
            catalog_options: dict | None = None) -> PublishResult:
    """Write the downloads of the package in ``repo_path`` into ``out`` (and tag a release)."""
    from .catalog import CatalogOptions, catalog_bytes

    package_dir = Path(repo_path) / PACKAGE_DIR
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = PublishResult(out)
    tag = None
    if release:
        tag, result.tag_created, result.release_note = make_release(Path(repo_path), today or date.today())
        result.tag = tag
    archive = zip_bytes(package_dir)
    outputs = {ZIP_NAME: archive, JSON_NAME: json_bytes(package_dir)}
    if tag:
        outputs[f"meetings-datapackage-{tag.removeprefix(TAG_PREFIX)}.zip"] = archive
    options = CatalogOptions(**(catalog_options or {}))
    outputs[CATALOG_NAME] = catalog_bytes(package_dir, options, repo_path=Path(repo_path), releases=_releases(out, outputs),
                                          sizes={"zip": len(archive), "json": len(outputs[JSON_NAME])})
    for name, content in outputs.items():
        path = out / name
        if write_if_changed(path, content):
            result.written.append(name)
        result.files[name] = path
    return result


def _releases(out: Path, outputs: dict[str, bytes]) -> list[str]:
    names = {p.name for p in out.glob("meetings-datapackage-*.zip")} | {n for n in outputs if n.startswith("meetings-datapackage-")}
    return sorted(names, reverse=True)
