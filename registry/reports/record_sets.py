"""The record sets the indicators are defined with (reports/indicators.py): the rows several indicators
share (read once per summary statement) with the narrowings their members apply, and the queries of single
indicators that take more than a line. Each is SQL of the period (start, end); the conditions they are made of
are reports/conditions.py."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select

from ..models import (
    Certification,
    Enterprise,
    EnterpriseFounderGroup,
    EnterpriseIpSpan,
    EnterpriseTagSpan,
    ListingCandidate,
    Outreach,
    StageChange,
    Tenancy,
)
from ..records import spans
from .conditions import (
    absent_on,
    active_tenancy,
    cert_valid_of,
    certifications,
    enterprise_exists_on,
    live_enterprise,
    outreach_in,
    pairs,
    reserve_active,
)
from .counting import Query, Shared

# The tenancies active at end (with the firm's existence and the incubator's opening checked once), which
# the in-incubator counts narrow: by free space, by founder group.
ACTIVE_TENANCIES = Shared(
    "active_tenancies",
    lambda start, end: select(
        Tenancy.enterprise_id.label("id"), Tenancy.id.label("record_id"), Tenancy.free_space_until
    ).where(active_tenancy(end)),
)


# The certifications valid at end of firms that exist then, of the kinds whose holders are counted: one read
# of the (kind, approved_on, validity …, key support) index, the firms' existence checked once for all.
VALID_KINDS = ("tech_sme", "high_tech", "little_giant", "srdi_sme")
VALID_CERTIFICATIONS = Shared(
    "valid_certifications",
    lambda start, end: cert_valid_of(VALID_KINDS)(start, end).add_columns(
        Certification.kind, Certification.level, Certification.key_support
    ),
)

# The tag spans in force at end of firms that exist then (one read of the spans, the firms' existence
# checked once for every tag), which each tag's count narrows by its tag.
TAG_HOLDERS = Shared(
    "tag_holders",
    lambda start, end: select(
        EnterpriseTagSpan.enterprise_id.label("id"),
        EnterpriseTagSpan.id.label("record_id"),
        EnterpriseTagSpan.tag_id,
    ).where(
        spans.in_force(EnterpriseTagSpan, end), enterprise_exists_on(EnterpriseTagSpan.enterprise_id, end)
    ),
)

# The listing candidates in the reserve at end (their stage read once), narrowed by tier.
RESERVE = Shared("reserve", lambda start, end: reserve_active(end))


def every(rows, start, end) -> list:
    return []


def of_kind(kind: str, level: str | None = None, key_support: bool = False):
    """The valid certifications of ``kind`` (and ``level``; with ``key_support``, only those marked so)."""

    def narrow(rows, start, end) -> list:
        conditions = [rows.kind == kind] + ([rows.level == level] if level else [])
        return conditions + ([rows.key_support.is_(True)] if key_support else [])

    return narrow


def registered_firms(start: date, end: date):
    """How many firms exist at end, as all firms less those absent then (two index reads, no firm probed)."""
    absent = select(func.count()).select_from(absent_on(end, distinct=True).subquery())
    return select(func.count()).select_from(Enterprise).scalar_subquery() - absent.scalar_subquery()


def high_value_ip_firms(start: date, end: date) -> Select:
    """The firms holding high-value IP at end, read from the spans in force (not a probe of every firm)."""
    holder = EnterpriseIpSpan.enterprise_id
    return (
        select(holder)
        .where(
            EnterpriseIpSpan.value > 0,
            spans.in_force(EnterpriseIpSpan, end),
            enterprise_exists_on(holder, end),
        )
        .distinct()
    )


def outreach_to_firms(*extra) -> Query:
    return lambda start, end: pairs(Outreach).where(
        outreach_in(start, end), Outreach.enterprise_id.is_not(None), *extra
    )


def outreach_to_towns(start: date, end: date) -> Select:
    return pairs(Outreach, Outreach.town_id).where(outreach_in(start, end), Outreach.town_id.is_not(None))


def products_applied(start: date, end: date) -> Select:
    return select(Certification.id).where(
        *certifications("srdi_product", "provincial"),
        Certification.applied_on.between(start, end),
        live_enterprise(Certification.enterprise_id),
    )


def listed(start: date, end: date) -> Select:
    return pairs(ListingCandidate).where(
        ListingCandidate.archived_at.is_(None),
        live_enterprise(ListingCandidate.enterprise_id),
        ListingCandidate.id.in_(
            select(StageChange.candidate_id).where(
                StageChange.stage == "listed", StageChange.changed_on.between(start, end)
            )
        ),
    )


def in_founder_group(group: str):
    """Narrows rows of firms to those of a founder group, read once from the (founder_group, enterprise_id)
    index; not a probe per row."""

    def narrow(rows, start, end) -> list:
        firms_of_group = select(EnterpriseFounderGroup.enterprise_id).where(
            EnterpriseFounderGroup.founder_group == group
        )
        return [rows.id.in_(firms_of_group)]

    return narrow
