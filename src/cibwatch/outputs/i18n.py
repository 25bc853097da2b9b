"""EN/FR text and locale formatting for briefs and reports.

The strings live in :mod:`cibwatch.outputs.strings`; this module looks them up
and formats dates, numbers and lists the way each language writes them
(French: ``8 août 2023``, ``1 234`` with a narrow no-break space, ``0,75``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

from ..errors import ParameterError
from .strings import NAMES, STRINGS

__all__ = ["STRINGS", "LANGS", "check_lang", "t", "tr", "name", "fmt_date", "fmt_int", "fmt_num", "fmt_list", "fmt_gap"]

LANGS = tuple(STRINGS)


def check_lang(lang: str | None, default: str = "en") -> str:
    """``lang`` (or ``default``) if it is one of :data:`LANGS`, else :class:`ParameterError`."""
    lang = lang or default
    if lang not in STRINGS:
        raise ParameterError("lang", " or ".join(LANGS), lang)
    return lang


def t(lang: str) -> dict[str, str]:
    """All strings of a language."""
    return STRINGS[lang]


def tr(lang: str, key: str, **kw: object) -> str:
    """One string, with its placeholders filled."""
    s = STRINGS[lang][key]
    return s.format(**kw) if kw else s


def name(table: str, code: object, lang: str) -> str:
    """A named item (language, platform, evidence kind, sign, check, weekday, month, holiday), or the code itself."""
    key = "" if code is None else str(code)
    return NAMES[table][lang].get(key, NAMES[table]["en"].get(key, key))


def fmt_date(d: _dt.date | _dt.datetime | str | None, lang: str) -> str:
    """``August 8, 2023`` / ``8 août 2023`` (``1er`` for the first of a month in French)."""
    if d is None or d == "":
        return "—"
    if isinstance(d, str):
        d = _dt.datetime.fromisoformat(d.replace("Z", "+00:00"))
    month = name("month", d.month, lang)
    if lang == "fr":
        return f"{'1er' if d.day == 1 else d.day} {month} {d.year}"
    return f"{month} {d.day}, {d.year}"


def fmt_int(n: int | float | None, lang: str) -> str:
    """``1,234`` / ``1 234`` (narrow no-break space)."""
    s = f"{int(round(n or 0)):,}"
    return s.replace(",", "\u202f") if lang == "fr" else s


def fmt_num(x: float | None, lang: str, digits: int = 2) -> str:
    """A decimal number with ``digits`` decimals (decimal comma in French)."""
    if x is None:
        return "—"
    s = f"{float(x):,.{digits}f}"
    if lang == "fr":
        s = s.replace(",", "\u202f").replace(".", ",")
    return s


def fmt_list(items: Iterable[str], lang: str) -> str:
    """``a, b and c`` / ``a, b et c``."""
    xs = [str(i) for i in items if i not in (None, "")]
    if len(xs) <= 1:
        return "".join(xs)
    return ", ".join(xs[:-1]) + f" {STRINGS[lang]['and']} " + xs[-1]


def fmt_gap(seconds: float | None, lang: str) -> str:
    """A time gap: ``45 s``, ``3 min``, ``2 h``."""
    if seconds is None:
        return "—"
    s = float(seconds)
    if s < 90:
        return f"{fmt_int(s, lang)} s"
    if s < 5400:
        return f"{fmt_int(s / 60, lang)} min"
    return f"{fmt_num(s / 3600, lang, 1)} h"
