"""Sharded runs: one job per portal (or group of portals) scrapes into its own clone, commits only
its organisation's parts and pushes with rebase and retry; shards never conflict except in
datapackage.json, which is written again from the parts present."""

from __future__ import annotations

import json
from pathlib import Path

import git
from click.testing import CliRunner

from scraper.cli import cli
from scraper.config import parse_config, shards
from scraper.package import PACKAGE_DIR, part_files, read_tables
from scraper.validate import validate_package

from .conftest import TODAY

EXAMPLE = Path(__file__).resolve().parents[1] / "portals.sweden.toml"


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_the_matrix_keeps_a_host_together(tmp_path):
    text = """
[[portal]]
id = "a"
organisation_id = "kommun-a"
organisation = "A kommun"
kind = "kommun"
base_url = "https://a.example"
committees = "all"

[[portal]]
id = "a2"
organisation_id = "kommun-a2"
organisation = "A2 kommun"
kind = "kommun"
base_url = "https://a.example/a2"
committees = "all"

[[portal]]
id = "b"
organisation_id = "kommun-b"
organisation = "B kommun"
kind = "kommun"
base_url = "https://b.example"
committees = "all"
"""
    portals = parse_config(text)
    assert [[p.id for p in g] for g in shards(portals)] == [["a", "a2"], ["b"]]
    assert [[p.id for p in g] for g in shards(portals, per_job=3)] == [["a", "a2", "b"]]
    config = tmp_path / "portals.toml"
    config.write_text(text, encoding="utf-8")
    matrix = json.loads(run("shards", "--config", str(config)).output)
    assert matrix == {"include": [{"shard": "a", "portals": "a,a2", "organisations": "kommun-a,kommun-a2"},
                                  {"shard": "b", "portals": "b", "organisations": "kommun-b"}]}


def test_the_example_config_of_known_portals_loads():
    portals = parse_config(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    assert len(portals) >= 10 and all(p.committees is None for p in portals)
    assert all("unverified" in (p.note or "") for p in portals if p.id != "vasterbotten")
    assert len({p.organisation_id for p in portals}) == len(portals)


def test_two_shards_push_to_one_repository(tmp_path, config_file, replica):
    origin = tmp_path / "origin.git"
    git.Repo.init(origin, bare=True, initial_branch="main")
    seed = tmp_path / "seed"
    scrape = ["--config", str(config_file), "--today", TODAY.isoformat(), "--delay", "0"]
    run("scrape", "--repo", str(seed), "--portal", "vasterbotten", *scrape)
    git.Repo(seed).create_remote("origin", str(origin)).push("HEAD:main")
    clones = {}
    for shard in ("vasterbotten", "norrbotten"):
        clones[shard] = tmp_path / shard
        git.Repo.clone_from(str(origin), clones[shard])
    # both shards scrape from the same starting point; norrbotten's is a new organisation for the package
    run("scrape", "--repo", str(clones["norrbotten"]), "--portal", "norrbotten", *scrape)
    # the other shard changes its organisation's portal URL, and so the descriptor's sources too
    localhost = replica.url("vasterbotten").replace("127.0.0.1", "localhost")
    run("scrape", "--repo", str(clones["vasterbotten"]), "--portal", "vasterbotten", *scrape, "--base-url", localhost)
    assert "after" not in run("push", "--repo", str(clones["vasterbotten"])).output
    assert "after 2 attempts" in run("push", "--repo", str(clones["norrbotten"])).output
    final = tmp_path / "final"
    git.Repo.clone_from(str(origin), final)
    package = final / PACKAGE_DIR
    assert validate_package(package).valid
    tables = read_tables(package)
    assert {r["organisation_id"] for r in tables["organisations"].values()} == {"region-vasterbotten", "region-norrbotten"}
    assert tables["organisations"]["region-vasterbotten"]["portal_url"] == localhost
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["name"]: r["path"] for r in descriptor["resources"]}
    assert paths["meetings"] == part_files(package, "meetings")
    assert {s["path"] for s in descriptor["sources"]} >= {p for p in (r["portal_url"] for r in tables["organisations"].values())}
    log = [c.message.splitlines()[0] for c in git.Repo(final).iter_commits()]
    assert len(log) >= 3


def test_a_conflict_in_the_descriptor_is_resolved_by_writing_it_again(tmp_path):
    from scraper import vcs

    origin = tmp_path / "origin.git"
    git.Repo.init(origin, bare=True, initial_branch="main")
    seed = git.Repo.init(tmp_path / "seed", initial_branch="main")
    descriptor = tmp_path / "seed" / PACKAGE_DIR / "datapackage.json"
    descriptor.parent.mkdir()
    descriptor.write_text('{\n  "sources": []\n}\n', encoding="utf-8")
    vcs.commit_package(seed, "start")
    seed.create_remote("origin", str(origin)).push("HEAD:main")
    clones = [git.Repo.clone_from(str(origin), tmp_path / name) for name in ("a", "b")]
    for clone, name in zip(clones, ("a", "b")):
        root = Path(clone.working_tree_dir) / PACKAGE_DIR
        (root / "datapackage.json").write_text(f'{{\n  "sources": ["{name}"]\n}}\n', encoding="utf-8")
        (root / "data" / name).mkdir(parents=True)
        (root / "data" / name / "part.csv").write_text("x\n", encoding="utf-8")
        vcs.commit_package(clone, f"shard {name}")
    assert vcs.push_with_rebase(clones[0], lambda: None, sleep=lambda s: None) == 1
    b_root = Path(clones[1].working_tree_dir) / PACKAGE_DIR

    def regenerate():
        parts = sorted(p.parent.name for p in (b_root / "data").glob("*/part.csv"))
        (b_root / "datapackage.json").write_text(json.dumps({"sources": parts}, indent=2) + "\n", encoding="utf-8")

    assert vcs.push_with_rebase(clones[1], regenerate, sleep=lambda s: None) == 2
    final = git.Repo.clone_from(str(origin), tmp_path / "final")
    root = Path(final.working_tree_dir) / PACKAGE_DIR
    assert json.loads((root / "datapackage.json").read_text(encoding="utf-8")) == {"sources": ["a", "b"]}
    assert (root / "data" / "a" / "part.csv").exists() and (root / "data" / "b" / "part.csv").exists()


def test_any_other_conflict_stops_the_push(tmp_path):
    import pytest

    from scraper import vcs
    from scraper.errors import RepoError

    origin = tmp_path / "origin.git"
    git.Repo.init(origin, bare=True, initial_branch="main")
    seed = git.Repo.init(tmp_path / "seed", initial_branch="main")
    part = tmp_path / "seed" / PACKAGE_DIR / "data" / "shared.csv"
    part.parent.mkdir(parents=True)
    part.write_text("x\n", encoding="utf-8")
    vcs.commit_package(seed, "start")
    seed.create_remote("origin", str(origin)).push("HEAD:main")
    clones = [git.Repo.clone_from(str(origin), tmp_path / name) for name in ("a", "b")]
    for clone, name in zip(clones, ("a", "b")):
        (Path(clone.working_tree_dir) / PACKAGE_DIR / "data" / "shared.csv").write_text(f"{name}\n", encoding="utf-8")
        vcs.commit_package(clone, f"shard {name}")
    vcs.push_with_rebase(clones[0], lambda: None, sleep=lambda s: None)
    with pytest.raises(RepoError, match="conflicts in datapackage/data/shared.csv"):
        vcs.push_with_rebase(clones[1], lambda: None, sleep=lambda s: None)
    assert not any((Path(clones[1].git_dir) / d).exists() for d in ("rebase-merge", "rebase-apply"))
