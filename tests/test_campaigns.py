"""Leiden campaigns on the significant account graph."""

from __future__ import annotations

import itertools
import json

import pyarrow as pa
import pytest

from cibwatch.campaigns import find_campaigns
from cibwatch.errors import ParameterError


def _edges(groups: list[list[str]], bridges: list[tuple[str, str]] = (), noise: list[tuple[str, str]] = ()) -> pa.Table:
    rows = []
    for g in groups:
        for a, b in itertools.combinations(sorted(g), 2):
            rows.append(
                {"a": a, "b": b, "weight": 3.0, "significant": True, "signals": json.dumps({"reply": 3, "url": 1})}
            )
    for a, b in bridges:
        rows.append(
            {"a": min(a, b), "b": max(a, b), "weight": 0.5, "significant": True, "signals": json.dumps({"hashtag": 1})}
        )
    for a, b in noise:
        rows.append(
            {"a": min(a, b), "b": max(a, b), "weight": 9.0, "significant": False, "signals": json.dumps({"url": 9})}
        )
    return pa.Table.from_pylist(rows)


BIG = [f"x:big{i:02d}" for i in range(12)]
SMALL = [f"facebook:small{i}" for i in range(6)]


def test_two_planted_groups_become_two_campaigns_numbered_by_size():
    edges = _edges(
        [SMALL, BIG], bridges=[(BIG[0], SMALL[0])], noise=[("x:n1", "x:n2"), ("x:n2", "x:n3"), ("x:n1", "x:n3")]
    )
    camps, members = find_campaigns(edges, seed=0)
    assert camps.column("campaign_id").to_pylist() == ["C01", "C02"]
    assert camps.column("size").to_pylist() == [12, 6]
    by = {}
    for m in members.to_pylist():
        by.setdefault(m["campaign_id"], set()).add(m["node"])
    assert by == {"C01": set(BIG), "C02": set(SMALL)}  # non-significant edges are ignored
    c1 = camps.to_pylist()[0]
    assert json.loads(c1["signals"]) == {"reply": 3 * 66, "url": 66}  # 66 internal edges, bridge excluded
    assert c1["score"] == pytest.approx(3.0 * 11)  # each member shares weight 3 with 11 others
    small_member = [m for m in members.to_pylist() if m["node"] == "facebook:small3"][0]
    assert (small_member["platform"], small_member["account_id"]) == ("facebook", "small3")


def test_min_size_drops_pairs():
    camps, members = find_campaigns(_edges([BIG[:2], SMALL]), min_size=3)
    assert camps.column("size").to_pylist() == [6]
    assert "x:big00" not in members.column("node").to_pylist()


def test_deterministic_for_a_seed_and_independent_of_row_order():
    edges = _edges([BIG, SMALL, [f"x:m{i}" for i in range(8)]], bridges=[(BIG[1], "x:m1"), (SMALL[2], "x:m3")])
    a = find_campaigns(edges, seed=3)
    b = find_campaigns(edges.take(pa.array(list(range(edges.num_rows))[::-1])), seed=3)
    assert a[0].to_pylist() == b[0].to_pylist()
    assert a[1].to_pylist() == b[1].to_pylist()


def test_first_and_last_seen_come_from_the_evidence():
    edges = _edges([SMALL])
    ev = pa.Table.from_pylist(
        [
            {"a": SMALL[0], "b": SMALL[1], "ts_a": 100, "ts_b": 130},
            {"a": SMALL[2], "b": SMALL[3], "ts_a": 900, "ts_b": 880},
            {"a": "x:other", "b": "x:zzz", "ts_a": 1, "ts_b": 99999},
        ]
    )
    camps, _ = find_campaigns(edges, ev)
    assert (camps.column("first_seen")[0].as_py(), camps.column("last_seen")[0].as_py()) == (100, 900)


def test_no_significant_edge_no_campaign():
    camps, members = find_campaigns(_edges([], noise=[("x:a", "x:b")]))
    assert camps.num_rows == 0 and members.num_rows == 0


@pytest.mark.parametrize(
    ("kw", "name"), [({"resolution": 0}, "resolution"), ({"min_size": 1}, "min_size"), ({"seed": -1}, "seed")]
)
def test_parameters_are_validated(kw, name):
    with pytest.raises(ParameterError) as exc:
        find_campaigns(_edges([SMALL]), **kw)
    assert exc.value.name == name
