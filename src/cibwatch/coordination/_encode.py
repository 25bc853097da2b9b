"""Trace tables to integer arrays, and the chunked pair stream.

Shared by the default and the CooRTweet-compatible modes: both sort traces by
``(object, time, tie-break)`` and walk a sliding window over them
(:mod:`._kernels`). Pairs are produced in chunks whose boundaries fall on
object boundaries, so per-chunk reductions never split an (account pair,
object) group and memory stays bounded by ``chunk_pairs``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import MissingColumnError, ParameterError
from ..signals import TRACE_SCHEMA
from ._kernels import pairs_between, window_ends

#: Pairs materialised at once (about 100 bytes a pair while a chunk is reduced: ~400 MB).
DEFAULT_CHUNK_PAIRS = 4_000_000
#: "No cap": the largest count a per-trace cap can take.
NO_CAP = np.iinfo(np.int64).max


def as_trace_table(traces: Any, *, what: str = "traces") -> pa.Table:
    """Check that ``traces`` has the trace columns and cast them to TRACE_SCHEMA."""
    if not isinstance(traces, pa.Table):
        try:
            traces = pa.table(traces)  # dict of columns, pandas frame, record batch
        except Exception as exc:  # noqa: BLE001 - any non-table input
            raise ParameterError(
                "traces", "a pyarrow.Table with columns " + ", ".join(TRACE_SCHEMA.names), type(traces).__name__
            ) from exc
    found = traces.column_names
    for name in TRACE_SCHEMA.names:
        if name not in found:
            raise MissingColumnError(
                name, found, path=what, hint="Traces need account, object_key, kind, post_id and ts (epoch seconds)."
            )
    cols = []
    for f in TRACE_SCHEMA:
        col = traces.column(f.name)
        if not col.type.equals(f.type):
            try:
                col = col.cast(f.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise ParameterError(f"traces.{f.name}", f"castable to {f.type}", str(col.type)) from exc
        cols.append(col)
    return pa.Table.from_arrays(cols, schema=TRACE_SCHEMA)


def encode(col: pa.ChunkedArray | pa.Array, *, sort_dictionary: bool) -> tuple[np.ndarray, pa.Array]:
    """Integer codes and dictionary of a string column.

    With ``sort_dictionary`` the codes follow the lexicographic order of the
    values (so the result does not depend on the input order); otherwise the
    order of first appearance.
    """
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    enc = pc.dictionary_encode(col)
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    dictionary = enc.dictionary
    if sort_dictionary and len(dictionary):
        order = pc.sort_indices(dictionary).to_numpy()
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(len(order), dtype=np.int64)
        codes = rank[codes]
        dictionary = dictionary.take(pa.array(order))
    return codes, dictionary


@dataclass
class SortedTraces:
    """Traces sorted by (object, time, tie-break), as integer arrays.

    ``row`` maps each sorted position back to the row of the input table.
    """

    obj: np.ndarray
    acc: np.ndarray
    ts: np.ndarray
    row: np.ndarray

    def __len__(self) -> int:
        return int(self.ts.shape[0])


def sort_traces(obj: np.ndarray, acc: np.ndarray, ts: np.ndarray, tie: np.ndarray) -> SortedTraces:
    """Sort by (obj, ts, tie); ``tie`` makes the order total and deterministic."""
    n = ts.shape[0]
    if n == 0:
        return SortedTraces(obj, acc, ts, np.empty(0, np.int64))
    t0 = int(ts.min())
    span = int(ts.max()) - t0 + 1
    n_tie = int(tie.max()) + 1
    n_obj = int(obj.max()) + 1
    if n_obj * span * n_tie < 2**62:  # one int64 key: a single (faster) sort
        key = (obj * span + (ts - t0)) * n_tie + tie
        order = np.argsort(key, kind="stable")
    else:
        order = np.lexsort((tie, ts, obj))
    return SortedTraces(obj[order], acc[order], ts[order], order.astype(np.int64, copy=False))


def window_index(st: SortedTraces, window: int) -> np.ndarray:
    """``hi[i]``: one past the last trace of i's object within ``window`` seconds after it."""
    return window_ends(st.obj, st.ts, int(window))  # type: ignore[no-any-return]


def trace_caps(st: SortedTraces, per_trace: int, per_object: int) -> np.ndarray:
    """Pairs allowed per trace: ``per_trace``, lowered on objects with many traces so
    that no object emits more than about ``per_object`` pairs (at least 1 per trace)."""
    if per_trace == NO_CAP and per_object == NO_CAP:
        return np.full(len(st), NO_CAP, np.int64)
    n_o = np.bincount(st.obj)
    per_obj = np.clip(per_object // np.maximum(n_o, 1), 1, per_trace).astype(np.int64)
    return per_obj[st.obj]


def pair_chunks(
    st: SortedTraces,
    hi: np.ndarray,
    cap: np.ndarray | None = None,
    chunk_pairs: int = DEFAULT_CHUNK_PAIRS,
    *,
    max_workers: int = 1,
    min_worker_pairs: int = 1,
) -> tuple[list[tuple[int, int]], np.ndarray, int]:
    """Trace ranges ``[lo, up)`` whose pairs (see :func:`iter_pair_chunks`) number at most
    ``chunk_pairs`` each (or one object's), ending on object boundaries; with the caps as
    an array and the number of workers to reduce them.

    Workers: up to ``max_workers``, one per ``min_worker_pairs`` pairs. With more than
    one, chunks hold ``chunk_pairs / workers`` pairs (at most the total split evenly), so
    the pairs in memory at once stay within ``chunk_pairs``.
    """
    n = len(st)
    if cap is None:
        cap = np.full(n, NO_CAP, np.int64)
    if n < 2:
        return [], cap, 1
    per = np.minimum(hi - np.arange(n, dtype=np.int64) - 1, cap)
    cum = np.cumsum(per)
    total = int(cum[-1])
    workers = max(1, min(max_workers, total // max(min_worker_pairs, 1)))
    if workers > 1:
        chunk_pairs = max(min(chunk_pairs, total) // workers, 1)
    # object starts: the only places a chunk may begin
    starts = np.flatnonzero(np.r_[True, st.obj[1:] != st.obj[:-1]])
    bounds = np.r_[starts, n]
    before = np.r_[0, cum][bounds]  # pairs emitted before each object start
    out = []
    s = 0
    while s < len(bounds) - 1:
        # the furthest object end keeping this chunk under chunk_pairs (at least one object)
        limit = before[s] + chunk_pairs
        e = int(np.searchsorted(before, limit, side="right")) - 1
        e = max(e, s + 1)
        if before[e] > before[s]:
            out.append((int(bounds[s]), int(bounds[e])))
        s = e
    return out, cap, workers


def iter_pair_chunks(
    st: SortedTraces, hi: np.ndarray, cap: np.ndarray | None = None, chunk_pairs: int = DEFAULT_CHUNK_PAIRS
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield index pairs (i, j), i < j in sorted order, of traces on the same
    object with ``ts[j] - ts[i] <= window`` (``hi`` from :func:`window_index`);
    at most ``cap[i]`` per i (its nearest successors in time; no cap when
    ``None``). Chunks end on object boundaries.
    """
    ranges, cap, _ = pair_chunks(st, hi, cap, chunk_pairs)
    for lo, up in ranges:
        yield pairs_between(lo, up, hi, cap)


def count_capped(st: SortedTraces, hi: np.ndarray, cap: np.ndarray) -> tuple[int, int]:
    """How many traces, and on how many objects, had more than ``cap[i]`` successors in their window."""
    if len(st) < 2:
        return 0, 0
    over = (hi - np.arange(len(st)) - 1) > cap
    return int(over.sum()), int(np.unique(st.obj[over]).shape[0])
