"""Assessment benchmark: `assess_run` at the scale of the 2023 Canadian case.

Builds a synthetic store in DuckDB (``--organic`` organic posts from 100,000
accounts, one campaign of ``--accounts`` accounts and ``--posts`` posts, about
15 significant edges per member with three evidence rows each, 50 targets),
then times ``assess_run`` (evidence, scores, classification, profiles,
threats for every target, case matching against Meta's Spamouflage
indicators) and reports wall time, peak RSS and rows written.

Writes ``bench/out/assess.json``. ``BENCH_QUICK=1`` runs a tenth of the size.
Run with ``python -m bench.bench_assess [--organic N] [--accounts N] [--posts N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

from cibwatch import Store
from cibwatch.assess import assess_run
from cibwatch.cases import import_cases

HERE = Path(__file__).resolve().parent
META = HERE.parent / "tests" / "data" / "meta_spamouflage" / "spamouflage_q2_2023.csv"


def build(store: Store, organic: int, accounts: int, posts: int, seed: int = 0) -> str:
    s = store
    s.execute("SELECT setseed(?)", [seed / 10 + 0.01])
    s.execute(
        """INSERT INTO targets SELECT 'T' || i, 'Member ' || i, 'MP', 'P' || (i % 4), CASE WHEN i % 3 = 0 THEN 'fr' ELSE 'en' END, NULL,
           'x', 'mp' || i, 't' || i FROM range(50) r(i)"""
    )
    s.execute(
        """INSERT INTO accounts (platform, account_id, handle, display_name, created_at, followers, description, source_id)
           SELECT 'x', 'o' || i, 'user_' || i, 'User ' || i, TIMESTAMP '2010-01-01' + to_days(CAST(random() * 4700 AS INT)),
                  CAST(random() * 3000 AS BIGINT), 'bio', 'bench' FROM range(100000) r(i)"""
    )
    s.execute(
        """INSERT INTO accounts (platform, account_id, handle, display_name, created_at, followers, description, source_id)
           SELECT 'x', 'c' || i, 'Name' || CAST(10000000 + CAST(random() * 89999999 AS BIGINT) AS VARCHAR), 'N ' || (i % 300),
                  TIMESTAMP '2023-07-01' + to_hours(CAST(random() * 60 AS INT)), CAST(random() * 5 AS BIGINT), '', 'bench'
           FROM range(?) r(i)""",
        [accounts],
    )
    s.execute(
        """INSERT INTO posts (platform, post_id, account_id, created_at, text, lang, reply_to_account_id, like_count, source_id, ingested_at)
           SELECT 'x', 'p' || i, 'o' || CAST(random() * 99999 AS INT),
                  TIMESTAMP '2023-08-07' + to_seconds(CAST(random() * 35 * 86400 AS BIGINT)),
                  CASE WHEN i % 5 = 0 THEN 'Merci pour votre travail numéro ' || i ELSE 'I think the budget item ' || i || ' needs work' END,
                  CASE WHEN i % 5 = 0 THEN 'fr' ELSE 'en' END, 't' || (i % 50), CAST(random() * 5 AS BIGINT), 'bench', now()
           FROM range(?) r(i)""",
        [organic],
    )
    s.execute(
        """INSERT INTO posts (platform, post_id, account_id, created_at, text, lang, reply_to_account_id, urls, like_count, source_id, ingested_at)
           SELECT 'x', 'q' || i, 'c' || (i % ?),
                  TIMESTAMP '2023-08-07' + to_days(CAST(random() * 30 AS INT)) + to_hours(list_extract([1, 2, 3, 6, 7, 8, 9], 1 + CAST(random() * 6 AS INT))),
                  CASE i % 3 WHEN 0 THEN 'A critic in Vancouver accuses MP ' || (i % 50) || ' of corruption'
                             WHEN 1 THEN 'Un critique de Vancouver accuse le député ' || (i % 50) || ' de corruption'
                             ELSE '温哥华评论家指控议员' || (i % 50) || '腐败' END,
                  CASE i % 3 WHEN 0 THEN 'en' WHEN 1 THEN 'fr' ELSE 'zh' END, 't' || (i % 50), ['https://vidz.example/v/' || (i % 7)], 0, 'bench', now()
           FROM range(?) r(i)""",
        [accounts, posts],
    )
    run_id = s.new_run("detect", {"since": "2023-08-07T00:00:00", "until": "2023-09-12T00:00:00"}, seed=seed)
    s.execute("INSERT INTO campaigns (run_id, campaign_id, size) VALUES (?, 'c1', ?)", [run_id, accounts])
    s.execute(
        "INSERT INTO campaign_accounts (run_id, campaign_id, node, platform, account_id) SELECT ?, 'c1', 'x:c' || i, 'x', 'c' || i FROM range(?) r(i)",
        [run_id, accounts],
    )
    s.execute(
        """INSERT INTO edges SELECT ?, a, b, 5.0, 5, 5, '{"reply": 3, "text_near": 2}', 40.0, 0.1, 1e-6, 1e-5, TRUE
           FROM (SELECT DISTINCT least(x, y) AS a, greatest(x, y) AS b FROM (
                   SELECT 'x:c' || i AS x, 'x:c' || ((i + 1 + CAST(random() * (? - 2) AS INT)) % ?) AS y FROM range(?) r(i), range(15) k(j))
                 WHERE x <> y)""",
        [run_id, accounts, accounts, accounts],
    )
    s.execute(
        """INSERT INTO edge_evidence SELECT e.run_id, e.a, e.b, k.kind, k.kind || ':x:' || CAST(random() * 50 AS INT),
               'q' || CAST(random() * ? AS INT), 'q' || CAST(random() * ? AS INT), NULL, NULL, random() * 60
           FROM edges e, (VALUES ('reply'), ('text_near'), ('reply')) k(kind) WHERE e.run_id = ?""",
        [posts - 1, posts - 1, run_id],
    )
    s.finish_run(run_id, {})
    return run_id


def main(argv: list[str] | None = None) -> int:
    quick = bool(os.environ.get("BENCH_QUICK"))
    ap = argparse.ArgumentParser()
    ap.add_argument("--organic", type=int, default=30_000 if quick else 300_000)
    ap.add_argument("--accounts", type=int, default=200 if quick else 2_000)
    ap.add_argument("--posts", type=int, default=1_500 if quick else 15_000)
    args = ap.parse_args(argv)
    store = Store.memory()
    t0 = time.perf_counter()
    run_id = build(store, args.organic, args.accounts, args.posts)
    import_cases(store, META, name="Spamouflage (Meta Q2 2023)", case_id="meta-spamouflage-2023q2")
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = assess_run(store, run_id)
    t_assess = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {
        "organic_posts": args.organic, "campaign_accounts": args.accounts, "campaign_posts": args.posts,
        "edges": store.query("SELECT count(*) AS n FROM edges")[0]["n"], "build_s": round(t_build, 2),
        "assess_s": round(t_assess, 2), "peak_rss_mb": round(rss_mb), "evidence_rows": res.evidence_rows,
        "classification": res.campaigns[0]["classification"], "targets_assessed": len(res.threats),
    }
    out["headline"] = {
        "assess_run": f"{out['assess_s']} s, {out['peak_rss_mb']} MB peak for {args.accounts:,} campaign accounts "
        f"among {args.organic:,} organic posts",
    }
    print(json.dumps(out, indent=2))
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "assess.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
