"""Every error goalreport raises on purpose. The CLI turns them into messages and exit codes.

The core never prints and never exits: it raises one of these. Anything else escaping the
core is a bug, and the CLI shows it as such (with a traceback only under --debug).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workbook, said so that a manager can fix it.

    ``where`` names the place: ``Goals!D7``, ``Activity row 12``, ``Reps sheet``.
    ``message`` quotes the bad value with ``!r`` and says what to write instead.
    """

    where: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class GoalreportError(Exception):
    """Base class: a failure the user can understand and act on. Exit code 1."""

    exit_code = 1


class InputProblems(GoalreportError):
    """Raised when a workbook has input problems; carries all of them at once."""

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()):
        self.problems = tuple(problems)
        self.warnings = tuple(warnings)
        count = len(self.problems)
        super().__init__(f"{count} input problem{'s' if count != 1 else ''}")

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by the problems themselves, so the error crosses the sandbox's process
        boundary intact (the default would rebuild it from its message)."""
        return (type(self), (self.problems, self.warnings), self.__dict__)


class UnreadableWorkbook(GoalreportError):
    """Raised when a file is not a workbook goalreport can open: empty, not a zip, corrupt,
    encrypted, an .xls/.ods, over the safety limits (docs/safety.md: sizes, memory, time,
    GOALREPORT_MAX_REPS active reps), or an XML attack; or a workbook with none of
    goalreport's input sheets (the wrong file, not a list of fixes)."""


class WorkbookBusy(GoalreportError):
    """Raised when a workbook is open in Excel (its ``~$`` owner file exists) or is still
    being copied, so it must not be written now."""


class WriteRefused(GoalreportError):
    """Raised when the computed sheets cannot be written: a protected workbook structure,
    a read-only folder, a failed atomic replace."""


class TemplateError(GoalreportError):
    """Raised when a report template is missing, fails to compile or uses an undefined
    variable; the message names the template and the line."""


class RenderError(GoalreportError):
    """Raised when a report cannot be rendered: a missing system library, a failed PDF."""


class BatchLocked(GoalreportError):
    """Raised when another batch run holds the inbox lock. Exit code 3."""

    exit_code = 3
