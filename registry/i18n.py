"""Locale selection: Simplified Chinese unless the user chose otherwise (remembered on their account)."""

from __future__ import annotations

from functools import cached_property

from flask import Blueprint, abort, has_request_context, redirect, request, session, url_for
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_locale, get_translations
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


# ---- translations kept for the request ------------------------------------------------------------------
# flask_babel finds the request's translations anew on every message (its context, domain and locale each
# looked up through ``g``: some 8 µs a message, and a page shows a hundred). They are kept here beside
# flask_babel's own state for the request, with the locale and domain they were found for: ``force_locale``
# and ``refresh`` put another locale object there, so the next message finds them anew.
_KEPT = "registry_translations"


def _babel_state():
    """flask_babel's state of the app context (None outside one, or before its first message). Read
    through the context variable itself: ``flask.g``'s proxy costs more than the rest of a message."""
    app_context = _cv_app.get(None)
    return None if app_context is None else getattr(app_context.g, "_flask_babel", None)


def current_translations():
    """The translations in force: flask_babel's ``get_translations()``, kept for the request."""
    state = _babel_state()
    if state is not None:
        kept = getattr(state, _KEPT, None)
        if (
            kept is not None
            and kept[0] is getattr(state, "babel_locale", None)
            and kept[1] is getattr(state, "babel_domain", None)
        ):
            return kept[2]
    return get_translations()


def locale_name() -> str:
    """The locale in force as text (``str(get_locale())``), read from flask_babel's state once it has one."""
    state = _babel_state()
    locale = getattr(state, "babel_locale", None) if state is not None else None
    return str(locale if locale is not None else get_locale())


class KeptDomain(Domain):
    """The message domain, its request's translations kept (:func:`current_translations`)."""

    def get_translations(self):
        state = _babel_state()
        if state is not None:
            kept = getattr(state, _KEPT, None)
            if kept is not None and kept[0] is getattr(state, "babel_locale", None) and kept[1] is self:
                return kept[2]
        translations = super().get_translations()
        state = _babel_state()
        if state is not None and getattr(state, "babel_locale", None) is not None:
            setattr(state, _KEPT, (state.babel_locale, self, translations))
        return translations


class RegistryBabel(Babel):
    """flask_babel's extension with the kept translations' domain."""

    @cached_property
    def domain_instance(self):
        return KeptDomain(domain=self.domain)


def init_templates(app) -> None:
    """Install the templates' gettext functions over flask_babel's (after ``babel.init_app``): Jinja's own
    (newstyle: the message escaped unless marked safe, always formatted with its values), reading the kept
    translations. ``_`` is that ``gettext`` itself, not Jinja's alias looking it up on every call."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"]
