"""SQL conditions the indicators are made of (DESIGN.md §4): active tenancies, stage at end…
("valid at end" is certifications/validity.py, shared with the lists)

Each is a function of the period's dates that returns SQL, never a Python loop over rows.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, literal, or_, select

from ..certifications.validity import valid_on
from ..models import (
    Certification,
    Enterprise,
    ListingCandidate,
    Outreach,
    PledgeLoan,
    StageChange,
    Tenancy,
    Training,
)


def live_enterprise(column):
    """SQL: the enterprise ``column`` points to is not archived.

    Archived firms are few: their ids are read once per statement from the archived_at index, rather than
    one lookup of the firm per record (the same answer: ``column`` is a foreign key, and a NULL matches
    neither form).
    """
    return column.not_in(select(Enterprise.id).where(Enterprise.archived_at.is_not(None)))


def active_tenancy(end: date):
    return and_(
        Tenancy.archived_at.is_(None),
        live_enterprise(Tenancy.enterprise_id),
        Tenancy.moved_in_on <= end,
        or_(Tenancy.left_on.is_(None), Tenancy.left_on > end),
    )


def certifications(kind: str, level: str | None = None):
    conditions = [
        Certification.kind == kind,
        Certification.archived_at.is_(None),
        live_enterprise(Certification.enterprise_id),
    ]
    if level:
        conditions.append(Certification.level == level)
    return conditions


def cert_valid(kind, level=None, *extra):
    return lambda start, end: select(Certification.id).where(
        *certifications(kind, level), valid_on(end), *extra
    )


def cert_applied(kind, level=None):
    return lambda start, end: select(Certification.id).where(
        *certifications(kind, level), Certification.applied_on.between(start, end)
    )


def stage_at(end: date):
    """SQL: a candidate's stage on ``end`` (the latest change dated on or before it)."""
    latest = (
        select(StageChange.stage)
        .where(StageChange.candidate_id == ListingCandidate.id, StageChange.changed_on <= end)
        .order_by(StageChange.changed_on.desc(), StageChange.id.desc())
        .limit(1)
        .correlate(ListingCandidate)
        .scalar_subquery()
    )
    return func.coalesce(latest, literal("reserve"))


def reserve_active(end: date, *extra):
    return select(ListingCandidate.id).where(
        ListingCandidate.archived_at.is_(None),
        live_enterprise(ListingCandidate.enterprise_id),
        ListingCandidate.entered_on <= end,
        stage_at(end).not_in(["listed", "withdrawn"]),
        *extra,
    )


def outreach_in(start, end):
    return and_(Outreach.archived_at.is_(None), Outreach.held_on.between(start, end))


def listing_trainings(start, end):
    return select(Training.id).where(
        Training.archived_at.is_(None), Training.topic == "listing", Training.held_on.between(start, end)
    )


def loans_registered(start, end):
    """The pledge loans registered in the period, of firms still on the register (counted and summed)."""
    return select(PledgeLoan.id).where(
        PledgeLoan.archived_at.is_(None),
        live_enterprise(PledgeLoan.enterprise_id),
        PledgeLoan.registered_on.between(start, end),
    )
