"""Hostile files and bounded work: the container checks run before any XML is parsed,
the zip scanner, the forked child with memory and time limits, and the format in which
its results come back (SPEC §7); and the files goalreport keeps in folders others may
write: every name reached without following links (safefs), the lock files (locks) and
the small JSON state files (statefile)."""
