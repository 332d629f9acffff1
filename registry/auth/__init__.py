"""Accounts: sign-in, sign-out, the user loader and the ``users`` CLI."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..extensions import db, login_manager
from ..models import User

# The signed-in user and their roles by id (the id bound when it runs).
_USER = select(User).where(User.id == bindparam("id")).options(joinedload(User.role_rows))


def init_app(app: Flask) -> None:
    from .cli import users_cli
    from .routes import bp

    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        # "id:epoch": a session from before the user's last sign-out or password change no longer loads.
        user_id, _sep, epoch = session_id.partition(":")
        if not user_id.isdigit() or not epoch.isdigit():
            return None
        # One statement per request for the user and their roles, built once.
        user = db.session.scalars(_USER, {"id": int(user_id)}).unique().first()
        if user is None or (user.session_epoch or 0) != int(epoch):
            return None
        return user

    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
