"""User administration (admins only)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth import services
from ..domain import InputError
from ..enums import Role
from ..extensions import db
from ..models import Incubator, User
from ..records.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from .forms import ResetForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    if Role.ADMIN not in current_user.roles:
        abort(403)


def _incubator_choices(form: UserForm) -> None:
    form.incubators.choices = [
        (str(i.id), i.name)
        for i in db.session.scalars(
            select(Incubator).where(Incubator.archived_at.is_(None)).order_by(Incubator.name)
        )
    ]


def _ids(values) -> list[int]:
    """Incubator ids from the checkboxes; anything else is ignored (no such box exists)."""
    return [int(v) for v in values or [] if isinstance(v, str) and v.isdigit() and len(v) < 10]


@bp.route("/users/")
def users():
    rows = db.session.scalars(
        select(User).options(selectinload(User.incubators)).order_by(User.username)
    ).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    form = UserForm()
    _incubator_choices(form)
    if form.validate_on_submit():
        try:
            user, password = services.create_user(
                form.username.data,
                form.roles.data or [],
                _ids(form.incubators.data),
                form.display_name.data or None,
                must_change_password=True,
                actor=current_user,
                department=form.department.data,
            )
        except services.DepartmentMissing as error:
            form.department.errors = [error.message]
        except InputError as error:
            form.username.errors = [error.message]
        else:
            return render_template("admin/password.html", user=user, password=password)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm()
    _incubator_choices(form)
    if not form.is_submitted():
        form.username.data = user.username
        form.display_name.data = user.display_name
        form.roles.data = user.roles
        form.incubators.data = [str(i.id) for i in user.incubators]
        form.active.data = user.active
        form.department.data = user.department or ""
        form.version.data = str(user.version)
    elif form.validate():
        try:
            services.update_user(
                current_user,
                user_id,
                form.version.data,
                display_name=form.display_name.data,
                roles=form.roles.data or [],
                incubator_ids=_ids(form.incubators.data),
                active=form.active.data,
                department=form.department.data,
            )
        except ValidationFailed as error:
            for name, messages in error.errors.items():
                form[name].errors = messages
        except StaleVersion:
            flash(_("保存失败：该用户已被他人修改，请刷新后重试。"), "warning")
        except (NotFound, PermissionDenied):
            abort(404)
        else:
            flash(_("已保存。"), "success")
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=user, reset_form=ResetForm())


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ResetForm().validate_on_submit():
        abort(400)
    password = services.reset_password(current_user, user.id)
    return render_template("admin/password.html", user=user, password=password)
