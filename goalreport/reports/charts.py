"""Vector SVG charts for the reports, built as text (no bitmaps, no plotting library).

Each function takes plain values and a ``Formatter`` and returns ``Markup`` holding one
``<svg>`` element that WeasyPrint draws inline and browsers show in the ``--html`` copy.
Every piece of text that reaches the SVG goes through ``_text`` (XML-escaped), so a rep
name such as ``</svg><script>`` stays literal text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from html import escape

from markupsafe import Markup

from goalreport.core.calendar import add_months
from goalreport.core.formatting import Formatter

FONT = "font-family:'DejaVu Sans',Arial,sans-serif"


@dataclass(frozen=True)
class Palette:
    """The charts' colours. Each comes from the CSS custom property of the same name in
    the stylesheet (``report.css`` then ``custom.css``): field ``chart_new_actual`` ←
    ``--chart-new-actual``, ``ink`` ← ``--ink``; so the brand colours a ``custom.css``
    sets recolour the charts too. These defaults match ``report.css``."""

    ink: str = "#1f2a37"
    muted: str = "#6b7785"
    rule: str = "#d8dee6"
    chart_plan: str = "#8aa2bd"
    chart_actual: str = "#1f5fa8"
    chart_new_target: str = "#c5d3e3"
    chart_repeat_target: str = "#e3eaf2"
    chart_new_actual: str = "#1f5fa8"
    chart_repeat_actual: str = "#6fa3d8"
    chart_pipeline: str = "#f0b429"


#: A colour that is safe inside an SVG attribute: hex, a name, rgb()/rgba()/hsl().
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|(?:rgb|rgba|hsl|hsla)\([0-9.,%\s]+\)")
_ROOT = re.compile(r":root\s*\{([^}]*)\}")
_PROPERTY = re.compile(r"--([\w-]+)\s*:\s*([^;]+)")
_VAR = re.compile(r"var\(\s*--([\w-]+)\s*(?:,\s*([^)]*))?\)")


def palette_from_css(css: str) -> Palette:
    """The chart colours set by the ``:root`` custom properties of ``css`` (later rules
    win, ``var()`` references are followed). A value that is not a plain colour is
    ignored, so a stylesheet cannot inject markup into the SVG."""
    found: dict[str, str] = {}
    for block in _ROOT.findall(re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)):
        for name, value in _PROPERTY.findall(block):
            found[name] = value.strip()

    def resolve(value: str, depth: int = 0) -> str:
        match = _VAR.fullmatch(value)
        if match is None or depth > 10:
            return value
        name, fallback = match.groups()
        return resolve(found.get(name, fallback or ""), depth + 1)

    colours = {}
    for field in fields(Palette):
        value = resolve(found.get(field.name.replace("_", "-"), ""))
        if _COLOUR.fullmatch(value):
            colours[field.name] = value
    return Palette(**colours)


DEFAULT_PALETTE = Palette()


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    """Coordinates with two decimals at most, so output is short and stable."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


#: Steps of a value axis: 1, 2, 2.5 and 5 × 10^n.
STEP_FACTORS = (1, 2, 2.5, 5, 10, 20, 25, 50)
#: An axis has this many steps at least and at most (4 to 8 labels, 0 included).
FEWEST_STEPS, MOST_STEPS = 3, 7


def nice_ceiling(value: float) -> tuple[float, float]:
    """(axis maximum, tick step) for data up to ``value``: the lowest maximum at or above
    it that is a whole number of 1/2/2.5/5 × 10^n steps, ``FEWEST_STEPS`` to
    ``MOST_STEPS`` of them (ties: the count nearer five). So a $240k goal gets a $250k
    axis in steps of $50k, not $400k, and the top is never more than a fifth empty."""
    if value <= 0:
        return 1.0, 0.25
    magnitude = 10 ** math.floor(math.log10(value / MOST_STEPS))
    best: tuple[tuple[float, int], float, float] | None = None
    for factor in STEP_FACTORS:
        step = factor * magnitude
        steps = math.ceil(value / step - 1e-9)
        if FEWEST_STEPS <= steps <= MOST_STEPS:
            key = (steps * step, abs(steps - 5))
            if best is None or key < best[0]:
                best = (key, steps * step, step)
    assert best is not None  # some factor of STEP_FACTORS always gives 3 to 7 steps
    return best[1], best[2]


def _svg(width: int, height: int, body: list[str], title: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" style="{FONT}">'
        f"<title>{_text(title)}</title>{''.join(body)}</svg>"
    )


def _legend(items: Sequence[tuple[str, str, str]], x: float, y: float, c: Palette
            ) -> list[str]:
    """Legend entries (label, colour, kind: "box", "line" or "dash") laid out in a row."""
    parts: list[str] = []
    for label, colour, kind in items:
        if kind == "box":
            parts.append(f'<rect x="{_num(x)}" y="{_num(y - 8)}" width="10" height="10" '
                         f'fill="{colour}" stroke="{c.muted}" stroke-width="0.3"/>')
        else:
            dash = ' stroke-dasharray="4 3"' if kind == "dash" else ""
            parts.append(f'<line x1="{_num(x)}" y1="{_num(y - 3)}" x2="{_num(x + 14)}" '
                         f'y2="{_num(y - 3)}" stroke="{colour}" stroke-width="2.2"{dash}/>')
        parts.append(f'<text x="{_num(x + 18)}" y="{_num(y)}" font-size="10" fill="{c.ink}">'
                     f"{_text(label)}</text>")
        x += 26 + 6.2 * len(label)
    return parts


def _y_axis(fmt: Formatter, top: float, step: float, left: float, right: float,
            y_of: object, c: Palette) -> list[str]:
    parts: list[str] = []
    tick = 0.0
    while tick <= top + 1e-9:
        y = y_of(tick)  # type: ignore[operator]
        parts.append(f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(right)}" y2="{_num(y)}" '
                     f'stroke="{c.rule}" stroke-width="0.6"/>')
        parts.append(f'<text x="{_num(left - 6)}" y="{_num(y + 3.5)}" font-size="9" '
                     f'text-anchor="end" fill="{c.muted}">{_text(fmt.money_compact(Decimal(str(tick))))}'
                     "</text>")
        tick += step
    return parts


def cumulative_chart(
    plan: Sequence[tuple[date, Decimal]],
    actual: Sequence[tuple[date, Decimal]],
    *,
    year_start: date,
    year_end: date,
    as_of: date,
    forecast: Decimal,
    target: Decimal,
    fmt: Formatter,
    description: str = "Cumulative actual against plan",
    c: Palette = DEFAULT_PALETTE,
    height: int = 200,
) -> Markup:
    """Cumulative actual against plan over the goal year, the run-rate forecast dashed
    from As Of to the year end, and a vertical "as of" marker. ``description`` is the
    text alternative a screen reader says (the SVG ``<title>``, the PDF's Alt text).
    ``height``: a rep's report with a pipeline section draws it lower, to keep two pages."""
    width = 680
    left, right, top_pad, bottom = 62, 664, 22, height - 32
    span = max((year_end - year_start).days + 1, 1)
    highest = max([float(target), float(forecast), *(float(v) for _, v in plan),
                   *(float(v) for _, v in actual)], default=0.0)
    top, step = nice_ceiling(highest)

    def x_of(day: date) -> float:
        return left + (right - left) * min(max((day - year_start).days + 1, 0), span) / span

    def y_of(value: float) -> float:
        return bottom - (bottom - top_pad) * value / top

    body = _y_axis(fmt, top, step, left, right, y_of, c)
    month = year_start.replace(day=1)
    while month <= year_end:
        x = x_of(month) - 1 if month > year_start else left
        body.append(f'<line x1="{_num(x)}" y1="{bottom}" x2="{_num(x)}" y2="{bottom + 4}" '
                    f'stroke="{c.muted}" stroke-width="0.6"/>')
        middle = (x + x_of(min(add_months(month, 1), year_end))) / 2
        body.append(f'<text x="{_num(middle)}" y="{bottom + 14}" font-size="9" '
                    f'text-anchor="middle" fill="{c.muted}">{_text(fmt.month_short(month))}</text>')
        month = add_months(month, 1)
    body.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{c.muted}" '
                'stroke-width="0.8"/>')

    def path(points: Sequence[tuple[date, Decimal]]) -> str:
        coords = [(left, float(y_of(0)))] + [(x_of(d), y_of(float(v))) for d, v in points]
        return " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)

    body.append(f'<polyline points="{path(plan)}" fill="none" stroke="{c.chart_plan}" '
                'stroke-width="2"/>')
    if as_of >= year_start:
        marker = x_of(min(as_of, year_end))
        body.append(f'<line x1="{_num(marker)}" y1="{top_pad - 6}" x2="{_num(marker)}" '
                    f'y2="{bottom}" stroke="{c.muted}" stroke-width="0.8" stroke-dasharray="2 2"/>')
        anchor = "end" if marker > (left + right) / 2 else "start"
        shift = -4 if anchor == "end" else 4
        body.append(f'<text x="{_num(marker + shift)}" y="{top_pad - 8}" font-size="9" '
                    f'text-anchor="{anchor}" fill="{c.muted}">'
                    f"{_text('As of ' + fmt.date(as_of))}</text>")
    if actual:
        last_day, last_value = actual[-1]
        body.append(f'<polyline points="{path(actual)}" fill="none" stroke="{c.chart_actual}" '
                    'stroke-width="2.6" stroke-linejoin="round"/>')
        if last_day < year_end:
            body.append(
                f'<line x1="{_num(x_of(last_day))}" y1="{_num(y_of(float(last_value)))}" '
                f'x2="{_num(x_of(year_end))}" y2="{_num(y_of(float(forecast)))}" '
                f'stroke="{c.chart_actual}" stroke-width="2" stroke-dasharray="6 4"/>')
            body.append(f'<circle cx="{_num(x_of(year_end))}" cy="{_num(y_of(float(forecast)))}" '
                        f'r="3" fill="{c.chart_actual}"/>')
    body += _legend([("Plan", c.chart_plan, "line"), ("Actual", c.chart_actual, "line"),
                     ("Forecast (run rate)", c.chart_actual, "dash")], left, height - 6, c)
    return _svg(width, height, body, description)


def monthly_chart(
    months: Sequence[tuple[date, Decimal, Decimal, Decimal, Decimal]],
    *,
    as_of: date,
    fmt: Formatter,
    c: Palette = DEFAULT_PALETTE,
    split: bool = True,
    pipeline: Mapping[date, Decimal] | None = None,
    height: int = 180,
) -> Markup:
    """Per month (first day, new target, repeat target, new actual, repeat actual): a
    stacked target bar beside a stacked actual bar; months not yet begun show the target.
    Its text alternative lists each month's figures. Without a ``split`` the target is one
    total (passed as the new target) and its legend says Target. ``pipeline`` (month →
    weighted pipeline closing in it from As Of) is stacked on the actual bar, so the bar
    shows won + weighted pipeline against the month's target: the pipeline against what
    the month still needs."""
    width = 680
    left, right, top_pad, bottom = 62, 664, 10, height - 32
    ahead = pipeline or {}
    highest = max([float(nt + rt) for _, nt, rt, _, _ in months]
                  + [float(na + ra + ahead.get(m, 0)) for m, _, _, na, ra in months],
                  default=0.0)
    top, step = nice_ceiling(highest)

    def y_of(value: float) -> float:
        return bottom - (bottom - top_pad) * value / top

    body = _y_axis(fmt, top, step, left, right, y_of, c)
    slot = (right - left) / max(len(months), 1)
    bar = min(slot * 0.34, 22)
    for index, (month, new_t, rep_t, new_a, rep_a) in enumerate(months):
        centre = left + slot * (index + 0.5)
        stacks: list[tuple[float, tuple[tuple[Decimal, str], ...]]] = [
            (centre - bar - 1, ((new_t, c.chart_new_target), (rep_t, c.chart_repeat_target)))]
        weighted = ahead.get(month, Decimal(0))
        if month <= as_of or weighted:
            stacks.append((centre + 1, ((new_a, c.chart_new_actual),
                                        (rep_a, c.chart_repeat_actual),
                                        (weighted, c.chart_pipeline))))
        for x, segments in stacks:
            base = 0.0
            for value, colour in segments:
                if value > 0:
                    y_low, y_high = y_of(base), y_of(base + float(value))
                    body.append(f'<rect x="{_num(x)}" y="{_num(y_high)}" width="{_num(bar)}" '
                                f'height="{_num(y_low - y_high)}" fill="{colour}" '
                                f'stroke="{c.muted}" stroke-width="0.3"/>')
                    base += float(value)
        body.append(f'<text x="{_num(centre)}" y="{bottom + 13}" font-size="9" '
                    f'text-anchor="middle" fill="{c.muted}">{_text(fmt.month_short(month))}</text>')
    body.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{c.muted}" '
                'stroke-width="0.8"/>')
    targets = [("Target new", c.chart_new_target, "box"),
               ("Target repeat", c.chart_repeat_target, "box")] if split else [
        ("Target", c.chart_new_target, "box")]
    weighted_legend = [("Weighted pipeline", c.chart_pipeline, "box")] if pipeline else []
    body += _legend([*targets, ("Actual new", c.chart_new_actual, "box"),
                     ("Actual repeat", c.chart_repeat_actual, "box"), *weighted_legend],
                    left, height - 6, c)
    return _svg(width, height, body, monthly_description(months, as_of, fmt, pipeline))


def monthly_description(
    months: Sequence[tuple[date, Decimal, Decimal, Decimal, Decimal]], as_of: date,
    fmt: Formatter, pipeline: Mapping[date, Decimal] | None = None,
) -> str:
    """"Monthly actual against target: Jan $12,000 of $15,000; …; Dec target $15,000."."
    With ``pipeline``, months ahead say their weighted pipeline: "Nov weighted pipeline
    $12,000 against a target of $44,154"."""
    parts = []
    for month, new_t, rep_t, new_a, rep_a in months:
        label = fmt.month_short(month)
        weighted = (pipeline or {}).get(month)
        if month <= as_of:
            text = f"{label} {fmt.money_whole(new_a + rep_a)} of {fmt.money_whole(new_t + rep_t)}"
            if weighted:
                text += f", weighted pipeline {fmt.money_whole(weighted)}"
            parts.append(text)
        elif pipeline is not None:
            parts.append(f"{label} weighted pipeline {fmt.money_whole(weighted or 0)} against "
                         f"a target of {fmt.money_whole(new_t + rep_t)}")
        else:
            parts.append(f"{label} target {fmt.money_whole(new_t + rep_t)}")
    title = "Monthly actual and weighted pipeline against target: " if pipeline is not None \
        else "Monthly actual against target: "
    return title + "; ".join(parts) + "."
