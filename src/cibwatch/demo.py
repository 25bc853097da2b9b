"""The demo: the whole pipeline on a simulated Spamouflage scenario, offline.

:func:`run_demo` simulates the ``canada-2023`` scenario, imports its
watch-list, ingests its X and Facebook exports into a fresh store, runs
detection (with the assessment), scores the run against the planted truth and
writes what a response team sends: the case report of the strongest campaign,
a brief for the most-targeted member in their language, a referral package per
platform and a STIX 2.1 bundle. Every step is timed and the result, parameters
and seed included, is returned as a JSON-ready dict (also written to
``OUT/demo-summary.json``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import ParameterError
from .store import Store

__all__ = ["run_demo", "DEMO_STORE"]

#: The demo's store, inside its output folder (replaced on every run).
DEMO_STORE = "cibwatch.duckdb"


def _top_campaign(campaigns: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The campaign to report on: state-style first, then by score and size."""
    if not campaigns:
        return None
    rank = {"state_style": 0, "unattributed": 1}
    return min(
        campaigns,
        key=lambda c: (rank.get(c.get("classification") or "", 2), -(c.get("score") or 0.0), -c["size"], c["id"]),
    )


def run_demo(
    out: str | Path,
    *,
    seed: int = 0,
    scale: str = "small",
    overrides: list[str] | None = None,
    time_to_detection: bool = False,
    say: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run the demo into ``out`` and return its summary.

    ``say`` receives one line per finished step (the CLI prints them).
    ``time_to_detection`` re-runs detection day by day (slower).
    """
    from . import pipeline
    from .campaigns import campaigns_report
    from .evaluate import evaluate
    from .ingest import ingest_paths
    from .ingest.targets import import_targets
    from .outputs.brief import write_brief
    from .outputs.data import targets_reached
    from .outputs.referral import write_referral
    from .outputs.report import write_report
    from .outputs.stix import export_stix
    from .simulate import simulate

    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ParameterError("seed", "an integer >= 0", seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    emit = say or (lambda _line: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str, t0: float) -> None:
        timings[name] = round(time.perf_counter() - t0, 2)

    t0 = time.perf_counter()
    sim = simulate(out / "scenario", scenario="canada-2023", seed=seed, scale=scale, overrides=list(overrides or []))
    step("simulate", t0)
    c = sim.counts
    emit(
        f"Simulated canada-2023 (seed {seed}, {scale}): {c['campaign_accounts']:,} campaign accounts, "
        f"{c['organic_accounts']:,} organic and {c['hard_negative_accounts']:,} hard-negative accounts, "
        f"{c['targets']} members of parliament ({timings['simulate']} s)"
    )

    db_path = out / DEMO_STORE
    for stale in (db_path, db_path.with_name(db_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    store = Store(db_path)
    try:
        t0 = time.perf_counter()
        n_targets = import_targets(store, sim.out / "targets.csv")
        report = ingest_paths(store, [sim.out / "exports"], progress=False)
        step("ingest", t0)
        totals = report.to_dict()["totals"]
        emit(
            f"Ingested {totals['rows_read']:,} rows from {totals['files']} files: {totals['stored']:,} stored, "
            f"{totals['quarantined']:,} quarantined; watch-list of {n_targets} rows ({timings['ingest']} s)"
        )

        t0 = time.perf_counter()
        run_id = pipeline.detect(store, seed=seed)
        step("detect", t0)
        camps = campaigns_report(store, run_id)["campaigns"]
        state = [x for x in camps if x.get("classification") == "state_style"]
        reached = targets_reached(store, run_id)
        ops = {x["operation"] for x in state if x.get("operation")}
        in_ops = f" in {len(ops)} operation{'s' if len(ops) != 1 else ''}" if ops else ""
        emit(
            f"Detected {len(camps)} coordinated campaigns ({len(state)} state-style{in_ops}, "
            f"{sum(x['size'] for x in state):,} accounts), reaching {len(reached)} watch-list members "
            f"({timings['detect']} s, run {run_id})"
        )

        t0 = time.perf_counter()
        detect_fn = None
        if time_to_detection:
            from .cli.simulate_cmds import pipeline_detect_fn

            detect_fn = pipeline_detect_fn(store)
        scores = evaluate(store, sim.out / "truth.csv", run_id=run_id, detect_fn=detect_fn)
        step("evaluate", t0)
        ttd = scores.get("time_to_detection_days")
        emit(
            f"Against the planted truth: precision {scores['precision']:.3f}, recall {scores['recall']:.3f}, "
            f"F1 {scores['f1']:.3f}; organic accounts flagged {scores['organic_flagged_share']:.2%}; "
            f"hard negatives flagged {scores['hard_negative_flagged']}"
            + (f"; time to detection {ttd} days" if time_to_detection else "")
        )

        t0 = time.perf_counter()
        files: dict[str, list[str]] = {}
        top = _top_campaign(camps)
        if top is not None:
            files["report"] = [str(p) for p in write_report(store, top["id"], out / "reports", run_id=run_id)]
        if reached:
            most = max(reached, key=lambda r: (r["posts"], r["target_id"]))
            files["brief"] = [str(p) for p in write_brief(store, most["target_id"], out / "briefs", run_id=run_id)]
        platforms = sorted({a.split(":", 1)[0] for x in state for a in x["accounts"]})
        files["referral"] = [
            str(p) for pf in platforms for p in write_referral(store, pf, out / "referrals", run_id=run_id)
        ]
        files["stix"] = [str(export_stix(store, out / "cibwatch-stix.json", run_id=run_id))]
        step("outputs", t0)
    finally:
        store.close()

    timings["total"] = round(time.perf_counter() - started, 2)
    summary: dict[str, Any] = {
        "out": str(out),
        "store": str(db_path),
        "seed": seed,
        "scale": scale,
        "overrides": list(overrides or []),
        "run_id": run_id,
        "scenario": dict(c),
        "ingest": totals,
        "campaigns": [
            {k: x.get(k) for k in ("id", "size", "score", "classification", "targets")} for x in camps
        ],
        "targets_reached": len(reached),
        "evaluation": {
            k: scores.get(k)
            for k in (
                "precision",
                "recall",
                "f1",
                "organic_flagged_share",
                "hard_negative_flagged",
                "time_to_detection_days",
                "purity",
                "completeness",
            )
        },
        "top_campaign": top["id"] if top else None,
        "files": files,
        "seconds": timings,
    }
    (out / "demo-summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True), encoding="utf-8")
    return summary

