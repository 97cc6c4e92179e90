"""Docs cannot drift from the code: every command has help with an example, and is in the README."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner
from conftest import REPO

from goalreport.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def test_all_eight_commands_exist() -> None:
    assert COMMANDS == ["batch", "check", "digest", "init", "plan", "report", "run", "send"]


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


# --- the repository stands alone: every document it links to is in it ---------------------

#: Extension documents that docs/contract.md links to ahead of their issues landing (12-17).
#: Remove each from this set when its document is merged.
PENDING_DOCS: set[str] = {
}
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _links() -> list[tuple[str, str]]:
    found = []
    for doc in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for target in LINK.findall(doc.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", target):  # http:, mailto: …
                found.append((str(doc.relative_to(REPO)), target))
    return found


@pytest.mark.parametrize(("doc", "target"), _links())
def test_local_links_resolve_inside_the_repository(doc: str, target: str) -> None:
    source = REPO / doc
    path_part, _, anchor = target.partition("#")
    path = (source.parent / path_part).resolve() if path_part else source
    relative = path.relative_to(REPO) if path.is_relative_to(REPO) else None
    assert relative is not None, f"{target} leaves the repository"
    if str(relative) in PENDING_DOCS:
        return
    assert path.exists(), f"{target} does not exist"
    if anchor and path.suffix == ".md":
        headings = {_slug(line.lstrip("#")) for line in path.read_text(encoding="utf-8")
                    .splitlines() if line.startswith("#")}
        assert anchor in headings, f"no heading for #{anchor} in {relative}"


def test_the_readme_points_at_the_contract_in_the_repository() -> None:
    assert "(docs/contract.md)" in README
    assert "../shared" not in README.replace("`../shared/corpus`", "")


# --- the contract names what the code reads and takes ----------------------------------------

CONTRACT = (REPO / "docs" / "contract.md").read_text(encoding="utf-8")
VARIABLE = re.compile(r"GOALREPORT_[A-Z0-9_]+")
#: How a test reads a variable: ``environ.get("GOALREPORT_…"`` or ``environ["GOALREPORT_…"]``.
TEST_READ = re.compile(r"environ(?:\.get\(|\[)\s*[\"'](GOALREPORT_[A-Z0-9_]+)")


def _package_variables() -> set[str]:
    """Every GOALREPORT_* name in the package's source; a name ending in ``_`` is a prefix
    (``GOALREPORT_SMTP_`` + a key), expanded from the keys the SMTP settings accept."""
    from goalreport.delivery.mailconfig import KEYS, PREFIX

    names = {name for path in sorted((REPO / "goalreport").rglob("*.py"))
             for name in VARIABLE.findall(path.read_text(encoding="utf-8"))}
    assert PREFIX in names  # the prefix is how the SMTP variables are built
    return {name for name in names if not name.endswith("_")} | {PREFIX + k for k in KEYS}


def test_every_environment_variable_the_package_reads_is_in_the_contract() -> None:
    variables = _package_variables()
    assert {"GOALREPORT_MAX_REPS", "GOALREPORT_SMTP_CA_FILE"} <= variables  # the scan works
    missing = sorted(name for name in variables if f"`{name}`" not in CONTRACT)
    assert missing == [], f"docs/contract.md §9 does not name {missing}"


def test_every_environment_variable_the_tests_read_is_in_the_contract() -> None:
    variables = {name for path in sorted((REPO / "tests").glob("*.py"))
                 for name in TEST_READ.findall(path.read_text(encoding="utf-8"))}
    assert "GOALREPORT_CORPUS" in variables  # the scan works
    missing = sorted(name for name in variables if f"`{name}" not in CONTRACT)
    assert missing == [], f"docs/contract.md §9 does not name {missing}"


def test_every_environment_variable_in_the_contract_exists() -> None:
    """No stale name: each variable the contract names is read by the package or the tests."""
    section = CONTRACT[CONTRACT.index("## 9. Environment variables"):]
    named = set(VARIABLE.findall(section)) - {"GOALREPORT_SMTP_"}
    tests = {name for path in sorted((REPO / "tests").glob("*.py"))
             for name in TEST_READ.findall(path.read_text(encoding="utf-8"))}
    assert sorted(named - _package_variables() - tests) == []


def test_every_setting_and_input_column_is_in_the_contract() -> None:
    from goalreport.workbook.schema import SETTING_SPECS, SETTINGS, SHEETS

    settings = [spec.title for spec in SETTING_SPECS]
    assert "Manager Email" in settings and "Won Stages" in settings
    table = CONTRACT[CONTRACT.index("**Settings**, each with its default"):]
    rows = [line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| ")]
    for title in settings:
        assert any(row == title or row.startswith(f"{title} (") for row in rows), (
            f"Settings table of docs/contract.md has no row for {title!r}")
    for sheet in SHEETS:
        assert f"`{sheet.title}`" in CONTRACT
        if sheet is not SETTINGS:  # its columns are a name and a value, not named columns
            for column in sheet.columns:
                assert column.title in CONTRACT, f"{sheet.title} column {column.title!r}"


def _option_rows(section: str) -> list[tuple[set[str], set[str]]]:
    """(options, commands) of each row of the options table in ``section``."""
    rows = []
    for line in section.splitlines():
        if line.startswith("| `-"):
            cells = [cell.strip() for cell in line.split("|")[1:-1]]
            options = set(re.findall(r"`(--?[a-z-]+)", cells[0]))
            rows.append((options, set(re.findall(r"[a-z]+", cells[1]))))
    return rows


def _takes(name: str) -> set[str]:
    """Every option of command ``name``, as its --help shows them (--help included)."""
    command = cli.commands[name]
    context = click.Context(command, info_name=name,
                            parent=click.Context(cli, **cli.context_settings))
    return {opt for param in command.get_params(context)
            for opt in (*param.opts, *param.secondary_opts) if opt.startswith("-")}


def _listed(section: str, name: str) -> set[str]:
    return set().union(*(options for options, commands in _option_rows(section)
                         if name in commands or "all" in commands))


@pytest.mark.parametrize("name", COMMANDS)
def test_the_contracts_options_table_is_each_commands_help(name: str) -> None:
    """Every option of every command is in contract §6 with that command, and the table
    names no option a command does not take."""
    section = CONTRACT[CONTRACT.index("## 6. Commands"):CONTRACT.index("## 7. ")]
    takes, listed = _takes(name), _listed(section, name)
    assert sorted(takes - listed) == [], f"contract §6 does not list these for {name}"
    assert sorted(listed - takes - {"--version"}) == [], f"{name} does not take these"


@pytest.mark.parametrize("name", COMMANDS)
def test_the_readmes_options_table_names_each_commands_options(name: str) -> None:
    """README's table of common options: the long options of each command (but --help
    and init's --example; an on-by-default flag by its --no- form), each with the
    commands that really take it."""
    section = README[README.index("## Commands"):README.index("## The workbook")]
    takes = {opt for opt in _takes(name) if opt.startswith("--")} - {"--help", "--example"}
    listed = _listed(section, name)
    takes -= {opt for opt in takes if "--no-" + opt[2:] in listed}
    assert sorted(takes - listed) == [], f"README's options table misses these for {name}"
    assert sorted(listed - takes) == [], f"{name} does not take these"
