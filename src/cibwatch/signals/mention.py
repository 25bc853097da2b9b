"""Signal ``mention``: accounts that mention the same account.

Object: ``mention:{platform}:{handle}``, the handle without ``@``, NFKC and
case-folded.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import pyarrow as pa

from . import SignalContext, register
from ._common import list_values, mapped_traces

if TYPE_CHECKING:
    from ..store import Store


def normalize_handle(handle: str) -> str | None:
    h = unicodedata.normalize("NFKC", handle).strip().lstrip("@").casefold()
    return h or None


@register("mention", help="the same account mentioned")
def mention_traces(store: Store, ctx: SignalContext) -> pa.Table:
    return mapped_traces(list_values(store, ctx, "mentions"), "mention", normalize_handle, platform_scoped=True)
