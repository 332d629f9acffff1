"""Fixtures on pytest-flask: the ``app`` here feeds its ``client``, ``config`` and ``live_server``; plus
``ctx``, ``runner``, ``auth`` and the small factories of ``tests/factories.py``.

The suite runs on SQLite by default and on PostgreSQL when ``REGISTRY_TEST_DATABASE_URL`` is set
(``.ci/run`` does both). The schema is built once per run by the real migrations; each test then starts
from an empty registry (only the certification kinds the migration seeds).
"""

from __future__ import annotations

import os

import pytest
import pytest_flask.plugin
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import delete, text

from registry import create_app
from registry.auth import token_use
from registry.extensions import db
from registry.jobs import db as jobs_db
from registry.models import CertificationKind, Job

from . import factories

# The plugin fixture that ``_push_request_context`` below replaces (fail loudly if it is ever renamed).
assert hasattr(pytest_flask.plugin, "_push_request_context")

SEEDED_KINDS = (
    "tech_sme",
    "high_tech",
    "innovative_sme",
    "srdi_sme",
    "srdi_product",
    "little_giant",
    "single_champion",
    "tech_innovative_sme",
)


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("REGISTRY_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'registry.sqlite3'}"


def reset_schema(url: str) -> None:
    """Start the run from an empty database, so the migrations build every table themselves."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = database_url(tmp_path_factory)
    reset_schema(url)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-only-secret",
            "WTF_CSRF_ENABLED": False,
            "JOBS_URL": "immediate",  # a job runs inside the request that queues it (test_jobs runs a worker)
        }
    )
    with app.app_context():
        upgrade()
    yield app
    jobs_db.engine(app).dispose()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after a test that used the app (seeded certification kinds stay)."""
    yield
    token_use.forget()  # token ids start again in the next test's empty tables
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            if table.name in ("certification_kinds", "data_version", "data_changes"):  # the migrations'
                continue
            db.session.execute(table.delete())
        db.session.execute(delete(CertificationKind).where(CertificationKind.code.not_in(SEEDED_KINDS)))
        db.session.commit()
        db.session.remove()
        with jobs_db.session() as jobs:  # on SQLite the jobs table is in a file of its own
            jobs.execute(delete(Job))


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replaces pytest-flask's fixture of the same name, which pushes a test request context around every
    test that uses ``app``. The test client's requests would then reuse that context's application context
    instead of getting their own as in production: one ``g`` (and so one signed-in user) and one database
    session, whose open transaction hides what the test commits, across all the requests of a test. Tests
    that call services ask for ``ctx`` instead."""
    yield


@pytest.fixture
def ctx(app):
    """An application context for tests that call services directly."""
    with app.test_request_context():
        yield
        db.session.remove()


@pytest.fixture
def town(ctx):
    """The county seat, 太平街道, in an otherwise empty registry (imports refer to it by name)."""
    town = factories.make_town(name="太平街道", code="taiping")
    db.session.commit()
    return town


class SeparateClient(FlaskClient):
    """A test client whose every request runs in an application context of its own."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def other_client(app):
    """A second browser session beside pytest-flask's ``client``. That client keeps its last request's
    context pushed until its next request, and a request made meanwhile by another client would reuse that
    context's ``g`` and with it the signed-in user (Flask issue #4823); this client's requests do not."""
    return SeparateClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client, app) -> None:
        self._client = client
        self._app = app

    def login(self, username: str = "admin", password: str | None = None, roles=("admin",), **kw):
        """Create the user if needed (with the given roles) and sign in."""
        with self._app.app_context():
            _user, generated = factories.ensure_user(username, roles=list(roles), **kw)
        return self._client.post(
            "/login", data={"username": username, "password": password or generated}, follow_redirects=False
        )

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client, app):
    return AuthActions(client, app)


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements(app):
    """``with count_statements() as counter: …`` counts the SQL statements the block issues."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        counter = StatementCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting
