"""`cibwatch version` and store housekeeping."""

from __future__ import annotations

from .. import __version__
from .app import app, console


@app.command("version")
def version() -> None:
    """Print the cibwatch version."""
    console.print(f"cibwatch {__version__}", markup=False, highlight=False)
