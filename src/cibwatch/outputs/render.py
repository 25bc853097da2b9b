"""Jinja2 environment (autoescape on, no loaders outside the package templates)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

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


def render(name: str, **ctx: object) -> str:
    """Render a package template; every value is HTML-escaped unless a template marks it ``|safe``."""
    return ENV.get_template(name).render(**ctx)
