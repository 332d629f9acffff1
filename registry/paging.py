"""Paging by key, for every list: a page is the rows after the last row's sort value and id, so the
thousandth page costs what the first one does, and empty values come last in either direction.

The cursor in a page's "next" link is that value and id, encoded for a URL; a cursor that does not decode
is ignored (the first page), never an error.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Select, and_, or_, select, union_all

if TYPE_CHECKING:
    from .lists import ListSpec, Sort


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


def decode_cursor(key: Sort, cursor: str):
    try:
        value, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        row_id = int(row_id)
        if value is not None:
            readers = {
                "date": date.fromisoformat,
                "datetime": datetime.fromisoformat,
                "int": int,
                "decimal": Decimal,
            }
            value = readers.get(key.kind, str)(value)
    except (ValueError, TypeError, json.JSONDecodeError):
        return None
    return value, row_id


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
