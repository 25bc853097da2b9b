"""Signal ``crosslingual``: accounts that post the same message in different languages.

Object: ``crosslingual:{group id}``, a group of near-duplicate clusters in
two or more languages (English, French, Chinese, …) linked by
language-agnostic fingerprints — names, handles, links, numbers, hashtags,
emoji — and, when ``embedding_model`` names a local sentence-transformers
directory, by sentence embeddings (:mod:`cibwatch.textsim.xling`). Trace
kind ``crosslingual``.

Parameters as for ``text_near`` (:data:`cibwatch.textsim.clusters.PARAMS`).
With a run id, the groups are written to ``text_clusters``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from ..textsim.store import run_text_clusters, write_clusters
from . import SignalContext, register

if TYPE_CHECKING:
    from ..store import Store


@register("crosslingual", help="the same message in different languages (fingerprints, optional embeddings)")
def crosslingual_traces(store: Store, ctx: SignalContext) -> pa.Table:
    res = run_text_clusters(store, ctx)
    write_clusters(store, ctx, res.clusters, "crosslingual:")
    return res.xling_traces
