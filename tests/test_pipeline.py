"""The detect pipeline and the `detect` / `campaigns` commands on a store."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cibwatch import Store, pipeline
from cibwatch.campaigns import campaigns_report
from cibwatch.errors import NoRunError, NotFoundError, ParameterError
from coord_fixtures import add_posts

BOTS = [f"bot{i:02d}" for i in range(20)]


def _scenario(store, seed: int = 3) -> None:
    """An MP with 10 posts; 20 accounts reply to each within 40 s with the same link;
    300 organic accounts reply at random times; 150 of them also pile on a viral post."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(10):
        rows.append({"post_id": f"mp{p}", "account_id": "mp1", "created_at": p * 9000, "text": f"Statement {p}"})
        for i, bot in enumerate(BOTS):
            rows.append(
                {
                    "post_id": f"{bot}_{p}",
                    "account_id": bot,
                    "created_at": p * 9000 + 60 + int(rng.integers(0, 40)),
                    "text": f"Shame on you MP! variant {i % 3}",
                    "reply_to_post_id": f"mp{p}",
                    "reply_to_account_id": "mp1",
                    "root_post_id": f"mp{p}",
                    "urls": ["https://vid.example/deepfake?utm_source=x"],
                    "mentions": ["@MP_One"],
                }
            )
    rows.append({"post_id": "viral", "account_id": "mp1", "created_at": 50_000, "text": "Big news"})
    for a in range(300):
        for k in range(3):
            rows.append(
                {
                    "post_id": f"o{a}_{k}",
                    "account_id": f"org{a:03d}",
                    "created_at": int(rng.integers(0, 200_000)),
                    "text": f"my own opinion {a} {k}",
                    "reply_to_post_id": f"mp{int(rng.integers(0, 10))}",
                    "reply_to_account_id": "mp1",
                }
            )
        if a < 150:
            rows.append(
                {
                    "post_id": f"v{a}",
                    "account_id": f"org{a:03d}",
                    "created_at": 50_010 + int(rng.integers(0, 60)),
                    "text": "Well said!",
                    "reply_to_post_id": "viral",
                    "reply_to_account_id": "mp1",
                    "root_post_id": "viral",
                }
            )
    add_posts(store, rows)
    store.execute(
        "INSERT INTO targets (target_id, name, platform, handle, account_id) VALUES ('T1', 'MP One', 'x', 'MP_One', 'mp1')"
    )


def test_detect_finds_the_planted_campaign_and_not_the_pile_on(store):
    _scenario(store)
    run_id = pipeline.detect(store, window=60, min_participation=2, seed=0)
    run = store.latest_run("detect")
    assert run["run_id"] == run_id and run["status"] == "complete" and run["seed"] == 0
    assert run["parameters"]["window"] == 60 and "reply" in run["parameters"]["signals"]
    s = run["summary"]
    assert s["campaigns"] == 1 and s["significant_edges"] == 190
    report = campaigns_report(store)
    (c,) = report["campaigns"]
    assert c["id"] == "C01" and c["size"] == 20
    assert c["accounts"] == [f"x:{b}" for b in BOTS]
    assert c["targets"] == ["T1"]
    # the assessment stage ran inside the run: coordinated, but with no state-style signs
    assert c["classification"] == "unattributed"
    assert set(c["signals"]) >= {"reply", "url", "domain", "mention"}
    sig_nodes = {r["a"] for r in store.query("SELECT a FROM edges WHERE run_id = ? AND significant", [run_id])}
    assert all(n.startswith("x:bot") for n in sig_nodes)
    # evidence rows back every significant edge, and only those
    ev = store.query("SELECT DISTINCT a, b FROM edge_evidence WHERE run_id = ?", [run_id])
    assert len(ev) == 190
    row = store.query("SELECT * FROM edge_evidence WHERE run_id = ? AND kind = 'url' ORDER BY a, b LIMIT 1", [run_id])[
        0
    ]
    assert row["object_key"] == "url:https://vid.example/deepfake" and row["time_delta"] <= 60
    assert abs((row["ts_b"] - row["ts_a"]).total_seconds()) == row["time_delta"]


def test_signals_since_until_are_applied_and_recorded(store):
    _scenario(store)
    # the bots share one link only: one object, however often, is not a network
    run_id = pipeline.detect(store, signals="url,domain", since="2023-09-01T00:00:00Z", until="2023-09-01T12:00:00")
    run = store.latest_run()
    assert run["parameters"]["signals"] == ["url", "domain"]
    assert run["parameters"]["until"] == "2023-09-01T12:00:00"
    assert run["summary"]["traces_by_signal"] == {"url": 20 * 5, "domain": 20 * 5}  # 5 MP posts before noon
    assert run["summary"]["significant_edges"] == 0
    assert store.query("SELECT count(*) AS n FROM campaigns WHERE run_id = ?", [run_id])[0]["n"] == 0
    # with the threads they reply in, the same period shows the campaign
    run_id = pipeline.detect(store, signals=["reply", "url"], until="2023-09-01T12:00:00")
    run = store.latest_run()
    assert run["run_id"] == run_id and run["summary"]["significant_edges"] == 190
    assert store.query("SELECT size FROM campaigns WHERE run_id = ?", [run_id]) == [{"size": 20}]


def test_post_campaign_stages_run_and_a_failure_leaves_no_half_run(store, monkeypatch):
    _scenario(store)
    seen = []

    def record(s, run_id):
        seen.append((run_id, s.query("SELECT count(*) AS n FROM campaigns WHERE run_id = ?", [run_id])[0]["n"]))

    monkeypatch.setattr(pipeline, "POST_CAMPAIGN_STAGES", (record,))
    ok = pipeline.detect(store)
    assert seen == [(ok, 1)]

    def broken(s, run_id):
        raise RuntimeError("assessment exploded")

    monkeypatch.setattr(pipeline, "POST_CAMPAIGN_STAGES", (broken,))
    with pytest.raises(RuntimeError, match="assessment exploded"):
        pipeline.detect(store)
    failed = store.query("SELECT run_id, status, summary FROM runs WHERE status = 'failed'")
    assert len(failed) == 1 and "assessment exploded" in failed[0]["summary"]
    for table in ("edges", "edge_evidence", "campaigns", "campaign_accounts"):
        assert store.query(f"SELECT count(*) AS n FROM {table} WHERE run_id = ?", [failed[0]["run_id"]])[0]["n"] == 0  # noqa: S608
    assert store.latest_run()["run_id"] == ok


@pytest.mark.parametrize(
    ("kw", "name"),
    [
        ({"signals": "url,nope"}, "signals"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2023-09-02", "until": "2023-09-01"}, "until"),
        ({"window": -5}, "time_window"),
        ({"engine": "hadoop"}, "engine"),
    ],
)
def test_bad_parameters_are_named(store, kw, name):
    with pytest.raises(ParameterError) as exc:
        pipeline.detect(store, **kw)
    assert exc.value.name == name


def test_campaigns_report_errors(store):
    with pytest.raises(NoRunError):
        campaigns_report(store)
    with pytest.raises(NotFoundError, match="no run 'detect-x'"):
        campaigns_report(store, "detect-x")


def test_cli_detect_and_campaigns(cli, tmp_path):
    db = tmp_path / "cw.duckdb"
    with Store(db) as s:
        _scenario(s)
    r = cli("detect", "--window", "60", "--min-participation", "2", "--seed", "1", "--db", str(db))
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("run: detect-")
    run_id = lines[0].removeprefix("run: ")
    assert lines[1].startswith("signals: ") and "reply" in lines[1] and "url" in lines[1]
    assert lines[3].startswith("edges: ") and lines[4] == "significant edges: 190" and lines[5] == "campaigns: 1"
    r = cli("campaigns", "--json", "--db", str(db))
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["run_id"] == run_id and out["parameters"]["window"] == 60
    (c,) = out["campaigns"]
    assert {"id", "accounts", "size", "score", "signals", "targets", "classification"} <= set(c)
    assert c["size"] == 20 and c["targets"] == ["T1"]
    r = cli("campaigns", "--db", str(db))
    assert r.exit_code == 0 and "C01" in r.stdout and "T1" in r.stdout
    r = cli("campaigns", "--run", "detect-nope", "--db", str(db))
    assert r.exit_code == 1 and r.stderr.startswith("Error: no run 'detect-nope'")


def test_cli_detect_bad_signal_is_one_line(cli, tmp_path):
    r = cli("detect", "--signals", "url,bogus", "--db", str(tmp_path / "x.duckdb"))
    assert r.exit_code == 1
    assert r.stderr.strip().startswith("Error: The 'signals' parameter must be a comma-separated list of")
    assert "'bogus'" in r.stderr


def test_engine_is_chosen_in_one_place():
    from cibwatch.engines import get_engine
    from cibwatch.errors import CibwatchError

    assert get_engine("duckdb").name == "duckdb"
    with pytest.raises(CibwatchError, match="Spark engine"):
        get_engine("spark")
    with pytest.raises(ParameterError) as exc:
        get_engine("hadoop")
    assert exc.value.name == "engine"


def test_probe_runs_never_become_the_latest_detect_run(store):
    _scenario(store)
    main_run = pipeline.detect(store, seed=0)
    probe = pipeline.detect(store, seed=0, run_kind="detect-probe")
    assert probe != main_run
    assert store.latest_run("detect")["run_id"] == main_run
    assert store.latest_run("detect-probe")["run_id"] == probe
    # the probe run is complete and assessed like any other
    assert store.query("SELECT count(*) AS n FROM campaigns WHERE run_id = ? AND classification IS NOT NULL", [probe])[0]["n"] >= 1
    with pytest.raises(ParameterError):
        pipeline.detect(store, run_kind="nightly")


def _typo_flood(store) -> None:
    """8 accounts post one long message with a different one-letter typo each, under 3 posts."""
    base = "The minister lied to parliament about the housing figures and must resign before the election"
    rows = []
    for p in range(3):
        rows.append({"post_id": f"mp{p}", "account_id": "mp1", "created_at": p * 9000, "text": f"Statement {p}"})
        for i in range(8):
            pos = 10 + 7 * i
            typo = base[:pos] + "x" + base[pos + 1 :]
            rows.append(
                {
                    "post_id": f"b{i}_{p}",
                    "account_id": f"bot{i}",
                    "created_at": p * 9000 + 30 + 5 * i,
                    "text": typo,
                    "reply_to_post_id": f"mp{p}",
                    "reply_to_account_id": "mp1",
                }
            )
    add_posts(store, rows)


def test_signal_params_reach_the_signals_and_are_recorded(store, cli, tmp_path):
    _typo_flood(store)
    loose = pipeline.detect(store, signals="text_near", seed=0)
    strict = pipeline.detect(store, signals="text_near", seed=0, signal_params={"text_threshold": 1.0})
    summaries = {
        r["run_id"]: (json.loads(r["summary"]), json.loads(r["parameters"]))
        for r in store.query("SELECT run_id, summary, parameters FROM runs WHERE run_id IN (?, ?)", [loose, strict])
    }
    # one post per text: the 8 typo variants form one shared cluster at the default threshold, none at 1.0
    shared = {
        run: store.query("SELECT n_accounts FROM text_clusters WHERE run_id = ? ORDER BY n_accounts", [run])
        for run in (loose, strict)
    }
    assert shared[loose] == [{"n_accounts": 8}]
    assert shared[strict] == []
    assert summaries[strict][1]["signal_params"] == {"text_threshold": 1.0}
    assert summaries[loose][1]["signal_params"] == {}
    with pytest.raises(ParameterError, match="text_treshold"):
        pipeline.detect(store, signal_params={"text_treshold": 0.5})
    with pytest.raises(ParameterError):
        pipeline.detect(store, signal_params={"text_scope": "planet"})


def test_cli_detect_param(cli, tmp_path):
    db = tmp_path / "cw.duckdb"
    with Store(db) as s:
        _typo_flood(s)
    r = cli("detect", "--signals", "text_near", "--param", "text_threshold=1.0", "--db", str(db))
    assert r.exit_code == 0, r.stderr
    with Store(db) as s:
        params = s.latest_run("detect")["parameters"]
    assert params["signal_params"] == {"text_threshold": 1.0}
    r = cli("detect", "--param", "text_threshold", "--db", str(db))
    assert r.exit_code == 1 and "NAME=VALUE" in r.stderr
