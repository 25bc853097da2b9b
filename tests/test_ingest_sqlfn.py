"""The bulk readers' SQL macros agree with the Python converters they stand in for (property tests)."""

from __future__ import annotations

import json
import string

import duckdb
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch.ingest.formats import _clean_id, _int_or_none
from cibwatch.ingest.sqlfn import install_macros, python_whitespace
from cibwatch.ingest.tabular import parse_list_cell
from cibwatch.normalize.time import TimestampError, parse_timestamp

_WS = "".join(chr(c) for c in python_whitespace())


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    install_macros(c)
    yield c
    c.close()


def _one(con, sql: str, *params):
    return con.execute(sql, list(params)).fetchall()[0]


def _iso(draw) -> str:
    y = draw(st.integers(900, 9100))
    mo, d = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    s = f"{y:04d}-{mo:02d}-{d:02d}"
    if draw(st.booleans()):
        s += draw(st.sampled_from("T t"))
        s += f"{draw(st.integers(0, 25)):02d}:{draw(st.integers(0, 61)):02d}"
        if draw(st.booleans()):
            s += f":{draw(st.integers(0, 61)):02d}"
            if draw(st.booleans()):
                s += "." + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=1, max_size=8)))
        tz = draw(st.sampled_from(["", "Z", "+", "-"]))
        if tz in "+-" and tz:
            tz += f"{draw(st.integers(0, 25)):02d}" + draw(st.sampled_from(["", ":", ""]))
            tz += draw(st.sampled_from(["", f"{draw(st.integers(0, 61)):02d}"]))
        s += tz
    return s


timestamps = st.one_of(
    st.composite(lambda draw: _iso(draw))(),
    st.integers(0, 10**14).map(str),
    st.text(alphabet="0123456789-+:.TZ e", max_size=30),
    st.sampled_from(["Wed Aug 27 13:08:45 +0000 2008", " 2020-01-01", "2020-01-01 ", "1e9", "-5", "nan"]),
)


@settings(max_examples=400, deadline=None)
@given(v=timestamps)
def test_cw_ts_is_parse_timestamp_or_declines(con, v):
    got = _one(con, "SELECT cw_ts(?)", v)[0]
    if got is None:
        return  # the bulk reader hands such a value to Python
    assert got == parse_timestamp(v)


def test_cw_ts_takes_the_common_forms(con):
    for v in [
        "2023-08-07T14:03:00.000Z",
        "2023-08-07T14:03:00+0000",
        "2020-01-01 12:34",
        "2019-05-01",
        "1690000000123",
    ]:
        assert _one(con, "SELECT cw_ts(?)", v)[0] == parse_timestamp(v)
    for v in ["31/31/2020", "not a date", "2023-02-30"]:
        with pytest.raises(TimestampError):
            parse_timestamp(v)
        assert _one(con, "SELECT cw_ts(?)", v)[0] is None


@settings(max_examples=300, deadline=None)
@given(v=st.text(alphabet=st.sampled_from(_WS + "ab 1é👍\u200b"), max_size=12))
def test_cw_strip_is_str_strip(con, v):
    assert _one(con, "SELECT cw_strip(?)", v)[0] == v.strip()


cells = st.one_of(
    st.lists(st.text(alphabet=string.ascii_letters + ",\"' é[]\\", max_size=6), max_size=4).map(repr),
    st.text(alphabet="[]'\", ab\\", max_size=14),
)


@settings(max_examples=300, deadline=None)
@given(v=cells)
def test_cw_list_cell_is_parse_list_cell_where_ok(con, v):
    ok, got = _one(con, "SELECT cw_list_cell_ok(?), cw_list_cell(?)", v, v)
    if ok:
        assert got == (parse_list_cell(v) or None)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=string.printable + "é\u00a0", max_size=8),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=2), inner, max_size=2),
    max_leaves=4,
)


def _both(con, v) -> tuple[object, str | None]:
    """(what the Python readers see, DuckDB's text for it) for one JSON value."""
    doc = json.dumps({"a": v})
    return orjson.loads(doc)["a"], _one(con, 'SELECT json_transform(?, \'{"a": "VARCHAR"}\').a', doc)[0]


@settings(max_examples=400, deadline=None)
@given(v=json_values)
def test_plain_text_is_what_python_str_gives(con, v):
    pv, r = _both(con, v)
    plain, all_plain = _one(con, "SELECT cw_plain(?), cw_all_plain(coalesce(?, ''))", r, r)
    if plain and pv is not None:
        assert r == (pv if isinstance(pv, str) else str(pv))
    if all_plain and pv is not None:
        assert r == (pv if isinstance(pv, str) else str(pv)) and r != "0"


@settings(max_examples=400, deadline=None)
@given(v=json_values)
def test_ids_ok_means_clean_id_is_the_text(con, v):
    pv, r = _both(con, v)
    if r is not None and _one(con, "SELECT cw_ids_ok(?)", r)[0]:
        assert _clean_id(pv) == r and bool(pv)


@settings(max_examples=300, deadline=None)
@given(v=st.one_of(json_values, st.text(alphabet="0123456789 .-e", max_size=20)))
def test_ints_ok_means_int_or_none(con, v):
    pv, r = _both(con, v)
    if _one(con, "SELECT cw_int_ok(?)", r)[0]:
        assert _one(con, "SELECT cw_int(?)", r)[0] == _int_or_none(pv)


@pytest.mark.parametrize(
    "line, strict",
    [
        ('{"a": 1, "b": [1, 2]}', True),
        ('{"a": "x, ]"}', False),  # declined (text looks like a trailing comma): Python decides
        ('{"a": 1,}', False),
        ('{"a": [1, ]}', False),
        ('{"a": NaN}', False),
        ('{"a": -Infinity}', False),
        ('{"a": [inf]}', False),
        ('{"a": null, "b": true}', True),
        ("[" * 1100 + "]" * 1100, False),
        ('{"a": "' + "x" * 2000 + '", "b": [[1]]}', True),  # long but shallow
        ('{"a": "' + "[" * 1100 + '"}', False),  # declined (brackets in a string are counted): Python decides
    ],
)
def test_json_strict_declines_what_orjson_refuses(con, line, strict):
    assert _one(con, "SELECT cw_json_strict(?)", line)[0] is strict
    if strict:
        orjson.loads(line)


def test_meta_url_pattern_constants_are_the_regex_modules():
    """The Meta Graph bulk reader spells _URL's \\s and IGNORECASE out for RE2; both come from the regex module."""
    import sys

    import regex

    from cibwatch.ingest import meta_graph

    cps = [cp for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp < 0xE000]
    assert tuple(cp for cp in cps if regex.match(r"\s", chr(cp))) == meta_graph.URL_SPACE
    for letter, spelled in meta_graph.URL_LETTERS.items():
        same = regex.compile(letter, regex.IGNORECASE)
        assert "".join(chr(cp) for cp in cps if same.match(chr(cp))) == "".join(sorted(spelled))


_URL_TEXT = st.lists(
    st.sampled_from(
        ["http", "HTTPS", "httpſ", "://", "a.example", "/x", ".", ",", "!", "?", "(", ")", "<", ">", '"', "'", "[", "]",
         " ", "\u3000", "\u00a0", "\u2028", "\x1c", "\x85", "\t", "\n", "中文", "İ", "ſ", "s", "é", "👍🏽", "{", "}"]
    ),
    max_size=25,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_URL_TEXT)
def test_meta_message_urls_match_the_python_reader(con, text):
    from cibwatch.ingest import meta_graph

    want = [u.rstrip(".,;:!?") for u in meta_graph._URL.findall(text)]
    sql = f"SELECT list_transform(regexp_extract_all(?, {meta_graph._SQL_URL}), lambda u: rtrim(u, '.,;:!?'))"
    assert _one(con, sql, text)[0] == want
