"""The watch-list: the people whose conversations cibwatch protects.

``targets import FILE.csv`` reads columns ``name, role, party,
preferred_lang`` (or ``preferred_language``), ``platform, handle,
account_id, contact`` and an optional ``target_id`` (default: a slug of the
name). There is one row per (person, platform); importing again updates
those rows in place.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path
from typing import Any

import regex

from ..errors import MissingColumnError, ParameterError
from ..store import Store
from .source import open_binary

__all__ = ["import_targets", "list_targets", "slugify", "TARGET_COLUMNS"]

TARGET_COLUMNS = ("target_id", "name", "role", "party", "preferred_lang", "contact", "platform", "handle", "account_id")
_REQUIRED = ("name", "platform")


def slugify(name: str) -> str:
    """ASCII slug of a name: ``"Élise Dupont-Roy"`` → ``"elise-dupont-roy"``."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    s = regex.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if not s:  # a name in a non-Latin script: keep its letters
        s = regex.sub(r"[^\p{L}\p{N}]+", "-", name.lower()).strip("-")
    return s


def import_targets(store: Store, path: str | Path) -> int:
    """Upsert the targets of a CSV file; return the number of rows imported."""
    p = Path(path)
    with open_binary(p) as f:
        text = f.read().decode("utf-8-sig", errors="strict")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    if "preferred_lang" not in header and "preferred_language" in header:
        header = [("preferred_lang" if h == "preferred_language" else h) for h in header]
        reader.fieldnames = header
    for col in _REQUIRED:
        if col not in header:
            raise MissingColumnError(
                col,
                header,
                path=str(p),
                hint="A targets file has columns name, role, party, preferred_lang, platform, handle, account_id, contact.",
            )
    rows: dict[tuple[str, str], list[Any]] = {}
    for i, r in enumerate(reader, start=2):
        name = (r.get("name") or "").strip()
        platform = (r.get("platform") or "").strip().lower()
        if not name or not platform:
            raise ParameterError(f"name/platform on line {i} of {p}", "non-empty", f"{name!r}/{platform!r}")
        handle = (r.get("handle") or "").strip().lstrip("@") or None
        tid = (r.get("target_id") or "").strip() or slugify(name)
        rows[(tid, platform)] = (
            [tid, name]
            + [((r.get(c) or "").strip() or None) for c in ("role", "party", "preferred_lang", "contact")]
            + [platform, handle, (r.get("account_id") or "").strip() or None]
        )
    with store.transaction() as con:
        for values in rows.values():
            con.execute(
                "INSERT INTO targets (target_id, name, role, party, preferred_lang, contact, platform, handle, account_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (target_id, platform) DO UPDATE SET "
                "name = excluded.name, role = excluded.role, party = excluded.party, "
                "preferred_lang = excluded.preferred_lang, contact = excluded.contact, handle = excluded.handle, "
                "account_id = excluded.account_id",
                values,
            )
    return len(rows)


def list_targets(store: Store) -> list[dict[str, Any]]:
    """All targets, by target id and platform."""
    return store.query(f"SELECT {', '.join(TARGET_COLUMNS)} FROM targets ORDER BY target_id, platform")  # noqa: S608 - constant columns
