"""The workbook's Locale as Babel takes it, with the one fallback rule.

The Settings reader reports a Locale Babel does not know as an input problem. Everything
after it (cell parsers, report formats, sheet number formats, the engine's messages) takes
the locale through ``babel_locale``, which never fails: an empty, malformed or unknown
name means en_US, the contract's default.
"""

from __future__ import annotations

from functools import lru_cache

from babel.core import Locale, UnknownLocaleError

#: The contract's default Locale, and what an unusable one falls back to.
FALLBACK = "en_US"


@lru_cache(maxsize=64)
def babel_locale(name: str | None) -> Locale:
    """``en_US``, ``de-DE`` or `` fr `` → a Babel Locale; empty or unknown → en_US.
    Cached: parsing a locale is slow in Babel and the same few names repeat."""
    try:
        return Locale.parse((name or FALLBACK).strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(FALLBACK)
