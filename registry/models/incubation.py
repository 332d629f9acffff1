"""Incubators (孵化载体) and tenancies (入孵)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import ExitReason, IncubatorKind, Level
from ..extensions import db
from .base import ArchivableMixin, Fixed2, RecordMixin, enum_check, enum_length
from .enterprises import Enterprise
from .reference import Town

incubator_managers = Table(
    "incubator_managers",
    db.metadata,
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("incubator_id", ForeignKey("incubators.id"), primary_key=True, index=True),
)


class Incubator(RecordMixin, ArchivableMixin, db.Model):
    """孵化载体: an incubator, maker space, university science park or start-up base."""

    __tablename__ = "incubators"
    __table_args__ = (
        enum_check("kind", IncubatorKind),
        enum_check("level", Level),
        CheckConstraint("area_m2 >= 0", name="area_m2"),
        CheckConstraint(
            "closed_on IS NULL OR opened_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"
        ),
    )

    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(enum_length(IncubatorKind))
    level: Mapped[str] = mapped_column(enum_length(Level), default=Level.NONE)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"), index=True)
    operator: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    area_m2: Mapped[Decimal | None] = mapped_column(Fixed2)
    opened_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The day it stopped operating; it is open on day D when opened_on is null or <= D and closed_on is
    # null or > D.
    closed_on: Mapped[date | None] = mapped_column(Date)

    town: Mapped[Town] = relationship()
    managers: Mapped[list[User]] = relationship(  # noqa: F821 — resolved by name
        secondary=incubator_managers, back_populates="incubators"
    )

    def __str__(self) -> str:
        return self.name


class Tenancy(RecordMixin, ArchivableMixin, db.Model):
    """入孵: one stay of an enterprise in an incubator, from move-in to graduation or exit."""

    __tablename__ = "tenancies"
    __table_args__ = (
        enum_check("exit_reason", ExitReason),
        CheckConstraint("left_on IS NULL OR left_on >= moved_in_on", name="left_after_moved_in"),
        CheckConstraint("(left_on IS NULL) = (exit_reason IS NULL)", name="exit_reason_with_left_on"),
        CheckConstraint(
            "free_space_until IS NULL OR free_space_until >= moved_in_on", name="free_space_after_moved_in"
        ),
        # One open tenancy per incubator and firm; partial index with the same predicate on both backends.
        Index(
            "uq_tenancies_open",
            "incubator_id",
            "enterprise_id",
            unique=True,
            sqlite_where=db.text("left_on IS NULL AND archived_at IS NULL"),
            postgresql_where=db.text("left_on IS NULL AND archived_at IS NULL"),
        ),
        # Tenancies active on a day (the summary's incubation figures): answered from the index alone, the
        # incubator included (whether it is open then).
        Index(
            "ix_tenancies_active",
            "moved_in_on",
            "left_on",
            "archived_at",
            "enterprise_id",
            "free_space_until",
            "incubator_id",
        ),
        Index("ix_tenancies_exit_reason_left_on", "exit_reason", "left_on"),
    )

    incubator_id: Mapped[int] = mapped_column(ForeignKey("incubators.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    moved_in_on: Mapped[date] = mapped_column(Date)
    free_space_until: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(enum_length(ExitReason))

    incubator: Mapped[Incubator] = relationship()
    enterprise: Mapped[Enterprise] = relationship()

    def __str__(self) -> str:
        return f"{self.enterprise.name} @ {self.incubator.name}"
