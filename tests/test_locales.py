"""One locale fallback: an empty, malformed or unknown Locale is en_US everywhere."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel import Locale

from goalreport.core.formatting import Formatter
from goalreport.core.locales import babel_locale
from goalreport.workbook.dates import month_from_word, parse_date
from goalreport.workbook.values import parse_money
from goalreport.writeback.styles import money_format

UNUSABLE = ["", "   ", "zz_ZZ", "not a locale", "en_US_POSIX_EXTRA_NONSENSE_"]


@pytest.mark.parametrize(("name", "parsed"), [
    ("en_US", ("en", "US")), ("de-DE", ("de", "DE")), (" fr ", ("fr", None)),
    ("en_GB", ("en", "GB")),
])
def test_names_people_write(name: str, parsed: tuple[str, str | None]) -> None:
    locale = babel_locale(name)
    assert (locale.language, locale.territory) == parsed


@pytest.mark.parametrize("name", UNUSABLE)
def test_unusable_names_are_en_us_for_every_consumer(name: str) -> None:
    assert babel_locale(name) == Locale("en", "US")
    # Cell parsers: en_US reads 3/5/2026 month first and "." as the decimal point.
    assert parse_date("3/5/2026", name) == date(2026, 3, 5)
    assert parse_money("1,000.50", name) == Decimal("1000.50")
    assert month_from_word("March", name) == 3
    # The engine's messages, the reports and the sheets' number formats.
    assert Formatter(name, "USD").money(Decimal("1000.5")) == "$1,000.50"
    assert Formatter(name, "USD").locale == Locale("en", "US")
    assert money_format("USD", name) == money_format("USD", "en_US") == '"$"#,##0.00'


def test_a_known_locale_is_not_replaced() -> None:
    assert parse_date("3/5/2026", "de_DE") == date(2026, 5, 3)
    assert Formatter("de_DE", "EUR").money(Decimal("1000.5")) == "1.000,50\u00a0€"
