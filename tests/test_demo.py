"""`cibwatch demo`: the whole pipeline on the simulated scenario, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cibwatch import Store
from conftest import run_cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    res = run_cli("demo", "--out", str(out), "--seed", "0")
    assert res.exit_code == 0, res.stderr + res.stdout
    return out, res


def test_demo_prints_the_findings_and_the_report_path(demo):
    out, res = demo
    lines = res.stdout.splitlines()
    assert any(line.startswith("Simulated canada-2023 (seed 0, small)") for line in lines)
    assert any(line.startswith("Ingested ") and " 0 quarantined" in line for line in lines)
    assert any(line.startswith("Detected ") and "state-style" in line for line in lines)
    assert any(line.startswith("Against the planted truth: precision ") for line in lines)
    report_line = [line for line in lines if line.startswith("Case report: ")]
    assert len(report_line) == 1
    report = report_line[0].removeprefix("Case report: ")
    assert report.endswith(".html") and (out / "reports").exists()
    html = (out / "reports" / report.rsplit("/", 1)[-1]).read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "<script" not in html.lower()


def test_demo_summary_records_parameters_scores_and_files(demo):
    out, _ = demo
    s = json.loads((out / "demo-summary.json").read_text(encoding="utf-8"))
    assert s["seed"] == 0 and s["scale"] == "small"
    assert s["ingest"]["rows_read"] == s["ingest"]["stored"] + s["ingest"]["quarantined"]
    assert s["ingest"]["rows_read"] > 10_000
    ev = s["evaluation"]
    # the planted campaign is found, organic accounts and hard negatives are not
    assert ev["precision"] >= 0.95 and ev["recall"] >= 0.8
    assert ev["organic_flagged_share"] <= 0.005
    assert ev["hard_negative_flagged"] == 0
    assert s["top_campaign"] in {c["id"] for c in s["campaigns"]}
    top = next(c for c in s["campaigns"] if c["id"] == s["top_campaign"])
    assert top["classification"] == "state_style" and top["targets"]
    for kind in ("report", "brief", "referral", "stix"):
        assert s["files"][kind], kind
        for f in s["files"][kind]:
            assert Path(f).is_file() and Path(f).stat().st_size > 0, f
    assert {"x", "facebook"} <= {f.rsplit("referral-", 1)[1].split(".")[0] for f in s["files"]["referral"]}


def test_demo_store_holds_the_run_with_its_seed(demo):
    out, _ = demo
    with Store(out / "cibwatch.duckdb", read_only=True) as store:
        run = store.latest_run("detect")
        assert run["seed"] == 0 and run["parameters"]["seed"] == 0
        assert store.count("posts") > 10_000
        assert store.query("SELECT count(*) AS n FROM campaigns WHERE run_id = ? AND classification = 'state_style'",
                           [run["run_id"]])[0]["n"] >= 1


def test_demo_rejects_a_bad_seed(tmp_path):
    res = run_cli("demo", "--out", str(tmp_path), "--seed", "-1")
    assert res.exit_code != 0
    assert "seed" in (res.stderr + res.stdout)
