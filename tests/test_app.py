"""The application factory, configuration layers and the SQLite connection settings."""

from __future__ import annotations

import os
import stat

from sqlalchemy import text

from registry import create_app
from registry.extensions import db


def test_config_argument_overrides_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'arg.sqlite3'}", "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("arg.sqlite3")


def test_environment_sets_database_and_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "from-the-environment")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_environment_sizes_or_switches_off_the_kept_summaries(monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "x")
    assert create_app().config["SUMMARY_CACHE_SIZE"] == 64
    monkeypatch.setenv("REGISTRY_SUMMARY_CACHE_SIZE", "0")
    assert create_app().config["SUMMARY_CACHE_SIZE"] == 0


def test_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    from registry import config

    monkeypatch.delenv("REGISTRY_SECRET_KEY", raising=False)
    path = tmp_path / "secret_key"
    first = config._instance_secret(path)
    second = config._instance_secret(path)
    assert first == second and len(first) == 64
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert config._instance_secret(tmp_path / "other") != first


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}", "SECRET_KEY": "x"})
    with app.app_context():
        connection = db.session.connection()
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        db.session.rollback()
        db.engine.dispose()
