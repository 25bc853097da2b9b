"""Bulk readers: DuckDB and PyArrow parse and normalise records a block at a time.

The Python readers turn one record at a time into Python objects, which
costs tens of microseconds a row. A bulk reader instead cuts the file into
blocks of whole lines (:mod:`~cibwatch.ingest.blocks`) and per block

1. parses every record at once: JSON Lines with DuckDB's ``from_json`` over
   an Arrow array of the block's lines, CSV with PyArrow's CSV reader;
2. normalises them with one SQL statement (the format's ``select``, using the
   ``cw_*`` macros of :mod:`~cibwatch.ingest.sqlfn`) into a table with one
   row per record (or, for a record holding a thread of posts, one per post:
   :class:`JsonTreesBulk`) and an ``ok`` column: true when the SQL is certain
   to give exactly what the Python reader gives;
3. hands the ``ok`` rows to the writer as Arrow tables, and every other
   record, with its line number and byte offset, to the Python reader's
   per-record code, which stores or quarantines it with the usual reason.

Every record keeps its line number: a JSON line is one element of the block;
a CSV record's line is found by counting the newlines inside its quoted
fields. A CSV block PyArrow cannot parse, or whose records do not account for
every line (blank lines, stray quotes), is read again in smaller blocks and,
when small enough, record by record in Python, so one bad row costs a few
hundred rows of Python, not a block.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .blocks import BLOCK_BYTES, Block, LineBlocks, lines_array
from .formats import ReadContext, Reject, Row
from .records import CsvRecords, CsvUnit, RowsOf, check_header, json_line_events, json_lines_start, record_unit
from .source import iter_lines
from .writer import ACC_COLS, POST_COLS, SEQ_PER_UNIT, ChunkWriter

__all__ = ["JsonLinesBulk", "JsonTreesBulk", "CsvBulk", "NotBulk", "bulk_blocks", "MIN_BLOCK_BYTES"]

#: A CSV block that fails is re-read in blocks down to this size before Python takes it.
MIN_BLOCK_BYTES = 64 << 10
# Rows per Arrow batch handed to DuckDB (several batches let it use several threads).
_BATCH_ROWS = 4096

_A_COLS = ["a_" + c for c in ACC_COLS]
# Columns every bulk query ends with: file order and provenance (constants; values are bound).
_TAIL = (
    f"line AS source_line, CAST(1 AS TINYINT) AS prio, ($unit0 + i) * {SEQ_PER_UNIT} AS seq, "
    f"($unit0 + i) * {SEQ_PER_UNIT} + 1 AS a_seq"
)


class NotBulk(Exception):
    """The file must be read by the format's Python reader (e.g. a JSON document, not JSON Lines)."""


@dataclass(frozen=True)
class JsonLinesBulk:
    """Bulk reading of a JSON Lines format.

    ``structure`` is the ``from_json`` structure (a dict). ``prepare`` is a SQL
    select list over ``t`` (the parsed record) of helper columns; ``ok`` and
    ``select`` are SQL over ``t`` and those columns: ``select`` gives the posts
    columns by name and the account columns prefixed ``a_``. ``rows_of`` is the
    Python reader's conversion of one parsed record.
    """

    structure: dict[str, Any]
    prepare: str
    ok: str
    select: str
    rows_of: RowsOf

    def convert_sql(self) -> str:
        return (
            f"SELECT i, ({self.ok}) IS TRUE AS ok, {self.select}, {_TAIL} "  # noqa: S608
            f"FROM (SELECT i, line, t, {self.prepare} FROM ({_parsed_sql(self.structure)}))"
        )


def _parsed_sql(structure: dict[str, Any], guard: str = "true") -> str:
    """SQL of the block's lines parsed with ``structure``: ``i``, ``line`` (its number) and ``t`` (NULL
    when the line is not strict JSON, fails ``guard``, or does not parse)."""
    literal = "'" + json.dumps(structure).replace("'", "''") + "'"
    # ``line`` holds unvalidated bytes: from_json rejects invalid UTF-8 (NULL), and the line itself
    # is never returned.
    return (
        "SELECT i, line_no AS line, "  # noqa: S608 - the format's constant SQL
        f"CASE WHEN cw_json_strict(line) AND ({guard}) THEN try(from_json(line, {literal})) END AS t FROM _cw_lines"
    )


@dataclass(frozen=True)
class JsonTreesBulk:
    """Bulk reading of a JSON Lines format whose records hold several rows (a page post and its comments).

    ``structure`` is the ``from_json`` structure; ``guard`` a SQL condition on
    the raw ``line`` that must hold for SQL to parse it (e.g. that no key holds
    a list where the structure expects an object: ``from_json`` would read it
    as an empty object). ``nodes`` is SQL over ``parsed`` (columns ``i``,
    ``line`` and ``t``, the parsed record, NULL when it did not parse) giving
    one row per input row of the record: ``i``, ``rank`` (its place among the
    record's rows in the order the Python reader yields them, 0 first), ``ok``
    and the posts and ``a_`` columns. A record is taken by SQL only when every
    one of its rows is ``ok`` (and it gives at least one row); each row holds
    one post and one account observation. ``rows_of`` is the Python reader's
    conversion of one parsed record.
    """

    structure: dict[str, Any]
    guard: str
    nodes: str
    rows_of: RowsOf

    def convert_sql(self) -> str:
        cols = ", ".join([*POST_COLS[: POST_COLS.index("source_line")], *_A_COLS[: _A_COLS.index("a_seq")]])
        return (
            f"WITH parsed AS ({_parsed_sql(self.structure, self.guard)}) "  # noqa: S608
            f"SELECT i, ok IS TRUE AS ok, {cols}, line AS source_line, "
            f"CAST(1 AS TINYINT) AS prio, ($unit0 + i) * {SEQ_PER_UNIT} + 2 * rank AS seq, "
            f"($unit0 + i) * {SEQ_PER_UNIT} + 2 * rank + 1 AS a_seq FROM ({self.nodes})"
        )


@dataclass(frozen=True)
class CsvBulk:
    """Bulk reading of a CSV format.

    ``prepare``, ``ok`` and ``select`` are functions of ``col(name)``, which
    gives the SQL for a header column (NULL when absent); they return SQL like
    :class:`JsonLinesBulk`'s, over the block's columns (and ``$platform``, the
    ``--platform`` option, bound as a parameter).
    ``to_rows`` is the Python reader's conversion of one clean record.
    """

    required: tuple[str, ...]
    what: str
    prepare: Callable[[Callable[[str], str]], str]
    ok: Callable[[Callable[[str], str]], str]
    select: Callable[[Callable[[str], str]], str]
    to_rows: Callable[[CsvUnit, ReadContext], Iterator[Row | Reject]]


def bulk_blocks(
    spec: JsonLinesBulk | JsonTreesBulk | CsvBulk,
    ctx: ReadContext,
    con: Any,
    writer: ChunkWriter,
    *,
    room: Callable[[], int],
) -> Iterator[int]:
    """Stage the file's rows into ``writer`` block by block; yield the units read after each block.

    ``room()`` is the most lines the next block may hold (asked before each block).

    The ``cw_*`` macros must exist on ``con``
    (:func:`~cibwatch.ingest.sqlfn.install_macros`, 13 ms: once per connection,
    not per file). Raises :class:`NotBulk` (before staging anything) when the
    file is not in the layout the bulk reader takes.
    """
    if isinstance(spec, CsvBulk):
        return _csv_blocks(spec, ctx, con, writer, room)
    return _json_blocks(spec, ctx, con, writer, room)


# -- JSON Lines ------------------------------------------------------------------


def _json_blocks(
    spec: JsonLinesBulk | JsonTreesBulk, ctx: ReadContext, con: Any, writer: ChunkWriter, room: Callable[[], int]
) -> Iterator[int]:
    with ctx.open() as f:
        first = json_lines_start(iter_lines(f))
    if first is None:
        raise NotBulk("not JSON Lines")
    sql = spec.convert_sql()
    with ctx.open() as f:
        src = LineBlocks(f)
        src.skip_lines(first - 1 + ctx.skip_units)
        unit = ctx.units = ctx.skip_units
        while (blk := src.next(BLOCK_BYTES, max_lines=room())) is not None:
            _json_block(spec, sql, con, writer, blk, unit)
            unit += blk.n_lines
            ctx.units = unit
            yield unit


def _json_block(
    spec: JsonLinesBulk | JsonTreesBulk, sql: str, con: Any, writer: ChunkWriter, blk: Block, unit0: int
) -> None:
    starts = blk.starts
    n = len(starts) - 1
    idx = np.arange(n, dtype=np.int64)
    lines = pa.table({"i": idx, "line_no": idx + blk.line, "line": lines_array(blk.data, starts)})
    con.register("_cw_lines", pa.Table.from_batches(lines.to_batches(max_chunksize=_BATCH_ROWS)))
    res: pa.Table | None
    try:
        res = con.sql(sql, params={"unit0": unit0}).to_arrow_table()
    except duckdb.Error:  # not expected; the Python reader then takes every line of the block
        res = None
    finally:
        con.unregister("_cw_lines")

    def fallback(i: int) -> None:
        raw = blk.line_bytes(i)
        unit = unit0 + i
        seq = unit * SEQ_PER_UNIT
        for ev in json_line_events(unit, blk.line + i, blk.offset + int(starts[i]), raw, spec.rows_of):
            seq = writer.add(ev, seq)

    _stage(res, writer, n, fallback, several=isinstance(spec, JsonTreesBulk))


# -- shared ------------------------------------------------------------------------


def _stage(
    res: pa.Table | None, writer: ChunkWriter, n: int, fallback: Callable[[int], None], *, several: bool = False
) -> None:
    """Stage the rows of the records a bulk query took and run ``fallback`` on the others, in file order.

    ``res`` has a row per record (``i``, ``ok``) or, with ``several``, any
    number of rows per record, and the record is taken only when all of them
    are ``ok``. ``None`` hands every record to ``fallback``.
    """
    if res is None:
        res = pa.table({"i": np.arange(n, dtype=np.int64), "ok": np.zeros(n, dtype=bool)})
    i_all = res.column("i").to_numpy(zero_copy_only=False)
    okn = res.column("ok").to_numpy(zero_copy_only=False)
    rows = np.bincount(i_all, minlength=n) if several else np.ones(n, np.int64)
    bad = rows == 0
    bad[i_all[~okn]] = True
    keep = ~bad[i_all] if several else okn
    if keep.any():
        good = _rows_where(res, keep)
        accs = good.select(_A_COLS).rename_columns(ACC_COLS)
        if accs.column("account_id").null_count:
            accs = accs.filter(pc.is_valid(accs.column("account_id")))
        writer.stage(good.select(POST_COLS), accs)
    taken = np.concatenate([[0], np.cumsum(np.where(bad, 0, rows))])  # rows SQL took before each record
    done = 0
    for i in np.flatnonzero(bad).tolist():  # in file order, whatever order the query returned
        writer.count_fast(int(taken[i] - taken[done]))
        done = i + 1
        fallback(i)
    writer.count_fast(int(taken[n] - taken[done]))


#: Above this many dropped rows, :func:`_rows_where` copies the kept rows instead of slicing around them.
_MAX_SLICED_GAPS = 256


def _rows_where(tbl: pa.Table, keep: np.ndarray) -> pa.Table:
    """The rows of ``tbl`` where ``keep`` is true, in order.

    A block usually drops a handful of rows (the ones sent to Python): the kept
    runs are then zero-copy slices rather than a copy of every column of the
    block (the commit copies the staged chunks into row groups anyway).
    """
    drop = np.flatnonzero(~keep)
    if not len(drop):
        return tbl
    if len(drop) > _MAX_SLICED_GAPS:
        return tbl.filter(pa.array(keep))
    pieces, start = [], 0
    for d in drop.tolist():
        if d > start:
            pieces.append(tbl.slice(start, d - start))
        start = d + 1
    if start < tbl.num_rows:
        pieces.append(tbl.slice(start))
    return pa.concat_tables(pieces) if pieces else tbl.slice(0, 0)


# -- CSV -----------------------------------------------------------------------------

_CSV_PARSE = pacsv.ParseOptions(newlines_in_values=True)


def _parse_csv(blk: Block, names: list[str]) -> tuple[pa.Table, np.ndarray] | None:
    """The block's records as string columns and each record's first line, or None if PyArrow and
    the Python reader might disagree on the block."""
    try:
        tbl = pacsv.read_csv(
            pa.BufferReader(blk.data),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=True),
            parse_options=_CSV_PARSE,
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        return None
    n, phys = tbl.num_rows, blk.n_lines
    if n == phys:
        return tbl, np.arange(blk.line, blk.line + n, dtype=np.int64)
    if n > phys or n == 0:
        return None
    # records with newlines inside quoted fields: count them to find each record's first line
    nl = np.zeros(n, np.int64)
    for col in tbl.columns:
        nl += pc.count_substring(col, "\n").to_numpy(zero_copy_only=False)
    if n + int(nl.sum()) != phys:
        return None  # blank lines or line ends PyArrow reads differently: not a clean block
    if blk.contains(b"\r"):  # the Python reader drops \r before each line end, also inside quoted fields
        tbl = pa.table(
            [pc.replace_substring_regex(c, pattern="\r+\n", replacement="\n") for c in tbl.columns], names=names
        )
    return tbl, blk.line + np.arange(n, dtype=np.int64) + np.cumsum(nl) - nl


def _csv_blocks(
    spec: CsvBulk, ctx: ReadContext, con: Any, writer: ChunkWriter, room: Callable[[], int]
) -> Iterator[int]:
    with ctx.open() as f:
        src = LineBlocks(f)
        recs = CsvRecords(src.lines())
        header = recs.header()
        if header is None:
            return
        check_header(header, list(spec.required), ctx, spec.what)
        width = len(header)
        names = [f"c{k}" for k in range(width)]
        index = {h: k for k, h in enumerate(header)}  # a repeated name means its last column, as dict(zip()) does

        def col(name: str) -> str:
            return f"c{index[name]}" if name in index else "CAST(NULL AS VARCHAR)"

        ok = f"({spec.ok(col)}) IS TRUE"
        nul = " OR ".join(f"contains({c}, chr(0))" for c in names)
        sql_clean, sql_nul = (
            f"SELECT i, {cond} AS ok, {spec.select(col)}, {_TAIL} "  # noqa: S608
            f"FROM (SELECT *, {spec.prepare(col)} FROM _cw_csv)"
            for cond in (ok, f"{ok} AND NOT ({nul})")
        )
        unit = ctx.units = ctx.skip_units
        if unit:
            for _ in recs.units(header, 0, skip_until=unit, until_unit=unit):
                pass
        size = BLOCK_BYTES
        while (blk := src.next(size, max_lines=room(), even_quotes=True)) is not None:
            parsed = _parse_csv(blk, names)
            if parsed is None:
                src.unread(blk)
                if size > MIN_BLOCK_BYTES and blk.n_lines > 1:
                    size = max(MIN_BLOCK_BYTES, size // 16)
                    continue
                unit = _csv_python(spec, ctx, writer, src, header, unit, blk.last_line)
            else:
                tbl, lines = parsed
                sql = sql_nul if blk.contains(b"\x00") else sql_clean
                _csv_block(spec, ctx, con, writer, sql, blk, tbl, lines, header, unit)
                unit += tbl.num_rows
                size = min(BLOCK_BYTES, size * 4)
            ctx.units = unit
            yield unit


def _csv_block(
    spec: CsvBulk,
    ctx: ReadContext,
    con: Any,
    writer: ChunkWriter,
    sql: str,
    blk: Block,
    tbl: pa.Table,
    lines: np.ndarray,
    header: list[str],
    unit0: int,
) -> None:
    n = tbl.num_rows
    idx = pa.array(np.arange(n, dtype=np.int64))
    data = tbl.append_column("i", idx).append_column("line", pa.array(lines))
    con.register("_cw_csv", pa.Table.from_batches(data.to_batches(max_chunksize=_BATCH_ROWS)))
    params: dict[str, Any] = {"unit0": unit0}
    if "$platform" in sql:
        params["platform"] = ctx.platform or "x"
    res: pa.Table | None
    try:
        res = con.sql(sql, params=params).to_arrow_table()
    except duckdb.Error:  # not expected; the Python reader then takes every record of the block
        res = None
    finally:
        con.unregister("_cw_csv")

    def fallback(i: int) -> None:
        line = int(lines[i])
        offset = blk.offset + int(blk.starts[line - blk.line])
        fields = [tbl.column(k)[i].as_py() for k in range(tbl.num_columns)]
        item = record_unit(unit0 + i, line, offset, fields, header, len(header))
        seq = (unit0 + i) * SEQ_PER_UNIT
        for ev in [item] if isinstance(item, Reject) else spec.to_rows(item, ctx):
            seq = writer.add(ev, seq)

    _stage(res, writer, n, fallback)


def _csv_python(
    spec: CsvBulk, ctx: ReadContext, writer: ChunkWriter, src: LineBlocks, header: list[str], unit: int, last_line: int
) -> int:
    """Read records in Python from the current position until one ends at or after ``last_line``."""
    recs = CsvRecords(src.lines(), first_line=src.line)
    for item in recs.units(header, unit, stop_after_line=last_line):
        u = item.unit if isinstance(item, Reject) else item[0]
        seq = u * SEQ_PER_UNIT
        for ev in [item] if isinstance(item, Reject) else spec.to_rows(item, ctx):
            seq = writer.add(ev, seq)
    return max(unit, recs.units_read)
