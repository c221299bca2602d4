"""docs/cli.md: the reference of the ``meetings`` command, generated from its ``--help``.

    python -m scraper.site.clidoc            # rewrite docs/cli.md
    python -m scraper.site.clidoc --check    # exit 1 if docs/cli.md is out of date

The help texts are rendered at a fixed width, so the file does not depend on the terminal.
"""

from __future__ import annotations

import sys

import click
from click.testing import CliRunner

from ..config import PROJECT_ROOT

DOC_PATH = PROJECT_ROOT / "docs" / "cli.md"
WIDTH = 100
HEADER = """# `meetings` command reference

Generated from `meetings --help` and the `--help` of each command by
`python -m scraper.site.clidoc`; do not edit by hand (a test fails when this file is out of date).
"""


def _help(args: list[str]) -> str:
    from ..cli import cli

    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="meetings", terminal_width=WIDTH,
                                max_content_width=WIDTH)
    if result.exit_code != 0:
        raise RuntimeError(f"meetings {' '.join(args)} --help failed: {result.output}")
    return result.output.rstrip() + "\n"


def _commands(group: click.Group, prefix: list[str]) -> list[list[str]]:
    out = []
    ctx = click.Context(group, info_name="meetings")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or getattr(command, "hidden", False):
            continue
        out.append(prefix + [name])
        if isinstance(command, click.Group):
            out += _commands(command, prefix + [name])
    return out


def render() -> str:
    from ..cli import cli

    commands = _commands(cli, [])
    parts = [HEADER, "## Commands\n"]
    for args in commands:
        summary = cli.get_command(click.Context(cli), args[0]).get_short_help_str(limit=90) if len(args) == 1 else ""
        parts.append(f"- [`meetings {' '.join(args)}`](#meetings-{'-'.join(args)}): {summary}")
    parts.append("\n## `meetings`\n\n```text\n" + _help([]) + "```\n")
    for args in commands:
        parts.append(f"## `meetings {' '.join(args)}`\n\n```text\n{_help(args)}```\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        if current != text:
            print(f"{DOC_PATH} is out of date: run python -m scraper.site.clidoc", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {DOC_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
