"""The ingest driver: files in, posts and accounts out, nothing lost.

For each input file the driver

1. hashes its bytes (``source_id`` = sha256) and looks it up in ``sources``:
   a *complete* source is skipped, a *running* one (an interrupted ingest)
   resumes after its ``resume_offset`` units;
2. reads it with the format's bulk reader when it has one (DuckDB / PyArrow
   parse and normalise whole blocks; :mod:`~cibwatch.ingest.bulk`), else with
   its Python reader, and stages the rows in a
   :class:`~cibwatch.ingest.writer.ChunkWriter`;
3. commits every ``chunk_size`` rows (at a unit boundary) in one transaction
   holding the posts, accounts, account history and quarantine rows and the
   ``sources`` counters with the new ``resume_offset``, so a crash at any
   point leaves ``rows_read = stored + quarantined`` true and a re-run
   continues where the last commit ended;
4. marks the source complete, in the same transaction as its last rows.

Small files share transactions: a file whose last chunk is smaller than
``chunk_size`` waits, staged, for the files after it, and one merge stores
them all and marks each complete (a folder of 350 daily exports takes a few
transactions instead of 350). A file that fails while being read is dropped
from the shared chunk; the files before it are committed, then the error is
raised. A damaged or cut-short compressed stream raises
:class:`~cibwatch.errors.CorruptInputError` naming the file and what was kept.

Posts are keyed by ``(platform, post_id)``: a later copy of a post updates
its text and metrics without a duplicate. Accounts keep the earliest and
latest post time as ``first_seen`` / ``last_seen``, and every handle and
display name ever seen goes to ``account_history``. Memory is bounded by the
chunk size and the bulk readers' block size.
"""

from __future__ import annotations

import datetime as _dt
import gzip
import json
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import zstandard

from ..errors import CorruptInputError, ParameterError, UnknownFormatError
from ..store import Store
from . import meta_graph as _meta  # noqa: F401 - registers the reader
from . import tabular as _tab  # noqa: F401 - registers the readers
from . import x_v2 as _xv2  # noqa: F401 - registers the reader
from .bulk import NotBulk, bulk_blocks
from .formats import BULK, FORMATS, ReadContext, detect_format, format_names
from .source import expand_paths, file_sha256, open_binary
from .sqlfn import install_macros
from .writer import MAX_SOURCES_PER_CHUNK, MAX_UNITS_SHARED, ROW_GROUP, SEQ_PER_UNIT, ChunkWriter

__all__ = ["ingest_paths", "IngestReport", "SourceReport", "DEFAULT_CHUNK_SIZE", "BULK_MIN_BYTES"]

#: Rows per transaction: two of DuckDB's row groups (122,880 rows each). Chunks above a row group
#: are written to the database file directly instead of through the WAL, and a chunk that fills
#: whole row groups is kept as written: one that leaves a partial row group makes the next
#: checkpoint merge it with its neighbours (1.1 s of the 10 s ingest of a million X v2 posts in
#: chunks of 250,000, 0.1 s in chunks of 245,760).
DEFAULT_CHUNK_SIZE = 2 * ROW_GROUP
#: Files smaller than this (on disk) are read by the Python readers even when the format has a
#: bulk reader: a bulk read costs ~90 ms a file before its first row (a second look at the file,
#: binding and compiling its SQL), the Python readers ~40 µs a row. Measured on X v2 JSONL files:
#: 100 rows 95 ms bulk / 12 ms Python, 1,000 rows 106 / 60 ms, 3,000 rows (2.1 MB) 140 / 170 ms.
BULK_MIN_BYTES = 1 << 20
_PROGRESS_EVERY = 10_000  # rows between progress updates on the Python path

#: What a damaged or cut-short compressed stream raises while being read.
_DAMAGED: tuple[type[BaseException], ...] = (EOFError, zlib.error, gzip.BadGzipFile, zstandard.ZstdError)

_DEFAULT_PLATFORM = {"x-v2": "x", "x-io-archive": "x", "meta-graph": "facebook", "cnt": "x", "coortweet": "x"}


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)


@dataclass
class SourceReport:
    """What happened to one input file."""

    path: str
    format: str
    source_id: str
    rows_read: int = 0
    stored: int = 0
    quarantined: int = 0
    skipped_already_ingested: bool = False
    resumed: bool = False


@dataclass
class IngestReport:
    """Per-file reports and totals of one :func:`ingest_paths` call."""

    sources: list[SourceReport] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sources if not s.skipped_already_ingested)

    @property
    def stored(self) -> int:
        return sum(s.stored for s in self.sources if not s.skipped_already_ingested)

    @property
    def quarantined(self) -> int:
        return sum(s.quarantined for s in self.sources if not s.skipped_already_ingested)

    @property
    def skipped(self) -> int:
        return sum(1 for s in self.sources if s.skipped_already_ingested)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": [asdict(s) for s in self.sources],
            "totals": {
                "files": len(self.sources),
                "skipped": self.skipped,
                "rows_read": self.rows_read,
                "stored": self.stored,
                "quarantined": self.quarantined,
            },
        }


def _resolve_format(path: Path, fmt: str, mapping: dict[str, str] | None) -> str:
    if fmt != "auto":
        return fmt
    try:
        return detect_format(path)
    except UnknownFormatError:
        if not mapping:
            raise
        with open_binary(path) as f:
            head = f.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
        return "jsonl" if head[:1] in (b"{", b"[") else "csv"


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._p: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._p = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,} rows"),
                TextColumn("{task.fields[rate]:,.0f} rows/s"),
                TimeElapsedColumn(),
                transient=True,
            )
            self._p.__enter__()
        return self

    def task(self, name: str) -> Any:
        return self._p.add_task(name, total=None, rate=0.0) if self._p else None

    def update(self, task: Any, done: int, rate: float) -> None:
        if self._p is not None:
            self._p.update(task, completed=done, rate=rate)

    def __exit__(self, *exc: object) -> None:
        if self._p is not None:
            self._p.__exit__(*exc)


class _Ingest:
    """One :func:`ingest_paths` call: a writer shared by its files, so small files share transactions."""

    def __init__(
        self,
        store: Store,
        chunk_size: int,
        progress: _Progress,
        on_chunk: Callable[[SourceReport], None] | None,
        bulk: bool,
        bulk_min_bytes: int,
    ) -> None:
        self.store = store
        self.chunk_size = chunk_size
        self.progress = progress
        self.bulk_min_bytes = bulk_min_bytes
        self.on_chunk = on_chunk
        self.bulk = bulk
        self.writer: ChunkWriter | None = None
        self.inflight: list[Future[dict[str, tuple[int, int, int]]]] = []
        self.reports: dict[str, SourceReport] = {}  # sources staged or committed in this call
        self.macros = False  # the bulk readers' SQL macros exist on the store's connection

    def __enter__(self) -> _Ingest:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is None:
                self.flush()
            else:
                self.settle()
        finally:
            if self.writer is not None:
                self.writer.close()

    def settle(self) -> None:
        """Wait for the commit in flight and count it."""
        if self.inflight:
            for sid, (rows, stored, quarantined) in self.inflight.pop().result().items():
                rep = self.reports[sid]
                rep.rows_read += rows
                rep.stored += stored
                rep.quarantined += quarantined
                if self.on_chunk is not None:
                    self.on_chunk(rep)

    def commit(self, resume_offset: int | None) -> None:
        assert self.writer is not None
        self.settle()  # one commit in flight at a time, in order
        self.inflight.append(self.writer.commit(resume_offset))

    def flush(self) -> None:
        """Commit whatever is staged (small files waiting for company) and wait for it."""
        if self.writer is not None and self.writer.pending_sources:
            self.commit(None)
        self.settle()

    def one(self, path: Path, fmt: str, mapping: dict[str, str] | None, platform: str | None) -> SourceReport:
        store = self.store
        source_id = file_sha256(path)
        if source_id in self.reports:  # the same bytes twice in one call: the first copy's outcome decides
            self.flush()
        existing = store.query("SELECT * FROM sources WHERE source_id = ?", [source_id])
        if existing and existing[0]["status"] == "complete":
            s = existing[0]
            return SourceReport(
                str(path),
                s["format"],
                source_id,
                s["rows_read"],
                s["stored"],
                s["quarantined"],
                skipped_already_ingested=True,
            )
        if existing:
            fmt = existing[0]["format"]
            opts = json.loads(existing[0]["options"] or "{}")
            mapping = opts.get("mapping") or mapping
            platform = opts.get("platform") or platform
        else:
            fmt = _resolve_format(path, fmt, mapping)
            platform = platform or _DEFAULT_PLATFORM.get(fmt)
        if fmt not in FORMATS:
            raise ParameterError("--format", "one of " + ", ".join(format_names()), fmt)
        report = SourceReport(str(path), fmt, source_id, resumed=bool(existing))
        if existing:
            row = existing[0]
            report.rows_read, report.stored, report.quarantined = row["rows_read"], row["stored"], row["quarantined"]
            skip = row["resume_offset"]
        else:
            skip = 0
        # a new file's sources row goes in with its first chunk (nothing committed: no row, a re-run starts clean)
        new = None if existing else {
            "source_id": source_id,
            "path": str(path),
            "checksum": source_id,
            "format": fmt,
            "platform": platform,
            "size_bytes": path.stat().st_size,
            "started_at": _utcnow(),
            "options": json.dumps({"mapping": mapping or {}, "platform": platform}),
        }
        self.reports[source_id] = report
        ctx = ReadContext(path=path, platform=platform, mapping=dict(mapping or {}), skip_units=skip)
        first_row = report.rows_read
        task = self.progress.task(path.name)
        started = time.perf_counter()
        if self.writer is None:
            self.writer = ChunkWriter(store, background=True)
        self.writer.begin_source(source_id, str(path), rows_before=report.rows_read, new=new)
        writer = self.writer
        chunk_size = self.chunk_size
        shown = [0]

        def show() -> None:
            done = report.rows_read + writer.current_rows
            shown[0] = writer.record_no
            self.progress.update(task, done, (done - first_row) / max(time.perf_counter() - started, 1e-9))

        def room() -> int:
            """Lines the next bulk block may hold: those left until the chunk is full, so it ends at chunk_size."""
            return max(1, chunk_size - writer.pending)

        def read() -> None:
            read_python = True
            spec = BULK.get(fmt) if self.bulk and path.stat().st_size >= self.bulk_min_bytes else None
            if spec is not None:
                try:
                    if not self.macros:  # once per call, not per file (a folder of 350 files spent 4.5 s on them)
                        install_macros(store.con)
                        self.macros = True
                    for units in bulk_blocks(spec, ctx, store.con, writer, room=room):
                        if writer.pending >= chunk_size:
                            self.commit(units)
                        show()
                    read_python = False
                except NotBulk:
                    pass
            if read_python:
                last_unit, seq = -1, 0
                for ev in FORMATS[fmt](ctx):
                    if ev.unit != last_unit:
                        if writer.pending >= chunk_size:
                            self.commit(ev.unit)
                        if writer.record_no - shown[0] >= _PROGRESS_EVERY:
                            show()
                        last_unit, seq = ev.unit, ev.unit * SEQ_PER_UNIT
                    seq = writer.add(ev, seq)

        try:
            try:
                read()
            except _DAMAGED as exc:
                self.settle()
                raise CorruptInputError(str(path), f"{type(exc).__name__}: {exc}", report.rows_read) from exc
            writer.finish_source(ctx.units)
            # a small file waits for the next ones, to share their transaction
            if writer.pending >= chunk_size or writer.pending_sources >= MAX_SOURCES_PER_CHUNK or ctx.units >= MAX_UNITS_SHARED:
                self.commit(None)
        except BaseException:
            writer.discard_source()
            try:
                self.flush()  # the files before this one are fine
            except BaseException:  # noqa: S110 - the first error is the one to report
                pass
            raise
        return report


def ingest_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    format: str = "auto",  # noqa: A002 - the CLI name
    mapping: dict[str, str] | None = None,
    platform: str | None = None,
    progress: bool | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_chunk: Callable[[SourceReport], None] | None = None,
    bulk: bool = True,
    bulk_min_bytes: int = BULK_MIN_BYTES,
) -> IngestReport:
    """Ingest files, folders or globs into ``store``; return per-file counts.

    Parameters
    ----------
    format:
        ``"auto"`` (detect by content) or a name in :data:`~cibwatch.ingest.FORMATS`.
    mapping:
        ``{field: column}`` for the generic ``csv`` / ``jsonl`` formats.
    platform:
        Platform name; required by ``csv`` / ``jsonl``, optional for ``cnt`` and ``coortweet`` (default ``x``).
    progress:
        Show a progress bar; ``None`` means only when stderr is a terminal.
    chunk_size:
        Rows per transaction (>= 1).
    on_chunk:
        Called with the file's running report after each committed chunk.
    bulk:
        Use the formats' bulk readers (DuckDB / PyArrow) where they exist.
        ``False`` reads every record in Python: far slower, same result; for
        checking the bulk readers.
    bulk_min_bytes:
        Files smaller than this are read in Python all the same (faster for
        small files, see :data:`BULK_MIN_BYTES`); 0 sends every file whose
        format has a bulk reader to it.
    """
    if format != "auto" and format not in FORMATS:
        raise ParameterError("format", "one of " + ", ".join(format_names()), format)
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise ParameterError("chunk_size", "an integer >= 1", chunk_size)
    if not isinstance(bulk_min_bytes, int) or bulk_min_bytes < 0:
        raise ParameterError("bulk_min_bytes", "an integer >= 0", bulk_min_bytes)
    if mapping:
        _tab.validate_mapping(mapping)
    files = expand_paths(list(paths))
    if format == "auto":
        for f in files:  # fail before writing anything when a file's format is unknown
            _resolve_format(f, format, mapping)
    show = sys.stderr.isatty() if progress is None else progress
    report = IngestReport()
    with _Progress(show) as prog, _Ingest(store, chunk_size, prog, on_chunk, bulk, bulk_min_bytes) as ing:
        for f in files:
            report.sources.append(ing.one(f, format, mapping, platform))
    return report
