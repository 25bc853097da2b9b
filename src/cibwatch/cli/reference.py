"""Generate the CLI reference (docs/cli.md) from the commands' own ``--help``.

``python -m cibwatch.cli.reference > docs/cli.md`` rewrites it; a test fails
when the file and the commands disagree, so the docs cannot drift.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import typer


def _walk(cmd: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    yield path, cmd
    for name in sorted(getattr(cmd, "commands", {}) or {}):
        sub = cmd.commands[name]
        if getattr(sub, "hidden", False):
            continue
        yield from _walk(sub, [*path, name])


def command_paths() -> list[str]:
    """Every command as typed, e.g. ``"cibwatch targets import"``."""
    from . import app, load_commands

    load_commands()
    root = typer.main.get_command(app)
    return [" ".join(["cibwatch", *p]) for p, c in _walk(root, []) if p and not getattr(c, "commands", None)]


def render() -> str:
    from . import app, load_commands

    load_commands()
    root = typer.main.get_command(app)
    ctx_cls = type(root.make_context("cibwatch", ["--help"], resilient_parsing=True))
    lines = [
        "# cibwatch command reference",
        "",
        "Generated from each command's `--help` by `python -m cibwatch.cli.reference > docs/cli.md`.",
        "",
    ]
    for path, cmd in _walk(root, []):
        name = " ".join(["cibwatch", *path])
        parent = None
        ctx = ctx_cls(cmd, info_name=name, parent=parent, terminal_width=100, max_content_width=100)
        lines += [f"## `{name}`", "", "```", cmd.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())
