"""Change-log browsing for admins: filters by user, object, action, date and request id; diffs; export."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import list_engine
from ..auth.audit import ACCOUNT_EVENTS
from ..exports import csv_response, xlsx_response
from ..extensions import db
from ..jobs.exports import export_source, queue_export
from ..list_engine import Filter, ListSpec, Sort, date_filter
from ..models import ChangeLog, User
from .display import ACTION_LABELS, OBJECT_LABELS, change_rows, describe

bp = Blueprint("audit", __name__, url_prefix="/audit")

TITLE = _l("变更日志")
EVENT_LABELS = ACTION_LABELS | ACCOUNT_EVENTS | {"import": _l("批量导入")}


def _start(day):
    return datetime.combine(day, time.min) - timedelta(hours=8)  # stored in UTC; the county is UTC+8


def _request_id(text: str) -> str:
    if not (text.isalnum() and len(text) <= 36):
        raise ValueError(text)
    return text


def _users():
    return [
        (str(u.id), f"{u.display_name}（{u.username}）")
        for u in db.session.scalars(select(User).order_by(User.username))
    ]


SPEC = ListSpec(
    model=ChangeLog,
    base=lambda user: select(ChangeLog),
    search=lambda q, text: q.where(ChangeLog.label.contains(text, autoescape=True)),
    filters=[
        Filter("user", _l("操作人"), lambda q, v: q.where(ChangeLog.user_id == v), int, _users),
        Filter(
            "object_type",
            _l("对象"),
            lambda q, v: q.where(ChangeLog.object_type == v),
            str,
            lambda: [(k, str(v)) for k, v in OBJECT_LABELS.items()] + [("import", str(_l("导入")))],
        ),
        Filter(
            "action",
            _l("操作"),
            lambda q, v: q.where(ChangeLog.action == v),
            str,
            lambda: [(k, str(v)) for k, v in EVENT_LABELS.items()],
        ),
        date_filter("from", _l("起始日期"), lambda q, v: q.where(ChangeLog.at >= _start(v))),
        date_filter("to", _l("截止日期"), lambda q, v: q.where(ChangeLog.at < _start(v + timedelta(days=1)))),
        Filter(
            "request_id",
            _l("请求编号"),
            lambda q, v: q.where(ChangeLog.request_id == v),
            lambda text: (
                text if text.isalnum() and len(text) <= 36 else (_ for _ in ()).throw(ValueError(text))
            ),
        ),
        Filter("enterprise", _l("企业编号"), lambda q, v: q.where(ChangeLog.enterprise_id == v), int),
    ],
    sorts=[Sort("at", _l("时间"), ChangeLog.at, value_type="datetime")],
    default_sort="-id",
)


@bp.before_request
@login_required
def _admins_only():
    if "admin" not in current_user.roles:
        abort(403)


@bp.route("/")
def index():
    args = list_engine.parse_args(SPEC, request.args)
    page = list_engine.run(SPEC, current_user, args, with_facets=False)
    return render_template("audit/index.html", page=page, spec=SPEC, events=EVENT_LABELS)


COLUMNS = [
    (_l("编号"), lambda e: e.id),
    (_l("时间(UTC)"), lambda e: e.at),
    (_l("操作人"), lambda e: e.user_name),
    (_l("请求编号"), lambda e: e.request_id),
    (_l("操作"), lambda e: str(EVENT_LABELS.get(e.action, e.action))),
    (_l("对象"), lambda e: str(OBJECT_LABELS.get(e.object_type, e.object_type))),
    (_l("对象编号"), lambda e: e.object_id),
    (_l("说明"), lambda e: e.label),
    (_l("企业编号"), lambda e: e.enterprise_id),
    (
        _l("变更内容"),
        lambda e: "；".join(f"{label}：{before} → {after}" for label, before, after in change_rows(e)),
    ),
]


export_source("audit", SPEC, COLUMNS, TITLE, describe)


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    args = list_engine.parse_args(SPEC, request.args)
    if fmt == "xlsx":  # a long log's workbook is written by a worker (a CSV streams as it is written)
        job_page = queue_export("audit", SPEC, TITLE, args, request.args)
        if job_page is not None:
            return job_page
    rows = describe(list_engine.all_rows(SPEC, current_user, args))
    if fmt == "csv":
        return csv_response("变更日志.csv", COLUMNS, rows)
    return xlsx_response("变更日志.xlsx", COLUMNS, rows, sheet="变更日志")


@bp.route("/<int:entry_id>")
def entry(entry_id: int):
    return render_template("audit/entry.html", entry=db.get_or_404(ChangeLog, entry_id), events=EVENT_LABELS)
