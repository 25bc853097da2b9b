"""Synthetic posts in a store and synthetic traces for the coordination tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from cibwatch.signals import TRACE_SCHEMA

T0 = dt.datetime(2023, 9, 1)
POST_COLUMNS = (
    "platform",
    "post_id",
    "account_id",
    "created_at",
    "text",
    "reply_to_post_id",
    "reply_to_account_id",
    "repost_of_post_id",
    "root_post_id",
    "urls",
    "hashtags",
    "mentions",
    "media_hashes",
)


def add_posts(store, rows: list[dict]) -> None:
    """Insert posts (dicts with any of POST_COLUMNS; created_at as seconds after T0 or a datetime)."""
    values = []
    for r in rows:
        vals = {c: r.get(c) for c in POST_COLUMNS}
        vals["platform"] = vals["platform"] or "x"
        ts = r["created_at"]
        vals["created_at"] = T0 + dt.timedelta(seconds=int(ts)) if not isinstance(ts, dt.datetime) else ts
        values.append([*(vals[c] for c in POST_COLUMNS), T0])
    table = pa.Table.from_pylist(
        [dict(zip([*POST_COLUMNS, "ingested_at"], v, strict=True)) for v in values],
        schema=pa.schema(
            [
                (
                    c,
                    pa.list_(pa.string())
                    if c in ("urls", "hashtags", "mentions", "media_hashes")
                    else (pa.timestamp("us") if c == "created_at" else pa.string()),
                )
                for c in POST_COLUMNS
            ]
            + [("ingested_at", pa.timestamp("us"))]
        ),
    )
    cur = store.con.cursor()
    try:
        cur.register("_test_posts", table)
        cols = ", ".join(POST_COLUMNS)
        sql = f"INSERT INTO posts ({cols}, source_id, ingested_at) SELECT {cols}, 'test', ingested_at FROM _test_posts"  # noqa: S608
        cur.execute(sql)
    finally:
        cur.close()


def traces(rows: list[tuple]) -> pa.Table:
    """A trace table from (account, object_key, kind, post_id, ts) tuples."""
    cols = list(zip(*rows, strict=True)) if rows else [[] for _ in TRACE_SCHEMA.names]
    return pa.table({n: list(c) for n, c in zip(TRACE_SCHEMA.names, cols, strict=True)}).cast(TRACE_SCHEMA)


def pile_on_and_group(seed: int = 7, n_pile: int = 400, n_background: int = 2000) -> pa.Table:
    """Background replies over a week, an organic pile-on (n_pile accounts, one reply each to one
    viral post within a minute, each also active in the background), and a planted group of 20
    accounts co-replying to 10 different posts."""
    rng = np.random.default_rng(seed)
    week = 7 * 86400
    rows = []
    for a in range(n_background):
        for k in range(int(rng.integers(2, 8))):
            rows.append(
                (
                    f"x:bg{a:04d}",
                    f"reply:x:p{int(rng.integers(0, 3000))}",
                    "reply",
                    f"bg{a}_{k}",
                    int(rng.integers(0, week)),
                )
            )
    for a in range(n_pile):
        rows.append((f"x:bg{a:04d}", "reply:x:viral", "reply", f"viral_{a}", 100_000 + int(rng.integers(0, 60))))
    for p in range(10):
        t = 200_000 + p * 9_000
        for a in range(20):
            rows.append((f"x:bot{a:02d}", f"reply:x:mp{p}", "reply", f"bot{a}_{p}", t + int(rng.integers(0, 50))))
    return traces(rows)
