"""Referral, STIX, graph and table outputs built from a realistic store."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import pytest
import stix2

from cibwatch import outputs
from cibwatch.errors import ParameterError
from cibwatch.outputs.safe import defang, neutralise_cell
from cibwatch.outputs.stix import pattern_string
from outputs_fixtures import FORMULA, build


@pytest.fixture
def built(store):
    build(store)
    return store


def test_neutralise_and_defang():
    assert neutralise_cell(FORMULA) == "'" + FORMULA
    assert neutralise_cell("-1") == "'-1" and neutralise_cell("ok") == "ok"
    assert defang("see https://evil.example.com/x") == "see hxxps://evil[.]example[.]com/x"


def test_referral_links_policy_and_neutralised(built, tmp_path):
    c, j = outputs.write_referral(built, "x", tmp_path)
    rows = list(csv.DictReader(c.open(encoding="utf-8")))
    assert len(rows) == 6
    assert all(r["policy"] == "X: Platform Manipulation and Spam" for r in rows)
    assert any(r["profile_url"] == "https://x.com/bot_1" for r in rows)
    assert any(r["profile_url"] == "https://x.com/i/user/100" for r in rows)  # unsafe handle -> id link
    assert "https://x.com/i/status/10" in rows[1]["post_urls"] or "https://x.com/i/status/00" in rows[0]["post_urls"]
    data = json.loads(j.read_text())
    assert "T0150.008" in {t for a in data["accounts"] for t in a["disarm"]}
    raw = c.read_text()
    assert not any(line.startswith("=") or ',"=' in line for line in raw.splitlines())
    with pytest.raises(ParameterError):
        outputs.write_referral(built, "myspace", tmp_path)


def test_stix_parses_and_names_disarm(built, tmp_path):
    p = outputs.export_stix(built, tmp_path / "b.json")
    bundle = stix2.parse(p.read_text(), allow_custom=False)
    kinds = {o.type for o in bundle.objects}
    assert {
        "identity",
        "campaign",
        "intrusion-set",
        "indicator",
        "observed-data",
        "attack-pattern",
        "relationship",
        "user-account",
    } <= kinds
    ext = {r["external_id"] for o in bundle.objects if o.type == "attack-pattern" for r in o.external_references}
    assert {"T0084.001", "T0150.008", "T0049.004"} <= ext
    pats = [o.pattern for o in bundle.objects if o.type == "indicator"]
    assert "[user-account:account_login = 'o\\'brien\"x']" in pats
    assert all(o.object_marking_refs == [stix2.TLP_AMBER.id] for o in bundle.objects if o.type == "campaign")
    rels = {(o.relationship_type) for o in bundle.objects if o.type == "relationship"}
    assert {"uses", "indicates", "attributed-to"} <= rels


def test_pattern_string_escapes():
    assert pattern_string("a'b\\c") == "'a\\'b\\\\c'"


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graph_files_parse_with_attributes(built, tmp_path, fmt):
    p = outputs.export_graph(built, tmp_path / f"g.{fmt}", fmt)
    root = ET.parse(p).getroot()
    nodes = [e for e in root.iter() if e.tag.endswith("}node")]
    edges = [e for e in root.iter() if e.tag.endswith("}edge")]
    assert len(nodes) == 6 and len(edges) == 5
    text = ET.tostring(root, encoding="unicode")
    assert "bot_1" in text and "state-style" not in text and "c1" in text
    if fmt == "gexf":
        assert root.attrib["version"] == "1.3"
        titles = {a.attrib["title"] for a in root.iter() if a.tag.endswith("}attribute")}
        assert {"platform", "handle", "campaign", "score", "indicators", "signals", "p", "q"} <= titles
    else:
        assert {k.attrib["attr.name"] for k in root if k.tag.endswith("}key")} >= {"platform", "score", "weight", "q"}


def test_tables_exact_columns(built, tmp_path):
    p = outputs.export_tables(built, tmp_path / "t.csv")
    rows = list(csv.reader(p.open()))
    assert rows[0] == [
        "from",
        "to",
        "weight",
        "avg_time_delta",
        "n_content_id",
        "n_content_id_y",
        "edge_symmetry_score",
        "weight_threshold",
    ]
    assert len(rows) == 6 and rows[1][:3] == ["x:100", "x:101", "3.5"]
    q = outputs.export_tables(built, tmp_path / "n.csv", flavour="cnt")
    assert next(csv.reader(q.open())) == ["user_1", "user_2", "weight"]
    with pytest.raises(ParameterError):
        outputs.export_tables(built, tmp_path / "z.csv", flavour="gephi")


def test_cli_export_and_referral(tmp_path, cli):
    from cibwatch import Store

    db = tmp_path / "s.duckdb"
    with Store(str(db)) as s:
        build(s)
    r = cli("export", "stix", "--out", str(tmp_path / "b.json"), "--db", str(db))
    assert r.exit_code == 0 and r.stdout.strip().endswith("b.json")
    r = cli("export", "csv", "--flavour", "cnt", "--out", str(tmp_path / "e.csv"), "--db", str(db))
    assert r.exit_code == 0 and (tmp_path / "e.csv").exists()
    r = cli("referral", "--platform", "x", "--out", str(tmp_path / "ref"), "--db", str(db))
    assert r.exit_code == 0 and "referral-x.csv" in r.stdout
    r = cli("export", "pdf", "--out", str(tmp_path / "x"), "--db", str(db))
    assert r.exit_code == 1 and "kind" in r.stderr
