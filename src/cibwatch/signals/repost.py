"""Signal ``repost``: accounts that repost the same post.

Object: ``repost:{platform}:{reposted post id}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from . import SignalContext, register
from ._common import scalar_traces

if TYPE_CHECKING:
    from ..store import Store


@register("repost", help="the same post reposted")
def repost_traces(store: Store, ctx: SignalContext) -> pa.Table:
    return scalar_traces(
        store, ctx, "repost", "p.platform || ':' || p.repost_of_post_id", "p.repost_of_post_id IS NOT NULL"
    )
