"""Rows in bulk: COPY on PostgreSQL (a bulk import's batches, ``flask synth``), and for ``flask synth`` one
connection, Core executemany in large batches, and on SQLite that connection alone set for a load (see
:func:`loading`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from operator import itemgetter

from sqlalchemy import Connection, insert
from sqlalchemy.exc import DBAPIError

from .db import CHANGED, WROTE
from .extensions import db
from .models.search import FTS_TABLE

CHUNK = 50_000  # rows per executemany


def insert_rows(connection: Connection, model_or_table, rows: list[dict]) -> None:
    """``rows`` (dicts with the same keys) into a table: COPY where it can (:func:`copy_rows`), else INSERTs
    in executemany chunks."""
    table = getattr(model_or_table, "__table__", model_or_table)
    if rows and copy_rows(connection, table, rows):
        return
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(table), rows[start : start + CHUNK])


def copy_rows(connection: Connection, table, rows: list[dict]) -> bool:
    """On PostgreSQL with psycopg: the rows through ``COPY … FROM STDIN``, several times faster than INSERTs
    (each INSERT of an executemany is a statement the server runs on its own). The values go through their
    column types' bind processing, as an INSERT's would; the columns the rows leave out take their model
    defaults (a function's is called for each row), or the database's own. Returns False, having written
    nothing, on another database, when a left-out column's default is a sequence or SQL expression, or when
    the rows differ in their columns (the caller inserts them instead). A broken constraint raises
    SQLAlchemy's IntegrityError, as an INSERT would.

    The driver's COPY is unseen by the engine's events, so it tells the data version itself what it wrote."""
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
        return False
    keys = set(rows[0])
    if not keys <= set(table.c.keys()) or any(len(row) != len(keys) for row in rows):
        return False
    dialect = connection.dialect
    names, values = [], []  # the COPY's columns; for each, how a row's value is found
    for column in table.columns:
        default = column.default
        if column.key in keys:
            value = itemgetter(column.key)
        elif default is None:  # the database's own default, if any
            continue
        elif default.is_scalar:
            value = partial(_constant, default.arg)
        elif default.is_callable:
            value = partial(_computed, default.arg)
        else:  # a sequence or a SQL expression
            return False
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        names.append(f'"{column.name}"')
        values.append(value if processor is None else partial(_processed, processor, value))
    statement = f'COPY "{table.name}" ({", ".join(names)}) FROM STDIN'
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([value(row) for value in values])
    except dialect.dbapi.Error as error:
        raise DBAPIError.instance(statement, None, error, dialect.dbapi.Error, dialect=dialect) from None
    finally:
        cursor.close()
    connection.info[WROTE] = True
    connection.info.setdefault(CHANGED, set()).add(table.name)
    return True


def _constant(value, _row):
    return value


def _computed(function, _row):
    return function(None)  # a column default's function takes the execution context (there is none)


def _processed(processor, value, row):
    return processor(value(row))


@contextmanager
def loading() -> Iterator[Connection]:
    """A connection of its own for the load, committed once at the end (rolled back on an error).

    SQLite: before its transaction begins, the connection is set for a bulk load — ``synchronous = OFF``, a
    1 GB page cache, temporary data in memory (the journal mode stays WAL: changing it needs the database to
    itself, and another connection's open read would make the load fail with "database is locked") — and the search triggers on
    ``enterprises`` are dropped inside the transaction, recreated from their own SQL and the FTS index
    rebuilt once before the commit (one pass instead of a trigger per row). The PRAGMAs are restored
    before the connection goes back and the connection is then discarded, so no other work ever runs with
    them. Other databases: a plain transaction.
    """
    db.session.commit()  # nothing of the caller's may stay open across the load
    connection = db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    raw = connection.connection.driver_connection if sqlite else None
    try:
        if sqlite:
            for pragma in (
                "synchronous = OFF",
                "cache_size = -1000000",
                "temp_store = MEMORY",
            ):
                raw.execute(f"PRAGMA {pragma}")
        with connection.begin():
            triggers = _drop_search_triggers(connection) if sqlite else []
            yield connection
            for sql in triggers:
                connection.exec_driver_sql(sql)
            if triggers:
                connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    finally:
        if sqlite:
            for pragma in (
                "synchronous = NORMAL",
                "cache_size = -2000",
                "temp_store = DEFAULT",
            ):
                raw.execute(f"PRAGMA {pragma}")
            connection.invalidate()
        connection.close()


def _drop_search_triggers(connection: Connection) -> list[str]:
    """Drop the triggers that keep the name search's index in step with ``enterprises``; their SQL."""
    found = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'enterprises' "
        f"AND name LIKE '{FTS_TABLE}%'"
    ).all()
    for name, _sql in found:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in found]


def advance_sequences(connection: Connection, *models) -> None:
    """After rows went in with ids of their own: PostgreSQL's id sequences move past them, so the app's
    next insert does not collide (SQLite takes the next id from the table itself)."""
    if connection.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__table__.name
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )
