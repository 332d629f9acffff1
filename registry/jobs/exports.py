"""A list's XLSX export as a job, when the list is long (JOBS_EXPORT_ROWS rows, default 5,000): the
workbook is written by a worker and kept for download; a short list is still sent at once.

What a job exports is named by a source: ``pages:<blueprint>`` for a record type's list (RecordPages), or a
name another list registered with :func:`export_source` (the change log's is ``audit``)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ExportSource:
    """A list a job can export: its definition, its workbook columns, its title and a step that turns the
    list's rows into what the columns read (identity by default)."""

    spec: object  # list_engine.ListSpec
    columns: list
    title: object
    describe: Callable[[Iterable], Iterable] = lambda rows: rows


SOURCES: dict[str, ExportSource] = {}


def export_source(name: str, spec, columns: list, title, describe=None) -> None:
    """Register a list other than a record type's pages (at import time of its module)."""
    SOURCES[name] = ExportSource(spec, columns, title, describe or (lambda rows: rows))


def _source(name: str) -> ExportSource | None:
    if name.startswith("pages:"):
        pages = _pages(name.removeprefix("pages:"))
        if pages is None:
            return None
        columns = pages.export_columns or [(c.label, c.value) for c in pages.columns]
        return ExportSource(pages.spec, columns, pages.title)
    return SOURCES.get(name)


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
    """The job page of a record type's XLSX export, queued when the list is long; None to export at once."""
    return queue_export(f"pages:{pages.bp.name}", pages.spec, pages.title, list_args, query)


def queue_export(source: str, spec, title, list_args, query: MultiDict):
    """The job page of the XLSX export of ``source`` (filtered by ``list_args``, as the user may see it),
    queued when it has JOBS_EXPORT_ROWS rows or more; None when it is short enough to send at once."""
    from .. import list_engine

    threshold = int(service.setting("JOBS_EXPORT_ROWS", 5000))
    filtered = list_engine.filtered(spec, current_user, list_args)
    total = db.session.scalar(select(func.count()).select_from(filtered.order_by(None).subquery()))
    if total < threshold:
        return None
    job = service.submit(
        "export",
        current_user,
        {"source": source, "args": query.to_dict(flat=False)},
        title=_("导出：%(title)s（%(n)s行）", title=title, n=f"{total:,}"),
        total=total,
    )
    return redirect(url_for("jobs.page", job_id=job.id))


@register("export")
def run_export(job, progress) -> None:
    from .. import list_engine

    source = _source(job.params.get("source") or f"pages:{job.params.get('pages', '')}")
    user = db.session.get(User, job.user_id) if job.user_id is not None else None
    if source is None or user is None or not user.active:
        raise JobFailed(_("无法导出：列表或用户已不存在"))
    args = list_engine.parse_args(source.spec, MultiDict(job.params.get("args") or {}))
    progress.set("exporting")

    def counted(rows):
        for done, row in enumerate(rows, start=1):
            if done % EXPORT_BATCH == 0:
                progress(done)
            yield row

    rows = source.describe(counted(list_engine.all_rows(source.spec, user, args)))
    with tempfile.TemporaryFile(dir=current_app.instance_path) as out:
        write_xlsx(out, source.columns, rows, sheet=str(source.title))
        progress.set("saving")
        out.seek(0)
        progress.keep(out.read(), ".xlsx", name=f"{source.title}.xlsx")
