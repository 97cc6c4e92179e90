"""Baseline (b): render goalreport's own HTML reports to PDF the plain way.

    python benchmarks/baseline_render.py HTML_DIR PDF_DIR

Takes the self-contained HTML files ``goalreport run --html`` wrote (every ``*.html``
under HTML_DIR) and renders each with a fresh ``weasyprint.HTML(filename=...)
.write_pdf()``, one after the other in this one process: what a user gets by pointing
WeasyPrint at the files without goalreport's pipeline. Prints how many it rendered.
"""

from __future__ import annotations

import sys
from pathlib import Path


def render_all(html_dir: Path, pdf_dir: Path) -> list[Path]:
    """Render every HTML file under ``html_dir`` to ``pdf_dir``; the PDFs written."""
    import weasyprint

    pdf_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index, html in enumerate(sorted(html_dir.rglob("*.html"))):
        target = pdf_dir / f"{index:04d}-{html.stem}.pdf"
        weasyprint.HTML(filename=str(html)).write_pdf(str(target))
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    written = render_all(Path(argv[0]), Path(argv[1]))
    print(f"rendered {len(written)} PDFs")
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
