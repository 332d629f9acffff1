from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..domain import InputError
from . import services
from .forms import ChangePasswordForm, LoginForm, LogoutForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an absolute or scheme-relative URL would send the user elsewhere."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        # One message whatever was wrong, so the form does not tell which usernames exist.
        flash(_("用户名或密码不正确。"), "danger")
    return render_template("auth/login.html", form=form), 200


# Pages a user who must change their password may still open.
_ALLOWED_BEFORE_CHANGE = {"auth.change_password", "auth.logout", "auth.login", "static", "bootstrap.static"}


@bp.before_app_request
def _require_password_change():
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _ALLOWED_BEFORE_CHANGE
    ):
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user.id, form.current.data, form.new.data)
        except InputError as error:
            form.new.errors.append(error.message)
        else:
            flash(_("密码已修改。"), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))
