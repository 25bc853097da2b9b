"""Jinja2 environment (autoescape on) for the HTML templates."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def render(name: str, **ctx: object) -> str:
    return ENV.get_template(name).render(**ctx)
