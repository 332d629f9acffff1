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
