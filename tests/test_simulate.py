"""The scenario simulator: formats, determinism, parameters and every planted property."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from cibwatch.errors import ParameterError
from cibwatch.simulate import ScenarioParams, simulate
from cibwatch.simulate.texts import REAL_NAME_BLOCKLIST

UTC = dt.UTC
X_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")
FB_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$")
#: A smaller world for tests that generate several times.
TINY = ["n_targets=60", "n_targeted=10", "n_organic_accounts=400", "n_organic_posts=2500", "viral_replies=100",
        "pileon_accounts=40", "n_campaign_accounts=60", "n_campaign_posts=400"]


def load(out: Path) -> dict:
    """Parse every export into flat post records (platform, id, account, ts, text, lang, author...)."""
    posts = []
    for f in sorted((out / "exports" / "x").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            if "data" in obj:
                assert set(obj) >= {"data", "includes", "meta"} and obj["meta"]["result_count"] == len(obj["data"])
                users = {u["id"]: u for u in obj["includes"]["users"]}
                tweets = [{**t, "author": users[t["author_id"]]} for t in obj["data"]]
            else:
                tweets = [obj]
            for t in tweets:
                assert X_TIME.match(t["created_at"]), t["created_at"]
                assert t["author"]["id"] == t["author_id"]
                posts.append({"platform": "x", "id": t["id"], "account": t["author_id"], "text": t["text"],
                              "lang": t["lang"], "ts": dt.datetime.strptime(t["created_at"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=UTC),
                              "like": t["public_metrics"]["like_count"], "author": t["author"], "raw": t})
    for f in sorted((out / "exports" / "facebook").glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        assert set(doc) == {"data", "paging"}
        for post in doc["data"]:
            assert FB_TIME.match(post["created_time"]) and "_" in post["id"]
            posts.append(_fb(post, "post"))
            for c in post["comments"]["data"]:
                assert c["id"].split("_")[0] == post["id"].split("_")[1]
                posts.append(_fb(c, "comment"))
                for r in (c.get("comments") or {}).get("data", []):
                    assert r["parent"]["id"] == c["id"]
                    posts.append(_fb(r, "reply"))
    with open(out / "truth.csv", encoding="utf-8") as fh:
        truth = {(r["platform"], r["account_id"]): r for r in csv.DictReader(fh)}
    with open(out / "targets.csv", encoding="utf-8") as fh:
        targets = list(csv.DictReader(fh))
    scen = json.loads((out / "scenario.json").read_text(encoding="utf-8"))
    return {"posts": posts, "truth": truth, "targets": targets, "scenario": scen}


def _fb(o: dict, level: str) -> dict:
    assert FB_TIME.match(o["created_time"])
    return {"platform": "facebook", "id": o["id"], "account": o["from"]["id"], "text": o["message"], "lang": None,
            "ts": dt.datetime.strptime(o["created_time"], "%Y-%m-%dT%H:%M:%S+0000").replace(tzinfo=UTC),
            "like": o.get("like_count", 0), "author": o["from"], "level": level, "raw": o}


def role(world: dict, p: dict) -> str:
    return world["truth"].get((p["platform"], p["account"]), {}).get("role", "?")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("scenario")
    res = simulate(out, seed=11, scale="small")
    w = load(out)
    w["result"] = res
    w["out"] = out
    return w


def _campaign_posts(world):
    return [p for p in world["posts"] if role(world, p) == "campaign"]


def _digest(out: Path) -> dict[str, str]:
    return {str(f.relative_to(out)): hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(out.rglob("*")) if f.is_file()}


def test_same_seed_same_bytes_and_different_seed_differs(tmp_path):
    a = simulate(tmp_path / "a", seed=5, overrides=TINY)
    b = simulate(tmp_path / "b", seed=5, overrides=TINY)
    c = simulate(tmp_path / "c", seed=6, overrides=TINY)
    da, db, dc = _digest(a.out), _digest(b.out), _digest(c.out)
    assert da == db
    assert da["truth.csv"] != dc["truth.csv"] and da["exports/x/tweets-2023-08-07.jsonl"] != dc["exports/x/tweets-2023-08-07.jsonl"]


def test_scenario_json_records_every_parameter_and_the_run(world):
    scen = world["scenario"]
    names = {f.name for f in dataclasses.fields(ScenarioParams)}
    assert set(scen["parameters"]) == names and set(scen["defaults"]) == names
    assert scen["seed"] == 11 and scen["scale"] == "small" and scen["scenario"] == "canada-2023"
    assert set(scen["files"]) == set(scen["files_sha256"])
    for f, digest in scen["files_sha256"].items():
        assert hashlib.sha256((world["out"] / f).read_bytes()).hexdigest() == digest


def test_overrides_take_effect_and_are_recorded(tmp_path):
    res = simulate(tmp_path, seed=2, overrides=TINY + ["exposure_date=2023-08-25", "stop_delay_days=2", "lang_zh=0", "perturb_rate=0.0"])
    w = load(tmp_path)
    assert w["scenario"]["parameters"]["exposure_date"] == "2023-08-25"
    assert w["scenario"]["overrides"]["stop_delay_days"] == "2"
    assert res.params.perturb_rate == 0.0
    camp = [p for p in _campaign_posts(w) if p["ts"] > dt.datetime(2023, 3, 1, tzinfo=UTC)]
    assert camp and max(p["ts"] for p in camp) < dt.datetime(2023, 8, 28, 7, tzinfo=UTC)
    assert not any(p["lang"] == "zh" for p in camp if p["platform"] == "x" and "raw" in p and "referenced_tweets" in p["raw"]
                   and p["raw"]["referenced_tweets"][0]["type"] == "replied_to")


@pytest.mark.parametrize("bad, name", [(["bogus=1"], "bogus"), (["n_targets=lots"], "n_targets"),
                                       (["n_targeted=999"], "n_targeted"), (["rename_date=2022-01-01"], "rename_date"),
                                       (["perturb_rate=2"], "perturb_rate"), (["noequals"], "set")])
def test_bad_overrides_are_rejected(tmp_path, bad, name):
    with pytest.raises(ParameterError) as exc:
        simulate(tmp_path, overrides=bad)
    assert exc.value.name == name
    if name == "bogus":
        assert "exposure_date" in str(exc.value) and "n_campaign_accounts" in str(exc.value)


def test_bad_scale_scenario_and_seed(tmp_path):
    for kw, name in (({"scale": "huge"}, "scale"), ({"scenario": "elsewhere"}, "scenario"), ({"seed": -1}, "seed")):
        with pytest.raises(ParameterError) as exc:
            simulate(tmp_path, **kw)
        assert exc.value.name == name


def test_scale_and_composition(world):
    c = world["result"].counts
    assert c["targets"] == 340 and c["targeted"] == 50
    assert 190 <= c["campaign_accounts"] <= 200 and 1400 <= c["campaign_posts"] <= 1500
    assert c["organic_posts"] == 20000
    roles = Counter(r["role"] for r in world["truth"].values())
    assert roles["campaign"] == c["campaign_accounts"] and roles["hard_negative"] == c["hard_negative_accounts"]
    assert {r["campaign_id"] for r in world["truth"].values() if r["role"] == "organic"} == {""}
    assert {r["campaign_id"] for r in world["truth"].values() if r["role"] == "hard_negative"} == {"hn-pileon", "hn-supporters", "hn-spam"}
    # every account that posts is in the truth
    assert all((p["platform"], p["account"]) in world["truth"] for p in world["posts"])


def test_targets_file_and_no_real_politicians(world):
    t = world["targets"]
    assert list(t[0]) == ["target_id", "name", "role", "party", "preferred_lang", "platform", "handle", "account_id", "contact"]
    assert len(t) == 680 and {r["platform"] for r in t} == {"x", "facebook"}
    assert {r["preferred_lang"] for r in t} == {"en", "fr"}
    names = [r["name"] for r in t] + [p["author"]["name"] for p in world["posts"]]
    for real in REAL_NAME_BLOCKLIST:
        assert not any(re.search(rf"\b{real}\b", n) for n in names), real
    # member accounts in the watch-list are the authors of the threads
    x_ids = {r["account_id"] for r in t if r["platform"] == "x"}
    replied = Counter(p["raw"].get("in_reply_to_user_id") for p in world["posts"] if p["platform"] == "x")
    assert sum(v for k, v in replied.items() if k in x_ids) > 5000


def test_creation_batches(world):
    batches = world["scenario"]["planted"]["creation_batches"]
    assert len(batches["creation_batches"]) == 4 and sum(batches["creation_batches"].values()) > 100
    hijacked = {h["account_id"] for h in world["scenario"]["planted"]["hijacked"]}
    starts = [dt.datetime.fromisoformat(d).replace(tzinfo=UTC) for d in batches["creation_batches"]]
    span = dt.timedelta(hours=batches["batch_spread_hours"])
    seen = 0
    for p in _campaign_posts(world):
        if p["platform"] == "x" and p["account"] not in hijacked:
            created = dt.datetime.strptime(p["author"]["created_at"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=UTC)
            assert any(s <= created < s + span for s in starts)
            seen += 1
    assert seen > 100


def test_hijacked_accounts_renamed_after_other_language_history_and_dormancy(world):
    hij = world["scenario"]["planted"]["hijacked"]
    assert len(hij) >= 10 and {h["platform"] for h in hij} == {"x", "facebook"}
    by_acc: dict[str, list] = {}
    for p in world["posts"]:
        by_acc.setdefault(p["account"], []).append(p)
    for h in hij:
        posts = sorted(by_acc[h["account_id"]], key=lambda p: p["ts"])
        renamed = dt.datetime.fromisoformat(h["renamed_at"].replace("Z", "+00:00"))
        before = [p for p in posts if p["ts"] < renamed]
        after = [p for p in posts if p["ts"] >= renamed]
        assert before and after
        assert (after[0]["ts"] - before[-1]["ts"]).days >= 150  # dormant for months
        assert {p["author"]["name"] for p in before} == {h["old_name"]} and {p["author"]["name"] for p in after} == {h["new_name"]}
        if h["platform"] == "x":
            assert {p["author"]["username"] for p in before} == {h["old_handle"]} != {p["author"]["username"] for p in after}
            assert {p["lang"] for p in before} <= {"bn", "en"} and any(p["lang"] == "bn" for p in before)
            assert int(h["created_at"][:4]) <= 2019
        assert any("\u0980" <= ch <= "\u09ff" for p in before for ch in p["text"])  # Bengali script


def test_formulaic_handles_few_followers_no_bio_no_engagement(world):
    hijacked = {h["account_id"] for h in world["scenario"]["planted"]["hijacked"]}
    camp = [p for p in _campaign_posts(world) if p["ts"].year == 2023 and p["ts"].month >= 8]
    xs = [p for p in camp if p["platform"] == "x"]
    for p in xs:
        a = p["author"]
        assert re.fullmatch(r"[a-z]+\d{2,4}|[a-z0-9]{8,12}", a["username"]), a["username"]
        assert a["public_metrics"]["followers_count"] < 10 and a["description"] == ""
    likes = Counter(p["like"] for p in camp)
    assert set(likes) <= {0, 1} and likes[0] / len(camp) > 0.9
    assert hijacked


def _local_hours(posts, offset):
    return Counter(((p["ts"] + dt.timedelta(hours=offset)).hour) for p in posts)


def test_campaign_on_beijing_shift_organic_on_canadian_hours(world):
    camp = [p for p in _campaign_posts(world) if p["ts"] >= dt.datetime(2023, 8, 7, tzinfo=UTC)
            and "RT @" not in p["text"][:4]]
    h = _local_hours(camp, 8)
    n = sum(h.values())
    office = sum(h[k] for k in (9, 10, 11, 14, 15, 16, 17, 19, 20))
    assert office / n > 0.95
    assert (h[12] + h[13]) / n < 0.04 and h[18] / n < 0.04  # lunch and supper breaks
    assert sum(h[k] for k in range(0, 9)) + sum(h[k] for k in (22, 23)) == 0
    org = [p for p in world["posts"] if role(world, p) == "organic" and p["ts"].year == 2023]
    ho = _local_hours(org, -4)  # Eastern daylight time
    night = sum(ho[k] for k in range(1, 6)) / sum(ho.values())
    evening = sum(ho[k] for k in range(17, 23)) / sum(ho.values())
    assert night < 0.08 and evening > 0.25
    # Beijing office hours hold far less of the organic activity than of the campaign's
    hb = _local_hours(org, 8)
    assert sum(hb[k] for k in (9, 10, 11, 14, 15, 16, 17, 19, 20)) / sum(hb.values()) < 0.5


def test_long_weekend_surge_quiet_weekends_and_stop_after_exposure(world):
    camp = [p for p in _campaign_posts(world) if p["ts"] >= dt.datetime(2023, 8, 1, tzinfo=UTC)]
    per_day = Counter((p["ts"] + dt.timedelta(hours=8)).date() for p in camp)
    surge = [per_day[dt.date(2023, 9, d)] for d in (2, 3, 4)]
    days = [dt.date(2023, 8, 7) + dt.timedelta(days=k) for k in range(36)]
    weekdays = [per_day[d] for d in days if d.weekday() < 5 and not dt.date(2023, 9, 2) <= d <= dt.date(2023, 9, 4)]
    weekends = [per_day[d] for d in days if d.weekday() >= 5 and not dt.date(2023, 9, 2) <= d <= dt.date(2023, 9, 4)]
    wk = sum(weekdays) / len(weekdays)
    assert min(surge) > 2 * wk
    assert sum(weekends) / len(weekends) < 0.5 * wk
    planted = world["scenario"]["planted"]
    last = dt.date.fromisoformat(planted["campaign_last_day"])
    assert last == dt.date(2023, 9, 11) and planted["exposure_date"] == "2023-09-07"
    assert max(p["ts"] for p in camp).date() <= last
    assert min(p["ts"] for p in camp if "RT @" not in p["text"]).date() >= dt.date(2023, 8, 6)


def test_languages_items_across_platforms_links_and_perturbations(world):
    camp = [p for p in _campaign_posts(world) if p["ts"] >= dt.datetime(2023, 8, 1, tzinfo=UTC)]
    langs = Counter(p["lang"] for p in camp if p["platform"] == "x")
    assert langs["en"] > 50 and langs["fr"] > 30 and langs["zh"] > 30
    text = "\n".join(p["text"] for p in camp)
    assert "温哥华" in text and "Vancouver" in text and "Un critique de Vancouver" in text
    assert re.search(r"[\u200b\u200c\u200d\u2060]", text)  # zero-width characters
    assert re.search(r"[a-zA-Z][аеорсхі]|[аеорсхі][a-zA-Z]", text)  # Cyrillic homoglyphs inside Latin words
    assert re.search(r"\b\w*[a-z][0-9][a-z]\w*\b", text)  # leetspeak
    assert re.search(r"(🔥|‼️|👀|😡|💯|⚠️|📢)", text)  # emoji padding
    assert re.search(r"#(corruption|truth|exposed|scandal)", text)  # extra hashtags
    assert sum(world["scenario"]["planted"]["perturbations"].values()) > 300
    # the same narrative on both platforms, with video links carrying varying tracking parameters
    for plat in ("x", "facebook"):
        assert any("See what an individual in Vancouver is saying about" in p["text"] for p in camp if p["platform"] == plat)
    links = [u["expanded_url"] for p in camp if p["platform"] == "x" for u in p["raw"].get("entities", {}).get("urls", [])]
    fb_links = [p["raw"]["attachment"]["target"]["url"] for p in camp if p["platform"] == "facebook" and "attachment" in p["raw"]]
    assert links and fb_links and all("vidshare.example/watch?v=" in u for u in links + fb_links)
    assert len({u.split("&si=")[0] for u in links}) <= 8 < len(set(links))
    # X entities point at the right characters
    for p in camp:
        for u in p["raw"].get("entities", {}).get("urls", []) if p["platform"] == "x" else []:
            assert p["text"][u["start"]:u["end"]] == u["url"]
    # filler posts and inside retweets
    assert any(p["raw"].get("referenced_tweets", [{}])[0].get("type") == "retweeted" for p in camp if p["platform"] == "x")
    assert any("饺子" in p["text"] or "dumplings" in p["text"] for p in camp)


def test_operators_on_both_platforms(world):
    x_names = {p["author"]["name"] for p in _campaign_posts(world) if p["platform"] == "x"}
    fb_names = {p["author"]["name"] for p in _campaign_posts(world) if p["platform"] == "facebook"}
    assert len(x_names & fb_names) > 10


def test_hard_negatives_planted(world):
    hn = world["scenario"]["planted"]["hard_negatives"]
    groups: dict[str, list] = {}
    for p in world["posts"]:
        r = world["truth"].get((p["platform"], p["account"]), {})
        if r.get("role") == "hard_negative":
            groups.setdefault(r["campaign_id"], []).append(p)
    pile = groups["hn-pileon"]
    assert len({p["account"] for p in pile}) == hn["hn-pileon"]["accounts"] == len(pile) == 150
    assert {p["raw"]["referenced_tweets"][0]["id"] for p in pile} == {hn["hn-pileon"]["post"]["post_id"]}
    assert (max(p["ts"] for p in pile) - min(p["ts"] for p in pile)) <= dt.timedelta(minutes=hn["hn-pileon"]["minutes"])
    sup = groups["hn-supporters"]
    assert len({p["account"] for p in sup}) == hn["hn-supporters"]["accounts"]
    assert len({p["raw"]["referenced_tweets"][0]["id"] for p in sup}) >= 10
    assert all(re.match(r"(Well said|Bravo|Exactly right|👏|Right on)", p["text"].split(" ", 1)[1]) for p in sup)
    spam = groups["hn-spam"]
    assert all(p["lang"] == "en" and p["raw"]["entities"]["urls"] for p in spam)
    assert all(p["author"]["public_metrics"]["followers_count"] < 20 for p in spam)
    assert (max(p["ts"] for p in spam) - min(p["ts"] for p in spam)) <= dt.timedelta(hours=hn["hn-spam"]["window_hours"])
    eastern = Counter((p["ts"] - dt.timedelta(hours=4)).hour for p in spam)
    assert all(10 <= h <= 19 for h in eastern)
    target_ids = {r["account_id"] for r in world["targets"] if r["target_id"] in hn["hn-spam"]["target_ids"]}
    assert {p["raw"]["in_reply_to_user_id"] for p in spam} <= target_ids
    # organic virality too
    viral = world["scenario"]["planted"]["viral_posts"]
    assert viral
    replies = Counter(p["raw"].get("referenced_tweets", [{}])[0].get("id") for p in world["posts"] if p["platform"] == "x")
    assert any(replies[v["post_id"]] >= 100 for v in viral if v["platform"] == "x")


def test_organic_background_is_bilingual_and_has_generic_replies(world):
    org = [p for p in world["posts"] if role(world, p) == "organic" and p.get("level") != "post" and p["platform"] == "x"
           and "in_reply_to_user_id" in p["raw"]]
    bodies = Counter(p["text"].split(" ", 1)[1] if p["text"].startswith("@") else p["text"] for p in org)
    assert bodies["Well said"] > 20 and bodies["Merci!"] > 5 and bodies["👍"] > 10
    assert Counter(p["lang"] for p in org)["fr"] > 0.15 * len(org)
    assert len(bodies) > 0.4 * len(org)  # real disagreement in varied wording
    fb_replies = [p for p in world["posts"] if p.get("level") == "reply"]
    assert fb_replies


def test_threatening_message_planted(world):
    threats = world["scenario"]["planted"]["threats"]
    assert len(threats) == 1
    t = threats[0]
    post = next(p for p in world["posts"] if p["platform"] == t["platform"] and p["id"] == t["post_id"])
    assert t["address"] in post["text"] and t["target_name"] in post["text"]
    assert post["account"] == t["account_id"] and world["truth"][(t["platform"], t["account_id"])]["role"] == "campaign"
    assert t["target_id"] in world["scenario"]["planted"]["targeted"]
    target_x = next(r["account_id"] for r in world["targets"] if r["target_id"] == t["target_id"] and r["platform"] == "x")
    if t["platform"] == "x":
        assert post["raw"]["in_reply_to_user_id"] == target_x


def test_exports_ingest_with_the_real_readers(tmp_path, store):
    from cibwatch.ingest import ingest_paths

    res = simulate(tmp_path, seed=3, overrides=TINY)
    rep = ingest_paths(store, [tmp_path / "exports"])
    assert rep.stored == res.counts["posts"] and store.count("quarantine") == 0
    hij = res.scenario["planted"]["hijacked"]
    x_h = next(h for h in hij if h["platform"] == "x")
    vals = {r["value"] for r in store.query("SELECT value FROM account_history WHERE platform='x' AND account_id=? AND field='handle'", [x_h["account_id"]])}
    assert {x_h["old_handle"], x_h["new_handle"]} <= vals


def test_cli_simulate(cli, tmp_path):
    r = cli("simulate", "--out", str(tmp_path / "s"), "--seed", "4", *[a for kv in TINY for a in ("--set", kv)])
    assert r.exit_code == 0, r.stderr
    assert "Scenario canada-2023 (seed 4, scale small) written to" in r.stdout
    assert "targets: 60 (10 targeted by the campaign)" in r.stdout
    assert (tmp_path / "s" / "scenario.json").is_file()
    r = cli("simulate", "--out", str(tmp_path / "t"), "--set", "nope=3")
    assert r.exit_code == 1 and "'nope'" in r.stderr and "exposure_date" in r.stderr
