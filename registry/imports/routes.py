"""Import pages: templates, upload → (column mapping) → preview → confirm, the error report and what an
import changed. A file whose headers are not all the template's goes through the mapping step: each
column beside the field it fills, guessed (guess.py) and confirmed by the user."""

from __future__ import annotations

import io
from collections import Counter

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
from ..jobs import service as jobs
from ..models import ChangeLog
from ..web.forms import options
from . import guess, store
from .package import column_letters
from .run import Columns, Decisions, ImportRun, Mapping, UnknownHeader
from .service import FileError
from .spec import BY_NAME, ID_COLUMN, SPECS
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
                return _first_page(spec, upload.read(), upload.filename)
            except (FileError, InputError) as error:
                form.file.errors = [error.message]
    return render_template("imports/upload.html", form=form, specs=_allowed_specs())


def _first_page(spec, content: bytes, filename: str):
    """The preview of an upload (a job: its page follows it), or the mapping step when its headers are
    not all the template's."""
    try:
        run = ImportRun.open(spec, current_user, content, filename)
    except UnknownHeader:
        columns = Columns.read(spec, content, filename)
        found = guess.for_file(spec, columns)  # refuses a file of which no column is recognised
        token = store.save_upload(spec.name, current_user, content, filename, None)
        return _mapping_page(token, spec, filename, columns, found)
    token = store.save_upload(spec.name, current_user, content, filename, run.mapping)
    return _submit("import_preview", token, spec, filename)


def _submit(kind: str, token: str, spec, filename: str, **params):
    """Run the preview or the commit of a kept upload as a job, and show the job's page."""
    title = (_("导入预览：%(name)s") if kind == "import_preview" else _("导入：%(name)s")) % {
        "name": filename
    }
    job = jobs.submit(
        kind,
        current_user,
        {"token": token, "kind": spec.name, "filename": filename, **params},
        title=f"{spec.title} · {title}",
    )
    return redirect(url_for("jobs.page", job_id=job.id))


def _mapping_page(token: str, spec, filename: str, columns: Columns, found, error: str | None = None):
    """The mapping step: each column of the file (header, first values) with a choice of field."""
    choices = [(guess.IGNORE, _("忽略此列")), (ID_COLUMN, _("编号（更新已有记录时填写）"))] + [
        (fld.name, _("%(label)s（必填）", label=fld.label) if fld.required else str(fld.label))
        for fld in spec.fields
    ]
    used = Counter(name for name in found.mapping.columns if name is not None)
    rows = [
        {
            "index": index,
            "clash": used[found.mapping.columns[index]] > 1,  # one of two columns for one field
            "letter": column_letters(index + 1),
            "header": header,
            "samples": columns.samples(index),
            "chosen": found.mapping.columns[index] or guess.IGNORE,
            "source": guess.SOURCES.get(found.sources[index]) if found.sources[index] else None,
        }
        for index, header in enumerate(columns.headers)
    ]
    return render_template(
        "imports/mapping.html",
        spec=spec,
        token=token,
        filename=filename,
        sheet=columns.sheet,
        rows=rows,
        choices=choices,
        required=[str(fld.label) for fld in spec.fields if fld.required],
        remembered=found.remembered,
        error=error,
        form=FlaskForm(),
    )


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


@bp.route("/<token>/mapping", methods=["GET", "POST"])
def mapping(token: str):
    """The mapping step of a kept upload: shown (GET: as last chosen, or guessed), or confirmed (POST):
    a mapping the check refuses is shown again with the reason, and nothing is kept; a confirmed one is
    remembered for the next file with the same headers, and the upload is previewed through it."""
    content, facts = _stored(token)
    spec = _spec(facts["kind"])
    try:
        columns = Columns.read(spec, content, facts["filename"])
    except InputError as error:
        return _refused(error.message)
    if request.method == "GET":
        kept = store.mapping(facts)
        found = _as_chosen(spec, columns, kept)
        return _mapping_page(token, spec, facts["filename"], columns, found)
    if not FlaskForm().validate_on_submit():
        abort(400)
    chosen = Mapping(tuple(_chosen(request.form.get(f"column_{i}")) for i in range(len(columns.headers))))
    try:
        ImportRun.open(spec, current_user, content, facts["filename"], mapping=chosen)  # the check
    except FileError as error:
        found = _as_chosen(spec, columns, chosen)
        return _mapping_page(token, spec, facts["filename"], columns, found, error=error.message)
    except InputError as error:
        return _refused(error.message)
    guess.remember(spec, columns.headers, chosen, current_user)
    store.save_mapping(token, facts, chosen)
    return _submit("import_preview", token, spec, facts["filename"], mapped=True)


def _as_chosen(spec, columns: Columns, chosen: Mapping | None) -> guess.Guess:
    """The guess for the upload's columns; with ``chosen`` (the user's choices), those choices, each
    shown as the guess's where it is the guess's and as the user's own where it is not."""
    found = guess.guess(spec, columns, remembered=guess.recall(spec, columns.headers))
    if chosen is None or len(chosen.columns) != len(found.sources):
        return found
    sources = tuple(
        source if guessed == mine else guess.GIVEN
        for guessed, mine, source in zip(found.mapping.columns, chosen.columns, found.sources, strict=True)
    )
    return guess.Guess(chosen, sources)


def _chosen(value: str | None) -> str | None:
    """A column's choice on the mapping page: a field's name, the id, or None (left out)."""
    value = (value or "").strip()
    return None if value in ("", guess.IGNORE) else value[:60]


@bp.route("/<token>/confirm", methods=["POST"])
def confirm(token: str):
    """Write the kept upload (a job: its page follows it, and shows what was written)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        run = _kept_run(token)  # reads the headers only: is the upload still there, and mapped
    except UnknownHeader:  # an upload whose columns are not mapped yet
        return redirect(url_for(".mapping", token=token))
    except (FileError, InputError) as error:
        return _refused(error.message)
    return _submit(
        "import_commit",
        token,
        run.spec,
        run.filename,
        matches={str(row): value for row, value in _decisions().items()},
        valid_only=bool(form.valid_only.data),
    )


@bp.route("/<token>/errors.xlsx")
def errors(token: str):
    """The rows in error as uploaded, with their reasons: the reasons are those the last validation of the
    upload kept (a file of 200,000 rows takes most of a minute to validate again)."""
    kept = store.load_error_report(token)  # made by the preview's job
    if kept is not None:
        _content, facts = _stored(token)
        return _error_workbook(kept, facts["filename"])
    try:
        run = _kept_run(token)
        found = store.load_errors(token)
        if found is None:  # kept before the reasons were: validate once, and keep them
            found = run.preview().errors
            store.save_errors(token, found)
        report = run.error_report(found)
    except (FileError, InputError) as error:
        return _refused(error.message)
    return _error_workbook(report, run.filename)


def _error_workbook(report: bytes, filename: str):
    return send_file(
        io.BytesIO(report),
        as_attachment=True,
        download_name=_("导入错误_%(name)s.xlsx", name=filename.rsplit(".", 1)[0]),
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
