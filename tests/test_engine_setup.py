"""The SQLite set-up (pragmas, our own BEGIN) is the app's: its engine gets it, other engines in the same
process (a tool's, another library's) are left as SQLAlchemy made them."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

import registry.db  # noqa: F401 — importing the module must not change other engines
from registry.extensions import db


def test_an_engine_made_outside_the_app_keeps_sqlites_defaults(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 0
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "delete"
    finally:
        engine.dispose()


def test_the_apps_sqlite_engine_gets_the_pragmas(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite pragmas")
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert (
                connection.execute(text("PRAGMA busy_timeout")).scalar()
                == app.config["SQLITE_BUSY_TIMEOUT_MS"]
            )


def test_the_apps_postgresql_engine_runs_without_jit(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL settings")
        with db.engine.connect() as connection:
            assert connection.execute(text("SHOW jit")).scalar() == "off"
            assert connection.execute(text("SELECT 1")).scalar() == 1  # the connection is usable after


def test_a_pages_statements_stay_prepared_across_requests_on_postgresql(app, client, auth):
    """A request that wrote nothing ends its transaction with COMMIT on PostgreSQL: psycopg forgets a
    connection's prepared statements at a ROLLBACK, and a page's statements would then be planned anew on
    every request."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements")
    auth.login("reader", roles=("report_writer",))
    used = []
    checkout = lambda dbapi_connection, _record, _proxy: used.append(dbapi_connection)  # noqa: E731
    event.listen(engine.pool, "checkout", checkout)
    try:
        # psycopg prepares a statement at its sixth run on a connection; the pool hands out its (at most
        # five) idle connections in turn.
        for _ in range(40):
            assert client.get("/enterprises/").status_code == 200
    finally:
        event.remove(engine.pool, "checkout", checkout)
    prepared = []
    for connection in {id(c): c for c in used}.values():
        prepared.append(connection.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()[0])
        connection.commit()
    assert max(prepared) >= 3  # the page's own statements, at least its rows, count and the user


def test_a_request_that_wrote_without_committing_leaves_nothing_written(app, town):
    """Ending with COMMIT applies to a request's transaction that wrote nothing: a write left uncommitted is
    rolled back as before when the request's application context ends, on either database."""
    update = text("UPDATE towns SET name = 'changed' WHERE id = :id")
    with app.app_context():
        assert db.session.execute(update, {"id": town.id}).rowcount == 1
    db.session.rollback()
    assert db.session.scalar(text("SELECT name FROM towns WHERE id = :id"), {"id": town.id}) == "太平街道"
