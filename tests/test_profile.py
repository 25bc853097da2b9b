"""The campaign profile: targets, narratives, timeline with bursts, scale."""

from __future__ import annotations

import datetime as dt

import pytest

from assess_fixtures import NOW, SINCE, UNTIL, Builder, build
from cibwatch.errors import NotFoundError
from cibwatch.profile import campaign_profile, canadian_holidays, directed_messages, registered_domain, tokens


def test_directed_messages_follow_replies_mentions_and_threads(store):
    sc = build(store)
    b = Builder(store)
    b.n = 50_000
    mention = b.post("o1", SINCE + dt.timedelta(days=3), "Hey @ClaireDubois, answer us", mentions=["@ClaireDubois"])
    root = store.query("SELECT post_id FROM posts WHERE account_id = 't3' ORDER BY created_at LIMIT 1")[0]["post_id"]
    thread = b.post("o2", SINCE + dt.timedelta(days=4), "comment under the post", root=root)
    outside = b.post("o3", UNTIL + dt.timedelta(days=3), "too late", reply_to="t1")
    b.flush()
    rows = directed_messages(store, SINCE, UNTIL)
    hows = {(r["target_id"], r["post_id"]): r["how"] for r in rows}
    assert hows[("T2", mention)] == "mention"
    assert hows[("T3", thread)] == "thread"
    assert all(r["post_id"] != outside for r in rows)
    assert not any(r["account_id"] in ("t1", "t2", "t3", "t4") for r in rows)  # a target's own posts are not directed at it
    assert sc.threat_post in {r["post_id"] for r in rows if r["target_id"] == "T4"}


def test_campaign_profile_of_the_state_style_campaign(store):
    sc = build(store)
    p = campaign_profile(store, sc.run_id, "camp-A")
    assert p["scale"] == {"accounts": 20, "posts": 520, "targets": 2}
    assert [t["target_id"] for t in p["targets"]] == ["T1", "T2"] or [t["target_id"] for t in p["targets"]] == ["T2", "T1"]
    assert all(t["accounts"] == 20 and t["posts"] == 260 and t["how"]["reply"] + t["how"]["thread"] == 260 for t in p["targets"])
    assert set(p["languages"]) == {"en", "fr", "zh"} and p["platforms"] == {"x": 520}
    assert p["first_activity"].startswith("2023-08-07") and p["last_activity"].startswith("2023-09-04")
    nar = p["narratives"]
    assert nar["clusters"][0]["representative"].startswith("A critic in Vancouver") and nar["clusters"][0]["langs"] == ["en", "fr", "zh"]
    assert set(nar["repeated_messages"]) == {"en", "fr", "zh"}
    terms = [t["term"] for t in nar["key_terms"]]
    assert "vancouver" in terms and "corruption" in terms and "https" not in terms and "example" not in terms
    assert nar["domains"][0] == {"domain": "vidz.example", "posts": 520}
    assert {"Alex Martin", "Claire Dubois"} <= {n["name"] for n in nar["names"]}


def test_long_weekend_burst_is_in_the_timeline(store):
    sc = build(store)
    tl = campaign_profile(store, sc.run_id, "camp-A")["timeline"]
    bursts = {b["date"]: b for b in tl["bursts"]}
    assert set(bursts) == {"2023-09-02", "2023-09-03", "2023-09-04"}
    assert all(b["long_weekend"] == "Labour Day" and b["z"] > tl["z_threshold"] for b in bursts.values())
    assert bursts["2023-09-04"]["holiday"] == "Labour Day" and bursts["2023-09-02"]["weekday"] == "Saturday"
    per_target = {t["target_id"]: t for t in tl["targets"]}
    assert "2023-09-03" in {b["date"] for b in per_target["T2"]["bursts"]}  # against T2's own organic baseline
    assert per_target["T2"]["baseline_mean"] > 0
    assert sum(d["posts"] for d in tl["daily"]) == 520


def test_domestic_spam_profile_targets_one_person(store):
    sc = build(store)
    p = campaign_profile(store, sc.run_id, "camp-B")
    assert [t["target_id"] for t in p["targets"]] == ["T3"] and p["languages"] == {"en": 48}
    assert p["narratives"]["domains"][0]["domain"] == "bestdealz.example"


def test_unknown_campaign_is_a_typed_error(store):
    sc = build(store)
    with pytest.raises(NotFoundError, match="no campaign 'nope'"):
        campaign_profile(store, sc.run_id, "nope")


def test_holidays_and_helpers():
    h = canadian_holidays(2023)
    assert h[dt.date(2023, 9, 4)] == "Labour Day" and h[dt.date(2023, 5, 22)] == "Victoria Day"
    assert h[dt.date(2023, 10, 9)] == "Thanksgiving" and h[dt.date(2023, 4, 7)] == "Good Friday"
    assert canadian_holidays(2024)[dt.date(2024, 9, 2)] == "Labour Day"
    assert registered_domain("https://sub.news.bbc.co.uk/x") == "bbc.co.uk" and registered_domain("") is None
    assert tokens("Corruption à Vancouver https://x.example/a 腐败丑闻") >= {"corruption", "vancouver", "腐败", "丑闻"}
    assert NOW > UNTIL


def test_post_languages_fill_in_posts_stored_without_one():
    from cibwatch.profile import post_languages

    posts = [{"lang": "fr", "text": "Bonjour"}, {"lang": None, "text": "温哥华的一位评论家指控议员腐败和丑闻，请看视频"},
             {"lang": None, "text": "A critic in Vancouver accuses this member of corruption, watch the video"},
             {"lang": None, "text": None}, {"lang": "", "text": "👍"}]
    assert post_languages(posts) == ["fr", "zh", "en", "und", "und"]
