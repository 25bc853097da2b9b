"""Signal ``text_exact``: accounts that post exactly the same (normalised) text.

Object: ``text_exact:{xxh3-64 of the normalised text}``. The normaliser is
:func:`normalize_text`; texts that normalise to nothing are not objects.
Short generic texts ("Thank you!") are not listed out by hand: the engine's
down-weighting and null model discount texts that many accounts post.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from . import TRACE_SCHEMA, SignalContext, register
from ._common import query_arrow

if TYPE_CHECKING:
    from ..store import Store

_WS = re.compile(r"\s+")


def interim_normalize_text(text: str) -> str:
    """Interim text normaliser: NFKC, casefold, whitespace collapsed.

    Stands in for ``cibwatch.normalize.text.normalize_text`` (confusables,
    zero-width characters, digit swaps, …) until that module is wired in here.
    """
    t = unicodedata.normalize("NFKC", text).casefold()
    return _WS.sub(" ", t).strip()


normalize_text = interim_normalize_text


def text_key(text: str | None) -> str | None:
    if text is None:
        return None
    norm = normalize_text(text)
    return xxhash.xxh3_64_hexdigest(norm.encode("utf-8")) if norm else None


@register("text_exact", help="the same text after normalisation")
def text_exact_traces(store: Store, ctx: SignalContext) -> pa.Table:
    period, params = ctx.period_sql("p.created_at")
    rows = query_arrow(
        store,
        "SELECT p.platform || ':' || p.account_id AS account, p.post_id, "  # noqa: S608 - period is "?" placeholders
        "CAST(epoch(p.created_at) AS BIGINT) AS ts, p.text FROM posts p "
        f"WHERE p.text IS NOT NULL AND p.repost_of_post_id IS NULL AND {period}",
        params,
    )
    if rows.num_rows == 0:
        return TRACE_SCHEMA.empty_table()
    enc = pc.dictionary_encode(rows.column("text").combine_chunks())
    keys = [text_key(v) for v in enc.dictionary.to_pylist()]
    obj = pa.array([None if k is None else f"text_exact:{k}" for k in keys], pa.string()).take(enc.indices)
    table = pa.table(
        {
            "account": rows.column("account"),
            "object_key": obj,
            "kind": pa.array(["text_exact"] * rows.num_rows, pa.string()),
            "post_id": rows.column("post_id"),
            "ts": rows.column("ts"),
        }
    )
    return table.filter(pc.is_valid(table.column("object_key"))).cast(TRACE_SCHEMA)
