"""Posting-schedule fingerprint: which time zone's office hours explain the posts.

:class:`ScheduleFit` fits a weekday office-hours template with lunch and
supper breaks and an evening burst (Meta, *Adversarial Threat Report Q2
2023*, on Spamouflage's shift pattern: "bursts mid-morning and early
afternoon Beijing time, lunch and supper breaks, a final evening burst") at
every whole UTC offset from −12 to +14, against the hour-of-week profile of
everyone else's posts. The log-likelihood ratio is tested with Wilks'
theorem (χ² with one degree of freedom, Bonferroni over the 27 offsets), and
the best offset is compared with the best Canadian offset by the same test:
Beijing office hours on accounts that present as Canadian is the classic tell.

Example::

    >>> fit = ScheduleFit().fit(epoch_seconds, background_hour_of_week)
    >>> fit.offset_, fit.foreign_, fit.office_share_
    (8, True, 0.78)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from scipy import stats

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
    ``LLR(o) = Σ_h c_h log(P_o(h) / B(h))`` against the background hour-of-week
    profile ``B`` measures how much better office hours at ``o`` explain the
    posts than the ordinary rhythm of everyone else. ``2·LLR`` is compared to
    χ²(1) (Wilks), Bonferroni-corrected over the 27 offsets; the schedule is
    *foreign* when the best offset is not Canadian and beats the best Canadian
    offset by the same test, and the posts show the lunch break (the lunch-hour
    rate at most ``max_lunch_dip`` of the working-hour rate: half-way between
    the template's break level and no break at all).

    Attributes: ``n_``, ``offset_``, ``llr_``, ``p_value_``, ``significant_``,
    ``office_share_`` (share of posts in local weekday 09–12/14–18),
    ``lunch_dip_`` (posts per hour at 12–14 over posts per hour in the
    quieter of 10–12 and 14–16; ``None`` when either side is empty, since a
    dip needs work on both sides), ``canadian_offset_``, ``canadian_llr_``,
    ``has_breaks_``, ``foreign_``, ``foreign_p_value_``, ``local_hours_`` (24 counts).
    """

    OFFSETS = tuple(range(-12, 15))

    def __init__(
        self, alpha: float = 0.01, epsilon: float = 0.1, min_posts: int = 20, canadian_offsets: Sequence[int] = CANADIAN_OFFSETS, max_lunch_dip: float = 0.5
    ) -> None:
        self.alpha = alpha
        self.max_lunch_dip = max_lunch_dip
        self.epsilon = epsilon
        self.min_posts = min_posts
        self.canadian_offsets = canadian_offsets

    def fit(self, ts: Iterable[int], background: np.ndarray | None = None) -> ScheduleFit:
        own = "ScheduleFit"
        _prob("alpha", self.alpha, own)
        _prob("epsilon", self.epsilon, own)
        _check("min_posts", self.min_posts, isinstance(self.min_posts, int) and self.min_posts >= 1, "an integer >= 1", own)
        arr = np.asarray(list(ts), dtype=np.int64)
        self.n_ = int(arr.size)
        self.significant_ = False
        self.foreign_ = False
        if self.n_ < self.min_posts:
            self.offset_ = None
            return self
        counts = np.bincount(_how_utc(arr), minlength=168).astype(float)
        if background is None or np.sum(background) <= 0:
            bgp = np.full(168, 1 / 168)
        else:
            bgp = (np.asarray(background, dtype=float) + 1.0) / (np.sum(background) + 168.0)
        tmpl = office_template()
        llr = {}
        for o in self.OFFSETS:
            p = (1 - self.epsilon) * np.roll(tmpl, -o) + self.epsilon * bgp  # P_o(utc h) = T(local h + o)
            llr[o] = float(np.sum(counts * np.log(p / bgp)))
        self.llrs_ = llr
        best = max(llr, key=lambda o: llr[o])
        self.offset_ = best
        self.llr_ = llr[best]
        self.p_value_ = min(1.0, float(stats.chi2.sf(2 * max(self.llr_, 0.0), 1)) * len(self.OFFSETS))
        self.significant_ = self.p_value_ < self.alpha
        can = max(self.canadian_offsets, key=lambda o: llr[o])
        self.canadian_offset_ = can
        self.canadian_llr_ = llr[can]
        self.foreign_p_value_ = float(stats.chi2.sf(2 * max(self.llr_ - self.canadian_llr_, 0.0), 1))
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


def schedule_fit(ts: Iterable[int], background: np.ndarray | None = None, **params: Any) -> ScheduleFit:
    """Function form of :class:`ScheduleFit` (returns the fitted object)."""
    return ScheduleFit(**params).fit(ts, background)

