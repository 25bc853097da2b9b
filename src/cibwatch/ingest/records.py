"""Unit iterators shared by the readers: JSON lines / documents and CSV rows.

Both iterators number units from 0, honour ``ctx.skip_units`` and keep
``ctx.units`` current. Undecodable bytes, bad JSON and ragged CSV rows come
out as :class:`~cibwatch.ingest.formats.Reject` events, never exceptions.
The per-line and per-record steps (:func:`json_line_events`,
:class:`CsvRecords`) are also what the bulk readers fall back to for the
records they cannot take, so both paths quarantine with the same reasons.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from ..errors import MissingColumnError
from .formats import ReadContext, Reject, Row, RowError, parse_json_line
from .source import iter_lines

__all__ = [
    "json_units",
    "json_line_events",
    "json_lines_start",
    "csv_units",
    "csv_line",
    "CsvRecords",
    "check_header",
    "JsonUnit",
    "CsvUnit",
]

JsonUnit = tuple[int, int | None, int | None, Any]
CsvUnit = tuple[int, int, int, dict[str, str]]
RowsOf = Callable[[int, int | None, int | None, Any], Iterator[Row | Reject]]


def _decode_error(line: bytes, offset: int) -> str | None:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 at byte {offset + exc.start}"
    return None


def json_line_events(unit: int, line_no: int, offset: int, line: bytes, rows_of: RowsOf) -> Iterator[Row | Reject]:
    """The events of one JSON Lines line (none for a blank line)."""
    if not line.strip():
        return
    bad = _decode_error(line, offset)
    if bad:
        yield Reject(unit, line_no, offset, bad, line)
        return
    try:
        obj = parse_json_line(line)
    except RowError as exc:
        yield Reject(unit, line_no, offset, str(exc), line)
        return
    yield from rows_of(unit, line_no, offset, obj)


#: Non-empty lines looked at to tell JSON Lines from one JSON document.
SNIFF_LINES = 20


def _head(lines: Iterator[tuple[int, int, bytes]]) -> list[tuple[int, int, bytes]]:
    """The lines up to and including the ``SNIFF_LINES``-th non-empty one."""
    head: list[tuple[int, int, bytes]] = []
    seen = 0
    for item in lines:
        head.append(item)
        if item[2].strip():
            seen += 1
            if seen == SNIFF_LINES:
                break
    return head


def _lines_mode(head: list[tuple[int, int, bytes]]) -> int | None:
    """Line number of the first unit when ``head`` starts JSON Lines, else ``None``.

    JSON Lines: the first non-empty line is a complete JSON value, or (a broken
    first record) more than half of the first non-empty lines are. A
    pretty-printed document has few lines that parse on their own.
    """
    nonblank = [(n, ln) for n, _, ln in head if ln.strip()]
    if not nonblank:
        return None
    parsed = []
    for _, ln in nonblank:
        try:
            orjson.loads(ln)
            parsed.append(True)
        except orjson.JSONDecodeError:
            parsed.append(False)
    if parsed[0] or (len(parsed) > 1 and sum(parsed) * 2 > len(parsed)):
        return nonblank[0][0]
    return None


def json_lines_start(lines: Iterator[tuple[int, int, bytes]]) -> int | None:
    """Line number of the first unit when the file is JSON Lines; ``None`` when it is one document (or empty)."""
    return _lines_mode(_head(lines))


def json_units(ctx: ReadContext, split: Callable[[Any], list[Any]]) -> Iterator[JsonUnit | Reject]:
    """Units of a JSON Lines file (one per line) or of one JSON document.

    A file is JSON Lines when its first non-empty line is a complete JSON
    value, or most of its first non-empty lines are; otherwise the whole file
    is one document, which ``split`` turns into its units (e.g. the ``data``
    list of a Graph API response). Documents are read whole: very large inputs
    should be JSON Lines.
    """
    with ctx.open() as f:
        lines = iter_lines(f)
        head = _head(lines)
        start = _lines_mode(head)
        if start is not None:
            unit = -1
            for line_no, offset, line in itertools.chain(head, lines):
                if line_no < start:
                    continue
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
        first = next(((n, o) for n, o, ln in head if ln.strip()), None)
        if first is None:
            return
        rest = b"\n".join([ln for n, _, ln in head if n >= first[0]] + [ln for _, _, ln in lines])
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


def _csv_line(fields: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(fields)
    return buf.getvalue()


csv_line = _csv_line


class CsvRecords:
    """CSV records read from ``(line_no, offset, bytes)`` lines, with their first line and byte offset.

    The reader pulls lines only as a record needs them, so after any record
    the line source stands exactly at the start of the next one.
    """

    def __init__(self, lines: Iterator[tuple[int, int, bytes]], first_line: int = 1) -> None:
        self._lines = lines
        self.marks: dict[int, int] = {}
        self.bad: dict[int, str] = {}
        self.last_line = first_line - 1
        self.units_read = 0  # units read so far, yielded or skipped
        self._reader = csv.reader(self._text(), strict=False)

    def _text(self) -> Iterator[str]:
        for line_no, offset, line in self._lines:
            self.marks[line_no] = offset
            self.last_line = line_no
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.bad[line_no] = f"invalid UTF-8 at byte {offset + exc.start}"
                text = line.decode("utf-8", "replace")
            yield text + "\n"

    def header(self) -> list[str] | None:
        """The first record as a header (names stripped, BOM removed), or ``None`` for an empty file."""
        try:
            fields = next(self._reader)
        except StopIteration:
            return None
        return [h.strip().lstrip("\ufeff") for h in fields]

    def units(
        self,
        header: list[str],
        first_unit: int,
        *,
        skip_until: int = 0,
        until_unit: int | None = None,
        stop_after_line: int | None = None,
    ) -> Iterator[CsvUnit | Reject]:
        """Records as units numbered from ``first_unit``; blank lines are not units.

        Units below ``skip_until`` are read but not yielded. Reading stops
        before unit ``until_unit``, or after the record that reaches line
        ``stop_after_line``.
        """
        width = len(header)
        unit = first_unit - 1
        self.units_read = first_unit
        while True:
            if stop_after_line is not None and self.last_line >= stop_after_line:
                return
            if until_unit is not None and self.units_read >= until_unit:
                return
            start = self.last_line + 1
            try:
                fields = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                unit += 1
                self.units_read = unit + 1
                if unit >= skip_until:
                    yield Reject(unit, start, self.marks.get(start), f"malformed CSV: {exc}", "")
                continue
            end = self.last_line
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            unit += 1
            self.units_read = unit + 1
            offset = self.marks.get(start, 0)
            problems = [self.bad[n] for n in range(start, end + 1) if n in self.bad]
            for n in [k for k in self.marks if k < start]:
                del self.marks[n]
            if unit < skip_until:
                continue
            yield record_unit(unit, start, offset, fields, header, width, problems[0] if problems else None)


def record_unit(
    unit: int, line: int, offset: int, fields: list[str], header: list[str], width: int, problem: str | None = None
) -> CsvUnit | Reject:
    """One CSV record as a unit, or a reject for undecodable, ragged or NUL-carrying rows."""
    if problem:
        return Reject(unit, line, offset, problem, _csv_line(fields))
    if len(fields) != width:
        return Reject(
            unit,
            line,
            offset,
            f"row has {len(fields)} fields, the header has {width} (truncated or ragged row)",
            _csv_line(fields),
        )
    if any("\x00" in v for v in fields):
        return Reject(unit, line, offset, "NUL byte in a field", _csv_line(fields).replace("\x00", "\\0"))
    return (unit, line, offset, dict(zip(header, fields, strict=True)))


def check_header(header: list[str], required: list[str], ctx: ReadContext, what: str) -> None:
    """Raise :class:`~cibwatch.errors.MissingColumnError` when a ``required`` column is absent."""
    for col in required:
        if col not in header:
            hint = (
                f"Is this a {what} file? Pick another --format or map columns with --format csv --map."
                if what
                else None
            )
            raise MissingColumnError(col, header, path=str(ctx.path), hint=hint)


def csv_units(ctx: ReadContext, required: list[str], *, what: str = "") -> Iterator[CsvUnit | Reject]:
    """Data rows of a CSV file as ``(unit, line, byte_offset, {column: value})``.

    Raises :class:`~cibwatch.errors.MissingColumnError` when a ``required``
    column is absent from the header.
    """
    with ctx.open() as f:
        recs = CsvRecords(iter_lines(f))
        header = recs.header()
        if header is None:
            return
        check_header(header, required, ctx, what)
        for item in recs.units(header, 0, skip_until=ctx.skip_units):
            ctx.units = recs.units_read
            yield item
        ctx.units = max(ctx.units, recs.units_read)
