"""Shared fixtures: the replica portals on loopback, a demo config pointing at them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scraper.config import parse_config
from scraper.demo import DEMO_CONFIG
from scraper.replica.server import start

TODAY = date(2026, 11, 25)
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The demo run once for the session (replica days 1-3 scraped, database built); read it, or copy
    its data repository before changing anything."""
    from scraper.demo import run_demo

    workdir = tmp_path_factory.mktemp("demo")
    result, running = run_demo(workdir, today=TODAY, say=lambda message: None)
    running.stop()
    return result


@pytest.fixture
def replica():
    with start(day=1, today=TODAY) as running:
        yield running


@pytest.fixture
def config_file(tmp_path: Path, replica) -> Path:
    path = tmp_path / "portals.toml"
    path.write_text(DEMO_CONFIG.format(**{pid: replica.url(pid) for pid in replica.servers}), encoding="utf-8")
    return path


@pytest.fixture
def portals(config_file: Path):
    return parse_config(config_file.read_text(encoding="utf-8"))
