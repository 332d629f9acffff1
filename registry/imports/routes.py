"""Import pages: templates, upload → preview → confirm, the error report and what an import changed."""

from __future__ import annotations

import io

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, SelectField

from ..domain import InputError
from ..extensions import db
from ..models import ChangeLog
from ..web.forms import options
from . import store
from .run import Decisions, ImportRun
from .service import FileError
from .spec import BY_NAME, SPECS
from .workbook import template

bp = Blueprint("imports", __name__, url_prefix="/imports")


class UploadForm(FlaskForm):
    kind = SelectField(_l("导入内容"), choices=[], validate_choice=False)
    file = FileField(_l("文件（.xlsx 或 .csv）"))


class ConfirmForm(FlaskForm):
    token = HiddenField()
    valid_only = BooleanField(_l("只导入无误的行（有错误的行跳过）"))


def _allowed_specs():
    return [s for s in SPECS if s.record_type.allowed(current_user, "create")]


def _spec(name: str):
    spec = BY_NAME.get(name)
    if spec is None or spec not in _allowed_specs():
        abort(404 if spec is None else 403)
    return spec


@bp.before_request
@login_required
def _writers_only():
    if not _allowed_specs():
        abort(403)


@bp.route("/", methods=["GET", "POST"])
def upload():
    form = UploadForm()
    form.kind.choices = options((s.name, s.title) for s in _allowed_specs())
    if form.validate_on_submit():
        spec = _spec(form.kind.data)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.file.errors = [_("请选择要导入的文件")]
        else:
            try:
                run = ImportRun.open(spec, current_user, upload.read(), upload.filename)
                run.preview()
            except (FileError, InputError) as error:
                form.file.errors = [error.message]
            else:
                token = store.save(run)
                return render_template(
                    "imports/preview.html",
                    spec=spec,
                    result=run.result,
                    token=token,
                    filename=run.filename,
                    confirm=ConfirmForm(token=token),
                )
    return render_template("imports/upload.html", form=form, specs=_allowed_specs())


@bp.route("/templates/<name>.xlsx")
def download_template(name: str):
    spec = _spec(name)
    return send_file(
        io.BytesIO(template(spec)),
        as_attachment=True,
        download_name=_("%(title)s导入模板.xlsx", title=spec.title),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _stored(token: str):
    found = store.load(token, current_user.id)
    if found is None:
        abort(404)
    return found


def _kept_run(token: str, decisions: Decisions | None = None) -> ImportRun:
    """The kept run of ``token`` (only the uploader's), its file read again; InputError if it can't be."""
    content, facts = _stored(token)
    spec = _spec(facts["kind"])
    return ImportRun.open(
        spec, current_user, content, facts["filename"], mapping=store.mapping(facts), decisions=decisions
    )


def _decisions() -> dict[int, str]:
    decisions = {}
    for key, value in request.form.items():
        if key.startswith("match_") and key[6:].isdigit() and value in ("update", "reject"):
            decisions[int(key[6:])] = value
    return decisions


def _refused(message: str):
    """The upload page with the reason a kept file can no longer be read (it was read at the preview)."""
    form = UploadForm()
    form.kind.choices = options((s.name, s.title) for s in _allowed_specs())
    form.file.errors = [message]
    return render_template("imports/upload.html", form=form, specs=_allowed_specs())


@bp.route("/<token>/confirm", methods=["POST"])
def confirm(token: str):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        run = _kept_run(token, Decisions(_decisions(), valid_only=form.valid_only.data))
        result = run.commit()
    except (FileError, InputError) as error:
        return _refused(error.message)
    if result.written:
        store.discard(token)
    else:
        store.save_errors(token, result.errors)
    return render_template(
        "imports/done.html",
        spec=run.spec,
        result=result,
        filename=run.filename,
        token=token,
        confirm=ConfirmForm(token=token),
    )


@bp.route("/<token>/errors.xlsx")
def errors(token: str):
    """The rows in error as uploaded, with their reasons: the reasons are those the last validation of the
    upload kept (a file of 200,000 rows takes most of a minute to validate again)."""
    try:
        run = _kept_run(token)
        found = store.load_errors(token)
        if found is None:  # kept before the reasons were: validate once, and keep them
            found = run.preview().errors
            store.save_errors(token, found)
        report = run.error_report(found)
    except (FileError, InputError) as error:
        return _refused(error.message)
    return send_file(
        io.BytesIO(report),
        as_attachment=True,
        download_name=_("导入错误_%(name)s.xlsx", name=run.filename.rsplit(".", 1)[0]),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/changes/<request_id>")
def changes(request_id: str):
    """Everything one import (one request) changed."""
    if not request_id.isalnum():
        abort(404)
    entries = db.session.scalars(
        select(ChangeLog).where(ChangeLog.request_id == request_id[:36]).order_by(ChangeLog.id).limit(2000)
    ).all()
    if not entries:
        abort(404)
    if entries[0].user_id != current_user.id and "admin" not in current_user.roles:
        abort(403)
    return render_template("imports/changes.html", entries=entries, request_id=request_id)


@bp.route("/<token>/cancel", methods=["POST"])
def cancel(token: str):
    if not FlaskForm().validate_on_submit():
        abort(400)
    _stored(token)
    store.discard(token)
    return redirect(url_for(".upload"))
