"""Posting-schedule fingerprint: which time zone's office hours explain the posts.

:class:`ScheduleFit` fits a weekday office-hours template with lunch and
supper breaks and an evening burst (Meta, *Adversarial Threat Report Q2
2023*, on Spamouflage's shift pattern: "bursts mid-morning and early
afternoon Beijing time, lunch and supper breaks, a final evening burst") at
every whole UTC offset from −12 to +14, against the hour-of-week profile of
everyone else's posts, and compares the best offset with the best Canadian
one: Beijing office hours on accounts that present as Canadian is the classic
tell.

The p-values come from a parametric bootstrap (Davison & Hinkley 1997,
*Bootstrap Methods and their Application*, §4.2) rather than from Wilks'
χ² approximation, which needs large samples, and the bootstrap respects
bursts: a wave of accounts flooding one post within minutes is one decision
of the operators, not a dozen independent draws of the clock. Posts are cut
into bursts (every post less than ``burst_seconds`` after a burst's first
post joins it); in each of ``n_simulations`` simulated samples every burst,
with all its posts, falls in one hour drawn from the null model, and the
likelihood ratios are recomputed on the simulated post counts. The maximum
over the 27 offsets is taken inside each simulation, so searching them needs
no further correction. The statistic itself is computed on posts, so an
office day's dense activity weighs what it should and a few stray posts at
odd hours do not move the fit.

Example::

    >>> fit = ScheduleFit().fit(epoch_seconds, background_hour_of_week)
    >>> fit.offset_, fit.foreign_, fit.office_share_
    (8, True, 0.78)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .errors import ParameterError

__all__ = ["CANADIAN_OFFSETS", "ScheduleFit", "schedule_fit", "office_template", "describe_offset"]

#: UTC offsets of Canada's time zones, standard and daylight time (NST −3:30 is
#: rounded to −3 and −4; the fit uses whole hours).
CANADIAN_OFFSETS: tuple[int, ...] = (-8, -7, -6, -5, -4, -3)

_OFFSET_PLACES = {
    8: "Beijing / Hong Kong / Taipei",
    9: "Tokyo / Seoul",
    7: "Bangkok / Jakarta",
    3: "Moscow",
    0: "London (winter) / UTC",
    1: "Central Europe (winter)",
    2: "Central Europe (summer)",
    5: "Pakistan",
    6: "Bangladesh",
    -4: "Canada Eastern (summer) / Atlantic (winter)",
    -5: "Canada Eastern (winter) / Central (summer)",
    -6: "Canada Central (winter) / Mountain (summer)",
    -7: "Canada Pacific (summer) / Mountain (winter)",
    -8: "Canada Pacific (winter)",
    -3: "Canada Atlantic (summer) / Newfoundland",
}


def describe_offset(offset: int) -> str:
    """``"UTC+8 (Beijing / Hong Kong / Taipei)"``."""
    sign = "+" if offset >= 0 else "−"
    place = _OFFSET_PLACES.get(offset)
    return f"UTC{sign}{abs(offset)}" + (f" ({place})" if place else "")



def _check(name: str, value: Any, ok: bool, allowed: str, owner: str) -> None:
    if not ok:
        raise ParameterError(name, allowed, value, owner=owner)


def _prob(name: str, value: float, owner: str) -> None:
    _check(name, value, isinstance(value, (int, float)) and 0 < value < 1, "a number in (0, 1)", owner)


def office_template(work: float = 1.0, evening: float = 0.5, brk: float = 0.12, night: float = 0.02, weekend: float = 0.2) -> np.ndarray:
    """Hour-of-week template in *local* time (Monday 00:00 = index 0), normalised.

    Work 09–12 and 14–18, lunch 12–14 and supper 18–19 breaks, an evening burst
    19–22, quiet nights, weekends scaled down.
    """
    day = np.full(24, night)
    day[9:12] = work
    day[12:14] = brk
    day[14:18] = work
    day[18:19] = brk
    day[19:22] = evening
    week = np.concatenate([day] * 5 + [day * weekend] * 2)
    return week / week.sum()


def _how_utc(ts: np.ndarray) -> np.ndarray:
    """Hour of week in UTC (Monday 00:00 = 0) of epoch seconds."""
    days = ts // 86400
    dow = (days + 3) % 7  # 1970-01-01 was a Thursday
    return (dow * 24 + (ts % 86400) // 3600).astype(np.int64)


class ScheduleFit:
    """Best-fitting UTC offset of a weekday office-hours schedule.

    For each offset ``o`` in −12..+14 the office template is moved to UTC and
    mixed with ``epsilon`` of the background; the log-likelihood ratio
    ``LLR(o) = Σ_h c_h log(P_o(h) / B(h))`` over the post counts ``c``
    against the background hour-of-week profile ``B`` measures how much
    better office hours at ``o`` explain the posts than the ordinary rhythm of
    everyone else. Posts are also cut into bursts (a burst takes every post
    less than ``burst_seconds`` after its first post), the unit of chance in
    the simulations:

    * ``p_value_``: the share of ``n_simulations`` samples, in which each
      burst falls with all its posts in an hour drawn from ``B``, whose best
      LLR over all offsets reaches the observed best (a parametric bootstrap,
      ``(1 + hits) / (1 + n_simulations)``); the schedule is ``significant_``
      below ``alpha``.
    * ``foreign_p_value_``: when the best offset is not Canadian, the share
      of samples drawn the same way from the best Canadian office model in
      which the best non-Canadian offset beats the best Canadian one by at
      least the observed margin (1 when a Canadian offset fits best).
    * The schedule is *foreign* when it is significant, the best offset is
      not Canadian, ``foreign_p_value_ < alpha``, and the posts show the lunch
      break (the lunch-hour rate at most ``max_lunch_dip`` of the
      working-hour rate: half-way between the template's break level and no
      break at all).

    ``n_simulations`` defaults to ``ceil(20 / alpha)`` (2,000 at α = 0.01),
    so that a p-value well below ``alpha`` can be resolved (the smallest
    possible is ``1 / (1 + n_simulations)``); ``seed`` fixes the simulations.
    ``burst_seconds = 0`` makes every post its own burst.

    Attributes: ``n_`` (posts), ``n_bursts_``, ``offset_``, ``llr_``,
    ``p_value_``, ``significant_``, ``office_share_`` (share of posts in local
    weekday 09–12/14–18), ``lunch_dip_`` (posts per hour at 12–14 over posts
    per hour in the quieter of 10–12 and 14–16; ``None`` when either side is
    empty, since a dip needs work on both sides), ``canadian_offset_``,
    ``canadian_llr_``, ``has_breaks_``, ``foreign_``, ``foreign_p_value_``,
    ``local_hours_`` (24 counts of posts), ``llrs_`` (offset → LLR).
    """

    OFFSETS = tuple(range(-12, 15))

    def __init__(
        self, alpha: float = 0.01, epsilon: float = 0.1, min_posts: int = 20, canadian_offsets: Sequence[int] = CANADIAN_OFFSETS,
        max_lunch_dip: float = 0.5, burst_seconds: int = 300, n_simulations: int | None = None, seed: int = 0,
    ) -> None:
        self.alpha = alpha
        self.max_lunch_dip = max_lunch_dip
        self.epsilon = epsilon
        self.min_posts = min_posts
        self.canadian_offsets = canadian_offsets
        self.burst_seconds = burst_seconds
        self.n_simulations = n_simulations
        self.seed = seed

    def fit(self, ts: Iterable[int], background: np.ndarray | None = None) -> ScheduleFit:
        own = "ScheduleFit"
        _prob("alpha", self.alpha, own)
        _prob("epsilon", self.epsilon, own)
        _check("min_posts", self.min_posts, isinstance(self.min_posts, int) and self.min_posts >= 1, "an integer >= 1", own)
        _check("burst_seconds", self.burst_seconds, isinstance(self.burst_seconds, int) and self.burst_seconds >= 0, "an integer >= 0", own)
        sims = self.n_simulations if self.n_simulations is not None else math.ceil(20 / self.alpha)
        _check("n_simulations", self.n_simulations, isinstance(sims, int) and sims >= 1 / self.alpha, f"an integer >= 1/alpha ({math.ceil(1 / self.alpha)})", own)
        _check("seed", self.seed, isinstance(self.seed, int) and self.seed >= 0, "an integer >= 0", own)
        arr = np.sort(np.asarray(list(ts), dtype=np.int64))
        self.n_ = int(arr.size)
        self.n_bursts_ = 0
        self.significant_ = False
        self.foreign_ = False
        if self.n_ < self.min_posts:
            self.offset_ = None
            return self
        sizes = _burst_sizes(arr, self.burst_seconds)
        self.n_bursts_ = int(sizes.size)
        counts = np.bincount(_how_utc(arr), minlength=168).astype(float)
        if background is None or np.sum(background) <= 0:
            bgp = np.full(168, 1 / 168)
        else:
            bgp = (np.asarray(background, dtype=float) + 1.0) / (np.sum(background) + 168.0)
        bgp = bgp / bgp.sum()
        tmpl = office_template()
        models = np.stack([(1 - self.epsilon) * np.roll(tmpl, -o) + self.epsilon * bgp for o in self.OFFSETS])  # P_o(utc h) = T(local h + o)
        log_ratio = np.log(models / bgp)  # offsets x 168
        llr_all = log_ratio @ counts
        llr = {o: float(v) for o, v in zip(self.OFFSETS, llr_all, strict=True)}
        self.llrs_ = llr
        best = max(llr, key=lambda o: llr[o])
        self.offset_ = best
        self.llr_ = llr[best]
        rng = np.random.default_rng(self.seed)
        null = _simulate(rng, sizes, bgp, sims) @ log_ratio.T
        self.p_value_ = float((1 + np.sum(null.max(axis=1) >= self.llr_ - 1e-9)) / (1 + sims))
        self.significant_ = self.p_value_ < self.alpha
        can = max(self.canadian_offsets, key=lambda o: llr[o])
        self.canadian_offset_ = can
        self.canadian_llr_ = llr[can]
        if best in self.canadian_offsets:
            self.foreign_p_value_ = 1.0
        else:
            is_can = np.isin(np.asarray(self.OFFSETS), list(self.canadian_offsets))
            alt = _simulate(rng, sizes, models[self.OFFSETS.index(can)], sims) @ log_ratio.T
            margin = alt[:, ~is_can].max(axis=1) - alt[:, is_can].max(axis=1)
            self.foreign_p_value_ = float((1 + np.sum(margin >= self.llr_ - self.canadian_llr_ - 1e-9)) / (1 + sims))
        local = np.roll(counts, best)  # local hour of week: local[l] = counts[l - o]
        week = local.reshape(7, 24)
        self.local_hours_ = [int(x) for x in week.sum(axis=0)]
        weekday = week[:5]
        office = weekday[:, 9:12].sum() + weekday[:, 14:18].sum()
        self.office_share_ = float(office / self.n_)
        # a dip is a valley between two working periods: compare lunch with the quieter side
        work_rate = min(weekday[:, 10:12].sum(), weekday[:, 14:16].sum()) / 2
        lunch_rate = weekday[:, 12:14].sum() / 2
        self.lunch_dip_ = float(lunch_rate / work_rate) if work_rate > 0 else None
        self.has_breaks_ = self.lunch_dip_ is not None and self.lunch_dip_ <= self.max_lunch_dip
        self.foreign_ = bool(self.significant_ and self.has_breaks_ and best not in self.canadian_offsets and self.foreign_p_value_ < self.alpha)
        return self


def _burst_sizes(sorted_ts: np.ndarray, seconds: int) -> np.ndarray:
    """Sizes of the bursts of sorted times: a burst takes every post less than ``seconds`` after its first post."""
    if sorted_ts.size == 0:
        return np.zeros(0, dtype=np.int64)
    if not seconds:
        return np.ones(sorted_ts.size, dtype=np.int64)
    sizes, start, n = [], int(sorted_ts[0]), 0
    for t in sorted_ts.tolist():
        if t - start >= seconds:
            sizes.append(n)
            start, n = t, 0
        n += 1
    sizes.append(n)
    return np.asarray(sizes, dtype=np.int64)


def _simulate(rng: np.random.Generator, sizes: np.ndarray, probs: np.ndarray, n: int) -> np.ndarray:
    """``n`` hour-of-week count vectors in which each burst, with all its posts, falls in one hour drawn from ``probs``."""
    hours = rng.choice(probs.size, size=(n, sizes.size), p=probs)
    cells = (np.arange(n)[:, None] * probs.size + hours).ravel()
    return np.bincount(cells, weights=np.tile(sizes.astype(float), n), minlength=n * probs.size).reshape(n, probs.size)


def schedule_fit(ts: Iterable[int], background: np.ndarray | None = None, **params: Any) -> ScheduleFit:
    """Function form of :class:`ScheduleFit` (returns the fitted object)."""
    return ScheduleFit(**params).fit(ts, background)

