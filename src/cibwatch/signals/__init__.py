"""Signals: small modules that turn stored posts into *traces*.

A trace is one row ``(account, object_key, kind, post_id, ts)``: "this account
acted on this object at this time". The coordination engine only sees traces,
so a new signal is one function registered here; the built-in signals register
the same way (see :func:`register`).

``account`` is the node key ``"platform:account_id"``; ``ts`` is epoch seconds
(UTC, int64); ``object_key`` is prefixed with the kind (``"url:https://…"``) so
objects of different kinds never collide.

Example::

    @register("hashtag", help="the same hashtag")
    def hashtag_traces(store, ctx):
        return store.arrow("SELECT ...")   # a table with TRACE_SCHEMA's columns
"""

from __future__ import annotations

import datetime as _dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..errors import ParameterError

if TYPE_CHECKING:
    from ..store import Store

__all__ = [
    "TRACE_SCHEMA",
    "SignalContext",
    "Signal",
    "register",
    "registry",
    "get_signal",
    "available_signals",
    "empty_traces",
]

TRACE_SCHEMA = pa.schema(
    [
        ("account", pa.string()),
        ("object_key", pa.string()),
        ("kind", pa.string()),
        ("post_id", pa.string()),
        ("ts", pa.int64()),
    ]
)


@dataclass
class SignalContext:
    """What a signal needs besides the store: the run, the period, parameters."""

    run_id: str | None = None
    since: _dt.datetime | None = None
    until: _dt.datetime | None = None
    params: dict[str, Any] = field(default_factory=dict)
    seed: int = 0

    def period_sql(self, column: str = "created_at") -> tuple[str, list[Any]]:
        """A ``WHERE`` fragment (``TRUE`` when unbounded) and its parameters."""
        clauses, params = [], []
        if self.since is not None:
            clauses.append(f"{column} >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append(f"{column} < ?")
            params.append(self.until)
        return (" AND ".join(clauses) or "TRUE"), params


SignalFn = Callable[["Store", SignalContext], pa.Table]


@dataclass(frozen=True)
class Signal:
    name: str
    fn: SignalFn
    help: str
    default: bool = True


registry: dict[str, Signal] = {}

# Modules holding the built-in signals; imported on first use.
_BUILTIN_MODULES = (
    "repost",
    "reply",
    "mention",
    "url",
    "hashtag",
    "media",
    "text_exact",
    "text_near",
    "crosslingual",
)


def register(name: str, *, help: str, default: bool = True) -> Callable[[SignalFn], SignalFn]:
    """Register a signal function under ``name`` (decorator)."""

    def deco(fn: SignalFn) -> SignalFn:
        registry[name] = Signal(name, fn, help, default)
        return fn

    return deco


def _load_builtins() -> None:
    for mod in _BUILTIN_MODULES:
        try:
            importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{mod}":
                raise


def available_signals() -> dict[str, Signal]:
    _load_builtins()
    return dict(sorted(registry.items()))


def get_signal(name: str) -> Signal:
    sigs = available_signals()
    if name not in sigs:
        raise ParameterError("signals", "a comma-separated list of " + ", ".join(sigs), name)
    return sigs[name]


def empty_traces() -> pa.Table:
    return TRACE_SCHEMA.empty_table()
