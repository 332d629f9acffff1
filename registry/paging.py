"""Paging by key, for every list: a page is the rows after the last row's sort value and id, so the
thousandth page costs what the first one does, and empty values come last in either direction.

The cursor in a page's "next" link is that value and id, encoded for a URL. A cursor that does not decode
to a value of the sort key's type and an id (:func:`decode_cursor`) is never put in a query: the list's
arguments report it (registry/list_engine.py), pages show the first page and the API refuses it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Select, and_, or_, select, union_all

from .domain.text import has_control
from .domain.values import DB_INT_MAX, DB_INT_MIN

if TYPE_CHECKING:
    from .list_engine import ListSpec, Sort


def ordered(spec: ListSpec, query: Select, sort: str) -> Select:
    key = spec.sort_by_name()[sort.lstrip("-")]
    descending = sort.startswith("-")
    column, id_column = key.column, spec.model.id
    order = []
    if key.nullable:
        order.append(column.is_(None))  # empty values last, in either direction
    if key.name == "id":
        order.append(id_column.desc() if descending else id_column.asc())
    else:
        order += [
            column.desc() if descending else column.asc(),
            id_column.desc() if descending else id_column.asc(),
        ]
    return query.order_by(*order)


def encode_cursor(value, row_id: int) -> str:
    if isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    raw = json.dumps([value, row_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


MAX_CURSOR = 2000  # characters: a key of text is at most a few hundred
_DECIMAL = re.compile(r"-?[0-9]{1,13}(\.[0-9]{1,2})?")  # money and areas: Fixed2, two places


def _refuse(_constant):
    raise ValueError("not a number")


def _whole(value) -> int:
    if type(value) is not int or not DB_INT_MIN <= value <= DB_INT_MAX:
        raise ValueError(value)
    return value


def _text(value) -> str:
    if not isinstance(value, str) or len(value) > 1000 or has_control(value):
        raise ValueError(value)
    return value


def _date(value) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(value)
    return date.fromisoformat(value)


def _datetime(value) -> datetime:
    if not isinstance(value, str) or len(value) > 32:
        raise ValueError(value)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:  # stored naive, in UTC
        raise ValueError(value)
    return moment


def _decimal(value) -> Decimal:
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
        raise ValueError(value)
    return Decimal(value)


READERS = {"text": _text, "date": _date, "datetime": _datetime, "int": _whole, "decimal": _decimal}


def decode_cursor(key: Sort, cursor: str):
    """(value, id) from a cursor, the value of the sort key's type; None for anything else: bad base64,
    JSON that is not a pair, a number past the database's range, NaN, a value of another type."""
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
        pair = json.loads(raw.decode("utf-8"), parse_constant=_refuse)
        if not isinstance(pair, list) or len(pair) != 2:
            return None
        value, row_id = pair
        row_id = _whole(row_id)
        if value is None:
            return (None, row_id) if key.nullable else None
        return READERS.get(key.value_type, _text)(value), row_id
    except (ValueError, TypeError, binascii.Error, RecursionError):
        return None


def after_cursor(
    spec: ListSpec, query: Select, sort: str, cursor: str | None, *, with_empty: bool = True
) -> Select:
    """Rows after the cursor's row in the list's order (the keyset condition)."""
    if not cursor:
        return query
    key = spec.sort_by_name()[sort.lstrip("-")]
    decoded = decode_cursor(key, cursor)
    if decoded is None:
        return query
    value, row_id = decoded
    descending = sort.startswith("-")
    column, id_column = key.column, spec.model.id

    def beyond(col, val):
        return col < val if descending else col > val

    if key.name == "id":
        return query.where(beyond(id_column, row_id))
    if value is None:  # already among the empty values, which come last
        return query.where(column.is_(None), beyond(id_column, row_id))
    # "column ≥ value" first, so the sort column's index can start at the cursor's row
    at_or_beyond = column <= value if descending else column >= value
    condition = and_(at_or_beyond, or_(beyond(column, value), beyond(id_column, row_id)))
    if key.nullable and with_empty:
        condition = or_(condition, column.is_(None))
    return query.where(condition)


def keyset_page(spec: ListSpec, query: Select, sort: str, cursor: str | None, size: int) -> Select:
    """``size`` rows after the cursor in the list's order, reading the sort column's index.

    Empty values come last in either direction, which no index order gives: for a column that may be
    empty, the page's ids are the next ``size`` rows with a value (by the index) followed by the next
    ``size`` without (by id), and only those few rows are put in order. (A key that may be empty is a
    column of the list's own table.)
    """
    key = spec.sort_by_name()[sort.lstrip("-")]
    if not key.nullable:
        return ordered(spec, after_cursor(spec, query, sort, cursor), sort).limit(size)
    descending = sort.startswith("-")
    column, id_column = key.column, spec.model.id
    decoded = decode_cursor(key, cursor) if cursor else None
    ids = query.with_only_columns(id_column).order_by(None)
    branches = []
    if decoded is None or decoded[0] is not None:
        valued = after_cursor(spec, query.where(column.is_not(None)), sort, cursor, with_empty=False)
        valued = valued.with_only_columns(id_column).order_by(None)
        order = (column.desc(), id_column.desc()) if descending else (column.asc(), id_column.asc())
        branches.append(valued.order_by(*order).limit(size))
    empty = ids.where(column.is_(None))
    if decoded is not None and decoded[0] is None:
        empty = empty.where(id_column < decoded[1] if descending else id_column > decoded[1])
    branches.append(empty.order_by(id_column.desc() if descending else id_column.asc()).limit(size))
    page_ids = union_all(*[select(branch.subquery().c[0]) for branch in branches])
    return ordered(spec, select(spec.model).where(id_column.in_(page_ids)), sort).limit(size)
