"""Commands ``simulate`` and ``evaluate``."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .app import DbOption, JsonOption, app, console, open_store, print_json


@app.command("simulate")
def simulate_cmd(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the scenario into.")],
    scenario: Annotated[str, typer.Option("--scenario", help="Scenario name: canada-2023.")] = "canada-2023",
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives identical files.")] = 0,
    scale: Annotated[str, typer.Option("--scale", help="small (tests, demo) or full (~2,000 campaign accounts, 300,000+ organic posts).")] = "small",
    set_: Annotated[Optional[list[str]], typer.Option("--set", help="Override a scenario parameter: key=value (repeatable).")] = None,
    json_: JsonOption = False,
) -> None:
    """Write a simulated Spamouflage scenario: platform exports, watch-list, ground truth, parameters."""
    from ..simulate import simulate

    res = simulate(out, scenario=scenario, seed=seed, scale=scale, overrides=list(set_ or []))
    if json_:
        print_json({"out": str(res.out), "seed": res.seed, "scale": res.scale, "counts": res.counts, "files": res.files})
        return
    c = res.counts
    console.print(f"Scenario {scenario} (seed {seed}, scale {scale}) written to {res.out}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"  targets: {c['targets']} ({c['targeted']} targeted by the campaign)", markup=False, highlight=False, soft_wrap=True)
    console.print(f"  campaign: {c['campaign_accounts']:,} accounts, {c['campaign_posts']:,} posts", markup=False, highlight=False, soft_wrap=True)
    console.print(f"  organic: {c['organic_accounts']:,} accounts, {c['organic_posts']:,} posts; hard negatives: {c['hard_negative_accounts']:,} accounts", markup=False, highlight=False, soft_wrap=True)
    console.print(f"  files: exports/x ({sum(f.startswith('exports/x/') for f in res.files)}), exports/facebook "
                  f"({sum(f.startswith('exports/facebook/') for f in res.files)}), targets.csv, truth.csv, scenario.json", markup=False, highlight=False, soft_wrap=True)
    console.print(f"Next: cibwatch ingest {res.out / 'exports'} && cibwatch targets import {res.out / 'targets.csv'} "
                  f"&& cibwatch detect && cibwatch evaluate --truth {res.out / 'truth.csv'}", markup=False, highlight=False, soft_wrap=True)


def pipeline_detect_fn(store: Any) -> Any:
    """``until -> run_id`` over ``cibwatch.pipeline.detect(store, until=..., run_kind="detect-probe")``.

    The probe runs (detection and assessment on the data before ``until``) are
    recorded as ``detect-probe`` so that they never become the latest
    ``detect`` run that other commands default to.
    """
    from .. import pipeline

    def detect_until(until: _dt.datetime) -> str:
        return str(pipeline.detect(store, until=until, run_kind="detect-probe"))

    return detect_until


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


@app.command("evaluate")
def evaluate_cmd(
    truth: Annotated[Path, typer.Option("--truth", help="Ground truth CSV: account_id, platform, role, campaign_id.")],
    run: Annotated[Optional[str], typer.Option("--run", help="Run id (default: the latest detect run).")] = None,
    ttd: Annotated[bool, typer.Option("--time-to-detection/--no-time-to-detection",
                                      help="Re-run detection day by day to measure time-to-detection (slower).")] = False,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Score a detection run against ground truth: precision, recall, F1, false positives, time-to-detection."""
    from ..evaluate import evaluate

    store = open_store(db)
    try:
        res = evaluate(store, truth, run_id=run, detect_fn=pipeline_detect_fn(store) if ttd else None)
    finally:
        store.close()
    if json_:
        print_json(res)
        return
    c = res["counts"]
    rows = [
        ("run", res["run_id"]),
        ("precision", res["precision"]),
        ("recall", res["recall"]),
        ("F1", res["f1"]),
        ("campaign purity", res["purity"]),
        ("campaign completeness", res["completeness"]),
        ("operation purity", res["operation_purity"]),
        ("operation completeness", res["operation_completeness"]),
        ("flagged accounts (state-style)", res["flagged"]),
        ("organic accounts flagged", f"{res['organic_flagged']:,} of {c['truth_organic_accounts']:,} ({res['organic_flagged_share']:.2%})"),
        ("hard-negative accounts flagged", res["hard_negative_flagged"]),
        ("in unattributed campaigns", res["unattributed_flagged"]),
        ("time to detection (days)", res["time_to_detection_days"] if ttd else "not measured (--time-to-detection)"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        console.print(f"{k.ljust(width)}  {_fmt(v)}", markup=False, highlight=False, soft_wrap=True)
