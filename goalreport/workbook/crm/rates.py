"""Dated exchange rates for deals in another currency than the workbook's (pure).

The optional Exchange Rates sheet holds one rate per row: Currency (an ISO code), Rate
(how many units of that currency one unit of the workbook's Currency buys, as
Salesforce's advanced currency management keeps its dated conversion rates) and From
(the first day the rate is in force; it stays in force until the next From of the same
currency). A deal in EUR closed on 5 March is converted at the EUR rate whose From is the
latest on or before 5 March: amount ÷ rate, rounded to the cent.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ExchangeRates:
    """Currency → its rates, oldest first, as (from, rate)."""

    #: The sheet's name, for messages ("Exchange Rates").
    sheet: str = "Exchange Rates"
    rates: Mapping[str, tuple[tuple[date, Decimal], ...]] = field(default_factory=dict)

    def on(self, code: str, day: date) -> tuple[date, Decimal] | None:
        """(from, rate) of ``code`` in force on ``day``; None when there is none."""
        dated = self.rates.get(code, ())
        at = bisect_right([start for start, _ in dated], day)
        return dated[at - 1] if at else None

    def convert(self, cents: int, code: str, day: date) -> tuple[int, date, Decimal] | None:
        """``cents`` of ``code`` in the workbook's currency on ``day``, with the rate's
        (from, rate); None when no rate is in force."""
        found = self.on(code, day)
        if found is None:
            return None
        start, rate = found
        converted = (Decimal(cents) / rate).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return int(converted), start, rate

    def __bool__(self) -> bool:
        return bool(self.rates)
