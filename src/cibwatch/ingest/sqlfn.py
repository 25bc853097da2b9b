"""DuckDB macros that do, a column at a time, what the Python converters do a row at a time.

The bulk readers parse millions of records with DuckDB or PyArrow and
normalise them with these macros. Each macro either reproduces its Python
counterpart exactly or says it cannot (a ``*_ok`` macro is false, or the value
is NULL where the input was not); the record then goes to the Python
converter, so the store is the same whichever path a record takes.

* ``cw_strip(v)`` is ``str.strip()``: the whitespace set is derived from
  :meth:`str.isspace`, not written out by hand.
* ``cw_plain(v)``: ``v`` is DuckDB's text for a JSON value, and equals what
  ``str()`` gives for that value in Python whatever its JSON type. Texts that
  could come from ``true``/``false``, a float, a huge integer, NaN or an
  object/array are not plain.
* ``cw_int(v)`` / ``cw_int_ok(v)``: ``_int_or_none`` for plain decimal integers
  (``cw_int`` is that only where ``cw_int_ok`` holds).
* Checks over several fields at once (one regular expression per row rather
  than one per field; the fields are joined with ``\x1f``):
  ``cw_ids_ok(s)`` (every field is a short identifier of letters, digits and
  ``_``, so ``_clean_id`` leaves it as it is), ``cw_all_plain(s)`` (every field
  is plain, and none is ``0``, whose truth differs between the number and the
  string), ``cw_ints_ok(s)`` (comma-joined, every field ``cw_int_ok``).
* ``cw_ts(v)``: :func:`~cibwatch.normalize.time.parse_timestamp` for ISO 8601
  (``YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z|±HH[:MM]]`` and ``YYYY-MM-DD``, years
  1000–8999) and integer epoch seconds / milliseconds; NULL for any other form.
* ``cw_list_cell(v)`` / ``cw_list_cell_ok(v)``: ``parse_list_cell`` for the
  information-operations archive's ``['a', 'b']`` cells.
* ``cw_nonempty(list)`` (NULL for an empty list, as ``_str_list``) and
  ``cw_any(list)`` (false for an empty or NULL list).
* ``cw_json_strict(line)``: false when a JSON line uses the two extensions
  DuckDB's reader accepts and ``orjson`` refuses (trailing commas, NaN and
  Infinity literals), or nests deeper than ``orjson``'s 1,024 levels.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["install_macros", "python_whitespace", "re2_class", "ISO_PATTERN"]

#: ISO 8601 forms taken by the bulk path.
ISO_PATTERN = (
    r"[1-8][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?)?"
)
_OFFSET = r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)$"
# DuckDB's text for a JSON value that str() would spell differently in Python.
_NOT_PLAIN = (
    r"(?s)[\[{].*|true|false|-?[0-9]+\.[0-9]*([eE][-+]?[0-9]+)?|-?[0-9]+[eE][-+]?[0-9]+"
    r"|[0-9]{20,}|-[0-9]{19,}|-?(?i:nan|inf|infinity)"
)
_NOT_PLAIN_FIELD = (
    r"(^|\x1f)([\[{]|(true|false|0|-0|-?[0-9]+\.[0-9]*([eE][-+]?[0-9]+)?|-?[0-9]+[eE][-+]?[0-9]+"
    r"|[0-9]{20,}|-[0-9]{19,}|-?(?i:nan|inf|infinity))(\x1f|$))"
)
_DIGITS = r"[1-9][0-9]{0,18}(\x1f[1-9][0-9]{0,18})*"
_ID = r"[0-9A-Za-z_]{1,64}"
_IDS = rf"{_ID}(\x1f{_ID})*"
_NOT_ID = r"(^|\x1f)((?i:true|false|nan|inf|infinity)|0|[0-9]{20,})(\x1f|$)"
_INTS = r"(-?[0-9]{1,15})?(,(-?[0-9]{1,15})?)*"
_SIMPLE_LIST = r"\['[^'\\]*'(, '[^'\\]*')*\]"
# JSON that DuckDB's reader accepts and orjson does not (checked on the raw line).
_LENIENT = (r":\s*[-+]?[nNiI][aAnN]", r",\s*([-+]?[nNiI][aAnN]|[\]}])", r"\[\s*[-+]?[nNiI][aAnN]")
#: orjson refuses documents nested deeper than this.
JSON_MAX_DEPTH = 1024


@functools.cache
def python_whitespace() -> tuple[int, ...]:
    """Code points for which :meth:`str.isspace` is true (all lie in the BMP)."""
    return tuple(cp for cp in range(0x10000) if chr(cp).isspace())


def re2_class(cps: tuple[int, ...]) -> str:
    """An RE2 character class of the code points ``cps`` (sorted), as ranges."""
    parts: list[str] = []
    start = prev = cps[0]
    for cp in [*cps[1:], -1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(f"\\x{{{start:x}}}" if start == prev else f"\\x{{{start:x}}}-\\x{{{prev:x}}}")
        start = prev = cp
    return "[" + "".join(parts) + "]"


def _ws_test(expr: str, cps: tuple[int, ...]) -> str:
    """SQL testing whether code point ``expr`` is Python whitespace, cheap for ASCII letters and digits."""
    low = [c for c in cps if c < 128]
    ranges: list[tuple[int, int]] = []
    for c in low:
        if ranges and c == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    ascii_test = " OR ".join(f"x BETWEEN {a} AND {b}" for a, b in ranges)
    high = ", ".join(str(c) for c in cps if c >= 128)
    return f"CASE WHEN x < 128 THEN {ascii_test} ELSE x IN ({high}) END".replace("x", expr)


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _macros() -> list[str]:
    ws = python_whitespace()
    ws_class = re2_class(ws)
    strip_re = _lit(f"^{ws_class}+|{ws_class}+$")
    iso = _lit(ISO_PATTERN)
    lenient = " OR ".join(f"regexp_matches(line, {_lit(p)})" for p in _LENIENT)
    return [
        # an empty list is stored as NULL, like _str_list
        "CREATE OR REPLACE TEMP MACRO cw_nonempty(l) AS CASE WHEN len(l) = 0 THEN NULL ELSE l END",
        "CREATE OR REPLACE TEMP MACRO cw_any(l) AS coalesce(list_bool_or(l), false)",
        f"CREATE OR REPLACE TEMP MACRO cw_ws(cp) AS {_ws_test('cp', ws)}",
        f"""CREATE OR REPLACE TEMP MACRO cw_strip(v) AS
            CASE WHEN v IS NULL OR v = '' THEN v
                 WHEN cw_ws(unicode(v)) OR cw_ws(unicode(v[-1]))
                 THEN regexp_replace(v, {strip_re}, '', 'g')
                 ELSE v END""",
        "CREATE OR REPLACE TEMP MACRO cw_id(v) AS nullif(cw_strip(v), '')",
        f"""CREATE OR REPLACE TEMP MACRO cw_plain(v) AS
            v IS NULL OR NOT (left(v, 1) IN ('{{', '[', 't', 'f', '-', 'n', 'N', 'i', 'I',
                                            '0', '1', '2', '3', '4', '5', '6', '7', '8', '9')
                              AND regexp_full_match(v, {_lit(_NOT_PLAIN)}))""",
        f"CREATE OR REPLACE TEMP MACRO cw_all_plain(s) AS NOT regexp_matches(s, {_lit(_NOT_PLAIN_FIELD)})",
        f"CREATE OR REPLACE TEMP MACRO cw_ids_ok(s) AS CASE WHEN regexp_full_match(s, {_lit(_DIGITS)}) THEN true "
        f"ELSE regexp_full_match(s, {_lit(_IDS)}) AND NOT regexp_matches(s, {_lit(_NOT_ID)}) END",
        f"CREATE OR REPLACE TEMP MACRO cw_ints_ok(s) AS regexp_full_match(s, {_lit(_INTS)})",
        """CREATE OR REPLACE TEMP MACRO cw_stripped(v) AS
            v IS NULL OR v = '' OR NOT (cw_ws(unicode(v)) OR cw_ws(unicode(v[-1])))""",
        "CREATE OR REPLACE TEMP MACRO cw_int_ok(v) AS v IS NULL OR v = '' OR regexp_full_match(v, '-?[0-9]{1,15}')",
        # meaningful where cw_int_ok holds (the bulk readers check cw_ints_ok first): no second regex per value
        "CREATE OR REPLACE TEMP MACRO cw_int(v) AS TRY_CAST(v AS BIGINT)",
        # The pattern fixes the form; DuckDB's own casts then read it exactly as fromisoformat does.
        # A time with an offset goes through TIMESTAMPTZ (the offset applied, whatever the session
        # time zone), one without stays as written (UTC by convention).
        f"""CREATE OR REPLACE TEMP MACRO cw_ts(v) AS
            CASE WHEN regexp_full_match(v, {iso}) THEN
                     CASE WHEN ends_with(v, 'Z') THEN TRY_CAST(v AS TIMESTAMP)  -- UTC as written
                          WHEN strlen(v) > 10 AND regexp_matches(v, {_lit(_OFFSET)})
                          THEN make_timestamp(epoch_us(TRY_CAST(v AS TIMESTAMPTZ)))
                          ELSE TRY_CAST(v AS TIMESTAMP) END
                 WHEN regexp_full_match(v, '[0-9]{{1,13}}') THEN
                     make_timestamp(CAST(v AS BIGINT) * (CASE WHEN CAST(v AS BIGINT) < 100000000000
                                                             THEN 1000000 ELSE 1000 END))
            END""",
        f"""CREATE OR REPLACE TEMP MACRO cw_list_cell_ok(v) AS
            v IS NULL OR v = '' OR v = '[]' OR regexp_full_match(v, {_lit(_SIMPLE_LIST)})""",
        # meaningful where cw_list_cell_ok holds: items then contain no quote, so splitting on "', '" is exact
        """CREATE OR REPLACE TEMP MACRO cw_list_cell(v) AS
            CASE WHEN v IS NULL OR v = '' OR v = '[]' THEN NULL
                 WHEN contains(v, '''''') THEN cw_nonempty(list_filter(
                     string_split(substr(v, 3, length(v) - 4), ''', '''), lambda x: x <> ''))
                 ELSE string_split(substr(v, 3, length(v) - 4), ''', ''')
            END""",
        # CASE, not OR: DuckDB computes both sides of an OR for every row
        f"""CREATE OR REPLACE TEMP MACRO cw_json_strict(line) AS
            NOT ({lenient})
            AND CASE WHEN strlen(line) <= {JSON_MAX_DEPTH} THEN true
                     ELSE strlen(line) - strlen(replace(replace(line, '[', ''), '{{', '')) <= {JSON_MAX_DEPTH} END""",
    ]


def install_macros(con: Any) -> None:
    """Create the ``cw_*`` macros on a DuckDB connection (idempotent, connection-local)."""
    for sql in _macros():
        con.execute(sql)
