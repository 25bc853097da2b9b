"""Reading what the outputs need from the store tables (parameterised queries only)."""

from __future__ import annotations

import json
from typing import Any

from ..errors import NotFoundError
from ..store import Store, node_key


def resolve_run(store: Store, run_id: str | None) -> str:
    """The given run, or the latest complete detect run."""
    if run_id is not None:
        if not store.query("SELECT run_id FROM runs WHERE run_id = ?", [run_id]):
            raise NotFoundError(f"run {run_id!r} not found", hint="list runs with `cibwatch runs`")
        return run_id
    return str(store.latest_run("detect")["run_id"])


def loads(value: Any, default: Any) -> Any:
    if value is None or value == "":
        return default
    if isinstance(value, (dict, list)):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return default


def campaign_ids(store: Store, run_id: str, campaign_id: str | None = None) -> list[str]:
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
    rows = store.query("SELECT * FROM campaigns WHERE run_id = ? AND campaign_id = ?", [run_id, campaign_id])
    if not rows:
        raise NotFoundError(f"campaign {campaign_id!r} not found in run {run_id}")
    c = rows[0]
    c["profile"] = loads(c.get("profile"), {})
    c["signals"] = loads(c.get("signals"), {})
    return c


def accounts(store: Store, run_id: str, campaign_id: str | None) -> list[dict[str, Any]]:
    sql = (
        "SELECT ca.campaign_id, ca.node, ca.platform, ca.account_id, ca.score, a.handle, a.display_name, "
        "a.created_at, a.followers FROM campaign_accounts ca LEFT JOIN accounts a "
        "ON a.platform = ca.platform AND a.account_id = ca.account_id WHERE ca.run_id = ?"
    )
    params: list[Any] = [run_id]
    if campaign_id not in (None, "all"):
        sql += " AND ca.campaign_id = ?"
        params.append(campaign_id)
    rows = store.query(sql + " ORDER BY ca.score DESC NULLS LAST, ca.node", params)
    ev = evidence_by_subject(store, run_id, "account")
    for r in rows:
        r["evidence"] = ev.get(r["node"], [])
        r["indicators"] = sorted({e["kind"] for e in r["evidence"]})
    return rows


def evidence_by_subject(store: Store, run_id: str, subject_kind: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in store.query(
        "SELECT subject_id, kind, detail, weight, posts FROM evidence WHERE run_id = ? AND subject_kind = ? "
        "ORDER BY weight DESC NULLS LAST",
        [run_id, subject_kind],
    ):
        out.setdefault(r["subject_id"], []).append(r)
    return out


def campaign_posts(store: Store, run_id: str, campaign_id: str, limit: int | None = None) -> list[dict[str, Any]]:
    sql = (
        "SELECT p.platform, p.post_id, p.account_id, p.created_at, p.text, p.lang, p.root_post_id, "
        "p.reply_to_account_id FROM posts p JOIN campaign_accounts ca ON ca.platform = p.platform "
        "AND ca.account_id = p.account_id WHERE ca.run_id = ? AND ca.campaign_id = ? ORDER BY p.created_at"
    )
    rows = store.query(sql, [run_id, campaign_id])
    return rows[:limit] if limit else rows


def targets_reached(store: Store, run_id: str, campaign_id: str | None = None) -> list[dict[str, Any]]:
    """Targets whose account received replies from campaign accounts, with counts."""
    sql = (
        "SELECT t.target_id, any_value(t.name) AS name, count(DISTINCT p.post_id) AS posts, "
        "count(DISTINCT p.account_id) AS accounts, min(p.created_at) AS first_seen, max(p.created_at) AS last_seen "
        "FROM targets t JOIN posts p ON p.platform = t.platform AND p.reply_to_account_id = t.account_id "
        "JOIN campaign_accounts ca ON ca.platform = p.platform AND ca.account_id = p.account_id AND ca.run_id = ? "
    )
    params: list[Any] = [run_id]
    if campaign_id not in (None, "all"):
        sql += "AND ca.campaign_id = ? "
        params.append(campaign_id)
    return store.query(sql + "GROUP BY t.target_id ORDER BY posts DESC", params)


def target(store: Store, target_id: str) -> dict[str, Any]:
    rows = store.query("SELECT * FROM targets WHERE target_id = ? ORDER BY platform", [target_id])
    if not rows:
        raise NotFoundError(f"target {target_id!r} not found", hint="import targets with `cibwatch targets import`")
    t = dict(rows[0])
    t["platforms"] = rows
    return t


def target_posts(store: Store, run_id: str, target_id: str) -> list[dict[str, Any]]:
    return store.query(
        "SELECT DISTINCT p.platform, p.post_id, p.account_id, p.created_at, p.text, p.lang, ca.campaign_id "
        "FROM targets t JOIN posts p ON p.platform = t.platform AND p.reply_to_account_id = t.account_id "
        "JOIN campaign_accounts ca ON ca.platform = p.platform AND ca.account_id = p.account_id AND ca.run_id = ? "
        "WHERE t.target_id = ? ORDER BY p.created_at",
        [run_id, target_id],
    )


def threat(store: Store, run_id: str, target_id: str) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM threats WHERE run_id = ? AND target_id = ?", [run_id, target_id])
    if not rows:
        return None
    t = rows[0]
    for k, d in (("reasons", []), ("messages", []), ("checked", {})):
        t[k] = loads(t.get(k), d)
    return t


def edges(store: Store, run_id: str, campaign_id: str | None) -> list[dict[str, Any]]:
    if campaign_id in (None, "all"):
        return store.query("SELECT * FROM edges WHERE run_id = ? ORDER BY a, b", [run_id])
    return store.query(
        "SELECT e.* FROM edges e WHERE e.run_id = ? AND e.a IN (SELECT node FROM campaign_accounts WHERE run_id = ? "
        "AND campaign_id = ?) AND e.b IN (SELECT node FROM campaign_accounts WHERE run_id = ? AND campaign_id = ?) "
        "ORDER BY e.a, e.b",
        [run_id, run_id, campaign_id, run_id, campaign_id],
    )


def case_links(store: Store, run_id: str, campaign_id: str) -> list[dict[str, Any]]:
    return store.query(
        "SELECT l.case_id, l.score, c.name, c.source, c.description FROM case_links l LEFT JOIN cases c "
        "ON c.case_id = l.case_id WHERE l.run_id = ? AND l.campaign_id = ? ORDER BY l.score DESC",
        [run_id, campaign_id],
    )


def run_info(store: Store, run_id: str) -> dict[str, Any]:
    r = store.query("SELECT * FROM runs WHERE run_id = ?", [run_id])[0]
    r["parameters"] = loads(r.get("parameters"), {})
    return r


def evidence_kinds(store: Store, run_id: str, campaign_id: str | None) -> list[str]:
    """Evidence kinds on the campaign, its accounts, and its edges."""
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
    if kinds & {"co_action", "text_near", "text_exact", "reply"}:
        kinds.add("co_action")
    if kinds & {"reply", "text_near"}:
        kinds.add("comments")
    return sorted(kinds)


__all__ = ["node_key"]
