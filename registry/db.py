"""Database engine set-up shared by both backends, and the write transaction.

SQLite runs with WAL, foreign keys, a busy timeout and ``synchronous=NORMAL``. Its default deferred
transactions upgrade from a read lock to a write lock at the first write, and that upgrade fails at once
with "database is locked" when another connection wrote in between (the busy handler cannot help a reader
whose snapshot is stale). Writes therefore run in :func:`write_transaction`, which opens the transaction
with ``BEGIN IMMEDIATE``: the writer waits its turn (busy timeout) before reading anything it will change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import Delete, Insert, Table, Update, event, text
from sqlalchemy.orm import Session

from .extensions import RegistrySession, db

WRITE_OPTION = "registry_write"


def init_app(app: Flask) -> None:
    """Set up the app's own engines (not every engine in the process): SQLite pragmas and our BEGIN."""
    busy_ms = int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", 30_000))

    def _sqlite_connect(dbapi_connection, _record) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        # Let the "begin" event below issue BEGIN, so the kind of transaction is ours to choose.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    with app.app_context():
        for engine in db.engines.values():
            version = _DataVersion(engine.dialect.name)
            event.listen(engine, "before_cursor_execute", version.note)
            event.listen(engine, "commit", version.bump)
            event.listen(engine, "rollback", version.forget)
            event.listen(engine.pool, "checkin", version.forget_record)
            if engine.dialect.name == "postgresql":
                event.listen(engine, "connect", _postgresql_connect)
            if engine.dialect.name != "sqlite":
                continue
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
    app.teardown_appcontext(_end_reading)  # runs before Flask-SQLAlchemy's (teardowns run last first)
    # The unsaved-flush guard of write_transaction, on the registry's sessions (not every Session in the
    # process), once however many apps are made.
    session_class = RegistrySession
    for name, listener in (
        ("after_flush", _note_flush),
        ("after_commit", _clear_flush_note),
        ("after_rollback", _clear_flush_note),
    ):
        if not event.contains(session_class, name, listener):
            event.listen(session_class, name, listener)


# ---- the data version ------------------------------------------------------------------------------------
WROTE = "registry_wrote"  # on a connection's info: its open transaction has written
CHANGED = "registry_changed"  # on a connection's info: what its open transaction wrote (see written())
ANY = "*"  # a write whose statement does not say what it changed
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE")
_DML = ("isinsert", "isupdate", "isdelete")
_SCHEMA = ("CREATE", "ALTER", "DROP")
_BUMP = "UPDATE data_version SET counter = counter + 1 WHERE id = 1 RETURNING counter"
_CHANGE = (
    "INSERT INTO data_changes (name, version) VALUES ({p}, {p}) "
    "ON CONFLICT (name) DO UPDATE SET version = excluded.version"
)
_EXISTS = {
    "sqlite": "SELECT count(*) = 2 FROM sqlite_master WHERE type = 'table' "
    "AND name IN ('data_version', 'data_changes')",
    "postgresql": "SELECT to_regclass('data_version') IS NOT NULL AND to_regclass('data_changes') IS NOT NULL",
}
_PARAMETER = {"sqlite": "?", "postgresql": "%s"}


class _DataVersion:
    """Adds one to ``data_version.counter`` in every transaction that wrote, just before it commits, in that
    transaction (so a reader sees the number and the writes together or neither), and records in
    ``data_changes`` what the transaction changed (see :func:`written`) with that number. Whatever wrote — the
    ORM, Core, the bulk load, raw SQL on the registry's engine — is seen, by its statement. The statements
    run on the driver's cursor, unseen by SQLAlchemy's events; the counter's row lock, taken first by every
    writer, is held only from there to the commit."""

    def __init__(self, dialect: str):
        self.exists_sql = _EXISTS.get(dialect)
        self.change_sql = _CHANGE.format(p=_PARAMETER.get(dialect, "?"))
        self.ready = False  # the tables are known to exist (checked again after any schema statement)

    def note(self, conn, _cursor, statement, _parameters, context, _executemany) -> None:
        head = statement.lstrip()[:7].upper()
        compiled = getattr(context, "compiled", None)  # WITH … INSERT begins with WITH
        if head.startswith(_WRITES) or any(getattr(compiled, flag, False) for flag in _DML):
            conn.info[WROTE] = True
            conn.info.setdefault(CHANGED, set()).update(written(context))
        elif head.startswith(_SCHEMA):
            self.ready = False

    def bump(self, conn) -> None:
        changed = conn.info.pop(CHANGED, None) or {ANY}
        if not conn.info.pop(WROTE, False) or self.exists_sql is None:
            return
        cursor = conn.connection.cursor()
        try:
            if not self.ready:
                cursor.execute(self.exists_sql)
                self.ready = bool((cursor.fetchone() or (False,))[0])
            if self.ready:
                cursor.execute(_BUMP)
                row = cursor.fetchone()
                if row is not None:
                    cursor.executemany(self.change_sql, [(name, row[0]) for name in sorted(changed)])
        finally:
            cursor.close()

    def forget(self, conn) -> None:
        conn.info.pop(WROTE, None)
        conn.info.pop(CHANGED, None)

    def forget_record(self, _dbapi_connection, record) -> None:
        if record is not None:
            record.info.pop(WROTE, None)
            record.info.pop(CHANGED, None)


def written(context) -> set[str]:
    """What a write statement changes, as ``data_changes`` names it: the table's name for an INSERT or a
    DELETE (its rows), ``table.column`` for each column an UPDATE sets (those it is given values for, and
    those the table updates itself), :data:`ANY` when the statement does not say (raw SQL)."""
    compiled = getattr(context, "compiled", None)
    statement = getattr(compiled, "statement", None)
    table = getattr(statement, "table", None)
    if not isinstance(statement, (Insert, Update, Delete)) or not isinstance(table, Table):
        return {ANY}
    if not isinstance(statement, Update):
        return {table.name}
    keys = set(compiled.column_keys or ())
    given = getattr(statement, "_values", None)  # update(…).values(…)
    if (given is None and not keys) or getattr(statement, "_multi_values", None):
        return {ANY}  # a form of UPDATE this does not know: say so
    keys.update(getattr(key, "key", key) for key in given or ())
    columns = [c for c in table.columns if c.key in keys or c.onupdate is not None or c.server_onupdate]
    return {f"{table.name}.{column.name}" for column in columns} or {table.name}


def wrote(connection) -> bool:
    """Whether ``connection``'s open transaction has written (its changes not yet committed)."""
    return bool(connection.info.get(WROTE))


def _end_reading(error: BaseException | None) -> None:
    """PostgreSQL: end a request's transaction that wrote nothing with COMMIT rather than the ROLLBACK of
    the session's removal. The two are the same to the database; but psycopg forgets the connection's
    prepared statements at every ROLLBACK, so a page's statements, which run on every request, would be
    parsed and planned afresh each time instead of once per connection."""
    if error is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql" and not wrote(connection):
        # The objects stay as they were read (a rollback leaves them so): what runs after the request, such
        # as noting an API token's use, may still read the signed-in user.
        session.expire_on_commit = False
        session.commit()


def plan_with_current_sizes(session: Session | None = None) -> None:
    """PostgreSQL: plan every statement of the open transaction afresh, with its own values and the tables'
    sizes as they are then. A bulk write runs its lookups thousands of times in one transaction while the
    tables they read grow; psycopg prepares them, and PostgreSQL's generic plan of a prepared statement,
    made while a table was nearly empty, goes on scanning it where an index now answers (100,000 firms
    imported into an empty registry: 209 s, and 48 s planned afresh). Ends with the transaction."""
    session = session or db.session()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def _postgresql_connect(dbapi_connection, _record) -> None:
    """No JIT compilation: the summary's one statement of many subqueries is costed high enough to be
    compiled, which took longer (about 0.4 s) than running it; the registry's queries are index reads."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SET jit = off")
    cursor.close()
    dbapi_connection.commit()


def _sqlite_begin(connection) -> None:
    immediate = connection.get_execution_options().get(WRITE_OPTION)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _note_flush(session, _context) -> None:
    if not session.info.get("write_depth"):
        session.info["flushed_outside_write"] = True


def _clear_flush_note(session) -> None:
    session.info.pop("flushed_outside_write", None)


@contextmanager
def write_transaction(session: Session | None = None) -> Iterator[Session]:
    """Run the block as one write transaction and commit it once; roll back on any error.

    A read transaction still open on the session (from loading the signed-in user, say) is ended first,
    so the write transaction starts fresh and on SQLite holds the write lock from its first statement.
    Objects loaded before are expired and reload inside the transaction, so version checks see the
    committed state. Nested uses join the outer transaction: a service made of several writes (register a
    tenant = create a firm + create a tenancy) commits once.
    """
    session = session or db.session()
    if session.info.get("write_depth"):
        # Already inside a write transaction: the outermost one commits, once.
        session.info["write_depth"] += 1
        try:
            yield session
        finally:
            session.info["write_depth"] -= 1
        return
    if session.in_transaction():
        if session.new or session.dirty or session.deleted or session.info.get("flushed_outside_write"):
            # Ending the open transaction would silently drop them: a programming error, not user input.
            raise RuntimeError("write_transaction() entered with unsaved changes on the session")
        session.rollback()
    session.connection(execution_options={WRITE_OPTION: True})
    session.info["write_depth"] = 1
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info["write_depth"] = 0
