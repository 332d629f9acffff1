"""Every indicator of DESIGN.md §4 with records on the period's boundaries; expected values by hand.

Period: 2021-03-01 … 2021-06-30. "Before" is 2021-02-28, "after" is 2021-07-01.

The three rules of §4: a 家 indicator counts distinct enterprises (each boundary test gives each record its
own firm; ``test_two_records_of_one_firm_count_once`` gives one firm two records, for every indicator);
"at end" reads the world as it was on the end date; archived records, and the records of an archived firm
or incubator, never count.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from registry.enums import FounderGroup
from registry.extensions import db
from registry.reports import indicators as ind
from registry.reports import service
from registry.reports.periods import Period

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
PERIOD = Period(S, E)


def values() -> dict:
    db.session.commit()
    return ind.values(ind.all_indicators(), S, E)


def archived_firm(**kw):
    firm = make_enterprise(**kw)
    firm.archived_at = ARCHIVED_AT
    return firm


def test_enterprises_total(ctx):
    for established in (None, BEFORE, E, AFTER):
        make_enterprise(established_on=established)
    archived_firm()
    assert values()["enterprises.total"] == 3


def test_a_deregistered_firm_counts_for_the_days_it_existed(ctx):
    tag = make_tag()
    kept = [
        make_enterprise(
            deregistered_on=AFTER, deregistered_reason="cancelled", high_value_ip_count=1, tags=[tag]
        ),
        make_enterprise(deregistered_on=E + timedelta(days=30), deregistered_reason="moved_away", tags=[tag]),
    ]
    gone = [
        make_enterprise(
            deregistered_on=E, deregistered_reason="cancelled", high_value_ip_count=1, tags=[tag]
        ),
        make_enterprise(deregistered_on=S, deregistered_reason="merged", tags=[tag]),
    ]
    for firm in kept + gone:
        make_certification(firm, kind="high_tech", status="approved", approved_on=BEFORE)
    v = values()
    # existing on the end date: deregistered after it; gone on it or before
    assert v["enterprises.total"] == len(kept)
    assert v[f"tags.{tag.code}"] == len(kept)
    assert v["high_tech.valid"] == len(kept)
    assert v["ip_pledge.high_value_ip_enterprises"] == 1


def test_enterprises_new(ctx):
    for established in (None, BEFORE, S, E, AFTER):
        make_enterprise(established_on=established)
    archived_firm(established_on=S)
    assert values()["enterprises.new"] == 2  # established on the start and on the end date


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


def test_tenancies_of_an_archived_incubator_never_count(ctx):
    gone = make_incubator()
    stay(gone, S)  # active and new
    stay(gone, BEFORE, left_on=E, reason="graduated")
    gone.archived_at = ARCHIVED_AT
    v = values()
    assert (
        v["incubation.tenants_active"],
        v["incubation.tenants_new"],
        v["incubation.tenants_graduated"],
    ) == (
        0,
        0,
        0,
    )


def test_tenants_at_end_are_in_incubators_open_then(ctx):
    later = make_incubator(opened_on=AFTER)
    stay(later, S)  # recorded before its incubator opened: not a tenant at the end
    stay(make_incubator(opened_on=None), S)  # no opening date: open
    v = values()
    assert v["incubation.tenants_active"] == 1
    assert v["incubation.tenants_new"] == 2  # the move-in is dated in the period either way


def test_an_incubator_closed_by_the_end_is_not_counted_nor_its_tenants(ctx):
    closed = make_incubator(opened_on=BEFORE, closed_on=E)
    stay(closed, S, left_on=E, reason="moved_out")
    still = make_incubator(opened_on=BEFORE, closed_on=AFTER)
    stay(still, S)
    v = values()
    assert v["incubation.incubators"] == 1  # closed on the end date: no longer open then
    assert v["incubation.tenants_active"] == 1


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
    """A certification of ``firm`` (a new firm of its own when None)."""
    return make_certification(firm or make_enterprise(), kind=kind, level=level, status=status, **kw)


def test_tech_sme_registered_and_valid(ctx):
    for approved in (BEFORE, S, E, AFTER):
        cert(None, "tech_sme", approved_on=approved, valid_until=date(approved.year, 12, 31))
    cert(None, "tech_sme", status="revoked", approved_on=S, valid_until=date(2021, 12, 31), revoked_on=E)
    cert(None, "tech_sme", approved_on=date(2020, 5, 1), valid_until=date(2020, 12, 31))
    hidden = cert(None, "tech_sme", approved_on=S, valid_until=date(2021, 12, 31))
    hidden.archived_at = ARCHIVED_AT
    cert(archived_firm(), "tech_sme", approved_on=S, valid_until=date(2021, 12, 31))
    v = values()
    assert v["tech_sme.registered"] == 3  # start, end, and the later-revoked one
    assert v["tech_sme.valid"] == 3  # before, start, end; the one revoked on the end date is not valid


def test_high_tech_applied_and_valid_on_the_end_date(ctx):
    for applied in (BEFORE, S, E, AFTER):
        cert(None, "high_tech", status="applied", applied_on=applied)
    cert(None, "high_tech", status="rejected", applied_on=E)
    cert(None, "high_tech", approved_on=date(2019, 1, 1), valid_until=E)  # valid through the end date
    cert(
        None, "high_tech", approved_on=date(2019, 1, 1), valid_until=E - timedelta(days=1)
    )  # expired the day before
    cert(
        None,
        "high_tech",
        status="revoked",
        approved_on=date(2020, 1, 1),
        valid_until=date(2022, 12, 31),
        revoked_on=E,
    )  # revoked on the end date
    cert(
        None,
        "high_tech",
        status="revoked",
        approved_on=date(2020, 1, 1),
        valid_until=date(2022, 12, 31),
        revoked_on=AFTER,
    )  # revoked after: still valid at the end
    cert(None, "high_tech", approved_on=AFTER, valid_until=date(2024, 6, 30))  # approved after
    cert(None, "high_tech", approved_on=date(2020, 1, 1), valid_until=None)  # no end
    v = values()
    assert v["high_tech.applied"] == 3  # start, end (applied) and end (rejected)
    assert v["high_tech.valid"] == 3


def test_srdi_indicators(ctx):
    cert(None, "little_giant", approved_on=date(2019, 6, 6), valid_until=date(2022, 6, 5), key_support=True)
    cert(None, "little_giant", approved_on=date(2021, 6, 30), valid_until=date(2024, 6, 29))
    cert(None, "little_giant", approved_on=S, status="revoked", valid_until=date(2024, 2, 28), revoked_on=E)
    cert(None, "little_giant", approved_on=date(2018, 7, 1), valid_until=E - timedelta(days=1))  # expired
    cert(None, "little_giant", approved_on=AFTER, valid_until=date(2024, 6, 30))  # approved after
    cert(
        None, "little_giant", level="provincial", approved_on=date(2020, 1, 1), valid_until=date(2022, 12, 31)
    )
    cert(None, "little_giant", level="provincial", approved_on=S, valid_until=date(2024, 2, 28))
    cert(None, "little_giant", level="provincial", status="applied", applied_on=S)
    cert(None, "little_giant", level="provincial", status="applied", applied_on=AFTER)
    cert(None, "little_giant", status="applied", applied_on=S)  # national application: not provincial
    cert(None, "srdi_product", level="provincial", status="applied", applied_on=E, product_name="膜")
    cert(None, "srdi_product", level="provincial", status="applied", applied_on=BEFORE, product_name="胶")
    cert(None, "srdi_sme", level="provincial", approved_on=date(2020, 10, 20), valid_until=date(2023, 10, 19))
    cert(None, "srdi_sme", level="national", approved_on=date(2020, 10, 20), valid_until=date(2023, 10, 19))
    cert(
        archived_firm(),
        "little_giant",
        approved_on=S,
        valid_until=date(2024, 2, 28),
        key_support=True,
    )
    v = values()
    assert v["srdi.little_giant_national_approved"] == 2  # on the end date, and the one revoked since
    assert v["srdi.little_giant_national_valid"] == 2
    assert v["srdi.little_giant_national_key_valid"] == 1
    assert v["srdi.little_giant_provincial_applied"] == 1
    assert v["srdi.product_provincial_applied"] == 1
    assert v["srdi.product_provincial_applied_products"] == 1
    assert v["srdi.sme_provincial_valid"] == 1


def test_products_are_counted_as_products_and_their_firms_as_firms(ctx):
    jintian, fulong = make_enterprise(), make_enterprise()
    for firm, product in [(jintian, "膜"), (jintian, "片材"), (fulong, "聚醚胺")]:
        cert(firm, "srdi_product", level="provincial", status="applied", applied_on=S, product_name=product)
    v = values()
    assert v["srdi.product_provincial_applied_products"] == 3
    assert v["srdi.product_provincial_applied"] == 2
    products = ind.get("srdi.product_provincial_applied_products")
    assert products.unit.code == "个" and products.record_type == "certification"
    rows, _after, count = service.drill_page(ind.get("srdi.product_provincial_applied"), PERIOD, None)
    assert count == 2 and [r.record.id for r in rows] == sorted([jintian.id, fulong.id])
    assert {r.record.id: sorted(c.product_name for c in r.via) for r in rows} == {
        jintian.id: ["片材", "膜"],
        fulong.id: ["聚醚胺"],
    }


def test_outreach_counts_distinct_firms_towns_and_events(ctx):
    a, b, c = make_enterprise(), make_enterprise(), make_enterprise()
    x, y, z = make_town(), make_town(), make_town()
    for held, target in [(S, a), (E, a), (BEFORE, b), (AFTER, c), (S, archived_firm())]:
        make_outreach(held_on=held, enterprise=target)
    for held, town in [(S, x), (E, x), (AFTER, y), (BEFORE, z)]:
        make_outreach(held_on=held, town=town, form="seminar")
    make_outreach(held_on=S, enterprise=b, archived_at=ARCHIVED_AT)
    gone = make_town()
    gone.archived_at = ARCHIVED_AT
    make_outreach(held_on=S, town=gone, form="seminar")  # an archived town: never counts
    v = values()
    assert v["ip_pledge.outreach_enterprises"] == 1
    assert v["ip_pledge.outreach_towns"] == 1
    assert v["ip_pledge.outreach_events"] == 4  # a's two visits and x's two seminars


def test_outreach_to_firms_with_high_value_ip(ctx):
    rich, poor = make_enterprise(high_value_ip_count=2), make_enterprise(high_value_ip_count=0)
    for firm in (rich, rich, poor):
        make_outreach(held_on=S, enterprise=firm)
    make_outreach(held_on=AFTER, enterprise=make_enterprise(high_value_ip_count=1))
    make_outreach(held_on=S, town=make_town(), form="seminar")
    v = values()
    assert v["ip_pledge.outreach_enterprises"] == 2
    assert v["ip_pledge.outreach_enterprises_high_value"] == 1
    rows, _after, _count = service.drill_page(
        ind.get("ip_pledge.outreach_enterprises_high_value"), PERIOD, None
    )
    assert [(r.record.id, len(r.via)) for r in rows] == [(rich.id, 2)]


def test_high_value_ip_enterprises(ctx):
    make_enterprise(high_value_ip_count=3)
    make_enterprise(high_value_ip_count=0)
    make_enterprise(high_value_ip_count=1, established_on=AFTER)  # set up after the end
    archived_firm(high_value_ip_count=2)
    assert values()["ip_pledge.high_value_ip_enterprises"] == 1


def test_loans_their_borrowers_and_their_amount(ctx):
    firm, other = make_enterprise(), make_enterprise()
    for day, amount in [(S, "100.50"), (E, "0.25"), (BEFORE, "99"), (AFTER, "7")]:
        make_loan(firm, registered_on=day, amount_wan=amount)
    make_loan(other, registered_on=E, amount_wan="3")
    make_loan(make_enterprise(), registered_on=AFTER, amount_wan="3")
    make_loan(firm, registered_on=S, amount_wan=5, archived_at=ARCHIVED_AT)
    make_loan(archived_firm(), registered_on=S, amount_wan=5)
    v = values()
    assert v["ip_pledge.loans"] == 3
    assert v["ip_pledge.loan_enterprises"] == 2
    assert v["ip_pledge.loan_amount_wan"] == Decimal("103.75")


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
    make_enterprise(tags=[used])
    archived_firm(tags=[used])
    make_enterprise(established_on=AFTER, tags=[used])  # set up after the end
    v = values()
    assert v["tags.kechuang-china"] == 1
    assert v["tags.cloud"] == 0


def test_a_firm_set_up_after_the_end_counts_in_nothing_said_at_end(ctx):
    """Rule 2: the firm does not exist on the end date (records dated before its founding are errors of
    entry, but the figures for the end date still leave it out)."""
    late = make_enterprise(established_on=AFTER, high_value_ip_count=1)
    stay(make_incubator(), S, firm=late, free_space_until=AFTER)
    cert(late, "high_tech", approved_on=S, valid_until=date(2024, 2, 28))
    candidate(S, tier="key", firm=late)
    v = values()
    at_end = [
        "enterprises.total",
        "incubation.tenants_active",
        "incubation.free_space_active",
        "high_tech.valid",
        "ip_pledge.high_value_ip_enterprises",
        "listing.reserve_active",
        "listing.key_reserve_active",
    ]
    assert {code: v[code] for code in at_end} == dict.fromkeys(at_end, 0)
    # Facts dated inside the period still count.
    assert (v["incubation.tenants_new"], v["listing.new_reserve"]) == (1, 1)


# ---- rule 1, for every indicator: two records of one firm count once -------------------------------------
def two_stays(firm, moved_in=S, **kw) -> None:
    """Two tenancies of ``firm``, in two incubators."""
    for _ in range(2):
        stay(make_incubator(), moved_in, firm=firm, **kw)


def two_certs(kind, level="national", firm=None, **kw) -> None:
    firm = firm or make_enterprise()
    cert(firm, kind, level, **kw)
    cert(firm, kind, level, **kw)


def two_visits(firm) -> None:
    make_outreach(held_on=S, enterprise=firm)
    make_outreach(held_on=E, enterprise=firm)


def two_loans() -> None:
    firm = make_enterprise()
    make_loan(firm, registered_on=S, amount_wan="100")
    make_loan(firm, registered_on=E, amount_wan="50")


def two_listing_trainings() -> None:
    firm = make_enterprise()
    make_training([firm], held_on=S, topic="listing")
    make_training([firm], held_on=E, topic="listing")


def registered_revoked_and_registered_again() -> None:
    firm = make_enterprise()
    cert(firm, "tech_sme", status="revoked", approved_on=S, valid_until=date(2021, 12, 31), revoked_on=S)
    cert(firm, "tech_sme", approved_on=E, valid_until=date(2021, 12, 31))


def rejected_and_applied_again() -> None:
    firm = make_enterprise()
    cert(firm, "high_tech", status="rejected", applied_on=S)
    cert(firm, "high_tech", status="applied", applied_on=E)


def one_incubator_with_two_stays_of_a_firm() -> None:
    home, firm = make_incubator(), make_enterprise()
    stay(home, BEFORE, left_on=S, firm=firm)
    stay(home, S, firm=firm)


def two_seminars_in_one_town() -> None:
    town = make_town()
    make_outreach(held_on=S, town=town, form="seminar")
    make_outreach(held_on=E, town=town, form="online")


def tagged_firm_with_two_stays() -> None:
    firm = make_enterprise(tags=[make_tag()])
    two_stays(firm)


VALID = {"approved_on": date(2020, 10, 1), "valid_until": date(2023, 9, 30)}
# code → (two records of one firm, the value, the records behind that firm on its drill-down row). A firm has
# at most one listing record (one per firm), so the listing cases give it one candidate with two stages.
CASES = {
    "enterprises.total": (lambda: two_stays(make_enterprise()), 1, 0),
    "enterprises.new": (lambda: two_stays(make_enterprise(established_on=S)), 1, 0),
    "incubation.tenants_active": (lambda: two_stays(make_enterprise()), 1, 2),
    "incubation.tenants_new": (lambda: two_stays(make_enterprise()), 1, 2),
    "incubation.tenants_graduated": (
        lambda: two_stays(make_enterprise(), BEFORE, left_on=E, reason="graduated"),
        1,
        2,
    ),
    "incubation.free_space_active": (lambda: two_stays(make_enterprise(), free_space_until=AFTER), 1, 2),
    **{
        f"incubation.{group.value}_tenants_active": (
            lambda group=group: two_stays(make_enterprise(founder_groups=[group.value])),
            1,
            2,
        )
        for group in FounderGroup
    },
    "tech_sme.registered": (registered_revoked_and_registered_again, 1, 2),
    "tech_sme.valid": (
        lambda: two_certs("tech_sme", approved_on=date(2021, 1, 5), valid_until=date(2021, 12, 31)),
        1,
        2,
    ),
    "high_tech.applied": (rejected_and_applied_again, 1, 2),
    "high_tech.valid": (lambda: two_certs("high_tech", **VALID), 1, 2),
    "srdi.little_giant_national_approved": (
        lambda: two_certs("little_giant", approved_on=S, valid_until=date(2024, 2, 28)),
        1,
        2,
    ),
    "srdi.little_giant_national_valid": (lambda: two_certs("little_giant", **VALID), 1, 2),
    "srdi.little_giant_national_key_valid": (
        lambda: two_certs("little_giant", key_support=True, **VALID),
        1,
        2,
    ),
    "srdi.little_giant_provincial_applied": (
        lambda: two_certs("little_giant", "provincial", status="applied", applied_on=S),
        1,
        2,
    ),
    "srdi.product_provincial_applied": (
        lambda: two_certs("srdi_product", "provincial", status="applied", applied_on=S),
        1,
        2,
    ),
    # 个: the products themselves.
    "srdi.product_provincial_applied_products": (
        lambda: two_certs("srdi_product", "provincial", status="applied", applied_on=S),
        2,
        0,
    ),
    "srdi.sme_provincial_valid": (lambda: two_certs("srdi_sme", "provincial", **VALID), 1, 2),
    "incubation.incubators": (one_incubator_with_two_stays_of_a_firm, 1, 0),  # 个: the incubator
    "ip_pledge.outreach_enterprises": (lambda: two_visits(make_enterprise()), 1, 2),
    "ip_pledge.outreach_enterprises_high_value": (
        lambda: two_visits(make_enterprise(high_value_ip_count=2)),
        1,
        2,
    ),
    "ip_pledge.outreach_towns": (two_seminars_in_one_town, 1, 2),  # 个: the town
    # 次: each visit.
    "ip_pledge.outreach_events": (lambda: two_visits(make_enterprise()), 2, 0),
    "ip_pledge.high_value_ip_enterprises": (lambda: two_visits(make_enterprise(high_value_ip_count=3)), 1, 0),
    "ip_pledge.loans": (two_loans, 2, 0),  # 笔: each loan
    "ip_pledge.loan_enterprises": (two_loans, 1, 2),
    "ip_pledge.loan_amount_wan": (two_loans, Decimal("150"), 0),
    "listing.reserve_active": (
        lambda: candidate(BEFORE, stages=[("shareholding_reform", S)]),
        1,
        1,
    ),
    "listing.key_reserve_active": (
        lambda: candidate(BEFORE, tier="key", stages=[("shareholding_reform", S)]),
        1,
        1,
    ),
    "listing.new_reserve": (lambda: candidate(S, stages=[("shareholding_reform", E)]), 1, 1),
    "listing.listed": (lambda: candidate(BEFORE, stages=[("registered", S), ("listed", E)]), 1, 1),
    "listing.trainings": (two_listing_trainings, 2, 0),  # 场: each session
    "listing.training_enterprises": (two_listing_trainings, 1, 2),
    "tags.kechuang-china": (tagged_firm_with_two_stays, 1, 0),
}


@pytest.mark.parametrize("code", [i.code for i in ind.FIXED] + ["tags.kechuang-china"])
def test_two_records_of_one_firm_count_once(ctx, code):
    assert code in CASES, f"{code}: a new indicator needs its case of one firm's two records here"
    build, expected, behind = CASES[code]
    build()
    indicator = ind.get(code)
    assert values()[code] == expected
    rows, _after, count = service.drill_page(indicator, PERIOD, None)
    if indicator.sum_of is None:
        assert count == len(rows) == len(service.ids_of(indicator, PERIOD)) == expected
    if indicator.counts_firms:
        assert indicator.record_type == "enterprise"
        assert len(rows) == 1 and [len(r.via) for r in rows] == [behind]
    elif indicator.via is not None:  # a town: the outreach behind it
        assert [len(r.via) for r in rows] == [behind]


def test_every_firm_count_is_of_enterprises_and_every_via_names_a_record_type(ctx):
    from registry.records import catalog

    make_tag()
    for indicator in ind.all_indicators():
        assert indicator.counts_firms == (indicator.record_type == "enterprise"), indicator.code
        if indicator.via is not None:
            assert catalog.get(indicator.via.record_type) is not None, indicator.code


def test_every_indicator_of_the_design_exists(ctx):
    codes = {i.code for i in ind.all_indicators()}
    expected = {
        "enterprises.total",
        "enterprises.new",
        "incubation.incubators",
        "incubation.tenants_active",
        "incubation.tenants_new",
        "incubation.tenants_graduated",
        "incubation.free_space_active",
        "tech_sme.registered",
        "tech_sme.valid",
        "high_tech.applied",
        "high_tech.valid",
        "srdi.little_giant_national_approved",
        "srdi.little_giant_national_valid",
        "srdi.little_giant_national_key_valid",
        "srdi.little_giant_provincial_applied",
        "srdi.product_provincial_applied",
        "srdi.product_provincial_applied_products",
        "srdi.sme_provincial_valid",
        "ip_pledge.outreach_enterprises",
        "ip_pledge.outreach_enterprises_high_value",
        "ip_pledge.outreach_towns",
        "ip_pledge.outreach_events",
        "ip_pledge.high_value_ip_enterprises",
        "ip_pledge.loans",
        "ip_pledge.loan_enterprises",
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
    units = {i.code: i.unit.code for i in ind.all_indicators()}
    assert {code for code, unit in units.items() if unit != "家"} == {
        "incubation.incubators",
        "srdi.product_provincial_applied_products",
        "ip_pledge.outreach_towns",
        "ip_pledge.outreach_events",
        "ip_pledge.loans",
        "ip_pledge.loan_amount_wan",
        "listing.trainings",
    }


def test_the_whole_summary_is_a_bounded_number_of_statements(
    client, auth, app, count_statements, monkeypatch
):
    from registry.demo import load_demo_data

    # Both requests read every value (a kept value read again costs one more: test_kept_by_change.py).
    monkeypatch.setitem(app.config, "SUMMARY_CACHE_SIZE", 0)
    auth.login("rw", roles=("report_writer",))
    with count_statements() as empty:
        client.get("/api/v1/summary?start=2021-01-01&end=2021-07-31")
    with app.app_context():
        load_demo_data()
    with count_statements() as full:
        response = client.get("/api/v1/summary?start=2021-01-01&end=2021-07-31")
    assert response.status_code == 200
    assert full.count == empty.count <= 6  # the user, their roles, the tags, the values


def _firms_with_stays(firms: int, stays: int) -> None:
    homes = [make_incubator() for _ in range(stays)]
    for _ in range(firms):
        firm = make_enterprise(founder_groups=["veteran"])
        for home in homes:
            stay(home, S, firm=firm)
    db.session.commit()


@pytest.mark.parametrize(
    "path",
    [
        "/reports/drill/incubation.tenants_active",
        "/reports/drill/incubation.veteran_tenants_active",
        "/api/v1/summary/incubation.tenants_active",
        "/reports/drill/incubation.tenants_new.csv",
    ],
)
def test_a_drill_down_page_costs_the_same_statements_however_many_firms_and_records(
    client, auth, app, count_statements, path, monkeypatch
):
    """Each firm's records behind the number load with the page, not one query per firm or per record."""
    # Every request reads the value afresh (a kept value costs one statement less: test_kept_summary.py).
    monkeypatch.setitem(app.config, "SUMMARY_CACHE_SIZE", 0)
    auth.login("rw", roles=("report_writer",))
    url = f"{path}?preset=custom&start={S}&end={E}"
    with app.test_request_context():
        _firms_with_stays(1, 1)
    client.get(url)  # warm: the tags, the session
    with count_statements() as small:
        assert client.get(url).status_code == 200
    with app.test_request_context():
        _firms_with_stays(45, 3)
    with count_statements() as big:
        response = client.get(url)
    assert response.status_code == 200
    # The user and their roles, the tags (the indicator's code), the page of firms, their count and their
    # records behind the number.
    assert big.count == small.count <= 7, big.statements
    if path.startswith("/api"):
        records = response.get_json()["records"]
        assert len(records) == 46 and {len(r["via"]) for r in records} == {1, 3}
