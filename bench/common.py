"""Helpers the benchmarks share."""

from __future__ import annotations


def median_run(runs: list[dict], key: str) -> tuple[dict, list[dict]]:
    """The run with the median ``key`` (the upper one of an even number) and the runs sorted by ``key``.

    This machine's fresh processes vary by 10-20% (first touches of memory are
    slow), so the benchmarks report the median of several.
    """
    ordered = sorted(runs, key=lambda r: r[key])
    return ordered[len(ordered) // 2], ordered
