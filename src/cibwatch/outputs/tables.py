"""CooRTweet- and Coordination-Network-Toolkit-compatible edge tables.

CooRTweet (Righetti & Balluff, 2023) edge columns; CNT (Graham et al., QUT DMRC) ``user_1,user_2,weight``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ParameterError
from ..store import Store
from . import data
from .safe import write_csv

COORTWEET_COLUMNS = [
    "from",
    "to",
    "weight",
    "avg_time_delta",
    "n_content_id",
    "n_content_id_y",
    "edge_symmetry_score",
    "weight_threshold",
]
CNT_COLUMNS = ["user_1", "user_2", "weight"]


def export_tables(
    store: Store,
    out_file: str | Path,
    *,
    campaign_id: str | None = None,
    run_id: str | None = None,
    flavour: str = "coortweet",
) -> Path:
    """Write the run's (or a campaign's) edges as a CooRTweet or CNT edge CSV, formula cells neutralised."""
    if flavour not in ("coortweet", "cnt"):
        raise ParameterError("flavour", "coortweet or cnt", flavour)
    run = data.resolve_run(store, run_id)
    es = data.edges(store, run, campaign_id)
    counts = {
        (r["a"], r["b"], r["kind"]): r["n"]
        for r in store.query(
            "SELECT a, b, 'x' AS kind, count(DISTINCT post_a) AS n FROM edge_evidence WHERE run_id = ? GROUP BY a, b",
            [run],
        )
    }
    counts_y = {
        (r["a"], r["b"]): r["n"]
        for r in store.query(
            "SELECT a, b, count(DISTINCT post_b) AS n FROM edge_evidence WHERE run_id = ? GROUP BY a, b", [run]
        )
    }
    thr = min((e["weight"] for e in es if e["weight"] is not None and e.get("significant")), default=None)
    if flavour == "cnt":
        return write_csv(Path(out_file), CNT_COLUMNS, ([e["a"], e["b"], e["weight"]] for e in es))
    rows = []
    for e in es:
        nx_ = counts.get((e["a"], e["b"], "x"), e["n_objects"])
        ny = counts_y.get((e["a"], e["b"]), e["n_objects"])
        sym = (min(nx_, ny) / max(nx_, ny)) if nx_ and ny else None
        rows.append([e["a"], e["b"], e["weight"], e["avg_time_delta"], nx_, ny, sym, thr])
    return write_csv(Path(out_file), COORTWEET_COLUMNS, rows)
