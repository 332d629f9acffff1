"""SQL conditions the indicators are made of (DESIGN.md §4): who exists on a day, active tenancies, stage at
end… ("valid at end" is certifications/validity.py, shared with the lists)

Each is a function of the period's dates that returns SQL, never a Python loop over rows.

Rule 2 of §4 ("at end" reads the world as it was on ``end``) is said once for each thing that can begin and
end or change: :func:`enterprise_exists_on`, :func:`incubator_open_on`, and the dated fields
(:func:`tag_holders_on`, :func:`high_value_ip_on`, :func:`listing_tier_on`). Every indicator reads them, so a
firm's end (its deregistration), an incubator's closing and the dated fields' spans (records/dated.py) are
read at these single places.

Rule 3 (archived records, and every record of an archived enterprise or incubator, never count) is
:func:`live_enterprise` and :func:`live_incubator`, which the conditions below apply to each record they read.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, literal, not_, or_, select, union, union_all

from ..certifications.validity import valid_on
from ..models import (
    Certification,
    Enterprise,
    EnterpriseIpSpan,
    Incubator,
    ListingCandidate,
    Outreach,
    PledgeLoan,
    StageChange,
    Tenancy,
    Town,
    Training,
    training_participants,
)
from ..records import spans


# ---- rule 3: what never counts ---------------------------------------------------------------------------
def live_enterprise(column):
    """SQL: the enterprise ``column`` points to is not archived.

    Archived firms are few: their ids are read once per statement from the archived_at index, rather than
    one lookup of the firm per record (the same answer: ``column`` is a foreign key, and a NULL matches
    neither form).
    """
    return column.not_in(select(Enterprise.id).where(Enterprise.archived_at.is_not(None)))


def live_incubator(column):
    """SQL: the incubator ``column`` points to is not archived (its tenancies never count otherwise)."""
    return column.not_in(select(Incubator.id).where(Incubator.archived_at.is_not(None)))


def live_town(column):
    return column.not_in(select(Town.id).where(Town.archived_at.is_not(None)))


# ---- rule 2: the world as it was on a day ---------------------------------------------------------------
def absent_on(day, distinct: bool = False):
    """SELECT of the ids of the firms that do not exist on ``day``: each way of not existing is one indexed
    read of ids (archived; established after ``day``; deregistered on or before it). A firm absent in two
    ways is listed twice unless ``distinct``."""
    parts = (
        select(Enterprise.id).where(Enterprise.archived_at.is_not(None)),
        select(Enterprise.id).where(Enterprise.established_on > day),
        select(Enterprise.id).where(Enterprise.deregistered_on <= day),
    )
    return union(*parts) if distinct else union_all(*parts)


def enterprise_exists_on(enterprise_id_column, day):
    """SQL: the enterprise ``enterprise_id_column`` points to exists on ``day`` (DESIGN.md §3): established
    by then (or no date known), not deregistered by then — and, by rule 3, not archived.

    Read as "not among the firms that do not exist on ``day``" (:func:`absent_on`), so the condition never
    probes the firm of each record.
    """
    return enterprise_id_column.not_in(absent_on(day))


def incubator_open_on(day):
    """SQL (on ``incubators``): the incubator is open on ``day`` — opened by then (or no date known), not
    closed by then — and, by rule 3, not archived."""
    return and_(
        Incubator.archived_at.is_(None),
        or_(Incubator.opened_on.is_(None), Incubator.opened_on <= day),
        or_(Incubator.closed_on.is_(None), Incubator.closed_on > day),
    )


def tag_holders_on(tag_id, day):
    """SELECT of the enterprise ids carrying tag ``tag_id`` on ``day``: the tag's span in force then."""
    return spans.tag_holders_on(tag_id, day)


def high_value_ip_on(enterprise_id_column, day):
    """SQL: the firm ``enterprise_id_column`` points to holds high-value IP (a count > 0 in force) on ``day``
    (a date, or a date column such as an outreach's ``held_on``) — read as membership of the firms whose
    positive count was in force then, from the spans' index, not a probe per record. When ``day`` is a
    column of the outer row that list would depend on the row and be rebuilt for each (a scan of every span
    per record), so then the firm's own spans are probed by their (enterprise_id, valid_from) index."""
    in_force = and_(EnterpriseIpSpan.value > 0, spans.in_force(EnterpriseIpSpan, day))
    if isinstance(day, date):
        return enterprise_id_column.in_(select(EnterpriseIpSpan.enterprise_id).where(in_force))
    return (
        select(EnterpriseIpSpan.id)
        .where(EnterpriseIpSpan.enterprise_id == enterprise_id_column, in_force)
        .exists()
    )


def listing_tier_on(day, candidate_id_column=ListingCandidate.id):
    """SQL: the tier in force on ``day`` of the candidate ``candidate_id_column`` points to (by default the
    ``listing_candidates`` row's own)."""
    return spans.tier_on(candidate_id_column, day)


# ---- the records the indicators read --------------------------------------------------------------------
def tenancy_counts():
    """A tenancy that may count at all: not archived, its firm and its incubator not archived."""
    return and_(
        Tenancy.archived_at.is_(None),
        live_enterprise(Tenancy.enterprise_id),
        live_incubator(Tenancy.incubator_id),
    )


def active_tenancy(end: date):
    """A tenancy active at the end of ``end``: moved in by then, not left by then, in an incubator open
    then, of a firm that exists then."""
    return and_(
        Tenancy.archived_at.is_(None),
        Tenancy.moved_in_on <= end,
        or_(Tenancy.left_on.is_(None), Tenancy.left_on > end),
        enterprise_exists_on(Tenancy.enterprise_id, end),
        # "Not in an incubator that is not open" (the same, the incubator being a foreign key): a NOT IN never
        # drives the read, so the tenancies are read from their (moved_in_on, …, incubator_id) index alone.
        Tenancy.incubator_id.not_in(select(Incubator.id).where(not_(incubator_open_on(end)))),
    )


def certifications(kind: str, level: str | None = None):
    conditions = [
        Certification.kind == kind,
        Certification.archived_at.is_(None),
    ]
    if level:
        conditions.append(Certification.level == level)
    return conditions


def cert_valid_of(kinds):
    """The certifications of any of ``kinds`` valid at ``end``, of firms that exist then: (enterprise,
    record)."""
    return lambda start, end: pairs(Certification).where(
        Certification.kind.in_(kinds),
        Certification.archived_at.is_(None),
        valid_on(end),
        enterprise_exists_on(Certification.enterprise_id, end),
    )


def cert_applied(kind, level=None):
    """The applications for ``kind`` dated in the period, whatever became of them: (enterprise, record)."""
    return lambda start, end: certifications_applied(kind, level, start, end)


def certifications_applied(kind, level, start, end):
    return pairs(Certification).where(
        *certifications(kind, level),
        Certification.applied_on.between(start, end),
        live_enterprise(Certification.enterprise_id),
    )


def pairs(model, enterprise_id=None):
    """SELECT (id, record_id): the enterprise a firm's record belongs to, and the record — the rows behind
    a 家 indicator made of records (narrowed with ``.where``)."""
    firm = model.enterprise_id if enterprise_id is None else enterprise_id
    return select(firm.label("id"), model.id.label("record_id"))


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
    """The candidates in the reserve at ``end``, of firms that exist then: (enterprise, candidate)."""
    return pairs(ListingCandidate).where(
        ListingCandidate.archived_at.is_(None),
        ListingCandidate.entered_on <= end,
        enterprise_exists_on(ListingCandidate.enterprise_id, end),
        stage_at(end).not_in(["listed", "withdrawn"]),
        *extra,
    )


def outreach_in(start, end):
    """An outreach record held in the period that counts: not archived, nor its firm or town."""
    return and_(
        Outreach.archived_at.is_(None),
        Outreach.held_on.between(start, end),
        or_(Outreach.enterprise_id.is_(None), live_enterprise(Outreach.enterprise_id)),
        or_(Outreach.town_id.is_(None), live_town(Outreach.town_id)),
    )


def listing_trainings(start, end):
    return select(Training.id).where(
        Training.archived_at.is_(None), Training.topic == "listing", Training.held_on.between(start, end)
    )


def training_attendance(start, end):
    """(enterprise, training): the firms at the period's listing trainings, each attendance a row."""
    return select(
        training_participants.c.enterprise_id.label("id"),
        training_participants.c.training_id.label("record_id"),
    ).where(
        training_participants.c.training_id.in_(listing_trainings(start, end)),
        live_enterprise(training_participants.c.enterprise_id),
    )


def loans_registered(start, end):
    """The pledge loans registered in the period, of firms still on the register (counted and summed)."""
    return select(PledgeLoan.id).where(
        PledgeLoan.archived_at.is_(None),
        live_enterprise(PledgeLoan.enterprise_id),
        PledgeLoan.registered_on.between(start, end),
    )
