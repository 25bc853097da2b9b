"""Compiled kernels of the coordination engine (numba, cached on disk).

The engine never builds a per-object cartesian product or a range join. The
traces are sorted by ``(object, time)``; :func:`window_ends` finds, for every
trace, the end of its time window inside its object with one linear sweep (two
pointers), and :func:`fill_pairs` writes the index pairs of one chunk of traces
into preallocated arrays. :func:`reduce_edge_objects` collapses the pairs of a
chunk, sorted by account pair, into one row per (account pair, object).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def window_ends(obj: np.ndarray, ts: np.ndarray, window: int) -> np.ndarray:  # pragma: no cover - compiled
    """For traces sorted by (obj, ts): one past the last trace j > i with
    ``obj[j] == obj[i]`` and ``ts[j] - ts[i] <= window``.

    The end pointer never moves back, so the sweep is O(n).
    """
    n = ts.shape[0]
    hi = np.empty(n, np.int64)
    j = 0
    for i in range(n):
        if j < i + 1:
            j = i + 1
        while j < n and obj[j] == obj[i] and ts[j] - ts[i] <= window:
            j += 1
        hi[i] = j
    return hi


@njit(cache=True)
def fill_pairs(
    start: int, stop: int, hi: np.ndarray, cap: np.ndarray, out_i: np.ndarray, out_j: np.ndarray
) -> int:  # pragma: no cover
    """Write the pairs (i, j), start <= i < stop, i < j < hi[i], at most ``cap[i]``
    per i (the nearest in time), into ``out_i``/``out_j``; return the count."""
    k = 0
    for i in range(start, stop):
        m = hi[i] - i - 1
        if m > cap[i]:
            m = cap[i]
        for t in range(m):
            out_i[k] = i
            out_j[k] = i + 1 + t
            k += 1
    return k


@njit(cache=True)
def reduce_edge_objects(
    key: np.ndarray, obj: np.ndarray, dt: np.ndarray, pi: np.ndarray, pj: np.ndarray
):  # pragma: no cover - compiled
    """Collapse pairs sorted by (key, obj) into one row per (key, obj).

    Returns key, obj, number of pairs, sum of time deltas, and the pair with the
    smallest time delta (its two trace indexes and the delta).
    """
    n = key.shape[0]
    out_key = np.empty(n, np.int64)
    out_obj = np.empty(n, np.int64)
    out_n = np.empty(n, np.int64)
    out_sum = np.empty(n, np.float64)
    out_i = np.empty(n, np.int64)
    out_j = np.empty(n, np.int64)
    out_dt = np.empty(n, np.int64)
    g = -1
    for t in range(n):
        if g < 0 or key[t] != out_key[g] or obj[t] != out_obj[g]:
            g += 1
            out_key[g] = key[t]
            out_obj[g] = obj[t]
            out_n[g] = 0
            out_sum[g] = 0.0
            out_i[g] = pi[t]
            out_j[g] = pj[t]
            out_dt[g] = dt[t]
        out_n[g] += 1
        out_sum[g] += dt[t]
        if dt[t] < out_dt[g]:
            out_dt[g] = dt[t]
            out_i[g] = pi[t]
            out_j[g] = pj[t]
    g += 1
    return out_key[:g], out_obj[:g], out_n[:g], out_sum[:g], out_i[:g], out_j[:g], out_dt[:g]


@njit(cache=True)
def best_kind_count(starts: np.ndarray, n_rows: int, kind: np.ndarray, n_kind: int) -> np.ndarray:  # pragma: no cover
    """Per group of rows (``starts`` are group starts), the largest number of rows of one kind."""
    n = starts.shape[0]
    out = np.zeros(n, np.int64)
    counts = np.zeros(n_kind, np.int64)
    for g in range(n):
        lo = starts[g]
        up = starts[g + 1] if g + 1 < n else n_rows
        for r in range(lo, up):
            counts[kind[r]] += 1
        best = 0
        for r in range(lo, up):
            c = counts[kind[r]]
            if c > best:
                best = c
            counts[kind[r]] = 0
        out[g] = best
    return out
