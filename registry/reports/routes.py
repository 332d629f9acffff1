"""Report pages: the summary for a period, drill-down lists, snapshots, exports and the drafted DOCX."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, StringField

from .. import permissions
from ..domain import InputError
from ..domain.values import parse_query_int
from ..exports import csv_response, xlsx_response
from ..extensions import db
from ..models import ReportSnapshot
from ..records.errors import NotFound, PermissionDenied
from . import indicators as ind
from . import service
from .periods import Period, resolve
from .sections import SECTIONS
from .workspace import lifecycle

bp = Blueprint("reports", __name__, url_prefix="/reports")


class FreezeForm(FlaskForm):
    title = StringField(_l("快照标题"), render_kw={"maxlength": 200})
    start = HiddenField()
    end = HiddenField()


@bp.before_request
@login_required
def _readers_only():
    # Reports cover the whole county; a manager's view is limited to their own incubators.
    if not permissions.sees_everything(current_user):
        abort(403)


def _period() -> Period:
    try:
        return resolve(request.args)
    except InputError as error:
        flash(_("期间有误：%(reason)s，已改为本年至今。", reason=error.message), "warning")
        return resolve({})


def _period_args(period: Period) -> dict:
    return {"preset": "custom", "start": period.start.isoformat(), "end": period.end.isoformat()}


@bp.route("/")
def summary():
    period = _period()
    rows = service.summary(period)
    sections = {}
    for row in rows:
        sections.setdefault(row.indicator.section, []).append(row)
    snapshots = db.session.scalars(select(ReportSnapshot).order_by(ReportSnapshot.id.desc()).limit(10)).all()
    return render_template(
        "reports/summary.html",
        period=period,
        previous=period.previous_year(),
        sections=sections,
        section_titles=SECTIONS,
        period_args=_period_args(period),
        freeze_form=FreezeForm(start=period.start.isoformat(), end=period.end.isoformat()),
        can_freeze=current_user.has_role(*service.SNAPSHOT_ROLES),
        snapshots=snapshots,
    )


SUMMARY_COLUMNS = [
    (_l("代码"), lambda r: r.indicator.code),
    (_l("章节"), lambda r: r.indicator.section),
    (_l("指标"), lambda r: str(r.indicator.label)),
    (_l("单位"), lambda r: str(r.indicator.unit)),
    (_l("本期数值"), lambda r: r.value),
    (_l("上年同期"), lambda r: r.previous),
]


@bp.route("/summary.<any(csv, xlsx):fmt>")
def summary_export(fmt: str):
    period = _period()
    rows = service.summary(period)
    name = _("统计汇总_%(start)s_%(end)s", start=period.start, end=period.end)
    if fmt == "csv":
        return csv_response(f"{name}.csv", SUMMARY_COLUMNS, rows)
    return xlsx_response(f"{name}.xlsx", SUMMARY_COLUMNS, rows, sheet=_("统计汇总"))


@bp.route("/draft.docx")
def draft_docx():
    """The period's report as the county sends it: the workspace's report of exactly that period (as
    finalised, if it is), else a draft carried forward from the latest report on the outline."""
    period = _period()
    try:
        with force_locale("zh_Hans_CN"):  # an official document in Chinese, whatever the UI language
            content = lifecycle.document_for_period(period)
    except InputError as error:  # no outline yet
        flash(error.message, "warning")
        return redirect(url_for(".summary", start=period.start.isoformat(), end=period.end.isoformat()))
    return send_file(
        io.BytesIO(content),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=_("双创工作落实情况_%(start)s_%(end)s.docx", start=period.start, end=period.end),
    )


@bp.route("/charts.json")
def charts():
    return jsonify(service.chart_data(_period()))


def _indicator(code: str) -> ind.Indicator:
    indicator = ind.get(code)
    if indicator is None:
        abort(404)
    return indicator


def _url(page) -> str | None:
    return url_for(page[0], **page[1]) if page else None


@bp.route("/drill/<code>")
def drill(code: str):
    indicator = _indicator(code)
    period = _period()
    try:  # a position that is no id of the database's range starts at the first page
        after = parse_query_int(request.args.get("after") or 0, low=0)
    except InputError:
        after = 0
    rows, next_after, count = service.drill_page(indicator, period, after)
    return render_template(
        "reports/drill.html",
        indicator=indicator,
        period=period,
        rows=rows,
        next_after=next_after,
        count=count,
        label=lambda r: service.label(indicator, r),
        link=lambda r: _url(service.link(indicator, r)),
        via_line=lambda r: service.via_line(indicator, r),
        via_link=lambda r: _url(service.via_link(indicator, r)),
        period_args=_period_args(period),
    )


@bp.route("/drill/<code>.<any(csv, xlsx):fmt>")
def drill_export(code: str, fmt: str):
    indicator = _indicator(code)
    period = _period()
    columns = [
        (_l("记录类型"), lambda row: indicator.record_type),
        (_l("编号"), lambda row: row.record.id),
        (_l("记录"), lambda row: service.label(indicator, row.record)),
    ]
    if indicator.via:
        columns.append(
            (_l("依据记录"), lambda row: "；".join(service.via_line(indicator, r) for r in row.via))
        )
    rows = service.all_rows(indicator, period)
    name = f"{indicator.code}_{period.start}_{period.end}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", columns, rows)
    return xlsx_response(f"{name}.xlsx", columns, rows, sheet=indicator.code[:31])


@bp.route("/snapshots", methods=["POST"])
def freeze():
    if not current_user.has_role(*service.SNAPSHOT_ROLES):
        abort(403)
    form = FreezeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        period = resolve({"preset": "custom", "start": form.start.data, "end": form.end.data})
        snapshot = service.freeze(current_user, period, form.title.data)
    except InputError as error:
        flash(error.message, "danger")
        return redirect(url_for(".summary"))
    except PermissionDenied:
        abort(403)
    flash(_("已冻结快照“%(title)s”。", title=snapshot.title), "success")
    return redirect(url_for(".snapshot", snapshot_id=snapshot.id))


@bp.route("/snapshots/<int:snapshot_id>")
def snapshot(snapshot_id: int):
    try:
        record = service.get_snapshot(snapshot_id)
    except NotFound:
        abort(404)
    comparison = service.compare(record)
    sections = {}
    for row in comparison["rows"]:
        sections.setdefault(row["section"], []).append(row)
    return render_template(
        "reports/snapshot.html",
        snapshot=record,
        sections=sections,
        section_titles=SECTIONS,
        changes=comparison["changes"],
        differing=sum(1 for r in comparison["rows"] if r["differs"]),
    )
