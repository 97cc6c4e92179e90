"""Hostile files and bounded work: the container checks run before any XML is parsed,
the zip scanner, the forked child with memory and time limits, and the format in which
its results come back (SPEC §7)."""
