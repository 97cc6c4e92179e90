"""`python -m goalreport.reports.doctor`, which `make demo` runs first: one line, ready or the fix."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from goalreport.reports.doctor import DEBIAN_PACKAGES

PANGO = ctypes.util.find_library("pango-1.0")


def doctor(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "goalreport.reports.doctor"], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=120, check=False)


@pytest.mark.skipif(PANGO is None, reason="Pango (libpango-1.0) is not installed on this "
                    "machine, so WeasyPrint cannot render; .ci/run installs it")
def test_ready_machine() -> None:
    result = doctor()
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("goalreport doctor: PDF rendering works (WeasyPrint ")


def test_missing_system_libraries_name_the_packages(tmp_path: Path) -> None:
    """What a machine without Pango sees: WeasyPrint's import fails with an OSError from
    cffi. A stand-in package earlier on the path fails the same way, on any machine."""
    fake = tmp_path / "weasyprint"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "raise OSError(\"cannot load library 'libpango-1.0-0': No such file\")\n")
    result = doctor(PYTHONPATH=str(tmp_path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "goalreport doctor: PDF rendering needs system libraries that are missing (cannot "
        "load library 'libpango-1.0-0': No such file); install Pango and fonts, e.g. on "
        f"Debian/Ubuntu: sudo apt-get install {DEBIAN_PACKAGES}.\n")
