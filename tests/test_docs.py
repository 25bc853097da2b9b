"""The README and the CLI reference stay true to the commands."""

from __future__ import annotations

import re
from pathlib import Path

from cibwatch.cli import reference

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current():
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == reference.render(), "docs/cli.md is stale: python -m cibwatch.cli.reference > docs/cli.md"


def test_readme_opens_with_the_two_commands():
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:12]
    text = "\n".join(head)
    assert "make demo" in text and "make test" in text


def test_readme_documents_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in reference.command_paths() if f"`{c}" not in readme]
    assert not missing, f"commands missing from the README: {missing}"


def test_readme_links_resolve():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(((?!https?:|#)[^)]+)\)", readme):
        assert (ROOT / target.split("#")[0]).exists(), target


def test_ci_runs_make_test_only():
    lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    body = [ln for ln in lines if ln and not ln.startswith("#") and not ln.startswith("set ")]
    assert body == ["make test"] or body[-1].endswith("make test")
