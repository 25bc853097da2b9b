"""Signal ``hashtag``: accounts that use the same hashtag.

Object: ``hashtag:{tag}``, the tag without ``#``, NFKC-normalised and
case-folded (``#Ｔｒｕｄｅａｕ`` and ``#trudeau`` are one object). Hashtags
cross platforms, so the key has no platform.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import pyarrow as pa

from . import SignalContext, register
from ._common import list_values, mapped_traces

if TYPE_CHECKING:
    from ..store import Store


def normalize_hashtag(tag: str) -> str | None:
    t = unicodedata.normalize("NFKC", tag).strip().lstrip("#＃").casefold()
    t = unicodedata.normalize("NFKC", t)  # casefold can leave non-NFKC text (e.g. 'ǰ')
    return t or None


@register("hashtag", help="the same hashtag (NFKC + casefold)")
def hashtag_traces(store: Store, ctx: SignalContext) -> pa.Table:
    return mapped_traces(list_values(store, ctx, "hashtags"), "hashtag", normalize_hashtag)
