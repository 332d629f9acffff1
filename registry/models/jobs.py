"""Long work run off the request (jobs/): what each job is, whose it is, how far it got and what it left."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow

STATES = ("queued", "running", "done", "failed", "cancelled")


class Job(db.Model):
    """One piece of long work (an import's preview or commit, an export, a report document) asked for by a
    user, with its progress (phase, rows done of total), heartbeat, cancel request, failure and result, so
    every worker and browser reads the same. Written in short transactions of its own (jobs/db.py), never
    inside the work's transaction. Not a registry record: no version and no change log."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_user_created", "user_id", "created_at"), Index("ix_jobs_state", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # a registered job kind (jobs/kinds.py)
    # The owner: only they see it. No foreign key: on SQLite the table lives in a file of its own (jobs/db.py).
    user_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default="queued")  # one of STATES
    phase: Mapped[str | None] = mapped_column(String(40))
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    result_path: Mapped[str | None] = mapped_column(String(255))  # a file in the jobs folder
    result_name: Mapped[str | None] = mapped_column(String(200))  # the download's name
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    worker: Mapped[str | None] = mapped_column(String(80))  # host:pid of the process running it
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)  # the result is removed after this
