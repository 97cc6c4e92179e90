"""`python -m goalreport.reports.doctor`, which `make demo` runs first: one line, ready or the fix."""

from __future__ import annotations

import os
import subprocess
import sys


def doctor(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "goalreport.reports.doctor"], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=120, check=False)


def test_ready_machine() -> None:
    result = doctor()
    assert result.returncode == 0
    assert result.stdout.startswith("goalreport doctor: PDF rendering works (WeasyPrint ")


def test_openpyxl_without_defusedxml_is_refused() -> None:
    result = doctor(OPENPYXL_DEFUSEDXML="False")
    assert result.returncode == 1
    assert result.stderr == (
        "goalreport doctor: openpyxl is not using defusedxml, so workbooks could carry XML "
        "entity attacks. Install defusedxml (pip install defusedxml) and unset "
        "OPENPYXL_DEFUSEDXML.\n")
