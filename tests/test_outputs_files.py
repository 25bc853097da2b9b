"""Referral packages, STIX, graph files and edge tables, on a store written by the real pipeline."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
import stix2

from cibwatch import outputs
from cibwatch.errors import ParameterError
from cibwatch.outputs.referral import ACCOUNT_COLUMNS, POST_COLUMNS
from cibwatch.outputs.safe import defang, neutralise_cell
from cibwatch.outputs.stix import account_pattern, pattern_string
from outputs_fixtures import CASE_ID, CASE_NAME, FORMULA, SCRIPT, build, shared_real

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    return shared_real(tmp_path_factory)


def members(store, run, cid, platform=None):
    sql = "SELECT platform, account_id FROM campaign_accounts WHERE run_id = ? AND campaign_id = ?"
    rows = store.query(sql, [run, cid])
    return {r["account_id"] for r in rows if platform in (None, r["platform"])}


def test_neutralise_and_defang():
    assert neutralise_cell(FORMULA) == "'" + FORMULA
    assert neutralise_cell("-1") == "'-1" and neutralise_cell("@x") == "'@x" and neutralise_cell("ok") == "ok"
    assert neutralise_cell("\tx") == "'\tx" and neutralise_cell(3) == 3
    assert defang("see https://evil.example.com/x") == "see hxxps://evil[.]example[.]com/x"


# ---------------------------------------------------------------------------
# referral packages
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def referral_x(real, tmp_path_factory):
    case, store = real
    return outputs.write_referral(store, "x", tmp_path_factory.mktemp("ref"), campaign_id=case.campaign, run_id=case.run_id)


def test_referral_lists_the_campaign_accounts_with_links(real, referral_x):
    case, store = real
    acc_csv, posts_csv, js = referral_x
    assert [p.name for p in referral_x] == ["referral-x.csv", "referral-x-posts.csv", "referral-x.json"]
    rows = list(csv.DictReader(acc_csv.open(encoding="utf-8", newline="")))
    assert list(rows[0]) == ACCOUNT_COLUMNS
    assert {r["account_id"] for r in rows} == members(store, case.run_id, case.campaign, "x")
    handles = {r["account_id"]: r["handle"] for r in store.query("SELECT account_id, handle FROM accounts WHERE platform = 'x'")}
    for r in rows:
        assert r["profile_url"] == f"https://x.com/{handles[r['account_id']]}"
        assert r["policy"] == "X: Platform Manipulation and Spam" and r["classification"] == "state_style"
        assert int(r["posts_in_campaign"]) > 0
        assert all(re.fullmatch(r"https://x\.com/i/status/\d+", u) for u in r["post_urls"].split())
    hijacked = {h["account_id"] for h in case.hijacked}
    for r in rows:
        if r["account_id"] in hijacked:
            assert "hijack" in r["indicators"].split() and "T0150.005" in r["disarm"].split()
            assert int(r["earlier_posts"]) > 0  # their life before the campaign is counted apart
    data = json.loads(js.read_text(encoding="utf-8"))
    (camp,) = data["campaigns"]
    assert camp["classification"] == "state_style" and camp["known_networks"][0]["case_id"] == CASE_ID
    assert {"T0049.004", "T0084.001", "T0150.008"} <= {t["id"] for t in camp["disarm"]}
    assert {c["id"] for c in data["countermeasures"]} == {"C00074", "C00123"}
    by_id = {a["account_id"]: a for a in data["accounts"]}
    h = case.hijacked[0]
    assert h["old_handle"] in by_id[h["account_id"]]["former_handles"]
    assert any(e["kind"] == "hijack" and e["post_urls"] for e in by_id[h["account_id"]]["evidence"])


def test_referral_posts_carry_the_hostile_text_neutralised(real, referral_x):
    case, _ = real
    _, posts_csv, js = referral_x
    raw = posts_csv.read_text(encoding="utf-8")
    rows = list(csv.reader(raw.splitlines()))
    assert rows[0] == POST_COLUMNS
    cells = [c for row in rows[1:] for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)]  # no cell a spreadsheet would evaluate
    planted = {r[3]: r for r in rows[1:] if r[3] in set(case.planted_posts)}
    assert set(planted) == set(case.planted_posts)
    texts = {r[8] for r in planted.values()}
    assert texts == {case.script_text, "'" + case.formula_text}
    assert {r[7] for r in planted.values()} == {case.target_name}
    assert all(r[4] == f"https://x.com/i/status/{r[3]}" for r in planted.values())
    assert not re.search(r'(^|,)"=', raw, re.M)
    posts = json.loads(js.read_text(encoding="utf-8"))["posts"]
    assert {p["text"] for p in posts if p["post_id"] in planted} == {case.script_text, case.formula_text}


def test_referral_facebook_and_errors(real, tmp_path):
    case, store = real
    fb = store.query(
        "SELECT campaign_id FROM campaign_accounts WHERE run_id = ? AND platform = 'facebook' GROUP BY 1 ORDER BY count(*) DESC",
        [case.run_id],
    )[0]["campaign_id"]
    acc_csv, _, _ = outputs.write_referral(store, "facebook", tmp_path, campaign_id=fb, run_id=case.run_id)
    rows = list(csv.DictReader(acc_csv.open(encoding="utf-8", newline="")))
    assert {r["account_id"] for r in rows} == members(store, case.run_id, fb, "facebook")
    assert all(r["profile_url"] == f"https://www.facebook.com/{r['account_id']}" for r in rows)
    assert all(r["policy"] == "Meta: Coordinated Inauthentic Behavior" for r in rows)
    with pytest.raises(ParameterError, match="platform"):
        outputs.write_referral(store, "myspace", tmp_path)


def test_referral_hostile_handle_gets_an_id_link(store, tmp_path):
    build(store)
    store.execute("UPDATE accounts SET handle = ? WHERE account_id = '101'", [FORMULA])
    c, _, _ = outputs.write_referral(store, "x", tmp_path)
    rows = {r["account_id"]: r for r in csv.DictReader(c.open(encoding="utf-8", newline=""))}
    assert rows["101"]["handle"] == "'" + FORMULA and rows["101"]["profile_url"] == "https://x.com/i/user/101"
    assert rows["100"]["profile_url"] == "https://x.com/i/user/100"  # o'brien"x is not a handle to put in a URL
    assert rows["102"]["profile_url"] == "https://x.com/bot_2"


# ---------------------------------------------------------------------------
# STIX
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundle(real, tmp_path_factory):
    case, store = real
    p = outputs.export_stix(store, tmp_path_factory.mktemp("stix") / "bundle.json", run_id=case.run_id)
    return stix2.parse(p.read_text(encoding="utf-8"), allow_custom=False)


def test_stix_parses_and_names_disarm(bundle, real):
    case, _ = real
    kinds = {o.type for o in bundle.objects}
    assert {"identity", "campaign", "intrusion-set", "indicator", "observed-data", "attack-pattern", "relationship",
            "user-account", "url", "domain-name"} <= kinds
    ext = {r["external_id"] for o in bundle.objects if o.type == "attack-pattern" for r in o.external_references
           if r["source_name"] == "DISARM"}
    assert {"T0084.001", "T0150.008", "T0150.005", "T0049.004", "T0085.008"} <= ext
    assert all(o.object_marking_refs == [stix2.TLP_AMBER.id] for o in bundle.objects if o.type == "campaign")
    camps = {o.name.split()[-1]: o for o in bundle.objects if o.type == "campaign"}
    assert case.campaign in camps and "state_style" in camps[case.campaign].description
    isets = [o for o in bundle.objects if o.type == "intrusion-set"]
    assert [o.name for o in isets] == [CASE_NAME]
    attributed = [o for o in bundle.objects if o.type == "relationship" and o.relationship_type == "attributed-to"]
    assert [(r.source_ref, r.target_ref) for r in attributed] == [(camps[case.campaign].id, isets[0].id)]


def test_stix_url_and_domain_indicators(bundle, real):
    case, store = real
    inds = [o for o in bundle.objects if o.type == "indicator"]
    doms = [o for o in inds if o.pattern.startswith("[domain-name:")]
    urls = [o for o in inds if o.pattern.startswith("[url:")]
    assert "[domain-name:value = 'vidshare.example']" in {o.pattern for o in doms}
    assert urls and all(re.fullmatch(r"\[url:value = 'https://vidshare\.example/watch\?v=\w+'\]", o.pattern)
                        for o in urls if "vidshare" in o.pattern)
    for o in doms + urls:  # names and descriptions are defanged; only the pattern holds the real value
        assert "https://" not in o.name and "vidshare.example" not in o.name and "[.]" in o.name
    logins = {o.pattern for o in inds if o.pattern.startswith("[user-account:")}
    accts = store.query(
        "SELECT platform, account_id, a.handle FROM campaign_accounts ca JOIN accounts a USING (platform, account_id) "
        "WHERE ca.run_id = ?",
        [case.run_id],
    )
    assert logins == {account_pattern(a["platform"], a["account_id"], a["handle"]) for a in accts}
    assert "[user-account:account_type = 'facebook' AND user-account:user_id = '" in " ".join(logins)
    ids = [o.id for o in bundle.objects]
    assert len(ids) == len(set(ids))


def test_stix_pattern_escaping(store, tmp_path):
    build(store)
    p = outputs.export_stix(store, tmp_path / "b.json")
    pats = [o.pattern for o in stix2.parse(p.read_text(), allow_custom=False).objects if o.type == "indicator"]
    assert "[user-account:account_type = 'twitter' AND user-account:account_login = 'o\\'brien\"x']" in pats
    assert "[url:value = 'https://evil.example.com/x']" in pats
    assert pattern_string("a'b\\c") == "'a\\'b\\\\c'"
    with pytest.raises(ParameterError, match="tlp"):
        outputs.export_stix(store, tmp_path / "c.json", tlp="purple")


# ---------------------------------------------------------------------------
# graphs and tables
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graph_files_open_with_attributes(real, tmp_path, fmt):
    case, store = real
    p = outputs.export_graph(store, tmp_path / f"g.{fmt}", fmt, campaign_id=case.campaign, run_id=case.run_id)
    g = nx.read_gexf(p) if fmt == "gexf" else nx.read_graphml(p)
    nodes = {f"x:{a}" for a in members(store, case.run_id, case.campaign)}
    assert set(g.nodes) == nodes
    n_edges = store.query(
        "SELECT count(*) AS n FROM edges WHERE run_id = ? AND a IN (SELECT node FROM campaign_accounts WHERE run_id = ? "
        "AND campaign_id = ?) AND b IN (SELECT node FROM campaign_accounts WHERE run_id = ? AND campaign_id = ?)",
        [case.run_id, case.run_id, case.campaign, case.run_id, case.campaign],
    )[0]["n"]
    assert g.number_of_edges() == n_edges > 0
    hijacked = {f"x:{h['account_id']}" for h in case.hijacked}
    for n, a in g.nodes(data=True):
        assert a["campaign"] == case.campaign and a["classification"] == "state_style" and a["platform"] == "x"
        assert a["hijacked"] is (n in hijacked)
        assert 0 < float(a["score"]) <= 1 and int(a["posts"]) > 0
    _, _, e = next(iter(g.edges(data=True)))
    assert {"signals", "q", "p", "n_coactions", "significant"} <= set(e)
    if fmt == "gexf":
        assert ET.parse(p).getroot().attrib["version"] == "1.3"


def test_graph_file_drops_characters_xml_cannot_hold(store, tmp_path):
    build(store)
    store.execute("UPDATE accounts SET display_name = ? WHERE account_id = '102'", ["bad\x00name\x0b" + SCRIPT])
    g = nx.read_gexf(outputs.export_graph(store, tmp_path / "g.gexf", "gexf"))
    assert g.nodes["x:102"]["display_name"] == "badname" + SCRIPT
    assert g.nodes["x:100"]["handle"] == "o'brien\"x"


def test_tables_exact_columns(real, tmp_path):
    case, store = real
    p = outputs.export_tables(store, tmp_path / "t.csv", campaign_id=case.campaign, run_id=case.run_id)
    rows = list(csv.reader(p.open()))
    assert rows[0] == ["from", "to", "weight", "avg_time_delta", "n_content_id", "n_content_id_y", "edge_symmetry_score",
                       "weight_threshold"]
    nodes = {f"x:{a}" for a in members(store, case.run_id, case.campaign)}
    assert len(rows) > 10 and all(r[0] in nodes and r[1] in nodes and float(r[2]) > 0 for r in rows[1:])
    q = outputs.export_tables(store, tmp_path / "n.csv", flavour="cnt", run_id=case.run_id)
    assert next(csv.reader(q.open())) == ["user_1", "user_2", "weight"]
    with pytest.raises(ParameterError):
        outputs.export_tables(store, tmp_path / "z.csv", flavour="gephi")


def test_cli_export_and_referral(real, tmp_path, cli):
    case, _ = real
    db = str(case.path)
    r = cli("export", "stix", "--campaign", case.campaign, "--out", str(tmp_path / "b.json"), "--db", db)
    assert r.exit_code == 0 and r.stdout.strip().endswith("b.json")
    stix2.parse((tmp_path / "b.json").read_text(), allow_custom=False)
    r = cli("export", "gexf", "--campaign", case.campaign, "--out", str(tmp_path / "g.gexf"), "--db", db)
    assert r.exit_code == 0 and nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() > 0
    r = cli("export", "csv", "--flavour", "cnt", "--out", str(tmp_path / "e.csv"), "--db", db)
    assert r.exit_code == 0 and (tmp_path / "e.csv").exists()
    r = cli("referral", "--platform", "x", "--campaign", case.campaign, "--out", str(tmp_path / "ref"), "--db", db)
    assert r.exit_code == 0 and r.stdout.split() == [
        str(tmp_path / "ref" / n) for n in ("referral-x.csv", "referral-x-posts.csv", "referral-x.json")
    ]
    r = cli("export", "pdf", "--out", str(tmp_path / "x"), "--db", db)
    assert r.exit_code == 1 and "kind" in r.stderr
