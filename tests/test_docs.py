"""Docs cannot drift from the code: every command has help with an example, and is in the README."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import REPO

from goalreport.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def test_all_seven_commands_exist() -> None:
    assert COMMANDS == ["batch", "check", "init", "plan", "report", "run", "send"]


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_with_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"goalreport {name} " in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name: str) -> None:
    assert f"goalreport {name} " in README


def test_quick_start_has_exactly_the_two_commands() -> None:
    start = README.index("## Quick start")
    section = README[start: README.index("\n## ", start + 1)]
    commands = [line.strip() for line in section.splitlines() if line.startswith("make ")]
    assert commands == ["make demo", "make test"]
