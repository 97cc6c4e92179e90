"""Every error goalreport raises on purpose. The CLI turns them into messages and exit codes.

The core never prints and never exits: it raises one of these. Anything else escaping the
core is a bug, and the CLI shows it as such (with a traceback only under --debug).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workbook, said so that a manager can fix it.

    ``where`` names the place: ``Goals!D7``, ``Activity row 12``, ``Reps sheet``.
    ``message`` quotes the bad value with ``!r`` and says what to write instead.
    """

    where: str
    message: str
    #: "info" is a line worth showing that is neither wrong nor a risk (what ``check``
    #: recognised, such as a CRM export).
    severity: Literal["error", "warning", "info"] = "error"
    #: What groups it with problems of its kind when long lists are condensed (the
    #: reader's column or check); empty: its message without the varying values.
    kind: str = field(default="", compare=False)
    #: How many problems this line stands for: more than 1 for the line naming the rest
    #: of a kind compactly ("Reps rows 8-100001: 99,994 more rows …").
    count: int = field(default=1, compare=False)
    #: The long version, shown only with --verbose (every region's holidays), so the
    #: line itself stays short enough to read on every run.
    detail: str = field(default="", compare=False)
    #: Every place a condensed line stands for (``Activity!A12:A40``, …), when there are
    #: more than the line names: ``check`` writes them all to a CSV beside the workbook.
    places: tuple[str, ...] = field(default=(), compare=False)

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
        #: Problems in all, counting those a condensed line stands for.
        self.count = sum(problem.count for problem in self.problems)
        count = self.count
        super().__init__(f"{count:,} input problem{'s' if count != 1 else ''}")

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


class WorkbookChanged(WorkbookBusy):
    """Raised when the workbook's file was replaced or changed while goalreport worked on
    it (a manager saved a new version): nothing is written, since the computed sheets
    came from the old data."""


class UnsafePath(GoalreportError):
    """Raised when a name goalreport reaches in a folder others can write is a symbolic
    link, a special file, or a folder goalreport would make that belongs to someone else
    (see ``guard/safefs.py``)."""


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


class DeliveryError(GoalreportError):
    """Raised when ``send`` cannot send at all: SMTP settings missing or unsafe (a config
    file with a password that others can read, a password over an unencrypted link), a
    password command that fails, the mail server refusing the login or staying
    unreachable, or another ``send`` busy with the same month. Never carries a password."""


class JobCrashed(GoalreportError):
    """Raised by a batch when one workbook's job process died (a signal, an exit) without
    a result; the other workbooks go on."""


class ChildDied(Exception):
    """A forked child (``guard/child.py``) ended without an answer, or ran out of memory
    or time. Not a ``GoalreportError``: each caller words it as its own line. ``cause``
    is ``memory``, ``cpu``, ``wall``, ``signal`` or ``exit``; ``how`` says it
    ("signal SIGSEGV", "exit status 3") and is the message; ``signal`` is its number."""

    def __init__(self, cause: str, how: str, signal: int | None = None):
        super().__init__(how)
        self.cause, self.how, self.signal = cause, how, signal

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.cause, self.how, self.signal))
