"""The shape of the code: no function in `scraper/` is longer than `MAX_FUNCTION_LINES`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_FUNCTION_LINES = 60
CHECKED = ["scraper"]


def long_functions(path: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """"file:line name (N lines)" for each function in `path` longer than `limit`, from its def line to its last line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    return found


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("folder", CHECKED)
def test_no_function_is_longer_than_the_limit(folder: str) -> None:
    files = python_files(folder)
    assert files, f"no Python files under {folder}"
    too_long = [entry for path in files for entry in long_functions(path)]
    assert not too_long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(too_long)


def test_a_long_function_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    body = "\n".join(f"    x{i} = {i}" for i in range(60))
    (tmp_path / "sample.py").write_text(
        f"def short():\n    return 1\n\n\ndef long():\n{body}\n    return x0\n", encoding="utf-8"
    )
    assert long_functions(tmp_path / "sample.py") == ["sample.py:5 long (62 lines)"]
    assert long_functions(tmp_path / "sample.py", limit=62) == []
