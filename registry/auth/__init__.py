"""Accounts: sign-in, sign-out, the user loader and the ``users`` CLI."""

from __future__ import annotations

from flask import Flask

from ..extensions import db, login_manager
from ..models import User


def init_app(app: Flask) -> None:
    from .cli import users_cli
    from .routes import bp

    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        return db.session.get(User, int(user_id))

    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
