"""Staging and committing ingested rows: one transaction per chunk.

Rows of a chunk are staged as Arrow tables (posts, account observations,
quarantine): the bulk readers hand over the tables their SQL produced
(:meth:`ChunkWriter.stage`), the Python readers' rows are buffered column by
column (:meth:`ChunkWriter.add`). :meth:`ChunkWriter.commit` then exposes them
to DuckDB as ``_cw_sp``, ``_cw_sa`` and ``_cw_sq`` and merges the chunk into
the store in one transaction, together with the file's counters and resume
point (and, for a file new to the store, its ``sources`` row), so a crash at
any moment leaves ``rows_read = stored + quarantined`` true.

Merge rules. Each is a fold over the copies of a post / observations of an
account in file order, so the store does not depend on where chunks are cut
(or on ``chunk_size``, or on which rows the bulk readers took):

* posts, keyed by ``(platform, post_id)``: a post's own input row replaces the
  stored values with its non-NULL ones (so each field keeps the last non-NULL
  value the post's rows gave); a copy embedded in another row (a referenced
  or included tweet, ``prio`` 0) only fills fields still empty, so a stale
  copy never overwrites the post itself;
* accounts: an observation at least as recent (by post time) as everything
  seen before replaces the stored values with its non-NULL ones; an older one
  only fills fields still empty. ``first_seen`` / ``last_seen`` are the
  earliest and latest post times;
* account history: one row per handle / display name ever seen, with the
  earliest and latest time it was seen.

A chunk is merged with one ``UPDATE ... FROM`` of the rows already stored and
one plain ``INSERT`` of the new ones (DuckDB runs ``INSERT ... ON CONFLICT DO
UPDATE`` row by row, which made it the slowest part of ingest). ``seq``
orders rows by their place in the file: unit number times
:data:`SEQ_PER_UNIT` plus the event's rank within its unit.
"""

from __future__ import annotations

import datetime as _dt
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..store import Store
from .formats import Reject, Row
from .source import truncate_raw

__all__ = [
    "ChunkWriter",
    "POST_COLS",
    "ACC_COLS",
    "POST_SCHEMA",
    "ACC_SCHEMA",
    "SEQ_PER_UNIT",
    "MAX_SOURCES_PER_CHUNK",
    "MAX_UNITS_SHARED",
    "ROW_GROUP",
]

#: Room for events of one unit in ``seq`` (a unit is a line, a CSV row or an array element).
SEQ_PER_UNIT = 1 << 24

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
#: Schemas (and column names) of the staged posts and account observations.
POST_SCHEMA, ACC_SCHEMA = _POST_SCHEMA, _ACC_SCHEMA
POST_COLS = _POST_SCHEMA.names
ACC_COLS = _ACC_SCHEMA.names


_PC = [c for c, _ in _POST_COLS]
_LISTS = ["urls", "hashtags", "mentions", "media_hashes"]
_SCALARS = [c for c in _PC if c not in ("platform", "post_id", *_LISTS)]
_KEY = "posts.platform = s.platform AND posts.post_id = s.post_id"
# The statements below are built once from constant column names; values are bound parameters.
_POSTS_DUPS = "SELECT count(*) FROM (SELECT 1 FROM _cw_sp GROUP BY platform, post_id HAVING count(*) > 1)"
_MAIN = "prio = 1"
# Several copies of a post in one chunk: fold them (own rows override, embedded copies fill).
_POSTS_FOLD = (
    "CREATE OR REPLACE TEMP TABLE _cw_pd AS SELECT platform, post_id, "  # noqa: S608 - constant names
    + ", ".join(
        f"arg_max({c}, seq) FILTER (WHERE {_MAIN} AND {c} IS NOT NULL) AS {c}, "
        f"arg_min({c}, seq) FILTER (WHERE NOT {_MAIN} AND {c} IS NOT NULL) AS fill_{c}"
        for c in _PC[2:]
    )
    + f", bool_or({_MAIN}) AS own, coalesce(arg_max(source_line, seq) FILTER (WHERE {_MAIN}), "
    "arg_min(source_line, seq)) AS source_line, "
    f"coalesce(arg_max(src, seq) FILTER (WHERE {_MAIN}), arg_min(src, seq)) AS src FROM _cw_sp GROUP BY platform, post_id"
)
# One copy per post: the same rules, with the copy's own prio.
_FILLS = ", ".join(f"CASE WHEN {_MAIN} THEN NULL ELSE {c} END AS fill_{c}" for c in _PC[2:])
_ONE_COPY = f"SELECT *, {_FILLS}, {_MAIN} AS own FROM _cw_sp"  # noqa: S608 - constant names


def _fold_value(c: str) -> str:
    return f"CASE WHEN s.own THEN COALESCE(s.{c}, posts.{c}, s.fill_{c}) ELSE COALESCE(posts.{c}, s.fill_{c}) END"


def _in_row_order(table: str, key: str, src: str) -> str:
    """``src`` (alias ``s``) joined on ``key`` to the rows of ``table`` it updates, with their ``rowid`` as
    ``_rid``, in row order: DuckDB applies an update whose rows arrive out of row order one row at a time
    (20-40x slower, duckdb/duckdb#11275); ``UPDATE table ... FROM`` this ``WHERE table.rowid = s._rid``."""
    return f"(SELECT s.*, {table}.rowid AS _rid FROM {src} s JOIN {table} ON {key} ORDER BY {table}.rowid) s"  # noqa: S608


_POSTS_EXISTING = "SELECT count(*) FROM {src} s WHERE EXISTS (SELECT 1 FROM posts WHERE " + _KEY + ")"  # noqa: S608 - constant names
_POSTS_UPDATE = (
    "UPDATE posts SET "  # noqa: S608 - constant names
    + ", ".join(f"{c} = {_fold_value(c)}" for c in _SCALARS)
    + ", source_line = CASE WHEN s.own THEN s.source_line ELSE posts.source_line END"
    + ", source_id = CASE WHEN s.own THEN s.src ELSE posts.source_id END"
    + ", ingested_at = CASE WHEN s.own THEN ? ELSE posts.ingested_at END FROM "
    + _in_row_order("posts", _KEY, "{src}")
    + " WHERE posts.rowid = s._rid"
)
# Lists are only rewritten where they change: DuckDB rewrites a row whose list column is updated.
_POSTS_UPDATE_LISTS = (
    "UPDATE posts SET "  # noqa: S608 - constant names
    + ", ".join(f"{c} = {_fold_value(c)}" for c in _LISTS)
    + " FROM "
    + _in_row_order("posts", _KEY, "{src}")
    + " WHERE posts.rowid = s._rid AND ("
    + " OR ".join(f"({_fold_value(c)}) IS DISTINCT FROM posts.{c}" for c in _LISTS)
    + ")"
)
_POSTS_INSERT = (
    f"INSERT INTO posts ({', '.join(_PC)}, source_line, source_id, ingested_at) "  # noqa: S608
    f"SELECT platform, post_id, {', '.join(f'COALESCE({c}, fill_{c})' for c in _PC[2:])}, source_line, src, ? "
    "FROM {src} s"
)
_POSTS_INSERT_NEW = _POSTS_INSERT + " WHERE NOT EXISTS (SELECT 1 FROM posts WHERE " + _KEY + ")"  # noqa: S608 - constant names
# One copy per post and none stored yet (a fresh ingest): the copies go in as they are.
_POSTS_INSERT_PLAIN = (
    f"INSERT INTO posts ({', '.join(_PC)}, source_line, source_id, ingested_at) "  # noqa: S608
    f"SELECT {', '.join(_PC)}, source_line, src, ? FROM _cw_sp"
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
_ACC_KEY = "accounts.platform = s.platform AND accounts.account_id = s.account_id"
# The fold of an account's observations in a chunk (``_cw_ad``: per field the value to set, ``fill_`` the one to
# fill with, first/last seen). An observation is ``newest`` when it is at least as recent as everything before
# it, stored or earlier in the chunk; a field takes the value of the last newest observation that has one.
#
# That needs each account's observations in file order (a window), but rarely in practice: the latest
# observation by (time, seq) is newest unless the stored account is more recent than all of them (then none
# is), so where it has a field, that is the field's value; and where the first observation has a field, that
# is the one to fill with. One aggregation of whole observations finds both, and whether they decide every
# field (``exact``: each field is in both or in no observation); only the other accounts' observations go
# through the window. (Per-field aggregates took 1.3 s per million observations on one thread, these 0.6 s.)
_ACC_ROW = "struct_pack(" + ", ".join(f"{c} := {c}" for c in _ACC_FIELDS) + ")"
_ACC_GROUP = (
    "CREATE OR REPLACE TEMP TABLE _cw_ag AS SELECT *, NOT untimed AND "  # noqa: S608 - constant names
    + " AND ".join(f"(n_{c} = 0 OR (head.{c} IS NOT NULL AND (top.{c} IS NOT NULL OR stale)))" for c in _ACC_FIELDS)
    + " AS exact FROM (SELECT g.*, coalesce(a.last_seen > g.last_seen, false) AS stale "  # noqa: S608 - constant names
    f"FROM (SELECT platform, account_id, arg_max({_ACC_ROW}, (seen_at, seq)) AS top, "
    f"arg_min({_ACC_ROW}, seq) AS head, "
    + ", ".join(f"count({c}) AS n_{c}" for c in _ACC_FIELDS)
    + ", min(seen_at) AS first_seen, max(seen_at) AS last_seen, count(*) > count(seen_at) AS untimed, "
    "arg_min(src, seq) AS src FROM _cw_sa GROUP BY platform, account_id) g "
    "LEFT JOIN accounts a ON a.platform = g.platform AND a.account_id = g.account_id)"
)
_ACC_FOLD = (
    "CREATE OR REPLACE TEMP TABLE _cw_ad AS SELECT platform, account_id, "  # noqa: S608 - constant names
    + ", ".join(f"CASE WHEN stale THEN NULL ELSE top.{c} END AS {c}, head.{c} AS fill_{c}" for c in _ACC_FIELDS)
    + ", first_seen, last_seen, src FROM _cw_ag WHERE exact"
)
_ACC_FOLD_IN_ORDER = (
    "INSERT INTO _cw_ad "  # noqa: S608 - constant names
    "WITH obs AS (SELECT o.*, coalesce(o.seen_at >= greatest(a.last_seen, max(o.seen_at) OVER ("
    "PARTITION BY o.platform, o.account_id ORDER BY o.seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)), true) "
    "AS newest FROM _cw_sa o SEMI JOIN (SELECT platform, account_id FROM _cw_ag WHERE NOT exact) x "
    "ON x.platform = o.platform AND x.account_id = o.account_id "
    "LEFT JOIN accounts a ON a.platform = o.platform AND a.account_id = o.account_id) "
    "SELECT platform, account_id, "
    + ", ".join(
        f"arg_max({c}, seq) FILTER (WHERE newest AND {c} IS NOT NULL) AS {c}, "
        f"arg_min({c}, seq) FILTER (WHERE {c} IS NOT NULL) AS fill_{c}"
        for c in _ACC_FIELDS
    )
    + ", min(seen_at) AS first_seen, max(seen_at) AS last_seen, arg_min(src, seq) AS src FROM obs GROUP BY platform, account_id"
)
_ACC_UPDATE = (
    "UPDATE accounts SET "  # noqa: S608 - constant names
    + ", ".join(f"{c} = COALESCE(s.{c}, accounts.{c}, s.fill_{c})" for c in _ACC_FIELDS)
    + ", first_seen = least(accounts.first_seen, s.first_seen), last_seen = greatest(accounts.last_seen, s.last_seen)"
    + " FROM "
    + _in_row_order("accounts", _ACC_KEY, "_cw_ad")
    + " WHERE accounts.rowid = s._rid"
)
_ACC_INSERT = (
    "INSERT INTO accounts (platform, account_id, " + ", ".join(_ACC_FIELDS) + ", first_seen, last_seen, source_id) "  # noqa: S608
    "SELECT platform, account_id, "
    + ", ".join(f"COALESCE({c}, fill_{c})" for c in _ACC_FIELDS)
    + ", first_seen, last_seen, src FROM _cw_ad s "
    "WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE " + _ACC_KEY + ")"
)
_HIST_KEY = (
    "account_history.platform = s.platform AND account_history.account_id = s.account_id "
    "AND account_history.field = s.field AND account_history.value = s.value"
)
_HIST_AGG = (
    "CREATE OR REPLACE TEMP TABLE _cw_hd AS "
    "SELECT platform, account_id, 'handle' AS field, handle AS value, min(seen_at) AS first_seen, "
    "max(seen_at) AS last_seen, arg_min(src, seq) AS src FROM _cw_sa WHERE handle IS NOT NULL GROUP BY platform, account_id, handle "
    "UNION ALL "
    "SELECT platform, account_id, 'display_name', display_name, min(seen_at), max(seen_at), arg_min(src, seq) FROM _cw_sa "
    "WHERE display_name IS NOT NULL GROUP BY platform, account_id, display_name"
)
_HIST_UPDATE = (
    "UPDATE account_history SET first_seen = least(account_history.first_seen, s.first_seen), "  # noqa: S608 - constant names
    "last_seen = greatest(account_history.last_seen, s.last_seen) FROM "
    + _in_row_order("account_history", _HIST_KEY, "_cw_hd")
    + " WHERE account_history.rowid = s._rid"
)
_HIST_INSERT = (
    "INSERT INTO account_history (platform, account_id, field, value, first_seen, last_seen, source_id) "  # noqa: S608 - constant names
    "SELECT platform, account_id, field, value, first_seen, last_seen, src FROM _cw_hd s "
    "WHERE NOT EXISTS (SELECT 1 FROM account_history WHERE " + _HIST_KEY + ")"
)
_Q_INSERT = (
    "INSERT INTO quarantine (source_id, path, record_no, line, byte_offset, reason, raw, quarantined_at) "
    "SELECT src, path, record_no, line, byte_offset, reason, raw, ? FROM _cw_sq "
    "ON CONFLICT (source_id, record_no) DO NOTHING"
)


def _merge_posts(con: Any, now: _dt.datetime) -> None:
    src = f"({_ONE_COPY})"
    dups = con.execute(_POSTS_DUPS).fetchall()[0][0]
    if dups:
        con.execute(_POSTS_FOLD)
        src = "_cw_pd"
    existing = con.execute(_POSTS_EXISTING.format(src="_cw_sp")).fetchall()[0][0]
    if existing:
        con.execute(_POSTS_UPDATE.format(src=src), [now])
        con.execute(_POSTS_UPDATE_LISTS.format(src=src))
        con.execute(_POSTS_INSERT_NEW.format(src=src), [now])
    elif dups:
        con.execute(_POSTS_INSERT.format(src=src), [now])
    else:
        con.execute(_POSTS_INSERT_PLAIN, [now])


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)


_ACC_NAMES = [c for c, _ in _ACC_COLS]


class _Buffers:
    """Rows the Python readers produce, as tuples in staging-schema order (transposed on flush)."""

    def __init__(self) -> None:
        self.posts: list[tuple[Any, ...]] = []
        self.accs: list[tuple[Any, ...]] = []
        self.q: list[tuple[Any, ...]] = []

    def __len__(self) -> int:
        return len(self.posts) + len(self.accs) + len(self.q)

    def post(self, p: dict[str, Any], line: int | None, prio: int, seq: int) -> None:
        self.posts.append((*map(p.__getitem__, _PC), line, prio, seq))

    def acc(self, a: dict[str, Any], seq: int) -> None:
        self.accs.append((*map(a.__getitem__, _ACC_NAMES), seq))

    def tables(self) -> dict[str, pa.Table]:
        out = {}
        for name, rows, schema in (
            ("_cw_sp", self.posts, _POST_SCHEMA),
            ("_cw_sa", self.accs, _ACC_SCHEMA),
            ("_cw_sq", self.q, _Q_SCHEMA),
        ):
            if rows:
                cols = list(zip(*rows, strict=True))
                out[name] = pa.table(
                    [pa.array(c, type=f.type) for c, f in zip(cols, schema, strict=True)], schema=schema
                )
        return out


#: DuckDB's row group size: an insert from Arrow batches of this many rows writes each batch as
#: whole row groups; from the bulk readers' batches of a few thousand rows it took twice as long.
ROW_GROUP = 122_880


def _in_row_groups(tbl: pa.Table) -> pa.Table:
    """``tbl`` in batches of :data:`ROW_GROUP` rows (one copy of its columns when it is in smaller pieces)."""
    if tbl.num_rows <= ROW_GROUP or all(len(c) >= ROW_GROUP for c in tbl.column(0).chunks):
        return tbl
    return pa.Table.from_batches(tbl.combine_chunks().to_batches(max_chunksize=ROW_GROUP), tbl.schema)


@dataclass
class _SourceBatch:
    """One source's part of the chunk being staged: its counters, resume point and whether its file is finished."""

    path: str
    rows: int = 0
    stored: int = 0
    quarantined: int = 0
    resume_offset: int | None = None
    complete: bool = False
    new: dict[str, Any] | None = None  # the source's ``sources`` row, inserted by this chunk's transaction


#: ``seq`` room per source within one chunk (sources of a chunk are ordered by this base): a source
#: whose units reach ``MAX_UNITS_SHARED`` must not share its chunk with a later one.
_SOURCE_SEQ_SHIFT = 55
MAX_UNITS_SHARED = (1 << _SOURCE_SEQ_SHIFT) // SEQ_PER_UNIT
#: Sources that may share one chunk (``seq`` stays within 64 bits).
MAX_SOURCES_PER_CHUNK = 200

_COUNTS_SCHEMA = pa.schema(
    [
        ("src", pa.string()),
        ("rows", pa.int64()),
        ("stored", pa.int64()),
        ("quarantined", pa.int64()),
        ("resume_offset", pa.int64()),
        ("complete", pa.bool_()),
    ]
)
_NEW_SOURCES_SCHEMA = pa.schema(
    [
        ("source_id", pa.string()),
        ("path", pa.string()),
        ("checksum", pa.string()),
        ("format", pa.string()),
        ("platform", pa.string()),
        ("size_bytes", pa.int64()),
        ("started_at", pa.timestamp("us")),
        ("options", pa.string()),
    ]
)
_SOURCES_INSERT = (
    f"INSERT INTO sources ({', '.join(_NEW_SOURCES_SCHEMA.names)}, status) "  # noqa: S608 - constant names
    f"SELECT {', '.join(_NEW_SOURCES_SCHEMA.names)}, 'running' FROM _cw_sn"
)
_COUNTS_UPDATE = (
    "UPDATE sources SET rows_read = sources.rows_read + c.rows, stored = sources.stored + c.stored, "
    "quarantined = sources.quarantined + c.quarantined, resume_offset = coalesce(c.resume_offset, sources.resume_offset), "
    "status = CASE WHEN c.complete THEN 'complete' ELSE sources.status END, "
    "finished_at = CASE WHEN c.complete THEN ? ELSE sources.finished_at END "
    "FROM _cw_sc c WHERE sources.source_id = c.src"
)


class ChunkWriter:
    """Stages rows and commits them chunk by chunk (see the module docstring).

    A chunk may hold the rows of several sources: small files are staged one
    after the other (:meth:`begin_source` / :meth:`finish_source`) and merged
    in one transaction, which also marks each finished file complete, so a
    folder of many small exports costs a few transactions instead of one per
    file. A source that fails while being read is dropped from the chunk
    (:meth:`discard_source`); the files before it are unaffected.
    """

    def __init__(self, store: Store, *, background: bool = False) -> None:
        self.store = store
        self.con = store.con
        self._buf = _Buffers()
        self._tables: dict[str, list[pa.Table]] = {"_cw_sp": [], "_cw_sa": [], "_cw_sq": []}
        self._batch: dict[str, _SourceBatch] = {}
        self._mark: dict[str, int] = {}
        self._pool: ThreadPoolExecutor | None = None
        if background:
            self._bg_con = store.con.cursor()
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cibwatch-commit")
        self.source_id, self.path, self.record_no = "", "", 0  # set by begin_source before anything is staged
        self._cur = _SourceBatch("")
        self._others = self._seq_base = 0

    # -- sources --------------------------------------------------------------
    def begin_source(
        self, source_id: str, path: str, rows_before: int = 0, *, new: dict[str, Any] | None = None
    ) -> None:
        """Stage the rows that follow for ``source_id`` (the previous source must be finished or discarded).

        ``new`` is the ``sources`` row of a file not yet in the store, by column
        (``source_id``, ``path``, ``checksum``, ``format``, ``platform``,
        ``size_bytes``, ``started_at``, ``options``): the first commit that holds the file inserts it, in
        the same transaction as its first rows (an insert of its own, committed
        alone, cost ~3 ms a file: a third of the time of a folder of small exports).
        """
        self._flush()
        self.source_id = source_id
        self.path = path
        self.record_no = rows_before  # record number of the last row staged (1-based in the file)
        self._others = sum(b.rows for b in self._batch.values())  # rows the chunk holds from earlier sources
        self._cur = self._batch.setdefault(source_id, _SourceBatch(path))
        if new is not None:
            self._cur.new = new
        self._seq_base = (len(self._batch) - 1) << _SOURCE_SEQ_SHIFT
        self._mark = {name: len(tabs) for name, tabs in self._tables.items()}

    def finish_source(self, resume_offset: int) -> None:
        """The current source is read to the end: the next commit marks it complete at ``resume_offset``."""
        self._flush()
        self._cur.resume_offset = resume_offset
        self._cur.complete = True

    def discard_source(self) -> None:
        """Drop what the current source staged since its last commit (its file failed to read)."""
        self._buf = _Buffers()
        for name, n in self._mark.items():
            del self._tables[name][n:]
        self._batch.pop(self.source_id, None)
        self._cur = _SourceBatch(self.path)  # counts nothing from here on

    # -- staging --------------------------------------------------------------
    def add(self, ev: Row | Reject, seq: int) -> int:
        """Stage the next row of the file from a Python reader; ``seq`` orders it. Returns the next free seq."""
        cur = self._cur
        cur.rows += 1
        self.record_no += 1
        buf = self._buf
        if isinstance(ev, Row):
            cur.stored += 1
            buf.post(ev.post, ev.line, 1, seq)
            seq += 1
            for p in ev.extra_posts:
                buf.post(p, ev.line, 0, seq)
                seq += 1
            for a in ev.accounts:
                buf.acc(a, seq)
                seq += 1
        else:
            cur.quarantined += 1
            buf.q.append((self.record_no, ev.line, ev.offset, ev.reason, truncate_raw(ev.raw)))
        if len(buf) >= 20_000:
            self._flush()
        return seq

    def count_fast(self, rows: int) -> None:
        """Count the next ``rows`` rows of the file, stored by a bulk reader (see :meth:`stage`)."""
        self._cur.rows += rows
        self._cur.stored += rows
        self.record_no += rows

    def stage(self, posts: pa.Table, accounts: pa.Table) -> None:
        """Stage posts and account observations a bulk reader produced (cast to the staging schemas)."""
        self._flush()  # keep Python rows staged before in front
        if posts.num_rows:
            self._tables["_cw_sp"].append(self._tag(posts.cast(_POST_SCHEMA)))
        if accounts.num_rows:
            self._tables["_cw_sa"].append(self._tag(accounts.cast(_ACC_SCHEMA)))

    def _tag(self, tbl: pa.Table) -> pa.Table:
        """``tbl`` with the current source's id (``src``) and, for rows with ``seq``, the source's place in the chunk."""
        if self._seq_base and "seq" in tbl.column_names:
            i = tbl.schema.get_field_index("seq")
            tbl = tbl.set_column(i, "seq", pc.add(tbl.column(i), pa.scalar(self._seq_base, pa.int64())))
        tbl = tbl.append_column("src", pa.repeat(pa.scalar(self.source_id, pa.string()), tbl.num_rows))
        if "reason" in tbl.column_names:
            tbl = tbl.append_column("path", pa.repeat(pa.scalar(self.path, pa.string()), tbl.num_rows))
        return tbl

    def _flush(self) -> None:
        if len(self._buf):
            for name, tbl in self._buf.tables().items():
                self._tables[name].append(self._tag(tbl))
            self._buf = _Buffers()

    # -- commit ---------------------------------------------------------------
    def commit(self, resume_offset: int | None = None) -> Future[dict[str, tuple[int, int, int]]]:
        """Merge the staged chunk into the store, with every staged source's counters and resume point.

        ``resume_offset`` is the current source's resume point (None when it
        is finished, or has not started). Returns a future of
        ``{source_id: (rows, stored, quarantined)}`` for the chunk. With a
        background writer the merge runs on its own connection while the
        caller reads on; otherwise it has run when this returns. Commits keep
        their order.
        """
        self._flush()
        if resume_offset is not None and not self._cur.complete:
            self._cur.resume_offset = resume_offset
        batch = self._batch
        job = ({name: pa.concat_tables(tabs) for name, tabs in self._tables.items() if tabs}, batch)
        self._tables = {name: [] for name in self._tables}
        cur = self._cur
        self._batch = {}
        if not cur.complete:  # the current source goes on in the next chunk
            self._cur = self._batch.setdefault(self.source_id, _SourceBatch(self.path))
        self._others = 0
        self._seq_base = 0
        self._mark = {name: 0 for name in self._tables}
        if self._pool is not None:
            return self._pool.submit(self._merge, self._bg_con, *job)
        fut: Future[dict[str, tuple[int, int, int]]] = Future()
        try:
            fut.set_result(self._merge(self.con, *job))
        except BaseException as exc:
            fut.set_exception(exc)
        return fut

    def _merge(self, con: Any, staged: dict[str, pa.Table], batch: dict[str, _SourceBatch]) -> dict[str, tuple[int, int, int]]:
        now = _utcnow()
        if "_cw_sp" in staged:
            staged["_cw_sp"] = _in_row_groups(staged["_cw_sp"])
        counts = pa.Table.from_pylist(
            [
                {"src": sid, "rows": b.rows, "stored": b.stored, "quarantined": b.quarantined,
                 "resume_offset": b.resume_offset, "complete": b.complete}
                for sid, b in batch.items()
            ],
            schema=_COUNTS_SCHEMA,
        )
        new = pa.Table.from_pylist([b.new for b in batch.values() if b.new], schema=_NEW_SOURCES_SCHEMA)
        tables = [*staged.items(), ("_cw_sc", counts), ("_cw_sn", new)]
        for name, tbl in tables:
            con.register(name, tbl)
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                if new.num_rows:
                    con.execute(_SOURCES_INSERT)
                if "_cw_sp" in staged:
                    _merge_posts(con, now)
                if "_cw_sa" in staged:
                    con.execute(_ACC_GROUP)
                    con.execute(_ACC_FOLD)
                    con.execute(_ACC_FOLD_IN_ORDER)
                    con.execute(_ACC_UPDATE)
                    con.execute(_ACC_INSERT)
                    con.execute(_HIST_AGG)
                    con.execute(_HIST_UPDATE)
                    con.execute(_HIST_INSERT)
                if "_cw_sq" in staged:
                    con.execute(_Q_INSERT, [now])
                if batch:
                    con.execute(_COUNTS_UPDATE, [now])
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            for name, _ in tables:
                con.unregister(name)
        return {sid: (b.rows, b.stored, b.quarantined) for sid, b in batch.items()}

    @property
    def pending(self) -> int:
        """Rows staged since the last commit (all sources); checked once per row by the readers."""
        return self._others + self._cur.rows

    @property
    def current_rows(self) -> int:
        """Rows of the current source staged since the last commit."""
        return self._cur.rows

    @property
    def pending_sources(self) -> int:
        """Sources with rows or a completion staged since the last commit."""
        return len(self._batch)

    def close(self) -> None:
        """Wait for a background commit still running, and release the writer's connection."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._bg_con.close()
            self._pool = None
        for t in ("_cw_pd", "_cw_ag", "_cw_ad", "_cw_hd"):
            self.con.execute(f"DROP TABLE IF EXISTS {t}")  # noqa: S608 - constant names
