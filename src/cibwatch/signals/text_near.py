"""Signal ``text_near``: accounts that post near-identical text (typos, look-alikes, emoji padding).

Object: ``text_near:{cluster id}``, a near-duplicate cluster of
:func:`cibwatch.textsim.text_clusters` (character-shingle Jaccard at or above
``text_threshold`` within ``text_window`` seconds, star clusters, the
generic-phrase guard applied; only clusters that two or more accounts
posted). Reposts are not texts of their account and are skipped.

Parameters are read from ``SignalContext.params`` under the names of
:data:`cibwatch.textsim.clusters.PARAMS` (defaults there). With a run id,
the emitted clusters are written to ``text_clusters`` (representative text,
languages, sizes) for the profile and outputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from ..textsim.store import run_text_clusters, write_clusters
from . import SignalContext, register

if TYPE_CHECKING:
    from ..store import Store


@register("text_near", help="near-identical text (shingle Jaccard, generic phrases excluded)")
def text_near_traces(store: Store, ctx: SignalContext) -> pa.Table:
    res = run_text_clusters(store, ctx)
    write_clusters(store, ctx, res.clusters, "text_near:")
    return res.near_traces
