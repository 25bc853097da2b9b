"""Timestamp parsing: every export's form, to naive UTC, never None."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cibwatch.normalize.time import EPOCH_MS_THRESHOLD, TimestampError, parse_timestamp

UTC = dt.UTC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-08-07T14:03:00Z", dt.datetime(2023, 8, 7, 14, 3)),
        ("2023-08-07T14:03:00.123Z", dt.datetime(2023, 8, 7, 14, 3, 0, 123000)),
        ("2023-08-07T14:03:00+0000", dt.datetime(2023, 8, 7, 14, 3)),
        ("2023-08-07T16:03:00+0200", dt.datetime(2023, 8, 7, 14, 3)),
        ("2023-08-07T09:03:00-05:00", dt.datetime(2023, 8, 7, 14, 3)),
        ("2023-08-07T14:03:00", dt.datetime(2023, 8, 7, 14, 3)),
        ("2020-01-01 12:34", dt.datetime(2020, 1, 1, 12, 34)),
        ("2019-05-01", dt.datetime(2019, 5, 1)),
        ("Wed Aug 27 13:08:45 +0000 2008", dt.datetime(2008, 8, 27, 13, 8, 45)),
        (1623881091, dt.datetime(2021, 6, 16, 22, 4, 51)),
        ("1623881091", dt.datetime(2021, 6, 16, 22, 4, 51)),
        (1623881091000, dt.datetime(2021, 6, 16, 22, 4, 51)),
        ("1623881091000", dt.datetime(2021, 6, 16, 22, 4, 51)),
        (1623881091.5, dt.datetime(2021, 6, 16, 22, 4, 51, 500000)),
        (" 2023-08-07T14:03:00Z ", dt.datetime(2023, 8, 7, 14, 3)),
    ],
)
def test_known_forms(raw, expected):
    got = parse_timestamp(raw)
    assert got == expected
    assert got.tzinfo is None


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        None,
        "yesterday",
        "31/31/2020",
        "2023-13-01T00:00:00Z",
        float("nan"),
        1e30,
        10**400,
        "9" * 400,
        "0001-01-01T00:00:00+01:00",
        True,
        [1],
    ],
)
def test_bad_values_raise_typed_error_with_reason(raw):
    with pytest.raises(TimestampError) as exc:
        parse_timestamp(raw)
    assert isinstance(exc.value, ValueError)
    assert str(exc.value)


aware = st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.timezones())


@given(aware)
def test_iso_round_trip_converts_to_utc(d):
    got = parse_timestamp(d.isoformat())
    assert got == d.astimezone(UTC).replace(tzinfo=None)


@given(st.datetimes(min_value=dt.datetime(1974, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_epoch_seconds_and_millis_round_trip(d):
    # from 1973-03-03 on, millisecond epochs are >= the threshold, seconds below it
    d = d.replace(microsecond=(d.microsecond // 1000) * 1000)
    secs = int((d - dt.datetime(1970, 1, 1)).total_seconds())
    whole = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=secs)
    assert parse_timestamp(secs) == whole
    assert parse_timestamp(str(secs)) == whole
    millis = secs * 1000 + d.microsecond // 1000
    assert millis >= EPOCH_MS_THRESHOLD
    assert parse_timestamp(millis) == whole + dt.timedelta(milliseconds=d.microsecond // 1000)


@given(
    st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    )
)
def test_classic_twitter_round_trip(d):
    assert parse_timestamp(d.strftime("%a %b %d %H:%M:%S +0000 %Y")) == d


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.none()))
def test_never_returns_none(value):
    try:
        got = parse_timestamp(value)
    except TimestampError:
        return
    assert isinstance(got, dt.datetime)
    assert got.tzinfo is None
