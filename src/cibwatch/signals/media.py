"""Signal ``media``: accounts that post the same image or video.

Object: ``media:{hash}``, the media hash stored by ingest (lower-cased). The
same file posted on X and Facebook is one object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from . import SignalContext, register
from ._common import list_values, mapped_traces

if TYPE_CHECKING:
    from ..store import Store


def _norm(h: str) -> str | None:
    return h.strip().lower() or None


@register("media", help="the same media hash")
def media_traces(store: Store, ctx: SignalContext) -> pa.Table:
    return mapped_traces(list_values(store, ctx, "media_hashes"), "media", _norm)
