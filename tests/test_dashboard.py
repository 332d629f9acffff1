"""The home page after sign-in: a section per role, scoped by permissions, in a bounded number of statements."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta

import pytest

from registry.extensions import db
from registry.incubation.services import TENANCY
from registry.models import Certification, Incubator, ListingCandidate, PledgeLoan, Tenancy
from registry.records import writer

from .factories import (
    make_candidate,
    make_certification,
    make_enterprise,
    make_incubator,
    make_loan,
    make_tenancy,
)

TODAY = date.today()


def certification(firm, kind="high_tech", **kw) -> Certification:
    status, approved_on = kw.pop("status", "approved"), kw.pop("approved_on", TODAY)
    return make_certification(firm, kind=kind, status=status, approved_on=approved_on, **kw)


def loan(firm, registered_on, amount) -> PledgeLoan:
    return make_loan(firm, registered_on=registered_on, amount_wan=amount, status="active")


def candidate(firm, *stages, tier="general") -> ListingCandidate:
    history = [("reserve", TODAY), *((stage, TODAY) for stage in stages)]
    return make_candidate(firm, entered_on=TODAY, tier=tier, stages=history)


def stat(page: str, key: str) -> str:
    """The number shown on the card marked data-stat / data-indicator / data-kind = key."""
    match = re.search(
        rf'data-(?:stat|indicator|kind)="{re.escape(key)}".*?class="stat-number[^"]*"[^>]*>([^<]+)<',
        page,
        flags=re.S,
    )
    assert match, f"no card for {key}"
    return match.group(1).strip()


@pytest.fixture
def two_incubators(app):
    """Incubator 甲 (the manager's) with two tenants in the building and one who left; 乙 with one."""
    with app.test_request_context():
        mine = make_incubator(name="甲孵化器")
        other = make_incubator(name="乙孵化器")
        soon = make_tenancy(
            mine,
            make_enterprise(name="甲园即将到期企业"),
            moved_in_on=TODAY - timedelta(days=400),
            free_space_until=TODAY + timedelta(days=10),
        )
        make_tenancy(mine, make_enterprise(name="甲园长期企业"), moved_in_on=TODAY - timedelta(days=400))
        make_tenancy(
            mine,
            make_enterprise(name="甲园已离孵企业"),
            moved_in_on=TODAY - timedelta(days=900),
            left_on=TODAY - timedelta(days=100),
            exit_reason="graduated",
        )
        elsewhere = make_tenancy(
            other,
            make_enterprise(name="乙园企业"),
            moved_in_on=TODAY - timedelta(days=30),
            free_space_until=TODAY + timedelta(days=5),
        )
        db.session.commit()
        for stay in (soon, elsewhere):
            writer.update(
                TENANCY,
                None,
                stay.id,
                stay.version,
                {"free_space_until": stay.free_space_until + timedelta(days=1)},
                partial=True,
            )
        return mine.id, other.id


def test_manager_sees_their_own_incubators_occupancy_endings_and_changes(client, auth, two_incubators):
    mine, _other = two_incubators
    auth.login("mgr", roles=("incubator_manager",), incubator_ids=[mine])
    page = client.get("/").get_data(as_text=True)
    assert 'data-section="manager"' in page
    card = re.search(rf'data-incubator="{mine}".*?data-occupancy>(\d+)<', page, flags=re.S)
    assert card.group(1) == "2"  # the one who left is not in the building
    endings = page[page.index("free-space-endings") :]
    assert "甲园即将到期企业" in endings[: endings.index("</table>")]
    changes = page[page.index("dash-manager-changes") :]
    assert "甲园即将到期企业 @ 甲孵化器" in changes
    # Nothing of the other incubator, and no county-wide figures or report links.
    assert "乙孵化器" not in page and "乙园企业" not in page
    assert "data-kind=" not in page and 'href="/reports/' not in page


def test_a_manager_without_incubators_is_told_so(client, auth):
    auth.login("mgr", roles=("incubator_manager",))
    page = client.get("/").get_data(as_text=True)
    assert "尚未为您指定负责的孵化载体" in page


def test_science_bureau_sees_renewals_and_this_years_registrations_by_kind(client, auth, app):
    with app.app_context():
        ending = certification(
            make_enterprise(name="高企到期企业"),
            approved_on=TODAY - timedelta(days=1000),
            valid_until=TODAY + timedelta(days=30),
        )
        registered = certification(
            make_enterprise(name="本年科小企业"),
            kind="tech_sme",
            applied_on=TODAY,
            valid_until=date(TODAY.year, 12, 31),
        )
        archived = certification(make_enterprise(name="已归档科小企业"), kind="tech_sme")
        archived.archived_at = TODAY
        certification(
            make_enterprise(name="申报中企业"),
            kind="srdi_sme",
            status="applied",
            approved_on=None,
            applied_on=TODAY,
        )
        db.session.commit()
        del ending, registered
    auth.login("sb", roles=("science_bureau",))
    page = client.get("/").get_data(as_text=True)
    year_end_soon = (date(TODAY.year, 12, 31) - TODAY).days <= 90  # this year's 科小 ends within 90 days too
    assert stat(page, "ending") == str(1 + year_end_soon)
    assert stat(page, "renew") == "1"
    assert stat(page, "tech_sme") == "1"  # the archived one does not count
    row = re.search(
        r'<tr data-kind="tech_sme">.*?href="([^"]+)">(\d+)</a></td>\s*<td[^>]*>(\d+)<', page, re.S
    )
    assert row.group(2) == "1" and row.group(3) == "1"
    srdi = re.search(r'<tr data-kind="srdi_sme">.*?>(\d+)</a></td>\s*<td[^>]*>(\d+)<', page, re.S)
    assert srdi.groups() == ("0", "1")
    renewals = page[page.index("renewals-due") :]
    assert "高企到期企业" in renewals and "本年科小企业" in renewals
    # The number links to the certification list filtered to the same records.
    listed = client.get(row.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "本年科小企业" in listed and "已归档科小企业" not in listed and "高企到期企业" not in listed


def test_finance_officer_sees_the_pipeline_by_stage_and_this_years_loans(client, auth, app):
    with app.app_context():
        candidate(make_enterprise(name="入库企业"), tier="key")
        candidate(make_enterprise(name="辅导企业"), "shareholding_reform", "tutoring_filed")
        loan(make_enterprise(), TODAY, "100")
        loan(make_enterprise(), date(TODAY.year, 1, 1), "50.5")
        loan(make_enterprise(), date(TODAY.year - 1, 12, 31), "999")
        db.session.commit()
    auth.login("fo", roles=("finance_officer",))
    page = client.get("/").get_data(as_text=True)
    assert stat(page, "ip_pledge.loans") == "2"
    assert stat(page, "ip_pledge.loan_amount_wan") == "150.50"
    stages = dict(re.findall(r'<tr data-stage="(\w+)">.*?>(\d+)</a>', page, flags=re.S))
    assert stages == {"reserve": "1", "tutoring_filed": "1"}
    charts = json.loads(html.unescape(re.search(r"data-charts='([^']*)'", page).group(1)))
    assert charts["pipeline"]["labels"] == ["入库", "辅导备案"] and charts["pipeline"]["values"] == [1, 1]
    assert sum(charts["loans"]["counts"]) == 2
    drill = re.search(r'href="(/reports/drill/ip_pledge\.loans\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert "999" not in client.get(drill).get_data(as_text=True)
    assert "vendor/echarts/echarts.min.js" in page and "cdn" not in page.lower()


def test_report_writer_sees_key_numbers_linked_to_their_drill_downs(client, auth, app):
    with app.app_context():
        for n in range(3):
            make_enterprise(name=f"登记企业{n}")
        make_enterprise(name="未来企业", established_on=TODAY + timedelta(days=3))
        db.session.commit()
    auth.login("rw", roles=("report_writer",))
    page = client.get("/").get_data(as_text=True)
    assert 'data-section="report"' in page
    assert stat(page, "enterprises.total") == "3"
    card = page[page.index('data-indicator="enterprises.total"') :]
    assert re.search(r"上年同期 3\s*</div>", card[: card.index("</div>\n      </div>")])  # no change shown
    link = re.search(r'data-indicator="enterprises.total".*?href="([^"]+)"', page, re.S).group(1)
    assert link.startswith("/reports/drill/enterprises.total?")
    drill = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "登记企业0" in drill and "未来企业" not in drill
    assert 'id="charts" data-source="/reports/charts.json?' in page
    assert 'data-section="manager"' not in page and 'data-section="finance"' not in page


def test_a_user_with_several_roles_sees_each_of_their_sections(client, auth, two_incubators):
    mine, _other = two_incubators
    auth.login(
        "multi", roles=("science_bureau", "finance_officer", "incubator_manager"), incubator_ids=[mine]
    )
    page = client.get("/").get_data(as_text=True)
    sections = re.findall(r'data-section="(\w+)"', page)
    assert sections == ["manager", "science", "finance"]
    # Their manager section stays with their own incubator, though their other roles read everything.
    manager = page[page.index('data-section="manager"') : page.index('data-section="science"')]
    assert "甲孵化器" in manager and "乙孵化器" not in manager


def test_admin_sees_the_overview_and_the_latest_record_changes_not_sign_ins(client, auth, two_incubators):
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert stat(page, "incubators") == "2"
    latest = page[page.index("latest-changes") :]
    assert "乙园企业 @ 乙孵化器" in latest and "登录" not in latest and ">login<" not in latest


def test_the_dashboard_is_in_english_when_chosen(client, auth, app):
    with app.app_context():
        candidate(make_enterprise(), "tutoring_filed")
        db.session.commit()
    auth.login("fo", roles=("finance_officer",))
    client.post("/language/en", data={"next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert "Financial services this year" in page and "金融服务（本年）" not in page
    charts = json.loads(html.unescape(re.search(r"data-charts='([^']*)'", page).group(1)))
    assert charts["pipeline"]["labels"] == ["Tutoring filed"] and charts["loans"]["countName"] == "Loans"


ROLE_SETS = [
    ("admin",),
    ("incubator_manager",),
    ("science_bureau",),
    ("finance_officer",),
    ("report_writer",),
]


def grow(incubator_id: int, n: int) -> None:
    """More of everything each section lists or counts."""
    for i in range(n):
        firm = make_enterprise()
        incubator = db.session.get(Incubator, incubator_id)
        make_tenancy(incubator, firm, moved_in_on=TODAY, free_space_until=TODAY + timedelta(days=i + 1))
        certification(
            firm, approved_on=TODAY - timedelta(days=1000), valid_until=TODAY + timedelta(days=i + 1)
        )
        certification(firm, kind="tech_sme", valid_until=date(TODAY.year, 12, 31))
        loan(firm, TODAY, "10")
        candidate(firm, "shareholding_reform" if i % 2 else "tutoring_filed")
    db.session.commit()


@pytest.mark.parametrize("roles", ROLE_SETS, ids=[r[0] for r in ROLE_SETS])
def test_each_dashboard_issues_a_bounded_number_of_statements(client, auth, app, count_statements, roles):
    with app.test_request_context():
        incubator = make_incubator()
        db.session.commit()
        incubator_id = incubator.id
        grow(incubator_id, 2)
    auth.login("user", roles=roles, incubator_ids=[incubator_id] if "incubator_manager" in roles else [])
    with count_statements() as few:
        assert client.get("/").status_code == 200
    with app.test_request_context():
        grow(incubator_id, 12)
        stays = db.session.scalars(db.select(Tenancy).where(Tenancy.incubator_id == incubator_id)).all()
        for stay in stays[:10]:
            changes = {"free_space_until": TODAY + timedelta(days=59)}
            writer.update(TENANCY, None, stay.id, stay.version, changes, partial=True)
    with count_statements() as many:
        page = client.get("/").get_data(as_text=True)
    assert many.count == few.count, many.statements[few.count :]
    assert many.count <= 10
    assert "<html" in page
