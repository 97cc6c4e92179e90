"""The Jinja environment: the user's template folder first, then the packaged templates.

``StrictUndefined`` makes a misspelt variable fail loudly; autoescape keeps cell text
from ever becoming markup. Every Jinja failure becomes ``TemplateError`` naming the
template and line, so a broken override says where it is broken.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from goalreport.errors import TemplateError

#: The templates that make the reports; a user's folder may override any of them.
REP_TEMPLATE = "rep_report.html"
TEAM_TEMPLATE = "team_summary.html"
STYLESHEET = "report.css"
#: Empty in the package; the place for a user's own rules, applied after report.css.
CUSTOM_STYLESHEET = "custom.css"


def packaged_templates() -> Path:
    """The folder of templates shipped inside the package."""
    return Path(str(files("goalreport") / "templates"))


def make_environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """A Jinja environment loading from ``templates_dir`` (when given) before the package."""
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        if not templates_dir.is_dir():
            raise TemplateError(
                f"--templates {str(templates_dir)!r} is not a folder. Give a folder holding "
                f"your own {REP_TEMPLATE}, {TEAM_TEMPLATE} or {STYLESHEET}.")
        loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
    loaders.append(jinja2.FileSystemLoader(str(packaged_templates())))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _where(error: BaseException, fallback: str) -> tuple[str, int | None]:
    """The template name and line a Jinja error happened at (Jinja rewrites tracebacks so
    that template frames carry the template's file name and line)."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return (error.name or error.filename or fallback), error.lineno
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        name = Path(frame.filename).name
        if name.endswith((".html", ".css", ".j2", ".jinja")):
            return name, frame.lineno
    return fallback, None


def template_error(error: BaseException, name: str, templates_dir: Path | None) -> TemplateError:
    """A ``TemplateError`` for a Jinja failure while rendering ``name``."""
    if isinstance(error, jinja2.TemplateNotFound):
        where = f"{templates_dir} or the packaged templates" if templates_dir else \
            "the packaged templates"
        return TemplateError(f"template {error.name!r} (used by {name}) was not found in "
                             f"{where}.")
    template, line = _where(error, name)
    at = f"{template}, line {line}" if line else template
    hint = ""
    if isinstance(error, jinja2.UndefinedError):
        hint = " Check the spelling against the packaged template of the same name."
    return TemplateError(f"template {at}: {error}.{hint}")


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, Any],
                    templates_dir: Path | None = None) -> str:
    """Render template ``name``; any Jinja failure → ``TemplateError``."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateError as error:
        raise template_error(error, name, templates_dir) from error
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError) \
            as error:
        # Template code doing something impossible (iterating a number, dividing by zero).
        raise template_error(error, name, templates_dir) from error


def stylesheet_source(env: jinja2.Environment, templates_dir: Path | None = None) -> str:
    """``report.css`` followed by ``custom.css`` (each the user's copy when there is one).

    The packaged ``custom.css`` is empty: a user who only wants other colours or fonts
    puts a few rules in their own ``custom.css`` instead of copying the whole stylesheet.
    """
    sources = []
    for name in (STYLESHEET, CUSTOM_STYLESHEET):
        try:
            source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound as error:
            raise template_error(error, name, templates_dir) from error
        sources.append(source)
    return "\n".join(sources)
