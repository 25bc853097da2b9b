"""The shared Typer app, common options, and the error boundary."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console

from ..errors import CibwatchError
from ..store import Store

app = typer.Typer(
    name="cibwatch",
    help="Find coordinated inauthentic behaviour aimed at public figures, explain it, and produce the response.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

console = Console()
err_console = Console(stderr=True)

#: ``--db`` option shared by every command that touches the store.
DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", help="Store file (default: $CIBWATCH_DB or ./cibwatch.duckdb).", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def open_store(db: Optional[Path], *, read_only: bool = False) -> Store:
    """Open the store named by ``--db`` / ``$CIBWATCH_DB`` / the default."""
    return Store(str(db) if db is not None else None, read_only=read_only)


def print_json(obj: Any) -> None:
    """Write ``obj`` as JSON on stdout (no Rich markup, no wrapping)."""
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 1) -> None:
    err_console.print(f"Error: {message}", markup=False, highlight=False)
    raise typer.Exit(code)


def run_app() -> None:
    """Run the app; typed library errors become one readable line and exit code 1."""
    try:
        app(prog_name="cibwatch")  # standalone: usage errors, --help and exit codes are handled here
    except CibwatchError as exc:
        err_console.print(f"Error: {exc.user_message()}", markup=False, highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("Interrupted; the store keeps everything committed so far. Re-run to finish.")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("CIBWATCH_DEBUG"):
            raise
        err_console.print(
            f"Error: unexpected {type(exc).__name__}: {exc}. Set CIBWATCH_DEBUG=1 for the traceback.",
            markup=False,
            highlight=False,
        )
        sys.exit(2)


@app.callback()
def _root() -> None:
    """Find coordinated inauthentic behaviour aimed at public figures, explain it, and produce the response."""
