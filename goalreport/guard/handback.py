"""Many rows pickled as columns: how the computed sheets leave the bounded child
(``loading.Loaded``, through ``bounded.run_bounded`` and ``child.run_in_child``). ``pack_rows`` in the child and
``unpack_rows`` in the parent are the whole transport; the tables know nothing of it.

A Weekly Plan of thousands of reps has hundreds of thousands of rows. Pickled one by one
(Decimals as text, dates as bytes) they take more than twice the bytes, and time, that
they take as columns of ``array`` bytes (tests/test_handback_rows.py). Each column becomes one of: integers and
day ordinals as arrays, strings and Decimals as codes into a list of distinct values.
Decimals are told apart by their text, so ``Decimal("0")`` and ``Decimal("0.00")`` come
back as they went. A column whose values are of any other type travels as a plain list.
``unpack_rows`` rebuilds rows equal to the originals, in the same order.

``build`` makes many records of a slotted dataclass from columns quickly (the reader's
Activity aggregation uses it).
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from types import MemberDescriptorType
from typing import Any, TypeVar

R = TypeVar("R")

#: One packed column: (kind, payload). Kinds: "int" (array), "date" (array of ordinals),
#: "codes" (distinct values, array of indices into them), "list" (the values as they are).
Column = tuple[str, Any]

#: Signed array type codes from the narrowest, with the largest value each holds.
_TYPECODES = (("b", 2 ** 7 - 1), ("h", 2 ** 15 - 1), ("i", 2 ** 31 - 1), ("q", 2 ** 63 - 1))


def pack_rows(rows: Sequence[tuple[Any, ...]]) -> tuple[int, tuple[Column, ...] | None, Any]:
    """Rows of equal width (a computed sheet's) as one packed column per position; rows
    of uneven width travel as they are. ``unpack_rows`` gives back equal rows."""
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows):
        return len(rows), None, rows
    return len(rows), tuple(_pack_column(list(column)) for column in zip(*rows)), None


def unpack_rows(packed: tuple[int, tuple[Column, ...] | None, Any]) -> tuple[tuple[Any, ...], ...]:
    """The rows ``pack_rows`` was given."""
    count, columns, rows = packed
    if columns is None:
        return tuple(rows)
    if not columns:
        return ((),) * count
    return tuple(zip(*map(_unpack_column, columns), strict=True))  # under the job's no_gc


def build(cls: type[R], columns: Sequence[Sequence[Any]]) -> tuple[R, ...]:
    """Records of dataclass ``cls`` from one column of values per field, in field order:
    ``tuple(map(cls, *columns))``, only faster for a slotted class without
    ``__post_init__``. Then each slot is filled column by column through its descriptor,
    which is what the generated ``__init__`` does one record at a time (a frozen class
    included: its ``__init__`` also bypasses the frozen ``__setattr__``)."""
    slots = _slots(cls)
    if slots is None or not columns:
        return tuple(map(cls, *columns))
    count = len(columns[0])
    if any(len(column) != count for column in columns):
        raise ValueError("columns of different lengths")
    new = object.__new__
    records = [new(cls) for _ in range(count)]
    for slot, column in zip(slots, columns, strict=True):
        deque(map(slot.__set__, records, column), maxlen=0)  # run the map, keep nothing
    return tuple(records)


def _slots(cls: type) -> list[MemberDescriptorType] | None:
    """The slot descriptor of each field of ``cls`` in order, or None when records must
    be made through the class's ``__init__``."""
    if not is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    found = []
    for f in fields(cls):
        slot = cls.__dict__.get(f.name)
        if not f.init or not isinstance(slot, MemberDescriptorType):
            return None
        found.append(slot)
    return found


def _pack_column(values: list[Any]) -> Column:
    kinds = set(map(type, values))
    if kinds == {int}:
        packed = _int_array(values)
        if packed is not None:
            return "int", packed
    if kinds == {date}:
        return "date", _index_array(list(map(date.toordinal, values)))
    if kinds == {str}:
        return "codes", _codes(values)
    if kinds == {Decimal}:
        return "decimals", _codes(_texts(values))
    return "list", values


def _int_array(values: list[int]) -> array | None:
    """``values`` in the narrowest signed array that holds them all; None if none does."""
    widest = max(max(values, default=0), -1 - min(values, default=0))
    for code, top in _TYPECODES:
        if widest <= top:
            return array(code, values)
    return None


def _texts(values: list[Any]) -> list[str]:
    """``str`` of each value, worked out once per distinct object: records share their
    zero amounts and often other values too."""
    ids = list(map(id, values))
    text = {key: str(value) for key, value in dict(zip(ids, values)).items()}
    return list(map(text.__getitem__, ids))


def _index_array(values: list[int]) -> array:
    """Small non-negative integers (day ordinals, codes) in the narrowest array."""
    return _int_array(values) or array("q", values)


def _codes(keys: list[Any]) -> tuple[list[Any], array]:
    """(distinct keys in order of first appearance, index of each key among them)."""
    index = dict.fromkeys(keys, 0)
    for code, key in enumerate(index):
        index[key] = code
    return list(index), _index_array(list(map(index.__getitem__, keys)))


def _unpack_column(column: Column) -> list[Any]:
    kind, payload = column
    if kind == "int":
        return payload.tolist()  # type: ignore[no-any-return]
    if kind == "date":
        days: dict[int, date] = {}
        return [days[o] if o in days else days.setdefault(o, date.fromordinal(o))
                for o in payload]
    if kind in ("codes", "decimals"):
        distinct, codes = payload
        if kind == "decimals":
            distinct = list(map(Decimal, distinct))
        return list(map(distinct.__getitem__, codes))
    return list(payload)
