"""The ``cibwatch`` command line: thin commands over the library.

Each area registers its commands on the shared :data:`app` in its own module;
:func:`main` imports them all.
"""

from __future__ import annotations

import importlib

from .app import app, run_app

_COMMAND_MODULES = (
    "store_cmds",
    "ingest_cmds",
    "detect_cmds",
    "text_cmds",
    "assess_cmds",
    "output_cmds",
    "simulate_cmds",
    "demo_cmds",
)


def load_commands() -> None:
    for name in _COMMAND_MODULES:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise


def main() -> None:
    from ..runtime import configure_process

    configure_process()  # memory reused, no waits for huge pages (see cibwatch.runtime)
    load_commands()
    run_app()


__all__ = ["app", "main", "load_commands"]
