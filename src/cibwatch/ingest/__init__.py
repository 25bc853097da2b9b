"""Ingest: read every common export into the store, and account for every row.

Public API::

    ingest_paths(store, paths, format="auto", mapping=None, platform=None,
                 progress=None, chunk_size=245_760, bulk=True, bulk_min_bytes=1 MB) -> IngestReport
    detect_format(path) -> str
    import_targets(store, path) -> int
    FORMATS  # name -> reader; register new ones with ``register``
"""

from __future__ import annotations

from .driver import IngestReport, SourceReport, ingest_paths
from .formats import FORMATS, ReadContext, Reject, Row, RowError, detect_format, format_names, register
from .tabular import MAP_FIELDS
from .targets import TARGET_COLUMNS, import_targets, list_targets

__all__ = [
    "ingest_paths",
    "IngestReport",
    "SourceReport",
    "FORMATS",
    "register",
    "detect_format",
    "format_names",
    "ReadContext",
    "Row",
    "Reject",
    "RowError",
    "MAP_FIELDS",
    "import_targets",
    "list_targets",
    "TARGET_COLUMNS",
]
