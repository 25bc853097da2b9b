"""Meta Graph API page posts with nested comments and replies.

Input: one JSON object ``{"data": [posts], "paging": ...}``, a JSON list of
posts, or JSON Lines with one post per line. A post and each of its comments
and replies (``comments.data``, at any depth) become posts with
``platform = "facebook"``: a comment replies to its ``parent`` when given,
else to the enclosing post or comment; ``root_post_id`` and
``conversation_id`` are the page post. URLs come from ``attachment(s)``
(``target.url``, ``url``, ``unshimmed_url``) and from the message text; media
hashes from ``media.image.src``. Facebook has no handles, so accounts carry
``display_name`` only; a later different name is kept in ``account_history``.
Each page post and each comment is one input row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import regex

from .bulk import JsonTreesBulk
from .formats import ReadContext, Reject, Row, RowError, make_account, make_post, register
from .records import json_units
from .sqlfn import re2_class

PLATFORM = "facebook"
_URL = regex.compile(r"https?://[^\s<>\"'()\[\]{}]+", regex.IGNORECASE)
#: Comment threads deeper than this are quarantined (the Graph API nests two levels).
MAX_DEPTH = 64


def _looks_meta(o: Any) -> bool:
    return isinstance(o, dict) and "created_time" in o and "id" in o


def _sniff(head: bytes, header: list[str] | None, first: Any) -> bool:
    if isinstance(first, dict) and "__partial__" in first:
        return '"created_time"' in first["__partial__"]
    if isinstance(first, list):
        return bool(first) and _looks_meta(first[0])
    if isinstance(first, dict) and isinstance(first.get("data"), list):
        return bool(first["data"]) and _looks_meta(first["data"][0])
    return _looks_meta(first)


def _attachments(o: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    a = o.get("attachment")
    if isinstance(a, dict):
        out.append(a)
    many = o.get("attachments")
    if isinstance(many, dict):
        many = many.get("data")
    if isinstance(many, list):
        for x in many:
            if isinstance(x, dict):
                out.append(x)
                sub = (x.get("subattachments") or {}).get("data")
                if isinstance(sub, list):
                    out.extend(s for s in sub if isinstance(s, dict))
    return out


def _urls_media(o: dict[str, Any]) -> tuple[list[str], list[str]]:
    urls: list[str] = []
    media: list[str] = []
    for a in _attachments(o):
        t = a.get("target")
        target: dict[str, Any] = t if isinstance(t, dict) else {}
        for u in (target.get("url"), a.get("unshimmed_url"), a.get("url")):
            if isinstance(u, str) and u and u not in urls:
                urls.append(u)
                break
        img = ((a.get("media") or {}).get("image") or {}) if isinstance(a.get("media"), dict) else {}
        if isinstance(img, dict) and img.get("src"):
            media.append(str(img["src"]).lower())
    msg = o.get("message")
    if isinstance(msg, str):
        for u in _URL.findall(msg):
            u = u.rstrip(".,;:!?")
            if u not in urls:
                urls.append(u)
    return urls, media


def _from(o: dict[str, Any]) -> dict[str, Any]:
    f = o.get("from")
    return f if isinstance(f, dict) else {}


def _convert(
    o: dict[str, Any], root: str | None, parent: dict[str, Any] | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    author = _from(o)
    urls, media = _urls_media(o)
    parent_ref = o.get("parent") if isinstance(o.get("parent"), dict) else None
    reply_to = reply_acc = None
    if parent is not None:
        reply_to = (parent_ref or {}).get("id") or parent.get("id")
        if parent_ref and str(parent_ref.get("id")) != str(parent.get("id")):
            reply_acc = _from(parent_ref).get("id")
        else:
            reply_acc = _from(parent).get("id")
    post = make_post(
        PLATFORM,
        o.get("id"),
        author.get("id"),
        o.get("created_time"),
        text=o.get("message"),
        reply_to_post_id=reply_to,
        reply_to_account_id=reply_acc,
        root_post_id=root,
        conversation_id=root,
        urls=urls,
        media_hashes=media,
        like_count=o.get("like_count"),
        reply_count=o.get("comment_count"),
        repost_count=(o.get("shares") or {}).get("count") if isinstance(o.get("shares"), dict) else None,
    )
    acc = make_account(PLATFORM, author.get("id"), seen_at=post["created_at"], display_name=author.get("name"))
    return post, [acc] if acc else []


def _comments(o: dict[str, Any]) -> list[Any]:
    c = o.get("comments")
    if isinstance(c, dict):
        c = c.get("data")
    return c if isinstance(c, list) else []


def _rows_of(unit: int, line: int | None, offset: int | None, obj: Any) -> Iterator[Row | Reject]:
    if not isinstance(obj, dict):
        yield Reject(unit, line, offset, "not a Graph API post object", orjson.dumps(obj))
        return
    root_id = str(obj.get("id")) if obj.get("id") is not None else None
    try:
        post, accs = _convert(obj, root_id, None)
        post["root_post_id"] = None
        yield Row(unit, line, offset, post, [], accs)
    except RowError as exc:
        yield Reject(unit, line, offset, str(exc), orjson.dumps({k: v for k, v in obj.items() if k != "comments"}))
    # depth-first over comments with an explicit stack (no recursion)
    stack: list[tuple[Any, dict[str, Any], int]] = [(c, obj, 1) for c in reversed(_comments(obj))]
    while stack:
        c, parent, depth = stack.pop()
        if not isinstance(c, dict):
            yield Reject(unit, line, offset, "comment is not a JSON object", orjson.dumps(c))
            continue
        if depth > MAX_DEPTH:
            yield Reject(
                unit,
                line,
                offset,
                f"comment thread deeper than {MAX_DEPTH} levels",
                orjson.dumps({k: v for k, v in c.items() if k != "comments"}),
            )
            continue
        try:
            post, accs = _convert(c, root_id, parent)
            yield Row(unit, line, offset, post, [], accs)
        except RowError as exc:
            yield Reject(unit, line, offset, str(exc), orjson.dumps({k: v for k, v in c.items() if k != "comments"}))
        stack.extend((r, c, depth + 1) for r in reversed(_comments(c)))


def _split(doc: Any) -> list[Any]:
    if isinstance(doc, dict) and isinstance(doc.get("data"), list):
        return doc["data"]
    if isinstance(doc, list):
        return doc
    return [doc]


def _unit_rows(unit: int, line: int | None, offset: int | None, obj: Any) -> Iterator[Row | Reject]:
    if isinstance(obj, dict) and isinstance(obj.get("data"), list) and "created_time" not in obj:
        for p in obj["data"]:  # a JSONL file of whole response pages
            yield from _rows_of(unit, line, offset, p)
    else:
        yield from _rows_of(unit, line, offset, obj)


# -- bulk reader ------------------------------------------------------------------
# A line holding a page post with its comments and their replies (the two levels the
# Graph API nests) is read by SQL: from_json gives every leaf as VARCHAR, the three
# levels are unnested and each node is converted as _convert does. SQL takes a line
# only when every node is unambiguous (see sqlfn and the X v2 reader); any other
# line (a deeper thread, a list of attachments, a message with a URL among non-ASCII
# text...) goes to the Python reader whole.

_S = "VARCHAR"
_NODE: dict[str, Any] = {
    "id": _S,
    "message": _S,
    "created_time": _S,
    "from": {"id": _S, "name": _S},
    "parent": {"id": _S, "from": {"id": _S}},
    "like_count": _S,
    "comment_count": _S,
    "shares": {"count": _S},
    "attachment": {"target": {"url": _S}, "unshimmed_url": _S, "url": _S, "media": {"image": {"src": _S}}},
    "attachments": "JSON",
}
_REPLY = {**_NODE, "comments": "JSON"}
_COMMENT = {**_NODE, "comments": {"data": [_REPLY]}}
_STRUCTURE = {**_NODE, "data": "JSON", "comments": {"data": [_COMMENT]}}

_U = "chr(31)"
#: What ``\s`` matches in _URL (the regex module's Unicode White_Space), and the letters its
#: IGNORECASE takes for each letter of "https" (``ſ`` for ``s``); tested against the module itself.
URL_SPACE = (0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)
URL_LETTERS = {"h": "hH", "t": "tT", "p": "pP", "s": "sSſ"}
# _URL in RE2 syntax, case by case rather than with (?i), whose folding is RE2's own.
_SQL_URL = (
    "'"
    + "".join(f"[{URL_LETTERS[c]}]" for c in "http")
    + f"[{URL_LETTERS['s']}]?://"
    + re2_class(URL_SPACE).replace("[", "[^", 1)[:-1]
    + "<>\"''()\\[\\]{}]+'"
)


def _fields(n: str, parent: tuple[str, str] | None, root: str, extra: str = "true") -> str:
    """The fields of node ``n`` the conversion reads, as columns common to the three levels.

    ``parent`` is the SQL of the parent node's id and author id, ``root`` of the page post's id;
    ``extra`` a further condition the node must meet.
    """
    att = f"{n}.attachment"
    pid, paid = parent or ("CAST(NULL AS VARCHAR)", "CAST(NULL AS VARCHAR)")
    return f"""{n}.id AS id, {n}.message AS msg, {n}.created_time AS created, {n}."from".id AS aid,
        {n}."from".name AS name, {n}.parent.id AS ref, {n}.parent."from".id AS ref_aid,
        {n}.parent IS NOT NULL AS has_ref, {n}.like_count AS likes, {n}.comment_count AS comments,
        {n}.shares.count AS shares, {att}.target.url AS url1, {att}.unshimmed_url AS url2, {att}.url AS url3,
        {att}.media.image.src AS src, {n}.attachments IS NULL AND ({extra}) AS plain_node,
        {pid} AS parent_id, {paid} AS parent_aid, {root} AS root_id"""


_CANDS = ("url1", "url2", "url3")
_ATT_URL = "coalesce(" + ", ".join(f"nullif({c}, '')" for c in _CANDS) + ")"
# A node is taken when every value is unambiguous (see sqlfn): identifiers of [0-9A-Za-z_], other
# strings plain, counts plain integers, a time cw_ts reads, attachment URLs that can only be strings.
_OK = f"""
    id IS NOT NULL AND aid IS NOT NULL AND ts IS NOT NULL AND plain_node
    AND cw_ids_ok(concat_ws({_U}, id, aid, ref, ref_aid)) AND (NOT has_ref OR ref IS NOT NULL OR parent_id IS NULL)
    AND cw_plain(msg) AND NOT contains(coalesce(msg, ''), chr(0))
    AND cw_all_plain(concat_ws({_U}, name, src)) AND (src IS NULL OR src = '' OR regexp_full_match(src, '[\x21-\x7e]+'))
    AND cw_ints_ok(concat_ws(',', likes, comments, shares))
    AND """ + " AND ".join(f"({c} IS NULL OR {c} = '' OR regexp_matches({c}, '^https?://'))" for c in _CANDS)
_SELECT = """
    'facebook' AS platform, id AS post_id, aid AS account_id, ts AS created_at,
    nullif(msg, '') AS text, CAST(NULL AS VARCHAR) AS lang, root_id AS conversation_id,
    CASE WHEN parent_id IS NOT NULL THEN coalesce(ref, parent_id) END AS reply_to_post_id,
    CASE WHEN parent_id IS NULL THEN NULL WHEN ref IS NOT NULL AND ref <> parent_id THEN ref_aid ELSE parent_aid END
        AS reply_to_account_id,
    CAST(NULL AS VARCHAR) AS repost_of_post_id, CAST(NULL AS VARCHAR) AS repost_of_account_id,
    CAST(NULL AS VARCHAR) AS quote_of_post_id, CASE WHEN parent_id IS NOT NULL THEN root_id END AS root_post_id,
    cw_nonempty(list_filter(all_urls, lambda u, k: list_position(all_urls, u) = k)) AS urls,
    CAST(NULL AS VARCHAR[]) AS hashtags, CAST(NULL AS VARCHAR[]) AS mentions,
    CASE WHEN nullif(src, '') IS NOT NULL THEN [lower(src)] END AS media_hashes,
    cw_int(likes) AS like_count, cw_int(comments) AS reply_count, cw_int(shares) AS repost_count,
    CAST(NULL AS BIGINT) AS quote_count, CAST(NULL AS VARCHAR) AS client,
    'facebook' AS a_platform, aid AS a_account_id, CAST(NULL AS VARCHAR) AS a_handle,
    nullif(name, '') AS a_display_name, CAST(NULL AS TIMESTAMP) AS a_created_at,
    CAST(NULL AS BIGINT) AS a_followers, CAST(NULL AS BIGINT) AS a_following,
    CAST(NULL AS VARCHAR) AS a_description, CAST(NULL AS VARCHAR) AS a_location,
    CAST(NULL AS VARCHAR) AS a_account_lang, CAST(NULL AS VARCHAR) AS a_profile_image_url, ts AS a_seen_at
"""
# The post (rank 0), its comments, each ranked after the post and every earlier comment's
# replies, and their replies; then every node converted as _convert does.
_NODES = f"""
    WITH c AS (
        SELECT i, line, t.id AS root_id, t."from".id AS root_aid, e.n AS n, e.k AS k,
               len(coalesce(e.n.comments.data, [])) AS replies
        FROM (SELECT i, line, t, unnest(list_transform(t.comments.data, lambda x, k: {{'n': x, 'k': k}})) AS e
              FROM parsed WHERE t IS NOT NULL)
    ), c1 AS (
        SELECT *, CAST(k + coalesce(sum(replies) OVER (PARTITION BY i ORDER BY k
                                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS BIGINT) AS rank
        FROM c
    ), c2 AS (
        SELECT i, line, root_id, n.id AS pid, n."from".id AS paid, rank + e.r AS rank, e.n AS n
        FROM (SELECT i, line, root_id, n, rank, unnest(list_transform(n.comments.data, lambda x, r: {{'n': x, 'r': r}})) AS e
              FROM c1)
    ), nodes AS (
        SELECT i, line, CAST(0 AS BIGINT) AS rank, t IS NOT NULL AS parsed, {_fields("t", None, "t.id", "t.data IS NULL")}
        FROM parsed
        UNION ALL SELECT i, line, rank, true, {_fields("n", ("root_id", "root_aid"), "root_id")} FROM c1
        UNION ALL SELECT i, line, rank, true, {_fields("n", ("pid", "paid"), "root_id", "n.comments IS NULL")} FROM c2
    ), prepared AS (
        SELECT *, cw_ts(created) AS ts,
               list_concat(CASE WHEN {_ATT_URL} IS NULL THEN [] ELSE [{_ATT_URL}] END,
                           list_transform(regexp_extract_all(coalesce(msg, ''), {_SQL_URL}), lambda u: rtrim(u, '.,;:!?')))
                   AS all_urls
        FROM nodes
    )
    SELECT i, rank, line, parsed AND ({_OK}) AS ok, {_SELECT} FROM prepared
"""  # noqa: S608 - constant SQL
# from_json reads a list where the structure has an object as an empty object: such a line goes to Python.
_GUARD = r"""NOT regexp_matches(line, '"comments"\s*:\s*\[')"""

#: Bulk reader of Graph API page posts, one per line.
BULK = JsonTreesBulk(structure=_STRUCTURE, guard=_GUARD, nodes=_NODES, rows_of=_unit_rows)


@register("meta-graph", sniff=_sniff, bulk=BULK)
def read_meta_graph(ctx: ReadContext) -> Iterator[Row | Reject]:
    """Read Graph API page posts with their comments (JSON or JSON Lines)."""
    for item in json_units(ctx, _split):
        if isinstance(item, Reject):
            yield item
        else:
            yield from _unit_rows(*item)
