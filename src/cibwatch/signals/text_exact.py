"""Signal ``text_exact``: accounts that post exactly the same (normalised) text.

Object: ``text_exact:{xxh3-64 of the normalised text}``. The normaliser is
:func:`cibwatch.normalize.text.normalize_text` (NFKC, case folding,
look-alikes, zero-width characters, digit swaps, …); texts that normalise to
nothing are not objects. Short generic texts ("Thank you!", "Bravo", "谢谢")
are dropped by the generic-phrase guard
(:class:`cibwatch.textsim.GenericPhraseGuard`: information content against
the corpus and the number of accounts posting the text, not a hand list), and
the engine's down-weighting and null model discount the common texts that
remain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from ..normalize.text import normalize_many, normalize_text
from ..textsim.guard import GUARD_DEFAULTS, generic_mask
from . import TRACE_SCHEMA, SignalContext, register
from ._common import query_arrow

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["normalize_text", "text_key", "text_exact_traces"]


def text_key(text: str | None) -> str | None:
    if text is None:
        return None
    norm = normalize_text(text)
    return xxhash.xxh3_64_hexdigest(norm.encode("utf-8")) if norm else None


def _guard_params(ctx: SignalContext) -> dict:
    p = ctx.params or {}
    return {
        "margin_bits": p.get("guard_margin_bits", GUARD_DEFAULTS["margin_bits"]),
        "min_words": p.get("guard_min_words", GUARD_DEFAULTS["min_words"]),
        "min_corpus": p.get("guard_min_corpus", GUARD_DEFAULTS["min_corpus"]),
    }


@register("text_exact", help="the same text after normalisation (generic phrases excluded)")
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
    norm = normalize_many(enc.dictionary.to_pylist())
    # distinct normalised texts are the guard's units; accounts counted per unit
    unit_of: dict[str, int] = {}
    unit_idx = np.fromiter((unit_of.setdefault(s, len(unit_of)) for s in norm), np.int64, len(norm))
    post_unit = unit_idx[enc.indices.to_numpy(zero_copy_only=False)]
    acc_codes = pc.dictionary_encode(rows.column("account").combine_chunks()).indices.to_numpy(zero_copy_only=False)
    pairs = np.unique(post_unit.astype(np.int64) * (int(acc_codes.max()) + 1) + acc_codes)
    n_accounts = np.bincount(pairs // (int(acc_codes.max()) + 1), minlength=len(unit_of))
    units = list(unit_of)
    generic = generic_mask(units, n_accounts, **_guard_params(ctx))
    unit_keys = [
        None if (not u or generic[i]) else "text_exact:" + xxhash.xxh3_64_hexdigest(u.encode("utf-8"))
        for i, u in enumerate(units)
    ]
    obj = pa.array(unit_keys, pa.string()).take(pa.array(post_unit))
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
