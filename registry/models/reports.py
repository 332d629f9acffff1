"""The report workspace (REPORT.md): outlines, reports written on them, their sections' texts and history,
and the figures other offices fill in."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from ..enums import ReportStatus, SectionState
from ..extensions import db
from .accounts import User
from .audit import ReportSnapshot
from .base import ArchivableMixin, RecordMixin, enum_check, enum_length, utcnow

SECTION_TEXT_LIMIT = 20_000  # characters of one section's text (the seed's longest section is ~600)


class Outline(RecordMixin, ArchivableMixin, db.Model):
    """The plan a report follows: its title, preamble and chapters with numbered sections (rows)."""

    __tablename__ = "outlines"

    title: Mapped[str] = mapped_column(String(200))
    preamble: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = synonym("title")  # what a reference to it shows (the change log reads ``name``)

    sections: Mapped[list[OutlineSection]] = relationship(
        back_populates="outline", order_by="OutlineSection.position", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title


class OutlineSection(RecordMixin, ArchivableMixin, db.Model):
    """A chapter (code ``四``) or a numbered section (code ``四.1``) of an outline, with its default text
    (placeholders included) and the indicators it draws on."""

    __tablename__ = "outline_sections"
    __table_args__ = (UniqueConstraint("outline_id", "code"),)

    outline_id: Mapped[int] = mapped_column(ForeignKey("outlines.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    heading: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str | None] = mapped_column(Text)
    indicators: Mapped[list] = mapped_column(JSON, default=list)

    outline: Mapped[Outline] = relationship(back_populates="sections")

    @property
    def is_chapter(self) -> bool:
        return "." not in self.code

    @property
    def chapter(self) -> str:
        return self.code.split(".")[0]

    def __str__(self) -> str:
        return f"{self.code} {self.heading}"


class Report(RecordMixin, ArchivableMixin, db.Model):
    """One implementation report: a period, an outline, per section a text; final once frozen, with the
    snapshot of the numbers and the document as it was sent."""

    __tablename__ = "reports"
    __table_args__ = (
        enum_check("status", ReportStatus),
        CheckConstraint('"end" >= start', name="period"),
    )

    title: Mapped[str] = mapped_column(String(200))
    outline_id: Mapped[int] = mapped_column(ForeignKey("outlines.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date, index=True)
    issuer: Mapped[str] = mapped_column(String(100))  # 落款单位
    issued_on: Mapped[date | None] = mapped_column(Date)  # 落款日期
    preamble: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(enum_length(ReportStatus), default=ReportStatus.DRAFT)
    # The report whose texts and figure slots this one started from (its numbers are the "before").
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("report_snapshots.id"))
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The DOCX as finalised: later downloads are these bytes, whatever changes in the records.
    document: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    outline: Mapped[Outline] = relationship()
    sections: Mapped[list[ReportSection]] = relationship(
        back_populates="report", order_by="ReportSection.position", cascade="all, delete-orphan"
    )
    figures: Mapped[list[Figure]] = relationship(
        back_populates="report", order_by="Figure.id", cascade="all, delete-orphan"
    )
    carried_from: Mapped[Report | None] = relationship(remote_side="Report.id")
    snapshot: Mapped[ReportSnapshot | None] = relationship()

    @property
    def is_final(self) -> bool:
        return self.status == ReportStatus.FINAL

    def __str__(self) -> str:
        return f"{self.title}（{self.start}至{self.end}）"


class ReportSection(RecordMixin, ArchivableMixin, db.Model):
    """A section's text in one report, its state, the department it is assigned to and who changed it last."""

    __tablename__ = "report_sections"
    __table_args__ = (UniqueConstraint("report_id", "code"), enum_check("state", SectionState))

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    heading: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(enum_length(SectionState), default=SectionState.OPEN)
    department: Mapped[str | None] = mapped_column(String(100), index=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    report: Mapped[Report] = relationship(back_populates="sections")
    changed_by: Mapped[User | None] = relationship()
    versions: Mapped[list[ReportSectionVersion]] = relationship(
        back_populates="section", order_by="ReportSectionVersion.number", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.code} {self.heading}"


class ReportSectionVersion(db.Model):
    """One saved text of a section: who saved it, when, and the text (history is never changed)."""

    __tablename__ = "report_section_versions"
    __table_args__ = (UniqueConstraint("section_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("report_sections.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(enum_length(SectionState))
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    section: Mapped[ReportSection] = relationship(back_populates="versions")
    saved_by: Mapped[User | None] = relationship()


class Figure(RecordMixin, ArchivableMixin, db.Model):
    """A number (or short text) of a report that another office gives (填报数据): 1157项政务服务事项."""

    __tablename__ = "report_figures"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    value: Mapped[str | None] = mapped_column(String(100))
    unit: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(String(100), index=True)  # 来源部门
    note: Mapped[str | None] = mapped_column(String(500))

    report: Mapped[Report] = relationship(back_populates="figures")

    def __str__(self) -> str:
        return self.name
