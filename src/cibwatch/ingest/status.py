"""Store status and the quarantine listing (what `status` and `quarantine list` show)."""

from __future__ import annotations

from typing import Any

from ..errors import ParameterError
from ..store import Store

__all__ = ["store_status", "quarantine_rows"]


def store_status(store: Store) -> dict[str, Any]:
    """``{"posts", "accounts", "quarantined", "targets", "sources": [...]}`` with integer counts."""
    sources = store.query(
        "SELECT path, format, platform, status, checksum, rows_read, stored, quarantined, resume_offset, "
        "CAST(started_at AS VARCHAR) AS started_at, CAST(finished_at AS VARCHAR) AS finished_at "
        "FROM sources ORDER BY started_at, path"
    )
    return {
        "posts": store.count("posts"),
        "accounts": store.count("accounts"),
        "quarantined": store.count("quarantine"),
        "targets": store.count("targets"),
        "sources": sources,
    }


def quarantine_rows(store: Store, *, source: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Quarantined rows, newest file first then by record number; ``source`` filters by path."""
    if not isinstance(limit, int) or limit < 1:
        raise ParameterError("--limit", "an integer >= 1", limit)
    where, params = "", []
    if source:
        where, params = "WHERE path = ? OR source_id = ?", [source, source]
    return store.query(
        "SELECT path, record_no, line, byte_offset, reason, raw FROM quarantine "  # noqa: S608 - constant SQL
        f"{where} ORDER BY path, record_no LIMIT ?",
        [*params, limit],
    )
