"""Signals ``url`` and ``domain``: accounts that push the same link or site.

* ``url``: object ``url:{normalised URL}`` (:func:`cibwatch.normalize.urls.normalize_url`:
  case, default ports, tracking parameters, fragments, trailing slashes).
  Ingest stores the expanded URL when the export has one, so ``t.co`` links
  only remain when nothing better was available. An empty or unparseable
  URL is never an object.
* ``domain``: object ``domain:{registered domain}`` from the public-suffix
  list, offline. Popular domains are not listed out by hand: the engine's
  down-weighting and null model discount them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from ..normalize.urls import normalize_url, registered_domain
from . import SignalContext, register
from ._common import list_values, mapped_traces

if TYPE_CHECKING:
    from ..store import Store


@register("url", help="the same link (normalised URL)")
def url_traces(store: Store, ctx: SignalContext) -> pa.Table:
    return mapped_traces(list_values(store, ctx, "urls"), "url", normalize_url)


@register("domain", help="the same registered domain")
def domain_traces(store: Store, ctx: SignalContext) -> pa.Table:
    return mapped_traces(list_values(store, ctx, "urls"), "domain", registered_domain)
