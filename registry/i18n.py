"""Locale selection: Simplified Chinese unless the user chose otherwise (remembered on their account)."""

from __future__ import annotations

from flask import Blueprint, abort, has_request_context, redirect, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import update

LANGUAGES = {"zh_Hans_CN": "简体中文", "en": "English"}
DEFAULT = "zh_Hans_CN"

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    if not has_request_context():  # CLI commands speak the default language
        return DEFAULT
    chosen = session.get("locale")
    if chosen is None and current_user and current_user.is_authenticated:
        chosen = current_user.locale
    return chosen if chosen in LANGUAGES else DEFAULT


@bp.route("/language/<code>", methods=["POST"])
def choose(code: str):
    """Switch the interface language; signed-in users keep the choice on their account."""
    if code not in LANGUAGES or not FlaskForm().validate_on_submit():
        abort(400)
    session["locale"] = code
    if current_user.is_authenticated:
        from .db import write_transaction
        from .extensions import db
        from .models import User

        with write_transaction():  # a preference, not an edit of the account: the version stays
            db.session.execute(update(User).where(User.id == current_user.id).values(locale=code))
    target = request.form.get("next") or ""
    return redirect(
        target if target.startswith("/") and not target.startswith("//") else url_for("main.home")
    )
