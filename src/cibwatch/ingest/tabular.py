"""Table layouts: the X information-operations archive, the Coordination
Network Toolkit CSV, CooRTweet's four columns, and generic CSV / JSON Lines
with a column mapping (``--map FIELD=COLUMN``).

The archive layout has a bulk reader (PyArrow parses the CSV, SQL converts it;
see :mod:`cibwatch.ingest.bulk`) whose SQL mirrors :func:`_io_rows`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import regex

from ..errors import ParameterError
from .bulk import CsvBulk
from .formats import ReadContext, Reject, Row, RowError, make_account, make_post, register
from .records import CsvUnit, csv_line, csv_units, json_units

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


def _io_rows(item: CsvUnit, ctx: ReadContext) -> Iterator[Row | Reject]:
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
        return
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


def _io_prepare(c: Any) -> str:
    return f"""cw_ts({c("tweet_time")}) AS _ts, cw_id({c("tweetid")}) AS _pid, cw_id({c("userid")}) AS _aid,
        lower(cw_strip(coalesce({c("is_retweet")}, ''))) IN ('true', '1', 'yes', 't') AS _rt"""


def _io_ok(c: Any) -> str:
    return f"""
        _pid IS NOT NULL AND _aid IS NOT NULL AND _ts IS NOT NULL
        AND cw_ints_ok(concat_ws(',', {c("like_count")}, {c("reply_count")}, {c("retweet_count")},
                                 {c("quote_count")}, {c("follower_count")}, {c("following_count")}))
        AND cw_list_cell_ok({c("hashtags")}) AND cw_list_cell_ok({c("urls")}) AND cw_list_cell_ok({c("user_mentions")})
        AND (coalesce({c("account_creation_date")}, '') = '' OR cw_ts({c("account_creation_date")}) IS NOT NULL)
    """


def _io_select(c: Any) -> str:
    rt = "_rt"
    return f"""
        'x' AS platform, _pid AS post_id, _aid AS account_id,
        _ts AS created_at, nullif({c("tweet_text")}, '') AS text,
        cw_id({c("tweet_language")}) AS lang, CAST(NULL AS VARCHAR) AS conversation_id,
        cw_id({c("in_reply_to_tweetid")}) AS reply_to_post_id, cw_id({c("in_reply_to_userid")}) AS reply_to_account_id,
        CASE WHEN {rt} THEN cw_id({c("retweet_tweetid")}) END AS repost_of_post_id,
        CASE WHEN {rt} THEN cw_id({c("retweet_userid")}) END AS repost_of_account_id,
        cw_id({c("quoted_tweet_tweetid")}) AS quote_of_post_id, CAST(NULL AS VARCHAR) AS root_post_id,
        cw_list_cell({c("urls")}) AS urls, cw_list_cell({c("hashtags")}) AS hashtags,
        cw_list_cell({c("user_mentions")}) AS mentions, CAST(NULL AS VARCHAR[]) AS media_hashes,
        cw_int({c("like_count")}) AS like_count, cw_int({c("reply_count")}) AS reply_count,
        cw_int({c("retweet_count")}) AS repost_count, cw_int({c("quote_count")}) AS quote_count,
        cw_id({c("tweet_client_name")}) AS client,
        'x' AS a_platform, _aid AS a_account_id, nullif({c("user_screen_name")}, '') AS a_handle,
        nullif({c("user_display_name")}, '') AS a_display_name, cw_ts({c("account_creation_date")}) AS a_created_at,
        cw_int({c("follower_count")}) AS a_followers, cw_int({c("following_count")}) AS a_following,
        nullif({c("user_profile_description")}, '') AS a_description,
        nullif({c("user_reported_location")}, '') AS a_location, nullif({c("account_language")}, '') AS a_account_lang,
        nullif({c("user_profile_url")}, '') AS a_profile_image_url, _ts AS a_seen_at
    """


_IO_BULK = CsvBulk(
    required=tuple(_IO_REQUIRED),
    what="X information-operations archive",
    prepare=_io_prepare,
    ok=_io_ok,
    select=_io_select,
    to_rows=_io_rows,
)


@register("x-io-archive", sniff=_header_sniff({"tweetid", "userid", "tweet_time"}), bulk=_IO_BULK)
def read_x_io_archive(ctx: ReadContext) -> Iterator[Row | Reject]:
    """Read the X transparency information-operations CSV (one tweet per row)."""
    for item in csv_units(ctx, _IO_REQUIRED, what="X information-operations archive"):
        if isinstance(item, Reject):
            yield item
        else:
            yield from _io_rows(item, ctx)


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
