"""The import's long passes as jobs: the preview and the commit of a kept upload run in a worker, one import
at a time; their results (the counts, matches and rows in error) are kept with the job and shown on its
page. The commit stays one transaction: cancelled, or its worker killed, it writes nothing."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from flask import render_template
from flask_babel import gettext as _

from ..extensions import db
from ..jobs import kinds
from ..jobs.runner import JobFailed, load_result
from ..models import User
from . import store
from .run import Decisions, ImportRun
from .spec import BY_NAME, ID_COLUMN

_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def estimate_rows(content: bytes, filename: str) -> int | None:
    """About how many rows the file has below its headers (for the progress bar): a CSV's lines, a
    workbook's largest sheet dimension; None when it can't tell."""
    if filename.lower().endswith((".csv", ".txt", ".tsv")):
        lines = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
        return max(0, lines - 1)
    try:
        with zipfile.ZipFile(BytesIO(content)) as package:
            heights = []
            for name in package.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with package.open(name) as part:
                        found = _DIMENSION.search(part.read(4096))
                    if found and found.group(1):
                        heights.append(int(found.group(1)))
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return max(heights) - 1 if heights else None


def _opened(job, decisions: Decisions | None = None):
    """The job's kept upload as a run, for its owner; JobFailed with the reason when it can't be."""
    token = job.params.get("token", "")
    found = store.load(token, job.user_id)
    if found is None:
        raise JobFailed(_("上传的文件已不存在（已过期或已被删除），没有写入任何数据，请重新上传"))
    content, facts = found
    user = db.session.get(User, job.user_id) if job.user_id is not None else None
    spec = BY_NAME.get(facts.get("kind", ""))
    if spec is None or user is None or not user.active or not spec.record_type.allowed(user, "create"):
        raise JobFailed(_("没有权限导入此类记录"))
    run = ImportRun.open(
        spec, user, content, facts["filename"], mapping=store.mapping(facts), decisions=decisions
    )
    return token, run


def _progress_of(progress):
    """The import's row callback (a row number) as rows done."""
    return lambda number: progress(max(0, number - 1))


@kinds.register("import_preview", exclusive=True)
def run_preview(job, progress) -> None:
    token, run = _opened(job)
    progress.set("checking", total=estimate_rows(run.content, run.filename))
    result = run.preview(_progress_of(progress))
    progress.set("saving")
    store.save_errors(token, result.errors)
    if result.errors:  # the error workbook reads the file again: done here, not in a request
        store.save_error_report(token, run.error_report(result.errors))
    progress.keep_object(
        {"result": result, "token": token, "headers": run.headers, "columns": run.mapping.columns}
    )


@kinds.register("import_commit", exclusive=True)
def run_commit(job, progress) -> None:
    params = job.params
    matches = {int(row): value for row, value in (params.get("matches") or {}).items()}
    token, run = _opened(job, Decisions(matches, valid_only=bool(params.get("valid_only"))))
    progress.set("writing", total=estimate_rows(run.content, run.filename))
    result = run.commit(_progress_of(progress))
    progress.set("saving")
    if result.written:
        store.discard(token)
    else:
        store.save_errors(token, result.errors)
    progress.keep_object({"result": result, "token": token, "headers": run.headers})


@kinds.page("import_preview")
def preview_page(job):
    from .routes import ConfirmForm

    kept = load_result(job)
    found = store.load(kept["token"], job.user_id)
    spec = BY_NAME[job.params["kind"]]
    mapped = None
    if job.params.get("mapped"):
        labels = {fld.name: str(fld.label) for fld in spec.fields} | {ID_COLUMN: _("编号")}
        mapped = [
            (header, labels.get(name)) for header, name in zip(kept["headers"], kept["columns"], strict=True)
        ]
    return render_template(
        "imports/preview.html",
        spec=spec,
        result=kept["result"],
        token=kept["token"],
        filename=job.params.get("filename", ""),
        confirm=ConfirmForm(token=kept["token"]),
        mapped=mapped,
        job=job,
        upload_gone=found is None,
    )


@kinds.page("import_commit")
def done_page(job):
    from .routes import ConfirmForm

    kept = load_result(job)
    return render_template(
        "imports/done.html",
        spec=BY_NAME[job.params["kind"]],
        result=kept["result"],
        filename=job.params.get("filename", ""),
        token=kept["token"],
        confirm=ConfirmForm(token=kept["token"]),
        job=job,
    )
