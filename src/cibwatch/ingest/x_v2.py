"""X API v2 JSON / JSONL, as the API and twarc2 write it.

Two layouts are read: response pages (``{"data": [tweets], "includes":
{"users", "tweets", "media"}, "meta"}``, one per line or one per file) and
flattened files with one tweet per line carrying its ``author`` object (and
expanded ``referenced_tweets``). Tweets in ``includes.tweets`` (the tweets
replied to, quoted or reposted) are stored too when their author is known.
Each tweet in ``data`` is one input row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from .formats import ReadContext, Reject, Row, RowError, make_account, make_post, register
from .records import json_units

PLATFORM = "x"


def _is_tweet(o: Any) -> bool:
    return (
        isinstance(o, dict) and "id" in o and "text" in o and ("author_id" in o or "author" in o or "created_at" in o)
    )


def _sniff(head: bytes, header: list[str] | None, first: Any) -> bool:
    if isinstance(first, dict) and "__partial__" in first:
        t = first["__partial__"]
        return '"author_id"' in t and '"text"' in t
    if isinstance(first, list):
        return bool(first) and _is_tweet(first[0])
    if not isinstance(first, dict):
        return False
    if isinstance(first.get("data"), list):
        return any(_is_tweet(t) for t in first["data"]) or "includes" in first
    return _is_tweet(first)


def _user_account(u: dict[str, Any] | None, seen_at: Any = None) -> dict[str, Any] | None:
    if not isinstance(u, dict):
        return None
    m = u.get("public_metrics") or {}
    return make_account(
        PLATFORM,
        u.get("id"),
        seen_at=seen_at,
        handle=u.get("username"),
        display_name=u.get("name"),
        created_at=u.get("created_at"),
        description=u.get("description"),
        location=u.get("location"),
        profile_image_url=u.get("profile_image_url"),
        followers=m.get("followers_count"),
        following=m.get("following_count"),
    )


def _media_hashes(t: dict[str, Any], media: dict[str, dict[str, Any]]) -> list[str]:
    att = t.get("attachments")
    if not isinstance(att, dict):
        return []
    out: list[str] = []
    flat = att.get("media")
    keys = att.get("media_keys")
    items: list[Any] = (
        flat
        if isinstance(flat, list)
        else [media.get(str(k), {"media_key": k}) for k in keys or []]
        if isinstance(keys, list)
        else []
    )
    for m in items:
        if isinstance(m, dict):
            v = m.get("url") or m.get("preview_image_url") or m.get("media_key")
            if v:
                out.append(str(v).lower())
    return out


def tweet_to_post(
    t: dict[str, Any], users: dict[str, Any], tweets: dict[str, Any], media: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """(post, accounts, embedded posts) of one v2 tweet object."""
    if not isinstance(t, dict):
        raise RowError("tweet is not a JSON object")
    author = t.get("author") if isinstance(t.get("author"), dict) else users.get(str(t.get("author_id")))
    author_id = t.get("author_id") or (author or {}).get("id")
    reply_to = repost_of = repost_acc = quote_of = None
    embedded: list[dict[str, Any]] = []
    for r in t.get("referenced_tweets") or []:
        if not isinstance(r, dict):
            continue
        kind, rid = r.get("type"), r.get("id")
        ref = r if "text" in r else tweets.get(str(rid), {})
        if kind == "replied_to":
            reply_to = rid
        elif kind == "retweeted":
            repost_of = rid
            repost_acc = ref.get("author_id") or (ref.get("author") or {}).get("id")
        elif kind == "quoted":
            quote_of = rid
        if "text" in r and (r.get("author_id") or isinstance(r.get("author"), dict)):
            embedded.append(r)
    ent = t.get("entities") or {}
    urls = [
        u.get("expanded_url") or u.get("unwound_url") or u.get("url")
        for u in ent.get("urls") or []
        if isinstance(u, dict)
    ]
    tags = [h.get("tag") for h in ent.get("hashtags") or [] if isinstance(h, dict)]
    mentions = [m.get("username") for m in ent.get("mentions") or [] if isinstance(m, dict)]
    pm = t.get("public_metrics") or {}
    post = make_post(
        PLATFORM,
        t.get("id"),
        author_id,
        t.get("created_at"),
        text=t.get("text"),
        lang=t.get("lang"),
        conversation_id=t.get("conversation_id"),
        reply_to_post_id=reply_to,
        reply_to_account_id=t.get("in_reply_to_user_id"),
        repost_of_post_id=repost_of,
        repost_of_account_id=repost_acc,
        quote_of_post_id=quote_of,
        urls=urls,
        hashtags=tags,
        mentions=mentions,
        media_hashes=_media_hashes(t, media),
        like_count=pm.get("like_count"),
        reply_count=pm.get("reply_count"),
        repost_count=pm.get("retweet_count"),
        quote_count=pm.get("quote_count"),
        client=t.get("source"),
    )
    accounts = [a for a in [_user_account(author, post["created_at"])] if a]
    if not accounts:
        accounts = [a for a in [make_account(PLATFORM, author_id, seen_at=post["created_at"])] if a]
    return post, accounts, embedded


def _split(doc: Any) -> list[Any]:
    if isinstance(doc, list):
        return doc
    return [doc]


def _rows_of(unit: int, line: int | None, offset: int | None, obj: Any) -> Iterator[Row | Reject]:
    if isinstance(obj, dict) and isinstance(obj.get("data"), list):
        inc = obj.get("includes") or {}
        users = {str(u.get("id")): u for u in inc.get("users") or [] if isinstance(u, dict)}
        tweets = {str(x.get("id")): x for x in inc.get("tweets") or [] if isinstance(x, dict)}
        media = {str(m.get("media_key")): m for m in inc.get("media") or [] if isinstance(m, dict)}
        data = obj["data"]
    elif _is_tweet(obj):
        users, tweets, media, data = {}, {}, {}, [obj]
    else:
        yield Reject(
            unit,
            line,
            offset,
            "not an X API v2 tweet or response page (no 'data' list, no tweet 'id'/'text')",
            orjson.dumps(obj) if obj is not None else b"null",
        )
        return
    extra: list[dict[str, Any]] = []
    extra_acc: list[dict[str, Any]] = []
    for inc_t in tweets.values():
        try:
            p, accs, _ = tweet_to_post(inc_t, users, {}, media)
        except RowError:
            continue  # an included tweet without author/time is context, not an input row
        extra.append(p)
        extra_acc.extend(accs)
    first = True
    for t in data:
        try:
            post, accs, embedded = tweet_to_post(t, users, tweets, media)
        except RowError as exc:
            yield Reject(unit, line, offset, str(exc), orjson.dumps(t))
            continue
        more = []
        for e in embedded:
            try:
                p, a, _ = tweet_to_post(e, users, tweets, media)
                more.append(p)
                accs.extend(a)
            except RowError:
                pass
        if first:
            more.extend(extra)
            accs.extend(extra_acc)
            first = False
        yield Row(unit, line, offset, post, more, accs)


@register("x-v2", sniff=_sniff)
def read_x_v2(ctx: ReadContext) -> Iterator[Row | Reject]:
    """Read X API v2 pages or flattened tweets (JSON or JSON Lines)."""
    for item in json_units(ctx, _split):
        if isinstance(item, Reject):
            yield item
        else:
            yield from _rows_of(*item)
