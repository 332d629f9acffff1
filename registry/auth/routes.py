from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import permissions
from ..domain import InputError
from ..extensions import db
from ..models import User
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
        attempt = services.authenticate(form.username.data, form.password.data, request.remote_addr or "")
        if attempt.locked:
            flash(
                _("登录失败次数过多，请%(n)d分钟后再试。", n=services.FAILURE_WINDOW.seconds // 60), "danger"
            )
        elif attempt.user is not None:
            session.clear()  # a new session at sign-in: nothing from before carries over
            login_user(attempt.user, remember=form.remember.data)
            session["_seen"] = time.time()
            return redirect(_safe_next(request.args.get("next")))
        else:
            # One message whatever was wrong, so the form does not tell which usernames exist.
            flash(_("用户名或密码不正确。"), "danger")
    return render_template("auth/login.html", form=form), 200


SEEN_REFRESH_SECONDS = 60

# Pages a user who must change their password may still open.
_ALLOWED_BEFORE_CHANGE = {"auth.change_password", "auth.logout", "auth.login", "static", "bootstrap.static"}


@bp.before_app_request
def _idle_timeout():
    """Sign out a browser session left idle longer than IDLE_TIMEOUT_MINUTES."""
    if not current_user.is_authenticated or request.endpoint in ("static", "bootstrap.static"):
        return None
    now = time.time()
    seen = session.get("_seen")
    limit = current_app.config["IDLE_TIMEOUT_MINUTES"] * 60
    if seen is not None and now - seen > limit:
        logout_user()
        session.clear()
        flash(_("长时间未操作，已自动退出，请重新登录。"), "warning")
        return redirect(url_for("auth.login", next=request.path))
    # Refreshed at most once a minute: a changed session is a new cookie on the response, and a page's
    # background requests (the firm picker's look-ups) answering after a form's POST would otherwise put back
    # the cookie from before it, losing the POST's message ("已保存").
    if seen is None or now - seen >= SEEN_REFRESH_SECONDS:
        session["_seen"] = now
    return None


@bp.before_app_request
def _require_password_change():
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _ALLOWED_BEFORE_CHANGE
    ):
        return redirect(url_for("auth.change_password"))
    return None


@bp.before_app_request
def _contributors_stay_in_the_workspace():
    """A contributor (部门填报人) sees no registry records: every page but the report workspace answers 403."""
    if not current_user.is_authenticated or permissions.reads_registry(current_user):
        return None
    if request.endpoint == "main.home":
        return redirect(url_for("report_workspace.index"))
    if not permissions.contributor_may_open(request.endpoint):
        abort(403)
    return None


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user.id, form.current.data, form.new.data, request.remote_addr or ""
            )
        except services.CurrentPasswordRefused as error:
            form.current.errors.append(error.message)
        except InputError as error:
            form.new.errors.append(error.message)
        else:
            # Every other session ended with the old password; this one goes on with the new epoch.
            login_user(db.session.get(User, current_user.id))
            flash(_("密码已修改，其他设备上的登录已失效。"), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        services.end_sessions(current_user.id)  # the old cookie is worthless from now on
        logout_user()
        session.clear()
        flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))
