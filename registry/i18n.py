"""Locale selection: Simplified Chinese unless the user chose otherwise (remembered on their account)."""

from __future__ import annotations

from flask import Blueprint, abort, has_request_context, redirect, request, session, url_for
from flask_babel.speaklater import LazyString
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import escape
from sqlalchemy import update

LANGUAGES = {"zh_Hans_CN": "简体中文", "en": "English"}
DEFAULT = "zh_Hans_CN"

bp = Blueprint("i18n", __name__)


class LazyText(LazyString):
    """A lazy translation with data in it, which templates escape like any other text.

    flask_babel's LazyString has ``__html__`` returning its text as it is, so Jinja takes it for safe
    markup: a tag named ``<meta …>`` in ``_l("%(name)s企业", name=tag.name)`` would reach the page as a tag.
    """

    def __init__(self, message: LazyString) -> None:
        super().__init__(str, message)

    def __html__(self) -> str:
        return str(escape(str(self)))


def as_text(message: LazyString) -> LazyText:
    """``as_text(_l("%(name)s企业", name=tag.name))``: still translated when shown, but shown as text.

    Every lazy message formatted with values goes through here (tests/test_hostile_names.py checks).
    """
    return LazyText(message)


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
