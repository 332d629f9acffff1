"""The report document (DOCX) as a job: rendered by a worker and kept for download."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...jobs.kinds import register
from ...jobs.runner import JobFailed
from ...models import Report, User


@register("report_docx")
def run_document(job, progress) -> None:
    from .output import document_bytes
    from .services import REPORT

    user = db.session.get(User, job.user_id) if job.user_id is not None else None
    report = None
    if user is not None and user.active:
        query = select(Report).where(Report.id == job.params.get("report_id"), Report.archived_at.is_(None))
        report = db.session.scalar(REPORT.visible(user, query))
    if report is None:
        raise JobFailed(_("报告不存在或无权查看"))
    progress.set("rendering", total=1)
    data = document_bytes(report)
    progress.set("saving", done=1)
    progress.keep(data, ".docx", name=f"{report.title}.docx")
