"""``report``, ``brief``, ``referral`` and ``export``: thin commands over :mod:`cibwatch.outputs`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import DbOption, app, open_store

Out = Annotated[Path, typer.Option("--out", help="Output directory or file.")]
Run = Annotated[Optional[str], typer.Option("--run", help="Run id (default: latest detect run).")]
Lang = Annotated[Optional[str], typer.Option("--lang", help="en or fr.")]


def _print(paths: list[Path]) -> None:
    for p in paths:
        typer.echo(str(p))


@app.command()
def report(
    campaign: str,
    out: Out,
    format: Annotated[str, typer.Option("--format", help="html, pdf or html,pdf.")] = "html,pdf",
    lang: Lang = None,
    run: Run = None,
    db: DbOption = None,
) -> None:
    """Write the case report of CAMPAIGN (or `all`)."""
    from .. import outputs  # imported in each command: the command line starts fast

    with open_store(db) as s:
        formats = tuple(f.strip() for f in format.split(",") if f.strip())
        _print(outputs.write_report(s, campaign, out, formats=formats, run_id=run, lang=lang or "en"))


@app.command()
def brief(
    target: Annotated[str, typer.Option("--target", help="Target id, or `all` for every target reached.")],
    out: Out,
    lang: Annotated[Optional[str], typer.Option("--lang", help="en or fr (default: the target's preferred language).")] = None,
    run: Run = None,
    db: DbOption = None,
) -> None:
    """Write a brief (HTML, PDF, .eml) for a target (or `all` reached targets)."""
    from .. import outputs

    with open_store(db) as s:
        _print(outputs.write_briefs(s, "all" if target == "all" else [target], out, lang=lang, run_id=run))


@app.command()
def referral(
    platform: Annotated[str, typer.Option("--platform", help="x, facebook, …")],
    out: Out,
    campaign: Annotated[Optional[str], typer.Option("--campaign", help="Campaign id (default: every campaign).")] = None,
    run: Run = None,
    db: DbOption = None,
) -> None:
    """Write a referral package (accounts CSV, posts CSV, JSON) for a platform."""
    from .. import outputs

    with open_store(db) as s:
        _print(outputs.write_referral(s, platform, out, campaign_id=campaign, run_id=run))


@app.command()
def export(
    kind: str,
    out: Out,
    campaign: Annotated[Optional[str], typer.Option("--campaign")] = None,
    flavour: Annotated[str, typer.Option("--flavour")] = "coortweet",
    run: Run = None,
    db: DbOption = None,
) -> None:
    """Export stix | gexf | graphml | csv."""
    from .. import outputs

    with open_store(db) as s:
        if kind == "stix":
            p = outputs.export_stix(s, out, campaign_id=campaign, run_id=run)
        elif kind in ("gexf", "graphml"):
            p = outputs.export_graph(s, out, kind, campaign_id=campaign, run_id=run)
        elif kind == "csv":
            p = outputs.export_tables(s, out, campaign_id=campaign, run_id=run, flavour=flavour)
        else:
            from ..errors import ParameterError

            raise ParameterError("kind", "stix, gexf, graphml or csv", kind)
        _print([p])
