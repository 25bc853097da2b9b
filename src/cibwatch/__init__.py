"""cibwatch: find coordinated inauthentic behaviour aimed at public figures, explain it, and produce the response."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import CibwatchError, NoRunError, NotFoundError, ParameterError, StoreError  # noqa: E402
from .store import Store, node_key, split_node_key  # noqa: E402

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
