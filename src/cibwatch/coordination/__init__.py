"""The coordination engine: who acted on the same objects together, and how unlikely that is.

Public API:

* :class:`CoordinationDetector` (estimator: ``fit(traces)`` → ``pairs_``,
  ``edges_``, ``evidence_``, ``parameters_``, ``info_``) and its wrappers
  :func:`detect_pairs` and :func:`coordinated_network`;
* :func:`coortweet_pairs` / :func:`coortweet_network` (CooRTweet 2.1.3,
  exactly) and :func:`network_summary`;
* :func:`coshare` / :func:`read_table`: co-sharing networks from any CSV or
  Parquet table, without a store.
"""

from __future__ import annotations

from .compat import EDGE_COLUMNS, PAIR_COLUMNS, coortweet_network, coortweet_pairs, network_summary
from .coshare import coshare, coshare_files, read_table, to_epoch_seconds, write_table
from .detector import (
    EDGE_SCHEMA,
    EVIDENCE_SCHEMA,
    PAIRS_SCHEMA,
    CoordinationDetector,
    coordinated_network,
    detect_pairs,
)

__all__ = [
    "CoordinationDetector",
    "detect_pairs",
    "coordinated_network",
    "coortweet_pairs",
    "coortweet_network",
    "network_summary",
    "coshare",
    "coshare_files",
    "write_table",
    "read_table",
    "to_epoch_seconds",
    "EDGE_SCHEMA",
    "EVIDENCE_SCHEMA",
    "PAIRS_SCHEMA",
    "PAIR_COLUMNS",
    "EDGE_COLUMNS",
]
