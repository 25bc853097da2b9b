"""Builds a small realistic store for the output tests (reusable)."""

from __future__ import annotations

import datetime as dt
import json

from cibwatch import Store

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'
TEXTS = [
    "Stop lying to Canadians! " + SCRIPT,
    FORMULA,
    "Arrêtez de mentir aux Canadiens !",
    "停止对加拿大人撒谎！ see https://evil.example.com/x",
]


def build(store: Store) -> str:
    run = store.new_run("detect", {"window_s": 60, "alpha": 0.01}, seed=7)
    t0 = dt.datetime(2026, 10, 1, 2, 0)
    now = dt.datetime(2026, 11, 1)
    store.execute(
        "INSERT INTO targets VALUES ('mp-en','Jane Doe','MP','X','en','jane@example.org','x','Jane','900'),"
        "('mp-fr','Luc Tremblay','MP','Y','fr','luc@example.org','x','Luc','901')"
    )
    for i in range(6):
        aid = str(100 + i)
        handle = f"bot_{i}" if i else "o'brien\"x"
        store.execute(
            "INSERT INTO accounts (platform, account_id, handle, display_name, created_at) VALUES ('x', ?, ?, ?, ?)",
            [aid, handle, SCRIPT if i == 0 else f"Bot {i}", t0],
        )
        store.execute(
            "INSERT INTO campaign_accounts VALUES (?, 'c1', ?, 'x', ?, ?)", [run, f"x:{aid}", aid, 0.9 - i / 20]
        )
        for j in range(4):
            store.execute(
                "INSERT INTO posts (platform, post_id, account_id, created_at, text, lang, reply_to_account_id, source_id, ingested_at) "
                "VALUES ('x', ?, ?, ?, ?, ?, ?, 's', ?)",
                [
                    f"{i}{j}",
                    aid,
                    t0 + dt.timedelta(days=j, minutes=i),
                    TEXTS[j],
                    ["en", "en", "fr", "zh"][j],
                    "900" if j % 2 == 0 else "901",
                    now,
                ],
            )
        store.execute(
            "INSERT INTO evidence VALUES (?, 'account', ?, ?, ?, 1.0, ?, NULL)",
            [
                run,
                f"x:{aid}",
                "creation_batch" if i % 2 else "text_near",
                f"Posted {SCRIPT} near-identical text",
                [f"{i}0"],
            ],
        )
    for i in range(5):
        a, b = f"x:{100 + i}", f"x:{101 + i}"
        store.execute(
            "INSERT INTO edges VALUES (?, ?, ?, 3.5, 4, 4, ?, 12.0, 0.1, 1e-6, 1e-5, true)",
            [run, a, b, json.dumps({"text_near": 4})],
        )
        store.execute(
            "INSERT INTO edge_evidence VALUES (?, ?, ?, 'text_near', 'k1', ?, ?, NULL, NULL, 5.0)",
            [run, a, b, f"{i}0", f"{i + 1}0"],
        )
    prof = {"narratives": [{"representative": TEXTS[0], "lang": "en", "n_posts": 6, "key_terms": ["lying"]}]}
    store.execute(
        "INSERT INTO campaigns VALUES (?, 'c1', 6, 0.93, 'state-style', '{}', ?, ?, ?)",
        [run, json.dumps(prof), t0, t0 + dt.timedelta(days=3)],
    )
    store.execute(
        "INSERT INTO threats VALUES (?, 'mp-en', 'harassment', ?, '[]', ?)",
        [run, json.dumps(["insults"]), json.dumps({"messages": 12, "violence_lexicon": 0, "doxxing_patterns": 0})],
    )
    store.execute(
        "INSERT INTO threats VALUES (?, 'mp-fr', 'nuisance', '[]', '[]', ?)",
        [run, json.dumps({"messages": 12, "violence_lexicon": 0})],
    )
    store.execute(
        "INSERT INTO cases VALUES ('spamouflage', 'Spamouflage', 'public reporting', 'PRC-linked network', ?)", [now]
    )
    store.execute("INSERT INTO case_links VALUES (?, 'c1', 'spamouflage', 0.8, '{}')", [run])
    store.finish_run(run)
    return run
