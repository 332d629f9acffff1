"""Bulk loading for ``flask synth``: one connection, Core executemany in large batches, and on SQLite that
connection alone set for a load (see :func:`loading`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, insert

from .db import WROTE
from .extensions import db
from .models.search import FTS_TABLE

CHUNK = 50_000  # rows per executemany


def insert_rows(connection: Connection, model_or_table, rows: list[dict]) -> None:
    table = getattr(model_or_table, "__table__", model_or_table)
    if rows and _copy_rows(connection, table, rows):
        return
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(table), rows[start : start + CHUNK])


def _copy_rows(connection: Connection, table, rows: list[dict]) -> bool:
    """On PostgreSQL with psycopg: the rows through ``COPY … FROM STDIN`` (several times faster than
    INSERTs). The columns the rows leave out take their constant defaults; when one has a computed default,
    or the rows differ in their columns, False (the caller inserts them instead)."""
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
        return False
    names = list(rows[0])
    filled = {}
    for column in table.columns:
        if column.name in rows[0]:
            continue
        default = column.default
        if default is not None and default.is_scalar:
            filled[column.name] = default.arg
        elif default is not None or (not column.nullable and not column.autoincrement):
            return False
    if any(len(row) != len(names) for row in rows):
        return False
    columns = names + list(filled)
    extra = list(filled.values())
    cursor = connection.connection.driver_connection.cursor()
    try:
        quoted = ", ".join(f'"{name}"' for name in columns)
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[name] for name in names] + extra)
    finally:
        cursor.close()
    connection.info[WROTE] = True  # the driver's COPY is unseen by the engine's events: the data version
    return True


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
