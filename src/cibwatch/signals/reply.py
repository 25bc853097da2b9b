"""Signals ``reply`` and ``reply_account``.

* ``reply``: accounts that comment in the same thread. The object is the
  thread root when the store knows it (a Facebook page post, an X
  conversation), else the post replied to: ``reply:{platform}:{post id}``.
  A flood of comments under an MP's post is one object, whichever comment
  each reply answers.
* ``reply_account``: accounts that reply to the same account,
  ``reply_account:{platform}:{account id}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from . import SignalContext, register
from ._common import scalar_traces

if TYPE_CHECKING:
    from ..store import Store

_THREAD = "COALESCE(NULLIF(p.root_post_id, p.post_id), p.reply_to_post_id)"


@register("reply", help="comments in the same thread (same root or parent post)")
def reply_traces(store: Store, ctx: SignalContext) -> pa.Table:
    return scalar_traces(
        store,
        ctx,
        "reply",
        f"p.platform || ':' || {_THREAD}",
        f"{_THREAD} IS NOT NULL AND (p.reply_to_post_id IS NOT NULL OR p.root_post_id IS NOT NULL)",
    )


@register("reply_account", help="replies to the same account")
def reply_account_traces(store: Store, ctx: SignalContext) -> pa.Table:
    return scalar_traces(
        store,
        ctx,
        "reply_account",
        "p.platform || ':' || p.reply_to_account_id",
        "p.reply_to_account_id IS NOT NULL AND p.reply_to_account_id <> p.account_id",
    )
