"""The format registry, the reader contract and format detection.

A *reader* turns one input file into a stream of events, one per input row:
:class:`Row` (a post, with any accounts and embedded posts it carries) or
:class:`Reject` (a row that cannot be stored, with the reason and the raw
record). Readers register under their CLI name with :func:`register`; the
built-in readers in this package register the same way::

    @register("my-format", sniff=my_sniffer)
    def read_my_format(ctx: ReadContext) -> Iterator[Row | Reject]: ...

A format may also register a *bulk* reader (``bulk=``, a
:class:`~cibwatch.ingest.bulk.JsonLinesBulk` or
:class:`~cibwatch.ingest.bulk.CsvBulk`): DuckDB / PyArrow then parse and
normalise whole blocks of records, and only the records the bulk SQL cannot
take go through the Python reader's per-record code. Both paths must give
the same rows; ``tests/test_ingest_bulk.py`` checks that they do.

A reader counts the *units* it consumes (lines, CSV rows, array elements) in
``ctx.units`` and skips the first ``ctx.skip_units`` of them when an
interrupted ingest resumes. Several rows may come from one unit (an X API page
holds many tweets, a Meta post carries its comments); a row belongs to the
unit that was current when it was yielded.
"""

from __future__ import annotations

import csv
import datetime as _dt
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from ..errors import UnknownFormatError
from ..normalize.time import TimestampError, parse_timestamp
from .source import open_binary

__all__ = [
    "FORMATS",
    "SNIFFERS",
    "register",
    "detect_format",
    "Row",
    "Reject",
    "ReadContext",
    "RowError",
    "make_post",
    "make_account",
    "parse_json_line",
    "format_names",
    "BULK",
]

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(slots=True)
class Row:
    """One stored input row: its post, embedded posts and the accounts seen."""

    unit: int
    line: int | None
    offset: int | None
    post: dict[str, Any]
    extra_posts: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Reject:
    """One input row that goes to the quarantine."""

    unit: int
    line: int | None
    offset: int | None
    reason: str
    raw: bytes | str


class RowError(ValueError):
    """Raised while converting one row; the message is the quarantine reason."""


@dataclass
class ReadContext:
    """What a reader gets: the file, resume point and user options."""

    path: Path
    platform: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    skip_units: int = 0
    units: int = 0

    def open(self) -> BinaryIO:
        return open_binary(self.path)


Reader = Callable[[ReadContext], Iterator["Row | Reject"]]
Sniffer = Callable[[bytes, "list[str] | None", "Any"], bool]

#: Registered readers by CLI format name.
FORMATS: dict[str, Reader] = {}
#: Content sniffers by format name, tried in registration order by :func:`detect_format`.
SNIFFERS: dict[str, Sniffer] = {}
#: Bulk readers by format name (optional; see the module docstring).
BULK: dict[str, Any] = {}


def register(name: str, *, sniff: Sniffer | None = None, bulk: Any = None) -> Callable[[Reader], Reader]:
    """Register a reader under ``name`` (and an optional content sniffer and bulk reader)."""

    def deco(fn: Reader) -> Reader:
        FORMATS[name] = fn
        if sniff is not None:
            SNIFFERS[name] = sniff
        if bulk is not None:
            BULK[name] = bulk
        return fn

    return deco


#: The built-in formats in the order the CLI documents them.
BUILTIN_ORDER = ("x-v2", "x-io-archive", "meta-graph", "cnt", "coortweet", "csv", "jsonl")


def format_names() -> list[str]:
    """``auto``, the built-in formats, then any registered by plug-ins."""
    return ["auto", *[n for n in BUILTIN_ORDER if n in FORMATS], *[n for n in FORMATS if n not in BUILTIN_ORDER]]


# -- row helpers ------------------------------------------------------------


def _clean_id(v: Any) -> str | None:
    if type(v) is str:  # the common case first
        return v.strip() or None
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def _time(v: Any, what: str) -> _dt.datetime:
    try:
        return parse_timestamp(v)
    except TimestampError as exc:
        raise RowError(f"bad {what}: {exc}") from None


_INT64 = 2**63


def _int_or_none(v: Any) -> int | None:
    """A count as an int; ``None`` when missing, not a number or outside BIGINT."""
    if v is None or v == "" or isinstance(v, bool):
        return None
    try:
        n = int(float(v)) if isinstance(v, str) else int(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return n if -_INT64 <= n < _INT64 else None


def _str_list(v: Any) -> list[str] | None:
    if v is None:
        return None
    out = [str(x) for x in v if x is not None and str(x) != ""]
    return out or None


_POST_STR = (
    "text",
    "lang",
    "conversation_id",
    "reply_to_post_id",
    "reply_to_account_id",
    "repost_of_post_id",
    "repost_of_account_id",
    "quote_of_post_id",
    "root_post_id",
    "client",
)
_POST_INT = ("like_count", "reply_count", "repost_count", "quote_count")
_POST_LIST = ("urls", "hashtags", "mentions", "media_hashes")


def make_post(platform: str, post_id: Any, account_id: Any, created_at: Any, **kw: Any) -> dict[str, Any]:
    """A validated ``posts`` row; raises :class:`RowError` naming the missing/bad field."""
    pid = _clean_id(post_id)
    if pid is None:
        raise RowError("missing post id")
    aid = _clean_id(account_id)
    if aid is None:
        raise RowError(f"post {pid}: missing account id")
    if created_at is None or created_at == "":
        raise RowError(f"post {pid}: missing created_at")
    row: dict[str, Any] = {
        "platform": platform,
        "post_id": pid,
        "account_id": aid,
        "created_at": _time(created_at, f"created_at of post {pid}"),
    }
    for k in _POST_STR:
        v = kw.get(k)
        row[k] = None if v is None or v == "" else v if k == "text" else _clean_id(v)
    if row["text"] is not None and not isinstance(row["text"], str):
        row["text"] = str(row["text"])
    if row["text"] is not None and "\x00" in row["text"]:
        raise RowError(f"post {pid}: NUL byte in text")
    for k in _POST_INT:
        row[k] = _int_or_none(kw.get(k))
    for k in _POST_LIST:
        row[k] = _str_list(kw.get(k))
    return row


_ACC_STR = ("handle", "display_name", "description", "location", "account_lang", "profile_image_url")


def make_account(
    platform: str, account_id: Any, *, seen_at: _dt.datetime | None = None, **kw: Any
) -> dict[str, Any] | None:
    """An ``accounts`` observation (``None`` when there is no id)."""
    aid = _clean_id(account_id)
    if aid is None:
        return None
    row: dict[str, Any] = {"platform": platform, "account_id": aid, "seen_at": seen_at}
    for k in _ACC_STR:
        v = kw.get(k)
        row[k] = str(v) if v not in (None, "") else None
    created = kw.get("created_at")
    try:
        row["created_at"] = parse_timestamp(created) if created not in (None, "") else None
    except TimestampError:
        row["created_at"] = None
    row["followers"] = _int_or_none(kw.get("followers"))
    row["following"] = _int_or_none(kw.get("following"))
    return row


def parse_json_line(b: bytes) -> Any:
    """``orjson.loads`` with a quarantine-ready reason on failure."""
    try:
        return orjson.loads(b)
    except orjson.JSONDecodeError as exc:
        msg = str(exc)
        if "depth" in msg or "recursion" in msg:
            raise RowError(f"JSON nested too deeply (limit 1024 levels): {msg}") from None
        raise RowError(f"invalid JSON: {msg}") from None


# -- detection --------------------------------------------------------------

_SNIFF_BYTES = 256 * 1024


def _peek(path: Path) -> bytes:
    with open_binary(path) as f:
        return f.read(_SNIFF_BYTES)


def _first_record(head: bytes) -> tuple[list[str] | None, Any]:
    """(CSV header, first JSON value) of the file head; either may be None."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text:
        return None, None
    if text[:1] in (b"{", b"["):
        first_line = text.split(b"\n", 1)[0]
        try:
            return None, orjson.loads(first_line)
        except orjson.JSONDecodeError:
            pass
        try:
            return None, orjson.loads(text)
        except orjson.JSONDecodeError:
            return None, {"__partial__": text[:_SNIFF_BYTES].decode("utf-8", "replace")}
    line = text.split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
    try:
        header = next(csv.reader([line]))
    except csv.Error:
        return None, None
    return [h.strip() for h in header], None


def detect_format(path: str | Path) -> str:
    """The format name of ``path``, by content (first record / header), not extension.

    Raises :class:`~cibwatch.errors.UnknownFormatError` listing the formats.
    """
    p = Path(path)
    head = _peek(p)
    header, first = _first_record(head)
    for name, sniff in SNIFFERS.items():
        try:
            if sniff(head, header, first):
                return name
        except Exception:  # noqa: BLE001 - a sniffer that cannot decide says no
            continue
    shown = ", ".join(header[:12]) if header else "no recognisable header or JSON record"
    raise UnknownFormatError(
        f"cannot detect the format of {str(p)!r} ({shown}).",
        hint=(
            f"Formats: {', '.join(format_names())}. For another layout use "
            "--format csv (or jsonl) --platform NAME --map post_id=COL --map account_id=COL "
            "--map created_at=COL [--map text=COL ...]."
        ),
    )
