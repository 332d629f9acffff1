"""The indicator registry (DESIGN.md §4): every summary count defined once, as SQL of a period.

Each indicator names the records behind it (``records(start, end)`` → a SELECT of their ids) and how its
value is made from them (a count, or a sum of a column). Values are aggregates in SQL; the whole summary
is one statement (plus one listing the tags), whatever the size of the registry.

Rules shared by all: archived records never count, and neither do the records of an archived enterprise
(its tenancies, certifications, outreach, loans, listing record, training attendance).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

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
    enterprise_tags,
    training_participants,
)
from ..records import catalog
from .conditions import (
    active_tenancy,
    cert_applied,
    cert_valid,
    certifications,
    listing_trainings,
    live_enterprise,
    loans_registered,
    outreach_in,
    reserve_active,
)
from .sections import SECTIONS


@dataclass(frozen=True)
class Indicator:
    code: str
    section: str
    label: str
    unit: str
    record_type: str  # what the records behind it are: enterprise, tenancy, certification, …
    records: Callable[[date, date], Select]  # the ids of those records, for the period
    sum_of: object | None = None  # a column of record_type's table to add up instead of counting

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


def _founder_group_indicator(group: FounderGroup) -> Indicator:
    return Indicator(
        f"incubation.{group.value}_tenants_active",
        "三",
        as_text(_l("在孵企业中%(group)s创业企业", group=group.label)),
        _l("家"),
        "tenancy",
        # The group's firms once, from the (founder_group, enterprise_id) index; not a probe per tenancy.
        lambda start, end: select(Tenancy.id).where(
            active_tenancy(end),
            Tenancy.enterprise_id.in_(
                select(EnterpriseFounderGroup.enterprise_id).where(
                    EnterpriseFounderGroup.founder_group == group.value
                )
            ),
        ),
    )


FIXED: list[Indicator] = [
    Indicator(
        "enterprises.total",
        "一",
        _l("登记企业总数"),
        _l("家"),
        "enterprise",
        lambda start, end: select(Enterprise.id).where(
            or_(Enterprise.established_on.is_(None), Enterprise.established_on <= end),
            live_enterprise(Enterprise.id),
        ),
    ),
    Indicator(
        "incubation.tenants_active",
        "三",
        _l("在孵企业"),
        _l("家"),
        "tenancy",
        lambda start, end: select(Tenancy.id).where(active_tenancy(end)),
    ),
    Indicator(
        "incubation.tenants_new",
        "三",
        _l("新入孵企业"),
        _l("家"),
        "tenancy",
        lambda start, end: select(Tenancy.id).where(
            Tenancy.archived_at.is_(None),
            live_enterprise(Tenancy.enterprise_id),
            Tenancy.moved_in_on.between(start, end),
        ),
    ),
    Indicator(
        "incubation.tenants_graduated",
        "三",
        _l("毕业企业"),
        _l("家"),
        "tenancy",
        lambda start, end: select(Tenancy.id).where(
            Tenancy.archived_at.is_(None),
            live_enterprise(Tenancy.enterprise_id),
            Tenancy.exit_reason == "graduated",
            Tenancy.left_on.between(start, end),
        ),
    ),
    Indicator(
        "incubation.free_space_active",
        "三",
        _l("享受免费办公场地的在孵企业"),
        _l("家"),
        "tenancy",
        lambda start, end: select(Tenancy.id).where(active_tenancy(end), Tenancy.free_space_until >= end),
    ),
    *[_founder_group_indicator(group) for group in FounderGroup],
    Indicator(
        "tech_sme.registered",
        "四",
        _l("新注册科技型中小企业"),
        _l("家"),
        "certification",
        lambda start, end: select(Certification.id).where(
            *certifications("tech_sme"), Certification.approved_on.between(start, end)
        ),
    ),
    Indicator(
        "tech_sme.valid",
        "四",
        _l("有效期内科技型中小企业"),
        _l("家"),
        "certification",
        cert_valid("tech_sme"),
    ),
    Indicator(
        "high_tech.applied",
        "四",
        _l("申报高新技术企业"),
        _l("家"),
        "certification",
        cert_applied("high_tech"),
    ),
    Indicator(
        "high_tech.valid",
        "四",
        _l("有效期内高新技术企业"),
        _l("家"),
        "certification",
        cert_valid("high_tech"),
    ),
    Indicator(
        "srdi.little_giant_national_valid",
        "四",
        _l("国家级专精特新“小巨人”企业"),
        _l("家"),
        "certification",
        cert_valid("little_giant", "national"),
    ),
    Indicator(
        "srdi.little_giant_national_key_valid",
        "四",
        _l("其中重点支持“小巨人”企业"),
        _l("家"),
        "certification",
        cert_valid("little_giant", "national", Certification.key_support.is_(True)),
    ),
    Indicator(
        "srdi.little_giant_provincial_applied",
        "四",
        _l("申报省级专精特新“小巨人”企业"),
        _l("家"),
        "certification",
        cert_applied("little_giant", "provincial"),
    ),
    Indicator(
        "srdi.product_provincial_applied",
        "四",
        _l("申报省级专精特新产品"),
        _l("个"),
        "certification",
        cert_applied("srdi_product", "provincial"),
    ),
    Indicator(
        "srdi.sme_provincial_valid",
        "四",
        _l("省级专精特新中小企业"),
        _l("家"),
        "certification",
        cert_valid("srdi_sme", "provincial"),
    ),
    Indicator(
        "incubation.incubators",
        "五",
        _l("孵化载体"),
        _l("个"),
        "incubator",
        lambda start, end: select(Incubator.id).where(
            Incubator.archived_at.is_(None), or_(Incubator.opened_on.is_(None), Incubator.opened_on <= end)
        ),
    ),
    Indicator(
        "ip_pledge.outreach_enterprises",
        "六",
        _l("知识产权质押融资宣传走访企业"),
        _l("家"),
        "enterprise",
        lambda start, end: (
            select(Outreach.enterprise_id)
            .distinct()
            .where(
                outreach_in(start, end),
                Outreach.enterprise_id.is_not(None),
                live_enterprise(Outreach.enterprise_id),
            )
        ),
    ),
    Indicator(
        "ip_pledge.outreach_towns",
        "六",
        _l("知识产权质押融资宣传镇街"),
        _l("个"),
        "town",
        lambda start, end: (
            select(Outreach.town_id).distinct().where(outreach_in(start, end), Outreach.town_id.is_not(None))
        ),
    ),
    Indicator(
        "ip_pledge.high_value_ip_enterprises",
        "六",
        _l("拥有高价值知识产权的企业"),
        _l("家"),
        "enterprise",
        lambda start, end: select(Enterprise.id).where(
            Enterprise.high_value_ip_count > 0, live_enterprise(Enterprise.id)
        ),
    ),
    Indicator(
        "ip_pledge.loans",
        "六",
        _l("知识产权质押贷款"),
        _l("笔"),
        "pledge_loan",
        loans_registered,
    ),
    Indicator(
        "ip_pledge.loan_amount_wan",
        "六",
        _l("知识产权质押贷款金额"),
        _l("万元"),
        "pledge_loan",
        loans_registered,
        sum_of=PledgeLoan.amount_wan,
    ),
    Indicator(
        "listing.reserve_active",
        "六",
        _l("上市后备企业"),
        _l("家"),
        "listing_candidate",
        lambda start, end: reserve_active(end),
    ),
    Indicator(
        "listing.key_reserve_active",
        "六",
        _l("重点上市后备企业"),
        _l("家"),
        "listing_candidate",
        lambda start, end: reserve_active(end, ListingCandidate.tier == "key"),
    ),
    Indicator(
        "listing.new_reserve",
        "六",
        _l("新入库上市后备企业"),
        _l("家"),
        "listing_candidate",
        lambda start, end: select(ListingCandidate.id).where(
            ListingCandidate.archived_at.is_(None),
            live_enterprise(ListingCandidate.enterprise_id),
            ListingCandidate.entered_on.between(start, end),
        ),
    ),
    Indicator(
        "listing.listed",
        "六",
        _l("新上市企业"),
        _l("家"),
        "listing_candidate",
        lambda start, end: select(ListingCandidate.id).where(
            ListingCandidate.archived_at.is_(None),
            live_enterprise(ListingCandidate.enterprise_id),
            ListingCandidate.id.in_(
                select(StageChange.candidate_id).where(
                    StageChange.stage == "listed", StageChange.changed_on.between(start, end)
                )
            ),
        ),
    ),
    Indicator("listing.trainings", "六", _l("上市业务培训"), _l("场"), "training", listing_trainings),
    Indicator(
        "listing.training_enterprises",
        "六",
        _l("参加上市培训的企业"),
        _l("家"),
        "enterprise",
        lambda start, end: (
            select(training_participants.c.enterprise_id)
            .distinct()
            .where(
                training_participants.c.training_id.in_(listing_trainings(start, end)),
                live_enterprise(training_participants.c.enterprise_id),
            )
        ),
    ),
]


def _tag_indicator(tag: Tag) -> Indicator:
    return Indicator(
        f"tags.{tag.code}",
        "七",
        as_text(_l("%(name)s企业", name=tag.name)),
        _l("家"),
        "enterprise",
        # The firms with the tag, read from the (tag_id, enterprise_id) index; each firm once (primary key).
        lambda start, end, tag_id=tag.id: select(enterprise_tags.c.enterprise_id).where(
            enterprise_tags.c.tag_id == tag_id, live_enterprise(enterprise_tags.c.enterprise_id)
        ),
    )


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
