"""Table layouts: the X information-operations archive, the Coordination
Network Toolkit CSV, CooRTweet's four columns, and generic CSV / JSON Lines
with a column mapping (``--map FIELD=COLUMN``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import regex

from ..errors import ParameterError
from .formats import ReadContext, Reject, Row, RowError, make_account, make_post, register
from .records import csv_line, csv_units, json_units

__all__ = ["MAP_FIELDS", "validate_mapping", "parse_list_cell"]

_QUOTED = regex.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")


def parse_list_cell(v: str | None) -> list[str]:
    """Items of an archive list cell such as ``"['a', 'b']"`` (``"[]"`` is empty)."""
    if not v:
        return []
    s = v.strip()
    if s.startswith("[") and s.endswith("]"):
        s = s[1:-1].strip()
    if not s:
        return []
    found = [a or b for a, b in _QUOTED.findall(s)]
    if found:
        return [x for x in found if x]
    return [x.strip() for x in s.split(",") if x.strip()]


def _truthy(v: str | None) -> bool:
    return (v or "").strip().lower() in ("true", "1", "yes", "t")


def _header_sniff(required: set[str]) -> Any:
    def sniff(head: bytes, header: list[str] | None, first: Any) -> bool:
        return header is not None and required <= set(header)

    return sniff


# -- X information-operations archive ------------------------------------

_IO_REQUIRED = ["tweetid", "userid", "tweet_time"]


@register("x-io-archive", sniff=_header_sniff({"tweetid", "userid", "tweet_time"}))
def read_x_io_archive(ctx: ReadContext) -> Iterator[Row | Reject]:
    """Read the X transparency information-operations CSV (one tweet per row)."""
    for item in csv_units(ctx, _IO_REQUIRED, what="X information-operations archive"):
        if isinstance(item, Reject):
            yield item
            continue
        unit, line, offset, r = item
        try:
            rt = _truthy(r.get("is_retweet"))
            post = make_post(
                "x",
                r.get("tweetid"),
                r.get("userid"),
                r.get("tweet_time"),
                text=r.get("tweet_text"),
                lang=r.get("tweet_language"),
                reply_to_post_id=r.get("in_reply_to_tweetid"),
                reply_to_account_id=r.get("in_reply_to_userid"),
                quote_of_post_id=r.get("quoted_tweet_tweetid"),
                repost_of_post_id=r.get("retweet_tweetid") if rt else None,
                repost_of_account_id=r.get("retweet_userid") if rt else None,
                hashtags=parse_list_cell(r.get("hashtags")),
                urls=parse_list_cell(r.get("urls")),
                mentions=parse_list_cell(r.get("user_mentions")),
                like_count=r.get("like_count"),
                reply_count=r.get("reply_count"),
                repost_count=r.get("retweet_count"),
                quote_count=r.get("quote_count"),
                client=r.get("tweet_client_name"),
            )
        except RowError as exc:
            yield Reject(unit, line, offset, str(exc), csv_line(list(r.values())))
            continue
        acc = make_account(
            "x",
            r.get("userid"),
            seen_at=post["created_at"],
            handle=r.get("user_screen_name"),
            display_name=r.get("user_display_name"),
            location=r.get("user_reported_location"),
            description=r.get("user_profile_description"),
            followers=r.get("follower_count"),
            following=r.get("following_count"),
            created_at=r.get("account_creation_date"),
            account_lang=r.get("account_language"),
            profile_image_url=r.get("user_profile_url"),
        )
        yield Row(unit, line, offset, post, [], [acc] if acc else [])


# -- Coordination Network Toolkit -----------------------------------------

_CNT_REQUIRED = ["message_id", "user_id", "timestamp"]


@register("cnt", sniff=_header_sniff({"message_id", "user_id", "timestamp"}))
def read_cnt(ctx: ReadContext) -> Iterator[Row | Reject]:
    """Read the Coordination Network Toolkit preprocess CSV (``urls`` space-separated)."""
    platform = ctx.platform or "x"
    for item in csv_units(ctx, _CNT_REQUIRED, what="Coordination Network Toolkit"):
        if isinstance(item, Reject):
            yield item
            continue
        unit, line, offset, r = item
        try:
            post = make_post(
                platform,
                r.get("message_id"),
                r.get("user_id"),
                r.get("timestamp"),
                text=r.get("message"),
                repost_of_post_id=r.get("repost_id"),
                reply_to_post_id=r.get("reply_id"),
                urls=(r.get("urls") or "").split(),
            )
        except RowError as exc:
            yield Reject(unit, line, offset, str(exc), csv_line(list(r.values())))
            continue
        acc = make_account(platform, r.get("user_id"), seen_at=post["created_at"], handle=r.get("username"))
        yield Row(unit, line, offset, post, [], [acc] if acc else [])


# -- CooRTweet ------------------------------------------------------------------

_COOR = ["object_id", "account_id", "content_id", "timestamp_share"]


@register("coortweet", sniff=_header_sniff(set(_COOR)))
def read_coortweet(ctx: ReadContext) -> Iterator[Row | Reject]:
    """Read CooRTweet's table: ``content_id`` is the post, ``object_id`` what it shares."""
    platform = ctx.platform or "x"
    for item in csv_units(ctx, _COOR, what="CooRTweet"):
        if isinstance(item, Reject):
            yield item
            continue
        unit, line, offset, r = item
        try:
            post = make_post(
                platform, r["content_id"], r["account_id"], r["timestamp_share"], repost_of_post_id=r["object_id"]
            )
        except RowError as exc:
            yield Reject(unit, line, offset, str(exc), csv_line(list(r.values())))
            continue
        acc = make_account(platform, r["account_id"], seen_at=post["created_at"])
        yield Row(unit, line, offset, post, [], [acc] if acc else [])


# -- generic CSV / JSON Lines ---------------------------------------------------

#: Fields ``--map`` may name.
MAP_FIELDS = (
    "post_id",
    "account_id",
    "created_at",
    "text",
    "handle",
    "display_name",
    "reply_to_post_id",
    "reply_to_account_id",
    "repost_of_post_id",
    "quote_of_post_id",
    "urls",
    "hashtags",
    "mentions",
    "lang",
    "conversation_id",
)
_REQUIRED = ("post_id", "account_id", "created_at")
_LIST_FIELDS = ("urls", "hashtags", "mentions")


def validate_mapping(mapping: dict[str, str] | None) -> dict[str, str]:
    """Check ``--map`` field names; raises :class:`ParameterError` listing the valid fields."""
    mapping = dict(mapping or {})
    for k in mapping:
        if k not in MAP_FIELDS:
            raise ParameterError("--map FIELD", "one of " + ", ".join(MAP_FIELDS), k)
    return mapping


def _require_platform(ctx: ReadContext) -> str:
    if not ctx.platform:
        raise ParameterError(
            "--platform", "a platform name such as x or facebook (required by --format csv/jsonl)", None
        )
    return ctx.platform


def _list_value(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list):
        return [str(x) for x in v]
    s = str(v).strip()
    if s.startswith("["):
        return parse_list_cell(s)
    return s.replace(",", " ").split()


def _generic_row(platform: str, cols: dict[str, str], get: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    vals = {f: get(c) for f, c in cols.items()}
    for f in _LIST_FIELDS:
        if f in vals:
            vals[f] = _list_value(vals[f])
    post = make_post(
        platform,
        vals.pop("post_id", None),
        vals.pop("account_id", None),
        vals.pop("created_at", None),
        **{k: v for k, v in vals.items() if k not in ("handle", "display_name")},
    )
    acc = make_account(
        platform,
        post["account_id"],
        seen_at=post["created_at"],
        handle=vals.get("handle"),
        display_name=vals.get("display_name"),
    )
    return post, [acc] if acc else []


@register("csv")
def read_csv(ctx: ReadContext) -> Iterator[Row | Reject]:
    """Read any CSV with ``--map FIELD=COLUMN`` (unmapped fields use a same-named column)."""
    platform = _require_platform(ctx)
    mapping = validate_mapping(ctx.mapping)
    required = [mapping.get(f, f) for f in _REQUIRED]
    cols: dict[str, str] | None = None
    for item in csv_units(ctx, required):
        if isinstance(item, Reject):
            yield item
            continue
        unit, line, offset, r = item
        if cols is None:
            cols = {f: mapping.get(f, f) for f in MAP_FIELDS if mapping.get(f, f) in r}
        try:
            post, accs = _generic_row(platform, cols, r.get)
        except RowError as exc:
            yield Reject(unit, line, offset, str(exc), csv_line(list(r.values())))
            continue
        yield Row(unit, line, offset, post, [], accs)


def _dotted(obj: Any, path: str) -> Any:
    if isinstance(obj, dict) and path in obj:
        return obj[path]
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


@register("jsonl")
def read_jsonl(ctx: ReadContext) -> Iterator[Row | Reject]:
    """Read any JSON Lines (or JSON array) with ``--map FIELD=KEY`` (dotted keys reach into objects)."""
    import orjson

    platform = _require_platform(ctx)
    mapping = validate_mapping(ctx.mapping)
    cols = {f: mapping.get(f, f) for f in MAP_FIELDS}
    for item in json_units(ctx, lambda d: d if isinstance(d, list) else [d]):
        if isinstance(item, Reject):
            yield item
            continue
        unit, line, offset, obj = item
        if not isinstance(obj, dict):
            yield Reject(unit, line, offset, "record is not a JSON object", orjson.dumps(obj))
            continue
        try:
            missing = [c for f, c in cols.items() if f in _REQUIRED and _dotted(obj, c) is None]
            if missing:
                raise RowError(f"missing field {missing[0]!r} (keys: {', '.join(list(obj)[:20])})")
            post, accs = _generic_row(platform, cols, lambda c, o=obj: _dotted(o, c))
        except RowError as exc:
            yield Reject(unit, line, offset, str(exc), orjson.dumps(obj))
            continue
        yield Row(unit, line, offset, post, [], accs)
