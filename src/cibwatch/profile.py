"""The campaign profile: who it targets, what it says, when, where, how big.

:func:`campaign_profile` describes one campaign of a run as a JSON-ready dict
(stored in ``campaigns.profile`` by :func:`cibwatch.assess.assess_run`):

* **targets** — watch-list accounts reached through replies
  (``reply_to_account_id``), mentions of their handle, and comments under a
  thread whose root post they wrote (:func:`directed_messages`);
* **narratives** — representative messages of the campaign's text clusters
  and the most repeated messages per language; key terms by TF-IDF against
  the corpus of the run's period (Salton & Buckley 1988, *Information
  Processing & Management* 24(5)); the links, domains, names and handles it
  pushes;
* **languages** (the stored language of each post; for posts stored without
  one — Facebook comments carry none — the language identified from the
  text by :func:`cibwatch.normalize.lang.detect_languages`, or ``zh`` for
  text written mostly in Han characters when that module is not installed),
  **platforms**, **first/last activity**, **scale**;
* **timeline** — daily volume and burst days. A campaign day is a burst when
  its robust z-score (median and MAD of the campaign's own daily volume) is
  above ``Φ⁻¹(1 − alpha / days)``; for each target, days are scored against
  that target's own baseline of organic (non-campaign) messages. Bursts are
  marked with the weekday and any Canadian public holiday (long weekends).
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from .errors import NotFoundError, ParameterError
from .normalize.urls import registered_domain
from .store import Store

__all__ = [
    "campaign_profile",
    "directed_messages",
    "DirectedIndex",
    "run_period",
    "canadian_holidays",
    "corpus_document_frequencies",
    "tokens",
    "registered_domain",
    "TEXT_KINDS",
    "post_link",
    "post_languages",
]


def post_link(platform: str, post_id: str) -> str | None:
    """A link to a post on its platform (X and Facebook; ``None`` otherwise)."""
    if platform in ("x", "twitter"):
        return f"https://x.com/i/status/{post_id}"
    if platform == "facebook":
        return f"https://www.facebook.com/{post_id}"
    return None

#: Trace kinds that compare message text (the rest are co-actions on objects).
TEXT_KINDS = ("text_near", "text_exact", "crosslingual")

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)
_URLS = re.compile(r"https?://\S+|www\.\S+|@\w+", re.I)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NAME = re.compile(r"\b[A-Z][a-zà-öø-ÿ'’-]+(?:\s+(?:[A-Z][a-zà-öø-ÿ'’-]+|de|du|van|von|la|le)){0,2}\s+[A-Z][a-zà-öø-ÿ'’-]+\b")
_STOP = frozenset(
    "the and for you are this that with was his her not but have has our their they them from who what when where which will would "
    "les des une est pour pas que qui dans sur avec son ses par mais plus nous vous ils elle leur aux ont été".split()
)


def tokens(text: str) -> set[str]:
    """Terms of a message: words of 3+ letters (casefolded) and CJK character bigrams."""
    out: set[str] = set()
    if not text:
        return out
    text = _URLS.sub(" ", text)
    for w in _WORD.findall(text.casefold()):
        if len(w) >= 3 and w not in _STOP and not _CJK.search(w):
            out.add(w)
    for run in _CJK.findall(text):
        if len(run) == 1:
            out.add(run)
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


def _han_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(1 for ch in letters if _CJK.match(ch)) / len(letters) if letters else 0.0


def post_languages(posts: list[dict[str, Any]]) -> list[str]:
    """The language of each post (dicts with ``lang`` and ``text``): stored, else identified from the text, else ``"und"``."""
    out = [p.get("lang") or None for p in posts]
    need = [i for i, lang in enumerate(out) if lang is None and posts[i].get("text")]
    if need:
        texts = [posts[i]["text"] for i in need]
        found: list[str | None]
        try:
            from .normalize.lang import detect_languages

            found = detect_languages(texts)
        except ImportError:  # no language identifier installed: Han script is still unmistakable
            found = ["zh" if _han_share(t) >= 0.5 else None for t in texts]
        for i, lang in zip(need, found, strict=True):
            out[i] = lang
    return [lang or "und" for lang in out]


def _parse_time(v: Any) -> _dt.datetime | None:
    if v is None or v == "":
        return None
    if isinstance(v, _dt.datetime):
        return v.replace(tzinfo=None) if v.tzinfo is None else v.astimezone(_dt.UTC).replace(tzinfo=None)
    try:
        t = _dt.datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is None else t.astimezone(_dt.UTC).replace(tzinfo=None)


def run_period(store: Store, run_id: str) -> tuple[_dt.datetime | None, _dt.datetime | None]:
    """The ``[since, until)`` period a run covered (``None`` when unbounded)."""
    rows = store.query("SELECT parameters FROM runs WHERE run_id = ?", [run_id])
    if not rows:
        raise NotFoundError(f"no run {run_id!r} in the store.", hint="List runs with `cibwatch status`.")
    params = json.loads(rows[0]["parameters"]) if rows[0]["parameters"] else {}
    return _parse_time(params.get("since")), _parse_time(params.get("until"))


def _period_args(since: _dt.datetime | None, until: _dt.datetime | None) -> list[Any]:
    """Parameters of the fixed ``[since, until)`` clause used in every query: ``[since, since, until, until]``."""
    return [since, since, until, until]


def directed_messages(store: Store, since: _dt.datetime | None = None, until: _dt.datetime | None = None) -> list[dict[str, Any]]:
    """Every (target, post, how) in the period: replies to, mentions of, comments under a target.

    A watch-list row without ``account_id`` is resolved through the
    ``accounts`` table by handle. A target's own posts are not directed at it.
    """
    args = _period_args(since, until)
    sql = """
    WITH t AS (
        SELECT t.target_id, t.platform, lower(ltrim(t.handle, '@')) AS h,
               coalesce(t.account_id, (SELECT any_value(a.account_id) FROM accounts a
                                       WHERE a.platform = t.platform AND lower(a.handle) = lower(ltrim(t.handle, '@')))) AS aid
        FROM targets t
    ), p AS (SELECT * FROM posts p WHERE (CAST(? AS TIMESTAMP) IS NULL OR p.created_at >= ?) AND (CAST(? AS TIMESTAMP) IS NULL OR p.created_at < ?)),
    m AS (SELECT platform, post_id, lower(ltrim(unnest(mentions), '@')) AS h FROM p)
    SELECT t.target_id, p.platform, p.post_id, p.account_id, p.created_at, p.text, p.lang, 'reply' AS how FROM p JOIN t ON p.platform = t.platform AND p.reply_to_account_id = t.aid
        WHERE p.account_id <> t.aid
    UNION
    SELECT t.target_id, m.platform, m.post_id, p.account_id, p.created_at, p.text, p.lang, 'mention' FROM m JOIN t ON m.platform = t.platform AND m.h = t.h
        JOIN p ON p.platform = m.platform AND p.post_id = m.post_id WHERE p.account_id IS DISTINCT FROM t.aid
    UNION
    SELECT t.target_id, p.platform, p.post_id, p.account_id, p.created_at, p.text, p.lang, 'thread' FROM p
        JOIN posts r ON r.platform = p.platform AND r.post_id = coalesce(p.root_post_id, p.conversation_id)
        JOIN t ON t.platform = r.platform AND t.aid = r.account_id
        WHERE p.post_id <> r.post_id AND p.account_id <> t.aid
    """
    return store.query(sql, args)


# ---------------------------------------------------------------------------
# holidays and bursts
# ---------------------------------------------------------------------------
def _nth_weekday(year: int, month: int, weekday: int, n: int) -> _dt.date:
    d = _dt.date(year, month, 1)
    d += _dt.timedelta(days=(weekday - d.weekday()) % 7)
    return d + _dt.timedelta(weeks=n - 1)


def _easter(year: int) -> _dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return _dt.date(year, month, day)


@functools.lru_cache(maxsize=64)
def canadian_holidays(year: int) -> dict[_dt.date, str]:
    """Canadian federal (and Quebec/Ontario civic) public holidays of a year."""
    may25 = _dt.date(year, 5, 25)
    victoria = may25 - _dt.timedelta(days=(may25.weekday() - 0) % 7 or 7)
    return {
        _dt.date(year, 1, 1): "New Year's Day",
        _easter(year) - _dt.timedelta(days=2): "Good Friday",
        _easter(year) + _dt.timedelta(days=1): "Easter Monday",
        victoria: "Victoria Day",
        _dt.date(year, 6, 24): "Fête nationale (Quebec)",
        _dt.date(year, 7, 1): "Canada Day",
        _nth_weekday(year, 8, 0, 1): "Civic Holiday",
        _nth_weekday(year, 9, 0, 1): "Labour Day",
        _dt.date(year, 9, 30): "National Day for Truth and Reconciliation",
        _nth_weekday(year, 10, 0, 2): "Thanksgiving",
        _dt.date(year, 11, 11): "Remembrance Day",
        _dt.date(year, 12, 25): "Christmas Day",
        _dt.date(year, 12, 26): "Boxing Day",
    }


def _long_weekend(d: _dt.date) -> str | None:
    """The holiday whose long weekend contains ``d``, if any."""
    for delta in range(-3, 4):
        h = d + _dt.timedelta(days=delta)
        name = canadian_holidays(h.year).get(h)
        if not name or h.weekday() not in (0, 4):  # Monday or Friday holidays make long weekends
            continue
        lo = h if h.weekday() == 4 else h - _dt.timedelta(days=2)
        hi = h + _dt.timedelta(days=2) if h.weekday() == 4 else h
        if lo <= d <= hi:
            return name
    return None


def _z_threshold(alpha: float, n_days: int) -> float:
    return float(stats.norm.isf(alpha / max(1, n_days)))


def _bursts(daily: dict[_dt.date, int], alpha: float) -> tuple[list[dict[str, Any]], float]:
    if not daily:
        return [], 0.0
    lo, hi = min(daily), max(daily)
    days = [lo + _dt.timedelta(days=i) for i in range((hi - lo).days + 1)]
    x = np.array([daily.get(d, 0) for d in days], dtype=float)
    med = float(np.median(x))
    sd = max(1.4826 * float(np.median(np.abs(x - med))), math.sqrt(max(med, 1.0)))
    thr = _z_threshold(alpha, len(days))
    out = []
    for d, v in zip(days, x, strict=True):
        z = (v - med) / sd
        if z >= thr:
            out.append(
                {"date": d.isoformat(), "posts": int(v), "z": round(z, 2), "weekday": d.strftime("%A"),
                 "holiday": canadian_holidays(d.year).get(d), "long_weekend": _long_weekend(d)}
            )
    return out, thr


# ---------------------------------------------------------------------------
# corpus statistics
# ---------------------------------------------------------------------------
def corpus_document_frequencies(store: Store, since: _dt.datetime | None, until: _dt.datetime | None, *, sample: int = 50_000, seed: int = 0) -> tuple[Counter[str], int]:
    """Document frequency of every term over (a seeded sample of) the period's posts."""
    args = _period_args(since, until)
    n = store.query("SELECT count(*) AS n FROM posts p WHERE (CAST(? AS TIMESTAMP) IS NULL OR p.created_at >= ?) AND (CAST(? AS TIMESTAMP) IS NULL OR p.created_at < ?) AND p.text IS NOT NULL", args)[0]["n"]
    if n > sample:
        rows = store.execute(
            "SELECT text FROM posts p WHERE (CAST(? AS TIMESTAMP) IS NULL OR p.created_at >= ?) AND (CAST(? AS TIMESTAMP) IS NULL OR p.created_at < ?) AND p.text IS NOT NULL ORDER BY hash(p.post_id || ?) LIMIT ?", [*args, str(seed), sample]
        ).fetchall()
    else:
        rows = store.execute("SELECT text FROM posts p WHERE (CAST(? AS TIMESTAMP) IS NULL OR p.created_at >= ?) AND (CAST(? AS TIMESTAMP) IS NULL OR p.created_at < ?) AND p.text IS NOT NULL", args).fetchall()
    df: Counter[str] = Counter()
    for (t,) in rows:
        df.update(tokens(t))
    return df, len(rows)


# ---------------------------------------------------------------------------
# the profile
# ---------------------------------------------------------------------------
@dataclass
class DirectedIndex:
    """:func:`directed_messages` indexed once per run: post → (target, how), and daily counts per target."""

    by_post: dict[tuple[str, str], list[tuple[str, str]]]
    daily: dict[str, Counter[_dt.date]]

    @classmethod
    def build(cls, directed: list[dict[str, Any]]) -> DirectedIndex:
        by_post: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        daily: dict[str, Counter[_dt.date]] = defaultdict(Counter)
        for d in directed:
            k = (d["platform"], d["post_id"])
            if any(t == d["target_id"] for t, _ in by_post.get(k, ())):
                continue  # one post counts once per target, whichever way it reached it
            by_post[k].append((d["target_id"], d["how"]))
            daily[d["target_id"]][d["created_at"].date()] += 1
        return cls(dict(by_post), dict(daily))


def campaign_profile(
    store: Store,
    run_id: str,
    campaign_id: str,
    *,
    alpha: float = 0.01,
    corpus: tuple[Counter[str], int] | None = None,
    directed: list[dict[str, Any]] | DirectedIndex | None = None,
    top: int = 10,
) -> dict[str, Any]:
    """Profile one campaign of a run (see the module docstring).

    ``corpus`` (document frequencies, number of documents) and ``directed``
    (:func:`directed_messages`, or its :class:`DirectedIndex`) can be passed in when profiling many
    campaigns of the same run.
    """
    if not (isinstance(alpha, float) and 0 < alpha < 1):
        raise ParameterError("alpha", "a number in (0, 1)", alpha, owner="campaign_profile")
    if not store.query("SELECT 1 FROM campaigns WHERE run_id = ? AND campaign_id = ?", [run_id, campaign_id]):
        raise NotFoundError(f"no campaign {campaign_id!r} in run {run_id!r}.", hint="List campaigns with `cibwatch campaigns`.")
    since, until = run_period(store, run_id)
    args = _period_args(since, until)
    posts = store.query(
        """SELECT p.platform, p.post_id, p.account_id, p.created_at, p.text, p.lang, p.urls, p.mentions
            FROM posts p JOIN campaign_accounts ca ON ca.platform = p.platform AND ca.account_id = p.account_id
            WHERE ca.run_id = ? AND ca.campaign_id = ? AND (CAST(? AS TIMESTAMP) IS NULL OR p.created_at >= ?) AND (CAST(? AS TIMESTAMP) IS NULL OR p.created_at < ?) ORDER BY p.created_at, p.post_id""",
        [run_id, campaign_id, *args],
    )
    n_accounts = store.query("SELECT count(*) AS n FROM campaign_accounts WHERE run_id = ? AND campaign_id = ?", [run_id, campaign_id])[0]["n"]

    # targets -------------------------------------------------------------
    if directed is None:
        directed = directed_messages(store, since, until)
    idx = directed if isinstance(directed, DirectedIndex) else DirectedIndex.build(directed)
    names = {r["target_id"]: r for r in store.query("SELECT target_id, any_value(name) AS name, any_value(role) AS role, any_value(party) AS party FROM targets GROUP BY target_id")}
    per_target: dict[str, dict[str, Any]] = {}
    campaign_daily_t: dict[str, Counter[_dt.date]] = defaultdict(Counter)
    directed_daily: Counter[_dt.date] = Counter()  # the campaign's posts aimed at watch-list members
    for p in posts:
        k = (p["platform"], p["post_id"])
        aimed = idx.by_post.get(k, ())
        if aimed:
            directed_daily[p["created_at"].date()] += 1
        for tid, how in aimed:
            t = per_target.setdefault(tid, {"posts": set(), "accounts": set(), "how": Counter(), "platforms": Counter()})
            t["posts"].add(k)
            t["accounts"].add(p["account_id"])
            t["how"][how] += 1
            t["platforms"][p["platform"]] += 1
            campaign_daily_t[tid][p["created_at"].date()] += 1
    organic_daily = {tid: idx.daily.get(tid, Counter()) - campaign_daily_t[tid] for tid in per_target}
    targets = []
    for tid, t in sorted(per_target.items(), key=lambda kv: -len(kv[1]["posts"])):
        info = names.get(tid, {})
        targets.append(
            {"target_id": tid, "name": info.get("name"), "role": info.get("role"), "party": info.get("party"),
             "posts": len(t["posts"]), "accounts": len(t["accounts"]), "how": dict(t["how"]), "platforms": dict(t["platforms"])}
        )

    # narratives ------------------------------------------------------------
    clusters = store.query(
        """SELECT DISTINCT tc.cluster_key, tc.representative, tc.lang, tc.langs, tc.n_posts, tc.n_accounts
            FROM edge_evidence ee
            JOIN campaign_accounts c1 ON c1.run_id = ee.run_id AND c1.node = ee.a
            JOIN campaign_accounts c2 ON c2.run_id = ee.run_id AND c2.node = ee.b AND c2.campaign_id = c1.campaign_id
            JOIN text_clusters tc ON tc.run_id = ee.run_id AND tc.cluster_key = ee.object_key
            WHERE ee.run_id = ? AND c1.campaign_id = ? AND list_contains(?, ee.kind)
            ORDER BY tc.n_posts DESC NULLS LAST, tc.cluster_key LIMIT ?""",
        [run_id, campaign_id, list(TEXT_KINDS), top],
    )
    langs = post_languages(posts)
    by_lang: dict[str, Counter[str]] = defaultdict(Counter)
    for p, lang in zip(posts, langs, strict=True):
        if p["text"]:
            by_lang[lang][" ".join(p["text"].split())] += 1
    repeated = {
        lang: [{"text": t, "count": c} for t, c in cnt.most_common(3)]
        for lang, cnt in sorted(by_lang.items(), key=lambda kv: -sum(kv[1].values()))
    }
    if corpus is None:
        corpus = corpus_document_frequencies(store, since, until)
    df, n_docs = corpus
    camp_df: Counter[str] = Counter()
    for p in posts:
        camp_df.update(tokens(p["text"] or ""))
    n_posts = max(1, len(posts))
    scored = [
        (term, (c / n_posts) * math.log((n_docs + 1) / (df.get(term, 0) + 1)) if n_docs else c / n_posts, c)
        for term, c in camp_df.items()
        if c >= 2
    ]
    key_terms = [{"term": t, "score": round(s, 4), "posts": c} for t, s, c in sorted(scored, key=lambda x: (-x[1], x[0]))[:15]]
    urls: Counter[str] = Counter()
    domains: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    people: Counter[str] = Counter()
    for p in posts:
        for u in p["urls"] or []:
            urls[u] += 1
            dom = registered_domain(u)
            if dom:
                domains[dom] += 1
        for m in p["mentions"] or []:
            mentions[m.lstrip("@").lower()] += 1
        for name in set(_NAME.findall(p["text"] or "")):
            people[name] += 1

    # timeline ----------------------------------------------------------------
    daily: Counter[_dt.date] = Counter(p["created_at"].date() for p in posts)
    # Bursts are measured on the posts aimed at watch-list members when there are any: the
    # members' earlier, unrelated history (a hijacked account's past year) would otherwise make
    # the usual day an empty one and every active day a "spike".
    burst_basis = "directed" if directed_daily else "all"
    bursts, z_thr = _bursts(directed_daily if directed_daily else daily, alpha)
    target_bursts = []
    for t in targets[:top * 5]:
        tid = t["target_id"]
        cd, od = campaign_daily_t[tid], organic_daily[tid]
        days_all = set(cd) | set(od)
        if not days_all:
            continue
        lo, hi = min(days_all), max(days_all)
        span = [lo + _dt.timedelta(days=i) for i in range((hi - lo).days + 1)]
        base = np.array([od.get(day, 0) for day in span], dtype=float)
        mu = float(base.mean())
        sd = max(float(base.std()), math.sqrt(max(mu, 1.0)))
        thr = _z_threshold(alpha, len(span))
        hits = []
        for day in span:
            total = cd.get(day, 0) + od.get(day, 0)
            z = (total - mu) / sd
            if cd.get(day, 0) and z >= thr:
                hits.append({"date": day.isoformat(), "campaign_posts": cd.get(day, 0), "organic_posts": od.get(day, 0), "z": round(z, 2)})
        target_bursts.append({"target_id": tid, "baseline_mean": round(mu, 2), "baseline_sd": round(sd, 2), "z_threshold": round(thr, 2), "bursts": hits})

    first = posts[0]["created_at"] if posts else None
    last = posts[-1]["created_at"] if posts else None
    return {
        "campaign_id": campaign_id,
        "run_id": run_id,
        "period": {"since": str(since) if since else None, "until": str(until) if until else None},
        "scale": {"accounts": int(n_accounts), "posts": len(posts), "targets": len(targets)},
        "first_activity": str(first) if first else None,
        "last_activity": str(last) if last else None,
        "platforms": dict(Counter(p["platform"] for p in posts).most_common()),
        "languages": dict(Counter(langs).most_common()),
        "targets": targets,
        "narratives": {
            "clusters": [{**c, "langs": list(c["langs"] or [])} for c in clusters],
            "repeated_messages": repeated,
            "key_terms": key_terms,
            "urls": [{"url": u, "posts": c} for u, c in urls.most_common(top)],
            "domains": [{"domain": d, "posts": c} for d, c in domains.most_common(top)],
            "names": [{"name": n, "posts": c} for n, c in people.most_common(top) if c >= 2],
            "mentions": [{"handle": h, "posts": c} for h, c in mentions.most_common(top)],
        },
        "timeline": {
            "daily": [{"date": d.isoformat(), "posts": c} for d, c in sorted(daily.items())],
            "bursts": bursts,
            "burst_basis": burst_basis,
            "z_threshold": round(z_thr, 2),
            "alpha": alpha,
            "targets": target_bursts,
        },
    }

