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

from .formats import ReadContext, Reject, Row, RowError, make_account, make_post, register
from .records import json_units

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


@register("meta-graph", sniff=_sniff)
def read_meta_graph(ctx: ReadContext) -> Iterator[Row | Reject]:
    """Read Graph API page posts with their comments (JSON or JSON Lines)."""
    for item in json_units(ctx, _split):
        if isinstance(item, Reject):
            yield item
        else:
            unit, line, offset, obj = item
            if isinstance(obj, dict) and isinstance(obj.get("data"), list) and "created_time" not in obj:
                for p in obj["data"]:  # a JSONL file of whole response pages
                    yield from _rows_of(unit, line, offset, p)
            else:
                yield from _rows_of(unit, line, offset, obj)
