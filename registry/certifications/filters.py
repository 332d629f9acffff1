"""The certification list: search by firm, filters of issue "Web records II", facets, sorts."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import aliased, joinedload

from ..enterprises.filters import firm_owned_spec
from ..enums import CertificationStatus, Level
from ..list_engine import (
    Facet,
    Filter,
    ListSpec,
    Sort,
    archived_filter,
    count_facet,
    date_filter,
    date_range,
    enum_filter,
    enum_parser,
)
from ..models import Certification, CertificationKind
from ..records.fields import CodeChoice
from .services import CERTIFICATION
from .validity import valid_on


def expiring_within(days: int, today: date | None = None):
    """SQL: approved, not revoked, and its validity ends within ``days`` days from today."""
    today = today or date.today()
    return and_(
        Certification.status == CertificationStatus.APPROVED,
        Certification.valid_until.between(today, today + timedelta(days=days)),
    )


def _kinds():
    return CodeChoice("kind", "", model=CertificationKind).choices()


def _days(text: str) -> int:
    days = int(text)
    if not 0 <= days <= 3660:
        raise ValueError(text)
    return days


def _year(text: str) -> int:
    year = int(text)
    if not 1990 <= year <= 2100:
        raise ValueError(text)
    return year


SPEC = firm_owned_spec(
    Certification,
    CERTIFICATION,
    filters=[
        Filter(
            "kind",
            _l("资质类别"),
            lambda q, v: q.where(Certification.kind == v),
            enum_parser(lambda: [c for c, _n in _kinds()]),
            _kinds,
        ),
        enum_filter("level", _l("级别"), Certification.level, Level),
        enum_filter("status", _l("状态"), Certification.status, CertificationStatus),
        Filter(
            "year",
            _l("年度"),
            lambda q, v: q.where(Certification.year == v),
            _year,
            lambda: [(str(y), str(y)) for y in range(date.today().year + 1, 2015, -1)],
        ),
        Filter(
            "batch",
            _l("批次"),
            lambda q, v: q.where(Certification.batch == v),
            int,
            lambda: [(str(b), str(b)) for b in range(1, 11)],
        ),
        date_filter("valid_on", _l("在该日有效"), lambda q, v: q.where(valid_on(v))),
        *date_range(
            Certification.approved_on,
            names=("approved_from", "approved_to"),
            labels=(_l("认定日期起"), _l("认定日期止")),
        ),
        Filter(
            "expiring",
            _l("N天内到期"),
            lambda q, v: q.where(expiring_within(v)),
            _days,
            lambda: [("30", "30"), ("60", "60"), ("90", "90"), ("180", "180"), ("365", "365")],
        ),
        Filter(
            "key_support",
            _l("重点支持"),
            lambda q, v: q.where(Certification.key_support.is_(v == "1")),
            enum_parser(lambda: ("1", "0")),
            lambda: [("1", str(_l("是"))), ("0", str(_l("否")))],
        ),
    ],
    facets=[
        Facet(
            "kind",
            _l("资质类别"),
            count_facet(
                Certification,
                Certification.kind,
                CertificationKind.name,
                lambda s: s.join(CertificationKind, CertificationKind.code == Certification.kind),
                CertificationKind.code,
            ),
        ),
        Facet("level", _l("级别"), count_facet(Certification, Certification.level), enum=Level),
        Facet(
            "status", _l("状态"), count_facet(Certification, Certification.status), enum=CertificationStatus
        ),
        Facet("year", _l("年度"), count_facet(Certification, Certification.year)),
    ],
    sorts=[
        Sort("applied_on", _l("申报日期"), Certification.applied_on, nullable=True, value_type="date"),
        Sort("approved_on", _l("认定日期"), Certification.approved_on, nullable=True, value_type="date"),
        Sort("valid_until", _l("有效期至"), Certification.valid_until, nullable=True, value_type="date"),
        Sort("year", _l("年度"), Certification.year, nullable=True, value_type="int"),
    ],
    default_sort="-id",
    eager=(joinedload(Certification.kind_ref),),
)

KIND_SPEC = ListSpec(
    model=CertificationKind,
    base=lambda user: select(CertificationKind),
    search=lambda q, text: q.where(
        CertificationKind.name.contains(text, autoescape=True)
        | CertificationKind.code.contains(text, autoescape=True)
    ),
    filters=[archived_filter(CertificationKind)],
    sorts=[
        Sort("code", _l("代码"), CertificationKind.code),
        Sort("name", _l("名称"), CertificationKind.name),
    ],
    default_sort="id",
)


def renewal_queries(user, on: date) -> tuple[Select, Select]:
    """The two renewal lists of ``on`` as queries (see :func:`due_for_renewal`), unordered."""
    from .services import RENEWAL_DAYS, TECH_SME

    base = CERTIFICATION.visible(user, select(Certification)).where(Certification.archived_at.is_(None))
    following = aliased(Certification)
    renew = base.where(
        Certification.kind == TECH_SME,
        valid_on(on),
        ~exists().where(
            following.enterprise_id == Certification.enterprise_id,
            following.kind == TECH_SME,
            following.archived_at.is_(None),
            following.year == on.year + 1,
            following.status.in_(["applied", "approved"]),
        ),
    )
    return base.where(expiring_within(RENEWAL_DAYS, on)), renew


def due_for_renewal(user, on: date, limit: int | None = None) -> tuple[list, list]:
    """What needs renewing on ``on``: approved certificates whose validity ends within RENEWAL_DAYS, and
    科技型中小企业 registrations valid now with no registration for the next year yet (soonest first)."""
    from ..extensions import db

    ending, renew = renewal_queries(user, on)
    ending = db.session.scalars(
        ending.options(joinedload(Certification.enterprise), joinedload(Certification.kind_ref))
        .order_by(Certification.valid_until, Certification.id)
        .limit(limit)
    ).all()
    renew = db.session.scalars(
        renew.options(joinedload(Certification.enterprise), joinedload(Certification.kind_ref))
        .order_by(Certification.valid_until, Certification.id)
        .limit(limit)
    ).all()
    return ending, renew
