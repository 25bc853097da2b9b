"""The coordination engine's array kernels against plain loops."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch.coordination._kernels import best_kind_count, pairs_between, reduce_edge_objects, window_ends

sorted_traces = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 120)), max_size=60).map(sorted)


def _window_ends_loop(obj, ts, window):
    n = len(ts)
    return [max(j + 1 for j in range(i, n) if obj[j] == obj[i] and ts[j] - ts[i] <= window) for i in range(n)]


@settings(max_examples=200, deadline=None)
@given(sorted_traces, st.integers(0, 40))
def test_window_ends_is_the_last_trace_of_the_object_in_the_window(rows, window):
    obj = np.array([o for o, _ in rows], np.int64)
    ts = np.array([t for _, t in rows], np.int64)
    expected = _window_ends_loop(obj.tolist(), ts.tolist(), window)
    assert window_ends(obj, ts, window).tolist() == expected
    # object codes too large for one (object, time) key take the bisection path: same answer
    assert window_ends(obj * 2**58, ts, window).tolist() == expected


def test_window_ends_with_nanosecond_times_over_decades():
    ts = np.array([0, 10**9, 10**18, 10**18 + 5 * 10**9, 3 * 10**18], np.int64)  # 2 x span > 2**62
    obj = np.array([0, 0, 0, 1, 1], np.int64)
    assert window_ends(obj, ts, 10**9).tolist() == [2, 2, 3, 4, 5]


@settings(max_examples=200, deadline=None)
@given(sorted_traces, st.integers(0, 40), st.integers(1, 5), st.data())
def test_pairs_between_lists_each_pair_once_nearest_first(rows, window, cap_value, data):
    obj = np.array([o for o, _ in rows], np.int64)
    ts = np.array([t for _, t in rows], np.int64)
    n = len(rows)
    hi = window_ends(obj, ts, window)
    cap = np.array(data.draw(st.lists(st.integers(0, cap_value), min_size=n, max_size=n)), np.int64)
    start = data.draw(st.integers(0, n))
    stop = data.draw(st.integers(start, n))
    pi, pj = pairs_between(start, stop, hi, cap)
    expected = [(i, j) for i in range(start, stop) for j in range(i + 1, int(hi[i]))[: int(cap[i])]]
    assert list(zip(pi.tolist(), pj.tolist(), strict=True)) == expected


def test_reduce_edge_objects_keeps_the_first_closest_pair():
    key = np.array([1, 1, 1, 1, 2], np.int64)
    obj = np.array([7, 7, 7, 8, 7], np.int64)
    dt = np.array([30, 5, 5, 0, 9], np.int64)
    pi = np.array([10, 11, 12, 13, 14], np.int64)
    pj = np.array([20, 21, 22, 23, 24], np.int64)
    k, o, n, total, bi, bj, bdt = reduce_edge_objects(key, obj, dt, pi, pj)
    assert k.tolist() == [1, 1, 2] and o.tolist() == [7, 8, 7]
    assert n.tolist() == [3, 1, 1] and total.tolist() == [40.0, 0.0, 9.0]
    assert bi.tolist() == [11, 13, 14] and bj.tolist() == [21, 23, 24] and bdt.tolist() == [5, 0, 9]
    assert [len(c) for c in reduce_edge_objects(*(c[:0] for c in (key, obj, dt, pi, pj)))] == [0] * 7


def test_best_kind_count_per_group():
    starts = np.array([0, 3, 4], np.int64)
    kind = np.array([0, 1, 1, 2, 0, 0, 0], np.int64)
    assert best_kind_count(starts, 7, kind, 3).tolist() == [2, 1, 3]
    assert best_kind_count(np.empty(0, np.int64), 0, kind[:0], 3).tolist() == []


def test_reduce_edge_objects_without_repeats_returns_each_pair():
    key = np.array([1, 1, 2], np.int64)
    obj = np.array([7, 8, 7], np.int64)
    dt = np.array([3, 0, 9], np.int64)
    pi, pj = np.array([1, 2, 3], np.int64), np.array([4, 5, 6], np.int64)
    k, o, n, total, bi, bj, bdt = reduce_edge_objects(key, obj, dt, pi, pj)
    assert (k.tolist(), o.tolist(), n.tolist(), total.tolist()) == ([1, 1, 2], [7, 8, 7], [1, 1, 1], [3.0, 0.0, 9.0])
    assert (bi.tolist(), bj.tolist(), bdt.tolist()) == ([1, 2, 3], [4, 5, 6], [3, 0, 9])
