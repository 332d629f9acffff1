"""The report workspace's pages under /reports/…: the list, a report's preview with its sections' states and
buttons, editing a section, its versions, the status board, figures, finalising and the document."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import permissions
from ...enums import SectionState
from ...extensions import db
from ...models import Figure, Outline, Report, ReportSection, ReportSectionVersion
from ...records.errors import NotFound
from ...web.forms import fill, form_data
from ...web.outcomes import flash_outcome, get_or_abort, run_write, save_edit
from ..periods import Period
from . import carry, lifecycle
from .access import department_of, reads_reports, writes_reports
from .forms import (
    AssignForm,
    ReportForm,
    SectionTextForm,
    StateForm,
    VersionOnlyForm,
)
from .history import diff_lines
from .output import document_bytes
from .placeholders import render
from .services import FIGURE, REPORT, REPORT_SCHEMA, SECTION, SECTION_SCHEMA
from .sources import sources_for

bp = Blueprint("report_workspace", __name__, url_prefix="/reports")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.before_request
@login_required
def _workers_only():
    if not (reads_reports(current_user) or department_of(current_user)):
        abort(403)


def writers_only() -> None:
    if not writes_reports(current_user):
        abort(403)


def drill_link(code: str, period: Period) -> str:
    return url_for(
        "reports.drill",
        code=code,
        preset="custom",
        start=period.start.isoformat(),
        end=period.end.isoformat(),
    )


def _link():
    """Numbers link to their drill-down for those who may read the registry's records."""
    return drill_link if permissions.sees_everything(current_user) else None


def report_or_abort(report_id: int) -> Report:
    return get_or_abort(REPORT, report_id)


def _section(report_id: int, code: str) -> ReportSection:
    try:
        return lifecycle.section(current_user, report_id, code)
    except NotFound:
        abort(404)


# ---- the list -------------------------------------------------------------------------------------------------
@bp.route("/workspace")
def index():
    query = REPORT.visible(current_user, select(Report).where(Report.archived_at.is_(None)))
    reports = db.session.scalars(query.order_by(Report.end.desc(), Report.id.desc())).all()
    department = None if reads_reports(current_user) else department_of(current_user)
    mine, figures = {}, {}
    if department:
        ids = [r.id for r in reports]
        for section in db.session.scalars(
            select(ReportSection)
            .where(ReportSection.report_id.in_(ids), ReportSection.department == department)
            .order_by(ReportSection.position)
        ):
            mine.setdefault(section.report_id, []).append(section)
        for figure in db.session.scalars(
            FIGURE.visible(current_user, select(Figure).where(Figure.archived_at.is_(None))).order_by(
                Figure.id
            )
        ):
            figures.setdefault(figure.report_id, []).append(figure)
    outlines = db.session.scalars(
        select(Outline).where(Outline.archived_at.is_(None)).order_by(Outline.id)
    ).all()
    return render_template(
        "reports/workspace/index.html",
        reports=reports,
        department=department,
        mine=mine,
        figures=figures,
        outlines=outlines if reads_reports(current_user) else [],
        can_write=writes_reports(current_user),
    )


def _outline_choices(form) -> None:
    form.outline_id.choices = [("", "—")] + [
        (str(o.id), o.title)
        for o in db.session.scalars(select(Outline).where(Outline.archived_at.is_(None)).order_by(Outline.id))
    ]


@bp.route("/new", methods=["GET", "POST"])
def create():
    writers_only()
    form = ReportForm()
    _outline_choices(form)
    if form.validate_on_submit():
        report = run_write(
            form, lambda: lifecycle.create_report(current_user, form_data(form, REPORT_SCHEMA))
        )
        if report is not None:
            flash(_("已新建报告。"), "success")
            return redirect(url_for(".preview", report_id=report.id))
    return render_template("reports/workspace/report_form.html", form=form, report=None)


@bp.route("/<int:report_id>/edit", methods=["GET", "POST"])
def edit(report_id: int):
    writers_only()
    report = report_or_abort(report_id)
    form = ReportForm()
    _outline_choices(form)
    if save_edit(REPORT, REPORT_SCHEMA, report, form) is not None:
        return redirect(url_for(".preview", report_id=report_id))
    return render_template("reports/workspace/report_form.html", form=form, report=report)


# ---- the preview ------------------------------------------------------------------------------------------------
@bp.route("/<int:report_id>")
def preview(report_id: int):
    report = report_or_abort(report_id)
    sources = sources_for(report, _link())
    texts = {s.code: s for s in report.sections if s.archived_at is None}
    rendered = {code: render(s.text, sources) for code, s in texts.items()}
    can_write = writes_reports(current_user)
    editable = {code: _may_edit(s) for code, s in texts.items()}
    return render_template(
        "reports/workspace/preview.html",
        report=report,
        structure=carry.structure(report.outline),
        texts=texts,
        rendered=rendered,
        preamble=render(report.preamble, sources),
        editable=editable,
        can_write=can_write,
        problems=lifecycle.problems(report) if can_write and not report.is_final else {},
        changed=sum(r.changed for r in rendered.values()),
        state_form=StateForm(),
        finalise_form=VersionOnlyForm(),
        states=SectionState,
    )


def _may_edit(section: ReportSection) -> bool:
    if section.report.is_final or not SECTION.allowed(current_user, "update", section):
        return False
    return writes_reports(current_user) or section.state in (SectionState.OPEN, SectionState.EDITING)


@bp.route("/<int:report_id>/finalise", methods=["POST"])
def finalise(report_id: int):
    writers_only()
    form = VersionOnlyForm()
    if not form.validate_on_submit():
        abort(400)
    done = run_write(form, lambda: lifecycle.finalise(current_user, report_id, form.version.data))
    flash_outcome(done, form, _("报告已定稿：数字已冻结，文档已保存。"))
    return redirect(url_for(".preview", report_id=report_id))


@bp.route("/<int:report_id>/document.docx")
def document(report_id: int):
    report = report_or_abort(report_id)
    return send_file(
        io.BytesIO(document_bytes(report)),
        mimetype=DOCX,
        as_attachment=True,
        download_name=_(
            "%(title)s_%(start)s_%(end)s.docx", title=report.title[:60], start=report.start, end=report.end
        ),
    )


@bp.route("/<int:report_id>/document/job", methods=["POST"])
def document_job(report_id: int):
    """The document rendered by a worker (a job): its page shows progress, then the download."""
    from ...jobs import service as jobs

    report = report_or_abort(report_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    job = jobs.submit(
        "report_docx",
        current_user,
        {"report_id": report.id},
        title=_("生成报告文档：%(title)s", title=report.title),
    )
    return redirect(url_for("jobs.page", job_id=job.id))


@bp.route("/<int:report_id>/board")
def board(report_id: int):
    report = report_or_abort(report_id)
    sections = db.session.scalars(
        SECTION.visible(
            current_user,
            select(ReportSection)
            .where(ReportSection.report_id == report.id, ReportSection.archived_at.is_(None))
            .options(selectinload(ReportSection.changed_by))
            .order_by(ReportSection.position),
        )
    ).all()
    counts = {state.value: sum(1 for s in sections if s.state == state) for state in SectionState}
    return render_template(
        "reports/workspace/board.html",
        report=report,
        sections=sections,
        counts=counts,
        can_assign=writes_reports(current_user) and not report.is_final,
        assign_form=AssignForm,
    )


# ---- sections --------------------------------------------------------------------------------------------------
@bp.route("/<int:report_id>/sections/<code>/edit", methods=["GET", "POST"])
def edit_section(report_id: int, code: str):
    section = _section(report_id, code)
    if not SECTION.allowed(current_user, "update", section):
        abort(403)
    form = SectionTextForm()
    if not form.is_submitted():
        fill(form, SECTION_SCHEMA, section)
    elif form.validate():
        data = form_data(form, SECTION_SCHEMA)
        if request.form.get("then") == "submit":
            data["state"] = SectionState.SUBMITTED
        done = run_write(
            form,
            lambda: lifecycle.update_section(current_user, report_id, code, form.version.data, data),
            on_stale=lambda current: fill(form, SECTION_SCHEMA, current),
        )
        if done is not None:
            flash(_("已保存。"), "success")
            return redirect(url_for(".preview", report_id=report_id, _anchor=f"s-{code}"))
    report = section.report
    return render_template(
        "reports/workspace/section_form.html",
        form=form,
        report=report,
        section=section,
        figures=[f for f in report.figures if f.archived_at is None],
        indicators=_outline_indicators(report, code),
        is_writer=writes_reports(current_user),
    )


def _outline_indicators(report: Report, code: str) -> list:
    from .. import indicators as ind

    row = next((r for r in report.outline.sections if r.code == code), None)
    known = {i.code: i for i in ind.all_indicators()}
    return [known[c] for c in (row.indicators if row else []) if c in known]


@bp.route("/<int:report_id>/sections/<code>/state", methods=["POST"])
def section_state(report_id: int, code: str):
    if not SECTION.allowed(current_user, "update", _section(report_id, code)):
        abort(403)
    form = StateForm()
    _change_section(
        report_id,
        code,
        form,
        lambda: {"state": form.state.data},
        lambda: _("状态已改为“%(state)s”。", state=SectionState.label_of(form.state.data)),
    )
    return redirect(url_for(".preview", report_id=report_id, _anchor=f"s-{code}"))


def _change_section(report_id: int, code: str, form, changes, message) -> None:
    """A button's small form that changes one thing of a section (its state, its department); 400 when
    the form itself is broken, the outcome flashed."""
    if not form.validate_on_submit():
        abort(400)
    done = run_write(
        form, lambda: lifecycle.update_section(current_user, report_id, code, form.version.data, changes())
    )
    flash_outcome(done, form, message())


@bp.route("/<int:report_id>/sections/<code>/assign", methods=["POST"])
def assign(report_id: int, code: str):
    writers_only()
    form = AssignForm()
    _change_section(
        report_id, code, form, lambda: {"department": form.department.data}, lambda: _("已分配。")
    )
    return redirect(url_for(".board", report_id=report_id))


@bp.route("/<int:report_id>/sections/<code>/versions")
def versions(report_id: int, code: str):
    section = _section(report_id, code)
    saved = db.session.scalars(
        select(ReportSectionVersion)
        .where(ReportSectionVersion.section_id == section.id)
        .options(selectinload(ReportSectionVersion.saved_by))
        .order_by(ReportSectionVersion.number)
    ).all()
    by_number = {v.number: v for v in saved}
    newest = saved[-1].number if saved else None
    a = _number(request.args.get("a"), by_number, newest - 1 if newest and newest > 1 else newest)
    b = _number(request.args.get("b"), by_number, newest)
    before, after = by_number.get(a), by_number.get(b)
    return render_template(
        "reports/workspace/versions.html",
        report=section.report,
        section=section,
        saved=saved,
        a=a,
        b=b,
        diff=diff_lines(before.text if before else "", after.text if after else "") if saved else None,
    )


def _number(raw, known: dict, default):
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 and int(raw) in known else default


@bp.route("/sections/<int:section_id>")
def section_by_id(section_id: int):
    section = get_or_abort(SECTION, section_id)
    return redirect(url_for(".preview", report_id=section.report_id, _anchor=f"s-{section.code}"))


# The figures' and the outlines' pages join the blueprint.
from . import figure_pages, outline_pages  # noqa: E402, F401
