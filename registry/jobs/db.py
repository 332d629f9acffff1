"""Where the ``jobs`` table lives, and short transactions on it that never join the work's own.

On PostgreSQL it is the registry's database (migration 0010_jobs), reached through an engine of its own so a
progress update is its own transaction beside the import's. On SQLite one writer holds the whole file for as
long as an import's one transaction lasts (most of a minute for 100,000 rows), so a second upload could not
even be queued and progress could not be written; the table then lives in a file of its own beside the
database (``<name>-jobs.sqlite3``, created on first use). ``REGISTRY_JOBS_DATABASE_URL`` overrides both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from ..models import Job

KEY = "registry.jobs.engine"


def database_url(app: Flask) -> str:
    """The jobs table's database: configured, else the registry's own, or on SQLite a file beside it."""
    configured = app.config.get("JOBS_DATABASE_URL") or os.environ.get("REGISTRY_JOBS_DATABASE_URL")
    if configured:
        return configured
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return str(app.config["SQLALCHEMY_DATABASE_URI"])
    name = url.database
    stem = name[: -len(".sqlite3")] if name.endswith(".sqlite3") else name
    return str(url.set(database=f"{stem}-jobs.sqlite3"))


def init_app(app: Flask) -> None:
    url = make_url(database_url(app))
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    app.extensions[KEY] = engine
    if url.get_backend_name() == "sqlite" and str(url) != str(app.config["SQLALCHEMY_DATABASE_URI"]):
        Job.__table__.create(engine, checkfirst=True)  # the file of its own has no migrations


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def engine(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions[KEY]


@contextmanager
def session(app: Flask | None = None) -> Iterator[Session]:
    """A session on the jobs table alone, committed when the block ends (rolled back on error)."""
    with Session(engine(app), expire_on_commit=False) as jobs, jobs.begin():
        yield jobs
