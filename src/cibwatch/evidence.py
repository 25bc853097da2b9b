"""Evidence rows: what was observed, in one readable sentence, with its numbers and posts.

Every claim cibwatch makes about an account or a campaign is an
:class:`Evidence` row (table ``evidence``). This module writes the rows of
one campaign:

* :func:`coordination_evidence` summarises the coordination engine's
  significant edges between members (``edges``, ``edge_evidence``) as
  ``co_action``, ``text_near`` and ``crosslingual`` rows: how many accounts,
  which objects, typical time gaps, the strongest pairs with their posts;
* :func:`campaign_indicators` runs the account indicators of
  :mod:`cibwatch.indicators` and :mod:`cibwatch.schedule` (``creation_batch``,
  ``handle_pattern``, ``schedule``, ``hijack``, ``low_reach``).

Weights are ``cap × strength`` (see :mod:`cibwatch.assess` for the caps and
the score).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .indicators import CreationBatches, HandlePatterns, HijackDetector, LowReach
from .profile import TEXT_KINDS
from .schedule import CANADIAN_OFFSETS, ScheduleFit, describe_offset
from .store import Store

if TYPE_CHECKING:
    from .assess import AssessParams

__all__ = ["Evidence", "CampaignData", "Background", "campaign_indicators", "coordination_evidence", "lang_name", "object_label"]


@dataclass
class Evidence:
    """One piece of evidence: a readable sentence, its weight, posts and numbers."""

    subject_kind: str  # account | campaign | target
    subject_id: str
    kind: str
    detail: str
    weight: float
    posts: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)



@dataclass
class CampaignData:
    """What the indicators need about one campaign (loaded by :mod:`cibwatch.assess`)."""

    campaign_id: str
    members: list[dict[str, Any]]  # node, platform, account_id, handle, display_name, created_at, followers, description, profile_image_hash
    posts: list[dict[str, Any]]  # node, post_id, platform, created_at, ts, lang, engagement, replies_inside, ...
    history_posts: dict[str, list[tuple[_dt.datetime, str | None, str]]]
    account_history: dict[str, list[tuple[str, str, _dt.datetime | None]]]
    replies_received: dict[str, tuple[int, int]]  # node -> (from members, from others)


@dataclass
class Background:
    """The rest of the store, against which thresholds are derived."""

    created: list[_dt.datetime]
    handles: list[str]
    followers: list[int]
    hour_hist: np.ndarray  # 168 UTC hour-of-week counts of posts outside campaigns
    cache: dict[str, Any] = field(default_factory=dict)


def _fmt_p(p: float) -> str:
    return f"{p:.1g}" if p < 0.001 else f"{p:.3f}"


def _at(handle: str | None, node: str) -> str:
    return f"@{handle}" if handle else node


def campaign_indicators(cd: CampaignData, bg: Background, params: Any) -> list[Evidence]:
    """Every account indicator for one campaign, as campaign- and account-level evidence.

    ``params`` is an :class:`cibwatch.assess.AssessParams` (its indicator
    settings and ``weights``).
    """
    out: list[Evidence] = []
    w = params.weights
    cid = cd.campaign_id
    n = len(cd.members)
    by_node = {m["node"]: m for m in cd.members}
    posts_by_node: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in cd.posts:
        posts_by_node[p["node"]].append(p)

    def first_posts(nodes: Iterable[str], k: int = 3) -> list[str]:
        res: list[str] = []
        for node in nodes:
            res += [p["post_id"] for p in posts_by_node.get(node, [])[:1]]
            if len(res) >= k:
                break
        return res

    # creation batches --------------------------------------------------
    cb = CreationBatches(params.batch_gap_days, params.alpha, params.batch_min_size).fit(
        {m["node"]: m["created_at"] for m in cd.members if m.get("created_at")}, bg.created
    )
    in_batch = {node: b for b in cb.batches_ for node in b["accounts"]}
    if cb.batches_:
        biggest = max(cb.batches_, key=lambda b: b["size"])
        share = len(in_batch) / n
        ranges = "; ".join(f"{b['size']} between {b['start']:%Y-%m-%d} and {b['end']:%Y-%m-%d}" for b in cb.batches_[:5])
        out.append(
            Evidence(
                "campaign", cid, "creation_batch",
                f"{len(in_batch)} of {n} accounts were created in {len(cb.batches_)} batch(es) of accounts made within days of each other ({ranges}); "
                f"the largest batch has {biggest['size']} accounts where about {biggest['expected']:.1f} would be expected by chance (p = {_fmt_p(biggest['p_value'])}).",
                w["creation_batch"] * share,
                first_posts(biggest["accounts"]),
                {"batches": [{**b, "start": str(b["start"]), "end": str(b["end"])} for b in cb.batches_], "share": share, "gap_days": params.batch_gap_days},
            )
        )
        for node, b in in_batch.items():
            out.append(
                Evidence(
                    "account", node, "creation_batch",
                    f"Created on {by_node[node]['created_at']:%Y-%m-%d}, in a batch of {b['size']} accounts of this campaign created between "
                    f"{b['start']:%Y-%m-%d} and {b['end']:%Y-%m-%d}.",
                    w["creation_batch"], first_posts([node], 1),
                    {"created_at": str(by_node[node]["created_at"]), "batch_size": b["size"], "batch_start": str(b["start"]), "batch_end": str(b["end"]), "p_value": b["p_value"]},
                )
            )

    # handles and names ---------------------------------------------------
    hp = HandlePatterns(params.alpha_handles, fallback_digits=params.handle_fallback_digits)
    if "handles" not in bg.cache:
        bg.cache["handles"] = hp.background_stats(bg.handles)
    hp.fit(cd.members, background_stats=bg.cache["handles"])
    if hp.flags_ and (hp.p_value_ < params.alpha or hp.clones_):
        examples = ", ".join(_at(by_node[k].get("handle"), k) for k in list(hp.flags_)[:5])
        clone_n = len({a for c in hp.clones_ for a in c["accounts"]})
        detail = (
            f"{round(hp.share_ * n)} of {n} handles are a name followed by a digit run of {hp.digits_threshold_}+ digits or a random-looking string "
            f"({hp.share_:.0%}, against {hp.background_share_:.0%} of other accounts; p = {_fmt_p(hp.p_value_)})"
        )
        if clone_n:
            detail += f"; {clone_n} accounts share a display name or profile image with another member"
        out.append(
            Evidence(
                "campaign", cid, "handle_pattern", detail + f". Examples: {examples}.",
                w["handle_pattern"] * min(1.0, len(hp.flags_) / n),
                first_posts(hp.flags_),
                {"share": hp.share_, "background_share": hp.background_share_, "p_value": hp.p_value_, "digits_threshold": hp.digits_threshold_,
                 "entropy_threshold": hp.entropy_threshold_, "threshold_basis": hp.threshold_basis_, "clones": hp.clones_, "flagged": len(hp.flags_)},
            )
        )
        for node, reasons in hp.flags_.items():
            out.append(
                Evidence(
                    "account", node, "handle_pattern", f"Handle {_at(by_node[node].get('handle'), node)}: " + "; ".join(reasons) + ".",
                    w["handle_pattern"], first_posts([node], 1),
                    {"handle": by_node[node].get("handle"), "display_name": by_node[node].get("display_name"), "reasons": reasons},
                )
            )

    # posting schedule --------------------------------------------------------
    sched_kw = {"alpha": params.alpha, "min_posts": params.schedule_min_posts}
    sf = ScheduleFit(**sched_kw).fit([p["ts"] for p in cd.posts], bg.hour_hist)
    if sf.offset_ is not None and sf.significant_:
        out.append(_schedule_evidence("campaign", cid, sf, w, [p["post_id"] for p in cd.posts[:3]]))
    for node, ps in posts_by_node.items():
        if len(ps) >= params.schedule_min_posts:
            af = ScheduleFit(**sched_kw).fit([p["ts"] for p in ps], bg.hour_hist)
            if af.offset_ is not None and af.significant_:
                out.append(_schedule_evidence("account", node, af, w, [p["post_id"] for p in ps[:3]]))

    # hijacked accounts -------------------------------------------------------
    hj = HijackDetector(params.dormant_days).fit(
        {k: v for k, v in cd.history_posts.items() if k in by_node}, cd.account_history
    )
    if hj.hijacked_:
        strength = float(np.mean([h["strength"] for h in hj.hijacked_.values()]))
        ex = []
        for node, h in list(hj.hijacked_.items())[:3]:
            ex.append(_hijack_sentence(by_node[node], h))
        out.append(
            Evidence(
                "campaign", cid, "hijack",
                f"{len(hj.hijacked_)} of {n} accounts look taken over or repurposed: silent for months, then active again "
                f"in another language or under a new name. For example: " + " ".join(ex),
                w["hijack"] * strength,
                [p for h in list(hj.hijacked_.values())[:3] for p in h["posts"]],
                {"accounts": list(hj.hijacked_), "dormant_days": params.dormant_days, "count": len(hj.hijacked_)},
            )
        )
        for node, h in hj.hijacked_.items():
            out.append(
                Evidence(
                    "account", node, "hijack", _hijack_sentence(by_node[node], h), w["hijack"] * h["strength"], h["posts"],
                    {**h, "dormant_from": str(h["dormant_from"]), "dormant_until": str(h["dormant_until"])},
                )
            )

    # low reach ---------------------------------------------------------------
    rows = []
    for m in cd.members:
        ps = posts_by_node.get(m["node"], [])
        ins, outs = cd.replies_received.get(m["node"], (0, 0))
        eng = sum(p.get("engagement") or 0 for p in ps) if any(p.get("engagement") is not None for p in ps) else None
        rows.append({**m, "n_posts": len(ps), "engagement": eng, "replies_inside": ins, "replies_outside": outs})
    lr = LowReach(params.low_reach_quantile, params.low_reach_fallback_followers).fit(rows, bg.followers)
    if lr.flags_:
        share = len(lr.flags_) / n
        inside_only = sum(1 for s in lr.signs_.values() if s["replies_inside"] and not s["replies_outside"])
        few = sum(1 for s in lr.signs_.values() if s["followers"] is not None and s["followers"] < lr.followers_threshold_)
        no_bio = sum(1 for node in lr.flags_ if not (by_node[node].get("description") or "").strip())
        eng_total = sum(s["engagement"] or 0 for s in lr.signs_.values())
        posts_total = sum(s["n_posts"] for s in lr.signs_.values())
        parts = [f"{few} have fewer than {lr.followers_threshold_:g} followers", f"{no_bio} have no bio",
                 f"together they received {eng_total} interactions on {posts_total} posts"]
        if inside_only:
            parts.append(f"{inside_only} received replies only from other members of this group")
        out.append(
            Evidence(
                "campaign", cid, "low_reach",
                f"{len(lr.flags_)} of {n} accounts have almost no audience: " + "; ".join(parts) + ".",
                w["low_reach"] * share, first_posts(lr.flags_),
                {"flagged": len(lr.flags_), "share": share, "followers_threshold": lr.followers_threshold_, "inside_only": inside_only,
                 "engagement": eng_total, "posts": posts_total},
            )
        )
        for node, signs in lr.flags_.items():
            out.append(
                Evidence(
                    "account", node, "low_reach", "Little or no audience: " + "; ".join(signs) + ".",
                    w["low_reach"] * len(signs) / 4, first_posts([node], 1), {**lr.signs_[node], "signs": signs, "followers_threshold": lr.followers_threshold_},
                )
            )
    return out


def _schedule_evidence(subject_kind: str, sid: str, sf: ScheduleFit, w: dict[str, float], posts: list[str]) -> Evidence:
    assert sf.offset_ is not None  # only called on fitted schedules
    dip = (f"posting drops to {sf.lunch_dip_:.0%} of the working-hour rate over lunch (12:00–14:00)" if sf.lunch_dip_ is not None
           else "there is no work on one side of lunch, so no lunch break can be seen")
    who = "These posts" if subject_kind == "campaign" else "This account's posts"
    base = (
        f"{who} follow a weekday office schedule in {describe_offset(sf.offset_)}: {sf.office_share_:.0%} of {sf.n_} posts fall in "
        f"local weekday office hours (09:00–12:00, 14:00–18:00) and {dip}"
    )
    if sf.foreign_:
        detail = base + f". The best Canadian time zone, {describe_offset(sf.canadian_offset_)}, fits far worse (p = {_fmt_p(sf.foreign_p_value_)})."
        weight = w["schedule"] * sf.office_share_
    elif not sf.has_breaks_:
        detail = base + "; without a clear lunch break this is a daytime schedule, not the shift pattern of an office, and says little about where the operators are."
        weight = w["schedule_domestic"] * sf.office_share_
    elif sf.offset_ in CANADIAN_OFFSETS:
        detail = base + "; this is a Canadian time zone, so the schedule alone says nothing about where the operators are."
        weight = w["schedule_domestic"] * sf.office_share_
    else:
        detail = base + f"; a Canadian time zone ({describe_offset(sf.canadian_offset_)}) fits almost as well."
        weight = w["schedule_domestic"] * sf.office_share_
    return Evidence(
        subject_kind, sid, "schedule", detail, weight, posts,
        {"utc_offset": sf.offset_, "office_share": sf.office_share_, "lunch_dip": sf.lunch_dip_, "posts": sf.n_, "p_value": sf.p_value_,
         "canadian_offset": sf.canadian_offset_, "foreign": sf.foreign_, "has_breaks": sf.has_breaks_, "foreign_p_value": sf.foreign_p_value_, "local_hours": sf.local_hours_,
         "llr": sf.llr_, "canadian_llr": sf.canadian_llr_},
    )


_LANG_NAMES = {"en": "English", "fr": "French", "zh": "Chinese", "bn": "Bengali", "ar": "Arabic", "es": "Spanish", "ru": "Russian",
               "vi": "Vietnamese", "id": "Indonesian", "pt": "Portuguese", "de": "German", "ja": "Japanese", "ko": "Korean", "hi": "Hindi",
               "ur": "Urdu", "tr": "Turkish", "fa": "Persian", "th": "Thai", "tl": "Tagalog"}


def lang_name(code: str | None) -> str:
    """``"zh-Hans"`` → ``"Chinese"``; unknown codes are returned as given."""
    if not code:
        return "an unknown language"
    return _LANG_NAMES.get(code.split("-")[0].lower(), code)


def _hijack_sentence(m: dict[str, Any], h: dict[str, Any]) -> str:
    who = _at(m.get("handle"), m["node"])
    parts = [f"{who} was silent for {h['dormant_days']:.0f} days ({h['dormant_from']:%Y-%m-%d} to {h['dormant_until']:%Y-%m-%d})"]
    if h["lang_changed"]:
        parts.append(f"posted in {lang_name(h['lang_before'])} before and in {lang_name(h['lang_after'])} after")
    for r in h["renames"]:
        what = "handle" if r["field"] == "handle" else "display name"
        parts.append(f"changed its {what} from '{r['from']}' to '{r['to']}'")
    return ", ".join(parts) + "."



_KIND_WORDS = {
    "repost": "reposted the same post",
    "reply": "replied to the same post",
    "reply_to_post": "replied to the same post",
    "reply_to_account": "replied to the same account",
    "reply_account": "replied to the same account",
    "mention": "mentioned the same account",
    "url": "shared the same link",
    "domain": "linked to the same website",
    "hashtag": "used the same hashtag",
    "media": "posted the same image or video",
    "text_exact": "posted the same text",
    "text_near": "posted near-identical text",
    "crosslingual": "posted the same message in different languages",
}


_VERB = {"repost": "reposted", "reply": "replied to", "reply_to_post": "replied to", "reply_to_account": "replied to", "reply_account": "replied to",
         "mention": "mentioned", "url": "shared the link", "domain": "linked to", "hashtag": "used", "media": "posted",
         "text_exact": "posted the message", "text_near": "posted the message", "crosslingual": "posted translations of the message"}


def _class_of(kind: str) -> str:
    if kind == "crosslingual":
        return "crosslingual"
    return "text_near" if kind in TEXT_KINDS else "co_action"


def _label(node: str, handles: dict[str, str | None]) -> str:
    h = handles.get(node)
    return f"@{h}" if h else node


def _fmt_gap(s: float | None) -> str:
    if s is None:
        return "?"
    s = abs(float(s))
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


def object_label(key: str, reps: dict[str, str]) -> str:
    """A readable name for a trace object key (``"url:https://…"`` → the URL)."""
    if key in reps:
        return f"«{reps[key][:90]}»"
    kind, _, rest = key.partition(":")
    if not rest:
        return key
    rest = rest[:90]
    if kind in ("reply", "reply_to_post", "repost", "quote"):
        return f"post {rest}"
    if kind in ("mention", "reply_to_account", "reply_account"):
        return f"account {rest}"
    if kind == "hashtag":
        return "#" + rest.lstrip("#")
    if kind == "media":
        return f"image/video {rest[:16]}"
    return rest


def coordination_evidence(
    store: Store, run_id: str, cid: str, handles: dict[str, str | None], reps: dict[str, str], params: AssessParams
) -> list[Evidence]:
    """Campaign- and account-level rows from the significant edges between the campaign's members."""
    edges = store.query(
        """SELECT e.a, e.b, e.weight, e.n_coactions, e.n_objects, e.signals, e.avg_time_delta, e.expected, e.p_value, e.q_value,
                  coalesce(e.significant, TRUE) AS significant
           FROM edges e
           JOIN campaign_accounts c1 ON c1.run_id = e.run_id AND c1.node = e.a
           JOIN campaign_accounts c2 ON c2.run_id = e.run_id AND c2.node = e.b AND c2.campaign_id = c1.campaign_id
           WHERE e.run_id = ? AND c1.campaign_id = ?""",
        [run_id, cid],
    )
    ev = store.query(
        """SELECT * FROM (
             SELECT ee.a, ee.b, ee.kind, ee.object_key, ee.post_a, ee.post_b, ee.time_delta,
                    row_number() OVER (PARTITION BY ee.a, ee.b, ee.kind ORDER BY abs(ee.time_delta) NULLS LAST, ee.object_key) AS rn
             FROM edge_evidence ee
             JOIN campaign_accounts c1 ON c1.run_id = ee.run_id AND c1.node = ee.a
             JOIN campaign_accounts c2 ON c2.run_id = ee.run_id AND c2.node = ee.b AND c2.campaign_id = c1.campaign_id
             WHERE ee.run_id = ? AND c1.campaign_id = ?) WHERE rn <= ?""",
        [run_id, cid, params.examples],
    )
    stats_rows = store.query(
        """WITH ev AS (SELECT ee.* FROM edge_evidence ee
             JOIN campaign_accounts c1 ON c1.run_id = ee.run_id AND c1.node = ee.a
             JOIN campaign_accounts c2 ON c2.run_id = ee.run_id AND c2.node = ee.b AND c2.campaign_id = c1.campaign_id
             WHERE ee.run_id = ? AND c1.campaign_id = ?)
           SELECT kind, object_key, count(DISTINCT x) AS accounts FROM (
             SELECT kind, object_key, a AS x FROM ev UNION ALL SELECT kind, object_key, b FROM ev) GROUP BY kind, object_key""",
        [run_id, cid],
    )
    gaps = store.query(
        """SELECT ee.kind, quantile_cont(abs(ee.time_delta), 0.5) AS med, count(*) AS n FROM edge_evidence ee
           JOIN campaign_accounts c1 ON c1.run_id = ee.run_id AND c1.node = ee.a
           JOIN campaign_accounts c2 ON c2.run_id = ee.run_id AND c2.node = ee.b AND c2.campaign_id = c1.campaign_id
           WHERE ee.run_id = ? AND c1.campaign_id = ? GROUP BY ee.kind""",
        [run_id, cid],
    )
    examples: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in ev:
        examples[(r["a"], r["b"], _class_of(r["kind"]))].append(r)
    # text objects without a cluster representative are named by one of their posts
    need = {r["object_key"]: r["post_a"] for r in ev if _class_of(r["kind"]) != "co_action" and r["object_key"] not in reps and r["post_a"]}
    if need:
        texts = {t["post_id"]: t["text"] for t in store.query(
            "SELECT post_id, any_value(text) AS text FROM posts WHERE list_contains(?, post_id) GROUP BY post_id", [list(set(need.values()))])}
        reps = {**reps, **{k: texts[p] for k, p in need.items() if texts.get(p)}}
    objects: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in stats_rows:
        objects[_class_of(r["kind"])].append(r)
    med_gap: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for r in gaps:
        if r["med"] is not None:
            med_gap[_class_of(r["kind"])].append((float(r["med"]), int(r["n"])))

    def obj_label(key: str) -> str:
        return object_label(key, reps)

    out: list[Evidence] = []
    by_class: dict[str, list[tuple[dict[str, Any], int]]] = defaultdict(list)
    for e in edges:
        sig = json.loads(e["signals"]) if isinstance(e["signals"], str) else (e["signals"] or {})
        per: Counter[str] = Counter()
        for k, n in sig.items():
            per[_class_of(k)] += int(n)
        if not per:
            per["co_action"] = int(e["n_coactions"] or 0)
        e["_sig"] = sig
        for cls, n in per.items():
            if n > 0:
                by_class[cls].append((e, n))
    n_members = max(1, len(handles))
    for cls, items in by_class.items():
        sig_items = [(e, n) for e, n in items if e["significant"]]
        if not sig_items:
            continue
        accounts = {x for e, _ in sig_items for x in (e["a"], e["b"])}
        qs = [e["q_value"] if e["q_value"] is not None else (e["p_value"] if e["p_value"] is not None else 0.0) for e, _ in sig_items]
        strength = (len(accounts) / n_members) * (1 - float(np.median(qs)))
        kinds: Counter[str] = Counter()
        for e, _ in sig_items:
            for k, cnt in e["_sig"].items():
                if _class_of(k) == cls:
                    kinds[k] += int(cnt)
        how = "; ".join(f"{_KIND_WORDS.get(k, k)} {n} time{'s' if n != 1 else ''}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
        top_obj = sorted(objects.get(cls, []), key=lambda r: (-r["accounts"], r["object_key"]))[:3]  # ties by key: reproducible
        objs = ", ".join(f"{obj_label(r['object_key'])} ({r['accounts']} accounts)" for r in top_obj)
        gl = med_gap.get(cls, [])
        gap = sum(m * n for m, n in gl) / sum(n for _, n in gl) if gl else None
        strongest = sorted(sig_items, key=lambda t: (-(t[0]["weight"] or t[1]), t[0]["a"], t[0]["b"]))[: params.examples]
        posts: list[str] = []
        ex_data = []
        for e, _n in strongest:
            for r in examples.get((e["a"], e["b"], cls), []):
                posts += [p for p in (r["post_a"], r["post_b"]) if p]
                ex_data.append({"a": e["a"], "b": e["b"], "object": r["object_key"], "post_a": r["post_a"], "post_b": r["post_b"], "time_delta": r["time_delta"]})
        pair = strongest[0][0]
        what = {"co_action": "acted on the same objects", "text_near": "posted the same or near-identical messages",
                "crosslingual": "posted the same messages in different languages"}[cls]
        detail = (
            f"{len(accounts)} of {n_members} accounts {what} beyond chance ({len(sig_items)} significant account pairs): {how}. "
            f"Typical gap between two accounts: {_fmt_gap(gap)}. Most shared: {objs or 'n/a'}. Strongest pair: "
            f"{_label(pair['a'], handles)} and {_label(pair['b'], handles)} ({pair['n_coactions'] or strongest[0][1]} shared actions"
            + (f", {pair['expected']:.2g} expected by chance" if pair["expected"] is not None else "")
            + (f", q = {pair['q_value']:.2g}" if pair["q_value"] is not None else "") + ")."
        )
        out.append(
            Evidence("campaign", cid, cls, detail, params.weights[cls] * strength, list(dict.fromkeys(posts))[:10],
                     {"accounts": len(accounts), "pairs": len(sig_items), "signals": dict(kinds), "median_gap_s": gap,
                      "top_objects": top_obj, "examples": ex_data[:10], "median_q": float(np.median(qs))})
        )
        # per account
        per_node: dict[str, list[tuple[dict[str, Any], int]]] = defaultdict(list)
        for e, n in sig_items:
            per_node[e["a"]].append((e, n))
            per_node[e["b"]].append((e, n))
        for node, its in per_node.items():
            its.sort(key=lambda t: -(t[0]["weight"] or t[1]))
            best, bn = its[0]
            other = best["b"] if best["a"] == node else best["a"]
            q = min((e["q_value"] if e["q_value"] is not None else 0.0) for e, _ in its)
            mine, exd = [], []
            for e, _ in its[: params.examples]:
                for r in examples.get((e["a"], e["b"], cls), []):
                    p = r["post_a"] if e["a"] == node else r["post_b"]
                    if p:
                        mine.append(p)
                    exd.append({"with": e["b"] if e["a"] == node else e["a"], "kind": r["kind"], "object": r["object_key"], "post": p,
                                "other_post": r["post_b"] if e["a"] == node else r["post_a"], "time_delta": r["time_delta"]})
            ex = exd[0] if exd else None
            detail = (
                f"{what[0].upper() + what[1:]} with {len(its)} other member(s) beyond chance ({sum(n for _, n in its)} shared actions). "
                f"Strongest link: {_label(other, handles)} ({best['n_coactions'] or bn} shared actions"
                + (f", q = {best['q_value']:.2g}" if best["q_value"] is not None else "") + ")"
                + (f"; e.g. both {_VERB.get(ex['kind'], 'acted on')} {obj_label(ex['object'])}, {_fmt_gap(ex['time_delta'])} apart" if ex else "")
                + "."
            )
            out.append(
                Evidence("account", node, cls, detail, params.weights[cls] * (1 - q), list(dict.fromkeys(mine))[:10],
                         {"partners": len(its), "shared_actions": sum(n for _, n in its), "min_q": q, "examples": exd[:10]})
            )
    return out


