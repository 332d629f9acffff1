"""The change log (DESIGN.md §6) and frozen report snapshots."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import RecordMixin, utcnow


class ChangeLog(db.Model):
    """One create, update, archive or restore of one record, written in the same transaction."""

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_object_type_object_id", "object_type", "object_id"),
        Index("ix_change_log_enterprise_id_at", "enterprise_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    user_name: Mapped[str | None] = mapped_column(String(100))
    request_id: Mapped[str | None] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(20), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(300))
    # The enterprise a child record belongs to, so a firm's page shows its children's history too.
    enterprise_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)


class ReportSnapshot(RecordMixin, db.Model):
    """A frozen summary: the period, every indicator's value and the ids of the records behind it."""

    __tablename__ = "report_snapshots"

    title: Mapped[str] = mapped_column(String(200))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    values: Mapped[list] = mapped_column(JSON, default=list)


class DataVersion(db.Model):
    """One row whose number every committed write transaction on the registry's database adds one to
    (registry/db.py): a result read while the number was N is still right while it is N (the summary's cache,
    reports/counting.py)."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger, default=0)


class DataChange(db.Model):
    """What committed writes changed, each with the data version of the latest that changed it (registry/db.py):
    a table's name (rows inserted or deleted), ``table.column`` (the column updated), or ``*`` (a write whose
    statement does not say: raw SQL, the bulk load). A value read at version N that reads none of the names
    changed after N is still right (the summary's cache, reports/counting.py)."""

    __tablename__ = "data_changes"

    name: Mapped[str] = mapped_column(String(160), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
