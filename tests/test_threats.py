"""Threat level per target: rules in EN/FR/ZH, quoted messages, what was checked."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess_fixtures import THREAT, build
from cibwatch.assess import assess_run
from cibwatch.threats import PATTERNS, assess_threats, fold, load_lexicons, scan_message


def rules(text, **kw):
    return {h["rule"] for h in scan_message(text, **kw)}


@pytest.mark.parametrize(
    "text,expected",
    [
        (THREAT, {"address_en", "en:intimidation"}),
        ("On sait où tu habites, 45 rue Sainte-Catherine. Fais attention à toi.", {"address_fr", "fr:intimidation"}),
        ("我们知道你住在哪，中山路12号", {"address_zh", "zh:intimidation"}),
        ("Call her at (613) 555-0199 or write to jo.doe@example.org", {"phone_nanp", "email"}),
        ("Son numéro : +33 6 12 34 56 78", {"phone_intl"}),
        ("打这个电话 13812345678", {"phone_cn"}),
        ("Someone should kill this traitor", {"en:incitement", "en:defamation"}),
        ("I will kill you", {"en:violence"}),
        ("他贪污受贿，是个骗子", {"zh:defamation"}),
        ("Ce député corrompu est un menteur", {"fr:defamation"}),
    ],
)
def test_rules_fire_on_threats(text, expected):
    assert expected <= rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Well said, thank you!",
        "The US bombing of Nord Stream is a scandal for Europe",  # topic words, no threat
        "182:1 high vote at the UN",
        "Great thread https://x.com/i/status/1700000000000000905 and https://example.org/page/6135550199",
        "Merci pour votre travail.",
        "I have skills to kill time",
        "((((a+)+)+)$ [ \\ ^ (?P<x>",
    ],
)
def test_no_safety_rule_on_ordinary_text(text):
    assert not {h for h in scan_message(text) if h["level"] == "safety"}


def test_target_contact_is_not_doxxing():
    text = "Write to office@alexmartin.example about this"
    assert "email" in rules(text)
    assert "email" not in rules(text, exclude=frozenset({"office@alexmartin.example"}))


def test_lexicons_exist_for_every_language_and_level():
    lex = load_lexicons()
    assert set(lex) == {"en", "fr", "zh"}
    for cats in lex.values():
        assert {c["level"] for c in cats.values()} == {"safety", "harassment", "nuisance"}
        assert all(len(c["phrases"]) >= 5 for c in cats.values())
    assert set(PATTERNS) >= {"email", "phone_nanp", "phone_intl", "address_en", "address_fr", "address_zh"}


def test_planted_home_address_threat_raises_safety_and_is_quoted(store):
    sc = build(store)
    res = {r["target"]: r for r in assess_threats(store, sc.run_id)}
    t4 = res["T4"]
    assert t4["level"] == "safety"
    quoted = [q for q in t4["messages"] if q["level"] == "safety"]
    assert [q["post_id"] for q in quoted] == [sc.threat_post]
    q = quoted[0]
    assert q["text"] == THREAT and q["author"] == "o5" and q["from_campaign"] is False
    assert {r["rule"] for r in q["rules"]} == {"address_en", "en:intimidation"} and "123 Maple Street" in {r["match"] for r in q["rules"]}
    assert q["link"] == f"https://x.com/i/status/{sc.threat_post}"
    assert t4["checked"]["statement"].startswith("Safety threat")


def test_nuisance_only_target_gets_no_safety_threat_with_checks_listed(store):
    sc = build(store)
    t3 = {r["target"]: r for r in assess_threats(store, sc.run_id)}["T3"]
    assert t3["level"] in ("nuisance", "none") and t3["level"] == "nuisance"
    c = t3["checked"]
    assert c["statement"].startswith("No safety threat found")
    assert c["from_campaign"] == 48 and c["messages"] == c["from_campaign"] + c["from_others"] and c["messages"] > 48
    assert f"{c['messages']} message(s)" in c["statement"]
    by_rule = {r["rule"]: r for r in c["rules"]}
    for cat in ("violence", "incitement", "intimidation"):
        assert by_rule[cat]["level"] == "safety" and set(by_rule[cat]["entries"]) == {"en", "fr", "zh"}
    assert {"address_en", "address_fr", "address_zh", "phone_nanp", "email"} <= set(by_rule)
    assert not any(q["level"] == "safety" for q in t3["messages"])
    assert {r["category"] for r in t3["reasons"]} >= {"coordinated"}


def test_campaign_accusations_are_harassment_and_marked_as_campaign(store):
    sc = build(store)
    t1 = {r["target"]: r for r in assess_threats(store, sc.run_id)}["T1"]
    assert t1["level"] == "harassment"
    assert t1["messages"] and all(q["from_campaign"] and q["campaign_id"] == "camp-A" for q in t1["messages"] if q["level"] == "harassment")
    assert {"en:defamation", "fr:defamation", "zh:defamation"} <= {r["rule"] for r in t1["reasons"]}


def test_threats_cli_json_one_entry_per_target(cli, tmp_path):
    from cibwatch import Store

    db = tmp_path / "s.duckdb"
    with Store(db) as s:
        sc = build(s)
        assess_run(s, sc.run_id)
    r = cli("threats", "--json", "--db", str(db))
    assert r.exit_code == 0, r.stderr
    items = json.loads(r.stdout)
    assert sorted(i["target"] for i in items) == ["T1", "T2", "T3", "T4"]
    for i in items:
        assert set(i) >= {"target", "level", "reasons", "messages", "checked"}
        assert i["level"] in ("safety", "harassment", "nuisance", "none") and i["checked"]["messages"] >= 0
    assert {i["target"]: i["level"] for i in items}["T4"] == "safety"
    text = cli("threats", "--db", str(db))
    assert text.exit_code == 0 and "Jordan Lee (T4): SAFETY" in text.stdout and "123 Maple Street" in text.stdout
    assert "No safety threat found" in text.stdout


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.sampled_from([None, "en", "fr", "zh", "und"]))
def test_scan_never_fails_and_reports_known_rules(text, lang):
    hits = scan_message(text, lang=lang)
    for h in hits:
        assert h["level"] in ("safety", "harassment", "nuisance") and h["match"]
        assert h["rule"] in PATTERNS or h["rule"].split(":")[0] in ("en", "fr", "zh")
    assert fold(fold(text)) == fold(text)


def test_post_links():
    from cibwatch.profile import post_link

    assert post_link("x", "17") == "https://x.com/i/status/17"
    assert post_link("facebook", "123_456") == "https://www.facebook.com/123_456"
    assert post_link("telegram", "5") is None
