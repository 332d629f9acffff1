"""Reference data kept by admins: towns, parks, tags and certification kinds."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import ArchivableMixin, RecordMixin


class Town(RecordMixin, ArchivableMixin, db.Model):
    """镇街: a town (镇) or street office (街道)."""

    __tablename__ = "towns"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)

    def __str__(self) -> str:
        return self.name


class Park(RecordMixin, ArchivableMixin, db.Model):
    """园区."""

    __tablename__ = "parks"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"), index=True)

    town: Mapped[Town | None] = relationship()

    def __str__(self) -> str:
        return self.name


class Tag(RecordMixin, ArchivableMixin, db.Model):
    """A label on enterprises, counted in section 七 of the report (e.g. 科创中国平台注册)."""

    __tablename__ = "tags"
    __table_args__ = (CheckConstraint("code <> ''", name="code_not_empty"),)

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    def __str__(self) -> str:
        return self.name


class CertificationKind(RecordMixin, ArchivableMixin, db.Model):
    """A kind of certification; the rows are data because policy changes (2022, 2025, 2026)."""

    __tablename__ = "certification_kinds"
    __table_args__ = (
        CheckConstraint(
            "validity = 'calendar_year' OR validity = 'none' OR validity LIKE 'years:%'",
            name="validity",
        ),
    )

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    validity: Mapped[str] = mapped_column(String(20))
    number_pattern: Mapped[str | None] = mapped_column(String(200))

    def __str__(self) -> str:
        return self.name
