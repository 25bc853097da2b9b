"""X API v2 JSON / JSONL, as the API and twarc2 write it.

Two layouts are read: response pages (``{"data": [tweets], "includes":
{"users", "tweets", "media"}, "meta"}``, one per line or one per file) and
flattened files with one tweet per line carrying its ``author`` object (and
expanded ``referenced_tweets``). Tweets in ``includes.tweets`` (the tweets
replied to, quoted or reposted) are stored too when their author is known.
Each tweet in ``data`` is one input row.

JSON Lines of flattened tweets have a bulk reader (:data:`BULK`): DuckDB
parses and converts whole blocks with the SQL below, which mirrors
:func:`tweet_to_post`; response pages, tweets with expanded referenced
tweets and anything the SQL is not sure of go through :func:`tweet_to_post`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from .bulk import JsonLinesBulk
from .formats import ReadContext, Reject, Row, RowError, make_account, make_post, register
from .records import json_units

PLATFORM = "x"


def _obj(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


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
    m = _obj(u.get("public_metrics"))
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
    author_id = t.get("author_id") or _obj(author).get("id")
    reply_to = repost_of = repost_acc = quote_of = None
    embedded: list[dict[str, Any]] = []
    for r in _list(t.get("referenced_tweets")):
        if not isinstance(r, dict):
            continue
        kind, rid = r.get("type"), r.get("id")
        expanded = r.get("text") is not None
        ref = r if expanded else _obj(tweets.get(str(rid)))
        if kind == "replied_to":
            reply_to = rid
        elif kind == "retweeted":
            repost_of = rid
            repost_acc = ref.get("author_id") or _obj(ref.get("author")).get("id")
        elif kind == "quoted":
            quote_of = rid
        if expanded and (r.get("author_id") or isinstance(r.get("author"), dict)):
            embedded.append(r)
    ent = _obj(t.get("entities"))
    urls = [
        u.get("expanded_url") or u.get("unwound_url") or u.get("url")
        for u in _list(ent.get("urls"))
        if isinstance(u, dict)
    ]
    tags = [h.get("tag") for h in _list(ent.get("hashtags")) if isinstance(h, dict)]
    mentions = [m.get("username") for m in _list(ent.get("mentions")) if isinstance(m, dict)]
    pm = _obj(t.get("public_metrics"))
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
        inc = _obj(obj.get("includes"))
        users = {str(u.get("id")): u for u in _list(inc.get("users")) if isinstance(u, dict)}
        tweets = {str(x.get("id")): x for x in _list(inc.get("tweets")) if isinstance(x, dict)}
        media = {str(m.get("media_key")): m for m in _list(inc.get("media")) if isinstance(m, dict)}
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


# -- bulk reader ------------------------------------------------------------------
# DuckDB's from_json gives every leaf as VARCHAR (its text for non-strings); the
# cw_* macros (see sqlfn.py) accept a value only when that text is what the
# Python conversion would produce. ``t`` is the parsed line.

_S = _I = "VARCHAR"  # numbers too: their text is checked by cw_int_ok
_STRUCTURE = {
    "id": _S,
    "text": _S,
    "author_id": _S,
    "created_at": _S,
    "conversation_id": _S,
    "in_reply_to_user_id": _S,
    "lang": _S,
    "source": _S,
    "data": "JSON",
    "referenced_tweets": [{"type": _S, "id": _S, "text": "JSON"}],
    "entities": {
        "urls": [{"url": _S, "expanded_url": _S, "unwound_url": _S}],
        "hashtags": [{"tag": _S}],
        "mentions": [{"username": _S}],
    },
    "attachments": {"media_keys": [_S], "media": [{"url": _S, "preview_image_url": _S, "media_key": _S}]},
    "public_metrics": {"like_count": _I, "reply_count": _I, "retweet_count": _I, "quote_count": _I},
    "author": {
        "id": _S,
        "username": _S,
        "name": _S,
        "created_at": _S,
        "description": _S,
        "location": _S,
        "profile_image_url": _S,
        "public_metrics": {"followers_count": _I, "following_count": _I},
    },
}
_PREPARE = """
    CASE WHEN t.author_id IS NOT NULL AND t.author_id <> '' THEN t.author_id ELSE t.author.id END AS aid,
    cw_ts(t.created_at) AS ts,
    cw_ts(t.author.created_at) AS au_ts,
    (list_filter(t.referenced_tweets, lambda r: r.type = 'replied_to'))[-1].id AS reply_to,
    (list_filter(t.referenced_tweets, lambda r: r.type = 'retweeted'))[-1].id AS repost_of,
    (list_filter(t.referenced_tweets, lambda r: r.type = 'quoted'))[-1].id AS quote_of,
    [coalesce(nullif(u.expanded_url, ''), nullif(u.unwound_url, ''), nullif(u.url, '')) for u in t.entities.urls]
        AS urls,
    [h.tag for h in t.entities.hashtags] AS tags,
    [m.username for m in t.entities.mentions] AS mentions,
    CASE WHEN t.attachments.media IS NOT NULL
         THEN [coalesce(nullif(m.url, ''), nullif(m.preview_image_url, ''), nullif(m.media_key, ''))
               for m in t.attachments.media]
         ELSE t.attachments.media_keys END AS media,
    t.public_metrics AS pm,
    t.author AS au
"""
# One row is taken by SQL only when every value is unambiguous: identifiers made of
# [0-9A-Za-z_] (so _clean_id changes nothing), other strings "plain" (see sqlfn),
# counts plain integers, times in a form cw_ts reads.
_U = "chr(31)"
_OK = f"""
    t IS NOT NULL AND t.data IS NULL AND t.text IS NOT NULL AND ts IS NOT NULL AND t.id <> '' AND aid <> ''
    AND cw_ids_ok(concat_ws({_U}, t.id, t.author_id, au.id, t.conversation_id, t.in_reply_to_user_id,
                            reply_to, repost_of, quote_of))
    AND cw_plain(t.text) AND NOT contains(t.text, chr(0)) AND cw_stripped(t.source) AND cw_stripped(t.lang)
    AND cw_all_plain(concat_ws({_U}, t.lang, t.source, au.username, au.name, au.description, au.location,
                               au.profile_image_url, au.created_at, array_to_string(urls, {_U}),
                               array_to_string(tags, {_U}), array_to_string(mentions, {_U}),
                               array_to_string(media, {_U})))
    AND NOT regexp_matches(coalesce(array_to_string(media, ''), ''), '[^\\x00-\\x7f]')
    AND NOT cw_any([r.text IS NOT NULL for r in t.referenced_tweets])
    AND cw_ints_ok(concat_ws(',', pm.like_count, pm.reply_count, pm.retweet_count, pm.quote_count,
                             au.public_metrics.followers_count, au.public_metrics.following_count))
    AND (au.created_at IS NULL OR au.created_at = '' OR au.id IS NULL OR au_ts IS NOT NULL)
"""
_SELECT = """
    'x' AS platform, t.id AS post_id, aid AS account_id, ts AS created_at,
    nullif(t.text, '') AS text, nullif(t.lang, '') AS lang, t.conversation_id AS conversation_id,
    reply_to AS reply_to_post_id, t.in_reply_to_user_id AS reply_to_account_id,
    repost_of AS repost_of_post_id, CAST(NULL AS VARCHAR) AS repost_of_account_id,
    quote_of AS quote_of_post_id, CAST(NULL AS VARCHAR) AS root_post_id,
    cw_nonempty(list_filter(urls, lambda v: v IS NOT NULL)) AS urls,
    cw_nonempty(list_filter(tags, lambda v: v IS NOT NULL AND v <> '')) AS hashtags,
    cw_nonempty(list_filter(mentions, lambda v: v IS NOT NULL AND v <> '')) AS mentions,
    cw_nonempty([lower(v) for v in list_filter(media, lambda v: v IS NOT NULL)]) AS media_hashes,
    TRY_CAST(pm.like_count AS BIGINT) AS like_count, TRY_CAST(pm.reply_count AS BIGINT) AS reply_count,
    TRY_CAST(pm.retweet_count AS BIGINT) AS repost_count, TRY_CAST(pm.quote_count AS BIGINT) AS quote_count,
    nullif(t.source, '') AS client,
    'x' AS a_platform, coalesce(au.id, aid) AS a_account_id,
    CASE WHEN au.id IS NOT NULL THEN nullif(au.username, '') END AS a_handle,
    CASE WHEN au.id IS NOT NULL THEN nullif(au.name, '') END AS a_display_name,
    CASE WHEN au.id IS NOT NULL THEN au_ts END AS a_created_at,
    CASE WHEN au.id IS NOT NULL THEN TRY_CAST(au.public_metrics.followers_count AS BIGINT) END AS a_followers,
    CASE WHEN au.id IS NOT NULL THEN TRY_CAST(au.public_metrics.following_count AS BIGINT) END AS a_following,
    CASE WHEN au.id IS NOT NULL THEN nullif(au.description, '') END AS a_description,
    CASE WHEN au.id IS NOT NULL THEN nullif(au.location, '') END AS a_location,
    CAST(NULL AS VARCHAR) AS a_account_lang,
    CASE WHEN au.id IS NOT NULL THEN nullif(au.profile_image_url, '') END AS a_profile_image_url,
    ts AS a_seen_at
"""

#: Bulk reader of flattened-tweet JSON Lines.
BULK = JsonLinesBulk(structure=_STRUCTURE, prepare=_PREPARE, ok=_OK, select=_SELECT, rows_of=_rows_of)


@register("x-v2", sniff=_sniff, bulk=BULK)
def read_x_v2(ctx: ReadContext) -> Iterator[Row | Reject]:
    """Read X API v2 pages or flattened tweets (JSON or JSON Lines)."""
    for item in json_units(ctx, _split):
        if isinstance(item, Reject):
            yield item
        else:
            yield from _rows_of(*item)
