"""The indicator registry (DESIGN.md §4): every summary count defined once, as SQL of a period.

Each indicator declares its unit, what it counts (``records(start, end)`` → a SELECT of their ids) and how
its value is made from them (a count, or a sum of a column): reports/counting.py; the record sets several
share, and the longer queries, are reports/record_sets.py. Values are aggregates in SQL; the whole summary
is one statement (plus one listing the tags and one reading what changed since the values were kept, and
only those two while nothing they read has been written since: reports/kept.py), whatever the size of the
registry.

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

from dataclasses import replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..enums import FounderGroup
from ..extensions import db
from ..i18n import as_text
from ..models import (
    Certification,
    Enterprise,
    Incubator,
    ListingCandidate,
    Outreach,
    PledgeLoan,
    Tag,
    Tenancy,
)
from .conditions import (
    cert_applied,
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
    tenancy_counts,
    training_attendance,
)
from .counting import (
    EVENTS,
    ITEMS,
    LOANS,
    SESSIONS,
    WAN,
    Indicator,
    Member,
    Via,
    distinct_ids,
    firms,
    firms_in,
    firms_via,
    values,  # noqa: F401 — the summary's one statement, read by the modules that use these
)
from .record_sets import (
    ACTIVE_TENANCIES,
    RESERVE,
    TAG_HOLDERS,
    VALID_CERTIFICATIONS,
    every,
    high_value_ip_firms,
    in_founder_group,
    listed,
    of_kind,
    outreach_to_firms,
    outreach_to_towns,
    products_applied,
    registered_firms,
)
from .sections import SECTIONS


def _founder_group_indicator(group: FounderGroup) -> Indicator:
    # The group's firms once, from the (founder_group, enterprise_id) index; not a probe per tenancy.
    return firms_in(
        f"incubation.{group.value}_tenants_active",
        "三",
        as_text(_l("在孵企业中%(group)s创业企业", group=group.label)),
        "tenancy",
        ACTIVE_TENANCIES,
        in_founder_group(group.value),
    )


FIXED: list[Indicator] = [
    firms(
        "enterprises.total",
        "一",
        _l("登记企业总数"),
        lambda start, end: select(Enterprise.id).where(enterprise_exists_on(Enterprise.id, end)),
        count=registered_firms,
    ),
    firms(
        "enterprises.new",
        "一",
        _l("新成立企业"),
        lambda start, end: select(Enterprise.id).where(
            Enterprise.established_on.between(start, end), live_enterprise(Enterprise.id)
        ),
    ),
    firms_in("incubation.tenants_active", "三", _l("在孵企业"), "tenancy", ACTIVE_TENANCIES, every),
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
    firms_in(
        "incubation.free_space_active",
        "三",
        _l("享受免费办公场地的在孵企业"),
        "tenancy",
        ACTIVE_TENANCIES,
        lambda rows, start, end: [rows.free_space_until >= end],
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
    firms_in(
        "tech_sme.valid",
        "四",
        _l("有效期内科技型中小企业"),
        "certification",
        VALID_CERTIFICATIONS,
        of_kind("tech_sme"),
    ),
    firms_via("high_tech.applied", "四", _l("申报高新技术企业"), "certification", cert_applied("high_tech")),
    firms_in(
        "high_tech.valid",
        "四",
        _l("有效期内高新技术企业"),
        "certification",
        VALID_CERTIFICATIONS,
        of_kind("high_tech"),
    ),
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
    firms_in(
        "srdi.little_giant_national_valid",
        "四",
        _l("国家级专精特新“小巨人”企业"),
        "certification",
        VALID_CERTIFICATIONS,
        of_kind("little_giant", "national"),
    ),
    firms_in(
        "srdi.little_giant_national_key_valid",
        "四",
        _l("其中重点支持“小巨人”企业"),
        "certification",
        VALID_CERTIFICATIONS,
        of_kind("little_giant", "national", key_support=True),
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
        products_applied,
    ),
    firms_in(
        "srdi.sme_provincial_valid",
        "四",
        _l("省级专精特新中小企业"),
        "certification",
        VALID_CERTIFICATIONS,
        of_kind("srdi_sme", "provincial"),
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
        outreach_to_firms(),
    ),
    firms_via(
        "ip_pledge.outreach_enterprises_high_value",
        "六",
        _l("其中拥有高价值知识产权的企业"),
        "outreach",
        # The firm's high-value IP on the outreach's own date.
        outreach_to_firms(high_value_ip_on(Outreach.enterprise_id, Outreach.held_on)),
    ),
    Indicator(
        "ip_pledge.outreach_towns",
        "六",
        _l("知识产权质押融资宣传镇街"),
        ITEMS,
        "town",
        distinct_ids(outreach_to_towns),
        via=Via("outreach", outreach_to_towns),
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
        high_value_ip_firms,
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
    firms_in("listing.reserve_active", "六", _l("上市后备企业"), "listing_candidate", RESERVE, every),
    firms_in(
        "listing.key_reserve_active",
        "六",
        _l("重点上市后备企业"),
        "listing_candidate",
        RESERVE,
        lambda rows, start, end: [listing_tier_on(end, rows.record_id) == "key"],
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
    firms_via("listing.listed", "六", _l("新上市企业"), "listing_candidate", listed),
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
    """The firms carrying the tag at end: the shared tag spans in force then, narrowed to this tag."""
    member = Member(TAG_HOLDERS, lambda rows, start, end, tag_id=tag.id: [rows.tag_id == tag_id])
    label = as_text(_l("%(name)s企业", name=tag.name))
    indicator = firms(f"tags.{tag.code}", "七", label, distinct_ids(member.pairs))
    # Its code and id are the tag's row: any change to the table reads its value again.
    defined_by = frozenset({f"{Tag.__tablename__}.*"})
    return replace(indicator, member=member, defined_by=defined_by, identity=(tag.id,))


def all_indicators() -> list[Indicator]:
    """The fixed indicators and one per tag (one statement lists the tags), in report order."""
    tags = db.session.scalars(select(Tag).where(Tag.archived_at.is_(None)).order_by(Tag.code)).all()
    indicators = FIXED + [_tag_indicator(tag) for tag in tags]
    order = list(SECTIONS)
    return sorted(indicators, key=lambda ind: order.index(ind.section))


def get(code: str) -> Indicator | None:
    return next((ind for ind in all_indicators() if ind.code == code), None)
