"""Evaluation against ground truth, on hand-made runs with known answers."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cibwatch import Store
from cibwatch.errors import MissingColumnError, NoRunError, NotFoundError, ParameterError
from cibwatch.evaluate import evaluate

CAMP = [f"c{i}" for i in range(1, 11)]
ORG = [f"o{i}" for i in range(1, 21)]
HARD = [f"h{i}" for i in range(1, 6)]


@pytest.fixture
def truth(tmp_path):
    path = tmp_path / "truth.csv"
    rows = ["account_id,platform,role,campaign_id"]
    rows += [f"{a},x,campaign,spam-ca" for a in CAMP]
    rows += [f"{a},x,organic," for a in ORG]
    rows += [f"{a},x,hard_negative,hn-spam" for a in HARD]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_run(store: Store, campaigns: dict[str, tuple], kind: str = "detect") -> str:
    """``{campaign_id: (classification, members[, operation_id])}`` as a finished run."""
    run_id = store.new_run(kind, {"test": True}, 0)
    for cid, (cls, members, *op) in campaigns.items():
        profile = json.dumps({"assessment": {"operation": {"operation_id": op[0]} if op and op[0] else None}})
        store.execute("INSERT INTO campaigns (run_id, campaign_id, size, classification, profile) VALUES (?, ?, ?, ?, ?)",
                      [run_id, cid, len(members), cls, profile])
        for m in members:
            store.execute("INSERT INTO campaign_accounts (run_id, campaign_id, node, platform, account_id) VALUES (?, ?, ?, 'x', ?)",
                          [run_id, cid, f"x:{m}", m])
    store.finish_run(run_id, {})
    return run_id


HAND_RUN = {
    "A": ("state_style", CAMP[:6] + ["o1"]),
    "B": ("state_style", CAMP[6:8]),
    "C": ("unattributed", HARD + ["c9"]),
}


def test_metrics_on_a_hand_made_run(store, truth):
    run_id = write_run(store, HAND_RUN)
    res = evaluate(store, truth)
    assert res["run_id"] == run_id
    assert res["precision"] == pytest.approx(8 / 9)
    assert res["recall"] == pytest.approx(8 / 10)
    assert res["f1"] == pytest.approx(2 * (8 / 9) * 0.8 / (8 / 9 + 0.8))
    assert res["organic_flagged_share"] == pytest.approx(1 / 20) and res["organic_flagged"] == 1
    assert res["hard_negative_flagged"] == 0
    assert res["unattributed_flagged"] == 6 and res["unattributed_flagged_by_role"] == {"campaign": 1, "hard_negative": 5}
    assert res["purity_by_campaign"] == {"A": pytest.approx(6 / 7), "B": 1.0}
    assert res["purity"] == pytest.approx((6 / 7 + 1) / 2)
    assert res["completeness"] == pytest.approx(0.6)
    assert res["counts"]["state_style_campaigns"] == 2 and res["counts"]["truth_campaign_accounts"] == 10
    assert res["time_to_detection_days"] is None
    json.dumps(res)  # JSON-ready


def test_operation_purity_and_completeness(store, truth):
    write_run(store, {**HAND_RUN, "A": ("state_style", CAMP[:6] + ["o1"], "O01"), "B": ("state_style", CAMP[6:8], "O01")})
    res = evaluate(store, truth)
    assert res["completeness"] == pytest.approx(0.6)  # the best single campaign holds 6 of 10
    assert res["operation_completeness"] == pytest.approx(0.8)  # the operation A + B holds 8 of 10
    assert res["operation_purity"] == pytest.approx(8 / 9)  # one organic account among its 9
    write_run(store, HAND_RUN)  # no operation: each campaign is its own
    res = evaluate(store, truth)
    assert res["operation_completeness"] == res["completeness"] and res["operation_purity"] == pytest.approx(res["purity"])


def test_hard_negatives_in_a_state_style_campaign_are_counted(store, truth):
    write_run(store, {"A": ("state_style", CAMP + HARD[:2])})
    res = evaluate(store, truth)
    assert res["recall"] == 1.0 and res["precision"] == pytest.approx(10 / 12)
    assert res["hard_negative_flagged"] == 2 and res["hard_negative_flagged_by_group"] == {"hn-spam": 2}


def test_named_run_and_errors(store, truth, tmp_path):
    with pytest.raises(NoRunError):
        evaluate(store, truth)
    first = write_run(store, HAND_RUN)
    write_run(store, {"A": ("state_style", CAMP)})
    assert evaluate(store, truth)["recall"] == 1.0  # latest
    assert evaluate(store, truth, run_id=first)["recall"] == pytest.approx(0.8)
    with pytest.raises(NotFoundError):
        evaluate(store, truth, run_id="detect-nope")
    bad = tmp_path / "bad.csv"
    bad.write_text("account_id,platform,campaign_id\nc1,x,\n", encoding="utf-8")
    with pytest.raises(MissingColumnError) as exc:
        evaluate(store, bad)
    assert exc.value.column == "role" and "bad.csv" in str(exc.value)
    odd = tmp_path / "odd.csv"
    odd.write_text("account_id,platform,role,campaign_id\nc1,x,bot,\n", encoding="utf-8")
    with pytest.raises(ParameterError) as exc2:
        evaluate(store, odd)
    assert exc2.value.name == "role"
    with pytest.raises(NotFoundError):
        evaluate(store, tmp_path / "missing.csv")


DAY0 = dt.datetime(2023, 8, 7)


def _posts(store: Store) -> None:
    """Campaign accounts start posting four a day from DAY0; c1 also has an old life months earlier."""
    rows = []
    for i, acc in enumerate(CAMP):
        rows.append((acc, DAY0 + dt.timedelta(days=i // 4, hours=3)))
    rows.append(("c1", DAY0 - dt.timedelta(days=200)))
    rows += [(o, DAY0 - dt.timedelta(days=3)) for o in ORG]
    for n, (acc, ts) in enumerate(rows):
        store.execute("INSERT INTO posts (platform, post_id, account_id, created_at, source_id, ingested_at) VALUES ('x', ?, ?, ?, 'test', ?)",
                      [str(n), acc, ts, ts])


def fake_detect(store: Store):
    """A real (if simple) detector: every campaign account seen before ``until`` forms a state-style campaign."""
    calls = []

    def detect(until: dt.datetime) -> str:
        calls.append(until)
        seen = [r["account_id"] for r in store.query(
            "SELECT DISTINCT account_id FROM posts WHERE created_at < ? AND account_id LIKE 'c%' ORDER BY 1", [until])]
        return write_run(store, {"A": ("state_style", seen)} if seen else {})

    detect.calls = calls  # type: ignore[attr-defined]
    return detect


def test_time_to_detection_with_a_detect_callback(store, truth):
    _posts(store)
    scored = write_run(store, HAND_RUN)
    det = fake_detect(store)
    res = evaluate(store, truth, detect_fn=det)
    # day 1: 4 accounts, day 2: 8, day 3: 10 >= 10 (c1's old life 200 days earlier is not the campaign's start)
    assert res["time_to_detection_days"] == 3
    assert [d["campaign_accounts_flagged"] for d in res["time_to_detection"]["days"]] == [4, 8, 10]
    assert det.calls == [DAY0 + dt.timedelta(days=d) for d in (1, 2, 3)]
    assert res["time_to_detection"]["campaign_start"] == "2023-08-07"
    # the headline metrics describe the latest run before the day-by-day runs
    assert res["run_id"] == scored and res["recall"] == pytest.approx(0.8)


def test_time_to_detection_none_when_never_flagged(store, truth):
    _posts(store)
    write_run(store, HAND_RUN)
    det = fake_detect(store)
    res = evaluate(store, truth, detect_fn=det, min_detected_accounts=11)
    assert res["time_to_detection_days"] is None
    assert len(det.calls) == 3  # stops once a day's cut-off is past the last post
    with pytest.raises(ParameterError):
        evaluate(store, truth, detect_fn=det, min_detected_accounts=0)


def split_detect(store: Store, *, linked: bool):
    """Every campaign account seen before ``until``, in state-style campaigns of at most 4 (one per wave),
    all in one operation when ``linked``."""

    def detect(until: dt.datetime) -> str:
        seen = [r["account_id"] for r in store.query(
            "SELECT DISTINCT account_id FROM posts WHERE created_at < ? AND account_id LIKE 'c%' ORDER BY 1", [until])]
        waves = {f"W{i // 4}": ("state_style", seen[i:i + 4], "O01" if linked else None) for i in range(0, len(seen), 4)}
        waves["N"] = ("state_style", ["o1", "o2", "o3"], None)  # a separate operation never adds to the campaign's count
        return write_run(store, waves, kind="detect-probe")

    return detect


def test_time_to_detection_counts_an_operation_split_into_waves(store, truth):
    _posts(store)
    scored = write_run(store, HAND_RUN)
    res = evaluate(store, truth, detect_fn=split_detect(store, linked=True))
    assert res["time_to_detection_days"] == 3  # 10 accounts in three campaigns of one operation
    days = res["time_to_detection"]["days"]
    assert [d["campaign_accounts_flagged"] for d in days] == [4, 8, 10]
    assert [d["campaign_accounts_flagged_in_one_campaign"] for d in days] == [4, 4, 4]
    unlinked = evaluate(store, truth, run_id=scored, detect_fn=split_detect(store, linked=False))
    assert unlinked["time_to_detection_days"] is None  # no single campaign ever holds 10


def test_state_style_operations_are_counted(store, truth):
    write_run(store, {"A": ("state_style", CAMP[:3], "O01"), "B": ("state_style", CAMP[3:6], "O01"), "C": ("state_style", CAMP[6:8]),
                      "D": ("unattributed", HARD, "O02")})
    res = evaluate(store, truth)
    assert res["counts"]["state_style_campaigns"] == 3 and res["counts"]["state_style_operations"] == 2
    assert res["recall"] == pytest.approx(0.8) and res["unattributed_flagged_by_role"] == {"hard_negative": 5}


def test_cli_evaluate(cli, tmp_path, truth):
    db = tmp_path / "s.duckdb"
    with Store(str(db)) as s:
        run_id = write_run(s, HAND_RUN)
    r = cli("evaluate", "--truth", str(truth), "--db", str(db), "--json")
    assert r.exit_code == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["run_id"] == run_id and res["precision"] == pytest.approx(8 / 9) and res["hard_negative_flagged"] == 0
    assert {"precision", "recall", "f1", "organic_flagged_share", "hard_negative_flagged", "time_to_detection_days"} <= set(res)
    r = cli("evaluate", "--truth", str(truth), "--db", str(db))
    assert r.exit_code == 0
    assert "precision                       0.889" in r.stdout
    assert "organic accounts flagged        1 of 20 (5.00%)" in r.stdout
    r = cli("evaluate", "--truth", str(tmp_path / "none.csv"), "--db", str(db))
    assert r.exit_code == 1 and "truth file" in r.stderr
