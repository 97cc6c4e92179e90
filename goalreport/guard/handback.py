"""Many small records pickled as columns: how a workbook's activity leaves the bounded
reading process (``bounded.run_bounded``). ``pack_workbook`` in the child and
``unpack_workbook`` in the parent are the whole transport; the model knows nothing of it.

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
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from decimal import Decimal
from operator import attrgetter
from types import MemberDescriptorType
from typing import Any, TypeVar

from goalreport.core.model import DayActivity, WorkbookData

R = TypeVar("R")

#: One packed column: (kind, payload). Kinds: "int" (array), "date" (array of ordinals),
#: "codes" (distinct values, array of indices into them), "list" (the values as they are).
Column = tuple[str, Any]
#: A packed sequence of records: (record class, number of records, one column per field).
Packed = tuple[type, int, tuple[Column, ...]]

#: Signed array type codes from the narrowest, with the largest value each holds.
_TYPECODES = (("b", 2 ** 7 - 1), ("h", 2 ** 15 - 1), ("i", 2 ** 31 - 1), ("q", 2 ** 63 - 1))


@dataclass(frozen=True)
class PackedWorkbook:
    """A ``WorkbookData`` ready for the trip back from the reading child: every field as it
    is but the activity, which travels as columns (or as records when it cannot)."""

    state: dict[str, Any]
    #: The activity as columns, or None when it is not plain ``DayActivity`` records ...
    columns: Packed | None
    #: ... and then the records as they are.
    records: tuple[Any, ...] = ()


def pack_workbook(data: WorkbookData) -> PackedWorkbook:
    """``data`` with its activity as columns, for pickling (run in the reading child)."""
    state = {f.name: getattr(data, f.name) for f in fields(data) if f.name != "activity"}
    packed = pack(DayActivity, data.activity)
    return PackedWorkbook(state, packed, data.activity if packed is None else ())


def unpack_workbook(packed: PackedWorkbook) -> WorkbookData:
    """The ``WorkbookData`` that ``pack_workbook`` was given, equal to it."""
    activity = packed.records if packed.columns is None else unpack(packed.columns)
    return WorkbookData(**packed.state, activity=activity)


def pack(cls: type[R], records: Sequence[R]) -> Packed | None:
    """``records`` (all exactly of dataclass ``cls``) as columns; None when they are not
    records of ``cls`` built from their fields alone (then pickle them as they are)."""
    if not is_dataclass(cls) or not all(f.init for f in fields(cls)):
        return None
    if set(map(type, records)) - {cls}:
        return None
    columns = tuple(_pack_column(list(map(attrgetter(f.name), records)))
                    for f in fields(cls))
    return cls, len(records), columns


def unpack(packed: Packed) -> tuple[Any, ...]:
    """The records ``pack`` was given, equal to them and in the same order."""
    cls, count, columns = packed
    if not columns:
        return tuple(cls() for _ in range(count))
    return build(cls, [_unpack_column(column) for column in columns])


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
