"""Enterprise pages: list with search, filters, facets and export; detail with history; forms."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import lists
from ..audit.display import history
from ..certifications.services import CERTIFICATION
from ..enums import FounderGroup, Industry, LegalForm
from ..exports import csv_response, xlsx_response
from ..extensions import db
from ..finance.services import LOAN
from ..forms import ArchiveForm, VersionForm, fill, form_class, form_data
from ..incubation.services import TENANCY
from ..listing.services import CANDIDATE, TRAINING
from ..models import (
    Certification,
    ListingCandidate,
    Park,
    PledgeLoan,
    Tag,
    Tenancy,
    Training,
    training_participants,
)
from ..records import writer
from ..reference.filters import town_choices
from ..views import flash_outcome, get_or_abort, run_write
from .listing import SPEC
from .services import ENTERPRISE, SCHEMA, PossibleDuplicate

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")

EnterpriseForm = form_class(SCHEMA, "EnterpriseForm")


def choices(form) -> None:
    """Fill the select boxes that come from the database."""
    form.town_id.choices = town_choices(blank=True)
    form.park_id.choices = [("", "—")] + [
        (str(p.id), p.name)
        for p in db.session.scalars(select(Park).where(Park.archived_at.is_(None)).order_by(Park.name))
    ]
    form.tags.choices = [
        (t.code, t.name)
        for t in db.session.scalars(select(Tag).where(Tag.archived_at.is_(None)).order_by(Tag.code))
    ]


EXPORT_COLUMNS = [
    (_l("编号"), lambda e: e.id),
    (SCHEMA["name"].label, lambda e: e.name),
    (SCHEMA["uscc"].label, lambda e: e.uscc),
    (SCHEMA["legal_form"].label, lambda e: LegalForm.label_of(e.legal_form)),
    (SCHEMA["town_id"].label, lambda e: e.town.name),
    (SCHEMA["park_id"].label, lambda e: e.park.name if e.park else None),
    (SCHEMA["industry"].label, lambda e: Industry.label_of(e.industry) if e.industry else None),
    (SCHEMA["established_on"].label, lambda e: e.established_on),
    (SCHEMA["registered_capital_wan"].label, lambda e: e.registered_capital_wan),
    (SCHEMA["employees"].label, lambda e: e.employees),
    (SCHEMA["rd_staff"].label, lambda e: e.rd_staff),
    (SCHEMA["founder_groups"].label, lambda e: "、".join(FounderGroup.label_of(g) for g in e.founder_groups)),
    (SCHEMA["high_value_ip_count"].label, lambda e: e.high_value_ip_count),
    (SCHEMA["tags"].label, lambda e: "、".join(t.name for t in e.tags)),
    (SCHEMA["contact_name"].label, lambda e: e.contact_name),
    (SCHEMA["contact_phone"].label, lambda e: e.contact_phone),
    (SCHEMA["address"].label, lambda e: e.address),
    (_l("已归档"), lambda e: _("是") if e.archived_at else ""),
]


@bp.route("/")
@login_required
def index():
    args = lists.parse_args(SPEC, request.args)
    page = lists.run(SPEC, current_user, args)
    return render_template(
        "enterprises/list.html",
        page=page,
        spec=SPEC,
        can_create=ENTERPRISE.allowed(current_user, "create"),
    )


@bp.route("/export.<any(csv, xlsx):fmt>")
@login_required
def export(fmt: str):
    args = lists.parse_args(SPEC, request.args)
    rows = lists.all_rows(SPEC, current_user, args)
    name = _("企业名录")
    if fmt == "csv":
        return csv_response(f"{name}.csv", EXPORT_COLUMNS, rows)
    return xlsx_response(f"{name}.xlsx", EXPORT_COLUMNS, rows, sheet=name)


@bp.route("/lookup")
@login_required
def lookup():
    """Firms matching ``q`` by name or USCC, for the pickers in forms (JSON)."""
    args = lists.parse_args(SPEC, {"q": request.args.get("q", ""), "size": "20"})
    if not args.q:
        return jsonify({"items": []})
    page = lists.run(SPEC, current_user, args, with_facets=False, with_count=False)
    return jsonify(
        {"items": [{"id": e.id, "name": e.name, "uscc": e.uscc, "town": e.town.name} for e in page.items]}
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    if not ENTERPRISE.allowed(current_user, "create"):
        abort(403)
    form = EnterpriseForm()
    choices(form)
    duplicates = []
    if form.validate_on_submit():
        confirmed = request.form.get("confirm_duplicate") == "1"
        try:
            record = run_write(
                form,
                lambda: writer.create(ENTERPRISE, current_user, form_data(form, SCHEMA), confirmed=confirmed),
                passthrough=(PossibleDuplicate,),
            )
        except PossibleDuplicate as error:
            record, duplicates = None, error.matches
        if record is not None:
            flash(_("已登记企业“%(name)s”。", name=record.name), "success")
            return redirect(url_for(".detail", enterprise_id=record.id))
    return render_template("enterprises/form.html", form=form, record=None, duplicates=duplicates)


@bp.route("/<int:enterprise_id>")
@login_required
def detail(enterprise_id: int):
    record = get_or_abort(ENTERPRISE, enterprise_id)
    user = current_user
    # Each part through its own kind's visibility: a manager sees the stays in their own incubators only.
    related = {
        "tenancies": db.session.scalars(
            TENANCY.visible(user, select(Tenancy))
            .where(Tenancy.enterprise_id == record.id)
            .options(selectinload(Tenancy.incubator))
            .order_by(Tenancy.moved_in_on.desc())
        ).all(),
        "certifications": db.session.scalars(
            CERTIFICATION.visible(user, select(Certification))
            .where(Certification.enterprise_id == record.id)
            .options(selectinload(Certification.kind_ref))
            .order_by(Certification.applied_on.desc().nulls_last(), Certification.id.desc())
        ).all(),
        "loans": db.session.scalars(
            LOAN.visible(user, select(PledgeLoan))
            .where(PledgeLoan.enterprise_id == record.id)
            .order_by(PledgeLoan.registered_on.desc())
        ).all(),
        "listing": db.session.scalar(
            CANDIDATE.visible(user, select(ListingCandidate))
            .where(ListingCandidate.enterprise_id == record.id)
            .options(selectinload(ListingCandidate.stages))
        ),
        "trainings": db.session.scalars(
            TRAINING.visible(user, select(Training))
            .join(training_participants)
            .where(training_participants.c.enterprise_id == record.id)
            .order_by(Training.held_on.desc())
        ).all(),
    }
    return render_template(
        "enterprises/detail.html",
        record=record,
        related=related,
        history=history(enterprise_id=record.id),
        can_edit=ENTERPRISE.allowed(current_user, "update", record),
        can_archive=ENTERPRISE.allowed(current_user, "archive", record),
        archive_form=ArchiveForm(),
        restore_form=VersionForm(),
    )


@bp.route("/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id: int):
    record = get_or_abort(ENTERPRISE, enterprise_id)
    if not ENTERPRISE.allowed(current_user, "update", record):
        abort(403)
    form = EnterpriseForm()
    choices(form)
    duplicates = []
    if not form.is_submitted():
        fill(form, SCHEMA, record)
    elif form.validate():
        confirmed = request.form.get("confirm_duplicate") == "1"
        try:
            saved = run_write(
                form,
                lambda: writer.update(
                    ENTERPRISE,
                    current_user,
                    enterprise_id,
                    form.version.data,
                    form_data(form, SCHEMA),
                    confirmed=confirmed,
                ),
                on_stale=lambda current: fill(form, SCHEMA, current),
                passthrough=(PossibleDuplicate,),
            )
        except PossibleDuplicate as error:
            saved, duplicates = None, error.matches
        if saved is not None:
            flash(_("已保存。"), "success")
            return redirect(url_for(".detail", enterprise_id=enterprise_id))
    return render_template("enterprises/form.html", form=form, record=record, duplicates=duplicates)


@bp.route("/<int:enterprise_id>/archive", methods=["POST"])
@login_required
def archive(enterprise_id: int):
    form = ArchiveForm()
    if form.validate_on_submit():
        done = run_write(
            form,
            lambda: writer.archive(
                ENTERPRISE, current_user, enterprise_id, form.version.data, form.archived_reason.data
            ),
        )
        flash_outcome(done, form, _("已归档。归档的企业不再出现在列表和统计中，历史记录保留。"))
    return redirect(url_for(".detail", enterprise_id=enterprise_id))


@bp.route("/<int:enterprise_id>/restore", methods=["POST"])
@login_required
def restore(enterprise_id: int):
    form = VersionForm()
    if form.validate_on_submit():
        done = run_write(
            form, lambda: writer.restore(ENTERPRISE, current_user, enterprise_id, form.version.data)
        )
        flash_outcome(done, form, _("已恢复。"))
    return redirect(url_for(".detail", enterprise_id=enterprise_id))
