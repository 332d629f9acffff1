"""Enterprises (企业) with their founder groups and tags."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import DeregistrationReason, FounderGroup, Industry, LegalForm
from ..extensions import db
from .base import ArchivableMixin, Fixed2, RecordMixin, enum_check, enum_length
from .reference import Park, Tag, Town
from .search import TRIGRAM_INDEX

enterprise_tags = Table(
    "enterprise_tags",
    db.metadata,
    Column("enterprise_id", ForeignKey("enterprises.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
    # The tag filter and facet read firms by tag: the index alone answers them.
    Index("ix_enterprise_tags_tag_id_enterprise_id", "tag_id", "enterprise_id"),
)


class EnterpriseFounderGroup(db.Model):
    """One founder group of an enterprise (a set, stored a row per member so it can be counted in SQL)."""

    __tablename__ = "enterprise_founder_groups"
    __table_args__ = (
        enum_check("founder_group", FounderGroup),
        Index("ix_enterprise_founder_groups_founder_group_enterprise_id", "founder_group", "enterprise_id"),
    )

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), primary_key=True)
    founder_group: Mapped[str] = mapped_column(enum_length(FounderGroup), primary_key=True)


SORT_KEYS = (
    "name",
    "established_on",
    "employees",
    "registered_capital_wan",
    "high_value_ip_count",
    "updated_at",
)


class Enterprise(RecordMixin, ArchivableMixin, db.Model):
    """企业: a firm, an individual business, a cooperative or an unregistered start-up team."""

    __tablename__ = "enterprises"
    __table_args__ = (
        enum_check("legal_form", LegalForm),
        enum_check("industry", Industry),
        enum_check("deregistered_reason", DeregistrationReason),
        # A firm deregistered has a reason, and never before it was established (DESIGN.md §3).
        db.CheckConstraint(
            "(deregistered_on IS NULL) = (deregistered_reason IS NULL)", name="deregistered_reason_with_on"
        ),
        db.CheckConstraint(
            "deregistered_on IS NULL OR established_on IS NULL OR deregistered_on >= established_on",
            name="deregistered_after_established",
        ),
        db.CheckConstraint("registered_capital_wan >= 0", name="registered_capital_wan"),
        db.CheckConstraint("employees >= 0", name="employees"),
        db.CheckConstraint("rd_staff >= 0", name="rd_staff"),
        db.CheckConstraint("high_value_ip_count >= 0", name="high_value_ip_count"),
        # The few archived firms, which the summary's figures leave out (reports/conditions.py). Partial, so
        # the lists' "not archived" never prefers it to the index of their sort key.
        Index(
            "ix_enterprises_archived",
            "archived_at",
            sqlite_where=db.text("archived_at IS NOT NULL"),
            postgresql_where=db.text("archived_at IS NOT NULL"),
        ),
        # Each sort key of the list with the id after it: the list's order (ties by id) straight from an index.
        *[Index(f"ix_enterprises_{key}_id", key, "id") for key in SORT_KEYS],
        # The list filtered by town: its page in name order, its bounded count and its facets (town, legal
        # form, industry) read from the index alone, never the firms' rows (list_engine.py).
        Index("ix_enterprises_town_list", "town_id", "archived_at", "name", "id", "legal_form", "industry"),
        # Substring search on PostgreSQL (pg_trgm); SQLite searches an FTS5 table (models/search.py).
        Index(
            TRIGRAM_INDEX,
            "name_key",
            postgresql_using="gin",
            postgresql_ops={"name_key": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    name: Mapped[str] = mapped_column(String(200))
    # The duplicate key of DESIGN.md §7 (width, script and pinyin glosses folded), kept by the write path.
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    short_name: Mapped[str | None] = mapped_column(String(50))  # 简称, as reports write it: 大禹防水
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    legal_form: Mapped[str] = mapped_column(enum_length(LegalForm), default=LegalForm.COMPANY, index=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"), index=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    industry: Mapped[str | None] = mapped_column(String(1), index=True)
    established_on: Mapped[date | None] = mapped_column(Date)
    registered_capital_wan: Mapped[Decimal | None] = mapped_column(Fixed2)
    employees: Mapped[int | None] = mapped_column(Integer)
    rd_staff: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str | None] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    high_value_ip_count: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    # The day the firm ceased to exist (注销, 吊销, 迁出, 合并); it exists on day D when established_on is
    # null or <= D and deregistered_on is null or > D. Archiving is for records entered in error.
    deregistered_on: Mapped[date | None] = mapped_column(Date, index=True)
    deregistered_reason: Mapped[str | None] = mapped_column(enum_length(DeregistrationReason))

    town: Mapped[Town] = relationship()
    park: Mapped[Park | None] = relationship()
    founder_group_rows: Mapped[list[EnterpriseFounderGroup]] = relationship(
        cascade="all, delete-orphan", order_by=EnterpriseFounderGroup.founder_group
    )
    tags: Mapped[list[Tag]] = relationship(secondary=enterprise_tags, order_by=Tag.code)
    # The dated fields' histories (DESIGN.md §3, records/dated.py): kept by the write path beside the
    # current values above, which always equal the open spans.
    tag_spans: Mapped[list[EnterpriseTagSpan]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: (EnterpriseTagSpan.valid_from, EnterpriseTagSpan.id)
    )
    ip_spans: Mapped[list[EnterpriseIpSpan]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: (EnterpriseIpSpan.valid_from, EnterpriseIpSpan.id)
    )

    @property
    def founder_groups(self) -> list[str]:
        return sorted(row.founder_group for row in self.founder_group_rows)

    @founder_groups.setter
    def founder_groups(self, codes) -> None:
        wanted = set(codes)
        rows = self.founder_group_rows
        if not rows:  # a new firm, or one without groups: only additions (no list to replace)
            rows.extend(EnterpriseFounderGroup(founder_group=code) for code in sorted(wanted))
            return
        self.founder_group_rows = [r for r in self.founder_group_rows if r.founder_group in wanted] + [
            EnterpriseFounderGroup(founder_group=code)
            for code in sorted(wanted - {r.founder_group for r in self.founder_group_rows})
        ]

    def __str__(self) -> str:
        return self.name


def span_check() -> db.CheckConstraint:
    """A span of a dated field ends after it starts: ``valid_to`` is exclusive, the day the next value
    took effect (NULL: the value is still in force)."""
    return db.CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="valid_to_after_valid_from")


class EnterpriseTagSpan(db.Model):
    """A firm carried ``tag`` from ``valid_from`` until the day before ``valid_to`` (open: still does)."""

    __tablename__ = "enterprise_tag_spans"
    __table_args__ = (
        span_check(),
        Index("ix_enterprise_tag_spans_enterprise_id_valid_from", "enterprise_id", "valid_from"),
        # The holders of a tag on a day (records/spans.tag_holders_on) from the index alone.
        Index(
            "ix_enterprise_tag_spans_tag_id_valid_from", "tag_id", "valid_from", "valid_to", "enterprise_id"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    tag: Mapped[Tag] = relationship()


class EnterpriseIpSpan(db.Model):
    """A firm's count of high-value intellectual property from ``valid_from`` until before ``valid_to``."""

    __tablename__ = "enterprise_ip_spans"
    __table_args__ = (
        span_check(),
        db.CheckConstraint("value >= 0", name="value"),
        Index("ix_enterprise_ip_spans_enterprise_id_valid_from", "enterprise_id", "valid_from", "valid_to"),
        # The spans of a positive count only (the summary's "firms with high-value IP"): a fifth of them, read
        # from the index alone (the count in it too).
        Index(
            "ix_enterprise_ip_spans_held",
            "enterprise_id",
            "valid_from",
            "valid_to",
            "value",
            sqlite_where=db.text("value > 0"),
            postgresql_where=db.text("value > 0"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    value: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
