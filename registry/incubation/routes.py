"""Incubator pages and the incubator manager's tenant flows."""

from __future__ import annotations

from collections import Counter
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..enterprises.services import PossibleDuplicate
from ..extensions import db
from ..forms import ArchiveForm, VersionForm, fill, form_data, options
from ..models import ChangeLog, Enterprise, Incubator, Tenancy
from ..records import writer
from ..reference.filters import town_choices
from ..views import flash_outcome, get_or_abort, run_write
from . import services
from .forms import ExitForm, IncubatorForm, RegisterTenantForm, TenancyForm
from .services import INCUBATOR, INCUBATOR_SCHEMA, TENANCY, TENANCY_SCHEMA

bp = Blueprint("incubation", __name__)


@bp.route("/incubators/")
@login_required
def incubators():
    open_count = (
        select(func.count())
        .where(Tenancy.incubator_id == Incubator.id, Tenancy.left_on.is_(None), Tenancy.archived_at.is_(None))
        .correlate(Incubator)
        .scalar_subquery()
    )
    show_archived = request.args.get("archived") == "1"
    query = INCUBATOR.visible(
        current_user, select(Incubator, open_count).options(selectinload(Incubator.town))
    )
    query = query.where(
        Incubator.archived_at.is_not(None) if show_archived else Incubator.archived_at.is_(None)
    )
    rows = db.session.execute(query.order_by(Incubator.name)).all()
    return render_template(
        "incubation/incubators.html",
        rows=rows,
        show_archived=show_archived,
        can_create=INCUBATOR.allowed(current_user, "create"),
    )


@bp.route("/incubators/new", methods=["GET", "POST"])
@login_required
def create_incubator():
    if not INCUBATOR.allowed(current_user, "create"):
        abort(403)
    form = IncubatorForm()
    form.town_id.choices = town_choices(blank=True)
    if form.validate_on_submit():
        record = run_write(
            form, lambda: writer.create(INCUBATOR, current_user, form_data(form, INCUBATOR_SCHEMA))
        )
        if record is not None:
            flash(_("已添加孵化载体“%(name)s”。", name=record.name), "success")
            return redirect(url_for(".incubator", incubator_id=record.id))
    return render_template("incubation/incubator_form.html", form=form, record=None)


@bp.route("/incubators/<int:incubator_id>/edit", methods=["GET", "POST"])
@login_required
def edit_incubator(incubator_id: int):
    record = get_or_abort(INCUBATOR, incubator_id)
    if not INCUBATOR.allowed(current_user, "update", record):
        abort(403)
    form = IncubatorForm()
    form.town_id.choices = town_choices(blank=True)
    if not form.is_submitted():
        fill(form, INCUBATOR_SCHEMA, record)
    elif form.validate():
        saved = run_write(
            form,
            lambda: writer.update(
                INCUBATOR, current_user, incubator_id, form.version.data, form_data(form, INCUBATOR_SCHEMA)
            ),
            on_stale=lambda current: fill(form, INCUBATOR_SCHEMA, current),
        )
        if saved is not None:
            flash(_("已保存。"), "success")
            return redirect(url_for(".incubator", incubator_id=incubator_id))
    return render_template("incubation/incubator_form.html", form=form, record=record)


@bp.route("/incubators/<int:incubator_id>")
@login_required
def incubator(incubator_id: int):
    record = get_or_abort(INCUBATOR, incubator_id)
    stays = db.session.scalars(
        TENANCY.visible(current_user, select(Tenancy))
        .where(Tenancy.incubator_id == record.id, Tenancy.archived_at.is_(None))
        .options(selectinload(Tenancy.enterprise).selectinload(Enterprise.founder_group_rows))
        .order_by(Tenancy.moved_in_on.desc(), Tenancy.id.desc())
    ).all()
    current = [t for t in stays if t.left_on is None]
    past = [t for t in stays if t.left_on is not None]
    groups = Counter(g for t in current for g in t.enterprise.founder_groups)
    tenancy_ids = [t.id for t in stays]
    log = db.session.scalars(
        select(ChangeLog)
        .where(
            ((ChangeLog.object_type == "incubator") & (ChangeLog.object_id == record.id))
            | ((ChangeLog.object_type == "tenancy") & ChangeLog.object_id.in_(tenancy_ids or [-1]))
        )
        .order_by(ChangeLog.at.desc(), ChangeLog.id.desc())
        .limit(100)
    ).all()
    can_manage = TENANCY.allowed(current_user, "create", None, {"incubator_id": record.id})
    return render_template(
        "incubation/incubator.html",
        record=record,
        current=current,
        past=past,
        groups=groups,
        history=log,
        today=date.today(),
        warn_days=services.FREE_SPACE_WARNING_DAYS,
        days_left=services.free_space_days_left,
        can_edit=INCUBATOR.allowed(current_user, "update", record),
        can_manage=can_manage,
        archive_form=ArchiveForm(),
        restore_form=VersionForm(),
    )


@bp.route("/incubators/<int:incubator_id>/archive", methods=["POST"])
@login_required
def archive_incubator(incubator_id: int):
    form = ArchiveForm()
    if form.validate_on_submit():
        done = run_write(
            form,
            lambda: writer.archive(
                INCUBATOR, current_user, incubator_id, form.version.data, form.archived_reason.data
            ),
        )
        flash_outcome(done, form, _("已归档。"))
    return redirect(url_for(".incubator", incubator_id=incubator_id))


@bp.route("/incubators/<int:incubator_id>/restore", methods=["POST"])
@login_required
def restore_incubator(incubator_id: int):
    form = VersionForm()
    if form.validate_on_submit():
        done = run_write(
            form, lambda: writer.restore(INCUBATOR, current_user, incubator_id, form.version.data)
        )
        flash_outcome(done, form, _("已恢复。"))
    return redirect(url_for(".incubator", incubator_id=incubator_id))


def _managed_choices():
    query = INCUBATOR.visible(current_user, select(Incubator).where(Incubator.archived_at.is_(None)))
    incubators = [
        i
        for i in db.session.scalars(query.order_by(Incubator.name))
        if TENANCY.allowed(current_user, "create", None, {"incubator_id": i.id})
    ]
    return options((i.id, i.name) for i in incubators)


@bp.route("/tenants/new", methods=["GET", "POST"])
@login_required
def register_tenant():
    form = RegisterTenantForm()
    form.incubator_id.choices = _managed_choices()
    if not form.incubator_id.choices:
        abort(403)
    form.town_id.choices = town_choices(blank=True)
    if not form.is_submitted() and request.args.get("incubator"):
        form.incubator_id.data = request.args["incubator"]
    duplicates, hidden_duplicates = [], False
    if form.validate_on_submit():
        data = {
            name: form[name].data
            for name in (
                "incubator_id",
                "firm_mode",
                "firm",
                "name",
                "uscc",
                "legal_form",
                "town_id",
                "founder_groups",
                "moved_in_on",
                "free_space_until",
            )
        }
        confirmed = request.form.get("confirm_duplicate") == "1"
        try:
            tenancy = run_write(
                form,
                lambda: services.register_tenant(current_user, data, confirmed=confirmed),
                passthrough=(PossibleDuplicate,),
            )
        except PossibleDuplicate as error:
            tenancy, duplicates, hidden_duplicates = None, error.matches, error.hidden
        if tenancy is not None:
            flash(_("已登记入孵：%(label)s。", label=TENANCY.label(tenancy)), "success")
            return redirect(url_for(".incubator", incubator_id=tenancy.incubator_id))
    return render_template(
        "incubation/register_tenant.html",
        form=form,
        duplicates=duplicates,
        hidden_duplicates=hidden_duplicates,
    )


@bp.route("/tenancies/<int:tenancy_id>/edit", methods=["GET", "POST"])
@login_required
def edit_tenancy(tenancy_id: int):
    record = get_or_abort(TENANCY, tenancy_id)
    if not TENANCY.allowed(current_user, "update", record):
        abort(403)
    form = TenancyForm()
    if not form.is_submitted():
        fill(form, TENANCY_SCHEMA, record)
    elif form.validate():
        saved = run_write(
            form,
            lambda: writer.update(
                TENANCY,
                current_user,
                tenancy_id,
                form.version.data,
                form_data(form, TENANCY_SCHEMA),
                partial=True,
            ),
            on_stale=lambda current: fill(form, TENANCY_SCHEMA, current),
        )
        if saved is not None:
            flash(_("已保存。"), "success")
            return redirect(url_for(".incubator", incubator_id=record.incubator_id))
    return render_template("incubation/tenancy_form.html", form=form, record=record)


@bp.route("/tenancies/<int:tenancy_id>/exit", methods=["GET", "POST"])
@login_required
def exit_tenancy(tenancy_id: int):
    record = get_or_abort(TENANCY, tenancy_id)
    if not TENANCY.allowed(current_user, "update", record):
        abort(403)
    form = ExitForm()
    if not form.is_submitted():
        form.version.data = str(record.version)
        form.left_on.data = date.today().isoformat()
        form.exit_reason.data = "graduated"
    elif form.validate():
        saved = run_write(
            form,
            lambda: services.end_tenancy(
                current_user, tenancy_id, form.version.data, form.left_on.data, form.exit_reason.data
            ),
        )
        if saved is not None:
            flash(_("已办理离孵。"), "success")
            return redirect(url_for(".incubator", incubator_id=record.incubator_id))
    return render_template("incubation/exit_form.html", form=form, record=record)
