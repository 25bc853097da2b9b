"""Shared building blocks of the built-in signals: one SQL shape, parameterised.

Column and kind names below are constants of this package, never user input;
the period bounds travel as query parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from . import TRACE_SCHEMA, SignalContext

if TYPE_CHECKING:
    from ..store import Store


def query_arrow(store: Store, sql: str, params: list) -> pa.Table:
    """A parameterised query's result as Arrow (works across DuckDB's
    ``fetch_arrow_table`` / ``to_arrow_table`` spellings)."""
    cur = store.con.cursor()  # its own result state: never blocked by a pending result on the store's connection
    try:
        rel = cur.sql(sql, params=params)
        if hasattr(rel, "to_arrow_table"):
            return rel.to_arrow_table()
        return rel.arrow()  # DuckDB < 1.4
    finally:
        cur.close()


_ACCOUNT = "p.platform || ':' || p.account_id"
_TS = "CAST(epoch(p.created_at) AS BIGINT)"
_LIST_COLUMNS = frozenset({"urls", "hashtags", "mentions", "media_hashes"})


def scalar_traces(store: Store, ctx: SignalContext, kind: str, object_sql: str, where: str) -> pa.Table:
    """Traces whose object is one SQL expression over ``posts p`` (NULL rows dropped)."""
    period, params = ctx.period_sql("p.created_at")
    sql = (
        f"SELECT {_ACCOUNT} AS account, ? || ':' || ({object_sql}) AS object_key, ? AS kind, "  # noqa: S608 - constants
        f"p.post_id, {_TS} AS ts FROM posts p WHERE ({where}) AND {period}"
    )
    return query_arrow(store, sql, [kind, kind, *params]).cast(TRACE_SCHEMA)


def list_values(store: Store, ctx: SignalContext, column: str) -> pa.Table:
    """One row per element of the list column ``column``: account, post_id, ts, value."""
    if column not in _LIST_COLUMNS:
        raise ValueError(f"not a list column of posts: {column!r}")
    period, params = ctx.period_sql("p.created_at")
    sql = (
        f"SELECT {_ACCOUNT} AS account, p.post_id, {_TS} AS ts, p.platform, u.value AS value "  # noqa: S608 - constants
        f"FROM posts p, UNNEST(p.{column}) AS u(value) "
        f"WHERE u.value IS NOT NULL AND {period}"
    )
    return query_arrow(store, sql, params)


def mapped_traces(
    rows: pa.Table, kind: str, fn: Callable[[str], str | None], *, platform_scoped: bool = False
) -> pa.Table:
    """Traces from :func:`list_values` rows, the object being ``fn(value)``
    (computed once per distinct value); rows where ``fn`` gives ``None`` or
    ``""`` are dropped."""
    if rows.num_rows == 0:
        return TRACE_SCHEMA.empty_table()
    values = rows.column("value").combine_chunks()
    enc = pc.dictionary_encode(values)
    mapped = [fn(v) for v in enc.dictionary.to_pylist()]
    keys = pa.array([None if not m else f"{kind}:{m}" for m in mapped], pa.string()).take(enc.indices)
    if platform_scoped:
        keys = pc.binary_join_element_wise(
            pa.array([kind] * rows.num_rows, pa.string()),
            rows.column("platform"),
            pc.utf8_slice_codeunits(keys, len(kind) + 1),
            ":",
        )
    table = pa.table(
        {
            "account": rows.column("account"),
            "object_key": keys,
            "kind": pa.array([kind] * rows.num_rows, pa.string()),
            "post_id": rows.column("post_id"),
            "ts": rows.column("ts"),
        }
    )
    return table.filter(pc.is_valid(table.column("object_key"))).cast(TRACE_SCHEMA)
