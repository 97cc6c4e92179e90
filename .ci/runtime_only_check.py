"""Runs the goalreport CLI of a venv that holds the runtime dependencies alone.

Called by ``.ci/runtime-only``. Imports the standard library only. Every file of the
hostile corpus (and the extra ones ``tests/hostile_files.py`` makes) must be refused by
``goalreport check`` with exit status 1 and exactly one line on stderr, never a traceback;
a batch over all of them must fail each one cleanly; and the demo (run, send --dry-run,
init, check --deals) must work. A module that only a test dependency brings in fails here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from hostile_files import write_extra_hostile  # noqa: E402

failures: list[str] = []


def run(goalreport: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOALREPORT_")}
    return subprocess.run([goalreport, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def expect(condition: bool, what: str, result: subprocess.CompletedProcess[str]) -> None:
    if "Traceback" in result.stderr or "Traceback" in result.stdout:
        condition = False
    if not condition:
        failures.append(f"{what}: exit {result.returncode}\n  stdout: {result.stdout[-2000:]}"
                        f"\n  stderr: {result.stderr[-2000:]}")
        print(f"FAIL {what}", flush=True)
    else:
        print(f"ok   {what}", flush=True)


def hostile_files(work: Path) -> list[Path]:
    corpus = Path(os.environ.get("GOALREPORT_CORPUS", REPO.parent / "shared" / "corpus"))
    files = write_extra_hostile(work / "extra")
    if (corpus / "hostile").is_dir():
        files += sorted(p for p in (corpus / "hostile").iterdir() if p.is_file())
    else:
        print(f"note: no hostile corpus at {corpus}/hostile; checking the made files only")
    return files


def main(goalreport: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for path in hostile_files(work):
            result = run(goalreport, "check", str(path), cwd=work)
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            expect(result.returncode == 1 and len(lines) == 1 and lines[0].startswith("Error: "),
                   f"check refuses {path.name} in one line", result)
        inbox = work / "inbox"
        inbox.mkdir()
        for path in hostile_files(work):
            if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
                shutil.copy(path, inbox / path.name)
        result = run(goalreport, "batch", str(inbox), "--settle", "0", cwd=work)
        expect(result.returncode == 1 and "failed" in result.stderr,
               "batch fails every hostile workbook cleanly", result)

        demo = work / "demo"
        demo.mkdir()
        book = demo / "acme-sales-2026.xlsx"
        shutil.copy(REPO / "sample_workbooks" / "acme-sales-2026.xlsx", book)
        result = run(goalreport, "run", str(book), "--out", str(demo / "reports"), cwd=demo)
        pdfs = sorted((demo / "reports").rglob("*.pdf"))
        expect(result.returncode == 0 and len(pdfs) >= 2, "the demo's monthly job", result)
        result = run(goalreport, "send", str(book), "--out", str(demo / "reports"),
                     "--dry-run", cwd=demo)
        emls = sorted((demo / "reports").rglob("*.eml"))
        expect(result.returncode in (0, 1) and len(emls) >= 2, "send --dry-run on the demo",
               result)
        result = run(goalreport, "init", str(demo / "new.xlsx"), "--example", cwd=demo)
        expect(result.returncode == 0 and (demo / "new.xlsx").is_file(), "init --example", result)
        deals = demo / "deals.csv"
        deals.write_text("Opportunity Owner,Stage,Close Date,Amount\n", encoding="utf-8")
        result = run(goalreport, "check", str(book), "--deals", str(deals), cwd=demo)
        expect(result.returncode in (0, 1), "check --deals with a CSV", result)
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    print("runtime-only install: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
