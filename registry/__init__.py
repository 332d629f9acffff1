"""双创 Registry: the county's register of S&T SMEs, incubators, certifications and innovation programmes."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
# Run from the checkout (``make run``, an editable install, the tests), the app reads the repository's own
# templates/, static/ and migrations/, so there is one copy to edit. A built wheel carries copies of them in
# registry/_bundled/ (see setup.py), which an installed package reads instead.
FROM_CHECKOUT = (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "migrations" / "env.py").is_file()
ROOT = CHECKOUT if FROM_CHECKOUT else PACKAGE / "_bundled"


def instance_folder() -> Path:
    """The folder of the database, the secret key and ``config.py``; never inside site-packages.

    ``REGISTRY_INSTANCE_PATH`` if set; else the checkout's instance/, or for an installed package
    ./instance in the working directory.
    """
    configured = os.environ.get("REGISTRY_INSTANCE_PATH")
    if configured:
        return Path(configured).expanduser().absolute()
    return CHECKOUT / "instance" if FROM_CHECKOUT else Path.cwd() / "instance"


def create_app(config: dict | None = None) -> Flask:
    """Build the application; ``config`` overrides every other layer (tests use it)."""
    app = Flask(
        __name__,
        instance_path=str(instance_folder()),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from . import config as configuration

    configuration.load(app, config)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Trust exactly as many proxies as configured: the client address then is the real one, so the
        # per-address sign-in limit applies to each client, not to the proxy.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    from .extensions import babel, bootstrap, csrf, db, login_manager, migrate

    db.init_app(app)
    from .db import init_app as init_engines

    init_engines(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    from .i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)
    from .i18n import init_templates

    init_templates(app)

    from . import models  # noqa: F401 — registers every table on the metadata
    from .admin.routes import bp as admin_bp
    from .api.routes import bp as api_bp
    from .audit.routes import bp as audit_bp
    from .auth import init_app as init_auth
    from .cli import init_app as init_cli
    from .errors import init_app as init_errors
    from .imports.routes import bp as imports_bp
    from .main import bp as main_bp
    from .reports.routes import bp as reports_bp
    from .web.hooks import init_app as init_web

    login_manager.init_app(app)
    init_auth(app)
    init_web(app)
    init_errors(app)
    init_cli(app)
    app.register_blueprint(main_bp)
    from .i18n import bp as i18n_bp

    app.register_blueprint(i18n_bp)
    for blueprint in record_blueprints():  # the pages of every area that declares record types
        app.register_blueprint(blueprint)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(imports_bp)
    from .jobs import init_app as init_jobs

    init_jobs(app)
    from .menu import shown as nav_menu

    app.jinja_env.globals["nav_menu"] = nav_menu
    return app


def record_blueprints() -> list:
    """The blueprints of the areas whose services declare record types (records.catalog.AREAS): those their
    ``routes`` module defines, directly or as the ``bp`` of its RecordPages."""
    from importlib import import_module

    from flask import Blueprint

    from .records.catalog import AREAS
    from .web.record_pages import RecordPages

    found: list[Blueprint] = []
    for area in AREAS:
        for value in vars(import_module(f"{__name__}.{area}.routes")).values():
            blueprint = value.bp if isinstance(value, RecordPages) else value
            if isinstance(blueprint, Blueprint) and blueprint not in found:
                found.append(blueprint)
    return found
