"""Referral packages for platform trust-and-safety teams (CSV + JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from .. import disarm
from ..errors import ParameterError
from ..store import Store
from . import data
from .safe import write_csv

POLICIES = {
    "facebook": "Meta: Coordinated Inauthentic Behavior",
    "instagram": "Meta: Coordinated Inauthentic Behavior",
    "x": "X: Platform Manipulation and Spam",
}


def profile_link(platform: str, account_id: str, handle: str | None) -> str:
    if platform == "x":
        return (
            f"https://x.com/{handle}"
            if handle and handle.replace("_", "").isalnum()
            else f"https://x.com/i/user/{account_id}"
        )
    if platform in ("facebook", "instagram"):
        return f"https://www.facebook.com/{account_id}"
    return ""


def post_link(platform: str, post_id: str) -> str:
    if platform == "x":
        return f"https://x.com/i/status/{post_id}"
    if platform in ("facebook", "instagram"):
        return f"https://www.facebook.com/{post_id}"
    return ""


def write_referral(
    store: Store, platform: str, out_dir: str | Path, *, campaign_id: str | None = None, run_id: str | None = None
) -> list[Path]:
    """Write ``referral-<platform>.csv`` and ``.json``: accounts, post links, evidence, DISARM techniques, policy."""
    known = sorted(r["platform"] for r in store.query("SELECT DISTINCT platform FROM campaign_accounts"))
    if platform not in set(known) | set(POLICIES):
        raise ParameterError("platform", "one of " + ", ".join(sorted(set(known) | set(POLICIES))), platform)
    run = data.resolve_run(store, run_id)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    accts = [a for a in data.accounts(store, run, campaign_id) if a["platform"] == platform]
    rows, items = [], []
    for a in accts:
        posts = store.query(
            "SELECT post_id FROM posts WHERE platform = ? AND account_id = ? ORDER BY created_at LIMIT 50",
            [platform, a["account_id"]],
        )
        links = [post_link(platform, p["post_id"]) for p in posts]
        techs = disarm.techniques_for(a["indicators"] + ["co_action"])
        summary = "; ".join(e["detail"] for e in a["evidence"][:5])
        item = {
            "campaign_id": a["campaign_id"],
            "account_id": a["account_id"],
            "handle": a["handle"],
            "profile_url": profile_link(platform, a["account_id"], a["handle"]),
            "score": a["score"],
            "evidence": summary,
            "post_urls": links,
            "disarm": [t for t, _ in techs],
            "policy": POLICIES.get(platform, "Coordinated inauthentic behaviour"),
        }
        items.append(item)
        rows.append(
            [
                item["campaign_id"],
                item["account_id"],
                item["handle"],
                item["profile_url"],
                item["score"],
                summary,
                " ".join(links),
                " ".join(item["disarm"]),
                item["policy"],
            ]
        )
    csv_path = write_csv(
        out / f"referral-{platform}.csv",
        ["campaign_id", "account_id", "handle", "profile_url", "score", "evidence", "post_urls", "disarm", "policy"],
        rows,
    )
    js = out / f"referral-{platform}.json"
    js.write_text(
        json.dumps(
            {
                "platform": platform,
                "run_id": run,
                "policy": POLICIES.get(platform),
                "accounts": items,
                "countermeasures": disarm.COUNTERMEASURES,
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        ),
        encoding="utf-8",
    )
    return [csv_path, js]
