"""Account indicators on plain data: batches, handles, schedules, hijacks, reach."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from cibwatch.errors import ParameterError
from cibwatch.indicators import (
    CANADIAN_OFFSETS,
    CreationBatches,
    HandlePatterns,
    HijackDetector,
    LowReach,
    ScheduleFit,
    creation_batches,
    office_template,
)

RNG_SEED = 3


def _background_dates(n=400, seed=RNG_SEED):
    rng = random.Random(seed)
    return [dt.datetime(2010, 1, 1) + dt.timedelta(days=rng.randrange(4700), hours=rng.randrange(24)) for _ in range(n)]


def test_creation_batch_found_with_sizes_and_dates():
    rng = random.Random(1)
    created = {f"x:b{i}": dt.datetime(2023, 7, 1) + dt.timedelta(hours=rng.randrange(60)) for i in range(12)}
    created |= {f"x:o{i}": dt.datetime(2012 + i, 3, 4) for i in range(5)}
    cb = CreationBatches().fit(created, _background_dates())
    assert len(cb.batches_) == 1
    b = cb.batches_[0]
    assert b["size"] == 12 and set(b["accounts"]) == {f"x:b{i}" for i in range(12)}
    assert b["start"].date() == dt.date(2023, 7, 1) and b["end"] <= dt.datetime(2023, 7, 3, 12)
    assert b["expected"] < 1 and b["p_value"] < 1e-6 and b["basis"] == "background"


def test_no_batch_when_creation_dates_are_spread():
    created = {f"x:{i}": dt.datetime(2011, 1, 1) + dt.timedelta(days=97 * i) for i in range(20)}
    assert creation_batches(created, _background_dates()) == []


def test_batch_without_background_uses_members_own_span():
    created = {f"x:{i}": dt.datetime(2023, 5, 1) + dt.timedelta(hours=i) for i in range(8)}
    created |= {f"x:late{i}": dt.datetime(2016 + i, 1, 1) for i in range(6)}
    cb = CreationBatches().fit(created, [])
    assert [b["basis"] for b in cb.batches_] == ["uniform"] and cb.batches_[0]["size"] == 8


@pytest.mark.parametrize("name,value", [("alpha", 1.5), ("gap_days", 0), ("min_size", 2)])
def test_creation_batch_parameters_are_validated(name, value):
    with pytest.raises(ParameterError) as e:
        CreationBatches(**{name: value}).fit({}, [])
    assert repr(name) in str(e.value) and repr(value) in str(e.value)


def test_handle_patterns_derive_thresholds_from_background():
    rng = random.Random(2)
    bg = [rng.choice(["maple", "hockey", "marie", "jdoe", "lucas"]) + rng.choice(["", "_", "."]) + str(rng.randrange(0, 100)) for _ in range(300)]
    members = [{"node": f"x:{i}", "handle": f"ZoeRich{rng.randrange(10**7, 10**8)}", "display_name": "Zoe Rich" if i < 3 else f"Z {i}",
                "profile_image_hash": None} for i in range(10)]
    members.append({"node": "x:plain", "handle": "charlie", "display_name": "Charlie", "profile_image_hash": None})
    hp = HandlePatterns().fit(members, bg)
    assert hp.digits_threshold_ == 3  # background handles end in at most 2 digits
    assert "x:plain" not in hp.flags_
    assert all(any("8-digit run" in r for r in hp.flags_[f"x:{i}"]) for i in range(10))
    assert any("display name" in r for r in hp.flags_["x:0"])
    assert hp.clones_[0]["accounts"] == ["x:0", "x:1", "x:2"]
    assert hp.share_ > 0.9 and hp.background_share_ < 0.05 and hp.p_value_ < 1e-6


def _ts(days, hours_utc, rng, n):
    out = []
    for _ in range(n):
        d = rng.choice(days)
        out.append(int((d + dt.timedelta(hours=rng.choice(hours_utc), minutes=rng.randrange(60))).timestamp()))
    return out


WEEKDAYS = [dt.datetime(2023, 8, 7) + dt.timedelta(days=i) for i in range(35) if (dt.datetime(2023, 8, 7) + dt.timedelta(days=i)).weekday() < 5]
ALLDAYS = [dt.datetime(2023, 8, 7) + dt.timedelta(days=i) for i in range(35)]


def _canadian_background(rng):
    hist = np.zeros(168)
    for t in _ts(ALLDAYS, [22, 23, 0, 1, 2, 3, 14, 16, 18], rng, 5000):
        d = dt.datetime.utcfromtimestamp(t)
        hist[d.weekday() * 24 + d.hour] += 1
    return hist


def test_schedule_finds_beijing_office_hours_on_canadian_background():
    rng = random.Random(4)
    beijing = [1, 2, 3, 6, 7, 8, 9, 11, 12]  # UTC hours of 09-12, 14-18, 19-21 in UTC+8
    sf = ScheduleFit().fit(_ts(WEEKDAYS, beijing, rng, 300), _canadian_background(rng))
    assert sf.offset_ == 8 and sf.significant_ and sf.foreign_
    floor = 1 / (1 + 2000)  # n_simulations = ceil(20 / alpha): no simulated sample came close
    assert sf.canadian_offset_ in CANADIAN_OFFSETS and sf.foreign_p_value_ == pytest.approx(floor) and sf.p_value_ == pytest.approx(floor)
    assert sf.office_share_ > 0.6 and sf.lunch_dip_ < 0.2 and sf.has_breaks_
    assert sum(sf.local_hours_) == 300 and sf.local_hours_[12] == 0 and sf.local_hours_[13] == 0
    assert 250 < sf.n_bursts_ < 300  # a few posts fell within five minutes of another


def test_schedule_small_sample_of_independent_bursts_is_enough():
    """25 posts at separate times in Beijing office hours: the bootstrap test places them abroad."""
    rng = random.Random(8)
    beijing = [1, 2, 3, 6, 7, 8, 9]
    posts = sorted(set(_ts(WEEKDAYS, beijing, rng, 25)))
    sf = ScheduleFit().fit(posts, _canadian_background(rng))
    assert sf.n_ == sf.n_bursts_ == len(posts) >= 24
    assert sf.offset_ == 8 and sf.significant_ and sf.foreign_ and sf.foreign_p_value_ < 0.01
    again = ScheduleFit().fit(posts, _canadian_background(random.Random(8)))
    assert (again.p_value_, again.foreign_p_value_) == (sf.p_value_, sf.foreign_p_value_)  # seeded simulations


def test_schedule_counts_a_wave_once():
    """Four waves of 30 posts within two minutes are four decisions, not 120 independent posts."""
    rng = random.Random(9)
    waves = [dt.datetime(2023, 8, 8, 2), dt.datetime(2023, 8, 9, 1), dt.datetime(2023, 8, 10, 3), dt.datetime(2023, 8, 11, 2)]  # 09:00-11:00 in UTC+8
    posts = [int((w + dt.timedelta(seconds=rng.randrange(120))).timestamp()) for w in waves for _ in range(30)]
    bg = _canadian_background(rng)
    sf = ScheduleFit(min_posts=20).fit(posts, bg)
    assert sf.n_ == 120 and sf.n_bursts_ == 4 and not sf.significant_ and not sf.foreign_
    naive = ScheduleFit(min_posts=20, burst_seconds=0).fit(posts, bg)
    assert naive.n_bursts_ == 120 and naive.significant_  # counting every post would overstate the evidence


def test_schedule_parameters_are_validated():
    with pytest.raises(ParameterError, match="n_simulations"):
        ScheduleFit(n_simulations=10).fit(list(range(0, 30 * 3600, 3600)))
    with pytest.raises(ParameterError, match="burst_seconds"):
        ScheduleFit(burst_seconds=-1).fit(list(range(0, 30 * 3600, 3600)))


def test_schedule_on_eastern_office_hours_is_not_foreign():
    rng = random.Random(5)
    eastern = [13, 14, 15, 18, 19, 20, 21]  # 09-12, 14-18 in UTC-4
    sf = ScheduleFit().fit(_ts(WEEKDAYS, eastern, rng, 300), _canadian_background(rng))
    assert sf.offset_ == -4 and not sf.foreign_


def test_schedule_needs_enough_posts_and_random_times_are_not_foreign():
    rng = random.Random(6)
    assert ScheduleFit(min_posts=20).fit(_ts(WEEKDAYS, [1, 2], rng, 5)).offset_ is None
    uniform = [int((dt.datetime(2023, 8, 7) + dt.timedelta(seconds=rng.randrange(35 * 86400))).timestamp()) for _ in range(400)]
    assert not ScheduleFit().fit(uniform).foreign_


def test_office_template_shape():
    t = office_template().reshape(7, 24)
    assert t[0, 10] > t[0, 12] and t[0, 15] > t[0, 18] and t[0, 20] > t[0, 3] and t[0, 10] > t[6, 10]
    assert abs(t.sum() - 1) < 1e-9


def test_hijack_needs_dormancy_and_a_change():
    d = dt.datetime
    posts = {
        "x:hj": [(d(2021, 12, 1) + dt.timedelta(days=i), "bn", f"b{i}") for i in range(5)] + [(d(2023, 8, 10) + dt.timedelta(days=i), "zh", f"z{i}") for i in range(5)],
        "x:active": [(d(2021, 12, 1) + dt.timedelta(days=20 * i), "en", f"e{i}") for i in range(40)],
        "x:quiet": [(d(2021, 1, 1), "en", "q1"), (d(2023, 8, 1), "en", "q2")],
    }
    hist = {"x:hj": [("handle", "shop_bd", d(2019, 1, 1)), ("handle", "newsfan", d(2023, 8, 1))]}
    hj = HijackDetector().fit(posts, hist)
    assert set(hj.hijacked_) == {"x:hj"}
    h = hj.hijacked_["x:hj"]
    assert h["lang_before"] == "bn" and h["lang_after"] == "zh" and h["lang_changed"]
    assert h["renames"] == [{"field": "handle", "from": "shop_bd", "to": "newsfan"}]
    assert h["dormant_days"] > 600 and h["posts"] == ["b4", "z0"] and h["strength"] == 1.0


def test_low_reach_threshold_and_signs():
    bg = list(range(5, 2000, 7))
    members = [
        {"node": "x:bot", "followers": 2, "description": "", "n_posts": 20, "engagement": 0, "replies_inside": 4, "replies_outside": 0},
        {"node": "x:real", "followers": 800, "description": "Teacher", "n_posts": 20, "engagement": 90, "replies_inside": 0, "replies_outside": 12},
    ]
    lr = LowReach().fit(members, bg)
    assert lr.followers_threshold_ == 10
    assert set(lr.flags_) == {"x:bot"} and len(lr.flags_["x:bot"]) == 4
    with pytest.raises(ParameterError, match="'min_signs'"):
        LowReach(min_signs=9).fit(members, bg)
