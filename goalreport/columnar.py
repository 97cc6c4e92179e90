"""Many small records pickled as columns: how a workbook's activity leaves the sandbox.

A million activity rows become a few hundred thousand ``DayActivity`` records in the
reading child. Pickled one by one (Decimals as text, dates as bytes, a ``__setstate__`` per
record) they take 30 MB and seconds each way; as columns they are a few MB of ``array``
bytes. ``pack`` turns records into one column per field: integers and day ordinals as
arrays, strings and Decimals as codes into a list of distinct values. Decimals are told
apart by their text, so ``Decimal("0")`` and ``Decimal("0.00")`` come back as they went.
A field whose values are of any other type travels as a plain list. ``unpack`` rebuilds
records equal to the originals, in the same order.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import Any, TypeVar

from .gcpause import no_gc

R = TypeVar("R")

#: One packed column: (kind, payload). Kinds: "int" (array), "date" (array of ordinals),
#: "codes" (distinct values, array of indices into them), "list" (the values as they are).
Column = tuple[str, Any]
#: A packed sequence of records: (record class, number of records, one column per field).
Packed = tuple[type, int, tuple[Column, ...]]

_INT_MIN, _INT_MAX = -(2 ** 63), 2 ** 63 - 1
#: Signed array type codes from the narrowest, with the largest value each holds.
_TYPECODES = (("b", 2 ** 7 - 1), ("h", 2 ** 15 - 1), ("i", 2 ** 31 - 1), ("q", _INT_MAX))


def pack(cls: type[R], records: Sequence[R]) -> Packed | None:
    """``records`` (all exactly of dataclass ``cls``) as columns; None when they are not
    records of ``cls`` built from their fields alone (then pickle them as they are)."""
    if not is_dataclass(cls) or not all(f.init for f in fields(cls)):
        return None
    if any(type(record) is not cls for record in records):
        return None
    columns = tuple(_pack_column(list(map(attrgetter(f.name), records)))
                    for f in fields(cls))
    return cls, len(records), columns


def unpack(packed: Packed) -> tuple[Any, ...]:
    """The records ``pack`` was given, rebuilt through their class's constructor."""
    cls, count, columns = packed
    if not columns:
        return tuple(cls() for _ in range(count))
    with no_gc():  # hundreds of thousands of new objects, none of them in a cycle
        return tuple(map(cls, *(_unpack_column(column) for column in columns)))


def _pack_column(values: list[Any]) -> Column:
    kinds = set(map(type, values))
    if kinds == {int} and (not values or _INT_MIN <= min(values) and max(values) <= _INT_MAX):
        return "int", _smallest_array(values)
    if kinds == {date}:
        return "date", _smallest_array([day.toordinal() for day in values])
    if kinds == {str}:
        return "codes", _codes(values, values)
    if kinds == {Decimal}:
        return "codes", _codes(values, list(map(str, values)))
    return "list", values


def _smallest_array(values: list[int]) -> array:
    """``values`` in the narrowest signed array that holds them all."""
    widest = max(max(values, default=0), -1 - min(values, default=0))
    code = next(code for code, top in _TYPECODES if widest <= top)
    return array(code, values)


def _codes(values: list[Any], keys: list[Any]) -> tuple[list[Any], array]:
    """(distinct values, index of each value's key among the distinct ones)."""
    index: dict[Any, int] = {}
    distinct: list[Any] = []
    codes: list[int] = []
    add = codes.append
    for value, key in zip(values, keys, strict=True):
        code = index.get(key)
        if code is None:
            code = index[key] = len(distinct)
            distinct.append(value)
        add(code)
    return distinct, _smallest_array(codes)


def _unpack_column(column: Column) -> list[Any]:
    kind, payload = column
    if kind == "int":
        return payload.tolist()  # type: ignore[no-any-return]
    if kind == "date":
        days: dict[int, date] = {}
        return [days[o] if o in days else days.setdefault(o, date.fromordinal(o))
                for o in payload]
    if kind == "codes":
        distinct, codes = payload
        return list(map(distinct.__getitem__, codes))
    return list(payload)
