"""Shared fixtures: an in-memory store and an in-process CLI runner."""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cibwatch import Store

DATA = Path(__file__).parent / "data"


@pytest.fixture
def store():
    s = Store.memory()
    yield s
    s.close()


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, env: dict[str, str] | None = None) -> CliResult:
    """Run ``cibwatch ARGS`` in-process through the real entry point."""
    from cibwatch.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_argv = sys.argv
    sys.argv = ["cibwatch", *args]
    code = 0
    with contextlib.ExitStack() as stack:
        if env:
            mp = stack.enter_context(pytest.MonkeyPatch.context())
            for k, v in env.items():
                mp.setenv(k, v)
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        import importlib

        app_mod = importlib.import_module("cibwatch.cli.app")

        # Rich consoles bind to the streams at creation; point them at ours.
        app_mod.console.file = out
        app_mod.err_console.file = err
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.argv = old_argv
            app_mod.console.file = sys.__stdout__
            app_mod.err_console.file = sys.__stderr__
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli
