"""Everything the case report says about one campaign, gathered from the store (language-neutral).

:func:`case_file` reads the campaign row and its profile (written by
:func:`cibwatch.assess.assess_run`), its evidence, accounts, edges, targets,
threats, known-network links and the run's parameters, and returns plain
data; :mod:`cibwatch.outputs.report` words it in English or French. A
campaign without a stored profile (an older run) still gets a report built
from its posts and accounts.
"""

from __future__ import annotations

import datetime as _dt
import statistics
from collections import Counter, defaultdict
from typing import Any

from .. import disarm
from ..normalize.urls import normalize_url, registered_domain
from ..profile import canadian_holidays
from ..store import Store
from . import data
from .referral import post_link, profile_link
from .safe import defang, defang_domain

_OBJECT_PREFIX = {"mention": "@", "hashtag": "#"}

__all__ = ["case_file", "pushed_pages", "campaign_period_posts", "ATTRIBUTION_KINDS", "STATE_SIGNS_TOTAL", "MAX_NETWORK_EDGES"]

#: Evidence kinds that are an attribution claim, kept out of the score (as in :mod:`cibwatch.assess`).
ATTRIBUTION_KINDS = frozenset({"known_case"})
#: How many state-style signs the assessment knows (``cibwatch.assess.STATE_SIGNS``).
STATE_SIGNS_TOTAL = 4
#: Lines drawn in the network picture (the strongest pairs); every pair is in the GEXF/GraphML export.
MAX_NETWORK_EDGES = 2500
#: Accounts whose evidence rows are listed one by one (those with hijack, schedule or known-case evidence
#: first, then the highest scores).
TOP_ACCOUNTS = 10
#: Share parameters that name a share, not a page (YouTube-style ``si``), dropped when grouping links.
SHARE_PARAMS = frozenset({"si", "feature"})
TEXT_KINDS = ("text_near", "text_exact", "crosslingual")


def _day(v: Any) -> _dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    return _dt.date.fromisoformat(str(v)[:10])


def _platforms_of(store: Store, post_ids: list[str]) -> dict[str, str]:
    if not post_ids:
        return {}
    rows = store.query("SELECT post_id, platform FROM posts WHERE list_contains(?, post_id)", [sorted(set(post_ids))])
    return {r["post_id"]: r["platform"] for r in rows}


def _links(posts: list[str], plat: dict[str, str], limit: int = 6) -> list[str]:
    out = []
    for pid in posts[:limit]:
        link = post_link(plat.get(pid, ""), pid)
        if link:
            out.append(link)
    return out


def _indicators(acc: dict[str, Any]) -> list[dict[str, Any]]:
    """Indicator chips of an account: ``{kind, args}`` from its evidence rows."""
    chips = []
    by_kind = {e["kind"]: e for e in acc["evidence"]}
    if "creation_batch" in by_kind:
        d = by_kind["creation_batch"]["data"]
        chips.append({"kind": "batch", "n": d.get("batch_size"), "date": d.get("batch_start") or acc.get("created_at")})
    if "handle_pattern" in by_kind:
        chips.append({"kind": "handle"})
    if "schedule" in by_kind:
        chips.append({"kind": "schedule", "offset": by_kind["schedule"]["data"].get("utc_offset")})
    if "hijack" in by_kind:
        d = by_kind["hijack"]["data"]
        old = [r["from"] for r in d.get("renames") or [] if r.get("field") == "handle"] or acc.get("former_handles") or []
        chips.append({"kind": "hijack", "old": old[0] if old else None, "lang_before": d.get("lang_before"),
                      "lang_after": d.get("lang_after")})
    if "low_reach" in by_kind:
        chips.append({"kind": "low_reach"})
    partners = max((e["data"].get("partners") or 0 for e in acc["evidence"]
                    if e["kind"] in ("co_action", "text_near", "crosslingual")), default=0)
    if partners:
        chips.append({"kind": "partners", "n": partners})
    if "known_case" in by_kind:
        chips.append({"kind": "known"})
    return chips


def _page(url: str) -> str | None:
    u = normalize_url(url)
    if not u or "?" not in u:
        return u
    base, _, query = u.partition("?")
    kept = [kv for kv in query.split("&") if kv.split("=", 1)[0] not in SHARE_PARAMS]
    return base + ("?" + "&".join(kept) if kept else "")


def pushed_pages(posts: list[dict[str, Any]], top: int = 12) -> list[dict[str, Any]]:
    """Links in posts grouped by page (normalised; tracking and share parameters dropped), most posts first:
    ``{url, domain, posts, accounts}`` with the real URL (defang it before display)."""
    pages: dict[str, dict[str, set[str]]] = {}
    for p in posts:
        for u in set(filter(None, (_page(x) for x in p.get("urls") or []))):
            g = pages.setdefault(u, {"posts": set(), "accounts": set()})
            g["posts"].add(p["post_id"])
            g["accounts"].add(p.get("node") or p["account_id"])
    ranked = sorted(pages.items(), key=lambda kv: (-len(kv[1]["posts"]), kv[0]))[:top]
    return [{"url": u, "domain": registered_domain(u), "posts": len(g["posts"]), "accounts": len(g["accounts"])}
            for u, g in ranked]


def _examples(store: Store, run: str, cid: str, handle: dict[str, str], names: dict[str, str], per_kind: int = 2) -> list[dict[str, Any]]:
    """The closest-in-time coordinated actions of each kind between two members, with readable objects."""
    rows = store.query(
        """WITH m AS (SELECT node FROM campaign_accounts WHERE run_id = ? AND campaign_id = ?)
           SELECT * FROM (SELECT ee.a, ee.b, ee.kind, ee.object_key, ee.post_a, ee.post_b, ee.time_delta,
                  row_number() OVER (PARTITION BY ee.kind ORDER BY ee.time_delta, ee.a, ee.b, ee.post_a) AS rn
                  FROM edge_evidence ee WHERE ee.run_id = ? AND ee.a IN (SELECT node FROM m) AND ee.b IN (SELECT node FROM m))
           WHERE rn <= ? ORDER BY kind, time_delta""",
        [run, cid, run, per_kind],
    )
    ids = [r[k] for r in rows for k in ("post_a", "post_b") if r[k]]
    posts = {r["post_id"]: r for r in store.query(
        "SELECT post_id, platform, text, reply_to_post_id, root_post_id FROM posts WHERE list_contains(?, post_id)", [sorted(set(ids))])} if ids else {}
    targets = {f"{r['platform']}:{r['account_id']}": r["name"] for r in store.query("SELECT platform, account_id, name FROM targets")}
    out = []
    for r in rows:
        pa, pb = posts.get(r["post_a"], {}), posts.get(r["post_b"], {})
        kind = r["kind"]
        obj = (r["object_key"] or "").split(":", 1)[-1]
        link = None
        if kind in TEXT_KINDS:
            text = " ".join((pa.get("text") or "").split())
            obj = "«" + defang(text[:90] + ("…" if len(text) > 90 else "")) + "»"
        elif kind == "reply":
            plat, _, pid = obj.partition(":")
            link, obj = post_link(plat, pid), pid
        elif kind == "reply_account":
            obj = targets.get(obj, obj)
        elif kind in ("domain", "url"):
            obj = defang_domain(obj) if kind == "domain" else defang(obj)
        elif kind in _OBJECT_PREFIX:
            obj = _OBJECT_PREFIX[kind] + obj.split(":")[-1]
        out.append({"kind": kind, "a_label": handle.get(r["a"], r["a"]), "b_label": handle.get(r["b"], r["b"]),
                    "object": obj, "object_link": link, "post_a": r["post_a"], "post_b": r["post_b"],
                    "link_a": post_link(pa.get("platform", ""), r["post_a"] or ""),
                    "link_b": post_link(pb.get("platform", ""), r["post_b"] or ""), "time_delta": r["time_delta"]})
    return out


def _narratives(prof: dict[str, Any], posts: list[dict[str, Any]]) -> dict[str, Any]:
    nar = prof.get("narratives")
    if isinstance(nar, list):  # profiles written before narratives were grouped
        nar = {"clusters": nar}
    nar = nar or {}
    clusters = [
        {"text": defang(c.get("representative")), "lang": c.get("lang") or "und",
         "langs": list(c.get("langs") or ([c["lang"]] if c.get("lang") else [])),
         "posts": c.get("n_posts"), "accounts": c.get("n_accounts")}
        for c in nar.get("clusters") or [] if c.get("representative")
    ]
    repeated = nar.get("repeated_messages")
    if repeated is None:  # no profile: most repeated messages per language, from the posts
        by_lang: dict[str, Counter[str]] = defaultdict(Counter)
        for p in posts:
            if p["text"]:
                by_lang[p["lang"] or "und"][" ".join(p["text"].split())] += 1
        repeated = {lang: [{"text": t, "count": c} for t, c in cnt.most_common(3)]
                    for lang, cnt in sorted(by_lang.items(), key=lambda kv: -sum(kv[1].values()))}
    return {
        "clusters": clusters,
        "repeated": {lang: [{"text": defang(m.get("text")), "count": m.get("count")} for m in msgs if m.get("text")]
                     for lang, msgs in repeated.items()},
        "key_terms": nar.get("key_terms") or [],
        "names": nar.get("names") or [],
        "urls": [{**u, "url": defang(u["url"])} for u in pushed_pages(posts)],
        "domains": [{"domain": defang_domain(d["domain"]), "posts": d.get("posts")}
                    for d in nar.get("domains") or [] if d.get("domain")],
        "mentions": nar.get("mentions") or [],
    }


def _long_weekend(d: _dt.date) -> str | None:
    """The public holiday whose long weekend (Friday–Sunday or Saturday–Monday) contains ``d``."""
    for delta in range(-2, 3):
        h = d + _dt.timedelta(days=delta)
        name = canadian_holidays(h.year).get(h)
        if name and ((h.weekday() == 0 and 0 <= delta <= 2) or (h.weekday() == 4 and -2 <= delta <= 0)):
            return name
    return None


def _timeline(prof: dict[str, Any], period: list[dict[str, Any]], start: _dt.date | None, end: _dt.date | None,
              names: dict[str, str]) -> dict[str, Any]:
    tl = prof.get("timeline") or {}
    daily: Counter[_dt.date] = Counter(p["created_at"].date() for p in period)
    if start and end:
        for i in range((end - start).days + 1):
            daily.setdefault(start + _dt.timedelta(days=i), 0)
    bursts = [b for b in tl.get("bursts") or [] if not start or (_day(b["date"]) or start) >= start]
    shaded: dict[_dt.date, dict[str, Any]] = {}
    for d in daily:
        hol, lw = canadian_holidays(d.year).get(d), _long_weekend(d)
        if hol or lw:
            shaded[d] = {"holiday": hol, "long_weekend": lw}
    targets = []
    for t in tl.get("targets") or []:
        for b in t.get("bursts") or []:
            targets.append({"name": names.get(t["target_id"], t["target_id"]), "usual": t.get("baseline_mean"), **b})
    targets.sort(key=lambda b: -(b.get("z") or 0))
    return {"daily": dict(daily), "bursts": bursts, "z": tl.get("z_threshold"), "alpha": tl.get("alpha"),
            "shaded": shaded, "targets": targets}


def campaign_period_posts(store: Store, run: str, c: dict[str, Any]) -> list[dict[str, Any]]:
    """The campaign's posts from the day of its first coordinated action on (its accounts' history left out)."""
    start = _day(c.get("first_seen"))
    return [p for p in data.campaign_posts(store, run, c["campaign_id"]) if not start or p["created_at"].date() >= start]


def case_file(store: Store, run: str, cid: str) -> dict[str, Any]:
    """The report's content for campaign ``cid`` of ``run`` (see the module docstring)."""
    c = data.campaign(store, run, cid)
    prof = c["profile"] if isinstance(c["profile"], dict) else {}
    info = data.run_info(store, run)
    params = info["parameters"]
    assess_params = params.get("assessment") or {}
    assessment = prof.get("assessment") or {"score": c.get("score"), "classification": c.get("classification"),
                                             "state_style_signs": [], "known_networks": []}
    posts = data.campaign_posts(store, run, cid)
    start = _day(c.get("first_seen")) or (posts[0]["created_at"].date() if posts else None)
    end = _day(c.get("last_seen")) or (posts[-1]["created_at"].date() if posts else None)
    period = [p for p in posts if not start or p["created_at"].date() >= start]
    history = [p for p in posts if start and p["created_at"].date() < start]
    if period and end and period[-1]["created_at"].date() > end:
        end = period[-1]["created_at"].date()
    accts = data.accounts(store, run, cid)
    handle = {a["node"]: (a["handle"] or a["display_name"] or a["account_id"]) for a in accts}
    cev = data.campaign_evidence(store, run, cid)
    sig_edges = data.edges(store, run, cid, significant_only=True)
    reached = data.targets_reached(store, run, cid)
    names = {t["target_id"]: t["name"] for t in reached}
    names.update({t["target_id"]: t.get("name") or t["target_id"] for t in prof.get("targets") or []})
    targets = []
    for t in reached:
        th = data.threat(store, run, t["target_id"])
        targets.append({**t, "threat": th, "level": th["level"] if th else None})
    # evidence -----------------------------------------------------------------
    all_post_ids = [p for e in cev for p in e["posts"]]
    examples = _examples(store, run, cid, handle, names)
    notable = [a for a in accts if {"hijack", "schedule", "known_case"} & set(a["indicators"])]
    top_accounts = (notable + [a for a in accts if a not in notable])[: max(TOP_ACCOUNTS, len(notable))]
    all_post_ids += [p for a in top_accounts for e in a["evidence"] for p in e["posts"][:4]]
    plat = _platforms_of(store, [p for p in all_post_ids if p])
    evidence = [{**e, "detail": defang(e["detail"]), "links": _links(e["posts"], plat)} for e in cev]
    caps = assess_params.get("weights") or {}
    score_rows = [{"kind": e["kind"], "weight": e["weight"], "cap": caps.get(e["kind"])}
                  for e in cev if e["kind"] not in ATTRIBUTION_KINDS and e["weight"] is not None]
    # accounts -----------------------------------------------------------------------
    rows = []
    for a in accts:
        rows.append({**a, "label": handle[a["node"]], "profile_url": profile_link(a["platform"], a["account_id"], a["handle"]),
                     "chips": _indicators(a)})
    account_evidence = [
        {"label": handle[a["node"]], "node": a["node"], "score": a["score"],
         "rows": [{**e, "detail": defang(e["detail"]), "links": _links(e["posts"], plat, 4)} for e in a["evidence"]]}
        for a in top_accounts if a["evidence"]
    ]
    # network --------------------------------------------------------------------------
    hijacked = {a["node"] for a in accts if "hijack" in a["indicators"]}
    batch = {a["node"] for a in accts if "creation_batch" in a["indicators"]}
    drawn = sorted(sig_edges, key=lambda e: -(e["weight"] or 0))[:MAX_NETWORK_EDGES]
    strongest = [{"a": handle.get(e["a"], e["a"]), "b": handle.get(e["b"], e["b"]), "shared": e["n_coactions"],
                  "expected": e["expected"], "q": e["q_value"], "gap": e["avg_time_delta"]} for e in drawn[:10]]
    gaps = [e["avg_time_delta"] for e in sig_edges if e["avg_time_delta"] is not None]
    coord = next((e for e in cev if e["kind"] == "co_action"), None)
    # DISARM ---------------------------------------------------------------------------------
    kinds = set(data.evidence_kinds(store, run, cid))
    for t in targets:
        for m in (t["threat"] or {}).get("messages") or []:
            if isinstance(m, dict) and m.get("campaign_id") == cid:
                kinds.update(f"threat:{r.get('category')}" for r in m.get("rules") or [m])
    techniques = disarm.techniques_with_sources(sorted(kinds))
    return {
        "cid": cid,
        "run": run,
        "campaign": c,
        "assessment": assessment,
        "coordinated": assessment.get("coordinated_beyond_chance", bool(sig_edges)),
        "min_state_signs": assess_params.get("min_state_signs", 2),
        "signs_total": STATE_SIGNS_TOTAL,
        "campaign_evidence": cev,
        "first": start,
        "last": end,
        "n_accounts": len(accts) or c.get("size") or 0,
        "n_posts": len(period),
        "n_directed": len({(d["platform"], d["post_id"]) for d in data.directed(store, run) if d["campaign_id"] == cid}),
        "platforms": dict(Counter(p["platform"] for p in period).most_common()),
        "languages": dict(Counter(p["lang"] or "und" for p in period).most_common()),
        "history": {
            "posts": len(history),
            "accounts": len({p["node"] for p in history}),
            "first": history[0]["created_at"] if history else None,
            "last": history[-1]["created_at"] if history else None,
            "languages": dict(Counter(p["lang"] or "und" for p in history).most_common()),
        },
        "pairs": len(sig_edges),
        "median_gap": (coord or {}).get("data", {}).get("median_gap_s") or (statistics.median(gaps) if gaps else None),
        "links": data.case_links(store, run, cid),
        "n_cases": data.n_cases(store),
        "score": assessment.get("score", c.get("score")),
        "score_rows": score_rows,
        "timeline": _timeline(prof, period, start, end, names),
        "times": [p["created_at"] for p in period],
        "network": {
            "nodes": [{"id": a["node"], "label": handle[a["node"]], "score": a["score"],
                       "group": "hijack" if a["node"] in hijacked else "batch" if a["node"] in batch else "other"}
                      for a in accts],
            "edges": [(e["a"], e["b"], float(e["weight"] or 0)) for e in drawn],
            "capped": len(sig_edges) > len(drawn),
            "strongest": strongest,
        },
        "narratives": _narratives(prof, period),
        "targets": targets,
        "accounts": rows,
        "evidence": [e for e in evidence if e["kind"] not in ATTRIBUTION_KINDS],
        "attribution": [e for e in evidence if e["kind"] in ATTRIBUTION_KINDS],
        "examples": examples,
        "account_evidence": account_evidence,
        "techniques": techniques,
        "countermeasures": disarm.COUNTERMEASURES,
        "run_info": info,
        "store_counts": {t: store.count(t) for t in ("posts", "accounts", "sources", "targets", "cases")},
    }
