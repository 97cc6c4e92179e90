"""Safe report file names: whatever a rep's ID or name says, the file lands in out_dir.

A name from a cell may hold ``/``, ``..``, NUL, control characters, a Windows device name
(CON, NUL, COM1 …) or be thousands of characters long. ``report_filenames`` turns each
(rep ID, name) into a short, portable ``<id>-<name>`` stem, unique case-insensitively
(for Windows and macOS file systems), and ``inside`` refuses any path that would resolve
outside the output folder.

A stem keeps letters of any script (with their combining marks), digits, ``-``, ``_`` and
``.``; everything a shell or an e-mail header would need quoted (quotes, ``$``, ``&``,
``;``, spaces, emoji …) becomes ``-``, so ``Harry O'Neill`` gives ``R08-Harry-O-Neill``.
Its length is capped in UTF-8 bytes as well as characters: file systems count bytes (255
on ext4, APFS, NTFS via UTF-16 is looser), and 80 Devanagari or CJK letters are already
240 bytes before ``.html`` and the temporary suffix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from goalreport.core.results import Computation
from goalreport.core.rollup import managers_to_report

#: Longest stem, in characters, leaving room for "-2", ".pdf" and ".tmp" suffixes.
MAX_STEM = 80
#: Longest stem in UTF-8 bytes: 255 (the usual file-name limit) minus room for a "-NNN"
#: de-duplication suffix, ".html" and the ".<name>.<pid>.tmp" of an atomic write.
MAX_STEM_BYTES = 200
WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in range(10)} | {f"LPT{i}" for i in range(10)}
    | {f"COM{c}" for c in "¹²³"} | {f"LPT{c}" for c in "¹²³"}
)
#: Names the renderer writes itself; a rep must never take them.
RESERVED_STEMS = frozenset({"team-summary"})
#: Characters kept besides letters, combining marks and digits (Unicode categories L, M, N).
_KEPT = frozenset("-_.")


def sanitize(text: str) -> str:
    """One path component: printable, no separators or dots at the ends, not reserved."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = "".join(ch if ch in _KEPT or unicodedata.category(ch)[0] in "LMN" else "-"
                   for ch in text)
    text = re.sub(r"-{2,}", "-", text)
    text = re.sub(r"\.{2,}", ".", text).strip(".-")
    text = cap_bytes(text[:MAX_STEM], MAX_STEM_BYTES).rstrip(".-")
    if not text or text.split(".")[0].upper() in WINDOWS_RESERVED:
        text = f"_{text}" if text else "_"
    return text


def cap_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character and never
    leaving a combining mark without its letter."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    cut = data[:limit].decode("utf-8", errors="ignore")
    while cut and unicodedata.category(text[len(cut)])[0] == "M":
        cut = cut[:-1]  # back to before the letter whose marks did not all fit
    return cut


def report_stem(rep_id: str, name: str) -> str:
    """``R1`` + ``Ana Lima`` → ``R1-Ana-Lima`` (before de-duplication)."""
    return sanitize(f"{rep_id.strip()}-{name.strip()}" if name.strip() else rep_id)


def unique_stems(stems: Iterable[str], taken: Iterable[str] = RESERVED_STEMS) -> list[str]:
    """Make stems unique case-insensitively by appending ``-2``, ``-3`` … in order."""
    used = {stem.casefold() for stem in taken}
    result = []
    for stem in stems:
        candidate, number = stem, 1
        while candidate.casefold() in used:
            number += 1
            suffix = f"-{number}"
            candidate = cap_bytes(stem[: MAX_STEM - len(suffix)],
                                  MAX_STEM_BYTES - len(suffix)) + suffix
        used.add(candidate.casefold())
        result.append(candidate)
    return result


def report_filenames(reps: Sequence[tuple[str, str]]) -> list[str]:
    """(rep ID, name) pairs → unique safe stems, in the same order."""
    return unique_stems(report_stem(rep_id, name) for rep_id, name in reps)


def report_stems(reps: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Rep key (``core.model.rep_key``) → the stem of the rep's PDF, numbered over
    ``reps``: every active rep, always, so that a rep's file name is the same whether the
    reports are rendered together or one by one (``--rep``), and ``send`` attaches the
    file of the rep it mails."""
    from goalreport.core.keys import rep_key

    return {rep_key(rep_id): stem for (rep_id, _), stem
            in zip(reps, report_filenames(reps), strict=True)}


#: What begins the file of a manager's own summary: ``team-summary-M1-Maya-Chen.pdf``.
SUMMARY_PREFIX = "team-summary-"


def summary_key(manager: str) -> str:
    """How a manager's summary is named in stamps and the send record: ``manager:m1``."""
    return f"manager:{manager}"


def summary_stems(computation: Computation) -> dict[str, str]:
    """Manager key → the stem of their summary's file, for every manager who gets one
    (``rollup.managers_to_report``), in tree order: ``team-summary-<ID>-<Name>``, unique
    against the reps' stems (``report_stems`` over every active rep) and each other."""
    keys = managers_to_report(computation)
    managers = [computation.org.by_key[key] for key in keys]
    taken = [*RESERVED_STEMS, *report_filenames([(r.rep.rep_id, r.rep.name)
                                                 for r in computation.results])]
    stems = unique_stems((report_stem(SUMMARY_PREFIX + m.manager_id, m.name)
                          for m in managers), taken)
    return dict(zip(keys, stems, strict=True))


def inside(folder: Path, name: str) -> Path:
    """``folder / name`` for a plain file name, refusing (ValueError) anything that would
    land elsewhere (a separator, ``..``). A link planted under ``name`` itself is not
    followed here: the file is written through the folder's descriptor and renamed over
    it (``safefs.Folder.atomic_file``), which replaces the link, never writes through it."""
    root = folder.resolve()
    if name in ("", ".", "..") or "/" in name or "\0" in name:
        raise ValueError(f"refusing to write {name!r} outside {root}")
    return root / name
