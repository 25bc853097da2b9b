"""The coordination detector: account pairs that act on the same objects together, beyond chance.

Algorithm (default mode)
------------------------
1. Traces with a missing account, object or time are dropped; traces of the
   same account on the same object in the same second are collapsed.
2. Traces are sorted by (object, time, account); one binary search on the
   sorted (object, time) key gives each trace the end of its window
   (``time_window`` seconds, inclusive) inside its object, and the pairs
   (i, j) are listed in chunks that end on object boundaries (reduced on up
   to four threads; the result does not depend on how many). No cartesian
   product, no range join.
3. Popular objects are capped: each trace is paired with at most
   ``max_pairs_per_trace`` of its nearest later traces in the window, so an
   object shared 50,000 times in a few minutes costs 50,000 × cap pairs, not
   50,000². An object with ``n`` traces also has a budget of
   ``max_pairs_per_object`` pairs (each trace keeps at least its nearest
   co-actor). Those co-actions carry almost no information (see the weight
   below); the number of capped traces and objects is recorded.
4. Pairs of the same account are dropped (loops). Each chunk is reduced by
   sorting on the account pair to one row per (account pair, object): pairs,
   sum of time gaps, and the closest pair (the evidence row).
5. Minimum participation applies to *both* accounts of an edge: an account
   takes part when it co-acted with another account on at least
   ``min_participation`` distinct objects.
6. Each edge gets per-signal counts of distinct objects, a weight
   ``Σ_objects 1/log2(n_accounts(o))`` (Adamic–Adar down-weighting of popular
   objects; ``n_objects`` when down-weighting is off), the number of
   co-actions (trace pairs) and their mean time gap.
7. Null model (:mod:`.nullmodel`): the expected number of co-acted objects
   under the bipartite configuration model with each object's own timing,
   a Poisson p-value per signal kind (the smallest, Bonferroni-corrected
   for the number of kinds), Benjamini–Hochberg q-values across edges;
   ``significant = q <= alpha`` and at least ``min_objects`` distinct
   objects of one kind: co-acting on one viral post, however fast, is not a
   network (and one comment that is both a ``reply`` and a ``reply_account``
   co-action is still one object).

With ``compat="coortweet"`` the detector instead reproduces CooRTweet 2.1.3
exactly (:mod:`.compat`).

Example::

    >>> det = CoordinationDetector(time_window=60).fit(traces)   # doctest: +SKIP
    >>> det.edges_.filter(det.edges_["significant"])              # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import os
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ParameterError
from ._encode import (
    DEFAULT_CHUNK_PAIRS,
    NO_CAP,
    SortedTraces,
    as_trace_table,
    count_capped,
    encode,
    iter_pair_chunks,
    pair_chunks,
    sort_traces,
    trace_caps,
    window_index,
)
from ._kernels import best_kind_count, pairs_between, reduce_edge_objects
from .compat import coortweet_network, coortweet_pairs
from .nullmodel import adamic_adar_weight, bh_qvalues, configuration_expectation, edge_pvalues

__all__ = [
    "CoordinationDetector",
    "detect_pairs",
    "coordinated_network",
    "EDGE_SCHEMA",
    "EVIDENCE_SCHEMA",
    "PAIRS_SCHEMA",
]

PAIRS_SCHEMA = pa.schema(
    [
        ("object_id", pa.string()),
        ("content_id", pa.string()),
        ("content_id_y", pa.string()),
        ("time_delta", pa.int64()),
        ("account_id", pa.string()),
        ("account_id_y", pa.string()),
        ("kind", pa.string()),
    ]
)
EDGE_SCHEMA = pa.schema(
    [
        ("a", pa.string()),
        ("b", pa.string()),
        ("weight", pa.float64()),
        ("n_coactions", pa.int64()),
        ("n_objects", pa.int64()),
        ("signals", pa.string()),  # JSON {kind: distinct objects}
        ("avg_time_delta", pa.float64()),
        ("expected", pa.float64()),
        ("p_value", pa.float64()),
        ("q_value", pa.float64()),
        ("significant", pa.bool_()),
    ]
)
EVIDENCE_SCHEMA = pa.schema(
    [
        ("a", pa.string()),
        ("b", pa.string()),
        ("kind", pa.string()),
        ("object_key", pa.string()),
        ("post_a", pa.string()),
        ("post_b", pa.string()),
        ("ts_a", pa.int64()),
        ("ts_b", pa.int64()),
        ("time_delta", pa.int64()),
    ]
)

_COMPAT = (None, "coortweet")
_NULL_MODELS = ("configuration", "none")


def _int_param(name: str, value: Any, lo: int, hi: int | None = None) -> int:
    ok = (
        isinstance(value, (int, np.integer))
        and not isinstance(value, bool)
        and value >= lo
        and (hi is None or value <= hi)
    )
    if not ok:
        rng = f"an integer in [{lo}, {hi}]" if hi is not None else f"an integer >= {lo}"
        raise ParameterError(name, rng, value, owner="CoordinationDetector")
    return int(value)


def _float_param(name: str, value: Any, lo: float, hi: float, *, open_lo: bool = False) -> float:
    ok = isinstance(value, (int, float, np.floating)) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value > lo if open_lo else value >= lo) and value <= hi
    if not ok:
        left = "(" if open_lo else "["
        raise ParameterError(name, f"a number in {left}{lo}, {hi}]", value, owner="CoordinationDetector")
    return float(value)


class CoordinationDetector:
    """Co-action network of accounts from traces, with a significance level per edge.

    Parameters
    ----------
    time_window:
        Seconds (inclusive) within which two actions on the same object count
        as a co-action. CooRTweet's ``time_window``.
    min_participation:
        Default mode: distinct objects an account must have co-acted on, for
        *both* ends of an edge. Compat mode: CooRTweet's semantics (rows).
    compat:
        ``None`` (default mode) or ``"coortweet"`` (CooRTweet 2.1.3, exactly).
    edge_weight:
        Quantile of edge weights above which CooRTweet marks
        ``weight_threshold``; used by compat mode and CooRTweet-style tables.
    remove_loops:
        Compat mode only; the default mode always removes loops.
    null_model:
        ``"configuration"`` (see :mod:`.nullmodel`) or ``"none"`` (every edge
        with ``n_objects >= min_objects`` is significant).
    alpha:
        False-discovery rate for ``significant``.
    min_objects:
        Distinct objects of one kind an edge needs to be significant.
    popular_object_downweight:
        Weight co-actions by ``1/log2(n_accounts(o))`` instead of 1.
    max_pairs_per_trace:
        Default mode: pairs kept per trace on very popular objects (its nearest
        later co-actors); ``None`` for no cap. Ignored in compat mode (exact).
    max_pairs_per_object:
        Default mode: pair budget of one object; on an object with ``n``
        traces each trace keeps at most ``max(1, budget // n)`` pairs, so a
        hashtag with millions of uses stays linear in memory. ``None`` for no
        budget. Ignored in compat mode.
    keep_all_edges:
        Default mode: also list edges that cannot be significant (fewer than
        ``min_objects`` objects of any one kind). They always count in the
        null model; listing them costs memory on large runs (tens of millions
        of chance pairs), so by default only their number is reported
        (``info_["edges_not_listed"]``).
    seed:
        Recorded with the run; the analytic null model uses no randomness.
    chunk_pairs:
        Pairs materialised at once (memory bound).
    """

    def __init__(
        self,
        time_window: int = 60,
        min_participation: int = 2,
        compat: str | None = None,
        edge_weight: float = 0.5,
        remove_loops: bool = True,
        null_model: str = "configuration",
        alpha: float = 0.01,
        min_objects: int = 2,
        popular_object_downweight: bool = True,
        max_pairs_per_trace: int | None = 100,
        max_pairs_per_object: int | None = 2_000_000,
        keep_all_edges: bool = False,
        seed: int = 0,
        chunk_pairs: int = DEFAULT_CHUNK_PAIRS,
    ) -> None:
        self.time_window = time_window
        self.min_participation = min_participation
        self.compat = compat
        self.edge_weight = edge_weight
        self.remove_loops = remove_loops
        self.null_model = null_model
        self.alpha = alpha
        self.min_objects = min_objects
        self.popular_object_downweight = popular_object_downweight
        self.max_pairs_per_trace = max_pairs_per_trace
        self.max_pairs_per_object = max_pairs_per_object
        self.keep_all_edges = keep_all_edges
        self.seed = seed
        self.chunk_pairs = chunk_pairs

    # -- parameters --------------------------------------------------------
    def get_params(self) -> dict[str, Any]:
        return {
            "time_window": self.time_window,
            "min_participation": self.min_participation,
            "compat": self.compat,
            "edge_weight": self.edge_weight,
            "remove_loops": self.remove_loops,
            "null_model": self.null_model,
            "alpha": self.alpha,
            "min_objects": self.min_objects,
            "popular_object_downweight": self.popular_object_downweight,
            "max_pairs_per_trace": self.max_pairs_per_trace,
            "max_pairs_per_object": self.max_pairs_per_object,
            "keep_all_edges": self.keep_all_edges,
            "seed": self.seed,
            "chunk_pairs": self.chunk_pairs,
        }

    def _validate(self) -> None:
        _int_param("time_window", self.time_window, 0)
        _int_param("min_participation", self.min_participation, 1)
        if self.compat not in _COMPAT:
            raise ParameterError("compat", "None or 'coortweet'", self.compat, owner="CoordinationDetector")
        _float_param("edge_weight", self.edge_weight, 0.0, 1.0)
        if not isinstance(self.remove_loops, bool):
            raise ParameterError("remove_loops", "True or False", self.remove_loops, owner="CoordinationDetector")
        if self.compat is None and not self.remove_loops:
            raise ParameterError(
                "remove_loops",
                "True unless compat='coortweet' (the default mode always removes loops)",
                False,
                owner="CoordinationDetector",
            )
        if self.null_model not in _NULL_MODELS:
            raise ParameterError(
                "null_model",
                "one of " + ", ".join(map(repr, _NULL_MODELS)),
                self.null_model,
                owner="CoordinationDetector",
            )
        _float_param("alpha", self.alpha, 0.0, 1.0, open_lo=True)
        _int_param("min_objects", self.min_objects, 1)
        if self.max_pairs_per_trace is not None:
            _int_param("max_pairs_per_trace", self.max_pairs_per_trace, 1)
        if not isinstance(self.keep_all_edges, bool):
            raise ParameterError("keep_all_edges", "True or False", self.keep_all_edges, owner="CoordinationDetector")
        if self.max_pairs_per_object is not None:
            _int_param("max_pairs_per_object", self.max_pairs_per_object, 1)
        _int_param("seed", self.seed, 0)
        _int_param("chunk_pairs", self.chunk_pairs, 1)

    # -- fit -----------------------------------------------------------------
    def fit(self, traces: pa.Table) -> CoordinationDetector:
        """Find co-action pairs and the weighted, tested account graph in ``traces``
        (a table with :data:`cibwatch.signals.TRACE_SCHEMA`'s columns)."""
        self._validate()
        table = as_trace_table(traces)
        self.parameters_ = self.get_params()
        if self.compat == "coortweet":
            self._fit_coortweet(table)
        else:
            self._fit_default(table)
        return self

    def _fit_coortweet(self, table: pa.Table) -> None:
        x = pa.table(
            {
                "object_id": table.column("object_key"),
                "account_id": table.column("account"),
                "content_id": table.column("post_id"),
                "timestamp_share": table.column("ts"),
            }
        )
        pairs, info = coortweet_pairs(
            x,
            time_window=int(self.time_window),
            min_participation=int(self.min_participation),
            remove_loops=self.remove_loops,
            chunk_pairs=int(self.chunk_pairs),
        )
        kind = _kind_of(table, pairs.column("object_id"))
        self.pairs_ = pairs.append_column("kind", kind).cast(PAIRS_SCHEMA)
        self.edges_ = coortweet_network(pairs, edge_weight=float(self.edge_weight))
        # evidence: each pair, oriented by account (a < b)
        ts_of = dict(zip(table.column("post_id").to_pylist(), table.column("ts").to_pylist(), strict=True))
        rows = []
        for r, k in zip(pairs.to_pylist(), kind.to_pylist(), strict=True):
            a, b, pa_, pb = r["account_id"], r["account_id_y"], r["content_id"], r["content_id_y"]
            if a > b:
                a, b, pa_, pb = b, a, pb, pa_
            rows.append(
                {
                    "a": a,
                    "b": b,
                    "kind": k,
                    "object_key": r["object_id"],
                    "post_a": pa_,
                    "post_b": pb,
                    "ts_a": ts_of.get(pa_),
                    "ts_b": ts_of.get(pb),
                    "time_delta": r["time_delta"],
                }
            )
        self.evidence_ = pa.Table.from_pylist(rows, schema=EVIDENCE_SCHEMA)
        self.info_ = info

    def _fit_default(self, table: pa.Table) -> None:
        if any(table.column(c).null_count for c in ("account", "object_key", "ts")):
            valid = pc.and_(
                pc.and_(pc.is_valid(table.column("account")), pc.is_valid(table.column("object_key"))),
                pc.is_valid(table.column("ts")),
            )
            table = table.filter(valid)
        n_in = table.num_rows
        if _THREADS > 1 and n_in >= PAIRS_PER_THREAD:  # Arrow's hashing and sorting release the GIL
            with ThreadPoolExecutor(2) as pool:
                accounts = pool.submit(encode, table.column("account"), sort_dictionary=True)
                obj, obj_dict = encode(table.column("object_key"), sort_dictionary=True)
                acc, acc_dict = accounts.result()
        else:
            acc, acc_dict = encode(table.column("account"), sort_dictionary=True)
            obj, obj_dict = encode(table.column("object_key"), sort_dictionary=True)
        kind_codes, kind_dict = encode(table.column("kind").fill_null(""), sort_dictionary=True)
        ts = table.column("ts").to_numpy().astype(np.int64, copy=False)
        n_acc, n_obj, n_kind = len(acc_dict), len(obj_dict), max(len(kind_dict), 1)
        # the kind of each object (an object key belongs to one kind: its prefix)
        obj_kind = np.zeros(n_obj, np.int64)
        obj_kind[obj] = kind_codes

        st = sort_traces(obj, acc, ts, acc)
        dup = np.zeros(len(st), bool)
        if len(st) > 1:
            dup[1:] = (st.obj[1:] == st.obj[:-1]) & (st.ts[1:] == st.ts[:-1]) & (st.acc[1:] == st.acc[:-1])
        if dup.any():
            keep = ~dup
            st = type(st)(st.obj[keep], st.acc[keep], st.ts[keep], st.row[keep])

        # per-object distinct accounts and per-account distinct objects (by kind)
        inc = _unique(st.obj * n_acc + st.acc)  # distinct (object, account) incidences
        inc_obj, inc_acc = inc // n_acc, inc % n_acc
        n_accounts_obj = np.bincount(inc_obj, minlength=n_obj)
        deg = np.bincount(inc_acc * n_kind + obj_kind[inc_obj], minlength=n_acc * n_kind).reshape(n_acc, n_kind)

        cap = NO_CAP if self.max_pairs_per_trace is None else int(self.max_pairs_per_trace)
        per_object = NO_CAP if self.max_pairs_per_object is None else int(self.max_pairs_per_object)
        caps = trace_caps(st, cap, per_object)
        hi = window_index(st, int(self.time_window))
        capped_traces, capped_objects = count_capped(st, hi, caps)
        # traces with a co-actor (another account, same object, in the window): whose objects count
        # towards minimum participation
        paired = np.zeros(len(st), bool)
        ranges, caps, workers = pair_chunks(
            st, hi, caps, int(self.chunk_pairs), max_workers=_THREADS, min_worker_pairs=PAIRS_PER_THREAD
        )
        small = len(st) < 2**31 and n_obj < 2**31
        reduce = partial(_reduce_chunk, st=st, hi=hi, caps=caps, n_acc=n_acc, paired=paired, small=small)
        if workers > 1 and len(ranges) > 1:
            # NumPy releases the GIL in the sorts, gathers and arithmetic: chunks reduce side by side
            with ThreadPoolExecutor(workers) as pool:
                parts = [p for p in pool.map(reduce, ranges) if p is not None]
        else:
            parts = [p for p in map(reduce, ranges) if p is not None]

        if parts:
            eo_key, eo_obj, eo_n, eo_sum, eo_i, eo_j, eo_dt = (np.concatenate(c) for c in zip(*parts, strict=True))
        else:
            eo_key = eo_obj = eo_n = eo_i = eo_j = eo_dt = np.empty(0, np.int64)
            eo_sum = np.empty(0, np.float64)
        del parts
        order = np.argsort(eo_key, kind="stable")
        eo_key, eo_obj, eo_n, eo_sum, eo_i, eo_j, eo_dt = (
            c[order] for c in (eo_key, eo_obj, eo_n, eo_sum, eo_i, eo_j, eo_dt)
        )
        # W^k: observed (account pair, object) co-actions per kind, before any filter
        w_kind = np.bincount(obj_kind[eo_obj], minlength=n_kind).astype(np.float64)

        # minimum participation, on both ends: distinct objects co-acted on
        ea, eb = eo_key // n_acc, eo_key % n_acc
        part_inc = _unique(st.obj[paired] * n_acc + st.acc[paired])
        participation = np.bincount(part_inc % n_acc, minlength=n_acc)
        del paired, part_inc
        ok = (participation[ea] >= self.min_participation) & (participation[eb] >= self.min_participation)
        eo_key, eo_obj, eo_n, eo_sum, eo_i, eo_j, eo_dt, ea, eb = (
            c[ok] for c in (eo_key, eo_obj, eo_n, eo_sum, eo_i, eo_j, eo_dt, ea, eb)
        )

        # edges that can never be significant (fewer than min_objects objects of any
        # one kind) are only counted, not listed, unless keep_all_edges
        if not self.keep_all_edges and eo_key.shape[0]:
            g_starts = np.flatnonzero(np.r_[True, eo_key[1:] != eo_key[:-1]])
            best = best_kind_count(g_starts, eo_key.shape[0], obj_kind[eo_obj], n_kind)
            keep = np.repeat(best >= self.min_objects, np.diff(np.r_[g_starts, eo_key.shape[0]]))
            self._unlisted_edges = int((best < self.min_objects).sum())
            eo_key, eo_obj, eo_n, eo_sum, eo_i, eo_j, eo_dt, ea, eb = (
                c[keep] for c in (eo_key, eo_obj, eo_n, eo_sum, eo_i, eo_j, eo_dt, ea, eb)
            )
            del keep, best, g_starts
        else:
            self._unlisted_edges = 0

        # edges
        if eo_key.shape[0]:
            starts = np.flatnonzero(np.r_[True, eo_key[1:] != eo_key[:-1]])
        else:
            starts = np.empty(0, np.int64)
        n_edges = starts.shape[0]
        edge_of = np.repeat(np.arange(n_edges), np.diff(np.r_[starts, eo_key.shape[0]]))
        a, b = ea[starts], eb[starts]
        n_objects = np.diff(np.r_[starts, eo_key.shape[0]]).astype(np.int64)
        n_coactions = np.add.reduceat(eo_n, starts) if n_edges else np.empty(0, np.int64)
        sum_dt = np.add.reduceat(eo_sum, starts) if n_edges else np.empty(0, np.float64)
        obj_w = adamic_adar_weight(n_accounts_obj) if self.popular_object_downweight else np.ones(n_obj)
        weight = np.add.reduceat(obj_w[eo_obj], starts) if n_edges else np.empty(0, np.float64)
        per_kind = np.bincount(edge_of * n_kind + obj_kind[eo_obj], minlength=n_edges * n_kind).reshape(n_edges, n_kind)
        kinds = kind_dict.to_pylist() or [""]
        signals = _signals_json(per_kind, kinds)
        # distinct objects of the strongest kind: kinds overlap (a comment is a
        # reply and a reply_account co-action), so they are never added up here
        best_kind = per_kind.max(axis=1) if n_edges else np.empty(0, np.int64)
        if self.null_model == "configuration":
            lam = configuration_expectation(deg, a, b, w_kind)
            expected = lam.sum(axis=1)
            p = edge_pvalues(per_kind, lam)
            q = bh_qvalues(p, n_edges + self._unlisted_edges)
            significant = (q <= self.alpha) & (best_kind >= self.min_objects)
        else:
            expected = np.full(n_edges, np.nan)
            p = np.full(n_edges, np.nan)
            q = np.full(n_edges, np.nan)
            significant = best_kind >= self.min_objects
        acc_take = pa.array(a), pa.array(b)
        self.edges_ = pa.Table.from_arrays(
            [
                acc_dict.take(acc_take[0]),
                acc_dict.take(acc_take[1]),
                pa.array(weight, pa.float64()),
                pa.array(n_coactions, pa.int64()),
                pa.array(n_objects, pa.int64()),
                signals,
                pa.array(sum_dt / np.maximum(n_coactions, 1), pa.float64()),
                pa.array(expected, pa.float64()),
                pa.array(p, pa.float64()),
                pa.array(q, pa.float64()),
                pa.array(significant, pa.bool_()),
            ],
            schema=EDGE_SCHEMA,
        )

        # evidence: the closest pair per (edge, object), oriented by account; built on access
        self._evidence_state = (
            edge_of,
            ea,
            eb,
            eo_obj,
            eo_i,
            eo_j,
            eo_dt,
            st,
            ts,
            table.column("post_id"),
            acc_dict,
            obj_dict,
            obj_kind,
            kinds,
            significant,
        )
        self._evidence_table: pa.Table | None = None

        # pairs are not kept: the sweep is re-run on first access to pairs_
        self._pair_state = (st, hi, caps, table, n_acc, eo_key[starts], obj_dict, acc_dict, obj_kind, kinds)
        self._pairs_table: pa.Table | None = None
        self.info_ = {
            "traces_in": n_in,
            "traces": len(st),
            "duplicates_collapsed": int(dup.sum()),
            "accounts": n_acc,
            "objects": n_obj,
            "capped_traces": capped_traces,
            "capped_objects": capped_objects,
            "coactions_by_kind": {kinds[k]: int(w) for k, w in enumerate(w_kind) if w},
            "edges": n_edges,
            "edges_not_listed": self._unlisted_edges,
            "significant_edges": int(significant.sum()),
        }

    # -- evidence ----------------------------------------------------------------
    def _build_evidence(self, rows: np.ndarray | None) -> pa.Table:
        (edge_of, ea, eb, eo_obj, eo_i, eo_j, eo_dt, st, ts, posts, acc_dict, obj_dict, obj_kind, kinds, _) = (
            self._evidence_state
        )
        if rows is not None:
            ea, eb, eo_obj, eo_i, eo_j, eo_dt = (c[rows] for c in (ea, eb, eo_obj, eo_i, eo_j, eo_dt))
        # orient each closest pair by account: the post of the edge's first account first
        first_is_a = st.acc[eo_i] == ea
        row_a = np.where(first_is_a, st.row[eo_i], st.row[eo_j])
        row_b = np.where(first_is_a, st.row[eo_j], st.row[eo_i])
        return pa.Table.from_arrays(
            [
                acc_dict.take(pa.array(ea)),
                acc_dict.take(pa.array(eb)),
                pa.array(kinds, pa.string()).take(pa.array(obj_kind[eo_obj])),
                obj_dict.take(pa.array(eo_obj)),
                posts.take(pa.array(row_a)),
                posts.take(pa.array(row_b)),
                pa.array(ts[row_a], pa.int64()),
                pa.array(ts[row_b], pa.int64()),
                pa.array(eo_dt, pa.int64()),
            ],
            schema=EVIDENCE_SCHEMA,
        )

    @property
    def evidence_(self) -> pa.Table:
        """One row per (edge, object): the closest pair of posts (:data:`EVIDENCE_SCHEMA`)."""
        if "evidence_" in self.__dict__:
            return self.__dict__["evidence_"]
        if not hasattr(self, "_evidence_state"):
            raise AttributeError("evidence_: call fit() first")
        if self._evidence_table is None:
            self._evidence_table = self._build_evidence(None)
        return self._evidence_table

    @evidence_.setter
    def evidence_(self, value: pa.Table) -> None:
        self.__dict__["evidence_"] = value

    @property
    def significant_evidence_(self) -> pa.Table:
        """The evidence rows of significant edges only (what a detect run stores)."""
        if "evidence_" in self.__dict__:
            return self.__dict__["evidence_"]
        if not hasattr(self, "_evidence_state"):
            raise AttributeError("significant_evidence_: call fit() first")
        edge_of, significant = self._evidence_state[0], self._evidence_state[-1]
        return self._build_evidence(np.flatnonzero(significant[edge_of]))

    # -- pairs -----------------------------------------------------------------
    @property
    def pairs_(self) -> pa.Table:
        """Co-action pairs of the kept edges, older first (CooRTweet's columns plus ``kind``)."""
        if self.compat == "coortweet":
            return self.__dict__["pairs_"]
        if not hasattr(self, "_pair_state"):
            raise AttributeError("pairs_: call fit() first")
        if self._pairs_table is None:
            st, hi, caps, table, n_acc, edge_keys, obj_dict, acc_dict, obj_kind, kinds = self._pair_state
            keep_i, keep_j = [], []
            for ci, cj in iter_pair_chunks(st, hi, caps, int(self.chunk_pairs)):
                ai, aj = st.acc[ci], st.acc[cj]
                key = np.minimum(ai, aj) * n_acc + np.maximum(ai, aj)
                pos = np.minimum(np.searchsorted(edge_keys, key), max(edge_keys.shape[0] - 1, 0))
                ok = (ai != aj) & (edge_keys[pos] == key) if edge_keys.shape[0] else np.zeros(key.shape[0], bool)
                keep_i.append(ci[ok])
                keep_j.append(cj[ok])
            pi = np.concatenate(keep_i) if keep_i else np.empty(0, np.int64)
            pj = np.concatenate(keep_j) if keep_j else np.empty(0, np.int64)
            posts = table.column("post_id")
            self._pairs_table = pa.Table.from_arrays(
                [
                    obj_dict.take(pa.array(st.obj[pi])),
                    posts.take(pa.array(st.row[pi])),
                    posts.take(pa.array(st.row[pj])),
                    pa.array(st.ts[pj] - st.ts[pi], pa.int64()),
                    acc_dict.take(pa.array(st.acc[pi])),
                    acc_dict.take(pa.array(st.acc[pj])),
                    pa.array(kinds, pa.string()).take(pa.array(obj_kind[st.obj[pi]])),
                ],
                schema=PAIRS_SCHEMA,
            )
        return self._pairs_table

    @pairs_.setter
    def pairs_(self, value: pa.Table) -> None:
        self.__dict__["pairs_"] = value


#: Threads that reduce pair chunks side by side (results do not depend on it).
_THREADS = max(1, min(4, os.cpu_count() or 1))
#: Pairs per thread below which fewer threads are used (one below twice this).
PAIRS_PER_THREAD = 200_000


def _reduce_chunk(
    bounds: tuple[int, int],
    *,
    st: SortedTraces,
    hi: np.ndarray,
    caps: np.ndarray,
    n_acc: int,
    paired: np.ndarray,
    small: bool,
) -> tuple[np.ndarray, ...] | None:
    """The pairs of traces ``bounds`` reduced to one row per (account pair, object):
    key, object, pairs, sum of gaps, closest pair and its gap. Marks ``paired``."""
    pi, pj = pairs_between(bounds[0], bounds[1], hi, caps)
    ai, aj = st.acc[pi], st.acc[pj]
    key = np.minimum(ai, aj) * n_acc + np.maximum(ai, aj)
    loops = ai == aj
    n_pairs = pi.shape[0] - int(np.count_nonzero(loops))
    if not n_pairs:
        return None
    key[loops] = n_acc * n_acc  # above every account-pair key: loops sort last and are cut off
    order = np.argsort(key, kind="stable")[:n_pairs]  # keeps object order inside a key
    pi, pj = pi[order], pj[order]
    paired[pi] = True  # only ever set to True: chunks may share the array
    paired[pj] = True
    k, o, cnt, tot, bi, bj, bdt = reduce_edge_objects(key[order], st.obj[pi], st.ts[pj] - st.ts[pi], pi, pj)
    i32 = np.int32
    if small:  # 36 bytes per (edge, object) row instead of 56
        o, bi, bj = o.astype(i32), bi.astype(i32), bj.astype(i32)
    return k, o, cnt.astype(i32), tot, bi, bj, bdt.astype(i32)


def _unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based; faster than numpy's hash path on int64 keys)."""
    if x.shape[0] == 0:
        return x
    y = np.sort(x)
    return y[np.r_[True, y[1:] != y[:-1]]]


def _signals_json(per_kind: np.ndarray, kinds: list[str]) -> pa.Array:
    """``{"kind": count, …}`` per row of an (edges × kinds) count array.

    Rows are grouped by their count vector (few distinct ones), each formatted
    once, and the strings gathered with one ``take``.
    """
    n, k = per_kind.shape
    if n == 0:
        return pa.array([], pa.string())
    radix = per_kind.max(axis=0).astype(np.float64) + 1
    n_keys = float(np.prod(radix))  # count vectors as mixed-radix numbers
    mult = np.concatenate([[1], np.cumprod(radix[:-1])]).astype(np.int64) if n_keys < 2**62 else None
    if mult is not None and n_keys <= max(4 * n, 2**16):  # a small key range: numbered through a table, no sort
        key = per_kind[:, 0].astype(np.int64) if k == 1 else per_kind.astype(np.int64) @ mult
        seen = np.zeros(int(n_keys), bool)
        seen[key] = True
        group = (np.cumsum(seen) - 1)[key]
        reps = (np.flatnonzero(seen)[:, None] // mult) % radix.astype(np.int64)
    elif mult is not None:
        key = per_kind.astype(np.int64) @ mult
        order = np.argsort(key, kind="stable")
        sk = key[order]
        starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
        group = np.empty(n, np.int64)
        group[order] = np.cumsum(np.r_[True, sk[1:] != sk[:-1]]) - 1
        reps = per_kind[order[starts]]
    else:  # pragma: no cover - astronomically many distinct counts
        reps, group = np.unique(per_kind, axis=0, return_inverse=True)
    names = sorted(range(k), key=lambda i: kinds[i])
    texts = [json.dumps({kinds[i]: int(row[i]) for i in names if row[i]}) for row in reps.tolist()]
    return pa.array(texts, pa.string()).take(pa.array(group.ravel()))


def _kind_of(traces: pa.Table, objects: pa.ChunkedArray | pa.Array) -> pa.Array:
    """The trace kind of each object key in ``objects``."""
    first = traces.group_by("object_key", use_threads=False).aggregate([("kind", "min")])
    idx = pc.index_in(objects, value_set=first.column("object_key"))
    return first.column("kind_min").combine_chunks().take(idx)


def detect_pairs(traces: pa.Table, **params: Any) -> pa.Table:
    """Co-action pairs (:data:`PAIRS_SCHEMA`) of ``traces``; ``params`` as for :class:`CoordinationDetector`."""
    return CoordinationDetector(**params).fit(traces).pairs_


def coordinated_network(traces: pa.Table, **params: Any) -> pa.Table:
    """The edge table of ``traces``: :data:`EDGE_SCHEMA` in default mode,
    CooRTweet's edge columns with ``compat="coortweet"``."""
    return CoordinationDetector(**params).fit(traces).edges_
