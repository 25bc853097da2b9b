"""Reading what the outputs need from the store tables (parameterised queries only)."""

from __future__ import annotations

import json
import weakref
from collections import Counter, defaultdict
from typing import Any

from ..errors import NotFoundError
from ..profile import directed_messages, run_period
from ..store import Store, node_key

__all__ = [
    "resolve_run",
    "loads",
    "campaign_ids",
    "campaign",
    "accounts",
    "campaign_evidence",
    "campaign_posts",
    "directed",
    "targets_reached",
    "target",
    "target_posts",
    "threat",
    "edges",
    "case_links",
    "n_cases",
    "run_info",
    "evidence_kinds",
    "node_key",
]


def resolve_run(store: Store, run_id: str | None) -> str:
    """The given run, or the latest complete detect run."""
    if run_id is not None:
        if not store.query("SELECT run_id FROM runs WHERE run_id = ?", [run_id]):
            raise NotFoundError(f"run {run_id!r} not found", hint="list runs with `cibwatch status`")
        return run_id
    return str(store.latest_run("detect")["run_id"])


def loads(value: Any, default: Any) -> Any:
    """A JSON column as Python (``default`` when empty or unreadable)."""
    if value is None or value == "":
        return default
    if isinstance(value, (dict, list)):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return default


def campaign_ids(store: Store, run_id: str, campaign_id: str | None = None) -> list[str]:
    """Every campaign of the run (strongest first), or the one asked for (``all`` means every one)."""
    rows = store.query(
        "SELECT campaign_id FROM campaigns WHERE run_id = ? ORDER BY score DESC NULLS LAST, campaign_id", [run_id]
    )
    ids = [r["campaign_id"] for r in rows]
    if campaign_id not in (None, "all"):
        if campaign_id not in ids:
            raise NotFoundError(
                f"campaign {campaign_id!r} not found in run {run_id}", hint=f"known: {', '.join(ids[:10]) or 'none'}"
            )
        return [str(campaign_id)]
    return ids


def campaign(store: Store, run_id: str, campaign_id: str) -> dict[str, Any]:
    """The campaign row with ``profile`` and ``signals`` decoded."""
    rows = store.query("SELECT * FROM campaigns WHERE run_id = ? AND campaign_id = ?", [run_id, campaign_id])
    if not rows:
        raise NotFoundError(f"campaign {campaign_id!r} not found in run {run_id}")
    c = rows[0]
    c["profile"] = loads(c.get("profile"), {})
    c["signals"] = loads(c.get("signals"), {})
    return c


def _evidence_rows(store: Store, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    rows = store.query(sql, params)
    for r in rows:
        r["data"] = loads(r.get("data"), {})
        r["posts"] = list(r.get("posts") or [])
    return rows


def accounts(store: Store, run_id: str, campaign_id: str | None) -> list[dict[str, Any]]:
    """Campaign members with their account row, evidence (``kind``, ``detail``, ``weight``, ``posts``, ``data``),
    indicator kinds, former handles and number of posts."""
    sql = (
        "SELECT ca.campaign_id, ca.node, ca.platform, ca.account_id, ca.score, a.handle, a.display_name, "
        "a.created_at, a.followers, a.description, "
        "(SELECT count(*) FROM posts p WHERE p.platform = ca.platform AND p.account_id = ca.account_id) AS n_posts, "
        "(SELECT list(DISTINCT h.value) FROM account_history h WHERE h.platform = ca.platform "
        " AND h.account_id = ca.account_id AND h.field = 'handle' AND h.value IS DISTINCT FROM a.handle) AS former_handles "
        "FROM campaign_accounts ca LEFT JOIN accounts a ON a.platform = ca.platform AND a.account_id = ca.account_id "
        "WHERE ca.run_id = ?"
    )
    params: list[Any] = [run_id]
    if campaign_id not in (None, "all"):
        sql += " AND ca.campaign_id = ?"
        params.append(campaign_id)
    rows = store.query(sql + " ORDER BY ca.score DESC NULLS LAST, ca.node", params)
    ev: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _evidence_rows(
        store,
        "SELECT subject_id, kind, detail, weight, posts, data FROM evidence WHERE run_id = ? AND subject_kind = 'account' "
        "ORDER BY weight DESC NULLS LAST, kind",
        [run_id],
    ):
        ev[r["subject_id"]].append(r)
    for r in rows:
        r["evidence"] = ev.get(r["node"], [])
        r["indicators"] = sorted({e["kind"] for e in r["evidence"]})
        r["former_handles"] = sorted(h for h in (r.get("former_handles") or []) if h)
    return rows


def campaign_evidence(store: Store, run_id: str, campaign_id: str) -> list[dict[str, Any]]:
    """Campaign-level evidence rows, heaviest first, with ``data`` decoded."""
    return _evidence_rows(
        store,
        "SELECT kind, detail, weight, posts, data FROM evidence WHERE run_id = ? AND subject_kind = 'campaign' "
        "AND subject_id = ? ORDER BY weight DESC NULLS LAST, kind",
        [run_id, campaign_id],
    )


def campaign_posts(store: Store, run_id: str, campaign_id: str, limit: int | None = None) -> list[dict[str, Any]]:
    """Every stored post of the campaign's accounts, oldest first (their history included)."""
    sql = (
        "SELECT p.platform, p.post_id, p.account_id, ca.node, p.created_at, p.text, p.lang, p.root_post_id, "
        "p.reply_to_account_id, p.urls FROM posts p JOIN campaign_accounts ca ON ca.platform = p.platform "
        "AND ca.account_id = p.account_id WHERE ca.run_id = ? AND ca.campaign_id = ? ORDER BY p.created_at, p.post_id"
    )
    rows = store.query(sql, [run_id, campaign_id])
    return rows[:limit] if limit else rows


# ---------------------------------------------------------------------------
# messages directed at targets (replies, mentions, comments under their posts)
# ---------------------------------------------------------------------------
_DIRECTED: weakref.WeakKeyDictionary[Store, dict[tuple[str, int], list[dict[str, Any]]]] = weakref.WeakKeyDictionary()


def directed(store: Store, run_id: str) -> list[dict[str, Any]]:
    """Messages from campaign accounts directed at watch-list targets in the run's period.

    One row per (target, post): ``target_id, platform, post_id, account_id, created_at, text, lang, how,
    campaign_id`` (``how`` is ``reply``, ``mention`` or ``thread``), through
    :func:`cibwatch.profile.directed_messages`, so the outputs count what the profile counts.
    Cached per store and run while the number of posts does not change.
    """
    key = (run_id, store.count("posts"))
    cache = _DIRECTED.setdefault(store, {})
    if key not in cache:
        since, until = run_period(store, run_id)
        member = {
            (r["platform"], r["account_id"]): r["campaign_id"]
            for r in store.query("SELECT platform, account_id, campaign_id FROM campaign_accounts WHERE run_id = ?", [run_id])
        }
        seen: set[tuple[str, str, str]] = set()
        out = []
        rank = {"reply": 0, "thread": 1, "mention": 2}  # a reply that also mentions the target counts as a reply
        rows = directed_messages(store, since, until)
        for d in sorted(rows, key=lambda d: (d["created_at"], d["post_id"], rank.get(d["how"], 3))):
            cid = member.get((d["platform"], d["account_id"]))
            k = (d["target_id"], d["platform"], d["post_id"])
            if cid is None or k in seen:
                continue
            seen.add(k)
            out.append({**d, "campaign_id": cid})
        cache.clear()
        cache[key] = out
    return cache[key]


def targets_reached(store: Store, run_id: str, campaign_id: str | None = None) -> list[dict[str, Any]]:
    """Targets that campaign accounts reached, most messages first: ``target_id, name, posts, accounts,
    first_seen, last_seen, how {reply, mention, thread}, platforms, campaigns``."""
    names = {r["target_id"]: r for r in store.query(
        "SELECT target_id, any_value(name) AS name, any_value(role) AS role, any_value(party) AS party, "
        "any_value(preferred_lang) AS preferred_lang FROM targets GROUP BY target_id")}
    agg: dict[str, dict[str, Any]] = {}
    for d in directed(store, run_id):
        if campaign_id not in (None, "all") and d["campaign_id"] != campaign_id:
            continue
        t = agg.setdefault(d["target_id"], {"posts": set(), "accounts": set(), "how": Counter(), "platforms": Counter(),
                                            "campaigns": set(), "first_seen": d["created_at"], "last_seen": d["created_at"]})
        t["posts"].add((d["platform"], d["post_id"]))
        t["accounts"].add((d["platform"], d["account_id"]))
        t["how"][d["how"]] += 1
        t["platforms"][d["platform"]] += 1
        t["campaigns"].add(d["campaign_id"])
        t["last_seen"] = d["created_at"]
    out = []
    for tid, t in agg.items():
        info = names.get(tid, {})
        out.append({"target_id": tid, "name": info.get("name") or tid, "role": info.get("role"), "party": info.get("party"),
                    "preferred_lang": info.get("preferred_lang"), "posts": len(t["posts"]), "accounts": len(t["accounts"]),
                    "first_seen": t["first_seen"], "last_seen": t["last_seen"], "how": dict(t["how"]),
                    "platforms": dict(t["platforms"]), "campaigns": sorted(t["campaigns"])})
    return sorted(out, key=lambda r: (-r["posts"], r["target_id"]))


def target(store: Store, target_id: str) -> dict[str, Any]:
    """The target's first row, with every (platform, handle, account_id) row under ``platforms``."""
    rows = store.query("SELECT * FROM targets WHERE target_id = ? ORDER BY platform", [target_id])
    if not rows:
        raise NotFoundError(f"target {target_id!r} not found", hint="import targets with `cibwatch targets import`")
    t = dict(rows[0])
    t["platforms"] = rows
    return t


def target_posts(store: Store, run_id: str, target_id: str) -> list[dict[str, Any]]:
    """Campaign messages directed at one target, oldest first."""
    return [d for d in directed(store, run_id) if d["target_id"] == target_id]


def threat(store: Store, run_id: str, target_id: str) -> dict[str, Any] | None:
    """The threat row of a target with ``reasons``, ``messages`` and ``checked`` decoded."""
    rows = store.query("SELECT * FROM threats WHERE run_id = ? AND target_id = ?", [run_id, target_id])
    if not rows:
        return None
    t = rows[0]
    for k, d in (("reasons", []), ("messages", []), ("checked", {})):
        t[k] = loads(t.get(k), d)
    return t


def edges(store: Store, run_id: str, campaign_id: str | None, *, significant_only: bool = False) -> list[dict[str, Any]]:
    """Stored edges of the run, or those between two members of one campaign."""
    if campaign_id in (None, "all"):
        return store.query(
            "SELECT e.* FROM edges e WHERE e.run_id = ? AND (NOT ? OR e.significant) ORDER BY e.a, e.b",
            [run_id, significant_only],
        )
    return store.query(
        "SELECT e.* FROM edges e WHERE e.run_id = ? AND e.a IN (SELECT node FROM campaign_accounts WHERE run_id = ? "
        "AND campaign_id = ?) AND e.b IN (SELECT node FROM campaign_accounts WHERE run_id = ? AND campaign_id = ?) "
        "AND (NOT ? OR e.significant) ORDER BY e.a, e.b",
        [run_id, run_id, campaign_id, run_id, campaign_id, significant_only],
    )


def case_links(store: Store, run_id: str, campaign_id: str) -> list[dict[str, Any]]:
    """Known-network links of a campaign, strongest first, with the matcher's ``evidence`` decoded."""
    rows = store.query(
        "SELECT l.case_id, l.score, l.evidence, c.name, c.source, c.description FROM case_links l LEFT JOIN cases c "
        "ON c.case_id = l.case_id WHERE l.run_id = ? AND l.campaign_id = ? ORDER BY l.score DESC",
        [run_id, campaign_id],
    )
    for r in rows:
        r["evidence"] = loads(r.get("evidence"), {})
    return rows


def n_cases(store: Store) -> int:
    """Cases in the case library."""
    return int(store.query("SELECT count(*) AS n FROM cases")[0]["n"])


def run_info(store: Store, run_id: str) -> dict[str, Any]:
    """The run row with ``parameters`` and ``summary`` decoded."""
    r = store.query("SELECT * FROM runs WHERE run_id = ?", [run_id])[0]
    r["parameters"] = loads(r.get("parameters"), {})
    r["summary"] = loads(r.get("summary"), {})
    return r


def evidence_kinds(store: Store, run_id: str, campaign_id: str | None) -> list[str]:
    """Evidence kinds on the campaign, its accounts and its edges (plus ``co_action`` and ``comments`` when
    the coordination was on replies and shared text)."""
    kinds: set[str] = set()
    if campaign_id in (None, "all"):
        kinds.update(r["kind"] for r in store.query("SELECT DISTINCT kind FROM evidence WHERE run_id = ?", [run_id]))
        kinds.update(
            r["kind"] for r in store.query("SELECT DISTINCT kind FROM edge_evidence WHERE run_id = ?", [run_id])
        )
    else:
        kinds.update(
            r["kind"]
            for r in store.query(
                "SELECT DISTINCT kind FROM evidence WHERE run_id = ? AND ((subject_kind = 'campaign' AND subject_id = ?) OR "
                "(subject_kind = 'account' AND subject_id IN (SELECT node FROM campaign_accounts WHERE run_id = ? AND campaign_id = ?)))",
                [run_id, campaign_id, run_id, campaign_id],
            )
        )
        kinds.update(
            r["kind"]
            for r in store.query(
                "SELECT DISTINCT kind FROM edge_evidence WHERE run_id = ? AND a IN (SELECT node FROM campaign_accounts "
                "WHERE run_id = ? AND campaign_id = ?)",
                [run_id, run_id, campaign_id],
            )
        )
    kinds.discard("")
    if kinds & {"co_action", "text_near", "text_exact", "reply", "crosslingual"}:
        kinds.add("co_action")
    if kinds & {"reply", "text_near", "reply_account"}:
        kinds.add("comments")
    return sorted(k for k in kinds if not k.startswith("threat_"))

