"""STIX 2.1 bundle of detected campaigns with DISARM attack-patterns, built with the ``stix2`` library.

Per campaign: a ``campaign`` (its finding, classification and score in the
description), ``attack-pattern`` objects for the DISARM v1.6 techniques its
evidence indicates (``external_references`` with ``source_name: DISARM``),
an ``intrusion-set`` per linked known network (``attributed-to``, with the
link score: a separate claim), ``indicator`` objects for every account login
and for the pages and domains it pushed, and ``observed-data`` over the
accounts, URLs and domains. Names and descriptions show URLs defanged;
patterns carry the real values as STIX string literals (quote and backslash
escaped). The bundle is parsed back with ``allow_custom=False`` before it is
written.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
from pathlib import Path

import stix2

from .. import disarm
from ..cases import PLATFORM_DOMAINS
from ..errors import ParameterError
from ..store import Store
from . import data
from .casefile import campaign_period_posts, pushed_pages
from .safe import defang, defang_domain

__all__ = ["export_stix", "pattern_string", "account_pattern", "TLP"]

TLP = {"white": stix2.TLP_WHITE, "green": stix2.TLP_GREEN, "amber": stix2.TLP_AMBER, "red": stix2.TLP_RED}
#: Pages (URLs) per campaign turned into indicators.
MAX_URLS = 20


def pattern_string(value: str) -> str:
    """Quote a value for a STIX pattern string literal (backslash and quote escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


#: STIX ``account-type-ov`` names of the platforms.
ACCOUNT_TYPES = {"x": "twitter", "twitter": "twitter", "facebook": "facebook"}


def account_pattern(platform: str, account_id: str, handle: str | None) -> str:
    """The indicator pattern of an account: its login (handle) when known, else its platform id."""
    kind = pattern_string(ACCOUNT_TYPES.get(platform, platform))
    if handle:
        return f"[user-account:account_type = {kind} AND user-account:account_login = {pattern_string(handle)}]"
    return f"[user-account:account_type = {kind} AND user-account:user_id = {pattern_string(account_id)}]"


def _indicate(objs: list, camp: stix2.Campaign, first: object, common: dict, name: str, pattern: str,
              description: str) -> None:
    ind = stix2.Indicator(name=name, description=description, pattern_type="stix", pattern=pattern, valid_from=first,
                          indicator_types=["malicious-activity"], **common)
    objs.extend([ind, stix2.Relationship(ind, "indicates", camp, **common)])


def _describe(c: dict, run: str) -> str:
    prof = c["profile"] if isinstance(c["profile"], dict) else {}
    a = prof.get("assessment") or {}
    signs = [str(s.get("meaning") or s.get("sign")) if isinstance(s, dict) else str(s) for s in a.get("state_style_signs") or []]
    parts = [
        f"Coordinated inauthentic behaviour detected by cibwatch (run {run}): {c.get('size')} accounts acting together "
        f"beyond chance; score {c.get('score')} (noisy-OR of the evidence weights).",
        f"Classification: {c.get('classification') or 'unclassified'}"
        + (f" (state-style signs: {'; '.join(signs)})." if signs else "."),
        "A link to a known network, when present, is a separate claim (attributed-to relationship with its own score).",
    ]
    return " ".join(parts)


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
    written: set[str] = set()  # SCO ids are deterministic: a URL or domain seen in two campaigns is written once
    now = _dt.datetime.now(_dt.UTC)
    for cid in data.campaign_ids(store, run, campaign_id):
        c = data.campaign(store, run, cid)
        first = c.get("first_seen") or now
        last = max(c.get("last_seen") or first, first)
        camp = stix2.Campaign(
            name=f"cibwatch campaign {cid}", description=_describe(c, run), first_seen=first, last_seen=last, **common
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
                    camp, "attributed-to", iset,
                    description=f"Known-network link score {link['score']}: shared indicators "
                    f"{(link.get('evidence') or {}).get('counts') or {}}. A separate claim from the coordination finding.",
                    **common,
                ),
            ]
        scos: list = []
        indicate = functools.partial(_indicate, objs, camp, first, common)

        for a in data.accounts(store, run, cid):
            login = a["handle"] or a["account_id"]
            indicate(f"{a['platform']} account {login}", account_pattern(a["platform"], a["account_id"], a["handle"]),
                     f"Account {a['platform']}:{a['account_id']} of campaign {cid}; score {a['score']}; "
                     f"indicators: {', '.join(a['indicators']) or 'coordination'}.")
            scos.append(stix2.UserAccount(user_id=a["account_id"], account_login=a["handle"] or None,
                                          account_type=ACCOUNT_TYPES.get(a["platform"], a["platform"]),
                                          display_name=a.get("display_name") or None, object_marking_refs=mark))
        pages = pushed_pages(campaign_period_posts(store, run, c), top=MAX_URLS)
        domains: dict[str, int] = {}
        for pg in pages:
            indicate(f"URL pushed by campaign {cid}: {defang(pg['url'])}", f"[url:value = {pattern_string(pg['url'])}]",
                     f"Linked in {pg['posts']} posts by {pg['accounts']} accounts of campaign {cid}.")
            scos.append(stix2.URL(value=pg["url"], object_marking_refs=mark))
            if pg["domain"] and pg["domain"] not in PLATFORM_DOMAINS:
                domains[pg["domain"]] = domains.get(pg["domain"], 0) + pg["posts"]
        for dom, n in sorted(domains.items(), key=lambda kv: -kv[1]):
            indicate(f"Domain pushed by campaign {cid}: {defang_domain(dom)}",
                     f"[domain-name:value = {pattern_string(dom)}]",
                     f"Website linked in {n} posts of campaign {cid}.")
            scos.append(stix2.DomainName(value=dom, object_marking_refs=mark))
        if scos:
            objs += [o for o in scos if o.id not in written]
            written.update(o.id for o in scos)
            obs = stix2.ObservedData(first_observed=first, last_observed=last, number_observed=len(scos),
                                     object_refs=[s.id for s in scos], **common)
            objs += [obs, stix2.Relationship(obs, "related-to", camp, **common)]
    bundle = stix2.Bundle(objects=objs, allow_custom=False)
    out = Path(out_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    # stix2's pretty printer orders keys with a quadratic search (minutes on a
    # bundle of 10,000 objects); the compact form is fast and re-indented here.
    text = json.dumps(json.loads(bundle.serialize()), indent=2, ensure_ascii=False) + "\n"
    stix2.parse(text, allow_custom=False)
    out.write_text(text, encoding="utf-8")
    return out
