"""Account indicators: the signs that a set of accounts is not what it claims to be.

Coordination (accounts acting together beyond chance) says *that* a group acts
in concert; these indicators say *what kind of accounts* they are. Each
detector follows the estimator contract (parameters in ``__init__``, ``fit``
returns ``self``, results in attributes ending in ``_``) and works on plain
Python data, so it can be tested without a store. :func:`campaign_indicators`
(in :mod:`cibwatch.evidence`) runs them on one campaign of a run and turns
their results into evidence rows.

Detectors and their tests (every threshold is derived from the data or from a
stated significance level):

* :class:`CreationBatches` — members created within a few days of each other.
  Creation dates are cut into groups wherever consecutive dates are more than
  ``gap_days`` apart; a group is a batch when its size is improbable under a
  Poisson model whose rate is the background creation density (all other
  accounts in the store) over the same dates, at level ``alpha`` with a
  Bonferroni correction over groups (Kulldorff's scan-statistic idea with a
  fixed window; Kulldorff 1997, *Commun. Stat. Theory Methods* 26(6)).
* :class:`HandlePatterns` — name + long digit run, high character entropy, and
  clones (members sharing a display name or a profile-image hash). The digit
  run and entropy cut-offs are the ``1 - alpha`` quantiles of the background
  accounts' handles; the campaign's share of formulaic handles is compared to
  the background share with an exact binomial test.
* :class:`ScheduleFit` (in :mod:`cibwatch.schedule`, re-exported here) — the
  best-fitting UTC offset of a weekday office schedule.
* :class:`HijackDetector` — a dormant period (a gap of ``dormant_days``
  or more in the account's own posts), then posts in another language, after a
  handle or name change (Graphika 2020 and Miburo 2021 on repurposed accounts).
* :class:`LowReach` — few followers (below the background ``quantile``),
  no bio, less than one interaction received per post, replies received only
  from inside the network (Stanford Internet Observatory 2020; RRM 2023).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from .errors import ParameterError
from .schedule import CANADIAN_OFFSETS, ScheduleFit, describe_offset, office_template, schedule_fit

__all__ = [
    "CreationBatches",
    "HandlePatterns",
    "ScheduleFit",
    "HijackDetector",
    "LowReach",
    "creation_batches",
    "handle_patterns",
    "schedule_fit",
    "hijack_signs",
    "low_reach",
    "CANADIAN_OFFSETS",
    "office_template",
    "describe_offset",
]

def _check(name: str, value: Any, ok: bool, allowed: str, owner: str) -> None:
    if not ok:
        raise ParameterError(name, allowed, value, owner=owner)


def _prob(name: str, value: float, owner: str) -> None:
    _check(name, value, isinstance(value, (int, float)) and 0 < value < 1, "a number in (0, 1)", owner)



# ---------------------------------------------------------------------------
# creation batches
# ---------------------------------------------------------------------------
class CreationBatches:
    """Members created in bursts: groups of creation dates improbable by chance.

    Parameters
    ----------
    gap_days : consecutive creation dates further apart than this start a new group.
    alpha : significance level (Bonferroni-corrected over the groups examined).
    min_size : smallest group examined (a pair is never a batch).

    Attributes
    ----------
    batches_ : list of dicts ``{start, end, accounts, size, expected, p_value}``
    groups_examined_ : number of candidate groups tested.
    """

    def __init__(self, gap_days: float = 2.0, alpha: float = 0.01, min_size: int = 3) -> None:
        self.gap_days = gap_days
        self.alpha = alpha
        self.min_size = min_size

    def fit(
        self, created: dict[str, _dt.datetime], background: Sequence[_dt.datetime] = (), *, min_background: int = 30
    ) -> CreationBatches:
        own = "CreationBatches"
        _check("gap_days", self.gap_days, isinstance(self.gap_days, (int, float)) and self.gap_days > 0, "a number > 0", own)
        _prob("alpha", self.alpha, own)
        _check("min_size", self.min_size, isinstance(self.min_size, int) and self.min_size >= 3, "an integer >= 3", own)
        items = sorted(((d, k) for k, d in created.items() if d is not None), key=lambda t: t[0])
        self.batches_: list[dict[str, Any]] = []
        self.groups_examined_ = 0
        if len(items) < self.min_size:
            return self
        gap = _dt.timedelta(days=self.gap_days)
        groups: list[list[tuple[_dt.datetime, str]]] = [[items[0]]]
        for d, k in items[1:]:
            if d - groups[-1][-1][0] > gap:
                groups.append([])
            groups[-1].append((d, k))
        cands = [g for g in groups if len(g) >= self.min_size]
        self.groups_examined_ = len(cands)
        n = len(items)
        bg = np.array(sorted(d.timestamp() for d in background if d is not None))
        span_all = max((items[-1][0] - items[0][0]).total_seconds(), 86400.0) + 86400.0
        for g in cands:
            start, end = g[0][0], g[-1][0]
            lo, hi = start.timestamp() - 43200, end.timestamp() + 43200  # half a day either side
            if len(bg) >= min_background:
                share = float(np.searchsorted(bg, hi, "right") - np.searchsorted(bg, lo, "left")) / len(bg)
                share = max(float(share), 1.0 / (len(bg) + 1))  # never zero: one pseudo-account
                basis = "background"
            else:  # no background: creation uniform over the members' own span
                share = (hi - lo) / span_all
                basis = "uniform"
            expected = n * float(share)
            p = float(stats.poisson.sf(len(g) - 1, expected))
            if p < self.alpha / max(1, len(cands)):
                self.batches_.append(
                    {
                        "start": start,
                        "end": end,
                        "accounts": [k for _, k in g],
                        "size": len(g),
                        "expected": expected,
                        "p_value": p,
                        "basis": basis,
                    }
                )
        return self


def creation_batches(created: dict[str, _dt.datetime], background: Sequence[_dt.datetime] = (), **params: Any) -> list[dict[str, Any]]:
    """Function form of :class:`CreationBatches`; returns ``batches_``."""
    return CreationBatches(**params).fit(created, background).batches_


# ---------------------------------------------------------------------------
# handles and names
# ---------------------------------------------------------------------------
_DIGITS = re.compile(r"\d+")


def _max_digit_run(s: str) -> int:
    return max((len(m) for m in _DIGITS.findall(s)), default=0)


def _entropy(s: str) -> float:
    if not s:
        return 0.0
    c = Counter(s.casefold())
    n = len(s)
    return -sum(v / n * math.log2(v / n) for v in c.values())


class HandlePatterns:
    """Formulaic handles, random-looking handles, and clones.

    A handle is *formulaic* when it is letters followed by a digit run at least
    ``digits_threshold_`` long, and *random-looking* when its character entropy
    is at least ``entropy_threshold_``; both cut-offs are the ``1 - alpha``
    quantiles of the background handles (``fallback_digits`` and
    ``fallback_entropy`` when the background has fewer than
    ``min_background`` handles). Clones share a normalised display name or a
    profile-image hash.

    Attributes: ``flags_`` (node → reasons), ``clones_`` (groups),
    ``digits_threshold_``, ``entropy_threshold_``, ``share_``,
    ``background_share_``, ``p_value_``.
    """

    def __init__(
        self,
        alpha: float = 0.05,
        min_background: int = 50,
        fallback_digits: int = 4,
        fallback_entropy: float = 3.3,
    ) -> None:
        self.alpha = alpha
        self.min_background = min_background
        self.fallback_digits = fallback_digits
        self.fallback_entropy = fallback_entropy

    def _flag(self, handle: str) -> list[str]:
        reasons = []
        h = handle or ""
        run = _max_digit_run(h)
        if run >= self.digits_threshold_ and any(c.isalpha() for c in h):
            reasons.append(f"name followed by a {run}-digit run")
        if len(h) >= 6 and _entropy(h) >= self.entropy_threshold_:
            reasons.append(f"random-looking string (entropy {_entropy(h):.2f} bits/char)")
        return reasons

    def background_stats(self, background_handles: Sequence[str]) -> dict[str, Any]:
        """Cut-offs and the flagged share of the background (reusable across campaigns)."""
        bg = [h for h in background_handles if h]
        if len(bg) >= self.min_background:
            runs = np.array([_max_digit_run(h) for h in bg])
            ents = np.array([_entropy(h) for h in bg if len(h) >= 6] or [0.0])
            self.digits_threshold_ = max(2, int(np.quantile(runs, 1 - self.alpha)) + 1)
            self.entropy_threshold_ = float(np.quantile(ents, 1 - self.alpha)) + 1e-9
            basis = f"{1 - self.alpha:.0%} quantile of {len(bg)} other accounts"
            share = (sum(1 for h in bg if self._flag(h)) + 1) / (len(bg) + 2)
        else:
            self.digits_threshold_ = self.fallback_digits
            self.entropy_threshold_ = self.fallback_entropy
            basis = "defaults (too few other accounts to derive them)"
            share = self.alpha
        return {"digits": self.digits_threshold_, "entropy": self.entropy_threshold_, "basis": basis, "share": share}

    def fit(
        self, members: Sequence[dict[str, Any]], background_handles: Sequence[str] = (), *, background_stats: dict[str, Any] | None = None
    ) -> HandlePatterns:
        """``members``: dicts with ``node``, ``handle``, ``display_name``, ``profile_image_hash``.

        ``background_stats`` (from :meth:`background_stats`) skips recomputing
        the background when many campaigns share it.
        """
        own = "HandlePatterns"
        _prob("alpha", self.alpha, own)
        st = background_stats or self.background_stats(background_handles)
        self.digits_threshold_, self.entropy_threshold_ = st["digits"], st["entropy"]
        self.threshold_basis_, self.background_share_ = st["basis"], st["share"]
        self.flags_: dict[str, list[str]] = {}
        for m in members:
            r = self._flag(m.get("handle") or "")
            if r:
                self.flags_[m["node"]] = r
        by_name: dict[str, list[str]] = defaultdict(list)
        by_img: dict[str, list[str]] = defaultdict(list)
        for m in members:
            dn = " ".join((m.get("display_name") or "").casefold().split())
            if dn:
                by_name[dn].append(m["node"])
            if m.get("profile_image_hash"):
                by_img[m["profile_image_hash"]].append(m["node"])
        self.clones_ = [{"by": "display_name", "value": k, "accounts": v} for k, v in by_name.items() if len(v) > 1]
        self.clones_ += [{"by": "profile_image", "value": k, "accounts": v} for k, v in by_img.items() if len(v) > 1]
        for c in self.clones_:
            for node in c["accounts"]:
                what = "display name" if c["by"] == "display_name" else "profile image"
                self.flags_.setdefault(node, []).append(f"shares its {what} with {len(c['accounts']) - 1} other member(s)")
        n = len(members)
        k = sum(1 for m in members if self._flag(m.get("handle") or ""))
        self.share_ = k / n if n else 0.0
        self.p_value_ = float(stats.binomtest(k, n, self.background_share_, alternative="greater").pvalue) if n else 1.0
        return self


def handle_patterns(members: Sequence[dict[str, Any]], background_handles: Sequence[str] = (), **params: Any) -> dict[str, list[str]]:
    """Function form of :class:`HandlePatterns`; returns ``flags_``."""
    return HandlePatterns(**params).fit(members, background_handles).flags_



# ---------------------------------------------------------------------------
# hijacked accounts
# ---------------------------------------------------------------------------
class HijackDetector:
    """Dormant accounts that come back in another language after a rename.

    An account is flagged when its longest gap between consecutive posts is at
    least ``dormant_days`` and, after the gap, either the main language of its
    posts changed or its handle/display name changed (``account_history``: a
    value first seen after the gap began, or several values when the history
    has no dates).

    ``fit(posts, history)``: ``posts`` node → list of ``(ts, lang, post_id)``;
    ``history`` node → list of ``(field, value, first_seen)``.
    Attribute ``hijacked_``: node → details.
    """

    def __init__(self, dormant_days: float = 90.0, min_posts_each_side: int = 1) -> None:
        self.dormant_days = dormant_days
        self.min_posts_each_side = min_posts_each_side

    def fit(self, posts: dict[str, list[tuple[_dt.datetime, str | None, str]]], history: dict[str, list[tuple[str, str, _dt.datetime | None]]]) -> HijackDetector:
        own = "HijackDetector"
        _check("dormant_days", self.dormant_days, isinstance(self.dormant_days, (int, float)) and self.dormant_days > 0, "a number > 0", own)
        self.hijacked_: dict[str, dict[str, Any]] = {}
        for node, ps in posts.items():
            ps = sorted(ps, key=lambda t: t[0])
            if len(ps) < 2 * self.min_posts_each_side:
                continue
            gaps = [(ps[i + 1][0] - ps[i][0], i) for i in range(len(ps) - 1)]
            gap, i = max(gaps, key=lambda t: t[0])
            days = gap.total_seconds() / 86400
            if days < self.dormant_days:
                continue
            before, after = ps[: i + 1], ps[i + 1 :]
            if len(before) < self.min_posts_each_side or len(after) < self.min_posts_each_side:
                continue
            lb = Counter(lang for _, lang, _ in before if lang and lang != "und").most_common(1)
            la = Counter(lang for _, lang, _ in after if lang and lang != "und").most_common(1)
            lang_before = lb[0][0] if lb else None
            lang_after = la[0][0] if la else None
            lang_changed = bool(lang_before and lang_after and lang_before != lang_after)
            renames = []
            hist = history.get(node, [])
            for fld in ("handle", "display_name"):
                vals = [(v, fs) for f, v, fs in hist if f == fld]
                if len(vals) < 2:
                    continue
                dated = [(v, fs) for v, fs in vals if fs is not None]
                new = [v for v, fs in dated if fs >= ps[i][0]]
                if new or len(dated) < len(vals):
                    old = [v for v, fs in sorted(dated, key=lambda t: t[1]) if v not in new] or [v for v, _ in vals[:-1]]
                    renames.append({"field": fld, "from": old[-1] if old else None, "to": new[-1] if new else vals[-1][0]})
            if not (lang_changed or renames):
                continue
            self.hijacked_[node] = {
                "dormant_from": ps[i][0],
                "dormant_until": ps[i + 1][0],
                "dormant_days": round(days, 1),
                "lang_before": lang_before,
                "lang_after": lang_after,
                "lang_changed": lang_changed,
                "renames": renames,
                "posts": [before[-1][2], after[0][2]],
                "strength": (1 + lang_changed + bool(renames)) / 3,
            }
        return self


def hijack_signs(posts: dict[str, list[tuple[_dt.datetime, str | None, str]]], history: dict[str, list[tuple[str, str, _dt.datetime | None]]], **params: Any) -> dict[str, dict[str, Any]]:
    """Function form of :class:`HijackDetector`; returns ``hijacked_``."""
    return HijackDetector(**params).fit(posts, history).hijacked_


# ---------------------------------------------------------------------------
# low reach
# ---------------------------------------------------------------------------
class LowReach:
    """Accounts nobody listens to: few followers, no bio, no engagement.

    Signs per account: followers below ``followers_threshold_`` (the lower of
    the background's ``quantile`` and ``fallback_followers`` — "fewer than 10
    followers", Stanford Internet Observatory 2020; the latter alone when the
    background has fewer than ``min_background`` accounts); an empty bio; under one
    interaction (likes + replies + reposts + quotes) received per post; and
    replies received only from other members. An account is flagged with
    ``min_signs`` signs or more.

    ``fit(members)``: dicts with ``node``, ``followers``, ``description``,
    ``n_posts``, ``engagement``, ``replies_inside``, ``replies_outside``.
    Attributes: ``flags_`` node → list of signs, ``followers_threshold_``.
    """

    def __init__(self, quantile: float = 0.1, fallback_followers: int = 10, min_background: int = 30, min_signs: int = 2) -> None:
        self.quantile = quantile
        self.fallback_followers = fallback_followers
        self.min_background = min_background
        self.min_signs = min_signs

    def fit(self, members: Sequence[dict[str, Any]], background_followers: Sequence[int] = ()) -> LowReach:
        own = "LowReach"
        _prob("quantile", self.quantile, own)
        _check("min_signs", self.min_signs, isinstance(self.min_signs, int) and 1 <= self.min_signs <= 4, "an integer in [1, 4]", own)
        bg = [f for f in background_followers if f is not None]
        if len(bg) >= self.min_background:
            self.followers_threshold_ = max(1.0, min(float(self.fallback_followers), float(np.quantile(bg, self.quantile))))
        else:
            self.followers_threshold_ = float(self.fallback_followers)
        self.flags_: dict[str, list[str]] = {}
        self.signs_: dict[str, dict[str, Any]] = {}
        for m in members:
            signs = []
            f = m.get("followers")
            if f is not None and f < self.followers_threshold_:
                signs.append(f"{f} followers")
            if not (m.get("description") or "").strip():
                signs.append("no bio")
            n = m.get("n_posts") or 0
            eng = m.get("engagement")
            if n and eng is not None and eng / n < 1:
                signs.append(f"{eng} interactions received on {n} posts")
            ins, outs = m.get("replies_inside") or 0, m.get("replies_outside") or 0
            if ins and not outs:
                signs.append(f"all {ins} replies received come from other members")
            if len(signs) >= self.min_signs:
                self.flags_[m["node"]] = signs
                self.signs_[m["node"]] = {"followers": f, "engagement": eng, "n_posts": n, "replies_inside": ins, "replies_outside": outs}
        return self


def low_reach(members: Sequence[dict[str, Any]], background_followers: Sequence[int] = (), **params: Any) -> dict[str, list[str]]:
    """Function form of :class:`LowReach`; returns ``flags_``."""
    return LowReach(**params).fit(members, background_followers).flags_
