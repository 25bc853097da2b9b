"""CooRTweet 2.1.3 parity: pairs, edges and graph sizes match the upstream output on its own data."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from cibwatch.coordination import (
    CoordinationDetector,
    coortweet_network,
    coortweet_pairs,
    network_summary,
    read_table,
)

DATA = Path(__file__).parent / "data"
REF = DATA / "coortweet_reference"
INPUT = DATA / "coortweet" / "russian_coord_tweets.csv"
SELF_COORDINATING = "9fa51ef17278c01d13d313741eddfc0b"


@pytest.fixture(scope="module")
def tweets() -> pa.Table:
    return read_table(INPUT)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _pair_key(r: dict) -> tuple:
    return (r["object_id"], r["content_id"], r["content_id_y"], int(float(r["time_delta"])), r["account_id"], r["account_id_y"])


def _edge_key(r: dict) -> tuple:
    return (r["from"], r["to"], int(float(r["weight"])), int(float(r["n_content_id"])), int(float(r["n_content_id_y"])), int(float(r["weight_threshold"])))


def _edge_floats(r: dict) -> tuple[float, float]:
    return float(r["avg_time_delta"]), float(r["edge_symmetry_score"])


@pytest.mark.parametrize("window", [60, 10])
def test_pairs_match_reference(tweets, window):
    pairs, _ = coortweet_pairs(tweets, time_window=window, min_participation=2)
    ref = [_pair_key(r) for r in _rows(REF / f"russian_tw{window}_mp2_pairs.csv")]
    got = [_pair_key(r) for r in pairs.to_pylist()]
    assert len(got) == len(ref)
    assert set(got) == set(ref)
    assert got == ref  # even CooRTweet's row order


@pytest.mark.parametrize(("window", "mp"), [(60, 2), (30, 2), (10, 5)])
def test_filtered_edges_match_reference(tweets, window, mp):
    pairs, _ = coortweet_pairs(tweets, time_window=window, min_participation=mp)
    edges = coortweet_network(pairs, edge_weight=0.5)
    above = edges.filter(pc.equal(edges.column("weight_threshold"), 1)).to_pylist()
    ref = _rows(REF / f"russian_tw{window}_mp{mp}_ew0.5_edges.csv")
    got_by_key = {_edge_key(r): _edge_floats(r) for r in above}
    ref_by_key = {_edge_key(r): _edge_floats(r) for r in ref}
    assert set(got_by_key) == set(ref_by_key)
    for k, (avg, sym) in ref_by_key.items():
        assert math.isclose(got_by_key[k][0], avg, rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(got_by_key[k][1], sym, rel_tol=1e-9, abs_tol=1e-9)


def _summary_rows() -> list[dict[str, str]]:
    return _rows(REF / "coortweet_reference_summary.csv")


@pytest.mark.parametrize("row", _summary_rows(), ids=lambda r: f"tw{r['time_window']}_mp{r['min_participation']}")
def test_summary_counts_match_reference(tweets, row):
    pairs, info = coortweet_pairs(tweets, time_window=int(row["time_window"]), min_participation=int(row["min_participation"]))
    edges = coortweet_network(pairs, edge_weight=float(row["edge_weight_quantile"]))
    s = network_summary(edges)
    assert pairs.num_rows == int(row["coordinated_pairs_rows"])
    assert len(set(pairs.column("object_id").to_pylist())) == int(row["objects_in_result"])
    accounts = set(pairs.column("account_id").to_pylist()) | set(pairs.column("account_id_y").to_pylist())
    assert len(accounts) == int(row["accounts_in_result"])
    for col in ("full_graph_nodes", "full_graph_edges", "graph_nodes", "graph_edges", "components", "largest_component"):
        assert s[col] == int(row[col]), col
    assert info["rows_prepared"] == 35_124  # one exact duplicate removed


def test_node_components_match_reference(tweets):
    pairs, _ = coortweet_pairs(tweets, time_window=60, min_participation=2)
    edges = coortweet_network(pairs, edge_weight=0.5)
    above = edges.filter(pc.equal(edges.column("weight_threshold"), 1))
    nodes = {r["account_id"] for r in _rows(REF / "russian_tw60_mp2_ew0.5_nodes.csv")}
    assert set(above.column("from").to_pylist()) | set(above.column("to").to_pylist()) == nodes


def _traces(tweets: pa.Table) -> pa.Table:
    return pa.table(
        {
            "account": tweets.column("account_id"),
            "object_key": tweets.column("object_id"),
            "kind": pa.array(["repost"] * tweets.num_rows),
            "post_id": tweets.column("content_id"),
            "ts": pc.cast(tweets.column("timestamp_share"), pa.int64()),
        }
    )


def test_self_coordination_vanishes_only_with_remove_loops(tweets):
    traces = _traces(tweets)

    def self_pairs(remove_loops: bool) -> int:
        det = CoordinationDetector(time_window=10, min_participation=2, compat="coortweet", remove_loops=remove_loops).fit(traces)
        p = det.pairs_
        same = pc.and_(pc.equal(p.column("account_id"), SELF_COORDINATING), pc.equal(p.column("account_id_y"), SELF_COORDINATING))
        return int(pc.sum(same).as_py() or 0)

    assert self_pairs(False) >= 1
    assert self_pairs(True) == 0


def test_detector_compat_equals_function(tweets):
    det = CoordinationDetector(time_window=60, min_participation=2, compat="coortweet").fit(_traces(tweets))
    pairs, _ = coortweet_pairs(tweets, time_window=60, min_participation=2)
    assert det.pairs_.drop_columns(["kind"]).to_pylist() == pairs.to_pylist()
    assert det.edges_.num_rows == 3721
    assert set(det.pairs_.column("kind").to_pylist()) == {"repost"}
    assert det.evidence_.num_rows == pairs.num_rows


@pytest.mark.parametrize(("window", "mp"), [(60, 2), (10, 5)])
def test_cli_coshare_reproduces_reference(cli, tmp_path, window, mp):
    r = cli(
        "coshare", str(INPUT), "--object-col", "object_id", "--account-col", "account_id", "--content-col", "content_id",
        "--time-col", "timestamp_share", "--time-window", str(window), "--min-participation", str(mp), "--edge-weight", "0.5",
        "--compat", "coortweet", "--pairs-out", str(tmp_path / "pairs.csv"), "--edges-out", str(tmp_path / "edges.csv"),
    )
    assert r.exit_code == 0, r.stderr
    summary = {x["time_window"] + "/" + x["min_participation"]: x for x in _summary_rows()}[f"{window}/{mp}"]
    assert r.stdout.splitlines()[0] == (
        f"35125 rows -> {summary['coordinated_pairs_rows']} pairs, {summary['full_graph_edges']} edges "
        f"({summary['graph_edges']} above the weight threshold)"
    )
    pairs = _rows(tmp_path / "pairs.csv")
    assert list(pairs[0]) == ["object_id", "content_id", "content_id_y", "time_delta", "account_id", "account_id_y"]
    if (REF / f"russian_tw{window}_mp2_pairs.csv").exists() and mp == 2:
        assert {_pair_key(r) for r in pairs} == {_pair_key(r) for r in _rows(REF / f"russian_tw{window}_mp2_pairs.csv")}
    edges = _rows(tmp_path / "edges.csv")
    assert list(edges[0]) == ["from", "to", "weight", "avg_time_delta", "n_content_id", "n_content_id_y", "edge_symmetry_score", "weight_threshold"]
    above = {_edge_key(r) for r in edges if r["weight_threshold"] == "1"}
    assert above == {_edge_key(r) for r in _rows(REF / f"russian_tw{window}_mp{mp}_ew0.5_edges.csv")}
