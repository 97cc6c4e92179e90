"""The package layout stays as the README draws it: one room per concern.

- README's development map names every sub-package and top-level module, and nothing
  that is not there (so it cannot fall behind the tree again);
- the top level stays small and no module grows past ~450 lines; only ``cli/`` imports click;
- ``core/`` stays pure: no click, openpyxl, calamine, WeasyPrint, os, pathlib or zipfile,
  nothing from the layers around it, and no clock.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "goalreport"
README = (REPO / "README.md").read_text(encoding="utf-8")
MAX_LINES = 450
MAX_TOP_LEVEL_MODULES = 8
#: What the pure calculations may not import: I/O, the UI, the readers and renderers.
CORE_FORBIDDEN = {"click", "openpyxl", "python_calamine", "weasyprint", "os", "pathlib",
                  "zipfile", "shutil", "subprocess", "tempfile", "io", "time"}
#: The layers around the core, which it must not reach back into.
CORE_FORBIDDEN_OWN = {"goalreport.workbook", "goalreport.guard", "goalreport.writeback",
                      "goalreport.reports", "goalreport.batch", "goalreport.jobs", "goalreport.loading",
                      "goalreport.cli", "goalreport.paused_gc"}


def development_map() -> set[str]:
    """The names at the left edge of the README's ``goalreport/`` tree (Development)."""
    section = README[README.index("## Development"):]
    block = section[section.index("```\ngoalreport/\n") + len("```\ngoalreport/\n"):]
    block = block[:block.index("```")]
    return {match[1] for line in block.splitlines() if (match := re.match(r"  (\S+)", line))}


def tree() -> set[str]:
    """Top-level modules (``__init__`` aside) and folders of the package as they are."""
    modules = {p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    folders = {p.name + "/" for p in PACKAGE.iterdir()
               if p.is_dir() and p.name != "__pycache__" and any(p.iterdir())}
    return modules | folders


def test_readme_development_map_matches_the_tree() -> None:
    drawn, there = development_map(), tree()
    assert sorted(there - drawn) == [], "in the tree but not in README's development map"
    assert sorted(drawn - there) == [], "in README's development map but not in the tree"


def test_the_top_level_stays_small() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_grows_past_the_limit(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{lines} lines: split it by concern"


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (deferred imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def clock_calls(path: Path) -> list[str]:
    """Calls such as ``date.today()`` or ``datetime.now()``: the clock is passed in."""
    return [ast.unparse(node) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"today", "now", "utcnow"}]


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").glob("*.py")), ids=lambda p: p.name)
def test_core_is_pure(path: Path) -> None:
    names = imports(path)
    outside = sorted(n for n in names if n.split(".")[0] in CORE_FORBIDDEN)
    inward = sorted(n for n in names
                    if any(n == own or n.startswith(own + ".") for own in CORE_FORBIDDEN_OWN))
    assert (outside, inward, clock_calls(path)) == ([], [], [])


def test_the_purity_check_sees_deferred_and_dotted_imports(tmp_path: Path) -> None:
    """The check above must be able to fail."""
    sample = tmp_path / "sample.py"
    sample.write_text("import os.path\ndef f():\n    from goalreport.guard import handback\n"
                      "    import weasyprint\n    return date.today()\n", encoding="utf-8")
    assert {"os.path", "goalreport.guard", "goalreport.guard.handback", "weasyprint"} <= \
        imports(sample)
    assert clock_calls(sample) == ["date.today()"]


def test_the_gc_is_paused_in_one_place_at_the_job_level() -> None:
    """Speed plumbing stays at the edge: only jobs.py enters ``no_gc`` (the forked reader
    inherits the pause), never the reader, the engine or the hand-back."""
    users = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                   if any(name.startswith("goalreport.paused_gc") for name in imports(path)))
    assert users == ["jobs.py"]


def test_only_the_cli_package_imports_click() -> None:
    """The command line is one room: every other module is called with plain values and
    raises ``errors.py``'s errors, so the jobs run the same from the batch and the tests."""
    users = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                   if any(name.split(".")[0] == "click" for name in imports(path)))
    assert users == ["cli/commands.py", "cli/options.py", "cli/output.py", "cli/weekly.py"]


def package_imports(package: str) -> set[str]:
    """The goalreport sub-packages and top-level modules that ``package``'s modules import."""
    found: set[str] = set()
    for path in (PACKAGE / package).rglob("*.py"):
        found |= {name.split(".")[1] for name in imports(path)
                  if name.startswith("goalreport.") and name.count(".") >= 1}
    return found - {package}


def test_the_ooxml_layer_stands_beneath_the_reader_and_the_writer() -> None:
    """``ooxml/`` (the package's zip and XML) is used by ``workbook/`` and ``writeback/``
    and uses neither, nor anything above them; and the reader and the writer do not
    import each other (they share what they share through ``ooxml/``)."""
    assert sorted(package_imports("ooxml")) == ["errors", "guard"]
    assert "writeback" not in package_imports("workbook")
    assert "workbook" not in package_imports("writeback")
    assert not {"ooxml", "workbook", "writeback"} & package_imports("guard")


#: The floors of the house, ground first: a package or top-level module may import only
#: what stands on a lower floor. A new sub-package gets its floor here, on purpose.
FLOORS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "paused_gc"}),
    frozenset({"core", "guard"}),
    frozenset({"ooxml"}),
    frozenset({"workbook", "writeback", "reports"}),
    frozenset({"delivery", "loading", "lastrun"}),
    frozenset({"jobs"}),
    frozenset({"batch"}),
    frozenset({"cli"}),
    frozenset({"__main__"}),
)


def room_of(module: str) -> str:
    """``goalreport.workbook.crm.rows`` → ``workbook``; ``goalreport.jobs`` → ``jobs``."""
    return module.split(".")[1]


def module_graph() -> dict[str, set[str]]:
    """Module → the goalreport modules it imports (deferred imports included; a name
    imported from a package counts as that package's module when there is one)."""
    modules = {".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__"): p
               for p in PACKAGE.rglob("*.py")}
    modules.pop("goalreport")  # the package's face: it only names the version
    return {name: {target for target in imports(path) if target in modules and target != name
                   and modules[target].name != "__init__.py"}
            for name, path in modules.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node (Tarjan): import loops."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = []
            while (member := stack.pop()) != node:
                part.append(member)
            if part:
                found.append(sorted([node, *part]))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_two_modules_import_each_other_directly_or_in_a_circle() -> None:
    assert circles(module_graph()) == []


def test_no_package_imports_one_above_it() -> None:
    floor = {room: level for level, rooms in enumerate(FLOORS) for room in rooms}
    assert sorted(set(map(room_of, module_graph())) - set(floor)) == [], \
        "give each new sub-package or top-level module its floor in FLOORS"
    upward = sorted(f"{source} -> {target}" for source, targets in module_graph().items()
                    for target in targets if room_of(source) != room_of(target)
                    and floor[room_of(target)] >= floor[room_of(source)])
    assert upward == []


def test_the_circle_check_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_comment_or_document_points_at_an_issue_number() -> None:
    """A pointer at one of the project's issue numbers means nothing to a reader of the
    repository: say the why.
    (Another project's issue, such as "python-calamine issue #177", is a real link.)"""
    places = [*PACKAGE.rglob("*.py"), *(REPO / "tests").rglob("*.py"),
              *(REPO / "tests").rglob("*.md"), *(REPO / "docs").glob("*.md"),
              *(REPO / "benchmarks").glob("*.py"), REPO / "README.md"]
    pointing = [f"{path.relative_to(REPO)}:{number}"
                for path in places
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if re.search(r"\b[Ii]ssues? \d+", line) and "re.search" not in line]
    assert pointing == []
