"""The cibwatch store: one DuckDB database that every stage reads and writes.

The :class:`Store` owns the connection (sqlite-utils' ``Database`` is the
model). ``Store()`` opens ``./cibwatch.duckdb`` (or ``$CIBWATCH_DB``),
``Store(":memory:")`` or ``Store.memory()`` an in-memory store for tests.

The schema is versioned: :data:`MIGRATIONS` is an ordered list of steps and
:meth:`Store.migrate` applies the missing ones in one transaction each, so an
interrupted migration leaves the previous version intact.

Conventions every stage follows:

* times are ``TIMESTAMP`` values in UTC (naive, never local time);
* an account is identified by ``(platform, account_id)``; the graph stages use
  the *node key* ``"{platform}:{account_id}"`` (:func:`node_key`);
* results tables carry the ``run_id`` of the run that produced them, and the
  ``runs`` table records that run's parameters and seed.

Example::

    >>> s = Store.memory()
    >>> s.count("posts")
    0
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

from .errors import NoRunError, SchemaError, StoreError

__all__ = ["Store", "DEFAULT_DB", "MIGRATIONS", "SCHEMA_VERSION", "node_key", "split_node_key"]

DEFAULT_DB = "cibwatch.duckdb"


def node_key(platform: str, account_id: str) -> str:
    """The graph node key of an account: ``"platform:account_id"``."""
    return f"{platform}:{account_id}"


def split_node_key(key: str) -> tuple[str, str]:
    """Inverse of :func:`node_key`."""
    platform, _, account_id = key.partition(":")
    return platform, account_id


# Columns of ``posts`` (version 1 added a primary key, version 2 dropped it).
_POST_COLUMNS = """
        platform VARCHAR NOT NULL,
        post_id VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        text VARCHAR,
        lang VARCHAR,
        conversation_id VARCHAR,
        reply_to_post_id VARCHAR,
        reply_to_account_id VARCHAR,
        repost_of_post_id VARCHAR,
        repost_of_account_id VARCHAR,
        quote_of_post_id VARCHAR,
        root_post_id VARCHAR,          -- the page post / thread root a comment sits under
        urls VARCHAR[],
        hashtags VARCHAR[],
        mentions VARCHAR[],
        media_hashes VARCHAR[],
        like_count BIGINT,
        reply_count BIGINT,
        repost_count BIGINT,
        quote_count BIGINT,
        client VARCHAR,
        source_id VARCHAR NOT NULL,
        source_line BIGINT,
        ingested_at TIMESTAMP NOT NULL
"""

_V1 = [
    # --- provenance -------------------------------------------------------
    """CREATE TABLE sources (
        source_id VARCHAR PRIMARY KEY,      -- sha256 of the file's bytes
        path VARCHAR NOT NULL,
        checksum VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        platform VARCHAR,
        size_bytes BIGINT,
        rows_read BIGINT NOT NULL DEFAULT 0,
        stored BIGINT NOT NULL DEFAULT 0,
        quarantined BIGINT NOT NULL DEFAULT 0,
        resume_offset BIGINT NOT NULL DEFAULT 0, -- records fully committed
        status VARCHAR NOT NULL,                 -- running | complete
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        options JSON
    )""",
    """CREATE TABLE quarantine (
        source_id VARCHAR NOT NULL,
        path VARCHAR NOT NULL,
        record_no BIGINT NOT NULL,   -- 1-based record number in the file
        line BIGINT,                 -- 1-based line, when the format has lines
        byte_offset BIGINT,
        reason VARCHAR NOT NULL,
        raw VARCHAR,
        quarantined_at TIMESTAMP NOT NULL,
        PRIMARY KEY (source_id, record_no)
    )""",
    # --- canonical data ---------------------------------------------------
    f"CREATE TABLE posts ({_POST_COLUMNS}, PRIMARY KEY (platform, post_id))",
    """CREATE TABLE accounts (
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        handle VARCHAR,
        display_name VARCHAR,
        created_at TIMESTAMP,
        followers BIGINT,
        following BIGINT,
        description VARCHAR,
        location VARCHAR,
        account_lang VARCHAR,
        profile_image_url VARCHAR,
        profile_image_hash VARCHAR,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP,
        source_id VARCHAR,
        PRIMARY KEY (platform, account_id)
    )""",
    """CREATE TABLE account_history (
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        field VARCHAR NOT NULL,        -- handle | display_name
        value VARCHAR NOT NULL,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP,
        source_id VARCHAR,
        PRIMARY KEY (platform, account_id, field, value)
    )""",
    """CREATE TABLE targets (
        target_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        role VARCHAR,
        party VARCHAR,
        preferred_lang VARCHAR,
        contact VARCHAR,
        platform VARCHAR NOT NULL,
        handle VARCHAR,
        account_id VARCHAR,
        PRIMARY KEY (target_id, platform)
    )""",
    # --- runs and results -------------------------------------------------
    """CREATE TABLE runs (
        run_id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,          -- detect | evaluate | ...
        created_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        status VARCHAR NOT NULL,        -- running | complete | failed
        seed BIGINT,
        parameters JSON,
        summary JSON,
        version VARCHAR
    )""",
    """CREATE TABLE text_clusters (
        run_id VARCHAR NOT NULL,
        cluster_key VARCHAR NOT NULL,   -- the object_key of its text_near traces
        representative VARCHAR,
        lang VARCHAR,
        n_posts BIGINT,
        n_accounts BIGINT,
        langs VARCHAR[],
        PRIMARY KEY (run_id, cluster_key)
    )""",
    """CREATE TABLE edges (
        run_id VARCHAR NOT NULL,
        a VARCHAR NOT NULL,             -- node keys, a < b
        b VARCHAR NOT NULL,
        weight DOUBLE,                  -- fused, down-weighted
        n_coactions BIGINT,
        n_objects BIGINT,
        signals JSON,                   -- {kind: count}
        avg_time_delta DOUBLE,
        expected DOUBLE,                -- co-actions expected by chance
        p_value DOUBLE,
        q_value DOUBLE,
        significant BOOLEAN,
        PRIMARY KEY (run_id, a, b)
    )""",
    """CREATE TABLE edge_evidence (
        run_id VARCHAR NOT NULL,
        a VARCHAR NOT NULL,
        b VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        object_key VARCHAR NOT NULL,
        post_a VARCHAR,
        post_b VARCHAR,
        ts_a TIMESTAMP,
        ts_b TIMESTAMP,
        time_delta DOUBLE
    )""",
    """CREATE TABLE campaigns (
        run_id VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        size BIGINT,
        score DOUBLE,
        classification VARCHAR,         -- e.g. state-style | unattributed coordination
        signals JSON,
        profile JSON,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP,
        PRIMARY KEY (run_id, campaign_id)
    )""",
    """CREATE TABLE campaign_accounts (
        run_id VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        node VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        score DOUBLE,
        PRIMARY KEY (run_id, campaign_id, node)
    )""",
    """CREATE TABLE evidence (
        run_id VARCHAR NOT NULL,
        subject_kind VARCHAR NOT NULL,  -- account | campaign | target
        subject_id VARCHAR NOT NULL,    -- node key, campaign id or target id
        kind VARCHAR NOT NULL,          -- co_action, text_near, creation_batch, ...
        detail VARCHAR NOT NULL,        -- one readable sentence
        weight DOUBLE,
        posts VARCHAR[],
        data JSON
    )""",
    """CREATE TABLE threats (
        run_id VARCHAR NOT NULL,
        target_id VARCHAR NOT NULL,
        level VARCHAR NOT NULL,         -- safety | harassment | nuisance | none
        reasons JSON,
        messages JSON,
        checked JSON,
        PRIMARY KEY (run_id, target_id)
    )""",
    # --- case library ------------------------------------------------------
    """CREATE TABLE cases (
        case_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        source VARCHAR,
        description VARCHAR,
        imported_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE case_indicators (
        case_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,          -- account | handle | domain | url | text
        value VARCHAR NOT NULL,
        note VARCHAR,
        PRIMARY KEY (case_id, kind, value)
    )""",
    """CREATE TABLE case_links (
        run_id VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        case_id VARCHAR NOT NULL,
        score DOUBLE,
        evidence JSON,
        PRIMARY KEY (run_id, campaign_id, case_id)
    )""",
]

# Version 2: ``posts`` without its primary key. The ingest merge keeps ``(platform, post_id)``
# unique by itself (an UPDATE of the stored copies and an INSERT of the others, after folding a
# chunk's copies of a post), and the key's index made every insert maintain it and write through
# the write-ahead log.
_V2 = [
    f"CREATE TABLE posts_v2 ({_POST_COLUMNS})",
    "INSERT INTO posts_v2 SELECT * FROM posts",
    "DROP TABLE posts",
    "ALTER TABLE posts_v2 RENAME TO posts",
]

#: Ordered schema migrations: (version, statements). Append, never edit.
MIGRATIONS: list[tuple[int, list[str]]] = [(1, _V1), (2, _V2)]
SCHEMA_VERSION = MIGRATIONS[-1][0]

_RESULT_TABLES = (
    "text_clusters",
    "edges",
    "edge_evidence",
    "campaigns",
    "campaign_accounts",
    "evidence",
    "threats",
    "case_links",
)


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)


class Store:
    """A cibwatch store over one DuckDB database.

    Parameters
    ----------
    path:
        Database file. ``None`` means ``$CIBWATCH_DB`` or ``./cibwatch.duckdb``;
        ``":memory:"`` an in-memory store.
    read_only:
        Open without write access (no migration is applied).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> None:
        if path is None:
            path = os.environ.get("CIBWATCH_DB") or DEFAULT_DB
        self.path = str(path)
        self.read_only = read_only
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:  # locked, corrupt, not a database
            raise StoreError(
                f"cannot open the store {self.path!r}: {exc}",
                hint="Check the path, or that no other cibwatch process holds it (--db / CIBWATCH_DB).",
            ) from exc
        self._lock = threading.RLock()
        if not read_only:
            self.migrate()
        else:
            self._check_version()

    # -- construction helpers -------------------------------------------
    @classmethod
    def memory(cls) -> Store:
        """An empty in-memory store (for tests and notebooks)."""
        return cls(":memory:")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -----------------------------------------------------------
    def schema_version(self) -> int:
        has = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()
        if not has or not has[0]:
            return 0
        row = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _check_version(self) -> int:
        v = self.schema_version()
        if v > SCHEMA_VERSION:
            raise SchemaError(
                f"the store {self.path!r} has schema version {v}, newer than this cibwatch ({SCHEMA_VERSION}).",
                hint="Upgrade cibwatch.",
            )
        return v

    def migrate(self) -> int:
        """Apply missing migrations; return the schema version."""
        v = self._check_version()
        if v == 0:
            self.con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)")
        for version, statements in MIGRATIONS:
            if version <= v:
                continue
            with self.transaction():
                for sql in statements:
                    self.con.execute(sql)
                self.con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, _utcnow()])
        return self.schema_version()

    # -- SQL helpers ----------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Run one parameterised statement. Never format attacker text into ``sql``."""
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a query as dicts."""
        cur = self.execute(sql, params)
        cols = [d[0] for d in cur.description] if cur.description else []
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def arrow(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """A query's result as a ``pyarrow.Table``."""
        return self.execute(sql, params).to_arrow_table()

    def count(self, table: str) -> int:
        if table not in self.tables():
            raise StoreError(f"no table {table!r} in the store")
        row = self.con.execute(f'SELECT count(*) FROM "{table}"').fetchone()  # noqa: S608 - table checked against tables()
        return int(row[0]) if row else 0

    def tables(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A transaction: committed on success, rolled back on any error."""
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            else:
                self.con.execute("COMMIT")

    # -- runs -------------------------------------------------------------------
    def new_run(self, kind: str, parameters: dict[str, Any], seed: int | None = None) -> str:
        """Record a new run and return its id (``kind-YYYYmmddTHHMMSS-xxxxxx``)."""
        from . import __version__

        now = _utcnow()
        run_id = f"{kind}-{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
        self.execute(
            "INSERT INTO runs (run_id, kind, created_at, status, seed, parameters, version) VALUES (?, ?, ?, 'running', ?, ?, ?)",
            [run_id, kind, now, seed, json.dumps(parameters, sort_keys=True, default=str), __version__],
        )
        return run_id

    def finish_run(self, run_id: str, summary: dict[str, Any] | None = None, status: str = "complete") -> None:
        self.execute(
            "UPDATE runs SET status = ?, finished_at = ?, summary = ? WHERE run_id = ?",
            [status, _utcnow(), json.dumps(summary or {}, sort_keys=True, default=str), run_id],
        )

    def latest_run(self, kind: str = "detect") -> dict[str, Any]:
        """The newest complete run of ``kind``; :class:`NoRunError` when none."""
        rows = self.query(
            "SELECT * FROM runs WHERE kind = ? AND status = 'complete' ORDER BY created_at DESC, run_id DESC LIMIT 1",
            [kind],
        )
        if not rows:
            raise NoRunError(f"the store {self.path!r} has no complete {kind} run.")
        run = rows[0]
        run["parameters"] = json.loads(run["parameters"]) if run.get("parameters") else {}
        run["summary"] = json.loads(run["summary"]) if run.get("summary") else {}
        return run

    def delete_run_results(self, run_id: str) -> None:
        """Remove every result row of a run (used when a run fails half-way)."""
        with self.transaction():
            for t in _RESULT_TABLES:
                self.execute(f"DELETE FROM {t} WHERE run_id = ?", [run_id])  # noqa: S608 - t from _RESULT_TABLES
