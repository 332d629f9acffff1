"""Configuration: defaults, then ``instance/config.py``, then the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask


class Defaults:
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in from the instance folder
    SQLALCHEMY_RECORD_QUERIES = False
    WTF_CSRF_TIME_LIMIT = None  # the session's lifetime bounds the token
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    SQLITE_BUSY_TIMEOUT_MS = 30_000
    COUNTY_NAME = "盘山县"
    REPORT_ISSUER = "盘山县人民政府"  # a new report's 落款单位 (issuer), when no earlier report gives one
    IDLE_TIMEOUT_MINUTES = 30
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
    REMEMBER_COOKIE_SAMESITE = "Lax"
    HTTPS = False  # behind TLS: Secure cookies and HSTS (REGISTRY_HTTPS=1)
    PROXY_COUNT = 0  # reverse proxies in front that set X-Forwarded-For/-Proto (REGISTRY_PROXY_COUNT)
    SUMMARY_CACHE_SIZE = 64  # summaries kept per process until the next write (REGISTRY_SUMMARY_CACHE_SIZE)


ENVIRONMENT = {
    "REGISTRY_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REGISTRY_SECRET_KEY": "SECRET_KEY",
}


def load(app: Flask, overrides: dict | None) -> None:
    """Layer the configuration: defaults → ``instance/config.py`` → environment → ``overrides``."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for variable, key in ENVIRONMENT.items():
        if os.environ.get(variable):
            app.config[key] = os.environ[variable]
    if os.environ.get("REGISTRY_PROXY_COUNT", "").isdigit():
        app.config["PROXY_COUNT"] = int(os.environ["REGISTRY_PROXY_COUNT"])
    if os.environ.get("REGISTRY_SUMMARY_CACHE_SIZE", "").isdigit():
        app.config["SUMMARY_CACHE_SIZE"] = int(os.environ["REGISTRY_SUMMARY_CACHE_SIZE"])
    if os.environ.get("REGISTRY_HTTPS", "").lower() in ("1", "true", "yes"):
        app.config["HTTPS"] = True
    if overrides:
        app.config.update(overrides)
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'registry.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")


def _instance_secret(path: Path) -> str:
    """Read the instance's secret key, creating it on first start (never a fixed key)."""
    if path.exists():
        return path.read_text().strip()
    # Write a private temporary file, then hard-link it into place: the link either wins or finds the
    # key another worker has just written, so two workers starting together agree on one key.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text().strip()
