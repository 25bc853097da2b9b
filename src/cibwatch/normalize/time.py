"""Timestamp parsing to naive UTC.

Every time cibwatch stores is a naive :class:`datetime.datetime` in UTC.
:func:`parse_timestamp` accepts the forms the supported exports write:

* ISO 8601 with or without an offset (``2023-08-07T14:03:00Z``,
  ``2023-08-07T14:03:00.123+02:00``); a time without an offset is UTC;
* Meta's basic offsets (``2023-08-07T14:03:00+0000``);
* the IO-archive forms ``2020-01-01 12:34`` and ``2020-01-01``;
* the classic Twitter form ``Wed Aug 27 13:08:45 +0000 2008``;
* epoch numbers or numeric strings. The unit is decided by magnitude:
  ``|v| < 1e11`` seconds (up to year 5138), ``< 1e14`` milliseconds,
  otherwise microseconds. Integers are converted exactly (no float rounding).

An unparseable value raises :class:`TimestampError` (a ``ValueError``) with
the reason; the parser never returns ``None`` and never substitutes "now".
"""

from __future__ import annotations

import datetime as _dt
import re

from ..errors import CibwatchError

__all__ = ["parse_timestamp", "TimestampError", "EPOCH_MS_THRESHOLD", "EPOCH_US_THRESHOLD"]

#: Epoch values at or above this magnitude are milliseconds (1e11 s is year 5138,
#: 1e11 ms is 1973-03-03, so no plausible post time is ambiguous).
EPOCH_MS_THRESHOLD = 1e11
#: Epoch values at or above this magnitude are microseconds.
EPOCH_US_THRESHOLD = 1e14

_EPOCH = _dt.datetime(1970, 1, 1)
_NUMERIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_TWITTER_CLASSIC = "%a %b %d %H:%M:%S %z %Y"


class TimestampError(CibwatchError, ValueError):
    """A timestamp could not be parsed; the message gives the value and why."""


def _to_naive_utc(dt: _dt.datetime) -> _dt.datetime:
    if dt.tzinfo is not None:
        dt = dt.astimezone(_dt.UTC).replace(tzinfo=None)
    return dt


def _from_epoch(v: float, raw: object) -> _dt.datetime:
    if v != v or v in (float("inf"), float("-inf")):
        raise TimestampError(f"timestamp {raw!r} is not a finite number")
    mag = abs(v)
    if mag >= EPOCH_US_THRESHOLD:
        seconds = v / 1e6
    elif mag >= EPOCH_MS_THRESHOLD:
        seconds = v / 1e3
    else:
        seconds = v
    try:
        return _EPOCH + _dt.timedelta(seconds=seconds)
    except OverflowError as exc:
        raise TimestampError(f"epoch timestamp {raw!r} is out of range") from exc


def _from_epoch_int(n: int, raw: object) -> _dt.datetime:
    mag = abs(n)
    try:
        if mag >= EPOCH_US_THRESHOLD:
            delta = _dt.timedelta(microseconds=n)
        elif mag >= EPOCH_MS_THRESHOLD:
            delta = _dt.timedelta(milliseconds=n)
        else:
            delta = _dt.timedelta(seconds=n)
        return _EPOCH + delta
    except OverflowError as exc:
        shown = raw[:40] if isinstance(raw, str) else f"a {n.bit_length()}-bit integer"
        raise TimestampError(f"epoch timestamp {shown!r} is out of range") from exc


def parse_timestamp(value: object) -> _dt.datetime:
    """Parse ``value`` into a naive UTC datetime.

    Raises
    ------
    TimestampError
        If the value is empty, of an unsupported type, or in no known form.
    """
    if isinstance(value, _dt.datetime):
        return _to_naive_utc(value)
    if isinstance(value, bool) or value is None:
        raise TimestampError(f"timestamp {value!r} is empty or not a time")
    if isinstance(value, int):
        return _from_epoch_int(value, value)
    if isinstance(value, float):
        try:
            return _from_epoch(float(value), value)
        except OverflowError as exc:
            raise TimestampError(f"epoch timestamp {value!r} is out of range") from exc
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        raise TimestampError(f"timestamp of type {type(value).__name__} is not supported")
    s = value.strip()
    if not s:
        raise TimestampError("timestamp is empty")
    if _INTEGER.match(s):
        try:
            n = int(s)
        except ValueError as exc:  # more digits than Python converts
            raise TimestampError(f"epoch timestamp {s[:40]!r}… is out of range") from exc
        return _from_epoch_int(n, s)
    if _NUMERIC.match(s):
        try:
            return _from_epoch(float(s), value)
        except OverflowError as exc:
            raise TimestampError(f"epoch timestamp {s[:40]!r} is out of range") from exc
    try:
        return _to_naive_utc(_dt.datetime.fromisoformat(s))
    except ValueError:
        pass
    except OverflowError as exc:
        raise TimestampError(f"timestamp {s[:40]!r} is out of range in UTC") from exc
    try:
        return _to_naive_utc(_dt.datetime.strptime(s, _TWITTER_CLASSIC))
    except ValueError:
        pass
    shown = s if len(s) <= 60 else s[:60] + "…"
    raise TimestampError(
        f"unrecognised timestamp {shown!r}: expected ISO 8601, epoch seconds/milliseconds, "
        "or 'Wed Aug 27 13:08:45 +0000 2008'"
    )
