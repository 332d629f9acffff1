"""Running one job in a worker: claim it, keep its heartbeat and progress, stop when asked, keep the result.

The work runs in the worker's own app context and sessions; the job's row is written beside it in short
transactions of its own (db.py), by a heartbeat thread about once a second, so progress costs the work
nothing and a cancel request is seen within a second or so (at the work's next progress call).
"""

from __future__ import annotations

import logging
import os
import pickle
import secrets
import socket
import threading
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, select, update

from ..domain import InputError
from ..i18n import DEFAULT
from ..models import Job
from ..models.base import utcnow
from . import db
from .kinds import KINDS, load
from .queue import queue
from .service import blocking, folder, setting

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """The job's owner cancelled it: the work unwinds (an import's transaction rolls back)."""


class JobFailed(Exception):
    """The work cannot be done, for the reason given (shown on the job's page)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Progress:
    """How far a running job got. The work sets the phase and totals and calls it with rows done; the
    heartbeat thread writes them to the job's row and brings back a cancel request."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.id
        self.phase, self.done, self.total = job.phase, job.done, job.total
        self.result_path: str | None = None
        self.result_name: str | None = None
        self.cancelled = False
        self._app = current_app._get_current_object()
        self._interval = setting("JOBS_HEARTBEAT_SECONDS", 1.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job.id}-heartbeat", daemon=True)

    def __call__(self, done: int) -> None:
        self.done = done
        self.check()

    def set(self, phase: str | None = None, *, done: int | None = None, total: int | None = None) -> None:
        if phase is not None:
            self.phase = phase
        if done is not None:
            self.done = done
        if total is not None:
            self.total = total
        self.check()

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled()

    def keep(self, data: bytes, suffix: str, name: str | None = None) -> None:
        """Keep ``data`` as the job's result (a download named ``name``, or what its page shows)."""
        path = f"{self.job_id}-{secrets.token_urlsafe(9)}{suffix}"
        with open(folder() / path, "xb") as out:
            out.write(data)
        self.result_path, self.result_name = path, name

    def keep_object(self, value) -> None:
        """Keep a Python value as the result (read back by ``load_result``): a file this app wrote itself."""
        self.keep(pickle.dumps(value), ".pickle")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                with db.session(self._app) as jobs:
                    jobs.execute(
                        update(Job)
                        .where(Job.id == self.job_id)
                        .values(heartbeat_at=utcnow(), phase=self.phase, done=self.done, total=self.total)
                    )
                    if jobs.scalar(select(Job.cancel_requested).where(Job.id == self.job_id)):
                        self.cancelled = True
            except Exception:  # a busy database: the next beat tries again
                log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)


def load_result(job: Job):
    """The value a job kept with ``Progress.keep_object`` (None once it expired)."""
    from .service import result_file

    path = result_file(job)
    if path is None or path.suffix != ".pickle":
        return None
    return pickle.loads(path.read_bytes())


def run(job_id: int) -> None:
    """Run job ``job_id`` if it is still queued: in turn, if its kind is one at a time."""
    load()
    job = _claim(job_id)
    if job is None:
        return
    kind = KINDS[job.kind]
    progress = Progress(job)
    progress.start()
    outcome: dict = {"state": "done", "error": None}
    try:
        with force_locale(job.params.get("locale") or DEFAULT):  # messages in the owner's language
            kind.run(job, progress)
    except Cancelled:
        outcome = {"state": "cancelled", "error": None}
    except JobFailed as error:
        outcome = {"state": "failed", "error": error.message}
    except InputError as error:
        outcome = {"state": "failed", "error": error.message}
    except Exception as error:
        log.exception("job %s (%s) failed", job_id, job.kind)
        outcome = {
            "state": "failed",
            "error": _("内部错误（%(name)s），请联系管理员", name=type(error).__name__),
        }
    finally:
        progress.stop()
    now = utcnow()
    keep = kind.keep_seconds or setting("JOBS_KEEP_SECONDS", 24 * 3600)
    values = dict(
        outcome, finished_at=now, heartbeat_at=now, phase=None, done=progress.done, total=progress.total
    )
    if outcome["state"] == "done":
        values |= {
            "result_path": progress.result_path,
            "result_name": progress.result_name,
            "expires_at": now + timedelta(seconds=keep),
        }
        if progress.total is not None:
            values["done"] = progress.total
    elif progress.result_path:
        (folder() / progress.result_path).unlink(missing_ok=True)
    with db.session() as jobs:
        jobs.execute(update(Job).where(Job.id == job_id).values(**values))


def _claim(job_id: int) -> Job | None:
    """Mark the job running, if it is still queued and (one at a time) no earlier such job is in the way;
    one that must wait is queued again for a second later."""
    with db.session() as jobs:
        job = jobs.get(Job, job_id)
        if job is None or job.state != "queued" or job.kind not in KINDS:
            if job is not None and job.state == "queued":
                job.state, job.error = "failed", _("未知的任务类型")
            return None
        if KINDS[job.kind].exclusive and jobs.scalar(select(exists().where(*blocking(job_id)))):
            job.phase = "waiting"
            waiting = True
        else:
            now = utcnow()
            claimed = jobs.execute(
                update(Job)
                .where(Job.id == job_id, Job.state == "queued")
                .values(
                    state="running",
                    started_at=now,
                    heartbeat_at=now,
                    phase="reading",
                    worker=f"{socket.gethostname()}:{os.getpid()}"[:80],
                )
            )
            if claimed.rowcount != 1:
                return None
            jobs.refresh(job)
            waiting = False
    if waiting:
        queue().enqueue(job_id, delay=1)
        return None
    return job
