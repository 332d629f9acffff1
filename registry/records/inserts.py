"""New records inserted as plain rows: a bulk run's batch of new records, one executemany per table.

The records are built exactly as a single create builds them (records/writer.py: validated, permission-checked,
their values applied and their dated fields' spans planned on the record object); only their INSERTs differ.
Instead of the session's unit of work, which tracks every object and attribute it is given, :func:`insert_new`
reads the rows the objects stand for — the record's own row, the rows of the collections it owns (spans,
founder groups) and the rows linking it to other records (tags) — and inserts each table's rows in one
statement (on PostgreSQL a COPY). The records' ids are numbered first (one statement per batch), so the owned
rows can name them.

The objects never join the session: they stay what they were, a record's values, with their ids filled in.
Later reads of these records load them from the database like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import RelationshipDirection

from ..bulk import insert_rows
from ..extensions import db

_MANY_TO_ONE = RelationshipDirection.MANYTOONE
_ONE_TO_MANY = RelationshipDirection.ONETOMANY
_MANY_TO_MANY = RelationshipDirection.MANYTOMANY


def insert_new(records: list) -> None:
    """Insert ``records`` (new objects of one model, not in the session) and the rows they own or link to;
    each record's ``id``, ``version`` and defaulted columns are set on it as they were written. A broken
    constraint raises the driver's IntegrityError (the caller's savepoint undoes the statements before it)."""
    if not records:
        return
    mapper = inspect(records[0]).mapper
    ids = _next_ids(mapper, len(records))
    rows: dict = {}  # table → its rows, in the order they are met
    for record, record_id in zip(records, ids, strict=True):
        _add(rows, record, mapper, {_id_column(mapper).key: record_id})
    connection = db.session.connection()
    for table, table_rows in rows.items():  # parents first: dicts keep the order the tables were met in
        for group in _by_columns(table_rows):
            insert_rows(connection, table, group)


def _id_column(mapper):
    (column,) = mapper.primary_key
    return column


def _next_ids(mapper, count: int) -> list[int]:
    """``count`` ids for new rows of ``mapper``'s table, as the database would give them. SQLite gives a new
    row the largest id plus one (the caller's write transaction holds the database's write lock, so no one
    else takes them); PostgreSQL takes them from the column's sequence."""
    column = _id_column(mapper)
    if db.session.get_bind().dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(column.table.name, column.name)
        series = func.generate_series(1, count).table_valued("n")
        return list(db.session.scalars(select(func.nextval(sequence)).select_from(series)))
    last = db.session.scalar(select(func.max(column))) or 0
    return list(range(last + 1, last + 1 + count))


def _add(rows: dict, obj, mapper, given: dict) -> dict:
    """Add ``obj``'s row (with the ``given`` column values) and those of what it owns; returns its row."""
    plan = _plan(mapper)
    values = inspect(obj).dict
    row = dict(given)
    for column, attribute, default in plan.columns:
        if column in row:
            continue
        value = values.get(attribute)
        if value is not None:
            row[column] = value
        elif default is not _NONE:
            row[column] = default() if callable(default) else default
    for attribute, pairs in plan.parents:
        target = values.get(attribute)
        if target is not None:
            for local, remote in pairs:
                row[local] = getattr(target, remote)
    rows.setdefault(plan.table, []).append(row)
    for column, value in row.items():  # the object reads as it was written (its id, version, defaults)
        attribute = plan.attributes[column]
        if value is not None and values.get(attribute) is None:
            setattr(obj, attribute, value)
    for attribute, child, pairs in plan.owned:
        members = values.get(attribute)
        if members:
            owned = {remote: row[local] for local, remote in pairs}
            for member in members:
                _add(rows, member, child, owned)
    for attribute, secondary, pairs, target_pairs in plan.links:
        for member in values.get(attribute) or ():
            link = {link_column: row[local] for local, link_column in pairs}
            for target, link_column in target_pairs:
                link[link_column] = getattr(member, target)
            rows.setdefault(secondary, []).append(link)
    return row


_NONE = object()  # a column left out of the row (the database fills it: an id, a server default)


@dataclass(frozen=True)
class _Plan:
    """How the objects of one model become rows (worked out once per model)."""

    table: object
    columns: tuple  # (column key, attribute, default: a value, a function of nothing, or _NONE)
    attributes: dict  # column key → attribute
    parents: tuple  # many-to-one: (attribute, ((local column key, the target's attribute), …))
    owned: tuple  # one-to-many: (attribute, the members' mapper, ((our column key, their column key), …))
    links: tuple  # many-to-many: (attribute, link table, ((our column key, link column key), …),
    #               ((the target's attribute, link column key), …))


@cache
def _plan(mapper) -> _Plan:
    if mapper.inherits is not None or len(mapper.tables) != 1:
        raise TypeError(f"{mapper.class_.__name__}: only single-table models are inserted as rows")
    columns, attributes = [], {}
    for prop in mapper.column_attrs:
        (column,) = prop.columns
        attributes[column.key] = prop.key
        if column is mapper.version_id_col:
            default = mapper.version_id_generator(None)
        elif column.default is not None and column.default.is_scalar:
            default = column.default.arg
        elif column.default is not None and column.default.is_callable:
            default = partial(column.default.arg, None)
        elif column.server_default is None and not (column.primary_key and column.autoincrement):
            default = None
        else:
            default = _NONE
        columns.append((column.key, prop.key, default))
    parents, owned, links = [], [], []
    for relation in mapper.relationships:
        if relation.viewonly:  # another view of rows written through another relationship
            continue
        if relation.direction is _MANY_TO_ONE:
            pairs = tuple(
                (local.key, relation.mapper.get_property_by_column(remote).key)
                for local, remote in relation.local_remote_pairs
            )
            parents.append((relation.key, pairs))
        elif relation.direction is _ONE_TO_MANY:
            pairs = tuple((local.key, remote.key) for local, remote in relation.local_remote_pairs)
            owned.append((relation.key, relation.mapper, pairs))
        else:
            pairs = tuple((local.key, link.key) for local, link in relation.synchronize_pairs)
            target_pairs = tuple(
                (relation.mapper.get_property_by_column(target).key, link.key)
                for target, link in relation.secondary_synchronize_pairs
            )
            links.append((relation.key, relation.secondary, pairs, target_pairs))
    return _Plan(mapper.local_table, tuple(columns), attributes, tuple(parents), tuple(owned), tuple(links))


def _by_columns(rows: list[dict]) -> list[list[dict]]:
    """The rows in groups of the same columns (an executemany inserts one set of columns)."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    return list(groups.values())
