"""The figures of a report (填报数据): the list, adding a slot (the writer), filling one in (its office),
removing one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import Figure
from ...records import writer
from ...web.forms import form_data
from ...web.outcomes import flash_outcome, get_or_abort, run_write, save_edit
from . import lifecycle
from .access import writes_reports
from .forms import FigureForm, VersionOnlyForm
from .routes import bp, report_or_abort, writers_only
from .services import FIGURE, FIGURE_SCHEMA


# ---- figures ------------------------------------------------------------------------------------------------------
@bp.route("/<int:report_id>/figures", methods=["GET", "POST"])
def figures(report_id: int):
    report = report_or_abort(report_id)
    form = FigureForm()
    if request.method == "POST":
        writers_only()
        if form.validate_on_submit():
            done = run_write(
                form, lambda: lifecycle.add_figure(current_user, report_id, form_data(form, FIGURE_SCHEMA))
            )
            if done is not None:
                flash(_("已添加“%(name)s”。", name=done.name), "success")
                return redirect(url_for(".figures", report_id=report_id))
    rows = db.session.scalars(
        FIGURE.visible(
            current_user, select(Figure).where(Figure.report_id == report.id, Figure.archived_at.is_(None))
        ).order_by(Figure.id)
    ).all()
    return render_template(
        "reports/workspace/figures.html",
        report=report,
        figures=rows,
        form=form,
        can_write=writes_reports(current_user) and not report.is_final,
        editable={f.id: not report.is_final and FIGURE.allowed(current_user, "update", f) for f in rows},
        archive_form=VersionOnlyForm(),
    )


@bp.route("/figures/<int:figure_id>/edit", methods=["GET", "POST"])
def edit_figure(figure_id: int):
    figure = get_or_abort(FIGURE, figure_id)
    if not FIGURE.allowed(current_user, "update", figure):
        abort(403)
    form = FigureForm()
    if not writes_reports(current_user):  # an office fills in its value; the slot is the writer's
        for name in ("name", "source"):
            form[name].render_kw = {"readonly": True}

    def slot_kept(data: dict) -> dict:
        return data if writes_reports(current_user) else data | {"name": figure.name, "source": figure.source}

    if save_edit(FIGURE, FIGURE_SCHEMA, figure, form, data=slot_kept) is not None:
        return redirect(url_for(".figures", report_id=figure.report_id))
    return render_template(
        "reports/workspace/figure_form.html", form=form, figure=figure, report=figure.report
    )


@bp.route("/figures/<int:figure_id>/archive", methods=["POST"])
def archive_figure(figure_id: int):
    writers_only()
    figure = get_or_abort(FIGURE, figure_id)
    form = VersionOnlyForm()
    if not form.validate_on_submit():
        abort(400)
    done = run_write(form, lambda: writer.archive(FIGURE, current_user, figure_id, form.version.data))
    flash_outcome(done, form, _("已删除“%(name)s”。", name=figure.name))
    return redirect(url_for(".figures", report_id=figure.report_id))


@bp.route("/figures/<int:figure_id>")
def figure_by_id(figure_id: int):
    figure = get_or_abort(FIGURE, figure_id)
    return redirect(url_for(".figures", report_id=figure.report_id, _anchor=f"f-{figure.id}"))
