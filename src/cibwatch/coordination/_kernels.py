"""Array kernels of the coordination engine (vectorised NumPy).

The engine never builds a per-object cartesian product or a range join. The
traces are sorted by ``(object, time)``; :func:`window_ends` finds, for every
trace, the end of its time window inside its object with one binary search on
the sorted ``(object, time)`` key, and :func:`pairs_between` lists the index
pairs of one chunk of traces. :func:`reduce_edge_objects` collapses the pairs
of a chunk, sorted by account pair, into one row per (account pair, object).

They are whole-array NumPy operations rather than compiled loops: a few
milliseconds more per 100k pairs, but a one-shot process (``cibwatch coshare``
on a file) is spared a JIT compiler's import and first-use set-up, about one
second, which is longer than the whole computation on a million posts.
"""

from __future__ import annotations

import numpy as np


def window_ends(obj: np.ndarray, ts: np.ndarray, window: int) -> np.ndarray:
    """For traces sorted by (obj, ts): one past the last trace j > i with
    ``obj[j] == obj[i]`` and ``ts[j] - ts[i] <= window``."""
    n = ts.shape[0]
    if n == 0:
        return np.empty(0, np.int64)
    t0 = int(ts.min())
    # objects are spaced further apart than any time plus the window, so a
    # search never runs into the next object
    span = int(ts.max()) - t0 + int(window) + 1
    if (int(obj.max()) + 1) * span < 2**62:
        key = obj * span + (ts - t0)
        hi = np.searchsorted(key, key + int(window), side="right")
    else:  # too many objects x seconds for one key: bisect inside each object's run
        brk = group_starts(obj)
        run_end = np.r_[np.flatnonzero(brk)[1:], n][np.cumsum(brk) - 1]
        lo, hi = np.arange(1, n + 1, dtype=np.int64), run_end.astype(np.int64)
        limit = ts + int(window)
        while True:  # invariant: ts[lo-1] <= limit, and hi is past the last such trace
            open_ = lo < hi
            if not open_.any():
                break
            mid = (lo + hi) // 2
            inside = open_ & (ts[np.minimum(mid, n - 1)] <= limit)
            lo = np.where(inside, mid + 1, lo)
            hi = np.where(open_ & ~inside, mid, hi)
    return hi.astype(np.int64, copy=False)


def pairs_between(start: int, stop: int, hi: np.ndarray, cap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (i, j), start <= i < stop, i < j < hi[i], at most ``cap[i]``
    per i (the nearest in time), i ascending then j ascending."""
    idx = np.arange(start, stop, dtype=np.int64)
    m = np.minimum(hi[start:stop] - idx - 1, cap[start:stop])
    np.maximum(m, 0, out=m)
    pi = np.repeat(idx, m)
    # j = i + 1 + (rank of the pair among i's pairs) = (pair number) + (i + 1 - i's first pair number)
    pj = np.arange(pi.shape[0], dtype=np.int64)
    pj += np.repeat(idx + 1 - (np.cumsum(m) - m), m)
    return pi, pj


def group_starts(*keys: np.ndarray) -> np.ndarray:
    """Where a run of equal rows begins in arrays sorted by ``keys`` (a boolean mask)."""
    n = keys[0].shape[0]
    brk = np.zeros(n, bool)
    if n:
        brk[0] = True
        for k in keys:
            brk[1:] |= k[1:] != k[:-1]
    return brk


def reduce_edge_objects(
    key: np.ndarray, obj: np.ndarray, dt: np.ndarray, pi: np.ndarray, pj: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Collapse pairs sorted by (key, obj) into one row per (key, obj).

    Returns key, obj, number of pairs, sum of time deltas, and the pair with the
    smallest time delta (the first such pair: its two trace indexes and the delta).
    """
    n = key.shape[0]
    if n == 0:
        e = np.empty(0, np.int64)
        return e, e, e, np.empty(0, np.float64), e, e, e
    brk = group_starts(key, obj)
    if brk.all():  # every pair its own (key, obj): nothing to collapse (common when windows are short)
        return key, obj, np.ones(n, np.int64), dt.astype(np.float64), pi, pj, dt
    starts = np.flatnonzero(brk)
    count = np.diff(np.r_[starts, n])
    total = np.add.reduceat(dt.astype(np.float64), starts)
    smallest = np.minimum.reduceat(dt, starts)
    group = np.cumsum(brk) - 1
    hit = np.flatnonzero(dt == smallest[group])
    first = hit[group_starts(group[hit])]
    return key[starts], obj[starts], count, total, pi[first], pj[first], smallest


def best_kind_count(starts: np.ndarray, n_rows: int, kind: np.ndarray, n_kind: int) -> np.ndarray:
    """Per group of rows (``starts`` are group starts), the largest number of rows of one kind."""
    n = starts.shape[0]
    if n == 0:
        return np.zeros(0, np.int64)
    group = np.repeat(np.arange(n, dtype=np.int64), np.diff(np.r_[starts, n_rows]))
    counts = np.bincount(group * n_kind + kind, minlength=n * n_kind)
    return counts.reshape(n, n_kind).max(axis=1)  # type: ignore[no-any-return]
