"""Typed errors raised by the cibwatch library.

Each error subclasses the built-in it refines, so callers can catch either.
The CLI turns them into one line that says the fix; no traceback is a user
interface.
"""

from __future__ import annotations

__all__ = [
    "CibwatchError",
    "ParameterError",
    "StoreError",
    "SchemaError",
    "UnknownFormatError",
    "MissingColumnError",
    "CorruptInputError",
    "NotFoundError",
    "NoRunError",
]


class CibwatchError(Exception):
    """Base class of every error cibwatch raises on purpose."""

    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    def user_message(self) -> str:
        msg = str(self)
        if self.hint:
            msg = f"{msg} {self.hint}"
        return msg


class ParameterError(CibwatchError, ValueError):
    """A parameter is outside its allowed range.

    The message names the parameter, the allowed values and the value received,
    in the style of scikit-learn's parameter validation.
    """

    def __init__(self, name: str, allowed: str, got: object, *, owner: str = "") -> None:
        where = f" of {owner}" if owner else ""
        super().__init__(f"The {name!r} parameter{where} must be {allowed}. Got {got!r}.")
        self.name = name
        self.allowed = allowed
        self.got = got


class StoreError(CibwatchError, RuntimeError):
    """The store cannot be opened or used."""


class SchemaError(StoreError):
    """The store's schema is newer than this cibwatch or cannot be migrated."""


class UnknownFormatError(CibwatchError, ValueError):
    """An input file's format could not be detected or is not supported."""


class MissingColumnError(CibwatchError, KeyError):
    """A required column is absent from an input table."""

    def __init__(self, column: str, found: list[str], *, path: str = "", hint: str | None = None) -> None:
        where = f" in {path}" if path else ""
        shown = ", ".join(found[:40]) + (" …" if len(found) > 40 else "")
        CibwatchError.__init__(
            self,
            f"column {column!r} not found{where}; columns are: {shown}.",
            hint=hint,
        )
        self.column = column
        self.found = found

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class CorruptInputError(CibwatchError, ValueError):
    """An input file cannot be read to its end: a damaged or cut-short compressed stream."""

    def __init__(self, path: str, cause: str, rows_kept: int) -> None:
        kept = (
            f"the {rows_kept:,} rows committed before the damage are kept and the file stays marked unfinished"
            if rows_kept
            else "nothing from it was stored"
        )
        super().__init__(
            f"{path} is damaged or cut short ({cause}); {kept}.",
            hint="Repair or download the file again and re-run `cibwatch ingest`: posts already stored are updated, never duplicated.",
        )
        self.path = path
        self.rows_kept = rows_kept


class NotFoundError(CibwatchError, LookupError):
    """An account, campaign, target or case id is not in the store."""


class NoRunError(NotFoundError):
    """A command needs a detection run and the store has none."""

    hint = "Run `cibwatch detect` first."
