"""Run every benchmark and print one summary of the figures users care about.

Each ``bench/bench_*.py`` has a ``main(argv)`` that prints its own table and
writes ``bench/out/<name>.json``. This runner calls them in turn (each in its
own process, so one's peak memory does not colour the next) and then prints
the ratios side by side. ``BENCH_QUICK=1`` runs smaller sizes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def _benches() -> list[str]:
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    OUT.mkdir(exist_ok=True)
    only = set(argv)
    failures = []
    for name in _benches():
        if only and name not in only and name.removeprefix("bench_") not in only:
            continue
        print(f"\n=== {name} ===", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent, env=os.environ.copy())
        print(f"--- {name}: exit {rc} in {time.perf_counter() - t0:.1f} s", flush=True)
        if rc != 0:
            failures.append(name)
    print("\n=== summary (bench/out/*.json) ===")
    for f in sorted(OUT.glob("*.json")):
        try:
            data = json.loads(f.read_text())
        except ValueError:
            continue
        headline = data.get("headline") if isinstance(data, dict) else None
        if headline:
            print(f"{f.stem}:")
            for k, v in headline.items():
                print(f"  {k}: {v}")
    if failures:
        print("failed:", ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
