"""The listing-reserve pipeline (上市后备企业库) and trainings (培训)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import Board, ListingTier, Stage, TrainingTopic
from ..extensions import db
from .base import ArchivableMixin, RecordMixin, enum_check, enum_length
from .enterprises import Enterprise, span_check


class StageChange(RecordMixin, db.Model):
    """A dated step of a listing candidate: the candidate is at ``stage`` from ``changed_on`` on."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        enum_check("stage", Stage),
        # A candidate's stage on a day (the latest change by then, the latest id breaking ties), from the index.
        Index("ix_stage_changes_candidate_id_changed_on", "candidate_id", "changed_on", "id", "stage"),
        # The candidates that reached a stage within a period, from the index.
        Index("ix_stage_changes_stage_changed_on", "stage", "changed_on", "candidate_id"),
    )

    candidate_id: Mapped[int] = mapped_column(ForeignKey("listing_candidates.id"))
    stage: Mapped[str] = mapped_column(enum_length(Stage))
    changed_on: Mapped[date] = mapped_column(Date)


class ListingTierSpan(db.Model):
    """A candidate's tier from ``valid_from`` until the day before ``valid_to`` (open: still in force)."""

    __tablename__ = "listing_tier_spans"
    __table_args__ = (
        span_check(),
        enum_check("tier", ListingTier),
        # A candidate's tier on a day, from the index.
        Index(
            "ix_listing_tier_spans_candidate_id_valid_from", "candidate_id", "valid_from", "valid_to", "tier"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("listing_candidates.id"))
    tier: Mapped[str] = mapped_column(enum_length(ListingTier))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class ListingCandidate(RecordMixin, ArchivableMixin, db.Model):
    """上市后备企业: one per enterprise; creating it records stage ``reserve`` on ``entered_on``."""

    __tablename__ = "listing_candidates"
    __table_args__ = (
        enum_check("tier", ListingTier),
        enum_check("target_board", Board),
        # The reserve on a day (entered by then, not archived) and its firms, from the index.
        Index("ix_listing_candidates_entered_on", "entered_on", "archived_at", "enterprise_id"),
    )

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), unique=True)
    entered_on: Mapped[date] = mapped_column(Date)
    tier: Mapped[str] = mapped_column(enum_length(ListingTier), default=ListingTier.GENERAL)
    target_board: Mapped[str | None] = mapped_column(enum_length(Board))
    sponsor: Mapped[str | None] = mapped_column(String(100))

    enterprise: Mapped[Enterprise] = relationship()
    stages: Mapped[list[StageChange]] = relationship(
        order_by=(StageChange.changed_on, StageChange.id), cascade="all, delete-orphan"
    )
    # The tier's history (DESIGN.md §3, records/dated.py); ``tier`` always equals the open span's.
    tier_spans: Mapped[list[ListingTierSpan]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: (ListingTierSpan.valid_from, ListingTierSpan.id)
    )

    def __str__(self) -> str:
        return self.enterprise.name


training_participants = Table(
    "training_participants",
    db.metadata,
    Column("training_id", ForeignKey("trainings.id"), primary_key=True),
    Column("enterprise_id", ForeignKey("enterprises.id"), primary_key=True, index=True),
)


class Training(RecordMixin, ArchivableMixin, db.Model):
    """培训: a training session, with the enterprises that attended."""

    __tablename__ = "trainings"
    __table_args__ = (
        enum_check("topic", TrainingTopic),
        Index("ix_trainings_topic_held_on", "topic", "held_on"),
    )

    held_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(enum_length(TrainingTopic), default=TrainingTopic.OTHER)

    participants: Mapped[list[Enterprise]] = relationship(
        secondary=training_participants, order_by=Enterprise.name
    )

    @property
    def enterprise_ids(self) -> list[int]:
        return sorted(e.id for e in self.participants)

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"
