"""IP-pledge financing: outreach (宣传/走访) and pledge loans (知识产权质押贷款)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import IpType, LoanStatus, OutreachForm
from ..extensions import db
from .base import ArchivableMixin, Fixed2, RecordMixin, enum_check, enum_length
from .enterprises import Enterprise
from .reference import Town


class Outreach(RecordMixin, ArchivableMixin, db.Model):
    """A visit, seminar or online session on IP-pledge financing, aimed at one firm or one town."""

    __tablename__ = "outreach"
    __table_args__ = (
        enum_check("form", OutreachForm),
        CheckConstraint(
            "(enterprise_id IS NOT NULL AND town_id IS NULL) OR (enterprise_id IS NULL AND town_id IS NOT NULL)",
            name="exactly_one_target",
        ),
        CheckConstraint("attendees IS NULL OR attendees >= 0", name="attendees"),
    )

    held_on: Mapped[date] = mapped_column(Date, index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"), index=True)
    form: Mapped[str] = mapped_column(enum_length(OutreachForm), default=OutreachForm.VISIT)
    attendees: Mapped[int | None] = mapped_column(Integer)
    staff: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    enterprise: Mapped[Enterprise | None] = relationship()
    town: Mapped[Town | None] = relationship()

    @property
    def target(self) -> Enterprise | Town | None:
        return self.enterprise or self.town

    def __str__(self) -> str:
        return f"{self.held_on} {self.target}"


class PledgeLoan(RecordMixin, ArchivableMixin, db.Model):
    """A loan secured by a pledge of patents, trademarks or copyrights, registered with CNIPA."""

    __tablename__ = "pledge_loans"
    __table_args__ = (
        enum_check("ip_type", IpType),
        enum_check("status", LoanStatus),
        CheckConstraint("amount_wan > 0", name="amount_positive"),
        CheckConstraint("term_months IS NULL OR term_months > 0", name="term_positive"),
    )

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    lender: Mapped[str] = mapped_column(String(100))
    guarantor: Mapped[str | None] = mapped_column(String(100))
    ip_type: Mapped[str] = mapped_column(enum_length(IpType))
    ip_numbers: Mapped[str | None] = mapped_column(String(500))
    registration_no: Mapped[str | None] = mapped_column(String(50))
    registered_on: Mapped[date] = mapped_column(Date, index=True)
    amount_wan: Mapped[Decimal] = mapped_column(Fixed2)
    term_months: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(enum_length(LoanStatus), default=LoanStatus.ACTIVE)

    enterprise: Mapped[Enterprise] = relationship()

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.lender} {self.amount_wan}万元"
