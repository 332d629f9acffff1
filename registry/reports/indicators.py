"""The indicator registry (DESIGN.md §4): every summary count defined once, as SQL of a period.

Each indicator declares its unit, what it counts (``records(start, end)`` → a SELECT of their ids) and how
its value is made from them (a count, or a sum of a column). Values are aggregates in SQL; the whole
summary is one statement (plus one listing the tags), whatever the size of the registry.

The three rules of §4:

1. The unit says what is counted. A 家 indicator counts distinct enterprises: its records are the
   enterprises (``record_type`` ``enterprise``), each once however many of its records put it there. When
   those are other records (tenancies, certifications, loans …), the indicator also declares them as
   ``via``: (enterprise id, record id) pairs of a record type, so a drill-down shows each firm with the
   records behind it. Records are counted only under their own units: 笔 loans, 次 outreach, 场 trainings,
   个 products, towns, incubators.
2. "At end" reads the world as it was on ``end``: conditions.enterprise_exists_on, incubator_open_on and
   the dated fields' helpers, used by every indicator that says "at end".
3. Archived records, and every record of an archived enterprise or incubator, never count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from ..enums import FounderGroup
from ..extensions import db
from ..i18n import as_text
from ..models import (
    Certification,
    Enterprise,
    EnterpriseFounderGroup,
    Incubator,
    ListingCandidate,
    Outreach,
    PledgeLoan,
    StageChange,
    Tag,
    Tenancy,
)
from ..records import catalog
from .conditions import (
    active_tenancy,
    cert_applied,
    cert_valid,
    certifications,
    certifications_applied,
    enterprise_exists_on,
    high_value_ip_on,
    incubator_open_on,
    listing_tier_on,
    listing_trainings,
    live_enterprise,
    loans_registered,
    outreach_in,
    pairs,
    reserve_active,
    tag_holders_on,
    tenancy_counts,
    training_attendance,
)
from .sections import SECTIONS


@dataclass(frozen=True)
class Unit:
    """What an indicator counts, by its counting word (DESIGN.md §4's unit column)."""

    code: str
    label: object  # the word shown beside the value, in the reader's language

    def __str__(self) -> str:
        return str(self.label)


FIRMS = Unit("家", _l("家"))
ITEMS = Unit("个", _l("个"))
LOANS = Unit("笔", _l("笔"))
EVENTS = Unit("次", _l("次"))
SESSIONS = Unit("场", _l("场"))
WAN = Unit("万元", _l("万元"))

Query = Callable[[date, date], Select]


@dataclass(frozen=True)
class Via:
    """The records that put each counted thing into an indicator: (id, record_id) pairs for the period,
    ``id`` the counted thing's (the enterprise's, for a 家 indicator) and ``record_id`` one of its records of
    ``record_type`` (a tenancy, a certification …). A thing with several such records is one pair each."""

    record_type: str
    pairs: Query


@dataclass(frozen=True)
class Indicator:
    code: str
    section: str
    label: str
    unit: Unit
    record_type: str  # what is counted: ``enterprise`` for every 家 indicator; a loan, a town, …
    records: Query  # the ids of those, for the period (each once)
    via: Via | None = None  # the records behind each counted one, when they are other records
    sum_of: object | None = None  # a column of record_type's table to add up instead of counting

    @property
    def counts_firms(self) -> bool:
        return self.unit.code == FIRMS.code

    def value(self, start: date, end: date):
        """A scalar SQL expression of the value for the period."""
        ids = self.records(start, end).subquery()
        if self.sum_of is None:
            return select(func.count()).select_from(ids).scalar_subquery()
        model = catalog.get(self.record_type).model
        return (
            select(func.coalesce(func.sum(self.sum_of), 0))
            .where(model.id.in_(select(ids.c[0])))
            .scalar_subquery()
        )


def _distinct(query: Query) -> Query:
    """The counted ids of a pairs query, each once."""

    def ids(start: date, end: date) -> Select:
        rows = query(start, end)
        return rows.with_only_columns(rows.selected_columns.id).distinct()

    return ids


def firms(code: str, section: str, label, ids: Query) -> Indicator:
    """A 家 indicator read from the enterprises themselves (their own fields, tags …)."""
    return Indicator(code, section, label, FIRMS, "enterprise", ids)


def firms_via(code: str, section: str, label, record_type: str, query: Query) -> Indicator:
    """A 家 indicator made of other records: ``query`` gives (enterprise id, record id) pairs of
    ``record_type``; the value is the number of distinct enterprises among them."""
    return Indicator(code, section, label, FIRMS, "enterprise", _distinct(query), Via(record_type, query))


def _tenancies(*conditions) -> Query:
    return lambda start, end: pairs(Tenancy).where(*conditions)


def _active_tenancies(*extra) -> Query:
    return lambda start, end: pairs(Tenancy).where(active_tenancy(end), *extra)


def _founder_group_indicator(group: FounderGroup) -> Indicator:
    # The group's firms once, from the (founder_group, enterprise_id) index; not a probe per tenancy.
    in_group = Tenancy.enterprise_id.in_(
        select(EnterpriseFounderGroup.enterprise_id).where(
            EnterpriseFounderGroup.founder_group == group.value
        )
    )
    return firms_via(
        f"incubation.{group.value}_tenants_active",
        "三",
        as_text(_l("在孵企业中%(group)s创业企业", group=group.label)),
        "tenancy",
        _active_tenancies(in_group),
    )


def _outreach_to_firms(*extra) -> Query:
    return lambda start, end: pairs(Outreach).where(
        outreach_in(start, end), Outreach.enterprise_id.is_not(None), *extra
    )


def _outreach_to_towns(start: date, end: date) -> Select:
    return pairs(Outreach, Outreach.town_id).where(outreach_in(start, end), Outreach.town_id.is_not(None))


def _products_applied(start: date, end: date) -> Select:
    return select(Certification.id).where(
        *certifications("srdi_product", "provincial"),
        Certification.applied_on.between(start, end),
        live_enterprise(Certification.enterprise_id),
    )


def _listed(start: date, end: date) -> Select:
    return pairs(ListingCandidate).where(
        ListingCandidate.archived_at.is_(None),
        live_enterprise(ListingCandidate.enterprise_id),
        ListingCandidate.id.in_(
            select(StageChange.candidate_id).where(
                StageChange.stage == "listed", StageChange.changed_on.between(start, end)
            )
        ),
    )


FIXED: list[Indicator] = [
    firms(
        "enterprises.total",
        "一",
        _l("登记企业总数"),
        lambda start, end: select(Enterprise.id).where(enterprise_exists_on(Enterprise.id, end)),
    ),
    firms(
        "enterprises.new",
        "一",
        _l("新成立企业"),
        lambda start, end: select(Enterprise.id).where(
            Enterprise.established_on.between(start, end), live_enterprise(Enterprise.id)
        ),
    ),
    firms_via("incubation.tenants_active", "三", _l("在孵企业"), "tenancy", _active_tenancies()),
    firms_via(
        "incubation.tenants_new",
        "三",
        _l("新入孵企业"),
        "tenancy",
        lambda start, end: pairs(Tenancy).where(tenancy_counts(), Tenancy.moved_in_on.between(start, end)),
    ),
    firms_via(
        "incubation.tenants_graduated",
        "三",
        _l("毕业企业"),
        "tenancy",
        lambda start, end: pairs(Tenancy).where(
            tenancy_counts(), Tenancy.exit_reason == "graduated", Tenancy.left_on.between(start, end)
        ),
    ),
    firms_via(
        "incubation.free_space_active",
        "三",
        _l("享受免费办公场地的在孵企业"),
        "tenancy",
        lambda start, end: pairs(Tenancy).where(active_tenancy(end), Tenancy.free_space_until >= end),
    ),
    *[_founder_group_indicator(group) for group in FounderGroup],
    firms_via(
        "tech_sme.registered",
        "四",
        _l("新注册科技型中小企业"),
        "certification",
        lambda start, end: pairs(Certification).where(
            *certifications("tech_sme"),
            Certification.approved_on.between(start, end),
            live_enterprise(Certification.enterprise_id),
        ),
    ),
    firms_via("tech_sme.valid", "四", _l("有效期内科技型中小企业"), "certification", cert_valid("tech_sme")),
    firms_via("high_tech.applied", "四", _l("申报高新技术企业"), "certification", cert_applied("high_tech")),
    firms_via("high_tech.valid", "四", _l("有效期内高新技术企业"), "certification", cert_valid("high_tech")),
    firms_via(
        "srdi.little_giant_national_approved",
        "四",
        _l("新认定国家级专精特新“小巨人”企业"),
        "certification",
        lambda start, end: pairs(Certification).where(
            *certifications("little_giant", "national"),
            Certification.status.in_(["approved", "revoked"]),
            Certification.approved_on.between(start, end),
            live_enterprise(Certification.enterprise_id),
        ),
    ),
    firms_via(
        "srdi.little_giant_national_valid",
        "四",
        _l("国家级专精特新“小巨人”企业"),
        "certification",
        cert_valid("little_giant", "national"),
    ),
    firms_via(
        "srdi.little_giant_national_key_valid",
        "四",
        _l("其中重点支持“小巨人”企业"),
        "certification",
        cert_valid("little_giant", "national", Certification.key_support.is_(True)),
    ),
    firms_via(
        "srdi.little_giant_provincial_applied",
        "四",
        _l("申报省级专精特新“小巨人”企业"),
        "certification",
        cert_applied("little_giant", "provincial"),
    ),
    firms_via(
        "srdi.product_provincial_applied",
        "四",
        _l("申报省级专精特新产品的企业"),
        "certification",
        lambda start, end: certifications_applied("srdi_product", "provincial", start, end),
    ),
    Indicator(
        "srdi.product_provincial_applied_products",
        "四",
        _l("申报省级专精特新产品"),
        ITEMS,
        "certification",
        _products_applied,
    ),
    firms_via(
        "srdi.sme_provincial_valid",
        "四",
        _l("省级专精特新中小企业"),
        "certification",
        cert_valid("srdi_sme", "provincial"),
    ),
    Indicator(
        "incubation.incubators",
        "五",
        _l("孵化载体"),
        ITEMS,
        "incubator",
        lambda start, end: select(Incubator.id).where(incubator_open_on(end)),
    ),
    firms_via(
        "ip_pledge.outreach_enterprises",
        "六",
        _l("知识产权质押融资宣传走访企业"),
        "outreach",
        _outreach_to_firms(),
    ),
    firms_via(
        "ip_pledge.outreach_enterprises_high_value",
        "六",
        _l("其中拥有高价值知识产权的企业"),
        "outreach",
        # The firm's high-value IP on the outreach's own date.
        _outreach_to_firms(high_value_ip_on(Outreach.enterprise_id, Outreach.held_on)),
    ),
    Indicator(
        "ip_pledge.outreach_towns",
        "六",
        _l("知识产权质押融资宣传镇街"),
        ITEMS,
        "town",
        _distinct(_outreach_to_towns),
        via=Via("outreach", _outreach_to_towns),
    ),
    Indicator(
        "ip_pledge.outreach_events",
        "六",
        _l("知识产权质押融资宣传走访"),
        EVENTS,
        "outreach",
        lambda start, end: select(Outreach.id).where(outreach_in(start, end)),
    ),
    firms(
        "ip_pledge.high_value_ip_enterprises",
        "六",
        _l("拥有高价值知识产权的企业"),
        lambda start, end: select(Enterprise.id).where(
            high_value_ip_on(Enterprise.id, end), enterprise_exists_on(Enterprise.id, end)
        ),
    ),
    Indicator("ip_pledge.loans", "六", _l("知识产权质押贷款"), LOANS, "pledge_loan", loans_registered),
    firms_via(
        "ip_pledge.loan_enterprises",
        "六",
        _l("获得知识产权质押贷款的企业"),
        "pledge_loan",
        lambda start, end: pairs(PledgeLoan).where(PledgeLoan.id.in_(loans_registered(start, end))),
    ),
    Indicator(
        "ip_pledge.loan_amount_wan",
        "六",
        _l("知识产权质押贷款金额"),
        WAN,
        "pledge_loan",
        loans_registered,
        sum_of=PledgeLoan.amount_wan,
    ),
    firms_via(
        "listing.reserve_active",
        "六",
        _l("上市后备企业"),
        "listing_candidate",
        lambda start, end: reserve_active(end),
    ),
    firms_via(
        "listing.key_reserve_active",
        "六",
        _l("重点上市后备企业"),
        "listing_candidate",
        lambda start, end: reserve_active(end, listing_tier_on(end) == "key"),
    ),
    firms_via(
        "listing.new_reserve",
        "六",
        _l("新入库上市后备企业"),
        "listing_candidate",
        lambda start, end: pairs(ListingCandidate).where(
            ListingCandidate.archived_at.is_(None),
            live_enterprise(ListingCandidate.enterprise_id),
            ListingCandidate.entered_on.between(start, end),
        ),
    ),
    firms_via("listing.listed", "六", _l("新上市企业"), "listing_candidate", _listed),
    Indicator("listing.trainings", "六", _l("上市业务培训"), SESSIONS, "training", listing_trainings),
    firms_via(
        "listing.training_enterprises",
        "六",
        _l("参加上市培训的企业"),
        "training",
        training_attendance,
    ),
]


def _tag_indicator(tag: Tag) -> Indicator:
    def holders(start: date, end: date, tag_id=tag.id) -> Select:
        # The firms with the tag at end, read from the (tag_id, enterprise_id) index; each firm once.
        query = tag_holders_on(tag_id, end)
        return query.where(enterprise_exists_on(query.selected_columns[0], end))

    return firms(f"tags.{tag.code}", "七", as_text(_l("%(name)s企业", name=tag.name)), holders)


def all_indicators() -> list[Indicator]:
    """The fixed indicators and one per tag (one statement lists the tags), in report order."""
    tags = db.session.scalars(select(Tag).where(Tag.archived_at.is_(None)).order_by(Tag.code)).all()
    indicators = FIXED + [_tag_indicator(tag) for tag in tags]
    order = list(SECTIONS)
    return sorted(indicators, key=lambda ind: order.index(ind.section))


def get(code: str) -> Indicator | None:
    return next((ind for ind in all_indicators() if ind.code == code), None)


def values(indicators: list[Indicator], start: date, end: date) -> dict[str, object]:
    """Every indicator's value for the period, in one SQL statement."""
    if not indicators:
        return {}
    row = db.session.execute(
        select(*[ind.value(start, end).label(f"v{i}") for i, ind in enumerate(indicators)])
    ).one()
    return {ind.code: row[i] for i, ind in enumerate(indicators)}
