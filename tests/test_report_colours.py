"""custom.css recolours the charts too: the SVG charts take their colours from the
stylesheet's CSS custom properties. Checked in the rendered pixels of a real PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import report_fixtures as fx

from goalreport.reports.charts import Palette, palette_from_css
from goalreport.reports.render import render_reports

BLUE = (0x1F, 0x5F, 0xA8)  # report.css --brand
BURGUNDY = (0x8A, 0x15, 0x38)
GREEN = (10, 200, 30)


def pixels(pdf: Path, tmp_path: Path) -> dict[tuple[int, int, int], int]:
    """How many pixels of each colour page 1 has (pdftoppm's PPM, no anti-aliasing)."""
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-aa", "no", "-aaVector",
                    "no", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    data = next(tmp_path.glob("page*.ppm")).read_bytes()
    fields = data.split(maxsplit=4)  # P6, width, height, 255, pixels
    raw = fields[4]
    counts: dict[tuple[int, int, int], int] = {}
    for i in range(0, len(raw) - 2, 3):
        key = (raw[i], raw[i + 1], raw[i + 2])
        counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm is not installed")
def test_custom_css_recolours_the_charts(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "custom.css").write_text(
        ":root { --brand: #8a1538; --chart-repeat-actual: rgb(10, 200, 30); }\n")
    outcome = render_reports(fx.computation(), fx.settings(), tmp_path / "out",
                             templates_dir=templates, jobs=1, html=True)
    assert outcome.failures == ()
    pdf = tmp_path / "out" / "2026-10" / "R1-Ana-Lima.pdf"
    counts = pixels(pdf, tmp_path)
    assert counts.get(BLUE, 0) == 0  # nothing left in the packaged blue, charts included
    assert counts.get(BURGUNDY, 0) > 300  # rule, cards, actual line and bars
    assert counts.get(GREEN, 0) > 20  # the repeat-actual bars
    html = (tmp_path / "out" / "2026-10" / "R1-Ana-Lima.html").read_text()
    assert 'stroke="#8a1538" stroke-width="2.6"' in html  # the actual line


@pytest.mark.slow
def test_default_charts_use_the_packaged_brand(tmp_path: Path) -> None:
    render_reports(fx.computation(), fx.settings(), tmp_path, jobs=1, html=True)
    html = (tmp_path / "2026-10" / "R1-Ana-Lima.html").read_text()
    assert 'stroke="#1f5fa8" stroke-width="2.6"' in html


def test_only_plain_colours_reach_the_svg() -> None:
    palette = palette_from_css(
        ':root { --ink: "/><script>x</script>; --chart-plan: url(http://x/); }\n'
        ":root { --muted: hsl(10, 50%, 40%); --rule: var(--nowhere, #abc); }")
    assert palette == Palette(muted="hsl(10, 50%, 40%)", rule="#abc")
