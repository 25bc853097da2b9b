"""Co-sharing networks straight from a table file, without a store.

:func:`read_table` reads CSV or Parquet and maps the caller's column names to
the engine's; :func:`coshare` returns CooRTweet-shaped pairs and edges tables.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import MissingColumnError, ParameterError, UnknownFormatError
from .compat import EDGE_COLUMNS, PAIR_COLUMNS, coortweet_network
from .detector import CoordinationDetector

__all__ = ["read_table", "coshare", "coshare_files", "write_table", "to_epoch_seconds"]


def read_table(path: str | Path) -> pa.Table:
    """A CSV (``.csv``, ``.csv.gz``, ``.tsv``) or Parquet file as an Arrow table; id-like columns stay text."""
    p = Path(path)
    name = p.name.lower()
    if not p.exists():
        raise UnknownFormatError(f"{p}: no such file.", hint="Check the path.")
    if name.endswith((".parquet", ".pq")):
        return pq.read_table(p)
    if name.endswith((".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt")):
        delim = "\t" if ".tsv" in name else ","
        try:
            # every column as text: ids such as 0123 or 1e5 must not be reinterpreted
            head = pacsv.read_csv(
                p, parse_options=pacsv.ParseOptions(delimiter=delim), read_options=pacsv.ReadOptions(block_size=1 << 16)
            )
            types = {c: pa.string() for c in head.column_names}
            return pacsv.read_csv(
                p,
                parse_options=pacsv.ParseOptions(delimiter=delim),
                convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True),
            )
        except pa.ArrowInvalid as exc:
            raise UnknownFormatError(
                f"{p}: not a readable CSV file ({exc}).", hint="Check the delimiter and quoting."
            ) from exc
    raise UnknownFormatError(f"{p}: unknown table format.", hint="Use a .csv, .tsv or .parquet file.")


def to_epoch_seconds(col: pa.ChunkedArray, *, column: str = "time") -> pa.Array:
    """Epoch seconds (int64) from integers, whole-number floats, numeric strings or ISO 8601 strings."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    t = arr.type
    if pa.types.is_timestamp(t):
        return pc.cast(pc.cast(arr, pa.timestamp("s", tz=t.tz), safe=False), pa.int64())
    if pa.types.is_integer(t):
        return pc.cast(arr, pa.int64())
    if pa.types.is_floating(t):
        try:
            return pc.cast(arr, pa.int64())
        except pa.ArrowInvalid as exc:
            raise ParameterError(column, "whole epoch seconds or ISO 8601 times", "fractional seconds") from exc
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        try:
            return pc.cast(arr, pa.int64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        try:
            return pc.cast(pc.cast(arr, pa.timestamp("s", tz="UTC")), pa.int64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        bad = next((v for v in arr.to_pylist() if v is not None and not _parses(v)), None)
        raise ParameterError(column, "epoch seconds or ISO 8601 times (e.g. 2023-09-02T14:05:00Z)", bad)
    raise ParameterError(column, "epoch seconds or ISO 8601 times", str(t))


def _parses(value: str) -> bool:
    try:
        pc.cast(pa.array([value]), pa.timestamp("s", tz="UTC"))
        return True
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return value.strip().lstrip("-").isdigit()


def coshare(
    table: pa.Table,
    *,
    object_col: str = "object_id",
    account_col: str = "account_id",
    content_col: str = "content_id",
    time_col: str = "timestamp_share",
    time_window: int = 60,
    min_participation: int = 2,
    edge_weight: float = 0.5,
    compat: str | None = None,
    source: str = "",
    **params: object,
) -> tuple[pa.Table, pa.Table]:
    """Pairs (:data:`~.compat.PAIR_COLUMNS`) and edges (:data:`~.compat.EDGE_COLUMNS`) of a co-sharing table.

    With ``compat="coortweet"`` both are CooRTweet 2.1.3's output exactly. In
    the default mode the pairs follow the default rules and the edge table
    adds ``n_objects, expected, p_value, q_value, significant`` after
    CooRTweet's columns.
    """
    found = table.column_names
    for c in (object_col, account_col, content_col, time_col):
        if c not in found:
            raise MissingColumnError(
                c, found, path=source, hint="Name the columns with --object-col/--account-col/--content-col/--time-col."
            )
    traces = pa.table(
        {
            "account": pc.cast(table.column(account_col), pa.string()),
            "object_key": pc.cast(table.column(object_col), pa.string()),
            "kind": pa.array(np.full(table.num_rows, "object", dtype=object), pa.string()),
            "post_id": pc.cast(table.column(content_col), pa.string()),
            "ts": to_epoch_seconds(table.column(time_col), column=time_col),
        }
    )
    if compat is None:
        params.setdefault("keep_all_edges", True)  # CooRTweet-shaped tables list every pair
    det = CoordinationDetector(
        time_window=time_window,
        min_participation=min_participation,
        edge_weight=edge_weight,
        compat=compat,
        **params,  # type: ignore[arg-type]
    ).fit(traces)
    pairs = det.pairs_.select(list(PAIR_COLUMNS))
    if compat == "coortweet":
        return pairs, det.edges_.select(list(EDGE_COLUMNS))
    edges = coortweet_network(pairs, edge_weight=edge_weight)
    # attach the significance columns of the default mode (edge keys: sorted account pair)
    lo = pc.if_else(pc.less(edges.column("from"), edges.column("to")), edges.column("from"), edges.column("to"))
    hi = pc.if_else(pc.less(edges.column("from"), edges.column("to")), edges.column("to"), edges.column("from"))
    key = pc.binary_join_element_wise(lo, hi, "\x1f")
    ek = pc.binary_join_element_wise(det.edges_.column("a"), det.edges_.column("b"), "\x1f")
    idx = pc.index_in(key, value_set=ek)
    for name in ("n_objects", "expected", "p_value", "q_value", "significant"):
        edges = edges.append_column(name, det.edges_.column(name).combine_chunks().take(idx))
    return pairs, edges


def _neutralise(table: pa.Table) -> pa.Table:
    """Prefix ``'`` to text cells that a spreadsheet would read as a formula."""
    cols = []
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            starts = pc.match_substring_regex(col, r"^[=+\-@\t\r]")
            col = pc.if_else(pc.fill_null(starts, False), pc.binary_join_element_wise(pa.scalar("'"), col, ""), col)
        cols.append(col)
    return pa.Table.from_arrays(cols, names=table.column_names)


def write_table(table: pa.Table, path: str | Path) -> None:
    """Write ``table`` as CSV (formula cells neutralised) or Parquet, by extension."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.name.lower().endswith((".parquet", ".pq")):
        pq.write_table(table, p)
    else:
        pacsv.write_csv(_neutralise(table), p, write_options=pacsv.WriteOptions(quoting_style="needed"))


def coshare_files(
    path: str | Path,
    *,
    pairs_out: str | Path,
    edges_out: str | Path,
    **params: object,
) -> dict[str, object]:
    """Read a CSV/Parquet table, run :func:`coshare`, write pairs and edges; return counts."""
    table = read_table(path)
    pairs, edges = coshare(table, source=str(path), **params)  # type: ignore[arg-type]
    write_table(pairs, pairs_out)
    write_table(edges, edges_out)
    above = int(pc.sum(edges.column("weight_threshold")).as_py() or 0) if edges.num_rows else 0
    out: dict[str, object] = {
        "rows": table.num_rows,
        "pairs": pairs.num_rows,
        "edges": edges.num_rows,
        "edges_above_threshold": above,
    }
    if "significant" in edges.column_names:
        out["significant_edges"] = int(pc.sum(edges.column("significant")).as_py() or 0)
    return out
