"""SQL of the dated fields' spans (DESIGN.md §3, records/dated.py): which value was in force on a day. The
indicators (reports/conditions.py) read these; a span is in force on ``day`` from its ``valid_from`` up to
the day before its ``valid_to``."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select

from ..models import EnterpriseIpSpan, EnterpriseTagSpan, ListingTierSpan


def in_force(model, day):
    """SQL: a span of ``model`` is in force on ``day``."""
    return and_(model.valid_from <= day, or_(model.valid_to.is_(None), model.valid_to > day))


def tag_holders_on(tag_id, day):
    """SQL: SELECT of the ids of the enterprises carrying the tag ``tag_id`` (an id or a column) on ``day``."""
    return select(EnterpriseTagSpan.enterprise_id).where(
        EnterpriseTagSpan.tag_id == tag_id, in_force(EnterpriseTagSpan, day)
    )


def ip_count_on(enterprise_id_column, day):
    """SQL: the high-value IP count of the enterprise ``enterprise_id_column`` in force on ``day`` (0 when
    none was)."""
    value = (
        select(EnterpriseIpSpan.value)
        .where(EnterpriseIpSpan.enterprise_id == enterprise_id_column, in_force(EnterpriseIpSpan, day))
        .order_by(EnterpriseIpSpan.valid_from.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(value, 0)


def tier_on(candidate_id_column, day):
    """SQL: the tier of the listing candidate ``candidate_id_column`` in force on ``day`` (NULL before its
    first span)."""
    return (
        select(ListingTierSpan.tier)
        .where(ListingTierSpan.candidate_id == candidate_id_column, in_force(ListingTierSpan, day))
        .order_by(ListingTierSpan.valid_from.desc())
        .limit(1)
        .scalar_subquery()
    )
