"""`cibwatch ingest`, `status`, `quarantine list`, `targets import|list`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ..errors import ParameterError
from .app import DbOption, JsonOption, app, console, open_store, print_json

quarantine_app = typer.Typer(help="Rows that could not be stored, with the reason.", no_args_is_help=True)
targets_app = typer.Typer(help="The watch-list of people whose conversations are monitored.", no_args_is_help=True)
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(targets_app, name="targets")


def _parse_map(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for it in items:
        field, sep, col = it.partition("=")
        if not sep or not field.strip() or not col.strip():
            raise ParameterError("--map", "FIELD=COLUMN", it)
        out[field.strip()] = col.strip()
    return out


@app.command("ingest")
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files, folders or globs (plain, .gz, .zst).", show_default=False)
    ],
    format: Annotated[
        str, typer.Option("--format", help="auto|x-v2|x-io-archive|meta-graph|cnt|coortweet|csv|jsonl")
    ] = "auto",  # noqa: A002
    map_: Annotated[
        Optional[list[str]], typer.Option("--map", help="FIELD=COLUMN for --format csv/jsonl (repeatable).")
    ] = None,
    platform: Annotated[
        Optional[str], typer.Option("--platform", help="Platform name (required for csv/jsonl).")
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Read exports into the store; every row is stored or quarantined with a reason."""
    mapping = _parse_map(map_ or [])
    with open_store(db) as store:
        from ..ingest import ingest_paths

        report = ingest_paths(store, [str(p) for p in paths], format=format, mapping=mapping or None, platform=platform)
    if json_:
        print_json(report.to_dict())
        return
    for s in report.sources:
        if s.skipped_already_ingested:
            line = f"{s.path} [{s.format}]: already ingested, skipped"
        else:
            line = (
                f"{s.path} [{s.format}]: {s.rows_read:,} read, {s.stored:,} stored, "
                f"{s.quarantined:,} quarantined" + (" (resumed)" if s.resumed else "")
            )
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    console.print(
        f"{len(report.sources)} file(s), {report.skipped} skipped: {report.rows_read:,} rows read, "
        f"{report.stored:,} stored, {report.quarantined:,} quarantined.",
        markup=False,
        highlight=False,
    )
    if report.quarantined:
        console.print("See them with: cibwatch quarantine list", markup=False, highlight=False)


@app.command("status")
def status(db: DbOption = None, json_: JsonOption = False) -> None:
    """Counts of posts, accounts, quarantined rows and ingested files."""
    with open_store(db) as store:
        from ..ingest.status import store_status

        st = store_status(store)
    if json_:
        print_json(st)
        return
    console.print(
        f"posts {st['posts']:,} · accounts {st['accounts']:,} · quarantined {st['quarantined']:,} · "
        f"targets {st['targets']:,} · files {len(st['sources'])}",
        markup=False,
        highlight=False,
    )
    if st["sources"]:
        t = Table("file", "format", "status", "read", "stored", "quarantined")
        t.columns[0].overflow = "fold"
        for s in st["sources"]:
            t.add_row(
                s["path"], s["format"], s["status"], f"{s['rows_read']:,}", f"{s['stored']:,}", f"{s['quarantined']:,}"
            )
        console.print(t)


@quarantine_app.command("list")
def quarantine_list(
    source: Annotated[Optional[str], typer.Option("--source", help="Only rows of this file path.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many rows.")] = 50,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """List quarantined rows: file, record, line/offset, reason, raw record."""
    with open_store(db) as store:
        from ..ingest.status import quarantine_rows

        rows = quarantine_rows(store, source=source, limit=limit)
    if json_:
        print_json(rows)
        return
    if not rows:
        console.print("No quarantined rows.", markup=False)
        return
    for r in rows:
        where = f"{r['path']}:{r['line']}" if r["line"] is not None else r["path"]
        at = f"record {r['record_no']}" + (f", byte {r['byte_offset']}" if r["byte_offset"] is not None else "")
        raw = (r["raw"] or "").replace("\n", "\\n")
        raw = raw if len(raw) <= 120 else raw[:120] + "…"
        console.print(f"{where} ({at}): {r['reason']}", markup=False, highlight=False, soft_wrap=True)
        console.print(f"    raw: {raw}", markup=False, highlight=False, soft_wrap=True)


@targets_app.command("import")
def targets_import(
    file: Annotated[
        Path, typer.Argument(help="CSV: name, role, party, preferred_lang, platform, handle, account_id, contact.")
    ],
    db: DbOption = None,
) -> None:
    """Import or update the watch-list."""
    with open_store(db) as store:
        from ..ingest import import_targets

        n = import_targets(store, file)
        total = store.count("targets")
    console.print(f"Imported {n} target row(s); the watch-list has {total}.", markup=False, highlight=False)


@targets_app.command("list")
def targets_list(db: DbOption = None, json_: JsonOption = False) -> None:
    """Show the watch-list."""
    with open_store(db) as store:
        from ..ingest import list_targets

        rows = list_targets(store)
    if json_:
        print_json(rows)
        return
    if not rows:
        console.print("No targets. Import some with: cibwatch targets import FILE.csv", markup=False)
        return
    t = Table("target_id", "name", "platform", "handle", "account_id", "role", "lang")
    for col in t.columns:
        col.overflow = "fold"
    for r in rows:
        t.add_row(
            *[
                str(r[k] or "")
                for k in ("target_id", "name", "platform", "handle", "account_id", "role", "preferred_lang")
            ]
        )
    console.print(t, markup=False)
