"""Leiden campaigns on the significant account graph."""

from __future__ import annotations

import itertools
import json

import numpy as np
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


# ---------------------------------------------------------------------------
# operations: campaigns that push the same rare content
# ---------------------------------------------------------------------------
from cibwatch.campaigns import OperationLinks, _tail_at_least, link_operations  # noqa: E402

WAVES = {"C01": 6, "C02": 5, "C03": 5, "C04": 3, "C05": 20, "C06": 8}


def test_tail_of_a_sum_of_bernoullis_is_exact():
    probs = [0.1, 0.5, 0.25, 0.9]
    brute = [0.0] * 5
    for mask in itertools.product([0, 1], repeat=4):
        pr = 1.0
        for hit, p in zip(mask, probs, strict=True):
            pr *= p if hit else 1 - p
        brute[sum(mask)] += pr
    for k in range(6):
        assert _tail_at_least(probs, k) == pytest.approx(sum(brute[k:]))


def test_waves_that_push_the_same_rare_link_and_message_are_one_operation():
    objects = {
        "C01": {"domain:vidz.example", "crosslingual:m1", "reply:x:p1"},
        "C02": {"domain:vidz.example", "crosslingual:m1", "reply:x:p2"},
        "C03": {"crosslingual:m1", "reply:x:p3"},
        "C04": {"domain:vidz.example"},
        "C05": {"text_near:well-said", "reply:x:p9"},  # a pile-on: a generic reply many people post
        "C06": {"text_near:well-said", "domain:bigsite.example", "reply:x:p9"},
    }
    users = {"domain:vidz.example": 30, "crosslingual:m1": 14, "text_near:well-said": 900, "reply:x:p9": 400}
    ol = OperationLinks(alpha=0.01).fit(WAVES, objects, users, population=3000)
    assert [op["campaigns"] for op in ol.operations_] == [["C01", "C02", "C03", "C04"]]
    assert ol.operation_of_ == {c: "O01" for c in ("C01", "C02", "C03", "C04")}
    assert ol.objects_examined_ == 4  # every linkable object any campaign co-acted on is a test: the Bonferroni divisor
    tests = {t["object"]: t for t in ol.tests_}
    assert tests["domain:vidz.example"]["linked"] and tests["domain:vidz.example"]["p_value"] < 0.01 / 10
    assert tests["crosslingual:m1"]["linked"] and tests["crosslingual:m1"]["users"] == 14
    # a popular object shared by two groups is expected by chance and links nothing
    assert not tests["text_near:well-said"]["linked"] and tests["text_near:well-said"]["expected"] > 1
    assert not any(t.startswith("reply:") for t in tests)  # whom a group answers is not what it pushes
    assert ol.operations_[0]["accounts"] == 19 and {t["object"] for t in ol.operations_[0]["links"]} == {"domain:vidz.example", "crosslingual:m1"}


def test_objects_without_a_user_count_are_not_tested_and_two_waves_need_rarer_content():
    objects = {"C01": {"url:a", "url:b"}, "C02": {"url:a", "url:b"}}
    assert link_operations({"C01": 6, "C02": 5}, objects, {}, 3000) == []  # unknown popularity: no claim
    # two groups of 5-6 that both hold users of a link one account in eight posts: chance (p about 0.03)
    assert link_operations({"C01": 6, "C02": 5}, objects, {"url:a": 400}, 3000) == []
    ops = link_operations({"C01": 6, "C02": 5}, objects, {"url:a": 400, "url:b": 40}, 3000)
    assert [op["campaigns"] for op in ops] == [["C01", "C02"]]


def test_content_only_the_campaigns_post_links_them_even_when_it_is_not_rare():
    """Two big waves push the same video site and message: used by 190 of 4,500 accounts, which two
    campaigns of about 100 would often hold by chance (spread test), but 180 of its users are their own members."""
    sizes = {"C01": 106, "C02": 88, "C03": 28}
    objects = {"C01": {"domain:vids.example", "url:news"}, "C02": {"domain:vids.example", "url:news"}, "C03": {"hashtag:#deal"}}
    users = {"domain:vids.example": 190, "url:news": 400}
    spread_only = OperationLinks(alpha=0.01).fit(sizes, objects, users, population=4500)
    assert spread_only.operations_ == [] and "inside" not in spread_only.tests_[0]
    inside = {"domain:vids.example": 180, "url:news": 6}  # a news link most of whose readers are outside
    ol = OperationLinks(alpha=0.01).fit(sizes, objects, users, population=4500, inside=inside)
    assert [op["campaigns"] for op in ol.operations_] == [["C01", "C02"]]
    tests = {t["object"]: t for t in ol.tests_}
    vids, news = tests["domain:vids.example"], tests["url:news"]
    from scipy import stats

    def truncated_mean(n, q):  # E[X | X >= 2], X ~ Binomial(n, q)
        x = np.arange(2, n + 1)
        w = stats.binom.pmf(x, n, q)
        return (x * w).sum() / w.sum()

    assert vids["linked"] and vids["inside"] == 180
    assert vids["expected_inside"] == pytest.approx(truncated_mean(106, 190 / 4500) + truncated_mean(88, 190 / 4500))
    assert vids["p_value"] < 1e-100
    # 6 of 400 users inside: most of its users are outside, so only the spread test counts
    assert not news["linked"] and news["p_value"] == pytest.approx(min(1.0, 2 * spread_only.tests_[1]["p_value"]))
    # an inside count above the users (a caller's mistake) is capped, never an error
    capped = OperationLinks(alpha=0.01).fit(sizes, objects, users, population=4500, inside={"domain:vids.example": 999})
    assert {t["object"]: t for t in capped.tests_}["domain:vids.example"]["inside"] == 190


def test_concentration_tail_is_the_exact_truncated_convolution():
    from itertools import product

    from scipy import stats

    from cibwatch.campaigns import _concentration_tail

    sizes, q, k = [3, 4], 0.2, 2
    pmfs = []
    for n in sizes:
        w = np.array([stats.binom.pmf(x, n, q) if x >= k else 0.0 for x in range(n + 1)])
        pmfs.append(w / w.sum())
    for m in range(0, 9):
        brute = sum(pmfs[0][a] * pmfs[1][b] for a, b in product(range(4), range(5)) if a + b >= m)
        assert _concentration_tail(sizes, q, k, m)[0] == pytest.approx(brute)
    assert _concentration_tail(sizes, q, k, 0)[1] == pytest.approx(sum((np.arange(len(w)) * w).sum() for w in pmfs))
    assert _concentration_tail([1], 0.5, 2, 1) == (1.0, 1.0)  # a campaign too small to hold it: its whole size


def test_operation_links_validate_parameters():
    with pytest.raises(ParameterError, match="'alpha'"):
        OperationLinks(alpha=0).fit({}, {}, {}, 0)
    with pytest.raises(ParameterError, match="'min_users'"):
        OperationLinks(min_users=0).fit({}, {}, {}, 0)
