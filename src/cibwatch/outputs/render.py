"""Jinja2 environment (autoescape on, no loaders outside the package templates)."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

#: runs of non-space characters longer than this get a line-break opportunity every so many characters
WBR_EVERY = 24
_LONG_RUN = re.compile(rf"\S{{{WBR_EVERY + 1},}}")


def wbr(value: object) -> Markup:
    """``value`` HTML-escaped, with ``<wbr>`` break opportunities inside long unbroken runs.

    Messages are written by the adversary: a 2,000-character token must not
    push a table off the page. ``<wbr>`` adds no character to copied text, and
    lets the stylesheet use ``overflow-wrap: break-word``, which WeasyPrint lays
    out three times faster than ``anywhere``.
    """
    s = "" if value is None else str(value)
    out: list[str] = []
    pos = 0
    for m in _LONG_RUN.finditer(s):
        out.append(str(escape(s[pos : m.start()])))
        run = m.group(0)
        out.append("<wbr>".join(str(escape(run[i : i + WBR_EVERY])) for i in range(0, len(run), WBR_EVERY)))
        pos = m.end()
    out.append(str(escape(s[pos:])))
    return Markup("".join(out))


ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters["platform_name"] = lambda code, f: f.name("platform", code)
ENV.filters["lang_name"] = lambda code, f: f.name("lang", code)
ENV.filters["kind_name"] = lambda code, f: f.name("kind", code)
ENV.filters["wbr"] = wbr


def render(name: str, **ctx: object) -> str:
    """Render a package template; every value is HTML-escaped unless a template marks it ``|safe``."""
    return ENV.get_template(name).render(**ctx)
