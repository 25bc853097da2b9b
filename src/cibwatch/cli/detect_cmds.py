"""`cibwatch coshare`, `cibwatch detect`, `cibwatch campaigns`: thin commands over the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .app import DbOption, JsonOption, app, console, open_store, print_json


@app.command("coshare")
def coshare_cmd(
    file: Annotated[Path, typer.Argument(help="Input table: CSV, TSV or Parquet.", show_default=False)],
    pairs_out: Annotated[
        Path, typer.Option("--pairs-out", help="Where to write the pairs (CSV or .parquet).", show_default=False)
    ],
    edges_out: Annotated[
        Path, typer.Option("--edges-out", help="Where to write the edges (CSV or .parquet).", show_default=False)
    ],
    object_col: Annotated[str, typer.Option("--object-col", help="Column with the shared object.")] = "object_id",
    account_col: Annotated[str, typer.Option("--account-col", help="Column with the account.")] = "account_id",
    content_col: Annotated[
        str, typer.Option("--content-col", help="Column with the post (content) id.")
    ] = "content_id",
    time_col: Annotated[
        str, typer.Option("--time-col", help="Column with the time: epoch seconds or ISO 8601.")
    ] = "timestamp_share",
    time_window: Annotated[
        int, typer.Option("--time-window", help="Seconds (inclusive) between two shares of one object.")
    ] = 60,
    min_participation: Annotated[
        int, typer.Option("--min-participation", help="Minimum participation of an account.")
    ] = 2,
    edge_weight: Annotated[
        float, typer.Option("--edge-weight", help="Quantile of edge weights for weight_threshold.")
    ] = 0.5,
    compat: Annotated[
        Optional[str],
        typer.Option("--compat", help="'coortweet' to reproduce CooRTweet 2.1.3 exactly.", show_default=False),
    ] = None,
) -> None:
    """Co-sharing pairs and edges of any table, without a store (CooRTweet's output format)."""
    from ..coordination import coshare_files

    out = coshare_files(
        file,
        pairs_out=pairs_out,
        edges_out=edges_out,
        object_col=object_col,
        account_col=account_col,
        content_col=content_col,
        time_col=time_col,
        time_window=time_window,
        min_participation=min_participation,
        edge_weight=edge_weight,
        compat=compat,
    )
    line = f"{out['rows']} rows -> {out['pairs']} pairs, {out['edges']} edges ({out['edges_above_threshold']} above the weight threshold"
    if "significant_edges" in out:
        line += f", {out['significant_edges']} significant"
    console.print(line + ")", markup=False, highlight=False, soft_wrap=True)
    console.print(f"pairs: {pairs_out}\nedges: {edges_out}", markup=False, highlight=False, soft_wrap=True)


def parse_params(items: list[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs; a VALUE that reads as JSON (number, list, null…) is taken as such."""
    import json

    from ..errors import ParameterError

    out: dict[str, Any] = {}
    for it in items:
        name, sep, raw = it.partition("=")
        if not sep or not name.strip():
            raise ParameterError("--param", "NAME=VALUE", it)
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        out[name.strip()] = value
    return out


@app.command("detect")
def detect_cmd(
    window: Annotated[int, typer.Option("--window", help="Time window in seconds (inclusive).")] = 300,
    min_participation: Annotated[
        int, typer.Option("--min-participation", help="Distinct objects each account of an edge must have co-acted on.")
    ] = 2,
    signals: Annotated[
        Optional[str],
        typer.Option("--signals", help="Comma-separated signals (default: all default signals).", show_default=False),
    ] = None,
    since: Annotated[
        Optional[str],
        typer.Option("--since", help="Only posts at or after this UTC time (ISO 8601).", show_default=False),
    ] = None,
    until: Annotated[
        Optional[str], typer.Option("--until", help="Only posts before this UTC time (ISO 8601).", show_default=False)
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (recorded with the run).")] = 0,
    param: Annotated[
        Optional[list[str]],
        typer.Option(
            "--param",
            help="NAME=VALUE for a signal parameter, e.g. text_threshold=0.6 (repeatable; see docs/text.md).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Find coordinated accounts and campaigns in the store; writes a run."""
    from ..pipeline import detect

    signal_params = parse_params(param or [])
    with open_store(db) as store:
        run_id = detect(
            store,
            window=window,
            min_participation=min_participation,
            signals=signals,
            since=since,
            until=until,
            seed=seed,
            signal_params=signal_params,
        )
        s = store.query("SELECT summary FROM runs WHERE run_id = ?", [run_id])[0]["summary"]
    import json

    summary = json.loads(s)
    console.print(
        f"run: {run_id}\n"
        f"signals: {', '.join(summary['signals'])}\n"
        f"traces: {summary['traces']}\n"
        f"edges: {summary['edges']}\n"
        f"significant edges: {summary['significant_edges']}\n"
        f"campaigns: {summary['campaigns']}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@app.command("campaigns")
def campaigns_cmd(
    run: Annotated[
        Optional[str], typer.Option("--run", help="Run id (default: the latest detect run).", show_default=False)
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List the campaigns of a detect run: accounts, signals, targets reached."""
    from ..campaigns import campaigns_report

    with open_store(db, read_only=True) as store:
        report = campaigns_report(store, run)
    if as_json:
        print_json(report)
        return
    from rich.table import Table

    table = Table(title=f"Campaigns of {report['run_id']}")
    for col in ("id", "class", "operation", "size", "score", "top signals", "targets", "first seen", "last seen"):
        table.add_column(col, overflow="fold")

    def short(t: str | None) -> str:
        return t[:10] if t else "-"

    def some(items: list[str], n: int = 3) -> str:
        if not items:
            return "-"
        more = f" +{len(items) - n} more" if len(items) > n else ""
        return ", ".join(items[:n]) + more

    order = {"state_style": 0, "unattributed": 1}
    for c in sorted(report["campaigns"], key=lambda c: (order.get(c.get("classification") or "", 2), -(c["score"] or 0), c["id"])):
        top = sorted(c["signals"].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        table.add_row(
            c["id"],
            (c.get("classification") or "-").replace("_", "-"),
            c.get("operation") or "-",
            str(c["size"]),
            f"{c['score']:.2f}" if c["score"] is not None else "-",
            ", ".join(f"{k} {v}" for k, v in top),
            some(c["targets"]),
            short(c["first_seen"]),
            short(c["last_seen"]),
        )
    if not report["campaigns"]:
        console.print(f"No campaigns in {report['run_id']}.", markup=False, highlight=False, soft_wrap=True)
        return
    console.print(table)
