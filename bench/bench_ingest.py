"""Ingest throughput and memory against DuckDB's own raw scan of the same file.

Generates an X API v2 JSONL file, an IO-archive CSV and a Meta Graph JSONL
file (1,000,000 rows each by default; ``--rows N``, or ``BENCH_QUICK=1`` for
100,000), then measures, each in a fresh process:

* ``cibwatch`` ingest into a new store file: wall time, rows/s, peak RSS
  (``--repeat`` runs, default 3; the median run is reported with every run's time);
* the floor: ``SELECT count(*)`` over ``read_json_auto`` / ``read_csv_auto``,
  run before and after the ingest (the faster of the two counts), so a busy
  machine slows both sides of the ratio alike;
* a full scan: ``SELECT *`` over the same reader, every column of every row
  streamed out as Arrow batches and dropped (the faster of two);
* DuckDB's own load of the file: ``CREATE TABLE t AS SELECT * FROM
  read_json_auto(...)`` into a new database file (the faster of two).
  ``count(*)`` need not build any column and a scan keeps none; a load builds
  and writes them all, as an ingest must (without checking, deduplicating or
  accounting for a row).

All three go through the bulk readers (DuckDB / PyArrow).
Prints a table and writes ``bench/out/ingest.json`` with a ``headline`` of
the figures that matter (targets: within 3x of the raw scan, under 1.5 GB
peak RSS). Run: ``python -m bench.bench_ingest``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from bench.common import median_run

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
RSS_TARGET_MB = 1536
RATIO_TARGET = 3.0

_MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    kind, path, db = sys.argv[1], sys.argv[2], sys.argv[3]
    t0 = time.perf_counter()
    if kind == "cibwatch":
        from cibwatch import Store
        from cibwatch.ingest import ingest_paths
        from cibwatch.runtime import configure_process
        configure_process()  # as the cibwatch command does
        with Store(db) as store:
            rep = ingest_paths(store, [path], progress=False)
        rows = rep.rows_read
        extra = {"stored": rep.stored, "quarantined": rep.quarantined}
    else:
        import duckdb
        fn = "read_json_auto" if path.endswith(".jsonl") else "read_csv_auto"
        if kind == "raw":
            rows = duckdb.connect().execute(f"SELECT count(*) FROM {fn}(?)", [path]).fetchall()[0][0]
        elif kind == "scan":  # every column of every row, streamed out and dropped
            rel = duckdb.connect().sql(f"SELECT * FROM {fn}($path)", params={"path": path})
            rows = sum(b.num_rows for b in rel.to_arrow_reader(122880))
        else:  # "load": DuckDB's own copy of the file into a table of a database file
            con = duckdb.connect(db)
            con.execute(f"CREATE TABLE t AS SELECT * FROM {fn}(?)", [path])
            rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
            con.close()
        extra = {}
    secs = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": secs, "peak_rss_mb": rss_mb, **extra}))
    """
)


def _measure(kind: str, path: Path, db: Path) -> dict:
    out = subprocess.check_output([sys.executable, "-c", _MEASURE, kind, str(path), str(db)], text=True)
    return json.loads(out.strip().splitlines()[-1])


def _load() -> float:
    return os.getloadavg()[0]


def main(argv: list[str] | None = None) -> int:
    from cibwatch.ingest.synth import write_io_archive_csv, write_meta_graph_jsonl, write_x_v2_jsonl

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = 100_000 if os.environ.get("BENCH_QUICK") else 1_000_000
    ap.add_argument("--rows", type=int, default=default, help=f"rows per file (default {default:,})")
    ap.add_argument("--repeat", type=int, default=3, help="cibwatch ingests per file; the median is reported")
    ap.add_argument("--only", choices=["x-v2", "io-archive", "meta-graph"], action="append", help="inputs to run")
    args = ap.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    writers = {
        "x-v2": ("X v2 JSONL", "x.jsonl", write_x_v2_jsonl),
        "io-archive": ("IO-archive CSV", "io.csv", write_io_archive_csv),
        "meta-graph": ("Meta Graph JSONL", "meta.jsonl", write_meta_graph_jsonl),
    }
    results = []
    with tempfile.TemporaryDirectory(prefix="cibwatch-bench-") as tmp:
        t = Path(tmp)
        for key, (label, name, write) in writers.items():
            if args.only and key not in args.only:
                continue
            path = write(t / name, args.rows, seed=1)
            load_before = _load()
            raw1 = _measure("raw", path, t / "unused.duckdb")
            full1 = _measure("scan", path, t / "unused.duckdb")
            load1 = _measure("load", path, t / "load1.duckdb")
            runs = []
            for _ in range(args.repeat):
                runs.append(_measure("cibwatch", path, t / f"{path.stem}.duckdb"))
                (t / f"{path.stem}.duckdb").unlink(missing_ok=True)
            ours, _ = median_run(runs, "seconds")
            raw2 = _measure("raw", path, t / "unused.duckdb")
            full2 = _measure("scan", path, t / "unused.duckdb")
            load2 = _measure("load", path, t / "load2.duckdb")
            scan = min(raw1["seconds"], raw2["seconds"])
            full = min(full1["seconds"], full2["seconds"])
            load = min(load1["seconds"], load2["seconds"])
            for f in t.glob("load*.duckdb*"):
                f.unlink()
            results.append(
                {
                    "input": label,
                    "rows": ours["rows"],
                    "file_mb": round(path.stat().st_size / 2**20, 1),
                    "cibwatch_s": round(ours["seconds"], 2),
                    "cibwatch_runs_s": [round(r["seconds"], 2) for r in runs],
                    "cibwatch_rows_per_s": round(ours["rows"] / ours["seconds"]),
                    "cibwatch_peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs)),
                    "duckdb_scan_s": round(scan, 2),
                    "ratio_to_scan": round(ours["seconds"] / scan, 1),
                    "duckdb_full_scan_s": round(full, 2),
                    "ratio_to_full_scan": round(ours["seconds"] / full, 1),
                    "duckdb_load_s": round(load, 2),
                    "duckdb_load_peak_rss_mb": round(min(load1["peak_rss_mb"], load2["peak_rss_mb"])),
                    "ratio_to_load": round(ours["seconds"] / load, 1),
                    "stored": ours["stored"],
                    "quarantined": ours["quarantined"],
                    "load_avg": round((load_before + _load()) / 2, 1),
                }
            )
            path.unlink()
    head = (
        f"{'input':17} {'rows':>9} {'MB':>6} {'ingest s':>9} {'rows/s':>9} {'RSS MB':>7} "
        f"{'count s':>7} {'ratio':>6} {'scan s':>7} {'ratio':>6} {'load s':>7} {'ratio':>6} {'loadavg':>7}"
    )
    print(head)
    for r in results:
        print(
            f"{r['input']:17} {r['rows']:>9,} {r['file_mb']:>6} {r['cibwatch_s']:>9} {r['cibwatch_rows_per_s']:>9,} "
            f"{r['cibwatch_peak_rss_mb']:>7} {r['duckdb_scan_s']:>7} {r['ratio_to_scan']:>5}x "
            f"{r['duckdb_full_scan_s']:>7} {r['ratio_to_full_scan']:>5}x "
            f"{r['duckdb_load_s']:>7} {r['ratio_to_load']:>5}x {r['load_avg']:>7}"
        )
    headline = {
        f"{r['input']} ingest": f"{r['cibwatch_rows_per_s']:,} rows/s, {r['ratio_to_scan']}x the count(*) scan, "
        f"{r['ratio_to_full_scan']}x a full scan, {r['ratio_to_load']}x DuckDB's own load into a table "
        f"(target {RATIO_TARGET}x), "
        f"peak {r['cibwatch_peak_rss_mb']} MB (target < {RSS_TARGET_MB})"
        for r in results
    }
    headline["machine"] = f"{os.cpu_count()} cores, load average during runs {[r['load_avg'] for r in results]}"
    (OUT / "ingest.json").write_text(
        json.dumps({"rows": args.rows, "results": results, "headline": headline}, indent=2)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
