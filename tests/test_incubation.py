"""Incubators and tenancies: the manager's register / edit / exit flow, rules, permissions, pages."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.incubation.services import INCUBATOR, TENANCY, register_tenant
from registry.models import ChangeLog, Enterprise, Incubator, Tenancy
from registry.records import writer
from registry.records.errors import Conflict, PermissionDenied, ValidationFailed

from .factories import PASSWORDS, make_enterprise, make_incubator, make_tenancy, make_town, make_user, uscc


@pytest.fixture
def setting(app):
    """Two incubators, a manager of the first, a town."""
    with app.app_context():
        town = make_town(name="太平街道")
        mine, other = (
            make_incubator(name="盘锦现代农业创业大厦", town=town),
            make_incubator(name="别的孵化器"),
        )
        db.session.commit()
        make_user("mgr", ["incubator_manager"], incubator_ids=[mine.id], display_name="大厦 李主任")
        return {"town": town.id, "mine": mine.id, "other": other.id}


def login_manager(client):
    return client.post("/login", data={"username": "mgr", "password": PASSWORDS["mgr"]})


def new_firm_form(setting, **kw):
    return {
        "incubator_id": str(setting["mine"]),
        "firm_mode": "new",
        "name": "“稻田蟹”电商创业团队",
        "uscc": "",
        "legal_form": "team",
        "town_id": str(setting["town"]),
        "founder_groups": ["veteran"],
        "moved_in_on": "2026-03-02",
    } | kw


def test_manager_registers_a_new_firm_as_tenant_with_two_years_free_space(client, app, setting):
    login_manager(client)
    response = client.post("/tenants/new", data=new_firm_form(setting))
    assert response.status_code == 302
    with app.app_context():
        tenancy = db.session.scalar(select(Tenancy))
        assert tenancy.incubator_id == setting["mine"]
        assert tenancy.enterprise.name == "“稻田蟹”电商创业团队"
        assert tenancy.free_space_until == date(2028, 3, 1)  # two years from move-in, minus a day
        log = db.session.scalars(
            select(ChangeLog).where(ChangeLog.object_type != "user").order_by(ChangeLog.id)
        ).all()
        assert [(e.object_type, e.action) for e in log] == [("enterprise", "create"), ("tenancy", "create")]
        assert len({e.request_id for e in log}) == 1 and log[0].user_name == "大厦 李主任"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“稻田蟹”电商创业团队" in page


def test_free_space_end_stays_editable(client, app, setting):
    login_manager(client)
    client.post("/tenants/new", data=new_firm_form(setting, free_space_until="2026-12-31"))
    with app.app_context():
        assert db.session.scalar(select(Tenancy.free_space_until)) == date(2026, 12, 31)


def test_manager_takes_in_an_existing_firm_by_uscc(client, app, setting):
    with app.app_context():
        code = make_enterprise(name="盘锦已登记科技有限公司").uscc
        db.session.commit()
    login_manager(client)
    data = new_firm_form(setting, firm_mode="existing", firm=code.lower(), name="")
    assert client.post("/tenants/new", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 1
        assert db.session.scalar(select(Tenancy)).enterprise.name == "盘锦已登记科技有限公司"


def test_a_bad_stay_writes_no_firm_either(client, app, setting):
    login_manager(client)
    page = client.post("/tenants/new", data=new_firm_form(setting, moved_in_on="2026-02-30")).get_data(
        as_text=True
    )
    assert "入驻日期：不是有效的日期" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_unknown_existing_firm_is_reported(client, setting):
    login_manager(client)
    page = client.post(
        "/tenants/new", data=new_firm_form(setting, firm_mode="existing", firm="不存在的企业")
    ).get_data(as_text=True)
    assert "未找到该企业" in page


def test_manager_cannot_register_into_another_incubator(client, app, setting):
    login_manager(client)
    page = client.post("/tenants/new", data=new_firm_form(setting, incubator_id=str(setting["other"])))
    assert page.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Tenancy)) == 0


def test_manager_cannot_open_another_incubators_tenancy(client, app, setting):
    with app.app_context():
        theirs = make_tenancy(incubator=db.session.get(Incubator, setting["other"])).id
        db.session.commit()
    login_manager(client)
    assert client.get(f"/tenancies/{theirs}/edit").status_code == 404
    assert client.get(f"/tenancies/{theirs}/exit").status_code == 404
    assert (
        client.post(
            f"/tenancies/{theirs}/exit",
            data={"left_on": "2026-01-01", "exit_reason": "graduated", "version": "1"},
        ).status_code
        == 404
    )
    assert client.get(f"/incubators/{setting['other']}").status_code == 404
    assert "别的孵化器" not in client.get("/incubators/").get_data(as_text=True)


def test_manager_edits_and_graduates_their_tenant(client, app, setting):
    with app.app_context():
        stay = make_tenancy(
            incubator=db.session.get(Incubator, setting["mine"]), moved_in_on=date(2024, 1, 8)
        ).id
        db.session.commit()
    login_manager(client)
    assert (
        client.post(
            f"/tenancies/{stay}/edit",
            data={"moved_in_on": "2024-01-08", "free_space_until": "2025-01-07", "version": "1"},
        ).status_code
        == 302
    )
    response = client.post(
        f"/tenancies/{stay}/exit", data={"left_on": "2026-06-30", "exit_reason": "graduated", "version": "2"}
    )
    assert response.status_code == 302
    with app.app_context():
        tenancy = db.session.get(Tenancy, stay)
        assert (tenancy.left_on, tenancy.exit_reason, tenancy.free_space_until) == (
            date(2026, 6, 30),
            "graduated",
            date(2025, 1, 7),
        )
    page = client.get(f"/incubators/{setting['mine']}").get_data(as_text=True)
    assert "已离孵企业（1）" in page and "毕业" in page


def test_manager_can_edit_their_tenants_firm_but_not_the_incubator(client, app, setting):
    with app.app_context():
        stay = make_tenancy(incubator=db.session.get(Incubator, setting["mine"]))
        firm_id = stay.enterprise_id
        db.session.commit()
    login_manager(client)
    assert client.get(f"/enterprises/{firm_id}/edit").status_code == 200
    assert client.get(f"/incubators/{setting['mine']}/edit").status_code == 403
    assert client.get("/incubators/new").status_code == 403


def test_tenant_list_flags_free_space_ending_within_60_days(client, app, setting, auth):
    today = date.today()
    with app.app_context():
        mine = db.session.get(Incubator, setting["mine"])
        make_tenancy(
            incubator=mine,
            enterprise=make_enterprise(name="快到期企业"),
            moved_in_on=today - timedelta(days=300),
            free_space_until=today + timedelta(days=60),
        )
        make_tenancy(
            incubator=mine,
            enterprise=make_enterprise(name="不急企业"),
            moved_in_on=today - timedelta(days=300),
            free_space_until=today + timedelta(days=61),
        )
        db.session.commit()
    login_manager(client)
    page = client.get(f"/incubators/{setting['mine']}").get_data(as_text=True)
    flagged = re.findall(r'class="table-warning ending-soon">\s*<td><a [^>]+>([^<]+)</a>', page)
    assert flagged == ["快到期企业"]
    assert "60天（即将到期）" in page and "61天" in page


def test_incubator_page_counts_tenants_by_founder_group(client, app, setting, auth):
    with app.app_context():
        mine = db.session.get(Incubator, setting["mine"])
        for groups in (["veteran"], ["veteran", "woman"], ["college_student"]):
            make_tenancy(incubator=mine, enterprise=make_enterprise(founder_groups=groups))
        make_tenancy(
            incubator=mine,
            enterprise=make_enterprise(founder_groups=["veteran"]),
            left_on=date(2025, 1, 1),
            exit_reason="graduated",
        )
        db.session.commit()
    auth.login("rw", roles=("report_writer",))
    page = client.get(f"/incubators/{setting['mine']}").get_data(as_text=True)
    counts = dict(re.findall(r'<span class="text-muted">([^<]+)</span> <strong>(\d+)</strong>', page))
    assert counts["退役军人"] == "2" and counts["女性"] == "1" and counts["大学生"] == "1"
    assert re.search(r'id="occupancy">3<', page)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"left_on": "2021-02-28", "exit_reason": "graduated"}, "left_on", "离孵日期：不能早于入驻日期"),
        ({"left_on": "2021-04-01"}, "exit_reason", "离孵原因：填写离孵日期时必须选择"),
        ({"exit_reason": "graduated"}, "left_on", "离孵日期：选择离孵原因时必须填写"),
        ({"free_space_until": "2021-01-01"}, "free_space_until", "免费场地截止：不能早于入驻日期"),
        (
            {"left_on": (date.today() + timedelta(days=2)).isoformat(), "exit_reason": "other"},
            "left_on",
            "离孵日期：不能晚于今天",
        ),
        (
            {"exit_reason": "expelled", "left_on": "2021-04-01"},
            "exit_reason",
            "离孵原因：“expelled”不是可选值",
        ),
        ({"moved_in_on": ""}, "moved_in_on", "入驻日期：不能为空"),
    ],
)
def test_tenancy_rules(ctx, changes, field, message):
    incubator, firm = make_incubator(), make_enterprise()
    db.session.commit()
    data = {"incubator_id": incubator.id, "enterprise_id": firm.id, "moved_in_on": "2021-03-01"} | changes
    with pytest.raises(ValidationFailed) as refused:
        writer.create(TENANCY, None, data)
    assert any(message in m for m in refused.value.errors[field]), refused.value.errors


def test_one_open_tenancy_per_incubator_and_firm(ctx):
    stay = make_tenancy()
    db.session.commit()
    data = {
        "incubator_id": stay.incubator_id,
        "enterprise_id": stay.enterprise_id,
        "moved_in_on": "2022-01-01",
    }
    with pytest.raises(Conflict):
        writer.create(TENANCY, None, data)
    writer.create(
        TENANCY,
        None,
        data | {"moved_in_on": "2019-01-01", "left_on": "2019-12-31", "exit_reason": "moved_out"},
    )


def test_science_bureau_manages_incubators_and_archive_needs_no_open_tenants(ctx):
    sb = make_user("sb", ["science_bureau"])
    town = make_town()
    db.session.commit()
    incubator = writer.create(
        INCUBATOR,
        sb,
        {
            "name": "新孵化器",
            "kind": "maker_space",
            "level": "county",
            "town_id": town.id,
            "area_m2": "1200.5",
        },
    )
    with pytest.raises(Conflict):
        writer.create(
            INCUBATOR, sb, {"name": "新孵化器", "kind": "maker_space", "level": "county", "town_id": town.id}
        )
    make_tenancy(incubator=db.session.get(Incubator, incubator.id))
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        writer.archive(INCUBATOR, sb, incubator.id, 1, "停办")
    assert "在孵企业" in str(refused.value.errors)


def test_register_tenant_service_checks_the_incubator_first(ctx):
    mine, other = make_incubator(), make_incubator()
    db.session.commit()
    manager = make_user("m2", ["incubator_manager"], incubator_ids=[mine.id])
    data = {
        "incubator_id": str(other.id),
        "firm_mode": "new",
        "name": "某公司",
        "uscc": uscc(),
        "legal_form": "company",
        "town_id": str(mine.town_id),
        "moved_in_on": "2026-01-05",
    }
    with pytest.raises(PermissionDenied):
        register_tenant(manager, data)
    tenancy = register_tenant(manager, data | {"incubator_id": str(mine.id)})
    assert tenancy.incubator_id == mine.id and tenancy.free_space_until is None


def test_incubator_list_searches_pages_exports_and_shows_archived(
    client, app, setting, auth, count_statements
):
    """The incubator list is the API's list definition on the shared pages: search, paging, export, archived."""
    with app.app_context():
        mine = db.session.get(Incubator, setting["mine"])
        for _ in range(2):
            make_tenancy(incubator=mine)
        make_tenancy(incubator=mine, left_on=date(2025, 1, 1), exit_reason="graduated")
        for n in range(30):
            make_incubator(name=f"众创空间{n:02d}")
        make_incubator(name="旧的孵化器", archived_at=datetime(2024, 1, 1), archived_reason="停用")
        db.session.commit()
    auth.login("rw", roles=("report_writer",))
    page = client.get("/incubators/?q=大厦").get_data(as_text=True)
    assert "盘锦现代农业创业大厦" in page and "别的孵化器" not in page
    assert re.search(r'<td class="text-end">2</td>', page)  # current tenants only
    first = client.get("/incubators/?size=20").get_data(as_text=True)
    assert 'rel="next"' in first
    archived = client.get("/incubators/?archived=1").get_data(as_text=True)
    assert "旧的孵化器" in archived and "别的孵化器" not in archived
    assert "旧的孵化器" not in client.get("/incubators/").get_data(as_text=True)
    csv = client.get("/incubators/export.csv?q=众创").get_data(as_text=True)
    assert "众创空间00" in csv and "众创空间29" in csv and "盘锦" not in csv
    with count_statements() as counter:
        client.get("/incubators/?size=50")
    assert counter.count <= 12


def test_the_incubator_list_offers_its_towns_by_name(client, app, setting, auth):
    """The town filter is a choice of towns, as on the other lists, not a box for a town's id."""
    with app.app_context():
        incubator = db.session.get(Incubator, setting["mine"])
        town_id, town_name = incubator.town_id, incubator.town.name
    auth.login("rw", roles=("report_writer",))
    page = client.get("/incubators/").get_data(as_text=True)
    assert re.search(rf'<option value="{town_id}"[^>]*>{town_name}</option>', page)
    chosen = client.get(f"/incubators/?town={town_id}").get_data(as_text=True)
    assert re.search(rf'<option value="{town_id}" selected[^>]*>{town_name}</option>', chosen)
