"""Can this machine render PDFs? ``python -m goalreport.reports.doctor`` answers in one line.

WeasyPrint needs Pango (and HarfBuzz, fontconfig) from the system. Without them its
import fails with an OSError deep in cffi; ``load_weasyprint`` turns that into a
``RenderError`` that says which Debian packages to install. This is the one module
outside the CLI allowed to print: ``make demo`` runs it before anything else.
"""

from __future__ import annotations

import sys
from types import ModuleType

from goalreport.errors import RenderError

DEBIAN_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
FIX = f"install Pango and fonts, e.g. on Debian/Ubuntu: sudo apt-get install {DEBIAN_PACKAGES}"


def load_weasyprint() -> ModuleType:
    """Import WeasyPrint, or raise ``RenderError`` naming the system packages it needs."""
    try:
        import weasyprint
    except ImportError as error:
        raise RenderError(f"WeasyPrint is not installed ({error}); run "
                          "'pip install weasyprint' in goalreport's environment.") from error
    except OSError as error:
        raise RenderError(f"PDF rendering needs system libraries that are missing ({error}); "
                          f"{FIX}.") from error
    return weasyprint


def main() -> int:
    """Print one line: PDF rendering works, or what to install. Exit 0 when ready, 1 when
    not."""
    try:
        weasyprint = load_weasyprint()
        weasyprint.HTML(string="<p>ok</p>").write_pdf()
    except RenderError as error:
        print(f"goalreport doctor: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - any failure here means "cannot render"
        print(f"goalreport doctor: WeasyPrint cannot render a test page ({error}); {FIX}.",
              file=sys.stderr)
        return 1
    print(f"goalreport doctor: PDF rendering works (WeasyPrint {weasyprint.__version__}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
