"""DESIGN.md §4 rule 2: recording a fact dated after a period's end never changes that period's numbers.

A small registry of 2021 is built once per test; hypothesis then records any sequence of later facts through
the one write path (new firms, stays, moves out, certifications, visits, loans, listing stages and tiers,
trainings, deregistrations, closings, tag and high-value-IP changes), each dated after the end and not
after today. Every indicator of the period must keep its value. A fact the write path refuses is simply
not recorded (that is the write path's business, tested elsewhere). Runs on SQLite and PostgreSQL like the
rest of the suite.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.certifications.services import CERTIFICATION
from registry.enterprises.services import ENTERPRISE
from registry.extensions import db
from registry.finance.services import LOAN, OUTREACH
from registry.incubation.services import INCUBATOR, TENANCY
from registry.listing.services import CANDIDATE, TRAINING, add_stage
from registry.records import writer
from registry.records.errors import Conflict, StaleVersion, ValidationFailed
from registry.reports import indicators as ind

from .factories import make_tag, make_town, uscc

START, END = date(2021, 1, 1), date(2021, 7, 31)
REFUSED = (ValidationFailed, Conflict, StaleVersion)

later_day = st.integers(min_value=1, max_value=(date.today() - END).days).map(
    lambda n: END + timedelta(days=n)
)
pick = st.integers(min_value=0, max_value=10_000)  # an index into the records of a kind, modulo their number
FACTS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "firm",
                "stay",
                "leave",
                "certify",
                "apply",
                "visit",
                "loan",
                "candidate",
                "stage",
                "tier",
                "training",
                "deregister",
                "close",
                "tags",
                "high_value",
            ]
        ),
        later_day,
        pick,
        pick,
    ),
    min_size=1,
    max_size=6,
)


def _world():
    """Firms of 2021 with stays, certifications, a visit, a loan, a listing candidate and tags."""
    town = make_town()
    tags = [make_tag("kechuang-china", "科创中国平台注册"), make_tag("cloud", "企业上云")]
    db.session.commit()
    firms = []
    for n in range(4):
        firms.append(
            writer.create(
                ENTERPRISE,
                None,
                {
                    "name": f"盘锦属性测试{n}科技有限公司",
                    "legal_form": "company",
                    "uscc": uscc(),
                    "town_id": town.id,
                    "established_on": "2019-01-01",
                    "tags": [tags[n % 2].code],
                    "high_value_ip_count": str(n % 3),
                    "effective_on": "2019-01-01",
                },
                confirmed=True,
            )
        )
    home = writer.create(
        INCUBATOR,
        None,
        {
            "name": "属性测试孵化器",
            "kind": "maker_space",
            "level": "county",
            "town_id": town.id,
            "opened_on": "2018-01-01",
        },
    )
    for firm in firms[:3]:
        writer.create(
            TENANCY, None, {"incubator_id": home.id, "enterprise_id": firm.id, "moved_in_on": "2021-02-01"}
        )
    for firm, kind in zip(firms, ("tech_sme", "high_tech", "little_giant", "srdi_sme"), strict=True):
        writer.create(
            CERTIFICATION,
            None,
            {
                "enterprise_id": firm.id,
                "kind": kind,
                "level": "national" if kind != "srdi_sme" else "provincial",
                "status": "approved",
                "applied_on": "2021-02-01",
                "approved_on": "2021-03-01",
                "batch": "1" if kind == "little_giant" else "",
            },
        )
    writer.create(OUTREACH, None, {"held_on": "2021-04-01", "enterprise_id": firms[0].id, "form": "visit"})
    writer.create(
        LOAN,
        None,
        {
            "enterprise_id": firms[1].id,
            "lender": "盘锦银行",
            "ip_type": "patent",
            "registered_on": "2021-05-01",
            "amount_wan": "100",
            "status": "active",
        },
    )
    writer.create(
        CANDIDATE,
        None,
        {
            "enterprise_id": firms[2].id,
            "entered_on": "2021-03-01",
            "tier": "general",
            "effective_on": "2021-03-01",
        },
    )
    return town, tags, home


def _record(fact, day: date, a: int, b: int, town, tags) -> None:
    from registry.models import Enterprise, Incubator, ListingCandidate, Tenancy

    def nth(model, n):
        rows = db.session.query(model).filter(model.archived_at.is_(None)).order_by(model.id).all()
        return rows[n % len(rows)] if rows else None

    firm, text = nth(Enterprise, a), day.isoformat()
    if fact == "firm":
        writer.create(
            ENTERPRISE,
            None,
            {
                "name": f"盘锦后来{a}{b}科技有限公司",
                "town_id": town.id,
                "established_on": text,
                "tags": [tags[0].code],
            },
            confirmed=True,
        )
    elif fact == "stay":
        writer.create(
            TENANCY,
            None,
            {"incubator_id": nth(Incubator, b).id, "enterprise_id": firm.id, "moved_in_on": text},
        )
    elif fact == "leave":
        stay = nth(Tenancy, b)
        writer.update(
            TENANCY, None, stay.id, stay.version, {"left_on": text, "exit_reason": "graduated"}, partial=True
        )
    elif fact in ("certify", "apply"):
        kind = ("tech_sme", "high_tech", "little_giant", "srdi_product")[b % 4]
        data = {"enterprise_id": firm.id, "kind": kind, "level": "national" if b % 2 else "provincial"}
        if fact == "certify":
            data |= {"status": "approved", "approved_on": text, "applied_on": text}
        else:
            data |= {"status": "applied", "applied_on": text}
        writer.create(CERTIFICATION, None, data)
    elif fact == "visit":
        target = {"enterprise_id": firm.id} if b % 2 else {"town_id": town.id}
        writer.create(OUTREACH, None, {"held_on": text, "form": "visit", **target})
    elif fact == "loan":
        writer.create(
            LOAN,
            None,
            {
                "enterprise_id": firm.id,
                "lender": "盘锦银行",
                "ip_type": "patent",
                "registered_on": text,
                "amount_wan": "50",
                "status": "active",
            },
        )
    elif fact == "candidate":
        writer.create(
            CANDIDATE,
            None,
            {"enterprise_id": firm.id, "entered_on": text, "tier": "key", "effective_on": text},
        )
    elif fact in ("stage", "tier"):
        candidate = nth(ListingCandidate, b)
        if candidate is None:
            return
        if fact == "stage":
            add_stage(
                None, candidate.id, candidate.version, ("listed", "withdrawn", "tutoring_filed")[a % 3], day
            )
        else:
            tier = "key" if candidate.tier == "general" else "general"
            writer.update(
                CANDIDATE,
                None,
                candidate.id,
                candidate.version,
                {"tier": tier, "effective_on": text},
                partial=True,
            )
    elif fact == "training":
        writer.create(
            TRAINING,
            None,
            {"held_on": text, "title": f"上市培训{a}", "topic": "listing", "enterprise_ids": [firm.id]},
        )
    elif fact == "deregister":
        writer.update(
            ENTERPRISE,
            None,
            firm.id,
            firm.version,
            {"deregistered_on": text, "deregistered_reason": "cancelled"},
            partial=True,
        )
    elif fact == "close":
        incubator = nth(Incubator, b)
        writer.update(INCUBATOR, None, incubator.id, incubator.version, {"closed_on": text}, partial=True)
    elif fact == "tags":
        codes = sorted({t.code for t in firm.tags} ^ {tags[b % 2].code})
        writer.update(
            ENTERPRISE, None, firm.id, firm.version, {"tags": codes, "effective_on": text}, partial=True
        )
    elif fact == "high_value":
        writer.update(
            ENTERPRISE,
            None,
            firm.id,
            firm.version,
            {"high_value_ip_count": str((firm.high_value_ip_count + 1 + b) % 4), "effective_on": text},
            partial=True,
        )


def test_facts_dated_after_the_end_never_change_the_period(ctx):
    town, tags, _home = _world()
    indicators = ind.all_indicators()
    before = ind.values(indicators, START, END)
    assert before["enterprises.total"] == 4 and before["incubation.tenants_active"] == 3  # the world is there

    recorded = set()

    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(facts=FACTS)
    def later_facts_change_nothing(facts):
        for fact, day, a, b in facts:
            try:
                _record(fact, day, a, b, town, tags)
                recorded.add(fact)
            except REFUSED:
                db.session.rollback()
        assert ind.values(indicators, START, END) == before

    later_facts_change_nothing()
    # The property was tried with most kinds of fact really recorded, not only refused ones.
    assert len(recorded) >= 10, sorted(recorded)
