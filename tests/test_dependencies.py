"""Every third-party module goalreport imports is one of its declared runtime dependencies.

A plain ``pip install goalreport`` installs the ``dependencies`` of pyproject.toml and
nothing else. A module that only a test dependency brings in (olefile came with
msoffcrypto-tool) works in the suite and crashes for users: ``goalreport check old.xls``
ended in ``ModuleNotFoundError: No module named 'olefile'``. This test reads every import
in the package, deferred ones inside functions included, and checks each against the
distributions pyproject.toml declares. ``.ci/runtime-only`` then runs the CLI from a venv
with the runtime dependencies alone, over the hostile corpus and the demo.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "goalreport"


def declared_runtime_distributions() -> set[str]:
    """The distribution names in pyproject's ``dependencies``, normalised (PEP 503)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0] for spec in project["dependencies"]}
    return {normalise(name) for name in names}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_level_modules() -> dict[str, list[str]]:
    """Each top-level module imported anywhere in the package, with where."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                found.setdefault(top, []).append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def third_party(imports: dict[str, list[str]]) -> dict[str, list[str]]:
    return {name: where for name, where in imports.items()
            if name not in sys.stdlib_module_names and name not in {"goalreport", "__future__"}}


def test_every_imported_module_is_a_declared_runtime_dependency() -> None:
    declared = declared_runtime_distributions()
    providers = packages_distributions()
    undeclared = {}
    for module, where in third_party(imported_top_level_modules()).items():
        distributions = {normalise(d) for d in providers.get(module, [module])}
        if not distributions & declared:
            undeclared[module] = where
    assert undeclared == {}, (
        "imported by goalreport but not in pyproject's runtime dependencies "
        "(a plain install would crash there): " + repr(undeclared))


def test_the_check_sees_a_deferred_import_of_a_test_only_module() -> None:
    # olefile was imported inside a function; the scan must see such imports.
    imports = third_party(imported_top_level_modules())
    assert "olefile" in imports
    assert any("guard/container.py" in where for where in imports["olefile"])


def test_test_dependencies_are_not_runtime_dependencies() -> None:
    declared = declared_runtime_distributions()
    for test_only in ("pytest", "openpyxl", "msoffcrypto-tool", "aiosmtpd", "hypothesis"):
        assert test_only not in declared, test_only


def test_the_scan_reads_the_whole_package() -> None:
    modules = list(Path(PACKAGE).rglob("*.py"))
    assert len(modules) > 50
    assert "click" in imported_top_level_modules()
