"""Commands of the assessment stage: ``assess``, ``explain``, ``threats``, ``cases``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .app import DbOption, JsonOption, app, console, open_store, print_json

RunOption = Annotated[Optional[str], typer.Option("--run", help="Run id (default: the latest complete detection run).", show_default=False)]

cases_app = typer.Typer(help="The case library of known networks: import, list, export.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(cases_app, name="cases")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _say(text: str = "") -> None:
    """Print one line; control and bidi-override characters (which could rewrite the terminal) are shown as '?'."""
    console.print(_CONTROL.sub("?", text), markup=False, highlight=False, soft_wrap=True)


@app.command("assess")
def assess_cmd(run: RunOption = None, db: DbOption = None, json_out: JsonOption = False) -> None:
    """(Re)assess a detection run: evidence, scores, classification, profiles, threats, case links."""
    with open_store(db) as store:
        run_id = run or str(store.latest_run("detect")["run_id"])
        from ..assess import AssessParams, assess_run

        res = assess_run(store, run_id, params=AssessParams())
    if json_out:
        print_json({"run_id": res.run_id, "campaigns": res.campaigns, "threats": res.threats, "case_links": res.case_links,
                    "evidence_rows": res.evidence_rows, "parameters": res.parameters})
        return
    _say(f"Run {res.run_id}: {len(res.campaigns)} campaign(s) assessed, {res.evidence_rows} evidence rows.")
    for c in res.campaigns:
        _say(f"  {c['campaign_id']}: score {c['score']:.2f}, {c['classification']}")
    for t in res.threats:
        _say(f"  target {t['target']}: {t['level']}")


def _explain_text(e: dict[str, Any]) -> None:
    if e["kind"] == "campaign":
        _say(f"Campaign {e['id']} (run {e['run_id']})")
        _say(f"Finding: {e['finding']} — score {e['score'] or 0:.2f} out of 1")
        signs = "; ".join(s["meaning"] for s in e.get("state_style_signs", []))
        label = {"state_style": "state-style operation", "unattributed": "unattributed coordination"}.get(e["classification"] or "", e["classification"])
        _say(f"Classification: {label}" + (f" (signs: {signs})" if signs else " (too few state-style signs to say more)"))
        sc = e.get("scale") or {}
        if sc:
            _say(f"Scale: {sc.get('accounts')} accounts, {sc.get('posts')} posts, {sc.get('targets')} targeted person(s); "
                 f"active {e.get('first_activity') or '?'} to {e.get('last_activity') or '?'}")
        if e.get("targets"):
            _say("Targets: " + ", ".join(e["targets"]))
    else:
        who = f"@{e['handle']}" if e.get("handle") else e["id"]
        _say(f"Account {e['id']} ({who}), run {e['run_id']}")
        _say(f"Member of campaign {e['campaign_id']}" if e.get("campaign_id") else "Not a member of any campaign in this run.")
        _say(f"Score: {e['score'] or 0:.2f} out of 1")
    det = [r for r in e["evidence"] if r["claim"] == "detection"]
    att = [r for r in e["evidence"] if r["claim"] == "attribution"]
    _say()
    _say("Evidence of coordinated inauthentic behaviour (what was observed):" if det else "No evidence rows for this subject.")
    for i, r in enumerate(det, 1):
        _say(f" {i}. [{r['kind']}] weight {r['weight']:.2f}")
        _say(f"    {r['detail']}")
        if r["post_links"] or r["posts"]:
            _say("    Posts: " + " ".join((r["post_links"] or r["posts"])[:5]))
    if att:
        _say()
        _say("Link to a known network (a separate attribution claim, not part of the score):")
        for i, r in enumerate(att, 1):
            _say(f" {i}. [{r['kind']}] {r['detail']}")
    _say()
    _say("How the score is computed: score = 1 − Π(1 − weight) over the evidence of coordinated inauthentic behaviour; "
         "each weight is how much that observation would establish on its own.")


@app.command("explain")
def explain_cmd(
    id: Annotated[str, typer.Argument(help="A campaign id, an account as platform:account_id, or a bare account id/handle.")],
    run: RunOption = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Show every piece of evidence behind an account's or a campaign's score."""
    with open_store(db, read_only=False) as store:
        from ..assess import explain

        e = explain(store, id, run_id=run)
    if json_out:
        print_json(e)
    else:
        _explain_text(e)


@app.command("threats")
def threats_cmd(run: RunOption = None, db: DbOption = None, json_out: JsonOption = False) -> None:
    """Threat level per targeted person, the messages that raised it, and what was checked."""
    with open_store(db) as store:
        from ..threats import read_threats

        run_id, items = read_threats(store, run)
    if json_out:
        print_json(items)
        return
    _say(f"Threat assessment, run {run_id}")
    for t in items:
        _say()
        _say(f"{t['name'] or t['target']} ({t['target']}): {t['level'].upper()}")
        _say(f"  {t['checked'].get('statement', '')}")
        for r in t["reasons"]:
            _say(f"  - {r['level']}: {r['category']} ({r['rule']}) in {r['messages']} message(s)")
        for q in t["messages"][:5]:
            src = f"campaign {q['campaign_id']}" if q["from_campaign"] else "not a campaign account"
            who = f"@{q['handle']}" if q.get("handle") else q["author"]
            _say(f"    “{(q['text'] or '')[:200]}” — {who} ({src}), {q['created_at']}, rule {q['rule']} {q['link'] or q['post_id']}")


@cases_app.command("import")
def cases_import(
    file: Annotated[Path, typer.Argument(help="Meta indicator CSV or a kind,value,note CSV.")],
    name: Annotated[Optional[str], typer.Option("--name", help="Case name.")] = None,
    case_id: Annotated[Optional[str], typer.Option("--case-id", help="Case id (default: from the file name).")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Import known-network indicators into the case library."""
    with open_store(db) as store:
        from ..cases import import_cases

        res = import_cases(store, file, name=name, case_id=case_id)
    if json_out:
        print_json(res)
        return
    for c in res:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(c["indicators"].items()))
        _say(f"Imported case {c['case_id']} ({c['name']}): {counts or 'no indicators'}; {c['skipped']} row(s) without an indicator skipped.")


@cases_app.command("list")
def cases_list(db: DbOption = None, json_out: JsonOption = False) -> None:
    """List the cases in the library with their indicator counts."""
    with open_store(db) as store:
        from ..cases import list_cases

        res = list_cases(store)
    if json_out:
        print_json(res)
        return
    if not res:
        _say("The case library is empty. Add cases with `cibwatch cases import FILE`.")
    for c in res:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(c["indicators"].items()))
        _say(f"{c['case_id']}  {c['name']}  [{counts}]  source: {c['source']}")


@cases_app.command("export")
def cases_export(
    campaign: Annotated[str, typer.Argument(help="Campaign id in the run.")],
    case_id: Annotated[str, typer.Option("--case-id", help="Id of the new case.")],
    name: Annotated[Optional[str], typer.Option("--name", help="Case name.")] = None,
    run: RunOption = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Save a detected campaign as a case, so that the network is recognised if it returns."""
    with open_store(db) as store:
        run_id = run or str(store.latest_run("detect")["run_id"])
        from ..cases import export_case_from_campaign

        res = export_case_from_campaign(store, run_id, campaign, case_id, name=name)
    if json_out:
        print_json(res)
        return
    counts = ", ".join(f"{n} {k}" for k, n in sorted(res["indicators"].items()))
    _say(f"Saved campaign {campaign} of run {run_id} as case {res['case_id']}: {counts}.")
