"""The default coordination mode: pairs, quirk fixes, down-weighting, null model, evidence."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from cibwatch.coordination import CoordinationDetector, coordinated_network, detect_pairs
from cibwatch.coordination.nullmodel import adamic_adar_weight, bh_qvalues
from cibwatch.errors import MissingColumnError, ParameterError
from coord_fixtures import pile_on_and_group, traces


def _edge_set(edges: pa.Table) -> set[tuple[str, str]]:
    return set(zip(edges.column("a").to_pylist(), edges.column("b").to_pylist(), strict=True))


def _members(edges: pa.Table) -> set[str]:
    return set(edges.column("a").to_pylist()) | set(edges.column("b").to_pylist())


@pytest.mark.parametrize("min_participation", [1, 2])
def test_pile_on_is_not_a_network_but_a_planted_group_is(min_participation):
    t = pile_on_and_group()
    det = CoordinationDetector(time_window=60, min_participation=min_participation, keep_all_edges=True).fit(t)
    sig = det.edges_.filter(det.edges_.column("significant"))
    bots = {f"x:bot{i:02d}" for i in range(20)}
    assert _members(sig) == bots
    assert sig.num_rows == 190  # every pair of the 20
    assert pc.min(sig.column("n_objects")).as_py() == 10
    viral = det.evidence_.filter(pc.equal(det.evidence_.column("object_key"), "reply:x:viral"))
    if min_participation == 1:
        assert viral.num_rows > 1000  # the pile-on produced many co-actions ...
    keys = {(e["a"], e["b"]) for e in viral.to_pylist()}
    assert not keys & _edge_set(sig)  # ... and none of them is significant


def test_null_model_expectation_grows_with_the_pile_on():
    small = CoordinationDetector(min_participation=1, max_pairs_per_trace=None, keep_all_edges=True).fit(
        pile_on_and_group(n_pile=100)
    )
    large = CoordinationDetector(min_participation=1, max_pairs_per_trace=None, keep_all_edges=True).fit(
        pile_on_and_group(n_pile=400)
    )

    def median_pile_p(det):
        e = det.edges_
        viral_pairs = {
            (r["a"], r["b"])
            for r in det.evidence_.filter(pc.equal(det.evidence_.column("object_key"), "reply:x:viral")).to_pylist()
        }
        mask = [
            (a, b) in viral_pairs for a, b in zip(e.column("a").to_pylist(), e.column("b").to_pylist(), strict=True)
        ]
        return float(np.median(np.asarray(e.column("p_value"))[mask]))

    assert median_pile_p(large) > median_pile_p(small)


def test_window_is_inclusive_and_loops_are_removed():
    t = traces(
        [
            ("x:a", "repost:x:1", "repost", "p1", 100),
            ("x:b", "repost:x:1", "repost", "p2", 160),  # exactly 60 s later
            ("x:c", "repost:x:1", "repost", "p3", 221),  # 61 s after b
            ("x:a", "repost:x:1", "repost", "p4", 130),  # a again: a loop with itself
        ]
    )
    pairs = detect_pairs(t, time_window=60, min_participation=1, keep_all_edges=True)
    got = {(r["account_id"], r["account_id_y"], r["time_delta"]) for r in pairs.to_pylist()}
    assert got == {("x:a", "x:b", 60), ("x:a", "x:b", 30), ("x:b", "x:c", 61)} - {("x:b", "x:c", 61)}
    assert all(r["account_id"] != r["account_id_y"] for r in pairs.to_pylist())


def test_pairs_are_older_first_with_absolute_delta():
    t = traces([("x:b", "url:u", "url", "late", 50), ("x:a", "url:u", "url", "early", 10)])
    p = detect_pairs(t, time_window=60, min_participation=1, keep_all_edges=True).to_pylist()
    assert p == [
        {
            "object_id": "url:u",
            "content_id": "early",
            "content_id_y": "late",
            "time_delta": 40,
            "account_id": "x:a",
            "account_id_y": "x:b",
            "kind": "url",
        }
    ]


def test_min_participation_applies_to_both_accounts():
    rows = []
    # a and b co-act on three objects; c co-acts with a on only one
    for k in range(3):
        rows += [("x:a", f"url:{k}", "url", f"a{k}", 1000 * k), ("x:b", f"url:{k}", "url", f"b{k}", 1000 * k + 5)]
    rows.append(("x:c", "url:0", "url", "c0", 3))
    edges = coordinated_network(traces(rows), min_participation=2, null_model="none")
    assert _edge_set(edges) == {("x:a", "x:b")}
    edges1 = coordinated_network(traces(rows), min_participation=1, null_model="none", min_objects=1)
    assert _edge_set(edges1) == {("x:a", "x:b"), ("x:a", "x:c"), ("x:b", "x:c")}


def test_duplicate_traces_are_collapsed():
    base = [("x:a", "url:u", "url", "a1", 0), ("x:b", "url:u", "url", "b1", 10)]
    once = CoordinationDetector(min_participation=1).fit(traces(base))
    twice = CoordinationDetector(min_participation=1).fit(traces(base + base))
    assert twice.info_["duplicates_collapsed"] == 2
    assert once.edges_.to_pylist() == twice.edges_.to_pylist()


def test_result_does_not_depend_on_input_order():
    t = pile_on_and_group(n_pile=50, n_background=300)
    perm = np.random.default_rng(0).permutation(t.num_rows)
    a = CoordinationDetector().fit(t)
    b = CoordinationDetector().fit(t.take(pa.array(perm)))
    assert a.edges_.to_pylist() == b.edges_.to_pylist()
    assert a.evidence_.to_pylist() == b.evidence_.to_pylist()


def test_per_signal_counts_and_downweighting():
    rows = []
    for k in range(3):  # a and b share 3 urls (only they) and 2 hashtags used by 8 accounts
        rows += [("x:a", f"url:{k}", "url", f"a{k}", 10_000 * k), ("x:b", f"url:{k}", "url", f"b{k}", 10_000 * k + 1)]
    for h in range(2):
        for acc in range(8):
            rows.append(
                (
                    f"x:{'ab'[acc] if acc < 2 else f'o{acc}'}",
                    f"hashtag:h{h}",
                    "hashtag",
                    f"h{h}_{acc}",
                    50_000 + 10_000 * h + acc,
                )
            )
    det = CoordinationDetector(min_participation=1, null_model="none").fit(traces(rows))
    ab = [e for e in det.edges_.to_pylist() if (e["a"], e["b"]) == ("x:a", "x:b")][0]
    assert json.loads(ab["signals"]) == {"hashtag": 2, "url": 3}
    assert ab["n_objects"] == 5
    # urls shared by 2 accounts weigh 1 each, hashtags shared by 8 weigh 1/log2(8) = 1/3
    assert ab["weight"] == pytest.approx(3 + 2 / 3)
    flat = CoordinationDetector(min_participation=1, null_model="none", popular_object_downweight=False).fit(
        traces(rows)
    )
    ab_flat = [e for e in flat.edges_.to_pylist() if (e["a"], e["b"]) == ("x:a", "x:b")][0]
    assert ab_flat["weight"] == 5


def test_popular_objects_are_capped_and_recorded():
    n = 1000
    rows = [(f"x:u{i}", "repost:x:viral", "repost", f"p{i}", i // 100) for i in range(n)]  # 1000 shares in 10 s
    det = CoordinationDetector(min_participation=1, max_pairs_per_trace=20, keep_all_edges=True).fit(traces(rows))
    assert det.info_["capped_objects"] == 1
    assert det.info_["capped_traces"] == n - 21  # all but the last 21 have more than 20 successors
    assert det.pairs_.num_rows <= n * 20
    exact = CoordinationDetector(min_participation=1, max_pairs_per_trace=None, keep_all_edges=True).fit(traces(rows))
    assert exact.pairs_.num_rows == n * (n - 1) // 2
    assert det.parameters_["max_pairs_per_trace"] == 20
    budget = CoordinationDetector(min_participation=1, max_pairs_per_object=3000, keep_all_edges=True).fit(traces(rows))
    assert budget.pairs_.num_rows == 3 * (n - 3) + 3  # 3 per trace, fewer for the last three
    assert budget.info_["capped_objects"] == 1


def test_evidence_rows_name_both_posts_and_the_gap():
    t = pile_on_and_group(n_pile=10, n_background=100)
    det = CoordinationDetector().fit(t)
    ev = det.evidence_.filter(
        pc.and_(pc.equal(det.evidence_.column("a"), "x:bot00"), pc.equal(det.evidence_.column("b"), "x:bot01"))
    )
    assert ev.num_rows == 10  # one row per object: the closest pair of posts
    for r in ev.to_pylist():
        assert r["post_a"].startswith("bot0_") and r["post_b"].startswith("bot1_")
        assert r["time_delta"] == abs(r["ts_a"] - r["ts_b"]) <= 60
        assert r["kind"] == "reply" and r["object_key"].startswith("reply:x:mp")


def test_edges_that_cannot_be_significant_are_counted_not_listed():
    t = pile_on_and_group()
    every = CoordinationDetector(min_participation=1, keep_all_edges=True).fit(t)
    listed = CoordinationDetector(min_participation=1).fit(t)
    assert listed.edges_.num_rows + listed.info_["edges_not_listed"] == every.edges_.num_rows
    assert listed.edges_.num_rows < every.edges_.num_rows / 10
    sig_every = every.edges_.filter(every.edges_.column("significant"))
    sig_listed = listed.edges_.filter(listed.edges_.column("significant"))
    assert sig_every.select(["a", "b", "p_value"]).to_pylist() == sig_listed.select(["a", "b", "p_value"]).to_pylist()
    # unlisted edges rank last in Benjamini–Hochberg: q-values can only be larger (conservative)
    assert all(
        x >= y - 1e-15 for x, y in zip(sig_listed["q_value"].to_pylist(), sig_every["q_value"].to_pylist(), strict=True)
    )


def test_chunking_does_not_change_the_result():
    t = pile_on_and_group(n_pile=60, n_background=400)
    a = CoordinationDetector(min_participation=1).fit(t)
    b = CoordinationDetector(min_participation=1, chunk_pairs=50).fit(t)
    assert a.edges_.to_pylist() == b.edges_.to_pylist()
    assert a.pairs_.num_rows == b.pairs_.num_rows


@pytest.mark.parametrize("chunk_pairs", [50, 10**9])
def test_chunks_reduced_on_threads_give_the_sequential_result(monkeypatch, chunk_pairs):
    import cibwatch.coordination.detector as detector

    t = pile_on_and_group(n_pile=60, n_background=400)
    monkeypatch.setattr(detector, "_THREADS", 1)
    one = CoordinationDetector(min_participation=1, chunk_pairs=chunk_pairs).fit(t)
    monkeypatch.setattr(detector, "_THREADS", 3)
    monkeypatch.setattr(detector, "PAIRS_PER_THREAD", 1)  # every input is split over the threads
    three = CoordinationDetector(min_participation=1, chunk_pairs=chunk_pairs).fit(t)
    assert one.edges_.num_rows > 0 and one.info_ == three.info_
    assert one.edges_.to_pylist() == three.edges_.to_pylist()
    assert one.evidence_.to_pylist() == three.evidence_.to_pylist()


def test_bh_qvalues_known_values():
    p = np.array([0.01, 0.04, 0.03, 0.5])
    q = bh_qvalues(p)
    assert q == pytest.approx([0.04, 0.04 * 4 / 3 * 3 / 4 * 4 / 3, 0.04 * 4 / 3 * 3 / 4 * 4 / 3, 0.5])
    assert adamic_adar_weight(np.array([2, 1024])) == pytest.approx([1.0, 0.1])


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"time_window": -1}, "time_window"),
        ({"time_window": 1.5}, "time_window"),
        ({"min_participation": 0}, "min_participation"),
        ({"compat": "cnt"}, "compat"),
        ({"edge_weight": 1.5}, "edge_weight"),
        ({"alpha": 0}, "alpha"),
        ({"null_model": "shuffle"}, "null_model"),
        ({"remove_loops": False}, "remove_loops"),
        ({"max_pairs_per_trace": 0}, "max_pairs_per_trace"),
        ({"min_objects": 0}, "min_objects"),
    ],
)
def test_parameters_are_validated_when_used(params, name):
    det = CoordinationDetector(**params)  # no work, no validation in __init__
    with pytest.raises(ParameterError) as exc:
        det.fit(traces([("x:a", "url:u", "url", "1", 0)]))
    assert exc.value.name == name
    assert f"'{name}' parameter of CoordinationDetector must be" in str(exc.value)
    assert repr(params[name]) in str(exc.value)


def test_missing_trace_column_is_named():
    with pytest.raises(MissingColumnError) as exc:
        CoordinationDetector().fit(pa.table({"account": ["x:a"], "object_key": ["u"], "ts": [1]}))
    assert "'kind' not found" in str(exc.value)


def test_empty_traces_give_empty_tables():
    det = CoordinationDetector().fit(traces([]))
    assert det.edges_.num_rows == 0 and det.evidence_.num_rows == 0 and det.pairs_.num_rows == 0


@pytest.mark.parametrize("n_kinds", [1, 3])
@pytest.mark.parametrize("scale", [1, 100_000])  # small count range (table) and large (sort)
def test_signal_counts_are_written_per_edge(n_kinds, scale):
    from cibwatch.coordination.detector import _signals_json

    per_kind = np.random.default_rng(n_kinds).integers(0, 5, (500, n_kinds)) * scale
    kinds = ["url", "repost", "hashtag"][:n_kinds]
    got = [json.loads(s) for s in _signals_json(per_kind, kinds).to_pylist()]
    assert got == [{kinds[i]: int(row[i]) for i in range(n_kinds) if row[i]} for row in per_kind]
