"""Referral packages for platform trust-and-safety teams (CSV + JSON).

Per platform: ``referral-<platform>.csv`` (one row per account: ids, handle,
profile link, indicators, evidence summary, post links, DISARM techniques,
the platform policy it falls under), ``referral-<platform>-posts.csv`` (one
row per post of the campaign period: link, time, the person it was aimed at,
the text) and ``referral-<platform>.json`` (the same, plus each campaign's
finding, classification and known-network links). Every CSV cell is quoted
and cells that a spreadsheet would read as a formula are neutralised
(:func:`cibwatch.outputs.safe.write_csv`).
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from .. import disarm
from ..errors import ParameterError
from ..store import Store
from . import data
from .safe import write_csv

__all__ = ["write_referral", "profile_link", "post_link", "POLICIES", "ACCOUNT_COLUMNS", "POST_COLUMNS"]

POLICIES = {
    "facebook": "Meta: Coordinated Inauthentic Behavior",
    "instagram": "Meta: Coordinated Inauthentic Behavior",
    "x": "X: Platform Manipulation and Spam",
}
ACCOUNT_COLUMNS = [
    "campaign_id", "classification", "account_id", "handle", "display_name", "profile_url", "created_at", "followers",
    "score", "indicators", "posts_in_campaign", "earlier_posts", "first_post", "last_post", "evidence", "post_urls",
    "disarm", "policy",
]
POST_COLUMNS = ["campaign_id", "account_id", "handle", "post_id", "post_url", "created_at", "lang", "aimed_at", "text"]
_SAFE_HANDLE = re.compile(r"[A-Za-z0-9_]{1,50}")
_SAFE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
POST_URLS_PER_ACCOUNT = 20


def profile_link(platform: str, account_id: str, handle: str | None) -> str:
    """The account's page: ``https://x.com/<handle>`` (or ``/i/user/<id>`` when the handle is not a plain
    handle), ``https://www.facebook.com/<id>``; empty for other platforms or unsafe ids."""
    if platform in ("x", "twitter"):
        if handle and _SAFE_HANDLE.fullmatch(handle):
            return f"https://x.com/{handle}"
        return f"https://x.com/i/user/{account_id}" if account_id.isdigit() else ""
    if platform in ("facebook", "instagram") and _SAFE_ID.fullmatch(account_id or ""):
        return f"https://www.facebook.com/{account_id}"
    return ""


def post_link(platform: str, post_id: str) -> str:
    """The post's page (X status or Facebook post/comment id); empty for other platforms or unsafe ids."""
    if not post_id or not _SAFE_ID.fullmatch(post_id):
        return ""
    if platform in ("x", "twitter"):
        return f"https://x.com/i/status/{post_id}" if post_id.isdigit() else ""
    if platform in ("facebook", "instagram"):
        return f"https://www.facebook.com/{post_id}"
    return ""


def _iso(v: Any) -> str | None:
    return v.isoformat(sep=" ") if isinstance(v, _dt.datetime) else (str(v) if v is not None else None)


def write_referral(
    store: Store, platform: str, out_dir: str | Path, *, campaign_id: str | None = None, run_id: str | None = None
) -> list[Path]:
    """Write ``referral-<platform>.csv``, ``referral-<platform>-posts.csv`` and ``referral-<platform>.json``."""
    known = sorted(r["platform"] for r in store.query("SELECT DISTINCT platform FROM campaign_accounts"))
    if platform not in set(known) | set(POLICIES):
        raise ParameterError("platform", "one of " + ", ".join(sorted(set(known) | set(POLICIES))), platform)
    run = data.resolve_run(store, run_id)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    policy = POLICIES.get(platform, "Coordinated inauthentic behaviour")
    cids = data.campaign_ids(store, run, campaign_id)
    camps = {cid: data.campaign(store, run, cid) for cid in cids}
    targets = {(d["platform"], d["post_id"]): d["target_id"] for d in data.directed(store, run)}
    names = {r["target_id"]: r["name"] for r in store.query("SELECT target_id, any_value(name) AS name FROM targets GROUP BY 1")}
    accounts, posts_rows, items, campaigns = [], [], [], []
    for cid in cids:
        c = camps[cid]
        start = c.get("first_seen")
        accts = [a for a in data.accounts(store, run, cid) if a["platform"] == platform]
        if not accts:
            continue
        by_acc: dict[str, list[dict[str, Any]]] = defaultdict(list)
        earlier: dict[str, int] = defaultdict(int)
        for p in data.campaign_posts(store, run, cid):
            if p["platform"] != platform:
                continue
            if start and p["created_at"].date() < start.date():
                earlier[p["account_id"]] += 1
            else:
                by_acc[p["account_id"]].append(p)
        prof = c["profile"] if isinstance(c["profile"], dict) else {}
        assessment = prof.get("assessment") or {}
        campaigns.append({
            "campaign_id": cid, "classification": c.get("classification"), "score": c.get("score"), "accounts": len(accts),
            "first_seen": _iso(c.get("first_seen")), "last_seen": _iso(c.get("last_seen")),
            "finding": "coordinated inauthentic behaviour" if assessment.get("coordinated_beyond_chance", True) else None,
            "state_style_signs": [s.get("meaning") if isinstance(s, dict) else s for s in assessment.get("state_style_signs") or []],
            "known_networks": assessment.get("known_networks") or [],
            "disarm": [{"id": t, "name": n} for t, n in disarm.techniques_for(data.evidence_kinds(store, run, cid))],
        })
        for a in accts:
            ps = by_acc.get(a["account_id"], [])
            links = [post_link(platform, p["post_id"]) for p in ps]
            techs = [t for t, _ in disarm.techniques_for(a["indicators"] + ["co_action"])]
            item = {
                "campaign_id": cid,
                "classification": c.get("classification"),
                "account_id": a["account_id"],
                "handle": a["handle"],
                "former_handles": a["former_handles"],
                "display_name": a["display_name"],
                "profile_url": profile_link(platform, a["account_id"], a["handle"]),
                "created_at": _iso(a["created_at"]),
                "followers": a["followers"],
                "score": a["score"],
                "indicators": a["indicators"],
                "posts_in_campaign": len(ps),
                "earlier_posts": earlier.get(a["account_id"], 0),
                "first_post": _iso(ps[0]["created_at"]) if ps else None,
                "last_post": _iso(ps[-1]["created_at"]) if ps else None,
                "evidence": [{"kind": e["kind"], "weight": e["weight"], "detail": e["detail"],
                              "post_urls": [post_link(platform, p) for p in e["posts"] if post_link(platform, p)]}
                             for e in a["evidence"]],
                "post_urls": links,
                "disarm": techs,
                "policy": policy,
            }
            items.append(item)
            accounts.append([cid, item["classification"], a["account_id"], a["handle"], a["display_name"], item["profile_url"],
                             item["created_at"], a["followers"], a["score"], " ".join(a["indicators"]), len(ps),
                             item["earlier_posts"], item["first_post"], item["last_post"],
                             " | ".join(f"[{e['kind']}] {e['detail']}" for e in a["evidence"][:6]),
                             " ".join(links[:POST_URLS_PER_ACCOUNT]), " ".join(techs), policy])
            for p in ps:
                tid = targets.get((platform, p["post_id"]))
                posts_rows.append([cid, a["account_id"], a["handle"], p["post_id"], post_link(platform, p["post_id"]),
                                   _iso(p["created_at"]), p["lang"], names.get(tid, tid) if tid else "", p["text"]])
    csv_path = write_csv(out / f"referral-{platform}.csv", ACCOUNT_COLUMNS, accounts)
    posts_path = write_csv(out / f"referral-{platform}-posts.csv", POST_COLUMNS, posts_rows)
    js = out / f"referral-{platform}.json"
    js.write_text(
        json.dumps(
            {
                "platform": platform,
                "run_id": run,
                "generated": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                "policy": policy,
                "campaigns": campaigns,
                "accounts": items,
                "posts": [dict(zip(POST_COLUMNS, r, strict=True)) for r in posts_rows],
                "countermeasures": [{"id": k, "name": v} for k, v in disarm.COUNTERMEASURES.items()],
                "note": "Coordinated inauthentic behaviour is a finding with evidence; a link to a known network is a "
                "separate claim with its own evidence.",
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        ),
        encoding="utf-8",
    )
    return [csv_path, posts_path, js]
