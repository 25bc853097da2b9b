"""STIX 2.1 bundle of detected campaigns with DISARM attack-patterns, built with the ``stix2`` library."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import stix2

from .. import disarm
from ..errors import ParameterError
from ..store import Store
from . import data

TLP = {"white": stix2.TLP_WHITE, "green": stix2.TLP_GREEN, "amber": stix2.TLP_AMBER, "red": stix2.TLP_RED}


def pattern_string(value: str) -> str:
    """Quote a value for a STIX pattern string literal (backslash and quote escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def export_stix(
    store: Store, out_file: str | Path, *, campaign_id: str | None = None, run_id: str | None = None, tlp: str = "amber"
) -> Path:
    """Write a validated STIX 2.1 bundle: identity, campaigns, intrusion-sets, indicators, observed-data, attack-patterns."""
    if tlp not in TLP:
        raise ParameterError("tlp", "white, green, amber or red", tlp)
    run = data.resolve_run(store, run_id)
    mark = [TLP[tlp]]
    ident = stix2.Identity(name="cibwatch", identity_class="system", object_marking_refs=mark)
    objs: list = [ident]
    common = {"created_by_ref": ident.id, "object_marking_refs": mark}
    patterns: dict[str, stix2.AttackPattern] = {}
    now = _dt.datetime.now(_dt.UTC)
    for cid in data.campaign_ids(store, run, campaign_id):
        c = data.campaign(store, run, cid)
        first = c.get("first_seen") or now
        camp = stix2.Campaign(
            name=f"cibwatch campaign {cid}",
            description=f"{c.get('classification') or 'coordination'}; run {run}; score {c.get('score')}",
            first_seen=first,
            last_seen=max(c.get("last_seen") or first, first),
            **common,
        )
        objs.append(camp)
        for tid, name in disarm.techniques_for(data.evidence_kinds(store, run, cid)):
            if tid not in patterns:
                patterns[tid] = stix2.AttackPattern(
                    name=name,
                    external_references=[
                        {"source_name": "DISARM", "external_id": tid, "url": disarm.technique_url(tid)}
                    ],
                    **common,
                )
                objs.append(patterns[tid])
            objs.append(stix2.Relationship(camp, "uses", patterns[tid], **common))
        for link in data.case_links(store, run, cid):
            iset = stix2.IntrusionSet(
                name=link["name"] or link["case_id"], description=link.get("description") or "", **common
            )
            objs += [
                iset,
                stix2.Relationship(
                    camp, "attributed-to", iset, description=f"case-link score {link['score']}", **common
                ),
            ]
        accts = data.accounts(store, run, cid)
        scos = []
        for a in accts:
            login = a["handle"] or a["account_id"]
            ind = stix2.Indicator(
                name=f"{a['platform']} account {login}",
                pattern_type="stix",
                pattern=f"[user-account:account_login = {pattern_string(login)}]",
                valid_from=first,
                indicator_types=["malicious-activity"],
                **common,
            )
            objs += [ind, stix2.Relationship(ind, "indicates", camp, **common)]
            scos.append(
                stix2.UserAccount(
                    user_id=a["account_id"],
                    account_login=login,
                    account_type=a["platform"],
                    display_name=a.get("display_name") or None,
                    object_marking_refs=mark,
                )
            )
        if scos:
            objs += scos
            obs = stix2.ObservedData(
                first_observed=first,
                last_observed=max(c.get("last_seen") or first, first),
                number_observed=len(scos),
                object_refs=[s.id for s in scos],
                **common,
            )
            objs += [obs, stix2.Relationship(obs, "related-to", camp, **common)]
    bundle = stix2.Bundle(objects=objs, allow_custom=False)
    out = Path(out_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = bundle.serialize(pretty=True)
    stix2.parse(text, allow_custom=False)
    out.write_text(text, encoding="utf-8")
    return out
