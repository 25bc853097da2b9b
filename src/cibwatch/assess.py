"""Assessment: explainable scores, a classification, threat levels and case links.

:func:`assess_run` runs after the campaigns of a detection run are written.
For every campaign it writes:

* **evidence** rows (``evidence`` table), at campaign and account level:
  coordination (``co_action``, ``text_near``, ``crosslingual``, summarised
  from ``edges`` and ``edge_evidence``) and account indicators
  (``creation_batch``, ``handle_pattern``, ``schedule``, ``hijack``,
  ``low_reach``), both written by :mod:`cibwatch.evidence`; ``burst`` days
  (:mod:`cibwatch.profile`) and ``known_case`` links (:mod:`cibwatch.cases`);
* a **score** in [0, 1] per account (``campaign_accounts.score``) and per
  campaign (``campaigns.score``): the noisy-OR of the evidence weights,
  ``score = 1 − Π_i (1 − w_i)`` (Pearl 1988, *Probabilistic Reasoning in
  Intelligent Systems*, §4.3.2). Each weight is ``cap_kind × strength``: the
  cap (``AssessParams.weights``) is how much one kind of evidence can say on
  its own, the strength in [0, 1] is measured (share of members in a batch,
  share of posts in office hours, 1 − q-value of the coordination test, …).
  ``known_case`` rows are an attribution claim and are *not* part of the
  score;
* a **classification**: ``state_style`` when the campaign is coordinated
  beyond chance (at least one significant edge between its members) and shows
  at least ``min_state_signs`` of the state-style signs — an office schedule
  in a foreign time zone, hijacked accounts, Chinese-language messages next to
  English or French ones (or cross-lingual copies), a link to a known
  network; otherwise ``unattributed``. Campaigns that push the same rare
  content (a link, a website, a message cluster) are joined into an
  *operation* (:class:`cibwatch.campaigns.OperationLinks`): an early flood
  shows up as one small community per wave, none of which shows two signs
  on its own. Each campaign of an operation gets an ``operation`` row, and its
  signs are counted over the whole operation (its campaigns' own signs and
  those measured on all their accounts and posts together); the bar of two
  signs does not move;
* the campaign **profile** (``campaigns.profile``), **threats** per target
  and **case_links**.

The run is idempotent: the rows this stage owns for the run are replaced, and
the parameters are recorded under ``runs.parameters["assessment"]``.
:func:`explain` reads them back for one account or campaign.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .campaigns import LINK_KINDS, OperationLinks
from .cases import CaseMatcher
from .errors import NotFoundError, ParameterError
from .evidence import (
    Background,
    CampaignData,
    Evidence,
    _fmt_p,
    _schedule_evidence,
    campaign_indicators,
    coordination_evidence,
    object_label,
)
from .profile import (
    DirectedIndex,
    campaign_profile,
    corpus_document_frequencies,
    directed_messages,
    post_link,
    run_period,
)
from .schedule import ScheduleFit
from .signals import SignalContext, get_signal
from .store import Store
from .threats import assess_threats, threat_evidence, write_threats

__all__ = ["AssessParams", "AssessResult", "assess_run", "explain", "noisy_or", "DEFAULT_WEIGHTS", "STATE_SIGNS", "DISARM_TECHNIQUES"]

#: How much one kind of evidence can say on its own (the cap of its weight).
DEFAULT_WEIGHTS: dict[str, float] = {
    "co_action": 0.7,
    "text_near": 0.7,
    "crosslingual": 0.6,
    "creation_batch": 0.5,
    "handle_pattern": 0.3,
    "schedule": 0.6,
    "schedule_domestic": 0.1,
    "hijack": 0.6,
    "low_reach": 0.3,
    "burst": 0.1,
    "known_case": 0.8,
    "operation": 0.6,
}

#: Readable names of the state-style signs used by the classification.
STATE_SIGNS = {
    "foreign_schedule": "an office schedule in a foreign time zone",
    "hijacked_accounts": "hijacked or repurposed accounts",
    "chinese_with_en_fr": "Chinese-language messages alongside English or French ones",
    "known_network": "a link to a known network",
}

ATTRIBUTION_KINDS = frozenset({"known_case"})

#: DISARM v1.6 techniques each kind of evidence documents (stored in every row's ``data["disarm"]``).
DISARM_TECHNIQUES: dict[str, list[str]] = {
    "co_action": ["T0049.005", "T0116.001", "T0151.014"],
    "text_near": ["T0084.001", "T0049"],
    "crosslingual": ["T0085.008", "T0084.001"],
    "creation_batch": ["T0150.001", "T0150.008"],
    "handle_pattern": ["T0146.007", "T0150.008"],
    "schedule": ["T0146.007"],
    "hijack": ["T0150.002", "T0150.005", "T0128.005"],
    "low_reach": ["T0146.007"],
    "burst": ["T0049"],
    "known_case": ["T0049.004"],
    "operation": ["T0049", "T0049.005"],
}


@dataclass
class AssessParams:
    """Every setting of the assessment stage (recorded with the run)."""

    alpha: float = 0.01
    alpha_handles: float = 0.05
    batch_gap_days: float = 2.0
    batch_min_size: int = 3
    handle_fallback_digits: int = 4
    schedule_min_posts: int = 20
    dormant_days: float = 90.0
    low_reach_quantile: float = 0.1
    low_reach_fallback_followers: int = 10
    min_state_signs: int = 2
    min_zh_share: float = 0.05
    case_text_threshold: float = 0.7
    case_min_score: float = 0.5
    quote_limit: int = 20
    repetition_min: int = 3
    tfidf_sample: int = 50_000
    background_sample: int = 20_000
    examples: int = 3
    seed: int = 0
    link_operations: bool = True
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def validate(self) -> AssessParams:
        own = "AssessParams"
        for name in ("alpha", "alpha_handles", "low_reach_quantile", "min_zh_share"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and 0 < v < 1):
                raise ParameterError(name, "a number in (0, 1)", v, owner=own)
        for name in ("case_text_threshold", "case_min_score"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and 0 < v <= 1):
                raise ParameterError(name, "a number in (0, 1]", v, owner=own)
        for name, lo in (("batch_min_size", 3), ("schedule_min_posts", 1), ("min_state_signs", 1), ("quote_limit", 1),
                         ("repetition_min", 2), ("tfidf_sample", 1), ("background_sample", 100), ("examples", 1), ("handle_fallback_digits", 1),
                         ("low_reach_fallback_followers", 1)):
            v = getattr(self, name)
            if not (isinstance(v, int) and v >= lo):
                raise ParameterError(name, f"an integer >= {lo}", v, owner=own)
        for name in ("batch_gap_days", "dormant_days"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and v > 0):
                raise ParameterError(name, "a number > 0", v, owner=own)
        if not isinstance(self.link_operations, bool):
            raise ParameterError("link_operations", "true or false", self.link_operations, owner=own)
        merged = {**DEFAULT_WEIGHTS, **self.weights}
        for k, w in merged.items():
            if k not in DEFAULT_WEIGHTS:
                raise ParameterError("weights", "a dict with keys among " + ", ".join(DEFAULT_WEIGHTS), k, owner=own)
            if not (isinstance(w, (int, float)) and 0 <= w < 1):
                raise ParameterError(f"weights[{k!r}]", "a number in [0, 1)", w, owner=own)
        self.weights = merged
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class AssessResult:
    run_id: str
    parameters: dict[str, Any]
    campaigns: list[dict[str, Any]]
    threats: list[dict[str, Any]]
    case_links: list[dict[str, Any]]
    evidence_rows: int


def noisy_or(weights: list[float]) -> float:
    """``1 − Π(1 − w)``: the score formula."""
    miss = 1.0
    for w in weights:
        miss *= 1.0 - min(max(float(w), 0.0), 1.0)
    return round(1.0 - miss, 6)


# ---------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------
def _period_args(since: Any, until: Any) -> list[Any]:
    return [since, since, until, until]


def _load(store: Store, run_id: str, since: Any, until: Any, params: AssessParams) -> tuple[dict[str, CampaignData], Background]:
    args = _period_args(since, until)
    members = store.query(
        """SELECT ca.campaign_id, ca.node, ca.platform, ca.account_id, a.handle, a.display_name, a.created_at, a.followers,
                  a.description, a.location, a.profile_image_hash
           FROM campaign_accounts ca LEFT JOIN accounts a ON a.platform = ca.platform AND a.account_id = ca.account_id
           WHERE ca.run_id = ? ORDER BY ca.campaign_id, ca.node""",
        [run_id],
    )
    data: dict[str, CampaignData] = {}
    node_campaign: dict[str, str] = {}
    for m in members:
        cid = m.pop("campaign_id")
        data.setdefault(cid, CampaignData(cid, [], [], defaultdict(list), defaultdict(list), {}))
        data[cid].members.append(m)
        node_campaign[m["node"]] = cid
    for (cid,) in store.execute("SELECT campaign_id FROM campaigns WHERE run_id = ? ORDER BY campaign_id", [run_id]).fetchall():
        data.setdefault(cid, CampaignData(cid, [], [], defaultdict(list), defaultdict(list), {}))
    posts = store.execute(
        """SELECT ca.campaign_id, ca.node, p.post_id, p.platform, p.created_at, epoch(p.created_at)::BIGINT AS ts, p.lang,
                   CASE WHEN p.like_count IS NULL AND p.reply_count IS NULL AND p.repost_count IS NULL AND p.quote_count IS NULL THEN NULL
                        ELSE coalesce(p.like_count, 0) + coalesce(p.reply_count, 0) + coalesce(p.repost_count, 0) + coalesce(p.quote_count, 0) END AS engagement
            FROM posts p JOIN campaign_accounts ca ON ca.platform = p.platform AND ca.account_id = p.account_id
            WHERE ca.run_id = ? AND (CAST(? AS TIMESTAMP) IS NULL OR p.created_at >= ?) AND (CAST(? AS TIMESTAMP) IS NULL OR p.created_at < ?) ORDER BY p.created_at, p.post_id""",
        [run_id, *args],
    ).fetchall()
    for cid, node, pid, plat, created, ts, lang, eng in posts:
        data[cid].posts.append({"node": node, "post_id": pid, "platform": plat, "created_at": created, "ts": int(ts), "lang": lang, "engagement": eng})
    for cid, node, created, lang, pid in store.execute(
        """SELECT ca.campaign_id, ca.node, p.created_at, p.lang, p.post_id FROM posts p
           JOIN campaign_accounts ca ON ca.platform = p.platform AND ca.account_id = p.account_id WHERE ca.run_id = ?""",
        [run_id],
    ).fetchall():
        data[cid].history_posts[node].append((created, lang, pid))
    for cid, node, fld, val, fs in store.execute(
        """SELECT ca.campaign_id, ca.node, h.field, h.value, h.first_seen FROM account_history h
           JOIN campaign_accounts ca ON ca.platform = h.platform AND ca.account_id = h.account_id WHERE ca.run_id = ?""",
        [run_id],
    ).fetchall():
        data[cid].account_history[node].append((fld, val, fs))
    for cid, node, inside, n in store.execute(
        """SELECT ca.campaign_id, ca.node, cb.node IS NOT NULL AS inside, count(*) FROM posts p
            JOIN campaign_accounts ca ON ca.run_id = ? AND ca.platform = p.platform AND ca.account_id = p.reply_to_account_id
            LEFT JOIN campaign_accounts cb ON cb.run_id = ca.run_id AND cb.campaign_id = ca.campaign_id
                 AND cb.platform = p.platform AND cb.account_id = p.account_id
            WHERE p.account_id <> p.reply_to_account_id AND (CAST(? AS TIMESTAMP) IS NULL OR p.created_at >= ?) AND (CAST(? AS TIMESTAMP) IS NULL OR p.created_at < ?) GROUP BY ALL""",
        [run_id, *args],
    ).fetchall():
        ins, outs = data[cid].replies_received.get(node, (0, 0))
        data[cid].replies_received[node] = (ins + n, outs) if inside else (ins, outs + n)
    bg_acc = store.execute(
        """SELECT created_at, handle, followers FROM (
             SELECT a.created_at, a.handle, a.followers, a.platform, a.account_id FROM accounts a
             WHERE NOT EXISTS (SELECT 1 FROM campaign_accounts ca WHERE ca.run_id = ? AND ca.platform = a.platform AND ca.account_id = a.account_id))
           ORDER BY hash(platform || ':' || account_id || ?) LIMIT ?""",
        [run_id, str(params.seed), params.background_sample],
    ).fetchall()
    hist = np.zeros(168)
    for how, n in store.execute(
        """SELECT (isodow(p.created_at) - 1) * 24 + hour(p.created_at) AS how, count(*) FROM posts p
            WHERE (CAST(? AS TIMESTAMP) IS NULL OR p.created_at >= ?) AND (CAST(? AS TIMESTAMP) IS NULL OR p.created_at < ?) AND NOT EXISTS (SELECT 1 FROM campaign_accounts ca WHERE ca.run_id = ? AND ca.platform = p.platform AND ca.account_id = p.account_id)
            GROUP BY 1""",
        [*args, run_id],
    ).fetchall():
        hist[int(how)] = n
    bg = Background(
        created=[r[0] for r in bg_acc if r[0] is not None],
        handles=[r[1] for r in bg_acc if r[1]],
        followers=[int(r[2]) for r in bg_acc if r[2] is not None],
        hour_hist=hist,
    )
    return data, bg


# ---------------------------------------------------------------------------
# the stage
# ---------------------------------------------------------------------------
def _burst_evidence(cid: str, prof: dict[str, Any], params: AssessParams) -> list[Evidence]:
    bursts = prof["timeline"]["bursts"]
    if not bursts:
        return []
    days = []
    for b in bursts[:6]:
        tag = b["weekday"]
        if b.get("holiday"):
            tag += f", {b['holiday']}"
        elif b.get("long_weekend"):
            tag += f", {b['long_weekend']} long weekend"
        days.append(f"{b['date']} ({tag}: {b['posts']} posts, z = {b['z']})")
    lw = sorted({b["long_weekend"] for b in bursts if b.get("long_weekend")})
    what = (
        "The campaign's posts aimed at watch-list members"
        if prof["timeline"].get("burst_basis") == "directed"
        else "The campaign's posting volume"
    )
    detail = (
        f"{what} spiked on {len(bursts)} day(s) well above its usual daily volume "
        f"(robust z-score over {prof['timeline']['z_threshold']}): " + "; ".join(days) + "."
        + (f" The surge fell on the {', '.join(lw)} long weekend." if lw else "")
    )
    return [Evidence("campaign", cid, "burst", detail, params.weights["burst"], [], {"bursts": bursts, "long_weekends": lw})]


def _known_case_evidence(cid: str, links: list[dict[str, Any]], members: dict[str, dict[str, Any]], params: AssessParams) -> list[Evidence]:
    out = []
    for link in links:
        c = link["counts"]
        parts = [f"{n} {k if n == 1 else k + 's'}" for k, n in c.items()]
        text_posts = [p for v in link["matches"].get("text", {}).values() for p in v.get("posts", [])][:10]
        out.append(
            Evidence(
                "campaign", cid, "known_case",
                f"Linked to a known network: case '{link['name']}' ({link['case_id']}). Shared with that case's indicators: {', '.join(parts)} "
                f"(link score {link['score']:.2f}). This is an attribution claim with its own evidence, separate from the finding of coordinated "
                "inauthentic behaviour.",
                params.weights["known_case"] * link["score"], text_posts, link,
            )
        )
        nodes: dict[str, list[str]] = defaultdict(list)
        for node in link["matches"].get("account", {}):
            nodes[node].append("its account id")
        for h, d in link["matches"].get("handle", {}).items():
            nodes[d["node"]].append(f"its handle @{h}")
        for node, why in nodes.items():
            if node in members:
                out.append(
                    Evidence("account", node, "known_case",
                             f"Listed in the known-network case '{link['name']}' ({link['case_id']}) by " + " and ".join(why) + ".",
                             params.weights["known_case"], [], {"case_id": link["case_id"], "matched": why})
                )
    return out


def _signs(rows: list[Evidence], languages: dict[str, int], links: list[dict[str, Any]], params: AssessParams) -> list[str]:
    """The state-style signs shown by campaign-level ``rows``, post ``languages`` and case ``links``."""
    signs = []
    camp = [r for r in rows if r.subject_kind == "campaign"]
    if any(r.kind == "schedule" and r.data.get("foreign") for r in camp):
        signs.append("foreign_schedule")
    if any(r.kind == "hijack" for r in camp):
        signs.append("hijacked_accounts")
    if any(r.kind == "crosslingual" for r in camp) or _zh_with_en_fr(languages, params):
        signs.append("chinese_with_en_fr")
    if links:
        signs.append("known_network")
    return signs


def _zh_with_en_fr(languages: dict[str, int], params: AssessParams) -> bool:
    total = max(1, sum(languages.values()))
    zh = sum(v for k, v in languages.items() if k and k.startswith("zh")) / total
    return zh >= params.min_zh_share and bool(languages.get("en") or languages.get("fr"))


def _classify(coordinated: bool, signs: list[str], params: AssessParams) -> str:
    return "state_style" if coordinated and len(signs) >= params.min_state_signs else "unattributed"


# ---------------------------------------------------------------------------
# operations: campaigns that push the same rare content
# ---------------------------------------------------------------------------
_OBJECT_WORDS = {"url": "the link", "domain": "the website", "media": "the image or video", "hashtag": "the hashtag",
                 "text_near": "the message", "crosslingual": "the message, in several languages,"}


def _link_inputs(store: Store, run_id: str, since: Any, until: Any, sizes: dict[str, int]
                 ) -> tuple[dict[str, set[str]], dict[str, int], int, dict[str, int]]:
    """What :class:`~cibwatch.campaigns.OperationLinks` needs: objects per campaign, users per shared object, active accounts,
    and members of the holding campaigns among those users.

    A campaign pushes an object when its significant internal edges have
    evidence on it; the members named in that evidence are users of the
    object inside the campaign (a lower bound: members who used it outside an
    edge are not counted). Users of a message cluster come from ``text_clusters``;
    users of links, sites, media and hashtags are counted on the traces of
    the signal of that kind over the run's period (the same object keys).
    """
    objects: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, str] = {}
    inside: Counter[str] = Counter()
    for cid, kind, key, n_members in store.execute(
        """WITH e AS (SELECT c1.campaign_id, ee.kind, ee.object_key, ee.a, ee.b FROM edge_evidence ee
               JOIN campaign_accounts c1 ON c1.run_id = ee.run_id AND c1.node = ee.a
               JOIN campaign_accounts c2 ON c2.run_id = ee.run_id AND c2.node = ee.b AND c2.campaign_id = c1.campaign_id
               WHERE ee.run_id = ? AND list_contains(?, ee.kind))
           SELECT campaign_id, kind, object_key, count(DISTINCT node) FROM (
               SELECT campaign_id, kind, object_key, a AS node FROM e UNION ALL SELECT campaign_id, kind, object_key, b FROM e)
           GROUP BY ALL ORDER BY ALL""",
        [run_id, list(LINK_KINDS)],
    ).fetchall():
        if cid in sizes:
            objects[cid].add(key)
            kinds[key] = kind
            inside[key] += int(n_members)
    holders: Counter[str] = Counter(k for keys in objects.values() for k in keys)
    shared = sorted(k for k, n in holders.items() if n > 1)
    users: dict[str, int] = {}
    if not shared:
        return dict(objects), users, 0, {}
    for key, n in store.execute(
        "SELECT cluster_key, n_accounts FROM text_clusters WHERE run_id = ? AND list_contains(?, cluster_key)", [run_id, shared]
    ).fetchall():
        if n:
            users[key] = int(n)
    by_kind: dict[str, set[str]] = defaultdict(set)
    for key in shared:
        if key not in users and kinds[key] not in ("text_near", "crosslingual"):
            by_kind[kinds[key]].add(key)
    if by_kind:
        run = store.query("SELECT parameters FROM runs WHERE run_id = ?", [run_id])
        rp = json.loads(run[0]["parameters"]) if run and run[0]["parameters"] else {}
        ctx = SignalContext(run_id=None, since=since, until=until, params=rp, seed=int(rp.get("seed") or 0))
        for kind, keys in sorted(by_kind.items()):
            try:
                sig = get_signal(kind)
            except ParameterError:  # a run made with a signal this installation does not have
                continue
            t = sig.fn(store, ctx).select(["account", "object_key"])
            t = t.filter(pc.is_in(t.column("object_key"), value_set=pa.array(sorted(keys), pa.string())))
            for row in t.group_by("object_key").aggregate([("account", "count_distinct")]).to_pylist():
                users[row["object_key"]] = int(row["account_count_distinct"])
    population = store.query(
        """SELECT count(*) AS n FROM (SELECT DISTINCT platform, account_id FROM posts p
           WHERE (CAST(? AS TIMESTAMP) IS NULL OR p.created_at >= ?) AND (CAST(? AS TIMESTAMP) IS NULL OR p.created_at < ?))""",
        _period_args(since, until),
    )[0]["n"]
    return dict(objects), users, int(population), {k: inside[k] for k in shared}


def _operations(store: Store, run_id: str, since: Any, until: Any, per: dict[str, dict[str, Any]], bg: Background,
                reps: dict[str, str], params: AssessParams) -> list[dict[str, Any]]:
    """Link campaigns into operations, pool their state-style signs, and add an ``operation`` row to each member campaign.

    The operation's signs are the union of its campaigns' own signs and of the
    signs measured on all of their accounts and posts together: a posting
    schedule fitted to the pooled posts, hijacked accounts anywhere in the
    operation, Chinese next to English or French over the pooled languages.
    """
    sizes = {cid: len(c["members"]) for cid, c in per.items() if c["members"]}
    objects, users, population, inside = _link_inputs(store, run_id, since, until, sizes)
    ol = OperationLinks(alpha=params.alpha).fit(sizes, objects, users, population, inside)
    out = []
    for op in ol.operations_:
        cids = op["campaigns"]
        camps = [per[c] for c in cids]
        posts = [p for c in camps for p in c["cd"].posts]
        languages: Counter[str] = Counter()
        for c in camps:
            languages.update(c["prof"].get("languages", {}))
        findings: dict[str, Any] = {}
        signs = set().union(*(c["signs"] for c in camps))
        sf = ScheduleFit(alpha=params.alpha, min_posts=params.schedule_min_posts).fit([p["ts"] for p in posts], bg.hour_hist)
        if sf.offset_ is not None and sf.significant_:
            sched = _schedule_evidence("campaign", op["operation_id"], sf, params.weights, [])
            findings["schedule"] = {"detail": sched.detail, **sched.data}
            if sf.foreign_:
                signs.add("foreign_schedule")
        hijacked = [(cid, r.subject_id) for cid, c in zip(cids, camps, strict=True) for r in c["rows"] if r.subject_kind == "account" and r.kind == "hijack"]
        if hijacked:
            signs.add("hijacked_accounts")
            findings["hijacked"] = [{"campaign_id": cid, "account": node} for cid, node in hijacked]
        xling = [cid for cid, c in zip(cids, camps, strict=True) if any(r.subject_kind == "campaign" and r.kind == "crosslingual" for r in c["rows"])]
        if xling or _zh_with_en_fr(languages, params):
            signs.add("chinese_with_en_fr")
        findings["languages"] = dict(languages.most_common())
        findings["crosslingual_campaigns"] = xling
        known = sorted({lk["case_id"] for c in camps for lk in c["links"]})
        if known:
            signs.add("known_network")
            findings["known_cases"] = known
        op = {**op, "posts": len(posts), "signs": [s for s in STATE_SIGNS if s in signs], "findings": findings}
        out.append(op)
        for cid in cids:
            per[cid]["rows"].append(_operation_evidence(cid, op, per, reps, params))
    return out


def _operation_evidence(cid: str, op: dict[str, Any], per: dict[str, dict[str, Any]], reps: dict[str, str], params: AssessParams) -> Evidence:
    others = [c for c in op["campaigns"] if c != cid]
    f = op["findings"]
    objs = []
    for t in sorted(op["links"], key=lambda t: (-len(t["campaigns"]), t["p_value"]))[:4]:
        kind = t["object"].partition(":")[0]
        objs.append(
            f"{_OBJECT_WORDS.get(kind, 'the object')} {object_label(t['object'], reps)}, pushed by {len(t['campaigns'])} of them "
            f"({', '.join(t['campaigns'])}) and used by {t['users']:,} accounts in all"
            + (f", {t['inside']:,} of them members of these campaigns where chance would give {t['expected_inside']:.2g}"
               if t.get("inside") else "")
            + f"; {t['expected']:.2g} campaigns would hold it by chance; p = {_fmt_p(t['p_value'])}"
        )
    population = op["links"][0]["population"] if op["links"] else 0
    said: list[str] = []
    for s in op["signs"]:
        if s == "foreign_schedule":
            sched = f.get("schedule", {})
            if sched.get("foreign"):
                why = sched["detail"].replace("These posts follow", "its posts follow", 1)
            else:
                why = "seen in " + ", ".join(c for c in op["campaigns"] if "foreign_schedule" in per[c]["signs"]) + "."
        elif s == "hijacked_accounts":
            h = f.get("hijacked", [])
            ex = ", ".join(f"{_at_handle(per[x['campaign_id']]['members'].get(x['account'], {}), x['account'])} in {x['campaign_id']}" for x in h[:4])
            why = f"{len(h)} account(s): {ex}{', …' if len(h) > 4 else ''}."
        elif s == "chinese_with_en_fr":
            langs = f["languages"]
            zh = sum(v for k, v in langs.items() if k and k.startswith("zh"))
            why = f"{zh} of {sum(langs.values())} posts are in Chinese"
            if f["crosslingual_campaigns"]:
                why += "; the same messages appear in several languages in " + ", ".join(f["crosslingual_campaigns"])
            why += "."
        else:
            why = "case " + ", ".join(f.get("known_cases", [])) + "."
        said.append(f"({len(said) + 1}) {STATE_SIGNS[s]}: {why}")
    detail = (
        f"This campaign is one of {len(op['campaigns'])} campaigns ({cid} with {', '.join(others)}; {op['accounts']} accounts and "
        f"{op['posts']} posts in all) treated as one operation because they push the same content, which few of the {population:,} "
        f"accounts active in the period other than their members use (of the run's {len(per)} campaigns; for each item, how many of "
        f"its users are members against how many chance would give, how many campaigns would hold two or more of its users by "
        f"chance, and the p-value): " + " — ".join(objs) + ". "
        + (f"Taken together the operation shows {len(said)} state-style sign(s): " + " ".join(said) if said
           else "Taken together the operation shows no state-style sign.")
    )
    p_min = min(t["p_value"] for t in op["links"]) if op["links"] else 1.0
    return Evidence(
        "campaign", cid, "operation", detail, params.weights["operation"] * (1 - p_min),
        [],
        {"operation_id": op["operation_id"], "campaigns": op["campaigns"], "accounts": op["accounts"], "posts": op["posts"],
         "links": op["links"], "signs": op["signs"], "findings": op["findings"]},
    )


def _at_handle(member: dict[str, Any], node: str) -> str:
    return f"@{member['handle']}" if member.get("handle") else node


def assess_run(store: Store, run_id: str, *, params: AssessParams | None = None) -> AssessResult:
    """Assess every campaign of a run; write evidence, scores, classification, profile, threats and case links."""
    params = (params or AssessParams()).validate()
    since, until = run_period(store, run_id)
    data, bg = _load(store, run_id, since, until, params)
    directed = directed_messages(store, since, until)
    d_index = DirectedIndex.build(directed)
    corpus = corpus_document_frequencies(store, since, until, sample=params.tfidf_sample, seed=params.seed)
    reps = {r["cluster_key"]: r["representative"] for r in store.query("SELECT cluster_key, representative FROM text_clusters WHERE run_id = ?", [run_id]) if r["representative"]}
    matcher = CaseMatcher(text_threshold=params.case_text_threshold, min_score=params.case_min_score).fit(store, exclude_source_prefix=f"cibwatch:{run_id}:")
    per: dict[str, dict[str, Any]] = {}
    for cid, cd in data.items():
        members = {m["node"]: m for m in cd.members}
        handles = {m["node"]: m.get("handle") for m in cd.members}
        rows = coordination_evidence(store, run_id, cid, handles, reps, params) if cd.members else []
        coordinated = any(r.subject_kind == "campaign" and r.kind in ("co_action", "text_near", "crosslingual") for r in rows)
        if cd.members:
            rows += campaign_indicators(cd, bg, params)
        prof = campaign_profile(store, run_id, cid, alpha=params.alpha, corpus=corpus, directed=d_index)
        rows += _burst_evidence(cid, prof, params)
        links = matcher.match(store, run_id, cid) if cd.members and matcher.cases_ else []
        rows += _known_case_evidence(cid, links, members, params)
        per[cid] = {"cd": cd, "members": members, "rows": rows, "coordinated": coordinated, "prof": prof, "links": links,
                    "signs": _signs(rows, prof.get("languages", {}), links, params)}
    operations = _operations(store, run_id, since, until, per, bg, reps, params) if params.link_operations and len(per) > 1 else []
    op_of = {cid: op for op in operations for cid in op["campaigns"]}
    all_rows: list[Evidence] = []
    summaries, link_rows, scores = [], [], []
    for cid, c in per.items():
        rows, prof, links, coordinated, own = c["rows"], c["prof"], c["links"], c["coordinated"], c["signs"]
        op = op_of.get(cid)
        signs = [s for s in STATE_SIGNS if s in set(own) | set(op["signs"] if op else ())]
        cls = _classify(coordinated, signs, params)
        cscore = noisy_or([r.weight for r in rows if r.subject_kind == "campaign" and r.kind not in ATTRIBUTION_KINDS])
        per_node: dict[str, list[float]] = defaultdict(list)
        for r in rows:
            if r.subject_kind == "account" and r.kind not in ATTRIBUTION_KINDS:
                per_node[r.subject_id].append(r.weight)
        for node in c["members"]:
            scores.append((cid, node, noisy_or(per_node.get(node, []))))
        across = f" (across operation {op['operation_id']})" if op else ""
        prof["assessment"] = {
            "score": cscore, "classification": cls, "coordinated_beyond_chance": coordinated,
            "state_style_signs": [{"sign": s, "meaning": STATE_SIGNS[s] + ("" if s in own else across)} for s in signs],
            "own_signs": own,
            "operation": {k: op[k] for k in ("operation_id", "campaigns", "accounts", "posts", "signs")} if op else None,
            "known_networks": [{"case_id": lk["case_id"], "name": lk["name"], "score": lk["score"]} for lk in links],
        }
        summaries.append({"campaign_id": cid, "score": cscore, "classification": cls, "signs": signs,
                          "operation_id": op["operation_id"] if op else None, "profile": prof,
                          "evidence": sum(1 for r in rows if r.subject_kind == "campaign")})
        link_rows += [(cid, lk) for lk in links]
        all_rows += rows
    threats = assess_threats(store, run_id, campaign_of={(m["platform"], m["account_id"]): cid for cid, cd in data.items() for m in cd.members},
                             directed=directed, quote_limit=params.quote_limit, repetition_min=params.repetition_min)
    all_rows += threat_evidence(threats)
    for r in all_rows:
        if r.kind in DISARM_TECHNIQUES:
            r.data.setdefault("disarm", DISARM_TECHNIQUES[r.kind])
    _write(store, run_id, all_rows, summaries, scores, link_rows, params)
    write_threats(store, run_id, threats)
    return AssessResult(
        run_id, params.to_dict(),
        [{k: v for k, v in s.items() if k != "profile"} for s in summaries],
        [{"target": t["target"], "level": t["level"]} for t in threats],
        [{"campaign_id": cid, "case_id": lk["case_id"], "score": lk["score"]} for cid, lk in link_rows],
        len(all_rows),
    )


def _write(store: Store, run_id: str, rows: list[Evidence], summaries: list[dict[str, Any]], scores: list[tuple[str, str, float]],
           links: list[tuple[str, dict[str, Any]]], params: AssessParams) -> None:
    ev = pa.table(
        {
            "run_id": [run_id] * len(rows),
            "subject_kind": [r.subject_kind for r in rows],
            "subject_id": [r.subject_id for r in rows],
            "kind": [r.kind for r in rows],
            "detail": [r.detail for r in rows],
            "weight": [round(float(r.weight), 6) for r in rows],
            "posts": [list(r.posts) for r in rows],
            "data": [json.dumps(r.data, ensure_ascii=False, default=str) for r in rows],
        },
        schema=pa.schema([("run_id", pa.string()), ("subject_kind", pa.string()), ("subject_id", pa.string()), ("kind", pa.string()),
                          ("detail", pa.string()), ("weight", pa.float64()), ("posts", pa.list_(pa.string())), ("data", pa.string())]),
    )
    sc = pa.table({"campaign_id": [s[0] for s in scores], "node": [s[1] for s in scores], "score": [s[2] for s in scores]},
                  schema=pa.schema([("campaign_id", pa.string()), ("node", pa.string()), ("score", pa.float64())]))
    run = store.query("SELECT parameters FROM runs WHERE run_id = ?", [run_id])
    rp = json.loads(run[0]["parameters"]) if run and run[0]["parameters"] else {}
    rp["assessment"] = params.to_dict()
    with store.transaction():
        store.execute("DELETE FROM evidence WHERE run_id = ?", [run_id])
        store.execute("DELETE FROM case_links WHERE run_id = ?", [run_id])
        store.con.register("_cib_ev", ev)
        store.con.register("_cib_sc", sc)
        try:
            store.execute("INSERT INTO evidence SELECT run_id, subject_kind, subject_id, kind, detail, weight, posts, data::JSON FROM _cib_ev")
            store.execute(
                """UPDATE campaign_accounts SET score = s.score FROM _cib_sc s
                   WHERE campaign_accounts.run_id = ? AND campaign_accounts.campaign_id = s.campaign_id AND campaign_accounts.node = s.node""",
                [run_id],
            )
        finally:
            store.con.unregister("_cib_ev")
            store.con.unregister("_cib_sc")
        for s in summaries:
            store.execute(
                "UPDATE campaigns SET score = ?, classification = ?, profile = ? WHERE run_id = ? AND campaign_id = ?",
                [s["score"], s["classification"], json.dumps(s["profile"], ensure_ascii=False, default=str), run_id, s["campaign_id"]],
            )
        for cid, lk in links:
            store.execute("INSERT INTO case_links VALUES (?, ?, ?, ?, ?)",
                          [run_id, cid, lk["case_id"], lk["score"], json.dumps(lk, ensure_ascii=False, default=str)])
        store.execute("UPDATE runs SET parameters = ? WHERE run_id = ?", [json.dumps(rp, sort_keys=True, default=str), run_id])


# ---------------------------------------------------------------------------
# explain
# ---------------------------------------------------------------------------
def _resolve_run(store: Store, run_id: str | None) -> str:
    if run_id:
        if not store.query("SELECT 1 FROM runs WHERE run_id = ?", [run_id]):
            raise NotFoundError(f"no run {run_id!r} in the store.", hint="Omit --run to use the latest detection run.")
        return run_id
    return str(store.latest_run("detect")["run_id"])


def _links(store: Store, post_ids: list[str], platforms: set[str] | None) -> dict[str, tuple[str, str | None]]:
    if not post_ids:
        return {}
    rows = store.query(
        "SELECT platform, post_id, account_id FROM posts WHERE list_contains(?, post_id)", [list(dict.fromkeys(post_ids))]
    )
    out: dict[str, tuple[str, str | None]] = {}
    for r in rows:
        if platforms and r["platform"] not in platforms and r["post_id"] in out:
            continue
        out[r["post_id"]] = (r["platform"], post_link(r["platform"], r["post_id"]))
    return out


def _evidence(store: Store, run_id: str, subject_kind: str, subject_id: str, platforms: set[str] | None) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT kind, detail, weight, posts, data FROM evidence WHERE run_id = ? AND subject_kind = ? AND subject_id = ? ORDER BY weight DESC, kind",
        [run_id, subject_kind, subject_id],
    )
    links = _links(store, [p for r in rows for p in (r["posts"] or [])], platforms)
    out = []
    for r in rows:
        posts = list(r["posts"] or [])
        out.append(
            {"kind": r["kind"], "claim": "attribution" if r["kind"] in ATTRIBUTION_KINDS else "detection", "detail": r["detail"],
             "weight": r["weight"], "posts": posts, "post_links": [links[p][1] for p in posts if p in links and links[p][1]],
             "data": json.loads(r["data"]) if r["data"] else {}}
        )
    return out


def explain(store: Store, id: str, *, run_id: str | None = None) -> dict[str, Any]:
    """Every evidence row behind an account's or a campaign's score.

    ``id`` is a campaign id, an account node key ``"platform:account_id"``,
    or a bare account id when it names one account.
    """
    run = _resolve_run(store, run_id)
    camp = store.query("SELECT campaign_id, size, score, classification, profile FROM campaigns WHERE run_id = ? AND campaign_id = ?", [run, id])
    if camp:
        c = camp[0]
        prof = json.loads(c["profile"]) if c["profile"] else {}
        plats = set(prof.get("platforms", {}))
        links = store.query("SELECT case_id, score, evidence FROM case_links WHERE run_id = ? AND campaign_id = ? ORDER BY score DESC", [run, id])
        return {
            "id": id, "kind": "campaign", "run_id": run, "score": c["score"], "classification": c["classification"],
            "size": c["size"],
            "finding": "coordinated inauthentic behaviour" if prof.get("assessment", {}).get("coordinated_beyond_chance") else "no coordination beyond chance",
            "state_style_signs": prof.get("assessment", {}).get("state_style_signs", []),
            "operation": prof.get("assessment", {}).get("operation"),
            "scale": prof.get("scale"), "first_activity": prof.get("first_activity"), "last_activity": prof.get("last_activity"),
            "targets": [t["name"] or t["target_id"] for t in prof.get("targets", [])[:10]],
            "known_networks": [{"case_id": r["case_id"], "score": r["score"]} for r in links],
            "evidence": _evidence(store, run, "campaign", id, plats or None),
        }
    node = _resolve_account(store, run, id)
    plat = node.partition(":")[0]
    member = store.query("SELECT campaign_id, score FROM campaign_accounts WHERE run_id = ? AND node = ?", [run, node])
    acc = store.query("SELECT handle, display_name FROM accounts WHERE platform = ? AND account_id = ?", list(node.split(":", 1)))
    return {
        "id": node, "kind": "account", "run_id": run, "score": member[0]["score"] if member else 0.0,
        "campaign_id": member[0]["campaign_id"] if member else None,
        "handle": acc[0]["handle"] if acc else None, "display_name": acc[0]["display_name"] if acc else None,
        "evidence": _evidence(store, run, "account", node, {plat}),
    }


def _resolve_account(store: Store, run: str, id: str) -> str:
    if ":" in id:
        plat, _, aid = id.partition(":")
        if store.query("SELECT 1 FROM campaign_accounts WHERE run_id = ? AND node = ?", [run, id]) or store.query(
            "SELECT 1 FROM accounts WHERE platform = ? AND account_id = ?", [plat, aid]
        ):
            return id
    nodes = sorted({r["node"] for r in store.query("SELECT node FROM campaign_accounts WHERE run_id = ? AND account_id = ?", [run, id])})
    if not nodes:
        nodes = sorted({f"{r['platform']}:{r['account_id']}" for r in store.query(
            "SELECT platform, account_id FROM accounts WHERE account_id = ? OR lower(handle) = lower(?)", [id, id.lstrip("@")])})
    if len(nodes) == 1:
        return nodes[0]
    if len(nodes) > 1:
        raise NotFoundError(f"{id!r} names several accounts: {', '.join(nodes)}.", hint="Give the full id as platform:account_id.")
    raise NotFoundError(
        f"no campaign or account {id!r} in run {run}.",
        hint="List campaigns with `cibwatch campaigns`; accounts are named platform:account_id (e.g. x:12345) or by handle.",
    )
