"""Every indicator of DESIGN.md §4 with records on the period's boundaries; expected values by hand.

Period: 2021-03-01 … 2021-06-30. "Before" is 2021-02-28, "after" is 2021-07-01.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from registry.extensions import db
from registry.reports import indicators as ind

from .factories import (
    make_candidate,
    make_certification,
    make_enterprise,
    make_incubator,
    make_loan,
    make_outreach,
    make_tag,
    make_tenancy,
    make_town,
    make_training,
)

S, E = date(2021, 3, 1), date(2021, 6, 30)
BEFORE, AFTER = S - timedelta(days=1), E + timedelta(days=1)
ARCHIVED_AT = date(2021, 1, 1)


def values() -> dict:
    db.session.commit()
    return ind.values(ind.all_indicators(), S, E)


def archived_firm(**kw):
    firm = make_enterprise(**kw)
    firm.archived_at = ARCHIVED_AT
    return firm


@pytest.fixture
def firm(ctx):
    return make_enterprise()


def test_enterprises_total(ctx):
    for established in (None, BEFORE, E, AFTER):
        make_enterprise(established_on=established)
    archived_firm()
    assert values()["enterprises.total"] == 3


def test_incubators(ctx):
    make_incubator(opened_on=None)
    make_incubator(opened_on=E)
    make_incubator(opened_on=AFTER)
    gone = make_incubator(opened_on=BEFORE)
    gone.archived_at = ARCHIVED_AT
    assert values()["incubation.incubators"] == 2


def stay(incubator, moved_in, left_on=None, reason=None, firm=None, **kw):
    exit_reason = reason or ("moved_out" if left_on else None)
    return make_tenancy(incubator, firm, moved_in_on=moved_in, left_on=left_on, exit_reason=exit_reason, **kw)


def test_tenants_active_new_graduated_and_free_space(ctx):
    home = make_incubator()
    stay(home, E, free_space_until=E)  # active, new, free space to the end
    stay(home, AFTER)  # not yet
    stay(home, S - timedelta(days=100), left_on=E, reason="graduated")  # left on the end date: not active
    stay(home, S - timedelta(days=100), left_on=AFTER, free_space_until=E - timedelta(days=1))  # active
    stay(home, S, free_space_until=None)  # active, new
    stay(home, BEFORE, left_on=S, reason="graduated")  # graduated on the start date
    stay(home, BEFORE, left_on=BEFORE, reason="graduated")  # graduated before
    stay(home, BEFORE, left_on=AFTER, reason="graduated")  # graduated after (active at end)
    stay(home, BEFORE, left_on=S, reason="moved_out")  # left, not graduated
    archived = stay(home, S)
    archived.archived_at = ARCHIVED_AT  # archived: never counts
    stay(home, S, firm=archived_firm())  # firm archived: never counts
    v = values()
    assert v["incubation.tenants_active"] == 4
    assert v["incubation.tenants_new"] == 2
    assert v["incubation.tenants_graduated"] == 2
    assert v["incubation.free_space_active"] == 1


def test_tenants_by_founder_group(ctx):
    home = make_incubator()
    stay(home, S, firm=make_enterprise(founder_groups=["veteran", "woman"]))
    stay(home, S, firm=make_enterprise(founder_groups=["veteran"]), left_on=E)
    stay(home, AFTER, firm=make_enterprise(founder_groups=["woman"]))
    stay(home, S, firm=make_enterprise(founder_groups=["college_student"]))
    v = values()
    assert v["incubation.veteran_tenants_active"] == 1
    assert v["incubation.woman_tenants_active"] == 1
    assert v["incubation.college_student_tenants_active"] == 1
    assert v["incubation.returnee_tenants_active"] == 0


def cert(firm, kind, level="national", status="approved", **kw):
    return make_certification(firm, kind=kind, level=level, status=status, **kw)


def test_tech_sme_registered_and_valid(firm):
    for approved in (BEFORE, S, E, AFTER):
        cert(firm, "tech_sme", approved_on=approved, valid_until=date(approved.year, 12, 31))
    cert(firm, "tech_sme", status="revoked", approved_on=S, valid_until=date(2021, 12, 31), revoked_on=E)
    cert(firm, "tech_sme", approved_on=date(2020, 5, 1), valid_until=date(2020, 12, 31))
    hidden = cert(firm, "tech_sme", approved_on=S, valid_until=date(2021, 12, 31))
    hidden.archived_at = ARCHIVED_AT
    cert(archived_firm(), "tech_sme", approved_on=S, valid_until=date(2021, 12, 31))
    v = values()
    assert v["tech_sme.registered"] == 3  # start, end, and the later-revoked one
    assert v["tech_sme.valid"] == 3  # before, start, end; the one revoked on the end date is not valid


def test_high_tech_applied_and_valid_on_the_end_date(firm):
    for applied in (BEFORE, S, E, AFTER):
        cert(firm, "high_tech", status="applied", applied_on=applied)
    cert(firm, "high_tech", status="rejected", applied_on=E)
    cert(firm, "high_tech", approved_on=date(2019, 1, 1), valid_until=E)  # valid through the end date
    cert(
        firm, "high_tech", approved_on=date(2019, 1, 1), valid_until=E - timedelta(days=1)
    )  # expired the day before
    cert(
        firm,
        "high_tech",
        status="revoked",
        approved_on=date(2020, 1, 1),
        valid_until=date(2022, 12, 31),
        revoked_on=E,
    )  # revoked on the end date
    cert(
        firm,
        "high_tech",
        status="revoked",
        approved_on=date(2020, 1, 1),
        valid_until=date(2022, 12, 31),
        revoked_on=AFTER,
    )  # revoked after: still valid at the end
    cert(firm, "high_tech", approved_on=AFTER, valid_until=date(2024, 6, 30))  # approved after
    cert(firm, "high_tech", approved_on=date(2020, 1, 1), valid_until=None)  # no end
    v = values()
    assert v["high_tech.applied"] == 3  # start, end (applied) and end (rejected)
    assert v["high_tech.valid"] == 3


def test_srdi_indicators(firm):
    cert(firm, "little_giant", approved_on=date(2019, 6, 6), valid_until=date(2022, 6, 5), key_support=True)
    cert(firm, "little_giant", approved_on=date(2021, 6, 30), valid_until=date(2024, 6, 29))
    cert(firm, "little_giant", approved_on=date(2018, 7, 1), valid_until=E - timedelta(days=1))  # expired
    cert(
        firm, "little_giant", level="provincial", approved_on=date(2020, 1, 1), valid_until=date(2022, 12, 31)
    )
    cert(firm, "little_giant", level="provincial", status="applied", applied_on=S)
    cert(firm, "little_giant", level="provincial", status="applied", applied_on=AFTER)
    cert(firm, "little_giant", status="applied", applied_on=S)  # national application: not provincial
    cert(firm, "srdi_product", level="provincial", status="applied", applied_on=E, product_name="膜")
    cert(firm, "srdi_product", level="provincial", status="applied", applied_on=BEFORE, product_name="胶")
    cert(firm, "srdi_sme", level="provincial", approved_on=date(2020, 10, 20), valid_until=date(2023, 10, 19))
    cert(firm, "srdi_sme", level="national", approved_on=date(2020, 10, 20), valid_until=date(2023, 10, 19))
    cert(
        archived_firm(),
        "little_giant",
        approved_on=date(2020, 1, 1),
        valid_until=date(2022, 12, 31),
        key_support=True,
    )
    v = values()
    assert v["srdi.little_giant_national_valid"] == 2
    assert v["srdi.little_giant_national_key_valid"] == 1
    assert v["srdi.little_giant_provincial_applied"] == 1
    assert v["srdi.product_provincial_applied"] == 1
    assert v["srdi.sme_provincial_valid"] == 1


def test_outreach_counts_distinct_firms_and_towns(ctx):
    a, b, c = make_enterprise(), make_enterprise(), make_enterprise()
    x, y, z = make_town(), make_town(), make_town()
    for held, target in [(S, a), (E, a), (BEFORE, b), (AFTER, c), (S, archived_firm())]:
        make_outreach(held_on=held, enterprise=target)
    for held, town in [(S, x), (E, x), (AFTER, y), (BEFORE, z)]:
        make_outreach(held_on=held, town=town, form="seminar")
    make_outreach(held_on=S, enterprise=b, archived_at=ARCHIVED_AT)
    v = values()
    assert v["ip_pledge.outreach_enterprises"] == 1
    assert v["ip_pledge.outreach_towns"] == 1


def test_high_value_ip_enterprises(ctx):
    make_enterprise(high_value_ip_count=3)
    make_enterprise(high_value_ip_count=0)
    archived_firm(high_value_ip_count=2)
    assert values()["ip_pledge.high_value_ip_enterprises"] == 1


def test_loans_and_their_amount(firm):
    for day, amount in [(S, "100.50"), (E, "0.25"), (BEFORE, "99"), (AFTER, "7")]:
        make_loan(firm, registered_on=day, amount_wan=amount)
    make_loan(firm, registered_on=S, amount_wan=5, archived_at=ARCHIVED_AT)
    make_loan(archived_firm(), registered_on=S, amount_wan=5)
    v = values()
    assert v["ip_pledge.loans"] == 2
    assert v["ip_pledge.loan_amount_wan"] == Decimal("100.75")


def candidate(entered, tier="general", stages=(), firm=None, **kw):
    history = [("reserve", entered), *stages]
    return make_candidate(firm, entered_on=entered, tier=tier, stages=history, **kw)


def test_listing_reserve_new_and_listed(ctx):
    candidate(E, tier="key")  # active, key, new
    candidate(AFTER, tier="key")  # not yet
    candidate(S - timedelta(days=100), stages=[("withdrawn", E)])  # withdrawn on the end date
    candidate(S - timedelta(days=100), stages=[("withdrawn", AFTER)])  # withdrawn later: active at the end
    candidate(S - timedelta(days=200), tier="key", stages=[("listed", S)])  # listed in the period
    candidate(S - timedelta(days=200), stages=[("listed", AFTER)])  # listed after: active at the end
    candidate(S, tier="key", archived_at=ARCHIVED_AT)  # archived
    candidate(S, tier="key", firm=archived_firm())  # firm archived
    v = values()
    assert v["listing.reserve_active"] == 3
    assert v["listing.key_reserve_active"] == 1
    assert v["listing.new_reserve"] == 1
    assert v["listing.listed"] == 1


def test_listing_trainings_and_their_firms(ctx):
    a, b, c = make_enterprise(), make_enterprise(), make_enterprise()
    gone = archived_firm()
    make_training([a, b, gone], held_on=S, title="上市培训1", topic="listing")
    make_training([a], held_on=E, title="上市培训2", topic="listing")
    make_training([c], held_on=AFTER, title="上市培训3", topic="listing")
    make_training([c], held_on=S, title="知识产权培训", topic="ip")
    make_training([c], held_on=S, title="已归档培训", topic="listing", archived_at=ARCHIVED_AT)
    v = values()
    assert v["listing.trainings"] == 2
    assert v["listing.training_enterprises"] == 2


def test_one_indicator_per_tag(ctx):
    used, _unused = make_tag(), make_tag(code="cloud", name="企业上云")
    make_enterprise().tags = [used]
    archived_firm().tags = [used]
    v = values()
    assert v["tags.kechuang-china"] == 1
    assert v["tags.cloud"] == 0


def test_every_indicator_of_the_design_exists(ctx):
    codes = {i.code for i in ind.all_indicators()}
    expected = {
        "enterprises.total",
        "incubation.incubators",
        "incubation.tenants_active",
        "incubation.tenants_new",
        "incubation.tenants_graduated",
        "incubation.free_space_active",
        "tech_sme.registered",
        "tech_sme.valid",
        "high_tech.applied",
        "high_tech.valid",
        "srdi.little_giant_national_valid",
        "srdi.little_giant_national_key_valid",
        "srdi.little_giant_provincial_applied",
        "srdi.product_provincial_applied",
        "srdi.sme_provincial_valid",
        "ip_pledge.outreach_enterprises",
        "ip_pledge.outreach_towns",
        "ip_pledge.high_value_ip_enterprises",
        "ip_pledge.loans",
        "ip_pledge.loan_amount_wan",
        "listing.reserve_active",
        "listing.key_reserve_active",
        "listing.new_reserve",
        "listing.listed",
        "listing.trainings",
        "listing.training_enterprises",
    } | {
        f"incubation.{g}_tenants_active"
        for g in ("veteran", "college_student", "returning_migrant", "woman", "researcher", "returnee")
    }
    assert codes == expected


def test_the_whole_summary_is_a_bounded_number_of_statements(client, auth, app, count_statements):
    from registry.demo import load_demo_data

    auth.login("rw", roles=("report_writer",))
    with count_statements() as empty:
        client.get("/api/v1/summary?start=2021-01-01&end=2021-07-31")
    with app.app_context():
        load_demo_data()
    with count_statements() as full:
        response = client.get("/api/v1/summary?start=2021-01-01&end=2021-07-31")
    assert response.status_code == 200
    assert full.count == empty.count <= 6  # the user, their roles, the tags, the values
