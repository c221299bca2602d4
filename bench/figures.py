"""What every part of the benchmark shares: the figure record, the machine, stage timers, sizes on disk."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

PACKAGES = ("pypdfium2", "pypdf", "pdfminer.six", "pdfplumber", "reportlab", "frictionless", "datasette", "sqlite-utils",
            "GitPython", "git-history", "httpx", "selectolax")


@dataclass
class Figure:
    """One measured ratio: ``ratio`` = ``numerator`` / ``denominator``, both measured in the same run."""

    name: str
    ratio: float | None
    goal: str
    met: bool | None
    inputs: dict[str, Any]
    command: str
    scale: int | str | None = None
    numerator: dict[str, Any] = field(default_factory=dict)
    denominator: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # further ratios of the same measurement

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ratio": self.ratio, "goal": self.goal, "met": self.met, **self.extra,
                "inputs": self.inputs, "command": self.command, "scale": self.scale, "numerator": self.numerator,
                "denominator": self.denominator, "checks": self.checks, "note": self.note}

    def line(self) -> str:
        label = self.name + (f"@{self.scale}" if self.scale not in (None, "") else "")
        ratio = "n/a" if self.ratio is None else f"{self.ratio:.4g}"
        verdict = {True: "MET", False: "MISSED", None: "n/a"}[self.met]
        parts = [f"{label}: ratio {ratio} (goal {self.goal}: {verdict})"
                 + "".join(f", {k} {_short(v)}" for k, v in self.extra.items())]
        if self.numerator or self.denominator:
            parts.append(f"{_brief(self.numerator)} / {_brief(self.denominator)}")
        if self.checks:
            parts.append("checks " + ", ".join(f"{k}={v}" for k, v in self.checks.items()))
        parts.append("inputs " + ", ".join(f"{k}={_short(v)}" for k, v in self.inputs.items()))
        if self.note:
            parts.append(self.note)
        parts.append(f"$ {self.command}")
        return " | ".join(parts)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    return str(value)


def _brief(values: dict[str, Any]) -> str:
    return "[" + ", ".join(f"{k} {_short(v)}" for k, v in values.items()) + "]"


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    import sqlite3

    try:
        git = subprocess.run(["git", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        git = None
    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gib": ram, "os": platform.platform(),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "git": git, "packages": versions,
    }


class Stages:
    """Wall seconds spent in named functions while a block runs (the functions are wrapped, then restored).

    Calls in other threads are counted too (summed, so such a stage can exceed the wall time)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def add(self, name: str, seconds: float, calls: int = 1) -> None:
        with self._lock:
            self.seconds[name] += seconds
            self.calls[name] += calls

    def wrap(self, name: str | Callable[..., str], function: Callable) -> Callable:
        """``function`` timed as stage ``name`` (or as the stage ``name(*args, **kwargs)`` names)."""
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(name(*args, **kwargs) if callable(name) else name, time.perf_counter() - started)

        timed.__wrapped__ = function  # type: ignore[attr-defined]
        return timed

    @contextlib.contextmanager
    def patched(self, targets: list[tuple[object, str, Any]]) -> Iterator["Stages"]:
        """Wrap ``getattr(owner, attribute)`` as stage ``name`` for each (owner, attribute, name)."""
        saved = []
        try:
            for owner, attribute, name in targets:
                original = getattr(owner, attribute)
                saved.append((owner, attribute, original))
                setattr(owner, attribute, self.wrap(name, original))
            yield self
        finally:
            for owner, attribute, original in reversed(saved):
                setattr(owner, attribute, original)

    def as_dict(self, total: float | None = None, inner: Iterable[str] = ()) -> dict[str, float]:
        """Seconds by stage, largest first; with ``total``, ``other`` is what no outer stage covers
        (stages named in ``inner`` run inside another stage and are not subtracted again)."""
        out = {name: round(seconds, 4) for name, seconds in sorted(self.seconds.items(), key=lambda kv: -kv[1])}
        if total is not None:
            inner = set(inner)
            outer = sum(seconds for name, seconds in self.seconds.items() if name not in inner)
            out["other"] = round(max(0.0, total - outer), 4)
        return out


def tree_bytes(path: Path) -> int:
    """Bytes in the files below ``path`` (apparent sizes)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def timed(function: Callable, *args, **kwargs) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def run_command(args: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    """Wall seconds of a whole process (start-up included) and its result."""
    started = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, result


def venv_tool(name: str) -> str | None:
    """The path of a console script installed next to this Python (the project's venv), if any."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else None
