"""Neutralising adversary-written text for HTML, CSV and PDF outputs."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from markupsafe import escape

#: Content-Security-Policy for every HTML output: nothing may be fetched.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_URL = re.compile(r"\b(https?)://([^\s/<>\"']+)", re.I)


def esc(text: object) -> str:
    """HTML-escape any value."""
    return str(escape("" if text is None else str(text)))


def neutralise_cell(value: object) -> object:
    """Prefix a leading formula character with a single quote (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def defang(text: str | None) -> str:
    """Make URLs inert for display: ``https://a.b`` -> ``hxxps://a[.]b``."""
    if not text:
        return ""
    return _URL.sub(lambda m: m.group(1).lower().replace("tt", "xx") + "://" + m.group(2).replace(".", "[.]"), text)


def defang_domain(domain: str | None) -> str:
    """``example.com`` -> ``example[.]com``."""
    return (domain or "").replace(".", "[.]")


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """CSV with every cell quoted and formula cells neutralised."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL)
        w.writerow(header)
        for row in rows:
            w.writerow(["" if v is None else neutralise_cell(v) for v in row])
    return path


def refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint url_fetcher that refuses every fetch."""
    raise ValueError(f"cibwatch outputs never fetch resources (refused {url[:80]!r})")


def html_to_pdf(html: str, path: Path) -> Path:
    """Render HTML to PDF with no base URL and no fetching."""
    from weasyprint import HTML

    HTML(string=html, base_url=None, url_fetcher=refuse_fetch).write_pdf(str(path))
    return path
