"""Certifications (资质认定): 科技型中小企业, 高新技术企业, the 专精特新 tiers and the rest."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import CertificationStatus, Level
from ..extensions import db
from .base import ArchivableMixin, RecordMixin, enum_check, enum_length
from .enterprises import Enterprise
from .reference import CertificationKind


class Certification(RecordMixin, ArchivableMixin, db.Model):
    """One application or certificate of an enterprise. "Expired" is derived from ``valid_until``."""

    __tablename__ = "certifications"
    __table_args__ = (
        enum_check("level", Level),
        enum_check("status", CertificationStatus),
        CheckConstraint(
            "status NOT IN ('approved', 'revoked') OR approved_on IS NOT NULL", name="approved_on_required"
        ),
        CheckConstraint("status <> 'revoked' OR revoked_on IS NOT NULL", name="revoked_on_required"),
        CheckConstraint(
            "valid_until IS NULL OR approved_on IS NULL OR valid_until >= approved_on",
            name="valid_after_approved",
        ),
        CheckConstraint(
            "revoked_on IS NULL OR approved_on IS NULL OR revoked_on >= approved_on",
            name="revoked_after_approved",
        ),
        CheckConstraint("batch IS NULL OR batch >= 1", name="batch_positive"),
        # The period queries of DESIGN.md §4 filter by kind and one of these dates.
        # "Valid on a day" (the held-certification filter, the summary's "valid at end", key support
        # included) reads only this index: kind and approved_on narrow it, the other columns decide without
        # reading the rows.
        Index(
            "ix_certifications_kind_approved_on_validity",
            "kind",
            "approved_on",
            "valid_until",
            "revoked_on",
            "status",
            "level",
            "archived_at",
            "enterprise_id",
            "key_support",
        ),
        # A firm's certifications, and whether each is valid on a day (the list's facet), from the index.
        Index(
            "ix_certifications_enterprise_id_validity",
            "enterprise_id",
            "kind",
            "status",
            "approved_on",
            "valid_until",
            "revoked_on",
            "archived_at",
        ),
        # Applications dated in a period (the summary's "applied" counts), read from the index alone.
        Index(
            "ix_certifications_kind_applied_on",
            "kind",
            "applied_on",
            "level",
            "archived_at",
            "enterprise_id",
        ),
        Index("ix_certifications_kind_valid_until", "kind", "valid_until"),
    )

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    kind: Mapped[str] = mapped_column(ForeignKey("certification_kinds.code"))
    level: Mapped[str] = mapped_column(enum_length(Level), default=Level.NONE)
    status: Mapped[str] = mapped_column(enum_length(CertificationStatus), default=CertificationStatus.APPLIED)
    applied_on: Mapped[date | None] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    year: Mapped[int | None] = mapped_column(Integer)
    batch: Mapped[int | None] = mapped_column(Integer)
    certificate_no: Mapped[str | None] = mapped_column(String(50))
    key_support: Mapped[bool] = mapped_column(Boolean, default=False)
    product_name: Mapped[str | None] = mapped_column(String(200))

    enterprise: Mapped[Enterprise] = relationship()
    kind_ref: Mapped[CertificationKind] = relationship()

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.kind_ref.name}"
