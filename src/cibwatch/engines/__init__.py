"""The one place where the execution engine is chosen.

:func:`get_engine` returns an object with ``coordinate(traces, **params)``
(a fitted :class:`cibwatch.coordination.CoordinationDetector`). ``"duckdb"``
is the single-machine engine: traces come from the DuckDB store and pairs are
found by the sliding window over traces sorted by (object, time). ``"spark"`` is reserved for the cluster
engine and reports clearly when it cannot run.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import CibwatchError, ParameterError

if TYPE_CHECKING:
    import pyarrow as pa

    from ..coordination import CoordinationDetector

__all__ = ["Engine", "get_engine", "ENGINES"]

ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    name: str

    def coordinate(self, traces: pa.Table, **params: Any) -> CoordinationDetector: ...


class LocalEngine:
    """DuckDB store + in-process sliding window (NumPy)."""

    name = "duckdb"

    def coordinate(self, traces: pa.Table, **params: Any) -> CoordinationDetector:
        from ..coordination import CoordinationDetector

        return CoordinationDetector(**params).fit(traces)


def get_engine(name: str = "duckdb") -> Engine:
    """The engine called ``name`` (``"duckdb"`` or ``"spark"``)."""
    if name == "duckdb":
        return LocalEngine()
    if name == "spark":
        if importlib.util.find_spec("pyspark") is None:
            raise CibwatchError(
                "the Spark engine needs pyspark, which is not installed.",
                hint="Use --engine duckdb, or install pyspark.",
            )
        raise CibwatchError(
            "the Spark engine is not available in this version of cibwatch.", hint="Use --engine duckdb."
        )
    raise ParameterError("engine", "one of " + ", ".join(map(repr, ENGINES)), name)
