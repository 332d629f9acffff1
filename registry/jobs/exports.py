"""A list's XLSX export as a job, when the list is long (JOBS_EXPORT_ROWS rows, default 5,000): the
workbook is written by a worker and kept for download; a short list is still sent at once."""

from __future__ import annotations

import tempfile

from flask import current_app, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from ..exports import write_xlsx
from ..extensions import db
from ..models import User
from . import service
from .kinds import register
from .runner import JobFailed

EXPORT_BATCH = 500


def _pages(name: str):
    """The record pages (web/record_pages.RecordPages) of blueprint ``name``."""
    from importlib import import_module

    from ..records.catalog import AREAS
    from ..web.record_pages import RecordPages

    for area in AREAS:
        for value in vars(import_module(f"registry.{area}.routes")).values():
            if isinstance(value, RecordPages) and value.bp.name == name:
                return value
    return None


def export_as_job(pages, list_args, query: MultiDict):
    """The job page of this list's XLSX export, queued when the list is long; None to export at once."""
    from .. import list_engine

    threshold = int(service.setting("JOBS_EXPORT_ROWS", 5000))
    filtered = list_engine.filtered(pages.spec, current_user, list_args)
    total = db.session.scalar(select(func.count()).select_from(filtered.order_by(None).subquery()))
    if total < threshold:
        return None
    job = service.submit(
        "export",
        current_user,
        {"pages": pages.bp.name, "args": query.to_dict(flat=False)},
        title=_("导出：%(title)s（%(n)s行）", title=pages.title, n=f"{total:,}"),
        total=total,
    )
    return redirect(url_for("jobs.page", job_id=job.id))


@register("export")
def run_export(job, progress) -> None:
    from .. import list_engine

    pages = _pages(job.params.get("pages", ""))
    user = db.session.get(User, job.user_id) if job.user_id is not None else None
    if pages is None or user is None or not user.active:
        raise JobFailed(_("无法导出：列表或用户已不存在"))
    args = list_engine.parse_args(pages.spec, MultiDict(job.params.get("args") or {}))
    progress.set("exporting")

    def counted(rows):
        for done, row in enumerate(rows, start=1):
            if done % EXPORT_BATCH == 0:
                progress(done)
            yield row

    columns = pages.export_columns or [(c.label, c.value) for c in pages.columns]
    with tempfile.TemporaryFile(dir=current_app.instance_path) as out:
        write_xlsx(
            out, columns, counted(list_engine.all_rows(pages.spec, user, args)), sheet=str(pages.title)
        )
        progress.set("saving")
        out.seek(0)
        progress.keep(out.read(), ".xlsx", name=f"{pages.title}.xlsx")
