"""Coordination engine benchmark: CooRTweet's data and a synthetic 1M-post workload vs the peers.

Parts:

1. CooRTweet parity and speed: ``coortweet_pairs`` + ``coortweet_network`` on
   ``tests/data/coortweet/russian_coord_tweets.csv`` for the three reference
   settings; wall time (including reading the CSV) next to CooRTweet's own
   ``secs`` from the reference summary, and whether the row counts match.
2. Synthetic workload (``--posts N``, default 1,000,000): reposts, replies and
   links with Zipf-distributed popularity over 30 days plus planted groups.
   For each exact-match network (co-repost, co-reply, co-link) cibwatch's
   exact mode and the Coordination Network Toolkit (CNT) are run with the same
   window, each in its own process: wall time, peak RSS, and whether the edge
   sets are identical. CNT edges are directed (u1→u2 counts u1's messages with
   a u2 match, and every user matches itself); they are compared as
   undirected pairs without self-loops, and the weights both ways.
   cibwatch's default mode (null model, caps) is timed on all three at once.
   cibwatch's worker times its whole process (imports, reading the Parquet
   file; the median of ``--repeat`` processes, default 3) and applies :func:`cibwatch.runtime.configure_process` first, as
   the ``cibwatch`` command does.
3. ``--large``: 5M posts of each network (co-repost, co-reply, co-link, one
   fit each) and 10M mixed traces in one fit, cibwatch only, with peak RSS.

Writes ``bench/out/coordination.json`` and prints a table. Run with
``python -m bench.bench_coordination [--posts N] [--large] [--no-peer]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from bench.common import median_run

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
DATA = ROOT / "tests" / "data"
WINDOW = 60
NETWORKS = ("repost", "reply", "link")


# -- synthetic workload ------------------------------------------------------------
def make_workload(n_posts: int, seed: int = 0, mix: tuple[float, float, float] = (0.4, 0.3, 0.3)) -> pa.Table:
    """Posts: message_id, user_id, repost_id, reply_id, url, timestamp (one kind each)."""
    rng = np.random.default_rng(seed)
    n_users = max(n_posts // 5, 10)
    period = 30 * 86400
    kind = rng.choice(3, size=n_posts, p=list(mix))
    user = rng.integers(0, n_users, n_posts)
    ts = rng.integers(0, period, n_posts)
    n_obj = max(n_posts // 10, 10)
    # popularity ∝ 1/(rank + 10)^1.1: a long tail and a few viral objects (the top one ~1.5% of shares)
    weights = 1.0 / (np.arange(n_obj) + 10.0) ** 1.1
    obj = rng.choice(n_obj, size=n_posts, p=weights / weights.sum())
    # objects become popular at some moment: shares cluster around it (hours)
    birth = rng.integers(0, period, n_obj)
    popular = rng.random(n_posts) < 0.5
    ts = np.where(popular, np.clip(birth[obj] + rng.exponential(3600, n_posts).astype(np.int64), 0, period), ts)
    # planted groups: 50 groups of 20 accounts act on 10 objects within seconds
    n_groups, size, acts = 50, 20, 10
    k = 0
    for g in range(n_groups):
        members = rng.choice(n_users, size, replace=False)
        for _ in range(acts):
            o = rng.integers(0, n_obj)
            t = rng.integers(0, period)
            kk = g % 3 if min(mix) > 0 else int(np.argmax(mix))
            for m in members:
                if k >= n_posts:
                    break
                user[k], obj[k], ts[k], kind[k] = m, o, t + rng.integers(0, 30), kk
                k += 1
    ids = np.arange(n_posts)
    obj_s = np.char.add("o", obj.astype(str))
    none = np.array([None] * n_posts, dtype=object)
    return pa.table(
        {
            "message_id": pa.array(np.char.add("m", ids.astype(str))),
            "user_id": pa.array(np.char.add("u", user.astype(str))),
            "repost_id": pa.array(np.where(kind == 0, obj_s, none)),
            "reply_id": pa.array(np.where(kind == 1, obj_s, none)),
            "url": pa.array(np.where(kind == 2, np.char.add("https://site.example/", obj_s), none)),
            "timestamp": pa.array(ts.astype(np.int64)),
        }
    )


def _traces(posts: pa.Table, network: str) -> pa.Table:
    import pyarrow.compute as pc

    col = {"repost": "repost_id", "reply": "reply_id", "link": "url"}[network]
    t = posts.filter(pc.is_valid(posts.column(col)))
    return pa.table(
        {
            "account": t.column("user_id"),
            "object_key": t.column(col),
            "kind": pa.repeat(pa.scalar(network, pa.string()), t.num_rows),
            "post_id": t.column("message_id"),
            "ts": t.column("timestamp"),
        }
    )


class PeakRSS:
    """Peak resident memory of this process and its children, sampled every 20 ms (psutil)."""

    def __init__(self) -> None:
        import threading

        import psutil

        self._proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        try:
            rss = self._proc.memory_info().rss
            for c in self._proc.children(recursive=True):
                try:
                    rss += c.memory_info().rss
                except Exception:  # noqa: BLE001 - a child may exit between the two calls
                    pass
        except Exception:  # noqa: BLE001
            return
        self.peak = max(self.peak, rss)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._sample()

    def mb(self) -> float:
        self._sample()
        return self.peak / 2**20


_PEAK: PeakRSS | None = None


def _peak_mb() -> float:
    return _PEAK.mb() if _PEAK is not None else float("nan")


# -- workers (each run in its own process) -------------------------------------------
def worker_ours(path: str, out: str, mode: str) -> None:
    import pyarrow.compute as pc

    t0 = time.perf_counter()  # imports count
    from cibwatch.coordination import CoordinationDetector
    from cibwatch.runtime import configure_process

    configure_process()  # as the cibwatch command does at start-up

    posts = pq.read_table(path)
    res: dict[str, object] = {"read_s": time.perf_counter() - t0}
    if mode == "exact":
        # warm the compiled kernels (loaded from numba's on-disk cache) outside the timings
        warm = _traces(posts.slice(0, 1000), "link")
        CoordinationDetector(min_participation=1, null_model="none", min_objects=1, max_pairs_per_trace=None).fit(warm)
        res["warmup_s"] = time.perf_counter() - t0 - float(res["read_s"])  # type: ignore[arg-type]
        dets = {}
        for net in NETWORKS:
            t1 = time.perf_counter()
            det = CoordinationDetector(
                time_window=WINDOW, min_participation=1, null_model="none", min_objects=1, max_pairs_per_trace=None
            ).fit(_traces(posts, net))
            res[net] = {
                "seconds": time.perf_counter() - t1,
                "traces": det.info_["traces"],
                "edges": det.edges_.num_rows,
            }
            dets[net] = det
        res["total_s"] = time.perf_counter() - t0
        res["peak_rss_mb"] = _peak_mb()
        for net, det in dets.items():  # validation data (not timed): CNT's directed weights
            pairs = det.pairs_
            # CNT's directed weight: distinct messages of u1 with a u2 match, both ways
            both = pa.concat_tables(
                [
                    pa.table({"u1": pairs["account_id"], "u2": pairs["account_id_y"], "m": pairs["content_id"]}),
                    pa.table({"u1": pairs["account_id_y"], "u2": pairs["account_id"], "m": pairs["content_id_y"]}),
                ]
            )
            w = both.group_by(["u1", "u2"]).aggregate([("m", "count_distinct")])
            res[net]["directed"] = sorted(  # type: ignore[index]
                zip(w["u1"].to_pylist(), w["u2"].to_pylist(), w["m_count_distinct"].to_pylist(), strict=True)
            )
        Path(out).write_text(json.dumps(res))
        return
    else:  # default mode on everything at once
        t1 = time.perf_counter()
        traces = pa.concat_tables([_traces(posts, n) for n in NETWORKS])
        det = CoordinationDetector(time_window=WINDOW).fit(traces)
        res["default"] = {
            "seconds": time.perf_counter() - t1,
            "traces": det.info_["traces"],
            "edges": det.edges_.num_rows,
            "significant": int(pc.sum(det.edges_["significant"]).as_py() or 0),
            "capped_traces": det.info_["capped_traces"],
        }
    res["total_s"] = time.perf_counter() - t0
    res["peak_rss_mb"] = _peak_mb()
    Path(out).write_text(json.dumps(res))


def worker_cnt(path: str, out: str) -> None:
    t0 = time.perf_counter()
    from coordination_network_toolkit.compute_networks import (
        compute_co_link_network,
        compute_co_reply_network,
        compute_co_retweet_parallel,
    )
    from coordination_network_toolkit.preprocess import preprocess_data

    posts = pq.read_table(path).to_pydict()
    db = str(Path(out).with_suffix(".sqlite"))
    rows = (
        (m, u, u, rp or "", ry or "", "", ts, [url] if url else [])
        for m, u, rp, ry, url, ts in zip(
            posts["message_id"],
            posts["user_id"],
            posts["repost_id"],
            posts["reply_id"],
            posts["url"],
            posts["timestamp"],
            strict=True,
        )
    )
    preprocess_data(db, rows)
    res: dict[str, object] = {"load_s": time.perf_counter() - t0}
    import sqlite3

    for net, fn, table in (
        ("repost", compute_co_retweet_parallel, "co_retweet_network"),
        ("reply", compute_co_reply_network, "co_reply_network"),
        ("link", compute_co_link_network, "co_link_network"),
    ):
        t1 = time.perf_counter()
        fn(db, WINDOW, n_threads=2, min_edge_weight=1)
        secs = time.perf_counter() - t1
        validation_t0 = time.perf_counter()
        con = sqlite3.connect(db)
        directed = sorted(con.execute(f"select user_1, user_2, weight from {table} where user_1 != user_2").fetchall())  # noqa: S608
        con.close()
        res[net] = {"seconds": secs, "directed": directed}
        t0 += time.perf_counter() - validation_t0  # reading edges back for the comparison is not CNT's cost
    res["total_s"] = time.perf_counter() - t0
    res["peak_rss_mb"] = _peak_mb()
    os.remove(db)
    Path(out).write_text(json.dumps(res))


def worker_large(out: str) -> None:
    from cibwatch.coordination import CoordinationDetector

    res: dict[str, object] = {}
    rng = np.random.default_rng(1)
    # 5M posts of each network, with the workload's popularity and timing
    only: tuple[tuple[float, float, float], ...] = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
    for net, mix in zip(NETWORKS, only, strict=True):
        posts = make_workload(5_000_000, seed=1, mix=mix)
        t = _traces(posts, net)
        posts = None
        t0 = time.perf_counter()
        det = CoordinationDetector(time_window=WINDOW).fit(t)
        res[f"{net}_5M"] = {
            "traces": t.num_rows,
            "seconds": time.perf_counter() - t0,
            "edges": det.edges_.num_rows,
            "peak_rss_mb": _peak_mb(),  # of the process so far
        }
        Path(out).write_text(json.dumps(res))
        del det, t
    # 10M mixed traces: popularity ∝ 1/(rank + 10)^1.1 over 1M objects of five kinds, half in bursts
    kinds = np.array(["repost", "reply", "url", "hashtag", "text_exact"])
    n, n_obj = 10_000_000, 1_000_000
    weights = 1.0 / (np.arange(n_obj) + 10.0) ** 1.1
    obj = rng.choice(n_obj, size=n, p=weights / weights.sum())
    birth = rng.integers(0, 30 * 86400, n_obj)
    ts = np.where(
        rng.random(n) < 0.5, birth[obj] + rng.exponential(3600, n).astype(np.int64), rng.integers(0, 30 * 86400, n)
    )
    k = obj % len(kinds)
    t = pa.table(
        {
            "account": pa.array(np.char.add("u", rng.integers(0, 2_000_000, n).astype(str))),
            "object_key": pa.array(np.char.add(np.char.add(kinds[k], ":"), obj.astype(str))),
            "kind": pa.array(kinds[k]),
            "post_id": pa.array(np.char.add("m", np.arange(n).astype(str))),
            "ts": pa.array(ts.astype(np.int64)),
        }
    )
    del obj, ts, k
    t0 = time.perf_counter()
    det = CoordinationDetector(time_window=WINDOW).fit(t)
    res["mixed_10M"] = {
        "traces": t.num_rows,
        "seconds": time.perf_counter() - t0,
        "edges_listed": det.edges_.num_rows,
        "edges_total": det.info_["edges"] + det.info_["edges_not_listed"],
        "capped_traces": det.info_["capped_traces"],
        "peak_rss_mb": _peak_mb(),
    }
    Path(out).write_text(json.dumps(res))


def _spawn(*args: str, python: str = sys.executable) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False, dir=OUT) as fh:
        out = fh.name
    try:
        rc = subprocess.call([python, "-m", "bench.bench_coordination", "--worker", *args, "--out", out], cwd=ROOT)
        if rc != 0:
            return {"error": f"worker {args[0]} exited {rc}"}
        return json.loads(Path(out).read_text())
    finally:
        Path(out).unlink(missing_ok=True)


# -- parts ---------------------------------------------------------------------------
def coortweet_part() -> list[dict]:
    import csv

    from cibwatch.coordination import coortweet_network, coortweet_pairs, network_summary, read_table

    ref = {
        (r["time_window"], r["min_participation"]): r
        for r in csv.DictReader((DATA / "coortweet_reference" / "coortweet_reference_summary.csv").open())
    }
    rows = []
    for (tw, mp), r in sorted(ref.items(), key=lambda kv: (-int(kv[0][0]), kv[0][1])):
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            table = read_table(DATA / "coortweet" / "russian_coord_tweets.csv")
            pairs, _ = coortweet_pairs(table, time_window=int(tw), min_participation=int(mp))
            edges = coortweet_network(pairs, edge_weight=float(r["edge_weight_quantile"]))
            s = network_summary(edges)
            best = min(best, time.perf_counter() - t0)
        same = pairs.num_rows == int(r["coordinated_pairs_rows"]) and all(
            s[k] == int(r[k]) for k in ("full_graph_edges", "graph_edges", "components")
        )
        rows.append(
            {
                "setting": f"tw{tw} mp{mp}",
                "ours_s": round(best, 3),
                "coortweet_s": float(r["secs"]),
                "ratio": round(float(r["secs"]) / best, 1),
                "same_rows": same,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--posts",
        type=int,
        default=int(os.environ.get("BENCH_POSTS", "100000" if os.environ.get("BENCH_QUICK") else "1000000")),
    )
    ap.add_argument("--large", action="store_true", help="also 5M posts per network and 10M mixed traces")
    ap.add_argument("--no-peer", action="store_true", help="skip the Coordination Network Toolkit")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1 if os.environ.get("BENCH_QUICK") else 3,
        help="fresh cibwatch processes for the exact networks (the median is reported)",
    )
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        global _PEAK
        _PEAK = PeakRSS()
        what = args.worker[0]
        if what == "ours":
            worker_ours(args.worker[1], args.out, args.worker[2])
        elif what == "cnt":
            worker_cnt(args.worker[1], args.out)
        elif what == "large":
            worker_large(args.out)
        return 0

    OUT.mkdir(exist_ok=True)
    result: dict[str, object] = {"machine": {"cpus": os.cpu_count()}, "window": WINDOW}
    print("CooRTweet data (russian_coord_tweets, 35,125 rows): cibwatch compat vs CooRTweet 2.1.3")
    ct = coortweet_part()
    result["coortweet"] = ct
    print(f"{'setting':<12}{'cibwatch s':>12}{'CooRTweet s':>13}{'ratio':>8}  same rows")
    for r in ct:
        print(f"{r['setting']:<12}{r['ours_s']:>12.3f}{r['coortweet_s']:>13.1f}{r['ratio']:>7.0f}×  {r['same_rows']}")

    path = OUT / f"coordination_workload_{args.posts}.parquet"
    if not path.exists():
        pq.write_table(make_workload(args.posts), path)
    print(f"\nSynthetic workload: {args.posts:,} posts, window {WINDOW} s")
    # this machine's first touches of fresh memory vary a lot from process to process: the
    # process with the median whole-process time is reported, with the range
    spawned = [_spawn("ours", str(path), "exact") for _ in range(max(args.repeat, 1))]
    if not any("error" not in r for r in spawned):
        print(f"cibwatch worker failed: {spawned[0]['error']}")
        return 1
    ours, runs = median_run([r for r in spawned if "error" not in r], "total_s")
    default = _spawn("ours", str(path), "default")
    peer: dict = {}
    if not args.no_peer:
        from bench.bench_text import cnt_python

        py = cnt_python()  # the toolkit in its own virtual environment, created on first use
        if py is not None:
            peer = _spawn("cnt", str(path), python=py)
            if "error" in peer:
                print(f"Coordination Network Toolkit run failed ({peer['error']}): peer skipped")
                peer = {}
    nets = []
    for net in NETWORKS:
        row: dict[str, object] = {"network": net, "ours_s": round(ours[net]["seconds"], 3), "edges": ours[net]["edges"]}
        if peer and net in peer:
            ours_set = {tuple(x) for x in ours[net]["directed"]}
            cnt_set = {tuple(x) for x in peer[net]["directed"]}
            row.update(
                cnt_s=round(peer[net]["seconds"], 2),
                ratio=round(peer[net]["seconds"] / max(ours[net]["seconds"], 1e-9), 1),
                identical_edges=ours_set == cnt_set,
                cnt_directed_edges=len(cnt_set),
            )
        nets.append(row)
    result["workload"] = {
        "posts": args.posts,
        "networks": nets,
        "ours_read_s": round(ours["read_s"], 3),
        "ours_total_s": round(ours["total_s"], 2),
        "ours_total_s_runs": [round(r["total_s"], 2) for r in runs],
        "ours_peak_rss_mb": round(ours["peak_rss_mb"]),
        "default_mode": default.get("default"),
        "default_total_s": round(default.get("total_s", float("nan")), 2),
        "default_peak_rss_mb": round(default.get("peak_rss_mb", float("nan"))),
    }
    if peer:
        result["workload"].update(
            cnt_load_s=round(peer["load_s"], 1),
            cnt_total_s=round(peer["total_s"], 1),
            cnt_peak_rss_mb=round(peer["peak_rss_mb"]),
        )
    print(f"{'network':<9}{'cibwatch s':>12}{'CNT s':>9}{'ratio':>9}{'edges':>10}  identical")
    for r in nets:
        print(
            f"{r['network']:<9}{r['ours_s']:>12.3f}{r.get('cnt_s', float('nan')):>9.2f}{r.get('ratio', float('nan')):>8.1f}×{r['edges']:>10}  {r.get('identical_edges', '-')}"
        )
    w = result["workload"]
    print(
        f"cibwatch exact, whole process (read + 3 networks): {w['ours_total_s']} s (median of {len(runs)} processes:"
        f" {w['ours_total_s_runs']}), peak RSS {w['ours_peak_rss_mb']} MB"
    )
    print(
        f"cibwatch default mode (3 signals at once, null model): {w['default_total_s']} s, peak RSS {w['default_peak_rss_mb']} MB, {w['default_mode']}"
    )
    if peer:
        ratio_total = round(peer["total_s"] / ours["total_s"], 1)
        print(
            f"CNT whole process (load {w['cnt_load_s']} s + 3 networks): {w['cnt_total_s']} s, peak RSS {w['cnt_peak_rss_mb']} MB; ratio {ratio_total}×"
        )
        result["workload"]["ratio_total"] = ratio_total
    if args.large:
        print("\nLarge: 5M posts of each network, 10M mixed traces (cibwatch default mode)")
        large = _spawn("large")
        result["large"] = large
        for k, v in large.items():
            print(f"{k}: {v}")
    headline = {
        "coortweet_60_2_ratio": ct[0]["ratio"],
        "coortweet_same_rows": all(r["same_rows"] for r in ct),
        "workload_posts": args.posts,
        "workload_peak_rss_mb": w["ours_peak_rss_mb"],
    }
    if peer:
        headline["cnt_ratio_total"] = result["workload"]["ratio_total"]
        headline["cnt_identical_edges"] = all(r.get("identical_edges") for r in nets)
    result["headline"] = headline
    (OUT / "coordination.json").write_text(json.dumps(result, indent=2, default=str))
    print(f"\nwrote {OUT / 'coordination.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
