"""Command ``demo``: the whole pipeline on a simulated scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import JsonOption, app, console, print_json


@app.command("demo")
def demo_cmd(
    out: Annotated[Path, typer.Option("--out", help="Folder for the scenario, the store and every output.")] = Path(
        "demo-output"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the scenario and of detection.")] = 0,
    scale: Annotated[str, typer.Option("--scale", help="small (about a minute) or full (~2,000 campaign accounts).")] = "small",
    set_: Annotated[Optional[list[str]], typer.Option("--set", help="Override a scenario parameter: key=value (repeatable).")] = None,
    ttd: Annotated[bool, typer.Option("--time-to-detection/--no-time-to-detection",
                                      help="Also measure time-to-detection by re-running detection day by day.")] = False,
    json_: JsonOption = False,
) -> None:
    """Simulate a Spamouflage campaign, ingest it, detect it, score it and write the case report."""
    from ..demo import run_demo

    def say(line: str) -> None:
        if not json_:
            console.print(line, markup=False, highlight=False, soft_wrap=True)

    res = run_demo(out, seed=seed, scale=scale, overrides=list(set_ or []), time_to_detection=ttd, say=say)
    if json_:
        print_json(res)
        return
    files = res["files"]
    for kind in ("report", "brief", "referral", "stix"):
        for f in files.get(kind, []):
            say(f"  {kind:<9} {f}")
    if files.get("report"):
        say(f"Case report: {files['report'][0]}")
    say(f"Done in {res['seconds']['total']} s. Explore with: cibwatch campaigns --db {res['store']}")
