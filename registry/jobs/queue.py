"""The queue: Huey, on a SQLite file (default) or Redis, and the consumers that run its tasks.

Only a job's id travels through the queue; what the job is, and everything it reports, is its row (db.py).
``REGISTRY_JOBS_URL``: ``sqlite:///path`` (default: ``jobs-queue.sqlite3`` in the instance folder),
``redis://host:port/db``, or ``immediate`` (the task runs inside the call that queues it: the tests).

With the SQLite queue, every web process runs a consumer thread of its own (started by the first job it
queues or shows), so ``make run`` needs nothing else, and under gunicorn any worker may take any job. With
Redis the consumer is a separate process: ``flask --app registry worker`` (``make worker``).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

KEY = "registry.jobs.queue"
log = logging.getLogger(__name__)


def queue_url(app: Flask) -> str:
    return (
        app.config.get("JOBS_URL")
        or os.environ.get("REGISTRY_JOBS_URL")
        or f"sqlite:///{Path(app.instance_path) / 'jobs-queue.sqlite3'}"
    )


def build(url: str) -> Huey:
    """The Huey of ``url`` (see the module's docstring)."""
    if url == "immediate":
        return MemoryHuey("registry", immediate=True, results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("registry", url=url, results=False)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("registry", filename=str(path), results=False, timeout=30)
    raise ValueError(f"REGISTRY_JOBS_URL: expected sqlite:///…, redis://… or immediate, not {url!r}")


class Queue:
    """One app's Huey, its one task (run a job by id) and, for an embedded queue, its consumer thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.url = queue_url(app)
        self.huey = build(self.url)
        embedded = app.config.get("JOBS_EMBEDDED_WORKER")
        if embedded is None:
            setting = os.environ.get("REGISTRY_JOBS_EMBEDDED", "").lower()
            embedded = setting in ("1", "true", "yes") or (not setting and self.url.startswith("sqlite:"))
        self.embedded = bool(embedded) and not self.huey.immediate
        self._consumer: threading.Thread | None = None
        self._consumer_pid = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()

        @self.huey.task(name="registry.run_job")
        def run_job(job_id: int) -> None:
            from .runner import run

            with app.app_context():
                run(job_id)

        self.task = run_job

    def enqueue(self, job_id: int, delay: float | None = None) -> None:
        """Queue the job (again, after ``delay`` seconds: a job waiting for its turn)."""
        if delay:
            if self.huey.immediate:
                return  # nothing would ever run it: the job stays queued, as its page shows
            self.task.schedule(args=(job_id,), delay=delay)
        else:
            self.ensure_consumer()
            self.task(job_id)

    def ensure_consumer(self) -> None:
        """Start this process's consumer thread (embedded queue only), once per process."""
        if not self.embedded:
            return
        with self._lock:
            alive = self._consumer is not None and self._consumer.is_alive()
            if alive and self._consumer_pid == os.getpid():
                return
            self._consumer = threading.Thread(target=self._consume, name="registry-jobs", daemon=True)
            self._consumer_pid = os.getpid()
            self._consumer.start()

    def stop_consumer(self) -> None:
        """Stop this process's consumer thread after the job it is running (tests)."""
        self._stop.set()
        if self._consumer is not None:
            self._consumer.join(timeout=30)
        self._consumer, self._stop = None, threading.Event()

    def _consume(self) -> None:
        """Huey's own consumer loop, in a thread: move due scheduled tasks to the queue, run the next one."""
        stop = self._stop
        while not stop.is_set():
            try:
                for task in self.huey.read_schedule():
                    self.huey.enqueue(task)
                task = self.huey.dequeue()
            except Exception:
                log.exception("jobs: reading the queue failed")
                stop.wait(2)
                continue
            if task is None:
                stop.wait(0.5)
                continue
            self.huey.execute(task)


def init_app(app: Flask) -> None:
    app.extensions[KEY] = Queue(app)


def queue(app: Flask | None = None) -> Queue:
    return (app or current_app).extensions[KEY]
