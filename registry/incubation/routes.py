"""Incubator pages (the shared record pages with the incubator's tenants on its page) and the incubator
manager's tenant flows: register a tenant (an existing or a new firm), edit a stay, exit."""

from __future__ import annotations

from collections import Counter
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..enterprises.services import PossibleDuplicate
from ..enums import IncubatorKind, Level
from ..extensions import db
from ..models import ChangeLog, Enterprise, Incubator, Tenancy
from ..reference.filters import town_choices
from ..web.forms import options
from ..web.outcomes import get_for_update, run_write, save_edit
from ..web.record_pages import Column, RecordPages
from . import services
from .forms import ExitForm, RegisterTenantForm, TenancyForm
from .services import INCUBATOR, INCUBATOR_SCHEMA, TENANCY, TENANCY_SCHEMA

bp = Blueprint("incubation", __name__)


def incubator_context(record) -> dict:
    """The incubator's page: its tenants now and before, their founder groups and the joint history."""
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
    return {
        "current": current,
        "past": past,
        "groups": groups,
        "history": log,
        "today": date.today(),
        "warn_days": services.FREE_SPACE_WARNING_DAYS,
        "days_left": services.free_space_days_left,
        "can_manage": can_manage,
    }


def open_tenants(incubators: list) -> None:
    """Each incubator's number of current tenants, in one statement for the page."""
    ids = [i.id for i in incubators]
    counts = dict(
        db.session.execute(
            select(Tenancy.incubator_id, func.count())
            .where(
                Tenancy.incubator_id.in_(ids or [-1]),
                Tenancy.left_on.is_(None),
                Tenancy.archived_at.is_(None),
            )
            .group_by(Tenancy.incubator_id)
        ).all()
    )
    for incubator in incubators:
        incubator.open_tenants = counts.get(incubator.id, 0)


INCUBATOR_PAGES = RecordPages(
    record_type=INCUBATOR,
    columns=[
        Column(
            INCUBATOR_SCHEMA["name"].label,
            lambda i: i.name,
            sort="name",
            link=True,
            badges=lambda i: (
                [(_("已停用 %(day)s", day=i.closed_on.isoformat()), "text-bg-secondary")]
                if i.closed_on
                else []
            ),
        ),
        Column(INCUBATOR_SCHEMA["kind"].label, lambda i: IncubatorKind.label_of(i.kind)),
        Column(INCUBATOR_SCHEMA["level"].label, lambda i: Level.label_of(i.level)),
        Column(INCUBATOR_SCHEMA["town_id"].label, lambda i: i.town.name),
        Column(INCUBATOR_SCHEMA["opened_on"].label, lambda i: i.opened_on),
        Column(_l("在孵企业"), lambda i: i.open_tenants, numeric=True),
    ],
    export_columns=[
        (_l("编号"), lambda i: i.id),
        (INCUBATOR_SCHEMA["name"].label, lambda i: i.name),
        (INCUBATOR_SCHEMA["kind"].label, lambda i: IncubatorKind.label_of(i.kind)),
        (INCUBATOR_SCHEMA["level"].label, lambda i: Level.label_of(i.level)),
        (INCUBATOR_SCHEMA["town_id"].label, lambda i: i.town.name),
        (INCUBATOR_SCHEMA["opened_on"].label, lambda i: i.opened_on),
        (INCUBATOR_SCHEMA["closed_on"].label, lambda i: i.closed_on),
        (_l("已归档"), lambda i: _("是") if i.archived_at else ""),
    ],
    prepare_form=lambda form: setattr(form.town_id, "choices", town_choices(blank=True)),
    prepare_rows=open_tenants,
    wide=("address",),
    detail_template="incubation/incubator.html",
    detail_context=incubator_context,
    show_fields=False,
    search_placeholder=_l("孵化载体名称"),
    blueprint=bp,
    path="/incubators",
    endpoints={
        "index": "incubators",
        "export": "export_incubators",
        "create": "create_incubator",
        "detail": "incubator",
        "edit": "edit_incubator",
        "archive": "archive_incubator",
        "restore": "restore_incubator",
    },
    id_arg="incubator_id",
)


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
    record = get_for_update(TENANCY, tenancy_id)
    form = TenancyForm()
    if save_edit(TENANCY, TENANCY_SCHEMA, record, form, partial=True) is not None:
        return redirect(url_for(".incubator", incubator_id=record.incubator_id))
    return render_template("incubation/tenancy_form.html", form=form, record=record)


@bp.route("/tenancies/<int:tenancy_id>/exit", methods=["GET", "POST"])
@login_required
def exit_tenancy(tenancy_id: int):
    record = get_for_update(TENANCY, tenancy_id)
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
