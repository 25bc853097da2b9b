"""cibwatch: find coordinated inauthentic behaviour aimed at public figures, explain it, and produce the response."""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from .errors import CibwatchError, NoRunError, NotFoundError, ParameterError, StoreError

if TYPE_CHECKING:
    from .store import Store, node_key, split_node_key

_FROM_STORE = ("Store", "node_key", "split_node_key")


def __getattr__(name: str) -> Any:
    # the store (and DuckDB, ~0.15 s to import) loads when first used, so that
    # cibwatch.coordination or cibwatch.textsim on a file never pays for it
    if name in _FROM_STORE:
        from . import store

        return getattr(store, name)
    raise AttributeError(f"module 'cibwatch' has no attribute {name!r}")

__all__ = [
    "__version__",
    "Store",
    "node_key",
    "split_node_key",
    "CibwatchError",
    "ParameterError",
    "StoreError",
    "NotFoundError",
    "NoRunError",
]
