"""Jobs as their owners see them: queue one, read how far it got, cancel it, fetch what it left.

A job's row is the truth every worker and browser reads. A job that says it is running but whose heartbeat
stopped (its worker was killed) is failed here, when anyone reads it; a finished job's result is removed
once it expires.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import current_app, has_request_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from ..models import Job
from ..models.base import utcnow
from . import db
from .kinds import KINDS, load
from .queue import queue

ACTIVE = ("queued", "running")
PHASES = {
    "queued": _l("排队等待"),
    "waiting": _l("等待前一个导入完成"),
    "reading": _l("读取文件"),
    "checking": _l("逐行检查"),
    "writing": _l("逐行检查并写入"),
    "saving": _l("保存结果"),
    "exporting": _l("导出"),
    "rendering": _l("生成文档"),
}
STATE_LABELS = {
    "queued": _l("排队中"),
    "running": _l("进行中"),
    "done": _l("已完成"),
    "failed": _l("失败"),
    "cancelled": _l("已取消"),
}


def setting(name: str, default: float) -> float:
    value = current_app.config.get(name)
    if value is None:
        value = os.environ.get("REGISTRY_" + name, default)
    return float(value)


def stale_after() -> timedelta:
    """A running job whose heartbeat is older than this has lost its worker."""
    return timedelta(seconds=setting("JOBS_STALE_SECONDS", 30))


def folder() -> Path:
    """The results' folder (owner-only), in the instance folder unless JOBS_FOLDER says otherwise."""
    path = Path(current_app.config.get("JOBS_FOLDER") or Path(current_app.instance_path) / "jobs")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def submit(kind: str, user, params: dict, title: str, total: int | None = None) -> Job:
    """Queue a job of ``kind`` for ``user``; returns it (still queued unless the queue runs it at once)."""
    load()
    if kind not in KINDS:
        raise KeyError(kind)
    sweep()
    if has_request_context():
        params = {**params, "locale": str(get_locale())}
    with db.session() as jobs:
        job = Job(
            kind=kind,
            user_id=getattr(user, "id", None),
            state="queued",
            phase="queued",
            done=0,
            total=total,
            title=title[:200],
            params=params,
            created_at=utcnow(),
            cancel_requested=False,
        )
        jobs.add(job)
        jobs.flush()
        job_id = job.id
    queue().enqueue(job_id)
    return get(job_id)


def get(job_id: int) -> Job | None:
    """The job as it stands now (a lost worker's job failed, an expired result removed)."""
    with db.session() as jobs:
        job = jobs.get(Job, job_id)
        if job is None:
            return None
        now = utcnow()
        if job.state == "running" and (job.heartbeat_at or job.started_at or now) < now - stale_after():
            job.state, job.finished_at = "failed", now
            job.error = _("工作进程中断（进程被终止或服务器重启），没有写入任何数据，请重新提交")
        if job.expires_at is not None and job.expires_at < now and job.result_path:
            remove_result(job)
        return job


def owned(job_id: int, user) -> Job | None:
    """The job, only for its owner."""
    job = get(job_id)
    if job is None or job.user_id != getattr(user, "id", None):
        return None
    return job


def cancel(job: Job) -> Job:
    """A queued job is cancelled at once; a running one is asked to stop (it stops at its next check and
    writes nothing). A finished one is left as it is."""
    with db.session() as jobs:
        jobs.execute(
            update(Job)
            .where(Job.id == job.id, Job.state == "queued")
            .values(state="cancelled", finished_at=utcnow(), phase=None)
        )
        jobs.execute(
            update(Job).where(Job.id == job.id, Job.state == "running").values(cancel_requested=True)
        )
    return get(job.id)


def ahead(job: Job) -> int:
    """How many one-at-a-time jobs (imports) must end before this one starts."""
    if job.state != "queued" or not KINDS.get(job.kind) or not KINDS[job.kind].exclusive:
        return 0
    with db.session() as jobs:
        return jobs.scalar(select(func.count()).select_from(Job).where(*blocking(job.id)))


def blocking(job_id: int) -> list:
    """The conditions of an earlier one-at-a-time job still in the way of job ``job_id``: running with a
    live heartbeat, or queued recently (a queued job whose message was lost blocks no one for long)."""
    now = utcnow()
    exclusive = [name for name, kind in KINDS.items() if kind.exclusive]
    queued_for = timedelta(seconds=setting("JOBS_QUEUED_SECONDS", 900))
    return [
        Job.id < job_id,
        Job.kind.in_(exclusive),
        or_(
            (Job.state == "running") & (Job.heartbeat_at >= now - stale_after()),
            (Job.state == "queued") & (Job.created_at >= now - queued_for),
        ),
    ]


def result_file(job: Job) -> Path | None:
    """The kept result's file, while it is kept."""
    if not job.result_path or job.state != "done":
        return None
    path = folder() / job.result_path
    return path if path.is_file() else None


def remove_result(job: Job) -> None:
    if job.result_path:
        (folder() / job.result_path).unlink(missing_ok=True)
    job.result_path = None


def sweep() -> None:
    """Remove the results that expired (run whenever a job is queued)."""
    with db.session() as jobs:
        for job in jobs.scalars(
            select(Job).where(Job.expires_at < utcnow(), Job.result_path.is_not(None)).limit(100)
        ):
            remove_result(job)


def status(job: Job) -> dict:
    """What the job page shows, as JSON (the page's script polls it)."""
    now = utcnow()
    elapsed = ((job.finished_at or now) - job.started_at).total_seconds() if job.started_at else 0.0
    left = None
    if job.state == "running" and job.total and job.done and elapsed > 0:
        left = max(0.0, elapsed / job.done * (job.total - job.done))
    percent = None
    if job.state == "done":
        percent = 100
    elif job.total:
        percent = min(100, int(100 * job.done / job.total))
    return {
        "id": job.id,
        "kind": job.kind,
        "title": job.title,
        "state": job.state,
        "state_label": str(STATE_LABELS.get(job.state, job.state)),
        "phase": job.phase,
        "phase_label": str(PHASES.get(job.phase or "", "")) if job.state in ACTIVE else "",
        "done": job.done,
        "total": job.total,
        "percent": percent,
        "elapsed_seconds": round(elapsed, 1),
        "left_seconds": round(left, 1) if left is not None else None,
        "ahead": ahead(job),
        "cancel_requested": job.cancel_requested,
        "error": job.error,
        "finished": job.state not in ACTIVE,
        "has_result": result_file(job) is not None,
        "expires_at": job.expires_at.isoformat() + "Z" if job.expires_at else None,
        "url": url_for("jobs.page", job_id=job.id),
    }
