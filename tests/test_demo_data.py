"""The demo data reproduces the seed report's numbers for 2021-01-01 … 2021-07-31 (issue table).

The counts here are plain queries written straight from DESIGN.md §4, independent of the report code, so
they check the data itself.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import and_, distinct, func, or_, select

from registry.demo import load_demo_data
from registry.domain.uscc import validate_uscc
from registry.extensions import db
from registry.models import (
    Certification,
    Enterprise,
    EnterpriseIpSpan,
    EnterpriseTagSpan,
    ListingCandidate,
    ListingTierSpan,
    Outreach,
    StageChange,
    Tag,
    Tenancy,
    Training,
)

START, END = date(2021, 1, 1), date(2021, 7, 31)


def _count(statement) -> int:
    return db.session.scalar(select(func.count()).select_from(statement.subquery()))


def _firms(statement) -> int:
    """The distinct enterprises among ``statement``'s rows (its first column): a 家 figure counts firms,
    never their records (DESIGN.md §4, rule 1)."""
    return db.session.scalar(select(func.count(distinct(statement.subquery().c[0]))))


def _existing_at_end():
    """The firms on the register at the end (§3: established by then, not deregistered by then), not archived."""
    return select(Enterprise.id).where(
        Enterprise.archived_at.is_(None),
        or_(Enterprise.established_on.is_(None), Enterprise.established_on <= END),
        or_(Enterprise.deregistered_on.is_(None), Enterprise.deregistered_on > END),
    )


def _certifications(kind: str, level: str | None = None):
    statement = (
        select(Certification.enterprise_id)
        .join(Enterprise, Enterprise.id == Certification.enterprise_id)
        .where(
            Certification.kind == kind, Certification.archived_at.is_(None), Enterprise.archived_at.is_(None)
        )
    )
    return statement.where(Certification.level == level) if level else statement


def _valid_at_end(statement):
    return statement.where(
        Certification.status.in_(["approved", "revoked"]),
        Certification.approved_on <= END,
        or_(Certification.valid_until.is_(None), Certification.valid_until >= END),
        or_(Certification.revoked_on.is_(None), Certification.revoked_on > END),
        Certification.enterprise_id.in_(_existing_at_end()),
    )


def _applied_in_period(statement):
    return statement.where(Certification.applied_on.between(START, END))


def _in_force_at_end(span):
    """A dated field's span in force on END (DESIGN.md §3)."""
    return and_(span.valid_from <= END, or_(span.valid_to.is_(None), span.valid_to > END))


def seed_numbers() -> dict[str, int]:
    active = select(Tenancy.enterprise_id).where(
        Tenancy.archived_at.is_(None),
        Tenancy.moved_in_on <= END,
        or_(Tenancy.left_on.is_(None), Tenancy.left_on > END),
        Tenancy.enterprise_id.in_(_existing_at_end()),
    )
    outreach = select(Outreach).where(Outreach.archived_at.is_(None), Outreach.held_on.between(START, END))
    stage_at_end = (
        select(StageChange.stage)
        .where(StageChange.candidate_id == ListingCandidate.id, StageChange.changed_on <= END)
        .order_by(StageChange.changed_on.desc(), StageChange.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    listing_trainings = select(Training.id).where(
        Training.archived_at.is_(None), Training.topic == "listing", Training.held_on.between(START, END)
    )
    return {
        "tech_sme.registered": _firms(
            _certifications("tech_sme").where(Certification.approved_on.between(START, END))
        ),
        "high_tech.applied": _firms(_applied_in_period(_certifications("high_tech"))),
        "srdi.little_giant_national_valid": _firms(
            _valid_at_end(_certifications("little_giant", "national"))
        ),
        "srdi.little_giant_national_key_valid": _firms(
            _valid_at_end(_certifications("little_giant", "national")).where(
                Certification.key_support.is_(True)
            )
        ),
        # The seed's "申报省级“专精特新”产品5家": five firms, one product each (5 products, 5 firms).
        "srdi.product_provincial_applied": _firms(
            _applied_in_period(_certifications("srdi_product", "provincial"))
        ),
        "srdi.product_provincial_applied_products": _count(
            _applied_in_period(_certifications("srdi_product", "provincial"))
        ),
        "srdi.little_giant_provincial_applied": _firms(
            _applied_in_period(_certifications("little_giant", "provincial"))
        ),
        "incubation.tenants_active": _firms(active),
        "ip_pledge.outreach_enterprises": db.session.scalar(
            select(func.count(distinct(Outreach.enterprise_id))).where(
                Outreach.archived_at.is_(None), Outreach.held_on.between(START, END)
            )
        ),
        # "深入22家获得高价值知识产权的企业": the firms visited that held high-value IP.
        "ip_pledge.outreach_enterprises_high_value": db.session.scalar(
            select(func.count(distinct(Outreach.enterprise_id)))
            .join(Enterprise, Enterprise.id == Outreach.enterprise_id)
            .where(
                Outreach.archived_at.is_(None),
                Outreach.held_on.between(START, END),
                Enterprise.high_value_ip_count > 0,
            )
        ),
        "ip_pledge.outreach_towns": db.session.scalar(
            select(func.count(distinct(Outreach.town_id))).where(
                Outreach.archived_at.is_(None), Outreach.held_on.between(START, END)
            )
        ),
        "ip_pledge.high_value_ip_enterprises": _count(
            _existing_at_end()
            .join(EnterpriseIpSpan, EnterpriseIpSpan.enterprise_id == Enterprise.id)
            .where(_in_force_at_end(EnterpriseIpSpan), EnterpriseIpSpan.value > 0)
        ),
        "listing.key_reserve_active": _firms(
            select(ListingCandidate.enterprise_id)
            .join(ListingTierSpan, ListingTierSpan.candidate_id == ListingCandidate.id)
            .where(
                ListingCandidate.archived_at.is_(None),
                ListingCandidate.entered_on <= END,
                _in_force_at_end(ListingTierSpan),
                ListingTierSpan.tier == "key",
                ListingCandidate.enterprise_id.in_(_existing_at_end()),
                stage_at_end.not_in(["listed", "withdrawn"]),
            )
        ),
        "listing.trainings": _count(listing_trainings),
        # "全县已有102家中小微企业注册使用": firms on the register at the end that carry the tag.
        "tags.kechuang-china": _count(
            _existing_at_end()
            .join(EnterpriseTagSpan, EnterpriseTagSpan.enterprise_id == Enterprise.id)
            .join(Tag, and_(Tag.id == EnterpriseTagSpan.tag_id, Tag.code == "kechuang-china"))
            .where(_in_force_at_end(EnterpriseTagSpan))
        ),
        "_outreach_rows": _count(outreach),
    }


SEED = {
    "tech_sme.registered": 8,
    "high_tech.applied": 3,
    "srdi.little_giant_national_valid": 2,
    "srdi.little_giant_national_key_valid": 1,
    "srdi.product_provincial_applied": 5,
    "srdi.product_provincial_applied_products": 5,
    "srdi.little_giant_provincial_applied": 4,
    "incubation.tenants_active": 26,
    "ip_pledge.outreach_enterprises": 22,
    "ip_pledge.outreach_enterprises_high_value": 22,
    "ip_pledge.outreach_towns": 13,
    "ip_pledge.high_value_ip_enterprises": 22,
    "listing.key_reserve_active": 1,
    "listing.trainings": 2,
    "tags.kechuang-china": 102,
}


@pytest.fixture
def demo(ctx):
    load_demo_data()


@pytest.mark.parametrize("code", sorted(SEED))
def test_demo_data_reproduces_seed_number(demo, code):
    assert seed_numbers()[code] == SEED[code], (
        f"{code}: the seed report's number, counted as DESIGN.md §4 rev. 2 says — 家 figures are distinct "
        "firms (not their tenancies or certificates), those 'at end' only of firms existing on 2021-07-31"
    )


def test_the_demo_s_outreach_visits_some_firms_twice(demo):
    """The 22 firms are 22 firms, not 22 visits: three of them had a second visit in July."""
    visits = db.session.scalar(
        select(func.count()).where(
            Outreach.archived_at.is_(None),
            Outreach.held_on.between(START, END),
            Outreach.enterprise_id.is_not(None),
        )
    )
    assert visits == 25 and seed_numbers()["ip_pledge.outreach_enterprises"] == 22


def test_demo_current_values_equal_their_open_spans(demo):
    """Today's tags, counts and tiers are those of the open spans (the write path keeps them so)."""
    for firm in db.session.scalars(select(Enterprise)):
        assert sorted(s.tag.code for s in firm.tag_spans if s.valid_to is None) == [t.code for t in firm.tags]
        assert [s.value for s in firm.ip_spans if s.valid_to is None] == [firm.high_value_ip_count]
    for candidate in db.session.scalars(select(ListingCandidate)):
        assert [s.tier for s in candidate.tier_spans if s.valid_to is None] == [candidate.tier]


def test_demo_has_facts_dated_after_the_period_that_move_no_number_of_it(demo):
    """A firm left 科创中国 in 2024 (and another joined), a candidate became key in 2025, a firm's high-value
    IP grew in 2023: today's values show them, the period's numbers (above) do not."""
    kechuang = db.session.scalar(select(Tag).where(Tag.code == "kechuang-china"))
    spans = select(EnterpriseTagSpan).where(EnterpriseTagSpan.tag_id == kechuang.id)
    ended = db.session.scalars(spans.where(EnterpriseTagSpan.valid_to.is_not(None))).all()
    assert [span.valid_to.year for span in ended] == [2024]
    assert kechuang not in db.session.get(Enterprise, ended[0].enterprise_id).tags
    joined = db.session.scalars(spans.where(EnterpriseTagSpan.valid_from > END)).all()
    assert [(span.valid_from.year, span.valid_to) for span in joined] == [(2024, None)]
    joiner = db.session.get(Enterprise, joined[0].enterprise_id)
    assert kechuang in joiner.tags and joiner.established_on <= END
    promoted = db.session.scalars(select(ListingTierSpan).where(ListingTierSpan.valid_to.is_not(None))).all()
    assert [(s.tier, s.valid_to.year) for s in promoted] == [("general", 2025)]
    assert db.session.get(ListingCandidate, promoted[0].candidate_id).tier == "key"
    grown = db.session.scalars(select(EnterpriseIpSpan).where(EnterpriseIpSpan.valid_to.is_not(None))).all()
    assert [s.valid_to.year for s in grown] == [2023]
    firm = db.session.get(Enterprise, grown[0].enterprise_id)
    assert firm.high_value_ip_count > grown[0].value > 0


def test_demo_data_twice_changes_no_count(ctx):
    load_demo_data()
    tables = [table for table in db.metadata.sorted_tables if table.name not in ("alembic_version",)]
    before = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
    assert load_demo_data() == {"enterprises": 0}
    after = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
    assert before == after
    assert before["enterprises"] > 150


def test_demo_usccs_pass_the_check_and_are_marked_synthetic(demo):
    codes = db.session.scalars(select(Enterprise.uscc).where(Enterprise.uscc.is_not(None))).all()
    assert codes and all(validate_uscc(code) == code for code in codes)
    assert all(code[8:10] == "DM" for code in codes)


def test_demo_names_the_seed_firms(demo):
    names = set(db.session.scalars(select(Enterprise.name)))
    for short in (
        "大禹防水",
        "富隆化工",
        "金田塑业",
        "天源药业",
        "华龙防水",
        "开味食品",
        "宋大房食品",
        "浩业化工",
    ):
        assert any(short in name for name in names), short
