"""One row → one deal, for the Activity sheet and for CRM exports alike (pure).

A won, lost or meeting row of the Activity sheet and a row of a CRM export are the same
thing by the time they count: a ``Deal``: which rep, which day, won or lost (or a held
meeting), and for a won deal its client type and amount. Each source first reads, its
own way, what it alone decides:

- won or lost: Activity from its Type column (``schema.TYPE_WORDS``), an export from its
  flags, status or stage (``crm.outcome``);
- the rep: a Rep ID on Activity (``inputsheets.RepIndex``), an owner name or CRM user ID
  in an export (``crm.rows.owner_rep``);
- the day: Activity's Date, an export's won, lost or close date.

Then one step serves both. ``WonTerms`` reads a won deal's client type and amount by one
rule (a won deal counts with a client type, new or repeat, and an amount in the
workbook's currency, in cents); its two subclasses, ``activity.ActivityTerms`` and
``crm.terms.ExportTerms``, hold only what differs: the words for new and repeat (exports
add the CRMs' deal types), whether a deal without a type is a problem or is inferred
(CRMs rarely export it), how an amount's currency is told (exports have a currency
column), and the fix their messages give (type it on the sheet; export it from the
CRM). Every won, lost and meeting deal of both sources is then added to one
``DayTally``, per rep and day, in integer cents, which gives the ``DayActivity``
records everything downstream reads.

Each distinct cell is worked out once and remembered (``WonTerms.types`` and
``.amounts``): a million rows repeat a few types and amounts, and Activity's fast path
reads those caches directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any, Generic, NamedTuple, TypeVar

from goalreport.core.keys import normalize
from goalreport.core.model import Credit, DayActivity
from goalreport.guard.handback import build
from goalreport.workbook.schema import CLIENT_TYPES
from goalreport.workbook.table import Collector
from goalreport.workbook.values import ValueProblem, parse_money, parse_text

#: What ``read_client_type`` returns after recording a problem (None: left to infer).
UNREAD = ""
#: A cache miss, where None is a cached answer.
_UNSEEN: Any = object()
# Slots of one (rep, day)'s sums: counts, and amounts in integer cents (hours in
# hundredths), which are exact since every amount is rounded to cents when it is read.
(LEADS, MEETINGS, LOST, WON_NEW, WON_NEW_AMOUNT, WON_REPEAT, WON_REPEAT_AMOUNT, FOCUS_BLOCKS,
 FOCUS) = range(9)
#: A row as each source reads it (``table.Row`` for Activity, ``crm.rows.ExportRow``).
RowT = TypeVar("RowT")


class Deal(NamedTuple):
    """One won or lost deal, or a held meeting, from the Activity sheet or an export.

    A named tuple, not a dataclass: an export of a million rows makes as many, and a
    tuple is made four times faster than a frozen dataclass."""

    rep_id: str
    day: date
    #: "won", "lost" or "meeting".
    kind: str
    #: "new" or "repeat"; None when an export does not say (then inferred).
    client_type: str | None
    #: The amount in cents (0 for a lost deal or a meeting).
    cents: int
    #: ``keys.client_key`` of its Client / Account / Organization; "" when none.
    client: str
    #: The row, for messages: "Activity row 7", "SF export!A7".
    where: str

    @property
    def won(self) -> bool:
        return self.kind == "won"


def cents(amount: Decimal) -> int:
    """An amount already rounded to cents, as integer cents (exact)."""
    return int(amount.scaleb(2))


class WonTerms(Generic[RowT]):
    """A won deal's client type and amount, read from one source's rows.

    ``client_type`` and ``number_cents`` answer for one cell and remember the answer;
    ``read`` is the full reading of a row, which records every problem with its cell.
    Subclasses give ``words`` and the two ``read_…`` methods: what each source accepts
    and how it words what is wrong."""

    #: Client-type words (as ``normalize`` writes them) → "new" or "repeat" (a source may
    #: add its own per instance: Settings' New Types and Repeat Types for exports).
    words: Mapping[str, str] = CLIENT_TYPES

    def __init__(self, locale: str, currency: str | None) -> None:
        self.locale = locale
        #: The workbook's Currency; None when its cell is wrong (amounts are not checked).
        self.currency = currency
        #: cell value → its client type, or None when it names none.
        self.types: dict[Any, str | None] = {}
        #: number cell → its amount in cents (never a key: 0 and 1, which True and False
        #: equal, so a yes/no cell is never read as an amount).
        self.amounts: dict[Any, int] = {}

    def client_type(self, raw: Any) -> str | None:
        """'new' or 'repeat' for a client-type cell; None when it says neither."""
        found = self.types.get(raw, _UNSEEN)
        if found is _UNSEEN:
            found = self.types[raw] = self.words.get(normalize(parse_text(raw)))
        return found

    def number_cents(self, raw: Any) -> int | None:
        """The cents of a number cell of 0 or more; None for anything else (text, a yes/no,
        a negative or too large number), which the full reading must see."""
        if (raw.__class__ is not float and raw.__class__ is not int) or not raw >= 0:
            return None
        try:
            amount = cents(parse_money(raw))
        except ValueProblem:  # too large, or infinite: said by the full reading
            return None
        if raw != 0 and raw != 1:
            self.amounts[raw] = amount
        return amount

    def read(self, row: RowT, out: Collector) -> tuple[str | None, int] | None:
        """(client type, cents) of the won deal in ``row``, or None after recording its
        problems (both are read, so one run names both). The client type is None when
        the source leaves it to be inferred."""
        client_type = self.read_client_type(row, out)
        amount = self.read_cents(row, out)
        if client_type == UNREAD or amount is None:
            return None
        return client_type, amount

    def read_client_type(self, row: RowT, out: Collector) -> str | None:
        """'new' or 'repeat'; None when left to infer; ``UNREAD`` after a problem."""
        raise NotImplementedError

    def read_cents(self, row: RowT, out: Collector) -> int | None:
        """The amount in cents, in the workbook's currency; None after a problem."""
        raise NotImplementedError


#: A new day's slots, and a new rep's days: made in C, as a new day comes every few rows.
_NEW_DAY: Callable[[], list[Any]] = partial(list, (0,) * 9)
_NEW_REP: Callable[[], defaultdict[date, list[Any]]] = partial(defaultdict, _NEW_DAY)


class DayTally:
    """Per rep and day sums of Activity rows and export deals, in integer cents.

    ``sums[rep_id][day]`` is that day's slot list (``LEADS`` … ``FOCUS``), made when first
    asked for: Activity's reader adds to it in its loop, ``add`` adds one deal, and
    ``records`` makes the ``DayActivity`` records once, at the end."""

    def __init__(self) -> None:
        #: Counts are whole numbers, or Fractions once a share of a deal is added.
        self.sums: defaultdict[str, defaultdict[date, list[Any]]] = defaultdict(_NEW_REP)

    def add(self, deal: Deal) -> None:
        """Count ``deal`` on its rep's day as an Activity row of its kind would count."""
        record = self.sums[deal.rep_id][deal.day]
        if deal.kind == "meeting":
            record[MEETINGS] += 1
        elif not deal.won:
            record[LOST] += 1
        else:
            slot = WON_REPEAT if deal.client_type == "repeat" else WON_NEW
            record[slot] += 1
            record[slot + 1] += deal.cents

    def add_all(self, deals: Iterable[Deal]) -> None:
        """``add`` for each of ``deals`` (one loop: an export adds a million)."""
        sums = self.sums
        for rep_id, day, kind, client_type, amount, _client, _where in deals:
            record = sums[rep_id][day]
            if kind == "won":
                slot = WON_REPEAT if client_type == "repeat" else WON_NEW
                record[slot] += 1
                record[slot + 1] += amount
            elif kind == "lost":
                record[LOST] += 1
            else:
                record[MEETINGS] += 1

    def add_credits(self, credits: Iterable[Credit], overlay: bool | None = None) -> None:
        """Add each dated share of ``credits`` on its credit day: a share of a deal counts
        as that share (``overlay``: only the overlay shares, or only the others; None:
        all)."""
        sums = self.sums
        for credit in credits:
            if credit.day is None or (overlay is not None and credit.overlay != overlay):
                continue
            record = sums[credit.rep_id][credit.day]
            share: int | Fraction = credit.share
            if share.denominator == 1:
                share = share.numerator
            if credit.kind == "lost":
                record[LOST] += share
                continue
            slot = WON_REPEAT if credit.client_type == "repeat" else WON_NEW
            record[slot] += share
            record[slot + 1] += credit.cents

    def records(self) -> tuple[DayActivity, ...]:
        """The sums as ``DayActivity``, sorted by (rep ID, day). An amount nothing was added
        to is ``Decimal(0)``; any other has two places, as the sum of amounts read as cents
        would."""
        zero = Decimal(0)
        amounts: dict[int, Decimal] = {}

        def amount(count: int, total: int) -> Decimal:
            if not count:
                return zero
            value = amounts.get(total)
            if value is None:
                value = amounts[total] = Decimal(total).scaleb(-2)
            return value

        rep_ids: list[str] = []
        days: list[date] = []
        counts: list[list[int]] = []
        for rep_id in sorted(self.sums):
            rep_days = self.sums[rep_id]
            ordered = sorted(rep_days)
            rep_ids.extend([rep_id] * len(ordered))
            days.extend(ordered)
            counts.extend(map(rep_days.__getitem__, ordered))
        slots = [list(column) for column in zip(*counts, strict=True)] if counts else [[]] * 9
        return build(DayActivity, [
            rep_ids, days, slots[LEADS], slots[MEETINGS], slots[LOST], slots[WON_NEW],
            list(map(amount, slots[WON_NEW], slots[WON_NEW_AMOUNT])), slots[WON_REPEAT],
            list(map(amount, slots[WON_REPEAT], slots[WON_REPEAT_AMOUNT])),
            list(map(amount, slots[FOCUS_BLOCKS], slots[FOCUS])),
        ])
