"""The text signals' side of the store: load a period's posts, run :func:`.clusters.text_clusters` once, write clusters.

The ``text_near`` and ``crosslingual`` signals need the same clustering; the
result of one run (store, run id, period and parameters) is kept until the
next, so a detect run computes it once. Posts are read with parameterised
SQL only: the text is data, never part of a statement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..signals import SignalContext
from ..signals._common import query_arrow
from .clusters import PARAMS, TextClusterResult, check_params, text_clusters

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["load_posts", "run_text_clusters", "write_clusters", "params_from_context"]

_SCOPE_SQL = {
    None: "NULL",
    "conversation": "p.platform || ':' || COALESCE(NULLIF(p.root_post_id, p.post_id), p.conversation_id, p.reply_to_post_id)",
    "target": "p.platform || ':' || p.reply_to_account_id",
}
_cache: dict[str, Any] = {}


def params_from_context(ctx: SignalContext) -> dict[str, Any]:
    """The text parameters present in ``ctx.params`` (names of :data:`.clusters.PARAMS`).

    Without a ``text_window``, texts are compared within the run's co-action
    ``window``: exactly the pairs of posts that can co-act.
    """
    params = ctx.params or {}
    out = {k: v for k, v in params.items() if k in PARAMS}
    if (
        "text_window" not in out
        and isinstance(params.get("window"), int)
        and not isinstance(params.get("window"), bool)
    ):
        out["text_window"] = params["window"]
    return out


def load_posts(store: Store, ctx: SignalContext, scope: str | None = None) -> pa.Table:
    """Posts with text in the period, reposts excluded: account, post_id, ts, text, lang, scope."""
    period, params = ctx.period_sql("p.created_at")
    scope_sql = _SCOPE_SQL[scope]
    sql = (
        "SELECT p.platform || ':' || p.account_id AS account, p.post_id, "  # noqa: S608 - constants and "?" placeholders
        f"CAST(epoch(p.created_at) AS BIGINT) AS ts, p.text, p.lang, {scope_sql} AS scope "
        f"FROM posts p WHERE p.text IS NOT NULL AND p.repost_of_post_id IS NULL AND {period} "
        "ORDER BY p.created_at, p.platform, p.post_id"
    )
    return query_arrow(store, sql, params)


def run_text_clusters(store: Store, ctx: SignalContext) -> TextClusterResult:
    """:func:`text_clusters` of the period's posts, computed once per (store, run, period, parameters)."""
    p = params_from_context(ctx)
    check_params(p)
    key = repr((id(store), ctx.run_id, ctx.since, ctx.until, sorted(p.items(), key=lambda kv: kv[0])))
    if ctx.run_id is not None and _cache.get("key") == key:
        return _cache["result"]
    res = text_clusters(load_posts(store, ctx, p.get("text_scope")), p)
    _cache.clear()
    if ctx.run_id is not None:
        _cache.update(key=key, result=res)
    return res


def write_clusters(store: Store, ctx: SignalContext, clusters: pa.Table, prefix: str) -> int:
    """Insert the rows of ``clusters`` whose key starts with ``prefix`` into ``text_clusters`` (needs a run id)."""
    if ctx.run_id is None or clusters.num_rows == 0:
        return 0
    import pyarrow.compute as pc

    rows = clusters.filter(pc.starts_with(clusters.column("cluster_key"), prefix))
    if rows.num_rows == 0:
        return 0
    cur = store.con.cursor()
    try:
        cur.register("_cw_text_clusters", rows)
        cur.execute(
            "INSERT OR REPLACE INTO text_clusters (run_id, cluster_key, representative, lang, n_posts, n_accounts, langs) "
            "SELECT ?, cluster_key, representative, lang, n_posts, n_accounts, langs FROM _cw_text_clusters",
            [ctx.run_id],
        )
    finally:
        cur.unregister("_cw_text_clusters")
        cur.close()
    return rows.num_rows
