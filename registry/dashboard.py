"""The home page after sign-in: one section per role the user holds, each a few bounded SQL statements.

- incubator manager: their own incubators' occupancy, free office space ending soon, recent changes;
- science bureau: certifications due for renewal, this year's registrations by certification kind;
- finance officer: the listing pipeline by stage, this year's pledge loans, outreach and trainings;
- report writer: this year's key report numbers beside last year's, each linked to its drill-down;
- admin and every county-wide reader: the registry's record counts; admin also the latest changes.

Every number is computed in SQL (counts and GROUP BY), whatever the size of the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload

from . import permissions
from .certifications.filters import due_for_renewal, renewal_queries
from .certifications.services import CERTIFICATION, RENEWAL_DAYS
from .enums import ListingTier, Role, Stage
from .extensions import db
from .finance.services import LOAN
from .incubation.services import FREE_SPACE_WARNING_DAYS
from .listing.services import CANDIDATE, stage_now
from .models import (
    Certification,
    CertificationKind,
    ChangeLog,
    Incubator,
    ListingCandidate,
    Tenancy,
    User,
)
from .records import catalog
from .reports import indicators as ind
from .reports.conditions import active_tenancy, live_enterprise
from .reports.periods import Period
from .reports.service import Row, loans_by_month

LIST_LIMIT = 8
RECORD_ACTIONS = ("create", "update", "archive", "restore")  # rows a section lists before "show all"

# The report writer's key numbers: the figures the implementation report opens its chapters with.
KEY_INDICATORS = (
    "enterprises.total",
    "incubation.tenants_active",
    "incubation.tenants_new",
    "tech_sme.registered",
    "high_tech.valid",
    "srdi.little_giant_national_valid",
    "ip_pledge.outreach_enterprises",
    "ip_pledge.loans",
    "ip_pledge.loan_amount_wan",
    "listing.reserve_active",
)
FINANCE_INDICATORS = (
    "ip_pledge.loans",
    "ip_pledge.loan_amount_wan",
    "ip_pledge.outreach_enterprises",
    "ip_pledge.outreach_towns",
    "listing.trainings",
)


@dataclass
class Occupancy:
    incubator_id: int
    name: str
    area_m2: Decimal | None
    tenants: int  # in the building today
    free_space: int  # of those, with free office space today
    ending_soon: int  # free space ending within FREE_SPACE_WARNING_DAYS
    new_this_year: int


@dataclass
class ManagerSection:
    incubators: list[Occupancy]
    endings: list[Tenancy]  # free space ending soon, soonest first
    changes: list[ChangeLog]
    warn_days: int = FREE_SPACE_WARNING_DAYS

    @property
    def ending_total(self) -> int:
        return sum(o.ending_soon for o in self.incubators)


@dataclass
class ScienceSection:
    ending: list[Certification]
    ending_total: int
    renew: list[Certification]
    renew_total: int
    by_kind: list[tuple[str, str, int, int]]  # (kind code, kind name, approved this year, applied this year)
    days: int = RENEWAL_DAYS


@dataclass
class FinanceSection:
    stages: list[tuple[str, int, int]]  # (stage, candidates, of which key tier)
    values: dict[str, object]
    months: list[tuple[str, int, float]]  # (YYYY-MM, loans, amount)

    def chart_data(self) -> dict:
        """What the section's two charts draw, with their labels in the user's language."""
        shown = [(stage, n) for stage, n, _key in self.stages if n]
        return {
            "pipeline": {
                "labels": [Stage.label_of(stage) for stage, _n in shown],
                "values": [n for _stage, n in shown],
                "name": _("企业数"),
            },
            "loans": {
                "months": [m for m, _n, _s in self.months],
                "counts": [n for _m, n, _s in self.months],
                "amounts": [s for _m, _n, s in self.months],
                "amountName": _("金额（万元）"),
                "countName": _("笔数"),
                "amountUnit": _("万元"),
                "countUnit": _("笔"),
            },
        }


@dataclass
class Dashboard:
    period: Period
    manager: ManagerSection | None = None
    science: ScienceSection | None = None
    finance: FinanceSection | None = None
    report: list[Row] | None = None
    overview: list[tuple[str, str, str, int]] | None = None  # (key, label, unit, count)
    changes: list[ChangeLog] = field(default_factory=list)  # admin: the registry's latest changes

    @property
    def period_args(self) -> dict:
        return {
            "preset": "custom",
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
        }


def this_year(today: date) -> Period:
    return Period(date(today.year, 1, 1), today, "ytd")


def build(user: User, today: date | None = None) -> Dashboard:
    """The sections ``user``'s roles call for, as of ``today`` (this year to date for period figures)."""
    today = today or date.today()
    roles = set(user.roles)
    board = Dashboard(period=this_year(today))
    if Role.INCUBATOR_MANAGER in roles:
        board.manager = manager_section(user, today)
    if Role.SCIENCE_BUREAU in roles:
        board.science = science_section(user, today)
    if Role.FINANCE_OFFICER in roles:
        board.finance = finance_section(user, board.period)
    if Role.REPORT_WRITER in roles:
        board.report = report_rows(board.period)
    if permissions.sees_everything(user):
        board.overview = record_counts()
    if Role.ADMIN in roles:
        board.changes = recent_changes(None)
    return board


# ---- the registry at a glance (county-wide readers) ----------------------------------------------------
def record_counts() -> list[tuple[str, str, str, int]]:
    """Every counted kind's number of non-archived records, in one statement, as (kind's plural, title, unit,
    count)."""
    kinds = catalog.counted()
    parts = [
        select(literal(kind.plural).label("key"), func.count().label("n"))
        .select_from(kind.model)
        .where(kind.model.archived_at.is_(None))
        for kind in kinds
    ]
    counts = dict(db.session.execute(union_all(*parts)).all())
    return [(kind.plural, kind.title, kind.unit, counts.get(kind.plural, 0)) for kind in kinds]


# ---- incubator manager ---------------------------------------------------------------------------------
def manager_section(user: User, today: date) -> ManagerSection:
    """The incubators ``user`` manages (only those, whatever other roles they hold)."""
    ids = sorted(permissions.managed_incubator_ids(user))
    if not ids:
        return ManagerSection([], [], [])
    soon = and_(Tenancy.free_space_until >= today, Tenancy.free_space_until <= today + _days())
    active = active_tenancy(today)
    rows = db.session.execute(
        select(
            Incubator.id,
            Incubator.name,
            Incubator.area_m2,
            func.count(case((active, Tenancy.id))),
            func.count(case((and_(active, Tenancy.free_space_until >= today), Tenancy.id))),
            func.count(case((and_(active, soon), Tenancy.id))),
            func.count(
                case(
                    (
                        and_(
                            Tenancy.archived_at.is_(None),
                            live_enterprise(Tenancy.enterprise_id),
                            Tenancy.moved_in_on.between(date(today.year, 1, 1), today),
                        ),
                        Tenancy.id,
                    )
                )
            ),
        )
        .outerjoin(Tenancy, Tenancy.incubator_id == Incubator.id)
        .where(Incubator.id.in_(ids), Incubator.archived_at.is_(None))
        .group_by(Incubator.id, Incubator.name, Incubator.area_m2)
        .order_by(Incubator.name)
    ).all()
    endings = db.session.scalars(
        select(Tenancy)
        .where(Tenancy.incubator_id.in_(ids), active, soon)
        .options(joinedload(Tenancy.enterprise), joinedload(Tenancy.incubator))
        .order_by(Tenancy.free_space_until, Tenancy.id)
        .limit(LIST_LIMIT)
    ).all()
    return ManagerSection([Occupancy(*row) for row in rows], list(endings), recent_changes(ids))


def _days() -> timedelta:
    return timedelta(days=FREE_SPACE_WARNING_DAYS)


def recent_changes(incubator_ids: list[int] | None, limit: int = LIST_LIMIT) -> list[ChangeLog]:
    """The latest change-log entries: of the given incubators, their tenancies and their tenants' firm
    records; or of the whole registry when ``incubator_ids`` is None."""
    query = (
        select(ChangeLog)
        .where(ChangeLog.action.in_(RECORD_ACTIONS))  # edits of records, not sign-ins and other events
        .order_by(ChangeLog.at.desc(), ChangeLog.id.desc())
        .limit(limit)
    )
    if incubator_ids is not None:
        stays = select(Tenancy.id).where(Tenancy.incubator_id.in_(incubator_ids))
        firms = select(Tenancy.enterprise_id).where(
            Tenancy.incubator_id.in_(incubator_ids), permissions.active_stay()
        )
        query = query.where(
            or_(
                and_(ChangeLog.object_type == "incubator", ChangeLog.object_id.in_(incubator_ids)),
                and_(ChangeLog.object_type == "tenancy", ChangeLog.object_id.in_(stays)),
                and_(ChangeLog.object_type == "enterprise", ChangeLog.object_id.in_(firms)),
            )
        )
    return list(db.session.scalars(query))


def record_url(entry: ChangeLog) -> str | None:
    """The page of the record a change-log entry is about (or of its firm), if there is one."""
    kind = catalog.get(entry.object_type)
    page = kind.page(entry.object_id) if kind is not None and entry.object_id is not None else None
    if page is not None:
        endpoint, arguments = page
        return url_for(endpoint, **arguments)
    if entry.enterprise_id is not None:
        return url_for("enterprises.detail", enterprise_id=entry.enterprise_id)
    return None


# ---- science bureau ------------------------------------------------------------------------------------
def science_section(user: User, today: date) -> ScienceSection:
    ending_query, renew_query = renewal_queries(user, today)
    ending_total, renew_total = db.session.execute(
        select(
            select(func.count()).select_from(ending_query.subquery()).scalar_subquery(),
            select(func.count()).select_from(renew_query.subquery()).scalar_subquery(),
        )
    ).one()
    ending, renew = due_for_renewal(user, today, limit=LIST_LIMIT)
    return ScienceSection(ending, ending_total, renew, renew_total, registrations_by_kind(user, today))


def registrations_by_kind(user: User, today: date) -> list[tuple[str, str, int, int]]:
    """Per certification kind: certifications approved and applied for this year (archived ones and those
    of archived firms left out); kinds with neither are left out."""
    year = (date(today.year, 1, 1), today)
    approved = func.count(case((Certification.approved_on.between(*year), Certification.id)))
    applied = func.count(case((Certification.applied_on.between(*year), Certification.id)))
    query = (
        select(CertificationKind.code, CertificationKind.name, approved, applied)
        .join(Certification, Certification.kind == CertificationKind.code)
        .where(
            Certification.archived_at.is_(None),
            live_enterprise(Certification.enterprise_id),
            or_(Certification.approved_on.between(*year), Certification.applied_on.between(*year)),
        )
        .group_by(CertificationKind.code, CertificationKind.name)
        .order_by(CertificationKind.code)
    )
    return [tuple(row) for row in db.session.execute(CERTIFICATION.visible(user, query))]


# ---- finance officer -----------------------------------------------------------------------------------
def finance_section(user: User, period: Period) -> FinanceSection:
    stage = func.coalesce(stage_now(), Stage.RESERVE.value)
    counts = {
        code: (n, key)
        for code, n, key in db.session.execute(
            CANDIDATE.visible(
                user,
                select(
                    stage,
                    func.count(),
                    func.count(case((ListingCandidate.tier == ListingTier.KEY, ListingCandidate.id))),
                ),
            )
            .where(ListingCandidate.archived_at.is_(None), live_enterprise(ListingCandidate.enterprise_id))
            .group_by(stage)
        )
    }
    stages = [(s.value, *counts.get(s.value, (0, 0))) for s in Stage]
    wanted = [i for i in ind.FIXED if i.code in FINANCE_INDICATORS]
    values = ind.values(wanted, period.start, period.end)
    months = db.session.execute(LOAN.visible(user, loans_by_month(period))).all()
    return FinanceSection(stages, values, [(m, n, float(s)) for m, n, s in months])


# ---- report writer -------------------------------------------------------------------------------------
def report_rows(period: Period) -> list[Row]:
    """The key indicators for the period and the same period a year earlier (two statements)."""
    wanted = sorted(
        (i for i in ind.FIXED if i.code in KEY_INDICATORS), key=lambda i: KEY_INDICATORS.index(i.code)
    )
    now = ind.values(wanted, period.start, period.end)
    before = period.previous_year()
    then = ind.values(wanted, before.start, before.end)
    return [Row(i, now[i.code], then[i.code]) for i in wanted]
