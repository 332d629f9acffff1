"""Enterprise pages per role: list (search, filters, facets, sort, paging), export, forms, history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.enterprises.services import ENTERPRISE
from registry.extensions import db
from registry.models import ChangeLog, Enterprise
from registry.records import writer

from .factories import (
    PASSWORDS,
    make_enterprise,
    make_incubator,
    make_tenancy,
    make_town,
    make_user,
    names_on,
    uscc,
)


@pytest.mark.parametrize(
    "path", ["/enterprises/", "/enterprises/new", "/enterprises/1", "/enterprises/export.csv"]
)
def test_anonymous_users_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_report_writer_reads_but_cannot_write(client, auth, app):
    with app.app_context():
        firm_id = make_enterprise(name="只读测试有限公司").id
        db.session.commit()
    auth.login("rw", roles=("report_writer",))
    assert client.get("/enterprises/").status_code == 200
    page = client.get(f"/enterprises/{firm_id}").get_data(as_text=True)
    assert "只读测试有限公司" in page and "/edit" not in page and "归档原因" not in page
    assert client.get("/enterprises/new").status_code == 403
    assert client.get(f"/enterprises/{firm_id}/edit").status_code == 403
    assert client.post(f"/enterprises/{firm_id}/archive", data={"version": "1"}).status_code == 403
    with app.app_context():
        assert db.session.get(Enterprise, firm_id).archived_at is None


def test_science_bureau_registers_a_firm_through_the_form(client, auth, app):
    with app.app_context():
        town_id = make_town(name="太平街道").id
        db.session.commit()
    auth.login("sb", roles=("science_bureau",), display_name="科技局 王科长")
    code = uscc()
    response = client.post(
        "/enterprises/new",
        data={
            "name": "盘锦新登记科技有限公司",
            "uscc": code,
            "legal_form": "company",
            "town_id": str(town_id),
            "founder_groups": ["veteran"],
            "employees": "8",
        },
    )
    assert response.status_code == 302
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "盘锦新登记科技有限公司" in detail and code in detail
    assert "科技局 王科长" in detail  # the history names the user
    assert "退役军人" in detail


def test_form_errors_are_shown_beside_the_fields_and_input_is_kept(client, auth, app):
    with app.app_context():
        town_id = make_town().id
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    page = client.post(
        "/enterprises/new",
        data={
            "name": "保留输入有限公司",
            "uscc": "914403001922038217",
            "legal_form": "company",
            "town_id": str(town_id),
            "employees": "很多",
        },
    ).get_data(as_text=True)
    assert "校验码错误" in page and "从业人数：应为整数" in page
    assert 'value="保留输入有限公司"' in page and 'value="很多"' in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Enterprise)) == 0


def test_duplicate_warning_links_to_the_existing_firm_before_saving(client, auth, app):
    with app.app_context():
        existing = make_enterprise(name="盘锦金田塑业有限公司")
        existing_id, town_id = existing.id, existing.town_id
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    data = {
        "name": "盘锦金田塑業(yè)有限公司",
        "uscc": uscc(),
        "legal_form": "company",
        "town_id": str(town_id),
    }
    page = client.post("/enterprises/new", data=data).get_data(as_text=True)
    assert "可能重复" in page and f'href="/enterprises/{existing_id}"' in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Enterprise)) == 1
    assert client.post("/enterprises/new", data=data | {"confirm_duplicate": "1"}).status_code == 302


def test_stale_edit_is_refused_with_the_current_values_shown(client, auth, app):
    with app.app_context():
        firm = make_enterprise(name="并发修改有限公司", employees=10)
        firm_id, town_id, code = firm.id, firm.town_id, firm.uscc
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    base = {
        "name": "并发修改有限公司",
        "uscc": code,
        "legal_form": "company",
        "town_id": str(town_id),
        "version": "1",
    }
    assert client.post(f"/enterprises/{firm_id}/edit", data=base | {"employees": "11"}).status_code == 302
    page = client.post(f"/enterprises/{firm_id}/edit", data=base | {"employees": "99"}).get_data(as_text=True)
    assert "已被他人修改" in page
    assert 'value="11"' in page  # the form now shows what is stored
    with app.app_context():
        assert db.session.get(Enterprise, firm_id).employees == 11


def test_archive_and_restore_through_the_pages(client, auth, app):
    with app.app_context():
        firm_id = make_enterprise(name="归档测试有限公司").id
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    client.post(f"/enterprises/{firm_id}/archive", data={"version": "1", "archived_reason": "已注销"})
    assert "归档测试有限公司" not in client.get("/enterprises/").get_data(as_text=True)
    assert "归档测试有限公司" in client.get("/enterprises/?archived=1").get_data(as_text=True)
    client.post(f"/enterprises/{firm_id}/restore", data={"version": "2"})
    assert "归档测试有限公司" in client.get("/enterprises/").get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(
            select(ChangeLog.action).where(ChangeLog.object_type == "enterprise").order_by(ChangeLog.id)
        ).all()
    assert actions == ["archive", "restore"]


def test_manager_sees_only_their_tenants(client, auth, app):
    with app.app_context():
        mine, other = make_incubator(name="我的孵化器"), make_incubator(name="别人的孵化器")
        tenant = make_tenancy(incubator=mine, enterprise=make_enterprise(name="我的在孵企业有限公司"))
        stranger = make_tenancy(incubator=other, enterprise=make_enterprise(name="别人的在孵企业有限公司"))
        make_enterprise(name="无关企业有限公司")
        db.session.commit()
        make_user("mgr", ["incubator_manager"], incubator_ids=[mine.id])
        ids = (tenant.enterprise_id, stranger.enterprise_id)
    client.post(
        "/login",
        data={"username": "mgr", "password": PASSWORDS["mgr"]},
    )
    assert names_on(client.get("/enterprises/").get_data(as_text=True)) == ["我的在孵企业有限公司"]
    assert client.get(f"/enterprises/{ids[1]}").status_code == 404
    assert client.get(f"/enterprises/{ids[0]}/edit").status_code == 200
    assert client.get("/enterprises/new").status_code == 403
    assert client.get("/enterprises/lookup?q=企业").get_json()["items"][0]["name"] == "我的在孵企业有限公司"


def test_history_shows_child_records_changes_on_the_firm(ctx):
    firm = make_enterprise()
    db.session.commit()
    writer.update(ENTERPRISE, None, firm.id, 1, {"employees": "7"}, partial=True)
    entry = db.session.scalar(select(ChangeLog).where(ChangeLog.enterprise_id == firm.id))
    assert entry.changes == {"employees": [None, 7]}
    assert entry.user_name == "系统"


# Statements of a firm's page when the firm has no records in other areas, sign-in included (SQLite counts its
# BEGIN as one); each area it has records in adds one, however many records.
FIRM_PAGE_BUDGET = 6


def test_a_firm_page_costs_the_same_few_statements_however_many_records_the_firm_has(
    client, auth, app, count_statements
):
    """The firm, its town, park, founder groups, tags and dated histories load in a fixed few statements,
    and each area's records with what the page shows of them (the incubator, the kind, the stages) in one
    more per area the firm has records in: an area it has none in is not read."""
    from datetime import date

    from registry.enterprises.routes import RELATED
    from registry.models import EnterpriseTagSpan

    from .factories import make_candidate, make_certification, make_loan, make_park, make_tag, make_training

    with app.app_context():
        small = make_enterprise(name="记录少的有限公司").id
        tags = [
            make_tag("cloud", "云上企业"),
            make_tag("kechuang-china", "科创中国"),
            make_tag("z-old", "旧标签"),
        ]
        firm = make_enterprise(
            name="记录多的有限公司",
            park=make_park(name="测试产业园"),
            tags=tags[:2],
            dated_from=date(2020, 1, 1),
        )
        firm.founder_groups = ["veteran", "woman"]
        firm.tag_spans.append(
            EnterpriseTagSpan(tag=tags[2], valid_from=date(2019, 1, 1), valid_to=date(2020, 1, 1))
        )
        for kind in ("tech_sme", "high_tech"):
            make_certification(firm, kind=kind, status="approved", approved_on=date(2021, 5, 1))
        for n in range(2):
            make_tenancy(make_incubator(name=f"测试孵化器{n}号"), firm, moved_in_on=date(2020 + n, 3, 1))
            make_loan(firm, lender=f"测试银行{n}")
            make_training([firm], title=f"测试培训{n}")
        make_candidate(
            firm, stages=[("reserve", date(2021, 1, 4)), ("shareholding_reform", date(2021, 6, 1))]
        )
        big = firm.id
        one = make_enterprise(name="各有一项的有限公司")
        make_certification(one, kind="tech_sme", status="approved", approved_on=date(2021, 5, 1))
        make_tenancy(make_incubator(name="另一孵化器"), one, moved_in_on=date(2020, 3, 1))
        make_loan(one, lender="另一银行")
        make_training([one], title="另一培训")
        make_candidate(one, stages=[("reserve", date(2021, 1, 4))])
        one = one.id
        db.session.commit()
    auth.login("rw", roles=("report_writer",))
    client.get(f"/enterprises/{small}")  # the menu's and the enumerations' first reads
    with count_statements() as few:
        page = client.get(f"/enterprises/{small}").get_data(as_text=True)
    assert "记录少的有限公司" in page and "测试孵化器" not in page
    with count_statements() as each_one:
        assert "另一培训" in client.get(f"/enterprises/{one}").get_data(as_text=True)
    with count_statements() as many:
        page = client.get(f"/enterprises/{big}").get_data(as_text=True)
    for shown in ("测试产业园", "云上企业", "旧标签", "测试孵化器1号", "测试银行1", "测试培训1", "股改"):
        assert shown in page, shown
    assert few.count <= FIRM_PAGE_BUDGET, few.statements
    assert many.count == each_one.count == few.count + len(RELATED), many.statements
