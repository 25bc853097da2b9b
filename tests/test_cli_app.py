from __future__ import annotations


def test_help_lists_commands(cli):
    r = cli("--help")
    assert r.exit_code == 0
    assert "Usage: cibwatch" in r.stdout
    assert "version" in r.stdout


def test_version(cli):
    r = cli("version")
    assert r.exit_code == 0
    assert r.stdout.startswith("cibwatch ")


def test_unknown_command_is_a_usage_error(cli):
    r = cli("no-such-command")
    assert r.exit_code == 2
    assert "No such command" in r.stderr


