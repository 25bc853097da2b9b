"""Assessment end to end on a hand-built store: evidence, scores, classification, explain."""

from __future__ import annotations

import json

import pytest

from assess_fixtures import build
from cibwatch import Store
from cibwatch.assess import AssessParams, assess_run, explain, noisy_or
from cibwatch.cases import import_cases
from cibwatch.errors import NotFoundError, ParameterError
from conftest import DATA

META = DATA / "meta_spamouflage" / "spamouflage_q2_2023.csv"
REQUIRED_KINDS = {"co_action", "text_near", "creation_batch", "handle_pattern", "schedule", "hijack", "low_reach", "known_case"}


@pytest.fixture
def assessed(store):
    sc = build(store)
    import_cases(store, META, name="Spamouflage (Meta Q2 2023)", case_id="meta-spamouflage-2023q2")
    res = assess_run(store, sc.run_id)
    return store, sc, res


def _campaign_rows(store, run_id, cid):
    rows = store.query("SELECT kind, detail, weight, posts, data FROM evidence WHERE run_id = ? AND subject_kind = 'campaign' AND subject_id = ?", [run_id, cid])
    return {r["kind"]: {**r, "data": json.loads(r["data"])} for r in rows}


def test_every_planted_indicator_is_in_the_campaign_evidence(assessed):
    store, sc, _ = assessed
    ev = _campaign_rows(store, sc.run_id, "camp-A")
    assert REQUIRED_KINDS | {"crosslingual", "burst"} <= set(ev)
    batch = ev["creation_batch"]["data"]["batches"]
    assert len(batch) == 1 and set(batch[0]["accounts"]) == set(sc.batch) and batch[0]["start"].startswith("2023-07-01")
    sched = ev["schedule"]["data"]
    assert sched["utc_offset"] == 8 and sched["foreign"] is True and "Beijing" in ev["schedule"]["detail"]
    assert set(ev["hijack"]["data"]["accounts"]) == set(sc.hijacked) and "Bengali" in ev["hijack"]["detail"]
    assert ev["burst"]["data"]["long_weekends"] == ["Labour Day"] and "2023-09-02" in ev["burst"]["detail"]
    assert "1 handle" in ev["known_case"]["detail"] and "attribution claim" in ev["known_case"]["detail"]
    assert ev["co_action"]["data"]["accounts"] == 20 and ev["co_action"]["posts"]
    assert ev["low_reach"]["data"]["flagged"] == 20
    assert "T0150.005" in ev["hijack"]["data"]["disarm"] and "T0084.001" in ev["text_near"]["data"]["disarm"]


def test_account_level_evidence_for_planted_accounts(assessed):
    store, sc, _ = assessed
    def kinds(node):
        return {r["kind"] for r in store.query("SELECT kind FROM evidence WHERE run_id = ? AND subject_kind = 'account' AND subject_id = ?", [sc.run_id, node])}
    for node in sc.hijacked:
        assert {"hijack", "schedule", "co_action", "text_near"} <= kinds(node)
    for node in sc.batch:
        assert {"creation_batch", "co_action"} <= kinds(node)
    assert "known_case" in kinds("x:a0")  # its handle is in Meta's list
    assert "handle_pattern" in kinds(sc.batch[1])


def test_classification_separates_state_style_from_domestic_spam(assessed):
    store, sc, res = assessed
    by = {c["campaign_id"]: c for c in res.campaigns}
    assert by["camp-A"]["classification"] == "state_style"
    assert {"foreign_schedule", "hijacked_accounts", "chinese_with_en_fr", "known_network"} == set(by["camp-A"]["signs"])
    assert by["camp-B"]["classification"] == "unattributed" and by["camp-B"]["signs"] == []
    ev_b = _campaign_rows(store, sc.run_id, "camp-B")
    assert {"co_action", "creation_batch", "low_reach"} <= set(ev_b) and "hijack" not in ev_b
    assert not ev_b.get("schedule", {"data": {"foreign": False}})["data"]["foreign"]
    stored = {r["campaign_id"]: r["classification"] for r in store.query("SELECT campaign_id, classification FROM campaigns WHERE run_id = ?", [sc.run_id])}
    assert stored == {"camp-A": "state_style", "camp-B": "unattributed"}


def test_scores_follow_the_documented_formula(assessed):
    store, sc, _ = assessed
    for c in store.query("SELECT campaign_id, score FROM campaigns WHERE run_id = ?", [sc.run_id]):
        w = [r["weight"] for r in store.query(
            "SELECT weight FROM evidence WHERE run_id = ? AND subject_kind = 'campaign' AND subject_id = ? AND kind <> 'known_case'", [sc.run_id, c["campaign_id"]])]
        assert 0 < c["score"] <= 1 and c["score"] == pytest.approx(noisy_or(w), abs=1e-6)
    members = store.query("SELECT node, score FROM campaign_accounts WHERE run_id = ?", [sc.run_id])
    assert len(members) == 28 and all(m["score"] is not None and 0 <= m["score"] <= 1 for m in members)
    node, score = members[0]["node"], members[0]["score"]
    w = [r["weight"] for r in store.query(
        "SELECT weight FROM evidence WHERE run_id = ? AND subject_kind = 'account' AND subject_id = ? AND kind <> 'known_case'", [sc.run_id, node])]
    assert score == pytest.approx(noisy_or(w), abs=1e-6)
    assert noisy_or([0.5, 0.5]) == 0.75 and noisy_or([]) == 0.0


def test_assessment_is_idempotent_and_records_parameters(assessed):
    store, sc, res = assessed
    n1 = store.query("SELECT count(*) AS n FROM evidence WHERE run_id = ?", [sc.run_id])[0]["n"]
    res2 = assess_run(store, sc.run_id)
    n2 = store.query("SELECT count(*) AS n FROM evidence WHERE run_id = ?", [sc.run_id])[0]["n"]
    assert n1 == n2 == res.evidence_rows == res2.evidence_rows
    assert store.query("SELECT count(*) AS n FROM threats WHERE run_id = ?", [sc.run_id])[0]["n"] == 4
    assert store.query("SELECT count(*) AS n FROM case_links WHERE run_id = ?", [sc.run_id])[0]["n"] == 1
    params = json.loads(store.query("SELECT parameters FROM runs WHERE run_id = ?", [sc.run_id])[0]["parameters"])
    assert params["assessment"]["alpha"] == 0.01 and params["assessment"]["weights"]["co_action"] == 0.7
    assert params["window"] == 60  # the detection parameters are kept


def test_profile_is_stored_with_the_assessment(assessed):
    store, sc, _ = assessed
    prof = json.loads(store.query("SELECT profile FROM campaigns WHERE run_id = ? AND campaign_id = 'camp-A'", [sc.run_id])[0]["profile"])
    assert prof["scale"]["accounts"] == 20 and prof["assessment"]["classification"] == "state_style"
    assert prof["assessment"]["known_networks"][0]["case_id"] == "meta-spamouflage-2023q2"


def test_campaign_without_significant_edges_is_not_coordinated(store):
    sc = build(store)
    store.execute("UPDATE edges SET significant = FALSE WHERE run_id = ? AND a LIKE 'x:s%'", [sc.run_id])
    res = assess_run(store, sc.run_id)
    by = {c["campaign_id"]: c for c in res.campaigns}
    assert by["camp-B"]["classification"] == "unattributed"
    e = explain(store, "camp-B", run_id=sc.run_id)
    assert e["finding"] == "no coordination beyond chance"
    assert not {r["kind"] for r in e["evidence"]} & {"co_action", "text_near"}


def test_explain_library_resolves_ids(assessed):
    store, sc, _ = assessed
    a = explain(store, "h0")
    assert a["id"] == "x:h0" and a["kind"] == "account" and a["campaign_id"] == "camp-A"
    assert explain(store, "@newsfan_0")["id"] == "x:h0"
    ev = {r["kind"]: r for r in a["evidence"]}
    assert ev["hijack"]["post_links"][0].startswith("https://x.com/i/status/")
    assert ev["co_action"]["data"]["examples"][0]["time_delta"] is not None
    outsider = explain(store, "x:o7")
    assert outsider["score"] == 0.0 and outsider["campaign_id"] is None and outsider["evidence"] == []
    with pytest.raises(NotFoundError, match="no campaign or account 'no-such-thing'") as e:
        explain(store, "no-such-thing")
    assert "cibwatch campaigns" in e.value.user_message()


def test_parameters_are_validated():
    with pytest.raises(ParameterError, match="'alpha'.*Got 2"):
        AssessParams(alpha=2).validate()
    with pytest.raises(ParameterError, match="weights"):
        AssessParams(weights={"co_action": 1.5}).validate()
    with pytest.raises(ParameterError, match="weights"):
        AssessParams(weights={"magic": 0.5}).validate()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "store.duckdb"
    with Store(path) as s:
        sc = build(s)
        import_cases(s, META, name="Spamouflage (Meta Q2 2023)", case_id="meta-spamouflage-2023q2")
        assess_run(s, sc.run_id)
    return str(path)


def test_explain_cli_json_shape(cli, db):
    r = cli("explain", "camp-A", "--json", "--db", db)
    assert r.exit_code == 0, r.stderr
    e = json.loads(r.stdout)
    assert {"id", "kind", "score", "evidence"} <= set(e) and e["id"] == "camp-A" and e["kind"] == "campaign"
    assert isinstance(e["score"], float) and 0 < e["score"] <= 1 and e["classification"] == "state_style"
    for row in e["evidence"]:
        assert {"kind", "detail", "posts", "weight", "post_links", "data"} <= set(row)
        assert isinstance(row["posts"], list) and row["detail"]
    assert REQUIRED_KINDS <= {row["kind"] for row in e["evidence"]}
    acc = json.loads(cli("explain", "x:h1", "--json", "--db", db).stdout)
    assert acc["kind"] == "account" and acc["id"] == "x:h1" and {"hijack", "co_action", "text_near", "schedule"} <= {r["kind"] for r in acc["evidence"]}


def test_explain_cli_text_reads_without_the_code(cli, db):
    r = cli("explain", "camp-A", "--db", db)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "Finding: coordinated inauthentic behaviour" in out and "Classification: state-style operation" in out
    assert "Link to a known network (a separate attribution claim, not part of the score)" in out
    assert "UTC+8 (Beijing" in out and "Labour Day long weekend" in out and "https://x.com/i/status/" in out
    assert "score = 1 − Π(1 − weight)" in out


def test_explain_cli_unknown_id(cli, db):
    r = cli("explain", "nope", "--db", db)
    assert r.exit_code == 1 and "no campaign or account 'nope'" in r.stderr and "cibwatch campaigns" in r.stderr


def test_assess_cli_reruns_the_latest_run(cli, db):
    r = cli("assess", "--json", "--db", db)
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert {c["campaign_id"]: c["classification"] for c in out["campaigns"]} == {"camp-A": "state_style", "camp-B": "unattributed"}


def test_assessment_of_a_real_detection_run(store):
    """The real engine's edges, evidence and campaigns feed the assessment unchanged."""
    import datetime as dt

    from assess_fixtures import EN, SINCE, TARGETS, Builder
    from cibwatch.pipeline import detect

    b = Builder(store, 5)
    rng = b.rng
    for tid, name, role, party, lang, handle, aid, contact in TARGETS:
        store.execute("INSERT INTO targets VALUES (?,?,?,?,?,?,?,?,?)", [tid, name, role, party, lang, contact, "x", handle, aid])
        b.account(aid, handle, dt.datetime(2012, 1, 1), followers=20000, description=role)
    roots = [b.post("t1", SINCE + dt.timedelta(days=d, hours=14), f"Statement {d}") for d in range(20)]
    for i in range(80):
        b.account(f"o{i}", f"citizen_{i}", dt.datetime(2011, 1, 1) + dt.timedelta(days=rng.randrange(4000)), followers=rng.randrange(50, 900), description="hi")
        for k in range(10):
            r = rng.randrange(20)
            b.post(f"o{i}", SINCE + dt.timedelta(days=r, hours=rng.randrange(18, 30), minutes=rng.randrange(60)), f"opinion {i} {k} on this",
                   reply_to="t1", reply_to_post=roots[r], root=roots[r])
    bots = [b.account(f"c{i}", f"Zoe{rng.randrange(10**7, 10**8)}", dt.datetime(2023, 7, 1, i), followers=1) for i in range(8)]
    weekdays = [d for d in range(20) if (SINCE + dt.timedelta(days=d)).weekday() < 5][:10]
    for r in weekdays:
        base = SINCE + dt.timedelta(days=r, hours=rng.choice([1, 2, 3, 6, 7, 8]))
        for i in range(8):
            b.post(f"c{i}", base + dt.timedelta(seconds=rng.randrange(50)), EN.format(name="Alex Martin", n=r), reply_to="t1",
                   reply_to_post=roots[r], root=roots[r], urls=[f"https://vidz.example/v/{r}"])
    b.flush()
    run = detect(store, window=60, since=SINCE, until=SINCE + dt.timedelta(days=40))
    res = assess_run(store, run)
    assert len(res.campaigns) == 1
    cid = res.campaigns[0]["campaign_id"]
    members = {r["node"] for r in store.query("SELECT node FROM campaign_accounts WHERE run_id = ? AND campaign_id = ?", [run, cid])}
    assert members == set(bots)
    e = explain(store, cid, run_id=run)
    kinds = {r["kind"] for r in e["evidence"]}
    assert {"co_action", "text_near", "schedule", "creation_batch", "handle_pattern", "low_reach"} <= kinds
    text_row = next(r for r in e["evidence"] if r["kind"] == "text_near")
    assert "A critic in Vancouver" in text_row["detail"] and text_row["post_links"]
    assert e["classification"] == "unattributed"  # English only, no hijack, no known case: one state-style sign is not enough
    assert {t["target"]: t["level"] for t in res.threats}["T1"] == "harassment"


def test_explain_text_neutralises_terminal_control_characters(cli, tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        sc = build(s)
        s.execute("UPDATE accounts SET handle = ? WHERE account_id = 'h0'", ["evil\x1b[2J\u202ehandle"])
        assess_run(s, sc.run_id)
    r = cli("explain", "x:h0", "--db", str(path))
    assert r.exit_code == 0, r.stderr
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout and "@evil?[2J?handle" in r.stdout


def test_bare_account_id_on_two_platforms_is_ambiguous(assessed):
    store, sc, _ = assessed
    store.execute("INSERT INTO accounts (platform, account_id, handle) VALUES ('facebook', 'o7', 'someone')")
    with pytest.raises(NotFoundError, match="several accounts: facebook:o7, x:o7") as e:
        explain(store, "o7")
    assert "platform:account_id" in e.value.user_message()
    assert explain(store, "facebook:o7")["id"] == "facebook:o7"
    assert explain(store, "a1")["id"] == "x:a1"  # campaign members resolve first


# ---------------------------------------------------------------------------
# an early-stage flood split into one community per wave
# ---------------------------------------------------------------------------
@pytest.fixture
def early(store):
    from assess_fixtures import build_early

    sc = build_early(store)
    return store, sc, assess_run(store, sc.run_id)


def test_early_flood_split_into_waves_is_one_state_style_operation(early):
    store, sc, res = early
    by = {c["campaign_id"]: c for c in res.campaigns}
    ops = {by[w]["operation_id"] for w in sc.waves}
    assert len(ops) == 1 and None not in ops
    for w in sc.waves:
        assert by[w]["classification"] == "state_style"
        assert {"hijacked_accounts", "chinese_with_en_fr"} <= set(by[w]["signs"])
    prof = json.loads(store.query("SELECT profile FROM campaigns WHERE run_id = ? AND campaign_id = 'W3'", [sc.run_id])[0]["profile"])
    assert prof["assessment"]["own_signs"] == []  # French only, no hijack: W3 alone shows no sign
    assert prof["assessment"]["operation"]["campaigns"] == ["W1", "W2", "W3", "W4"] and prof["assessment"]["operation"]["accounts"] == 20
    row = _campaign_rows(store, sc.run_id, "W3")["operation"]
    assert set(row["data"]["campaigns"]) == set(sc.waves) and "hijacked_accounts" in row["data"]["signs"]
    assert {"url:https://vidz.example/v/7", "text_near:early"} <= {t["object"] for t in row["data"]["links"]}
    assert row["data"]["findings"]["hijacked"] == [{"campaign_id": "W1", "account": sc.hijacked}]
    assert "one of 4 campaigns" in row["detail"] and "https://vidz.example/v/7" in row["detail"] and "@" in row["detail"]
    assert "youtube" not in row["detail"]


def test_each_wave_alone_has_too_few_signs(store):
    from assess_fixtures import build_early

    sc = build_early(store)
    res = assess_run(store, sc.run_id, params=AssessParams(link_operations=False))
    by = {c["campaign_id"]: c for c in res.campaigns}
    assert {w: by[w]["signs"] for w in sc.waves} == {"W1": ["hijacked_accounts"], "W2": ["chinese_with_en_fr"], "W3": [], "W4": []}
    assert all(by[w]["classification"] == "unattributed" and by[w]["operation_id"] is None for w in sc.waves)
    assert not store.query("SELECT 1 FROM evidence WHERE run_id = ? AND kind = 'operation'", [sc.run_id])


def test_hard_negatives_stay_unattributed_next_to_an_early_flood(early):
    store, sc, res = early
    by = {c["campaign_id"]: c for c in res.campaigns}
    spam_ops = {by[s]["operation_id"] for s in sc.spam}
    assert len(spam_ops) == 1 and None not in spam_ops  # the spam waves are one operation too ...
    assert spam_ops.isdisjoint({by[w]["operation_id"] for w in sc.waves})  # ... never joined to the flood by YouTube links
    for cid in [*sc.spam, "G"]:
        assert by[cid]["classification"] == "unattributed" and by[cid]["signs"] == []
    assert by["G"]["operation_id"] is None  # a generic "Well said!" links nothing
    s1 = _campaign_rows(store, sc.run_id, "S1")["operation"]
    assert "no state-style sign" in s1["detail"] and "bestdealz.example" in s1["detail"]
    assert all(t["object"] != "domain:youtube.com" for t in s1["data"]["links"])


def test_explain_shows_the_operation(early):
    store, sc, _ = early
    e = explain(store, "W4", run_id=sc.run_id)
    assert e["classification"] == "state_style" and {s["sign"] for s in e["state_style_signs"]} >= {"hijacked_accounts", "chinese_with_en_fr"}
    op = next(r for r in e["evidence"] if r["kind"] == "operation")
    assert op["claim"] == "detection" and 0 < op["weight"] <= 0.6 and op["data"]["disarm"] == ["T0049", "T0049.005"]
