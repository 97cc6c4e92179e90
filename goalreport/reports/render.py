"""Render the PDFs (and optional HTML copies) of SPEC §5 into ``out_dir/<YYYY-MM>/``.

The team summary and the first rep are rendered to HTML up front, so a broken template
fails the whole run at once with ``TemplateError``; then the team summary (one task of
its own, the longest for a big team) and the reps (in chunks) are rendered by ``jobs``
worker processes (``guard/child.run_pool``, which gives the measurements: WeasyPrint
holds the GIL, so threads would not help). The Jinja environment, the parsed CSS and the
fonts are set up once, before the fork, and each worker reuses them for every report it
renders. A failure for one rep is recorded and the others carry on; a worker that dies
fails only the reports of its task. Files are written to a temporary name and
renamed, so a reader never sees half a PDF; the report folder is reached through a
descriptor (``guard/safefs``) that the forked workers inherit, so a folder swapped for a
link mid-run is never written through.

PDFs are reproducible: creation and modification dates are pinned to As Of through
``<meta name=dcterms.created>``, so the same inputs give the same bytes. Each carries what
it was made from (``stamp.py``), so ``send`` attaches it only for that rep, As Of and
inputs. File names are numbered over every active rep (``stems``), whichever are
rendered. Files and the month folder are no more open to read than the workbook
(``guard/access.py``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from markupsafe import Markup

from goalreport.core.keys import rep_key
from goalreport.core.model import Settings
from goalreport.core.results import Computation, RepResult
from goalreport.core.rollup import subtree
from goalreport.errors import ChildDied, RenderError, TemplateError
from goalreport.guard.access import OPEN, Access
from goalreport.guard.child import run_pool
from goalreport.guard.safefs import Folder
from goalreport.reports.charts import palette_from_css
from goalreport.reports.context import rep_context
from goalreport.reports.doctor import load_weasyprint
from goalreport.reports.environment import (
    REP_TEMPLATE,
    TEAM_TEMPLATE,
    make_environment,
    packaged_templates,
    render_template,
    stylesheet_source,
)
from goalreport.reports.expattree import DocumentParser
from goalreport.reports.filenames import inside, report_stems, summary_key, summary_stems
from goalreport.reports.stamp import Stamp, content_digest
from goalreport.reports.team_context import team_context

TEAM_STEM = "team-summary"


@dataclass(frozen=True)
class RenderOutcome:
    """What ``render_reports`` wrote, and the reports it could not render (one line each)."""

    files: tuple[Path, ...]
    failures: tuple[str, ...]


@dataclass(frozen=True)
class _Item:
    """One report to render: a rep (result given), the team summary (result None), or
    a manager's own summary (``view``: the computation cut to their subtree)."""

    stem: str
    result: RepResult | None
    view: Computation | None = None

    @property
    def stamped_as(self) -> str | None:
        """Whose report the stamp says it is: a rep key, ``manager:<key>`` for a
        manager's summary, None for the team summary (``stamp.Stamp.digest``)."""
        if self.result is not None:
            return rep_key(self.result.rep.rep_id)
        return None if self.view is None else summary_key(self.view.scope)


@dataclass(frozen=True)
class _Task:
    items: tuple[_Item, ...]
    computation: Computation
    settings: Settings
    company: str
    folder: Path
    templates_dir: Path | None
    html: bool
    #: The open report folder's descriptor (inherited by the forked render workers).
    folder_fd: int = -1
    #: Tag the PDF for screen readers (PDF/UA structure, see ``write_options``).
    pdf_tags: bool = True
    #: What the reports are made from, written into each PDF (None: nothing).
    stamp: Stamp | None = None
    access: Access = OPEN


@dataclass(frozen=True)
class _Done:
    label: str
    files: tuple[Path, ...]
    failure: str | None = None


class _Worker:
    """Per-process state, reused for every report: Jinja environment, parsed CSS, font
    configuration (its font cache saves ~0.1 s a report), URL fetcher, fast parser."""

    def __init__(self, templates_dir: Path | None) -> None:
        weasyprint = load_weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        from goalreport.reports.fetcher import make_url_fetcher

        self.weasyprint = weasyprint
        self.templates_dir = templates_dir
        self.env = make_environment(templates_dir)
        self.css_text = stylesheet_source(self.env, templates_dir)
        self.palette = palette_from_css(self.css_text)
        roots = [packaged_templates()] + ([templates_dir] if templates_dir else [])
        self.base_url = (templates_dir or packaged_templates()).resolve().as_uri() + "/"
        self.fetcher = make_url_fetcher(roots)
        self.fonts = FontConfiguration()
        self.css = weasyprint.CSS(string=self.css_text, base_url=self.base_url,
                                  url_fetcher=self.fetcher, font_config=self.fonts)
        self.parser = DocumentParser(weasyprint, self.base_url, self.fetcher)

    def html(self, item: _Item, task: _Task, *, inline_css: bool) -> str:
        if item.result is None:
            context = team_context(item.view or task.computation, task.settings,
                                   company=task.company, palette=self.palette)
            name = TEAM_TEMPLATE
        else:
            context = rep_context(item.result, task.computation, task.settings,
                                  company=task.company, palette=self.palette)
            name = REP_TEMPLATE
        css = self.css_text.replace("</", "<\\/") if inline_css else ""
        context["inline_css"] = Markup(css)
        return render_template(self.env, name, context, self.templates_dir)

    def render(self, item: _Item, task: _Task) -> _Done:
        label = _label(item)
        written: list[Path] = []
        try:
            pdf_path = inside(task.folder, item.stem + ".pdf")
            source = self.html(item, task, inline_css=False)
            document = self.parser.parse(source)
            stamped = {} if task.stamp is None else task.stamp.pdf_options(
                item.stamped_as, label, content_digest(self.css_text, source))
            pdf = document.write_pdf(stylesheets=[self.css], font_config=self.fonts,
                                     **write_options(task.pdf_tags), **stamped)
            _write_atomically(task, pdf_path, pdf)
            written.append(pdf_path)
            if task.html:
                html_path = inside(task.folder, item.stem + ".html")
                text = self.html(item, task, inline_css=True)
                _write_atomically(task, html_path, text.encode("utf-8"))
                written.append(html_path)
        except (TemplateError, RenderError) as error:
            return _Done(label, tuple(written), f"{label}: {error}")
        except Exception as error:  # noqa: BLE001 - one rep's failure must not stop the rest
            return _Done(label, tuple(written),
                         f"{label}: could not render the report ({type(error).__name__}: "
                         f"{error})")
        return _Done(label, tuple(written))


def write_options(pdf_tags: bool) -> dict[str, object]:
    """WeasyPrint's ``write_pdf`` options. Tagged PDFs carry the document structure
    (headings, tables with header cells, lists, figures with their text alternative: a
    chart's SVG ``<title>``) and the language from ``<html lang>``, so screen readers can
    read them; ``pdf/ua-1`` also adds the metadata PDF/UA asks for (title shown in the
    window, XMP). Measured cost: see docs/reports.md."""
    return {"pdf_variant": "pdf/ua-1"} if pdf_tags else {}


_WORKERS: dict[Path | None, _Worker] = {}


def _worker(templates_dir: Path | None) -> _Worker:
    if templates_dir not in _WORKERS:
        _WORKERS[templates_dir] = _Worker(templates_dir)
    return _WORKERS[templates_dir]


def _render_task(task: _Task) -> list[_Done]:
    """Render every item of ``task`` (runs in a worker process or in-process)."""
    worker = _worker(task.templates_dir)
    return [worker.render(item, task) for item in task.items]


def _write_atomically(task: _Task, path: Path, data: bytes) -> None:
    """``data`` as ``path`` (in the task's folder), replaced whole through its descriptor."""
    folder = Folder(task.folder_fd, task.folder)  # borrowed: closed by render_reports
    try:
        folder.write_atomic(path.name, data, access=task.access)
    except OSError as error:
        raise RenderError(f"could not write {path}: {error.strerror or error}") from error


def _chunks(items: Sequence[_Item], jobs: int) -> Iterator[tuple[_Item, ...]]:
    """Several reps per task (fewer round trips), small enough for steady progress."""
    size = max(1, math.ceil(len(items) / (jobs * 4)))
    for start in range(0, len(items), size):
        yield tuple(items[start:start + size])


def render_reports(
    computation: Computation,
    settings: Settings,
    out_dir: Path,
    *,
    templates_dir: Path | None = None,
    jobs: int | None = None,
    html: bool = False,
    company: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    out_root: Path | None = None,
    pdf_tags: bool = True,
    stamp: Stamp | None = None,
    access: Access = OPEN,
    stems: dict[str, str] | None = None,
    managers: bool = True,
    team: bool = True,
) -> RenderOutcome:
    """One PDF per rep in ``computation.results`` plus ``team-summary.pdf`` and, with
    ``managers`` (not for a few reps: ``--rep``, ``send``'s re-render), each manager's
    own summary of their subtree (``filenames.summary_stems``), in
    ``out_dir/<YYYY-MM>/``. Not ``team``: the reps alone (``send``'s re-render of a few,
    whose team summary would rank only them). ``company`` defaults to Settings' Company. ``out_root`` (default
    ``out_dir``) is the part of ``out_dir`` the operator named: folders below it are
    goalreport's own, made if missing and never followed as links. ``stamp`` is written
    into each PDF; ``access`` says who may read the files (the workbook's readers);
    ``stems`` names each rep's file (``filenames.report_stems`` over every active rep;
    default: over the reps rendered).

    Raises ``RenderError`` when PDFs cannot be made at all (missing Pango, unwritable
    folder) and ``TemplateError`` when a template is broken; a single rep's failure is
    returned in ``failures`` instead.
    """
    load_weasyprint()
    company = settings.company if company is None else company
    templates_dir = templates_dir.resolve() if templates_dir is not None else None
    if stems is None:
        stems = report_stems([(r.rep.rep_id, r.rep.name) for r in computation.results])
    with _report_folder(out_dir, computation.report_month, out_root, access) as opened:
        base = _Task((), computation, settings, company, opened.path, templates_dir, html,
                     opened.fd, pdf_tags, stamp, access)
        return _render_all(base, stems, jobs=jobs, progress=progress, managers=managers,
                           team=team)


def _render_all(base: _Task, stems: dict[str, str], *, jobs: int | None,
                progress: Callable[[int, int], None] | None, managers: bool,
                team: bool) -> RenderOutcome:
    computation, templates_dir = base.computation, base.templates_dir
    reps = [_Item(stems[rep_key(result.rep.rep_id)], result) for result in computation.results]
    # Each manager's summary carries only their subtree, cut here once.
    reps += [_Item(stem, None, subtree(computation, key))
             for key, stem in (summary_stems(computation) if managers else {}).items()]
    total = len(reps) + team

    # Fail fast on a broken template: render the team page and one rep in-process first.
    worker = _worker(templates_dir)
    worker.html(_Item(TEAM_STEM, None), base, inline_css=False)
    if reps:
        worker.html(reps[0], base, inline_css=False)

    done: list[_Done] = []

    def record(batch: list[_Done]) -> None:
        done.extend(batch)
        if progress is not None:
            progress(len(done), total)

    # The team summary (the longest report for a big team) renders beside the reps.
    team_task = replace(base, items=(_Item(TEAM_STEM, None),))
    rep_task = replace(base, computation=replace(computation, results=(), team=(), sections=()))
    workers = max(1, min(jobs or os.cpu_count() or 1, total))
    tasks = [team_task] * team + [replace(rep_task, items=chunk)
                                  for chunk in _chunks(reps, workers)]
    _render_in_workers(tasks, workers, record)

    files = tuple(sorted(path for outcome in done for path in outcome.files))
    failures = tuple(sorted(outcome.failure for outcome in done if outcome.failure))
    return RenderOutcome(files=files, failures=failures)


def render_team_summary(
    computation: Computation,
    settings: Settings,
    out_dir: Path,
    *,
    templates_dir: Path | None = None,
    html: bool = False,
    company: str | None = None,
    pdf_tags: bool = True,
    out_root: Path | None = None,
    stamp: Stamp | None = None,
    access: Access = OPEN,
    team: bool = True,
    managers: Collection[str] = (),
) -> RenderOutcome:
    """Only ``team-summary.pdf`` (unless not ``team``) and the own summaries of
    ``managers`` (their keys), with HTML copies, in this process: ``send`` re-renders the
    summaries that alone are missing or stale. ``out_root``, ``stamp``, ``access`` and the
    errors raised are as for ``render_reports``."""
    load_weasyprint()
    templates_dir = templates_dir.resolve() if templates_dir is not None else None
    stems = summary_stems(computation) if managers else {}
    items = ([_Item(TEAM_STEM, None)] if team else []) + [
        _Item(stems[key], None, subtree(computation, key)) for key in managers]
    with _report_folder(out_dir, computation.report_month, out_root, access) as folder:
        task = _Task(tuple(items), computation, settings,
                     settings.company if company is None else company, folder.path,
                     templates_dir, html, folder.fd, pdf_tags, stamp, access)
        done = _render_task(task)
    return RenderOutcome(files=tuple(sorted(p for d in done for p in d.files)),
                         failures=tuple(d.failure for d in done if d.failure))


def check_report_folder(out_dir: Path, report_month: date, out_root: Path | None,
                        access: Access = OPEN) -> None:
    """Make (or check) the report folder before anything is written, so that a planted
    link there fails the job before the workbook is touched. Raises as ``render_reports``."""
    _report_folder(out_dir, report_month, out_root, access).close()


def _report_folder(out_dir: Path, report_month: date, out_root: Path | None,
                   access: Access = OPEN) -> Folder:
    """``out_dir/<YYYY-MM>``, made if missing and opened (see ``safefs.Folder.open_below``);
    ``RenderError`` when it cannot be, ``UnsafePath`` when a part is a planted link."""
    folder = out_dir / f"{report_month:%Y-%m}"
    try:
        opened = Folder.open_below(out_root or out_dir, folder, access)
    except OSError as error:
        raise RenderError(f"cannot create the report folder {folder}: "
                          f"{error.strerror or error}") from error
    opened.path = Path(os.path.realpath(folder))
    return opened


def _render_in_workers(tasks: Sequence[_Task], workers: int,
                       record: Callable[[list[_Done]], None]) -> None:
    """Render ``tasks`` in ``workers`` forked processes (one: in this process); a worker
    that dies fails only the reports of its task. Forked: the workers inherit the report
    folder's descriptor (the tasks carry its number) and the tasks themselves."""
    with closing(run_pool(_render_task, tasks, workers, role="rendering process")) as done:
        for index, answer in done:
            try:
                record(answer.result())
            except (ChildDied, OSError) as error:
                record([_Done(_label(item), (), f"{_label(item)}: the rendering process "
                              f"failed ({error})") for item in tasks[index].items])


def _label(item: _Item) -> str:
    """How a report is named in messages: ``R001 (Ana Lima)``, ``team summary`` or
    ``summary for Maya Chen (M1)``."""
    if item.result:
        return f"{item.result.rep.rep_id} ({item.result.rep.name})"
    view = item.view
    if view is not None and (manager := view.org.by_key.get(view.scope)):
        return f"summary for {manager.name} ({manager.manager_id})"
    return "team summary"
