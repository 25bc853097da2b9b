"""Detection quality on the simulated scenario, over seeds and variants.

For each variant and seed: simulate ``canada-2023`` (small scale unless
``--scale full``), ingest, detect with the assessment, and evaluate against
the planted truth, time-to-detection included (detection re-run day by day on
the data up to that day). Variants (``--set`` overrides of the scenario):

* ``default``;
* ``fr-zh-only``: no English campaign messages (``lang_en=0``);
* ``half-hijacked``: half the campaign accounts hijacked (``hijacked_share=0.5``);
* ``canadian-hours``: operators on Canadian Eastern hours, so no foreign
  schedule signal (``utc_offset_hours=-4``);
* ``heavy-perturbation``: every campaign message perturbed (``perturb_rate=1.0``).

Writes ``bench/out/scenarios.json`` (every row, with its parameters) and prints
the table. ``BENCH_QUICK=1`` runs one seed and no time-to-detection.
Run with ``python -m bench.bench_scenarios [--seeds 0 1] [--variants default ...] [--scale small]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cibwatch.demo import run_demo

HERE = Path(__file__).resolve().parent

VARIANTS: dict[str, list[str]] = {
    "default": [],
    "fr-zh-only": ["lang_en=0"],
    "half-hijacked": ["hijacked_share=0.5"],
    "canadian-hours": ["utc_offset_hours=-4"],
    "heavy-perturbation": ["perturb_rate=1.0"],
}


def main(argv: list[str] | None = None) -> int:
    quick = bool(os.environ.get("BENCH_QUICK"))
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[0] if quick else [0, 1])
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    ap.add_argument("--scale", default="small", choices=["small", "full"])
    ap.add_argument("--no-ttd", action="store_true", help="skip time-to-detection (faster)")
    args = ap.parse_args(argv)
    ttd = not (args.no_ttd or quick)
    rows = []
    for variant in args.variants:
        for seed in args.seeds:
            with tempfile.TemporaryDirectory(prefix="cibwatch-bench-") as tmp:
                t0 = time.perf_counter()
                s = run_demo(Path(tmp), seed=seed, scale=args.scale, overrides=VARIANTS[variant], time_to_detection=ttd)
                wall = time.perf_counter() - t0
            ev = s["evaluation"]
            row = {
                "variant": variant,
                "overrides": VARIANTS[variant],
                "seed": seed,
                "scale": args.scale,
                "precision": ev["precision"],
                "recall": ev["recall"],
                "f1": ev["f1"],
                "organic_flagged_share": ev["organic_flagged_share"],
                "hard_negative_flagged": ev["hard_negative_flagged"],
                "operation_completeness": ev.get("operation_completeness"),
                "time_to_detection_days": ev["time_to_detection_days"] if ttd else None,
                "posts": s["ingest"]["stored"],
                "detect_s": s["seconds"]["detect"],
                "ingest_s": s["seconds"]["ingest"],
                "wall_s": round(wall, 1),
                "run_id": s["run_id"],
            }
            rows.append(row)
            print(
                f"{variant:<19} seed {seed}: P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f} "
                f"organic FP {row['organic_flagged_share']:.3%} hard-neg {row['hard_negative_flagged']} "
                f"TTD {row['time_to_detection_days']} d detect {row['detect_s']} s wall {row['wall_s']} s",
                flush=True,
            )
    headline = {}
    for variant in args.variants:
        vr = [r for r in rows if r["variant"] == variant]
        ttds = [r["time_to_detection_days"] for r in vr if r["time_to_detection_days"] is not None]
        headline[variant] = (
            f"F1 {statistics.mean(r['f1'] for r in vr):.3f} (P {statistics.mean(r['precision'] for r in vr):.3f}, "
            f"R {statistics.mean(r['recall'] for r in vr):.3f}), organic flagged "
            f"{max(r['organic_flagged_share'] for r in vr):.2%} max, hard negatives {max(r['hard_negative_flagged'] for r in vr)} max, "
            f"TTD {max(ttds) if ttds else 'not measured'} d max, detect {statistics.mean(r['detect_s'] for r in vr):.1f} s"
        )
    out = {"headline": headline, "rows": rows, "targets": {"f1": 0.95, "organic_flagged_share": 0.005,
                                                          "hard_negative_flagged": 0, "time_to_detection_days": 7}}
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "scenarios.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(headline, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
