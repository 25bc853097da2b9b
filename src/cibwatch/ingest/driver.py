"""The ingest driver: files in, posts and accounts out, nothing lost.

For each input file the driver

1. hashes its bytes (``source_id`` = sha256) and looks it up in ``sources``:
   a *complete* source is skipped, a *running* one (an interrupted ingest)
   resumes after its ``resume_offset`` units;
2. streams the reader's events and commits them in chunks of about
   ``chunk_size`` rows. Each chunk is one transaction holding the posts
   upsert, the accounts upsert, the account-history upsert, the quarantine
   rows and the ``sources`` counters with the new ``resume_offset``, so a
   crash at any point leaves ``rows_read = stored + quarantined`` true and a
   re-run continues where the last commit ended;
3. marks the source complete.

Chunks go to DuckDB as Arrow tables (``INSERT ... SELECT ... ON CONFLICT DO
UPDATE``), which is what keeps a million-row file fast; memory is bounded by
the chunk size. Posts are keyed by ``(platform, post_id)``: a later copy of a
post updates its text and metrics without a duplicate. Accounts keep the
earliest and latest post time as ``first_seen`` / ``last_seen``, and every
handle and display name ever seen goes to ``account_history``.
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..errors import ParameterError, UnknownFormatError
from ..store import Store
from . import meta_graph as _meta  # noqa: F401 - registers the reader
from . import tabular as _tab  # noqa: F401 - registers the readers
from . import x_v2 as _xv2  # noqa: F401 - registers the reader
from .formats import FORMATS, ReadContext, Reject, Row, detect_format, format_names
from .source import expand_paths, file_sha256, open_binary, truncate_raw

__all__ = ["ingest_paths", "IngestReport", "SourceReport"]

_POST_COLS = [
    ("platform", pa.string()),
    ("post_id", pa.string()),
    ("account_id", pa.string()),
    ("created_at", pa.timestamp("us")),
    ("text", pa.string()),
    ("lang", pa.string()),
    ("conversation_id", pa.string()),
    ("reply_to_post_id", pa.string()),
    ("reply_to_account_id", pa.string()),
    ("repost_of_post_id", pa.string()),
    ("repost_of_account_id", pa.string()),
    ("quote_of_post_id", pa.string()),
    ("root_post_id", pa.string()),
    ("urls", pa.list_(pa.string())),
    ("hashtags", pa.list_(pa.string())),
    ("mentions", pa.list_(pa.string())),
    ("media_hashes", pa.list_(pa.string())),
    ("like_count", pa.int64()),
    ("reply_count", pa.int64()),
    ("repost_count", pa.int64()),
    ("quote_count", pa.int64()),
    ("client", pa.string()),
]
_POST_SCHEMA = pa.schema([*_POST_COLS, ("source_line", pa.int64()), ("prio", pa.int8()), ("seq", pa.int64())])
_ACC_COLS = [
    ("platform", pa.string()),
    ("account_id", pa.string()),
    ("handle", pa.string()),
    ("display_name", pa.string()),
    ("created_at", pa.timestamp("us")),
    ("followers", pa.int64()),
    ("following", pa.int64()),
    ("description", pa.string()),
    ("location", pa.string()),
    ("account_lang", pa.string()),
    ("profile_image_url", pa.string()),
    ("seen_at", pa.timestamp("us")),
]
_ACC_SCHEMA = pa.schema([*_ACC_COLS, ("seq", pa.int64())])
_Q_SCHEMA = pa.schema(
    [
        ("record_no", pa.int64()),
        ("line", pa.int64()),
        ("byte_offset", pa.int64()),
        ("reason", pa.string()),
        ("raw", pa.string()),
    ]
)

_PC = [c for c, _ in _POST_COLS]
_UPDATABLE = [c for c in _PC if c not in ("platform", "post_id")]
# The statements below are built once from constant column names; values are bound parameters.
_POSTS_UPSERT = (
    f"INSERT INTO posts ({', '.join(_PC)}, source_line, source_id, ingested_at) "  # noqa: S608
    f"SELECT {', '.join(_PC)}, source_line, ?, ? FROM _cw_stage_posts "  # noqa: S608
    "QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY prio DESC, seq DESC) = 1 "
    "ON CONFLICT (platform, post_id) DO UPDATE SET "
    + ", ".join(f"{c} = COALESCE(excluded.{c}, posts.{c})" for c in _UPDATABLE)
    + ", source_line = excluded.source_line, source_id = excluded.source_id, ingested_at = excluded.ingested_at"
)
_ACC_FIELDS = [
    "handle",
    "display_name",
    "created_at",
    "followers",
    "following",
    "description",
    "location",
    "account_lang",
    "profile_image_url",
]
_ACCOUNTS_UPSERT = (
    "INSERT INTO accounts (platform, account_id, " + ", ".join(_ACC_FIELDS) + ", first_seen, last_seen, source_id) "  # noqa: S608
    "SELECT platform, account_id, "
    + ", ".join(f"arg_max({c}, seq) FILTER (WHERE {c} IS NOT NULL)" for c in _ACC_FIELDS)
    + ", min(seen_at), max(seen_at), ? FROM _cw_stage_acc GROUP BY platform, account_id "
    "ON CONFLICT (platform, account_id) DO UPDATE SET "
    + ", ".join(
        f"{c} = CASE WHEN accounts.last_seen IS NULL OR excluded.last_seen >= accounts.last_seen "
        f"THEN COALESCE(excluded.{c}, accounts.{c}) ELSE COALESCE(accounts.{c}, excluded.{c}) END"
        for c in _ACC_FIELDS
    )
    + ", first_seen = least(accounts.first_seen, excluded.first_seen), "
    "last_seen = greatest(accounts.last_seen, excluded.last_seen)"
)
_HISTORY_UPSERT = (
    "INSERT INTO account_history (platform, account_id, field, value, first_seen, last_seen, source_id) "
    "SELECT platform, account_id, 'handle', handle, min(seen_at), max(seen_at), ? FROM _cw_stage_acc "
    "WHERE handle IS NOT NULL GROUP BY platform, account_id, handle "
    "UNION ALL "
    "SELECT platform, account_id, 'display_name', display_name, min(seen_at), max(seen_at), ? FROM _cw_stage_acc "
    "WHERE display_name IS NOT NULL GROUP BY platform, account_id, display_name "
    "ON CONFLICT (platform, account_id, field, value) DO UPDATE SET "
    "first_seen = least(account_history.first_seen, excluded.first_seen), "
    "last_seen = greatest(account_history.last_seen, excluded.last_seen)"
)


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


class _Chunk:
    """Column buffers for one transaction."""

    def __init__(self) -> None:
        self.posts: dict[str, list[Any]] = {n: [] for n in _POST_SCHEMA.names}
        self.accs: dict[str, list[Any]] = {n: [] for n in _ACC_SCHEMA.names}
        self.q: dict[str, list[Any]] = {n: [] for n in _Q_SCHEMA.names}
        self.rows = self.stored = self.quarantined = 0
        self.seq = 0

    def _post(self, p: dict[str, Any], line: int | None, prio: int) -> None:
        cols = self.posts
        for c in _PC:
            cols[c].append(p[c])
        cols["source_line"].append(line)
        cols["prio"].append(prio)
        cols["seq"].append(self.seq)
        self.seq += 1

    def _acc(self, a: dict[str, Any]) -> None:
        cols = self.accs
        for c, _ in _ACC_COLS:
            cols[c].append(a[c])
        cols["seq"].append(self.seq)
        self.seq += 1

    def add(self, ev: Row | Reject, record_no: int) -> None:
        self.rows += 1
        if isinstance(ev, Row):
            self.stored += 1
            self._post(ev.post, ev.line, 1)
            for p in ev.extra_posts:
                self._post(p, ev.line, 0)
            for a in ev.accounts:
                self._acc(a)
        else:
            self.quarantined += 1
            q = self.q
            q["record_no"].append(record_no)
            q["line"].append(ev.line)
            q["byte_offset"].append(ev.offset)
            q["reason"].append(ev.reason)
            q["raw"].append(truncate_raw(ev.raw))


def _write_chunk(store: Store, ch: _Chunk, source_id: str, path: str, resume_offset: int) -> None:
    now = _utcnow()
    con = store.con
    with store.transaction():
        if ch.posts["post_id"]:
            con.register("_cw_stage_posts", pa.table(ch.posts, schema=_POST_SCHEMA))
            try:
                con.execute(_POSTS_UPSERT, [source_id, now])
            finally:
                con.unregister("_cw_stage_posts")
        if ch.accs["account_id"]:
            con.register("_cw_stage_acc", pa.table(ch.accs, schema=_ACC_SCHEMA))
            try:
                con.execute(_ACCOUNTS_UPSERT, [source_id])
                con.execute(_HISTORY_UPSERT, [source_id, source_id])
            finally:
                con.unregister("_cw_stage_acc")
        if ch.q["record_no"]:
            con.register("_cw_stage_q", pa.table(ch.q, schema=_Q_SCHEMA))
            try:
                con.execute(
                    "INSERT INTO quarantine (source_id, path, record_no, line, byte_offset, reason, raw, quarantined_at) "
                    "SELECT ?, ?, record_no, line, byte_offset, reason, raw, ? FROM _cw_stage_q "
                    "ON CONFLICT (source_id, record_no) DO NOTHING",
                    [source_id, path, now],
                )
            finally:
                con.unregister("_cw_stage_q")
        con.execute(
            "UPDATE sources SET rows_read = rows_read + ?, stored = stored + ?, quarantined = quarantined + ?, "
            "resume_offset = ? WHERE source_id = ?",
            [ch.rows, ch.stored, ch.quarantined, resume_offset, source_id],
        )


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


def _ingest_one(
    store: Store,
    path: Path,
    fmt: str,
    mapping: dict[str, str] | None,
    platform: str | None,
    chunk_size: int,
    progress: _Progress,
    on_chunk: Callable[[SourceReport], None] | None = None,
) -> SourceReport:
    source_id = file_sha256(path)
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
        store.execute(
            "INSERT INTO sources (source_id, path, checksum, format, platform, size_bytes, status, started_at, options) "
            "VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)",
            [
                source_id,
                str(path),
                source_id,
                fmt,
                platform,
                path.stat().st_size,
                _utcnow(),
                json.dumps({"mapping": mapping or {}, "platform": platform}),
            ],
        )
    ctx = ReadContext(path=path, platform=platform, mapping=dict(mapping or {}), skip_units=skip)
    record_no = first_row = report.rows_read
    task = progress.task(path.name)
    started = _dt.datetime.now()
    ch = _Chunk()
    last_unit = -1
    try:
        for ev in FORMATS[fmt](ctx):
            if ch.rows >= chunk_size and ev.unit != last_unit:
                _write_chunk(store, ch, source_id, str(path), ev.unit)
                report.rows_read += ch.rows
                report.stored += ch.stored
                report.quarantined += ch.quarantined
                ch = _Chunk()
                secs = max((_dt.datetime.now() - started).total_seconds(), 1e-9)
                progress.update(task, report.rows_read, (report.rows_read - first_row) / secs)
                if on_chunk is not None:
                    on_chunk(report)
            record_no += 1
            ch.add(ev, record_no)
            last_unit = ev.unit
        _write_chunk(store, ch, source_id, str(path), ctx.units)
    except BaseException:
        if not existing and report.rows_read == 0:
            # nothing committed (e.g. a missing column): forget the source so a fixed re-run starts clean
            store.execute("DELETE FROM sources WHERE source_id = ? AND rows_read = 0", [source_id])
        raise
    report.rows_read += ch.rows
    report.stored += ch.stored
    report.quarantined += ch.quarantined
    store.execute("UPDATE sources SET status = 'complete', finished_at = ? WHERE source_id = ?", [_utcnow(), source_id])
    return report


def ingest_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    format: str = "auto",  # noqa: A002 - the CLI name
    mapping: dict[str, str] | None = None,
    platform: str | None = None,
    progress: bool | None = None,
    chunk_size: int = 50_000,
    on_chunk: Callable[[SourceReport], None] | None = None,
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
    """
    if format != "auto" and format not in FORMATS:
        raise ParameterError("format", "one of " + ", ".join(format_names()), format)
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise ParameterError("chunk_size", "an integer >= 1", chunk_size)
    if mapping:
        _tab.validate_mapping(mapping)
    files = expand_paths(list(paths))
    if format == "auto":
        for f in files:  # fail before writing anything when a file's format is unknown
            _resolve_format(f, format, mapping)
    show = sys.stderr.isatty() if progress is None else progress
    report = IngestReport()
    with _Progress(show) as prog:
        for f in files:
            report.sources.append(_ingest_one(store, f, format, mapping, platform, chunk_size, prog, on_chunk))
    return report
