"""CooRTweet-compatible co-sharing: ``detect_groups`` + ``generate_coordinated_network``.

Reproduces CooRTweet 2.1.3 (Righetti & Balluff, *CooRTweet: Coordinated
Networks Detection on Social Media*, R package; Giglietto et al. 2020,
*It takes a village to manipulate the media*, ICS 23(6)) row for row, quirks
included, so that results computed here can be compared with published ones:

1. rows with a missing object are dropped and exact duplicate rows removed
   (what CooRTweet's ``prep_data`` and the upstream vignettes do);
2. **pre-filter**: accounts with fewer than ``min_participation`` *rows* are
   dropped;
3. within each object every two rows whose times differ by at most
   ``time_window`` seconds (inclusive) form a pair; the older row comes first
   (``time_delta = |Δ|``); equal times keep CooRTweet's row order (rows grouped
   by account in order of first appearance, then input order);
4. with ``remove_loops``: pairs whose object equals either content id, whose
   two content ids are equal, or whose two accounts are equal are dropped;
5. **post-filter**: an account passes when it has at least
   ``min_participation`` rows whose content id occurs in a remaining pair; a
   pair is kept when *either* side's content id belongs to a passing account;
6. network: one undirected edge per account pair (``from`` < ``to``), weight =
   number of pairs, ``avg_time_delta``, ``n_content_id`` / ``n_content_id_y``
   (distinct older / newer content ids, *not* per account),
   ``edge_symmetry_score`` = min/max of the two, and ``weight_threshold`` = 1
   when the weight is strictly above the type-7 quantile ``edge_weight`` of
   all edge weights.

Pair finding uses the engine's sorted sliding window, never a per-object
cartesian product.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._encode import DEFAULT_CHUNK_PAIRS, encode, iter_pair_chunks, sort_traces, window_index

__all__ = [
    "COORTWEET_COLUMNS",
    "PAIR_COLUMNS",
    "EDGE_COLUMNS",
    "coortweet_pairs",
    "coortweet_network",
    "network_summary",
]

#: The input columns of CooRTweet's ``detect_groups``.
COORTWEET_COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")
#: ``detect_groups`` output columns.
PAIR_COLUMNS = ("object_id", "content_id", "content_id_y", "time_delta", "account_id", "account_id_y")
#: ``generate_coordinated_network`` edge attributes, as CooRTweet writes them.
EDGE_COLUMNS = (
    "from",
    "to",
    "weight",
    "avg_time_delta",
    "n_content_id",
    "n_content_id_y",
    "edge_symmetry_score",
    "weight_threshold",
)


def _strings(col: pa.ChunkedArray) -> pa.Array:
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    return col if pa.types.is_string(col.type) or pa.types.is_large_string(col.type) else pc.cast(col, pa.string())


def _prep(table: pa.Table) -> pa.Table:
    """Drop missing objects and exact duplicate rows, keeping the first occurrence in input order."""
    table = table.select(list(COORTWEET_COLUMNS))
    table = table.filter(pc.is_valid(table.column("object_id")))
    table = table.append_column("__row", pa.array(np.arange(table.num_rows, dtype=np.int64)))
    firsts = table.group_by(list(COORTWEET_COLUMNS), use_threads=False).aggregate([("__row", "min")])
    keep = np.sort(firsts.column("__row_min").to_numpy())
    return table.take(pa.array(keep)).drop_columns(["__row"])


def coortweet_pairs(
    table: pa.Table,
    *,
    time_window: int,
    min_participation: int,
    remove_loops: bool = True,
    chunk_pairs: int = DEFAULT_CHUNK_PAIRS,
) -> tuple[pa.Table, dict[str, Any]]:
    """CooRTweet's ``detect_groups`` on a table with :data:`COORTWEET_COLUMNS`.

    Returns the pairs table (:data:`PAIR_COLUMNS`) and a dict of counts (rows
    in, rows after prep and pre-filter, pairs before and after each filter).
    """
    info: dict[str, Any] = {"rows_in": table.num_rows}
    x = _prep(table)
    info["rows_prepared"] = x.num_rows
    acc_codes, acc_dict = encode(_strings(x.column("account_id")), sort_dictionary=False)
    # pre-filter: rows per account
    per_acc = np.bincount(acc_codes, minlength=len(acc_dict))
    keep = per_acc[acc_codes] >= min_participation
    x = x.filter(pa.array(keep))
    acc_codes = acc_codes[keep]
    info["rows_prefiltered"] = x.num_rows
    n = x.num_rows
    # CooRTweet's row order after `x[, if (.N >= m) .SD, by = account_id]`:
    # accounts in order of first appearance, rows of an account in input order.
    rank = np.empty(n, np.int64)
    rank[np.argsort(acc_codes, kind="stable")] = np.arange(n, dtype=np.int64)
    # one dictionary for objects and contents, so "object_id == content_id" is a code test
    obj_str = _strings(x.column("object_id"))
    con_str = _strings(x.column("content_id"))
    both, both_dict = encode(pa.concat_arrays([obj_str, con_str]), sort_dictionary=False)
    obj_codes, con_codes = both[:n], both[n:]
    ts = x.column("timestamp_share").to_numpy().astype(np.int64, copy=False)

    st = sort_traces(obj_codes, acc_codes, ts, rank)
    hi = window_index(st, time_window)
    pis, pjs = [], []
    for pi, pj in iter_pair_chunks(st, hi, None, chunk_pairs):
        # older first: sorted by (ts, rank), so i is the older (or, on ties, the earlier) row
        ri, rj = st.row[pi], st.row[pj]
        if remove_loops:
            ok = (
                (obj_codes[ri] != con_codes[ri])
                & (obj_codes[ri] != con_codes[rj])
                & (con_codes[ri] != con_codes[rj])
                & (acc_codes[ri] != acc_codes[rj])
            )
            ri, rj = ri[ok], rj[ok]
        pis.append(ri)
        pjs.append(rj)
    ri = np.concatenate(pis) if pis else np.empty(0, np.int64)
    rj = np.concatenate(pjs) if pjs else np.empty(0, np.int64)
    info["pairs_windowed"] = int(ri.shape[0])

    if min_participation >= 1 and ri.shape[0]:
        n_codes = len(both_dict)
        in_result = np.zeros(n_codes, bool)
        in_result[con_codes[ri]] = True
        in_result[con_codes[rj]] = True
        rows_in = in_result[con_codes]
        count = np.bincount(acc_codes[rows_in], minlength=len(acc_dict))
        passing_rows = rows_in & (count[acc_codes] >= min_participation)
        filt = np.zeros(n_codes, bool)
        filt[con_codes[passing_rows]] = True
        ok = filt[con_codes[ri]] | filt[con_codes[rj]]
        ri, rj = ri[ok], rj[ok]
    info["pairs"] = int(ri.shape[0])

    # CooRTweet's output order: objects in order of first appearance (in the
    # row order above); inside an object, by the newer row's position, then
    # the older row's (data.table's non-equi self-join on id < id).
    obj_first = np.full(len(both_dict), n, np.int64)
    np.minimum.at(obj_first, obj_codes, rank)
    r_i, r_j = rank[ri], rank[rj]
    order = np.lexsort((np.minimum(r_i, r_j), np.maximum(r_i, r_j), obj_first[obj_codes[ri]]))
    ri, rj = ri[order], rj[order]

    ts_i, ts_j = ts[ri], ts[rj]
    pairs = pa.table(
        {
            "object_id": obj_str.take(pa.array(ri)),
            "content_id": con_str.take(pa.array(ri)),
            "content_id_y": con_str.take(pa.array(rj)),
            "time_delta": pa.array(np.abs(ts_j - ts_i)),
            "account_id": acc_dict.take(pa.array(acc_codes[ri])),
            "account_id_y": acc_dict.take(pa.array(acc_codes[rj])),
        }
    )
    return pairs, info


def coortweet_network(pairs: pa.Table, *, edge_weight: float = 0.5) -> pa.Table:
    """CooRTweet's ``generate_coordinated_network`` edge table from a pairs table.

    Edges are undirected and listed in CooRTweet's order (first appearance of
    the account pair in ``pairs``), ``from`` being the account igraph numbers
    first.
    ``weight_threshold`` is 1 when ``weight`` is strictly greater than the
    type-7 (linear) quantile ``edge_weight`` of all weights.
    """
    if pairs.num_rows == 0:
        return pa.table(
            {
                "from": pa.array([], pa.string()),
                "to": pa.array([], pa.string()),
                "weight": pa.array([], pa.int64()),
                "avg_time_delta": pa.array([], pa.float64()),
                "n_content_id": pa.array([], pa.int64()),
                "n_content_id_y": pa.array([], pa.int64()),
                "edge_symmetry_score": pa.array([], pa.float64()),
                "weight_threshold": pa.array([], pa.int64()),
            }
        )
    a = _strings(pairs.column("account_id"))
    b = _strings(pairs.column("account_id_y"))
    codes, dictionary = encode(pa.concat_arrays([a, b]), sort_dictionary=True)
    n = pairs.num_rows
    ca, cb = codes[:n], codes[n:]
    lo, hi = np.minimum(ca, cb), np.maximum(ca, cb)  # pmin / pmax
    t = pa.table(
        {
            "lo": lo,
            "hi": hi,
            "first": np.arange(n, dtype=np.int64),
            "time_delta": pc.cast(pairs.column("time_delta"), pa.float64()),
            "content_id": pairs.column("content_id"),
            "content_id_y": pairs.column("content_id_y"),
        }
    )
    g = t.group_by(["lo", "hi"], use_threads=False).aggregate(
        [
            ("first", "min"),
            ("time_delta", "count"),
            ("time_delta", "mean"),
            ("content_id", "count_distinct"),
            ("content_id_y", "count_distinct"),
        ]
    )
    # data.table groups come out in order of first appearance
    g = g.sort_by([("first_min", "ascending")])
    g_lo = g.column("lo").to_numpy()
    g_hi = g.column("hi").to_numpy()
    # igraph's graph_from_data_frame numbers vertices by first appearance in
    # c(from_column, to_column) and lists each undirected edge from its
    # lower-numbered vertex: reproduce that orientation.
    m = len(g_lo)
    seq = np.concatenate([g_lo, g_hi])
    vid = np.full(len(dictionary), 2 * m, np.int64)
    np.minimum.at(vid, seq, np.arange(2 * m, dtype=np.int64))
    swap = vid[g_lo] > vid[g_hi]
    frm, to = np.where(swap, g_hi, g_lo), np.where(swap, g_lo, g_hi)
    weight = g.column("time_delta_count").to_numpy().astype(np.int64)
    n_c = g.column("content_id_count_distinct").to_numpy().astype(np.int64)
    n_cy = g.column("content_id_y_count_distinct").to_numpy().astype(np.int64)
    threshold = float(np.quantile(weight, edge_weight))  # numpy "linear" == R type 7
    return pa.table(
        {
            "from": dictionary.take(pa.array(frm)),
            "to": dictionary.take(pa.array(to)),
            "weight": weight,
            "avg_time_delta": g.column("time_delta_mean"),
            "n_content_id": n_c,
            "n_content_id_y": n_cy,
            "edge_symmetry_score": np.minimum(n_c, n_cy) / np.maximum(n_c, n_cy),
            "weight_threshold": (weight > threshold).astype(np.int64),
        }
    )


def network_summary(edges: pa.Table) -> dict[str, int]:
    """Graph sizes as in CooRTweet's summary: the full graph and the
    subgraph of edges with ``weight_threshold == 1`` (components counted there)."""
    out: dict[str, int] = {}
    for prefix, sub in (("full_graph", edges), ("graph", edges.filter(pc.equal(edges.column("weight_threshold"), 1)))):
        codes, dictionary = encode(
            pa.concat_arrays([_strings(sub.column("from")), _strings(sub.column("to"))]), sort_dictionary=True
        )
        m = sub.num_rows
        out[f"{prefix}_nodes"] = len(dictionary)
        out[f"{prefix}_edges"] = m
        if prefix == "graph":
            k = len(dictionary)
            if k:
                from scipy.sparse import coo_matrix  # imported here: scipy.sparse is slow to import
                from scipy.sparse.csgraph import connected_components

                adj = coo_matrix((np.ones(m), (codes[:m], codes[m:])), shape=(k, k))
                n_comp, labels = connected_components(adj, directed=False)
                out["components"] = int(n_comp)
                out["largest_component"] = int(np.bincount(labels).max())
            else:
                out["components"] = out["largest_component"] = 0
    return out
