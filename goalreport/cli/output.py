"""What the command line prints: problems, errors and their exit codes, the progress
bar, who was sent what, and the batch's log lines.

Only ``main_errors`` decides how an error looks and which exit code it gets.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

import click

from goalreport.errors import GoalreportError, InputProblems, Problem

if TYPE_CHECKING:
    from goalreport.delivery.outcome import DeliveryReport


def echo_problems(problems: tuple[Problem, ...] | list[Problem], label: str,
                  verbose: bool = False) -> None:
    """Each problem on its own line, sorted by sheet, row and column, each kind cut to its
    first few lines plus one line naming the rest of its cells (workbook/problemlist);
    "info" lines (what check recognised, such as a CRM export) stand alone, in the order
    they were read. With ``verbose``, a problem's long version (``Problem.detail``)
    follows it, indented."""
    from goalreport.workbook.problemlist import condense

    infos = [problem for problem in problems if problem.severity == "info"]
    for problem in [*infos, *condense(p for p in problems if p.severity != "info")]:
        click.echo(str(problem) if problem.severity == "info" else f"{label}: {problem}",
                   err=True)
        if verbose and problem.detail:
            click.echo(f"  {problem.detail}", err=True)


@contextmanager
def main_errors(debug: bool, as_json: bool = False, quiet: bool = False,
                verbose: bool = False, wrote: bool = True) -> Iterator[None]:
    """Turn goalreport's errors into messages and exit codes; tracebacks only with --debug.
    With --json the failure is also described on stdout, so scripts always get JSON.
    With --quiet only errors are printed, not warnings; with --verbose their long
    versions too. ``wrote``: the command writes, so its closing line says nothing was
    written (``check`` never writes, and says so no more)."""
    try:
        yield
    except InputProblems as error:
        if debug:
            raise
        if as_json:
            _echo_json_failure(error, error.problems, error.warnings)
        if not quiet:
            echo_problems(error.warnings, "Warning", verbose)
        echo_problems(error.problems, "Error", verbose)
        count = error.count
        problems = f"{count:,} input problem{'s' if count != 1 else ''}"
        _exit(error.exit_code, f"{problems}; nothing was written. Fix them and run again."
              if wrote else f"{problems}. Fix {'it' if count == 1 else 'them'} and run "
                            "check again.")
    except GoalreportError as error:
        if debug:
            raise
        if as_json:
            _echo_json_failure(error)
        _exit(error.exit_code, f"Error: {error}")
    except KeyboardInterrupt:
        _exit(130, "Interrupted; the workbook was left as it was.")


def _echo_json_failure(error: GoalreportError, problems: tuple[Problem, ...] = (),
                       warnings: tuple[Problem, ...] = ()) -> None:
    click.echo(json.dumps({"ok": False, "error": str(error),
                           "problems": [str(p) for p in problems],
                           "warnings": [str(w) for w in warnings]}, indent=2))


def _exit(code: int, message: str) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def echo_delivery(report: DeliveryReport, quiet: bool) -> None:
    """Who got what, one line each on stderr; then the totals."""
    if not quiet:
        for note in report.notes:
            click.echo(f"Note: {note}", err=True)
    for level, line in report.lines():
        if quiet and level != "error":
            continue
        label = {"error": "Error: ", "warning": "Warning: "}.get(level, "")
        click.echo(f"{label}{line}", err=True)
    if report.error:
        click.echo(f"Error: {report.error}", err=True)
    if not quiet:
        where = f" (written to {report.folder / 'outbox'})" if report.dry_run else ""
        click.echo(f"{'Dry run: ' if report.dry_run else ''}{report.summary()}{where}.",
                   err=True)


def finish_delivery(report: DeliveryReport, as_json: bool, quiet: bool) -> NoReturn:
    """The end of ``send`` and ``digest``: the report as JSON on stdout with --json, who
    got what on stderr, and exit 0 only when every message went as it should."""
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    echo_delivery(report, quiet)
    sys.exit(0 if report.ok else 1)


@contextmanager
def progress_bar(silent: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback drawing a bar on a terminal; None in cron or with --quiet."""
    if silent or not sys.stderr.isatty():
        yield None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state["bar"].pos)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


def batch_log(quiet: bool, verbose: bool) -> Callable[[str, str], None]:
    """Log lines for a batch: plain on a terminal, timestamped for cron's log file."""
    import os

    stamped = not sys.stderr.isatty()
    shown = {"error"} if quiet else {"error", "warning", "info"} | ({"debug"} if verbose else set())

    def log(level: str, message: str) -> None:
        if level not in shown:
            return
        for line in message.splitlines() or [""]:
            if stamped:
                when = datetime.now().astimezone().strftime("%Y-%m-%dT%H:%M:%S%z")
                click.echo(f"{when} goalreport[{os.getpid()}] {level.upper()} {line}", err=True)
            else:
                label = "" if level in ("info", "debug") else f"{level.capitalize()}: "
                click.echo(f"{label}{line}", err=True)

    return log
