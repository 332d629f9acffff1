"""The home page: the signed-in user's dashboard, a section per role (see :mod:`registry.dashboard`)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from . import dashboard

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    return render_template(
        "main/home.html",
        board=dashboard.build(current_user),
        user=current_user,
        record_url=dashboard.record_url,
    )
