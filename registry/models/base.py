"""Column types and mixins shared by every record table."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Integer, String, TypeDecorator
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    """The current UTC time, naive: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


class Fixed2(TypeDecorator):
    """A decimal with two places (万元, m²), stored exactly as an integer count of hundredths.

    Both databases add integers exactly, so sums of money never pass through floating point.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value(rounding=ROUND_HALF_UP))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


def enum_check(column: str, enum: type[StrEnum], name: str | None = None) -> CheckConstraint:
    """A CHECK that ``column`` holds one of the enumeration's codes (or NULL)."""
    codes = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({codes})", name=name or column)


def enum_length(enum: type[StrEnum]) -> String:
    return String(max(len(member.value) for member in enum))


class RecordMixin:
    """``id``, timestamps and the ``version`` used for optimistic locking (a stale UPDATE matches no row)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class ArchivableMixin:
    """Users never delete records: they archive them, and archived rows leave lists and counts."""

    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    archived_reason: Mapped[str | None] = mapped_column(String(200))
