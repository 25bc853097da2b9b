"""Unit iterators shared by the readers: JSON lines / documents and CSV rows.

Both iterators number units from 0, honour ``ctx.skip_units`` and keep
``ctx.units`` current. Undecodable bytes, bad JSON and ragged CSV rows come
out as :class:`~cibwatch.ingest.formats.Reject` events, never exceptions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from ..errors import MissingColumnError
from .formats import ReadContext, Reject, RowError, parse_json_line
from .source import iter_lines

__all__ = ["json_units", "csv_units", "csv_line", "JsonUnit", "CsvUnit"]

JsonUnit = tuple[int, int | None, int | None, Any]
CsvUnit = tuple[int, int, int, dict[str, str]]


def _decode_error(line: bytes, offset: int) -> str | None:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 at byte {offset + exc.start}"
    return None


def json_units(ctx: ReadContext, split: Callable[[Any], list[Any]]) -> Iterator[JsonUnit | Reject]:
    """Units of a JSON Lines file (one per line) or of one JSON document.

    A file whose first non-empty line is a complete JSON value is JSON Lines;
    otherwise the whole file is one document, which ``split`` turns into its
    units (e.g. the ``data`` list of a Graph API response). Documents are read
    whole: very large inputs should be JSON Lines.
    """
    with ctx.open() as f:
        lines = iter_lines(f)
        first: tuple[int, int, bytes] | None = None
        for item in lines:
            if item[2].strip():
                first = item
                break
        if first is None:
            return
        try:
            orjson.loads(first[2])
            is_lines = True
        except orjson.JSONDecodeError:
            is_lines = False
        if is_lines:
            unit = -1
            import itertools

            for line_no, offset, line in itertools.chain([first], lines):
                unit += 1
                ctx.units = unit + 1
                if unit < ctx.skip_units or not line.strip():
                    continue
                bad = _decode_error(line, offset)
                if bad:
                    yield Reject(unit, line_no, offset, bad, line)
                    continue
                try:
                    yield (unit, line_no, offset, parse_json_line(line))
                except RowError as exc:
                    yield Reject(unit, line_no, offset, str(exc), line)
            return
        rest = b"\n".join([first[2], *(ln for _, _, ln in lines)])
    bad = _decode_error(rest, first[1])
    try:
        if bad:
            raise RowError(bad)
        doc = parse_json_line(rest)
        units = split(doc)
    except RowError as exc:
        ctx.units = 1
        if ctx.skip_units < 1:
            yield Reject(0, first[0], first[1], f"{exc} (whole JSON document)", rest)
        return
    for i, u in enumerate(units):
        ctx.units = i + 1
        if i >= ctx.skip_units:
            yield (i, None, None, u)


def _recording_lines(f: Any, marks: dict[int, int], bad: dict[int, str]) -> Iterator[str]:
    for line_no, offset, line in iter_lines(f):
        marks[line_no] = offset
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad[line_no] = f"invalid UTF-8 at byte {offset + exc.start}"
            text = line.decode("utf-8", "replace")
        yield text + "\n"


def _csv_line(fields: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(fields)
    return buf.getvalue()


def csv_units(ctx: ReadContext, required: list[str], *, what: str = "") -> Iterator[CsvUnit | Reject]:
    """Data rows of a CSV file as ``(unit, line, byte_offset, {column: value})``.

    Raises :class:`~cibwatch.errors.MissingColumnError` when a ``required``
    column is absent from the header.
    """
    marks: dict[int, int] = {}
    bad: dict[int, str] = {}
    with ctx.open() as f:
        reader = csv.reader(_recording_lines(f, marks, bad), strict=False)
        try:
            header = next(reader)
        except StopIteration:
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        for col in required:
            if col not in header:
                hint = (
                    f"Is this a {what} file? Pick another --format or map columns with --format csv --map."
                    if what
                    else None
                )
                raise MissingColumnError(col, header, path=str(ctx.path), hint=hint)
        width = len(header)
        unit = -1
        prev_end = reader.line_num
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                unit += 1
                start = prev_end + 1
                prev_end = reader.line_num
                ctx.units = unit + 1
                if unit >= ctx.skip_units:
                    yield Reject(unit, start, marks.get(start), f"malformed CSV: {exc}", "")
                continue
            start = prev_end + 1
            end = reader.line_num
            prev_end = end
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            unit += 1
            ctx.units = unit + 1
            offset = marks.get(start, 0)
            problems = [bad[n] for n in range(start, end + 1) if n in bad]
            for n in [k for k in marks if k < start]:
                del marks[n]
            if unit < ctx.skip_units:
                continue
            raw = _csv_line(fields)
            if problems:
                yield Reject(unit, start, offset, problems[0], raw)
            elif len(fields) != width:
                yield Reject(
                    unit,
                    start,
                    offset,
                    f"row has {len(fields)} fields, the header has {width} (truncated or ragged row)",
                    raw,
                )
            elif any("\x00" in v for v in fields):
                yield Reject(unit, start, offset, "NUL byte in a field", raw.replace("\x00", "\\0"))
            else:
                yield (unit, start, offset, dict(zip(header, fields, strict=True)))


csv_line = _csv_line
