"""The case library: Meta's indicators, hand-made cases, export, and recognising a returning network."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess_fixtures import build, build_rerun
from cibwatch import Store
from cibwatch.assess import assess_run, explain
from cibwatch.cases import export_case_from_campaign, import_cases, list_cases, match_campaign, parse_indicator, refang
from cibwatch.errors import NotFoundError, ParameterError, UnknownFormatError
from conftest import DATA

META = DATA / "meta_spamouflage" / "spamouflage_q2_2023.csv"


def test_refang_and_parse_indicators():
    assert refang("hxxps://twitter[.]com/x") == "https://twitter.com/x"
    assert parse_indicator("https://twitter[.]com/GarciaJasmyn1/") == [("url", "twitter.com/GarciaJasmyn1"), ("handle", "garciajasmyn1")]
    assert ("handle", "enough_personality92") in parse_indicator("https://www[.]reddit[.]com/user/Enough_Personality92/")
    assert ("handle", "miajames840") in parse_indicator("https://www[.]tiktok[.]com/@miajames840")
    assert ("handle", "jovialfurybasement") in parse_indicator("https://jovialfurybasement[.]tumblr[.]com/")
    assert ("account", "facebook:100089") in parse_indicator("https://www.facebook.com/profile.php?id=100089")
    assert ("domain", "molihua.org") in parse_indicator("https://forum[.]molihua[.]org/d/3678-milk-tea")
    assert parse_indicator("7,704 Facebook accounts") == [] and parse_indicator("Just a sentence.") == []


def test_import_meta_spamouflage_csv(store):
    res = import_cases(store, META, name="Spamouflage (Meta Q2 2023)", case_id="spamouflage")
    assert len(res) == 1 and res[0]["case_id"] == "spamouflage"
    counts = res[0]["indicators"]
    assert counts["handle"] >= 150 and counts["text"] >= 200 and counts["domain"] >= 10
    ind = {(r["kind"], r["value"]) for r in store.query("SELECT kind, value FROM case_indicators WHERE case_id = 'spamouflage'")}
    assert ("handle", "garciajasmyn1") in ind and ("handle", "zoerich28859010") in ind
    assert ("text", "wang ruiqin s romantic past") in ind
    assert not any("[.]" in v for _, v in ind)
    case = list_cases(store)[0]
    assert case["name"] == "Spamouflage (Meta Q2 2023)" and "7,704 Facebook accounts" in case["description"]
    again = import_cases(store, META, name="Spamouflage (Meta Q2 2023)", case_id="spamouflage")  # replaces, never duplicates
    assert again[0]["indicators"] == counts
    assert store.query("SELECT count(*) AS n FROM case_indicators")[0]["n"] == sum(counts.values())


def test_import_simple_case_csv_and_errors(store, tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text("kind,value,note\nhandle,@SomeBot123,seen in March\ndomain,https://www.deepfake-vids.example/a,video host\n"
                 "text,\"A critic in Vancouver accuses MP X!\",template\naccount,x:999,\n", encoding="utf-8")
    res = import_cases(store, f, name="Local network")
    assert res[0]["case_id"] == "local-network" and res[0]["indicators"] == {"handle": 1, "domain": 1, "text": 1, "account": 1}
    vals = {r["value"] for r in store.query("SELECT value FROM case_indicators")}
    assert {"somebot123", "deepfake-vids.example", "a critic in vancouver accuses mp x", "x:999"} <= vals
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,value\nphone,123\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="kind"):
        import_cases(store, bad)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="kind,value,note"):
        import_cases(store, other)
    with pytest.raises(NotFoundError):
        import_cases(store, tmp_path / "missing.csv")


def test_returning_network_is_linked_to_the_earlier_case(store):
    sc = build(store)
    assess_run(store, sc.run_id)
    exported = export_case_from_campaign(store, sc.run_id, "camp-A", "aug-2023-network", name="August 2023 MP flood")
    assert exported["indicators"]["account"] == 20 and exported["indicators"]["handle"] >= 20
    assert match_campaign(store, sc.run_id, "camp-A") == []  # a case never matches the run it came from
    run2, returning = build_rerun(store, sc)
    res = assess_run(store, run2)
    links = [lk for lk in res.case_links if lk["case_id"] == "aug-2023-network"]
    assert len(links) == 1 and links[0]["campaign_id"] == "camp-N" and links[0]["score"] > 0.99
    row = store.query("SELECT evidence FROM case_links WHERE run_id = ? AND case_id = 'aug-2023-network'", [run2])[0]
    ev = json.loads(row["evidence"])
    assert set(ev["matches"]["account"]) == set(returning) and ev["counts"]["account"] == 5
    assert ev["counts"].get("text", 0) >= 1  # the same accusation text
    e = explain(store, "camp-N", run_id=run2)
    kc = [r for r in e["evidence"] if r["kind"] == "known_case"]
    assert kc and kc[0]["claim"] == "attribution" and "August 2023 MP flood" in kc[0]["detail"] and "5 accounts" in kc[0]["detail"]
    assert "known_case" in {r["kind"] for r in explain(store, returning[0], run_id=run2)["evidence"]}
    assert "known_case" not in {r["kind"] for r in explain(store, "x:n0", run_id=run2)["evidence"]}


def test_export_validates_case_id(store):
    sc = build(store)
    with pytest.raises(ParameterError, match="case_id"):
        export_case_from_campaign(store, sc.run_id, "camp-A", "bad id; drop")
    with pytest.raises(NotFoundError):
        export_case_from_campaign(store, sc.run_id, "nope", "ok-id")


def test_cases_cli(cli, tmp_path):
    db = str(tmp_path / "s.duckdb")
    r = cli("cases", "import", str(META), "--name", "Spamouflage (Meta Q2 2023)", "--case-id", "spamouflage", "--db", db)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("Imported case spamouflage (Spamouflage (Meta Q2 2023)):")
    lst = json.loads(cli("cases", "list", "--json", "--db", db).stdout)
    assert lst[0]["case_id"] == "spamouflage" and lst[0]["indicators"]["handle"] >= 150
    assert "spamouflage  Spamouflage (Meta Q2 2023)" in cli("cases", "list", "--db", db).stdout
    bad = cli("cases", "import", str(tmp_path / "nope.csv"), "--db", db)
    assert bad.exit_code == 1 and "no file" in bad.stderr
    with Store(db) as s:
        build(s)
    r = cli("cases", "export", "camp-A", "--case-id", "aug", "--db", db)
    assert r.exit_code == 0 and "as case aug" in r.stdout


def test_import_long_layout_makes_one_case_per_source_file(store, tmp_path):
    f = tmp_path / "long.csv"
    f.write_text(
        "source_file,tactic,technique,procedure,indicator,note,is_cib,origin,indicator_domain\n"
        "Q2_2023_Spamouflage.csv,0. Acquiring assets,0.9,0.9.4 Acquiring X / Twitter accounts,https://twitter[.]com/GarciaJasmyn1/,,True,china,twitter.com\n"
        "Q2_2023_Spamouflage.csv,6. Engagement,6.1,6.1.3 Posting original content on blogs,Wang Ruiqin's romantic past,,True,china,\n"
        "Q3_2023_Other.csv,0. Acquiring assets,0.9,0.9.8 Acquiring accounts on online forums,https://www[.]example-news[.]com/a,,True,china,\n",
        encoding="utf-8",
    )
    res = {c["case_id"]: c for c in import_cases(store, f)}
    assert set(res) == {"q2-2023-spamouflage", "q3-2023-other"}
    assert res["q2-2023-spamouflage"]["indicators"] == {"url": 1, "handle": 1, "text": 1}
    assert res["q3-2023-other"]["indicators"] == {"url": 1, "domain": 1}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_indicator_parsing_never_fails_on_any_text(s):
    for kind, value in parse_indicator(s):
        assert kind in ("url", "domain", "handle", "account") and value
    assert "[.]" not in refang(s.replace("[.]", "[.]"))


def test_text_fingerprints_match_in_chinese_and_english(store):
    import datetime as dt

    sc = build(store)
    import_cases(store, META, name="Spamouflage (Meta Q2 2023)", case_id="spamouflage")
    for i, text in enumerate(["大家看看：郭文贵自导自演“谎言三部曲”，真相在这里",
                              "Read this: Guo Wengui directed and acted in the Trilogy of Lies!! #truth"]):
        store.execute(
            "INSERT INTO posts (platform, post_id, account_id, created_at, text, source_id, ingested_at) VALUES ('x', ?, 'a5', ?, ?, 't', ?)",
            [f"zz{i}", dt.datetime(2023, 8, 20), text, dt.datetime(2023, 9, 1)],
        )
    links = match_campaign(store, sc.run_id, "camp-A")
    assert [lk["case_id"] for lk in links] == ["spamouflage"]
    texts = links[0]["matches"]["text"]
    assert "郭文贵自导自演 谎言三部曲" in texts or any("郭文贵自导自演" in t for t in texts)
    assert any(t.startswith("guo wengui directed and acted") for t in texts)
    assert all(v["posts"] for v in texts.values()) and links[0]["counts"]["handle"] == 1
