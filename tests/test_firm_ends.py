"""Archive versus end (DESIGN.md §3): a firm's short name and deregistration, an incubator's closing date.

Deregistering a firm ends its open stays that day in the same write; a stay cannot begin once its firm is
deregistered or its incubator closed; an incubator cannot close while it still has tenants after that day.
Bad input gets a clear message and changes nothing, on the forms, in the API and in an import.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from registry.enterprises.services import ENTERPRISE
from registry.extensions import db
from registry.incubation.services import INCUBATOR, TENANCY
from registry.models import ChangeLog, Enterprise, Incubator, Tenancy
from registry.records import writer
from registry.records.errors import ValidationFailed

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
from .import_helpers import preview, xlsx

TODAY = date.today()


@pytest.fixture
def firm(app):
    """A firm established 2015-03-05 with an open stay in 大厦 (since 2020-06-01), one in 空间 (since
    2021-02-01) and a stay in 大厦 it left in 2019: (firm id, its open stays' ids, the closed stay's id)."""
    with app.app_context():
        town = make_town(name="太平街道")
        building = make_incubator(name="盘锦现代农业创业大厦", town=town, opened_on=date(2018, 5, 1))
        space = make_incubator(name="盘山县众创空间", town=town, opened_on=date(2019, 3, 1))
        firm = make_enterprise(name="盘锦稻香农业科技有限公司", town=town, established_on=date(2015, 3, 5))
        left = make_tenancy(
            building,
            firm,
            moved_in_on=date(2018, 6, 1),
            left_on=date(2019, 6, 30),
            exit_reason="moved_out",
        )
        stays = [
            make_tenancy(building, firm, moved_in_on=date(2020, 6, 1)),
            make_tenancy(space, firm, moved_in_on=date(2021, 2, 1)),
        ]
        db.session.commit()
        return {
            "id": firm.id,
            "uscc": firm.uscc,
            "town": town.id,
            "stays": [s.id for s in stays],
            "left": left.id,
            "building": building.id,
            "space": space.id,
        }


def edit_form(firm, **fields) -> dict:
    return {
        "name": "盘锦稻香农业科技有限公司",
        "uscc": firm["uscc"],
        "legal_form": "company",
        "town_id": str(firm["town"]),
        "established_on": "2015-03-05",
        "version": "1",
    } | fields


def stays_of(app, firm_id) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(Tenancy.id, Tenancy.left_on, Tenancy.exit_reason, Tenancy.version)
            .where(Tenancy.enterprise_id == firm_id)
            .order_by(Tenancy.id)
        ).all()


def log_rows(app) -> list[ChangeLog]:
    with app.app_context():
        return db.session.scalars(
            select(ChangeLog).where(ChangeLog.object_type != "user").order_by(ChangeLog.id)
        ).all()


@pytest.fixture
def token(runner):
    assert runner.invoke(args=["users", "create", "script", "--role", "science_bureau"]).exit_code == 0
    result = runner.invoke(args=["users", "token", "script"])
    return {"Authorization": f"Bearer {result.output.strip().splitlines()[-1]}"}


# ---- deregistration: the rules --------------------------------------------------------------------------
def test_a_deregistration_before_the_establishment_is_refused_on_the_form_naming_both_dates(
    client, auth, app, firm
):
    auth.login("sb", roles=("science_bureau",))
    before = stays_of(app, firm["id"])
    page = client.post(
        f"/enterprises/{firm['id']}/edit",
        data=edit_form(firm, deregistered_on="2014-12-31", deregistered_reason="cancelled"),
    ).get_data(as_text=True)
    assert "注销日期：2014-12-31早于成立日期2015-03-05，注销日期不能早于成立日期" in page
    with app.app_context():
        stored = db.session.get(Enterprise, firm["id"])
        assert (stored.deregistered_on, stored.version) == (None, 1)
    assert stays_of(app, firm["id"]) == before and log_rows(app) == []


def test_moving_the_establishment_after_the_deregistration_is_refused_too(ctx, firm):
    writer.update(
        ENTERPRISE,
        None,
        firm["id"],
        1,
        {"deregistered_on": date(2021, 6, 30), "deregistered_reason": "cancelled"},
        partial=True,
    )
    with pytest.raises(ValidationFailed) as refused:
        writer.update(ENTERPRISE, None, firm["id"], 2, {"established_on": date(2022, 1, 1)}, partial=True)
    assert refused.value.errors["deregistered_on"] == [
        "注销日期：2021-06-30早于成立日期2022-01-01，注销日期不能早于成立日期"
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"deregistered_on": "2021-06-30"}, "deregistered_reason", "注销原因：填写注销日期时必须选择"),
        ({"deregistered_reason": "revoked"}, "deregistered_on", "注销日期：选择注销原因时必须填写"),
        (
            {"deregistered_on": (TODAY + timedelta(days=1)).isoformat(), "deregistered_reason": "cancelled"},
            "deregistered_on",
            f"注销日期：不能晚于今天（填写的是{(TODAY + timedelta(days=1)).isoformat()}）；请在企业注销后再登记",
        ),
        (
            {"deregistered_on": "2021-06-30", "deregistered_reason": "closed"},
            "deregistered_reason",
            "注销原因：“closed”不是可选值",
        ),
    ],
)
def test_the_api_refuses_a_bad_deregistration_with_422_and_changes_nothing(
    client, app, firm, token, fields, field, message
):
    response = client.patch(f"/api/v1/enterprises/{firm['id']}", headers=token, json={"version": 1} | fields)
    assert response.status_code == 422
    assert response.get_json()["errors"][field] == [message]
    assert [s.left_on for s in stays_of(app, firm["id"])] == [date(2019, 6, 30), None, None]
    with app.app_context():
        assert db.session.get(Enterprise, firm["id"]).version == 1


def test_a_firm_with_a_stay_that_began_after_the_date_cannot_be_deregistered_then(client, auth, app, firm):
    """And the failed write leaves its other open stay open: nothing of it is kept."""
    auth.login("sb", roles=("science_bureau",))
    before = stays_of(app, firm["id"])
    page = client.post(
        f"/enterprises/{firm['id']}/edit",
        data=edit_form(firm, deregistered_on="2021-01-31", deregistered_reason="cancelled"),
    ).get_data(as_text=True)
    message = (
        "注销日期：该企业2021-02-01入驻“盘山县众创空间”，不能在2021-01-31注销；请先核对入孵记录或注销日期"
    )
    assert str(escape(message)) in page
    assert stays_of(app, firm["id"]) == before and log_rows(app) == []


def test_a_firm_that_left_an_incubator_after_the_date_cannot_be_deregistered_then(ctx, firm):
    with pytest.raises(ValidationFailed) as refused:
        writer.update(
            ENTERPRISE,
            None,
            firm["id"],
            1,
            {"deregistered_on": date(2019, 1, 31), "deregistered_reason": "cancelled"},
            partial=True,
        )
    [message] = refused.value.errors["deregistered_on"]
    assert "2019-06-30才从“盘锦现代农业创业大厦”离孵" in message
    assert "2020-06-01入驻“盘锦现代农业创业大厦”" in message
    assert db.session.get(Enterprise, firm["id"]).deregistered_on is None


# ---- deregistration ends the open stays in the same write -------------------------------------------------
def test_deregistering_ends_the_open_stays_that_day_in_the_same_write(client, auth, app, firm):
    auth.login("sb", roles=("science_bureau",))
    response = client.post(
        f"/enterprises/{firm['id']}/edit",
        data=edit_form(firm, deregistered_on="2023-06-30", deregistered_reason="cancelled"),
    )
    assert response.status_code == 302
    left, *ended = stays_of(app, firm["id"])
    assert left == (firm["left"], date(2019, 6, 30), "moved_out", 1)  # an earlier stay stays as it was
    assert ended == [(stay_id, date(2023, 6, 30), "closed", 2) for stay_id in firm["stays"]]
    rows = log_rows(app)
    assert [(r.object_type, r.action) for r in rows] == [
        ("enterprise", "update"),
        ("tenancy", "update"),
        ("tenancy", "update"),
    ]
    assert len({r.request_id for r in rows}) == 1
    assert rows[0].changes["deregistered_on"] == [None, "2023-06-30"]
    assert rows[1].changes == {"exit_reason": [None, "closed"], "left_on": [None, "2023-06-30"]}
    assert all(r.enterprise_id == firm["id"] and r.user_name == "sb" for r in rows)
    page = client.get(f"/enterprises/{firm['id']}").get_data(as_text=True)
    assert "已注销" in page and "2023-06-30" in page


def test_correcting_the_date_moves_the_stays_it_ended_and_no_others(ctx, firm):
    writer.update(
        ENTERPRISE,
        None,
        firm["id"],
        1,
        {"deregistered_on": date(2023, 6, 30), "deregistered_reason": "cancelled"},
        partial=True,
    )
    writer.update(ENTERPRISE, None, firm["id"], 2, {"deregistered_on": date(2022, 12, 31)}, partial=True)
    stays = {s.id: s for s in db.session.scalars(select(Tenancy))}
    assert [stays[i].left_on for i in firm["stays"]] == [date(2022, 12, 31)] * 2
    assert stays[firm["left"]].left_on == date(2019, 6, 30)


def test_a_stay_refused_while_ending_fails_the_whole_deregistration(ctx, firm, monkeypatch):
    """The stays are written through the write path, one after the other: when the second is refused, the
    firm's change and the first stay's end are undone with it, and the refusal is a message."""
    from registry.records.errors import Conflict

    checked = TENANCY.check

    def refuse_the_second(values, record=None, *, confirmed=False):
        if record is not None and record.id == firm["stays"][1]:
            raise ValidationFailed.one("left_on", "离孵日期：测试拒绝")
        return checked(values, record, confirmed=confirmed)

    monkeypatch.setattr(TENANCY, "check", refuse_the_second)
    with pytest.raises(Conflict) as refused:
        writer.update(
            ENTERPRISE,
            None,
            firm["id"],
            1,
            {"deregistered_on": date(2023, 6, 30), "deregistered_reason": "merged"},
            partial=True,
        )
    assert refused.value.message == "离孵日期：测试拒绝" and refused.value.field == "deregistered_on"
    db.session.rollback()
    assert db.session.get(Enterprise, firm["id"]).deregistered_on is None
    stays = db.session.execute(select(Tenancy.left_on, Tenancy.version).order_by(Tenancy.id)).all()
    assert stays == [(date(2019, 6, 30), 1), (None, 1), (None, 1)]
    assert db.session.scalar(select(func.count()).select_from(ChangeLog)) == 0


def test_a_manager_deregistering_a_tenant_ends_its_other_stays_without_seeing_them(client, app, firm):
    with app.app_context():
        make_user("mgr", ["incubator_manager"], incubator_ids=[firm["building"]])
    client.post("/login", data={"username": "mgr", "password": PASSWORDS["mgr"]})
    refused = client.post(
        f"/enterprises/{firm['id']}/edit",
        data=edit_form(firm, deregistered_on="2021-01-31", deregistered_reason="cancelled"),
    ).get_data(as_text=True)
    assert "在其他孵化载体另有1条入孵记录晚于该日期" in refused and "众创空间" not in refused
    response = client.post(
        f"/enterprises/{firm['id']}/edit",
        data=edit_form(firm, deregistered_on="2022-03-31", deregistered_reason="moved_away"),
    )
    assert response.status_code == 302
    assert [s.left_on for s in stays_of(app, firm["id"])] == [date(2019, 6, 30), *[date(2022, 3, 31)] * 2]


# ---- stays of deregistered firms ----------------------------------------------------------------------
@pytest.fixture
def closed_firm(app):
    """A firm deregistered on 2021-06-30 and an incubator it never stayed in."""
    with app.app_context():
        town = make_town(name="太平街道")
        incubator = make_incubator(name="盘锦现代农业创业大厦", town=town)
        firm = make_enterprise(
            name="盘锦已注销科技有限公司",
            town=town,
            deregistered_on=date(2021, 6, 30),
            deregistered_reason="cancelled",
        )
        db.session.commit()
        make_user("mgr", ["incubator_manager"], incubator_ids=[incubator.id])
        return {"id": firm.id, "uscc": firm.uscc, "incubator": incubator.id, "town": town.id}


NOT_AFTER = "入驻日期：“盘锦已注销科技有限公司”已于2021-06-30注销，入驻日期须早于该日期"


@pytest.mark.parametrize("moved_in", ["2021-06-30", "2021-07-01"])
def test_a_stay_cannot_begin_on_or_after_its_firm_s_deregistration(client, app, closed_firm, token, moved_in):
    response = client.post(
        "/api/v1/tenancies",
        headers=token,
        json={
            "incubator_id": closed_firm["incubator"],
            "enterprise_id": closed_firm["id"],
            "moved_in_on": moved_in,
        },
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"moved_in_on": [NOT_AFTER]}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Tenancy)) == 0


def test_the_manager_s_register_tenant_flow_refuses_a_deregistered_firm(client, app, closed_firm):
    client.post("/login", data={"username": "mgr", "password": PASSWORDS["mgr"]})
    page = client.post(
        "/tenants/new",
        data={
            "incubator_id": str(closed_firm["incubator"]),
            "firm_mode": "existing",
            "firm": closed_firm["uscc"],
            "moved_in_on": "2021-08-02",
        },
    ).get_data(as_text=True)
    assert str(escape(NOT_AFTER)) in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Tenancy)) == 0
        assert log_rows(app) == []


def test_a_stay_of_a_deregistered_firm_must_have_ended_by_then(ctx, closed_firm):
    stay = {"incubator_id": closed_firm["incubator"], "enterprise_id": closed_firm["id"]}
    with pytest.raises(ValidationFailed) as open_ended:
        writer.create(TENANCY, None, stay | {"moved_in_on": date(2020, 1, 1)})
    assert open_ended.value.errors == {
        "left_on": ["离孵日期：“盘锦已注销科技有限公司”已于2021-06-30注销，请填写不晚于该日期的离孵日期"]
    }
    with pytest.raises(ValidationFailed) as too_late:
        writer.create(
            TENANCY,
            None,
            stay | {"moved_in_on": date(2020, 1, 1), "left_on": date(2021, 7, 1), "exit_reason": "graduated"},
        )
    assert too_late.value.errors == {
        "left_on": ["离孵日期：“盘锦已注销科技有限公司”已于2021-06-30注销，离孵日期不能晚于该日期"]
    }
    record = writer.create(
        TENANCY,
        None,
        stay | {"moved_in_on": date(2020, 1, 1), "left_on": date(2021, 6, 30), "exit_reason": "closed"},
    )
    # Editing the stay keeps to the same rule.
    with pytest.raises(ValidationFailed) as moved:
        writer.update(TENANCY, None, record.id, 1, {"moved_in_on": date(2021, 6, 30)}, partial=True)
    assert moved.value.errors == {"moved_in_on": [NOT_AFTER]}
    assert db.session.get(Tenancy, record.id).moved_in_on == date(2020, 1, 1)


def test_the_stay_edit_form_refuses_a_move_in_after_the_deregistration(client, app, closed_firm):
    with app.app_context():
        firm = db.session.get(Enterprise, closed_firm["id"])
        stay = make_tenancy(
            db.session.get(Incubator, closed_firm["incubator"]),
            firm,
            moved_in_on=date(2020, 1, 1),
            left_on=date(2021, 6, 30),
            exit_reason="closed",
        )
        db.session.commit()
        stay_id = stay.id
    client.post("/login", data={"username": "mgr", "password": PASSWORDS["mgr"]})
    page = client.post(
        f"/tenancies/{stay_id}/edit", data={"moved_in_on": "2021-06-30", "version": "1"}
    ).get_data(as_text=True)
    assert str(escape(NOT_AFTER)) in page
    with app.app_context():
        assert db.session.get(Tenancy, stay_id).moved_in_on == date(2020, 1, 1)


# ---- incubators: closing -----------------------------------------------------------------------------
@pytest.fixture
def incubator(app):
    """An incubator opened 2019-03-01 with seven tenants (one firm named with markup), one of which left."""
    with app.app_context():
        town = make_town(name="太平街道")
        incubator = make_incubator(name="盘山县众创空间", town=town, opened_on=date(2019, 3, 1))
        names = [f"盘锦在孵{i}号科技有限公司" for i in range(1, 6)] + ["<b>标记</b>有限公司"]
        for index, name in enumerate(names):
            make_tenancy(
                incubator, make_enterprise(name=name, town=town), moved_in_on=date(2020, 1, 1 + index)
            )
        left = make_tenancy(
            incubator,
            make_enterprise(name="盘锦已离孵有限公司", town=town),
            moved_in_on=date(2019, 6, 1),
            left_on=date(2020, 12, 31),
            exit_reason="graduated",
        )
        db.session.commit()
        return {"id": incubator.id, "town": town.id, "left": left.id}


def incubator_form(incubator, **fields) -> dict:
    return {
        "name": "盘山县众创空间",
        "kind": "tech_incubator",
        "level": "county",
        "town_id": str(incubator["town"]),
        "opened_on": "2019-03-01",
        "version": "1",
    } | fields


def test_closing_before_the_opening_is_refused(client, auth, app, incubator):
    auth.login("sb", roles=("science_bureau",))
    page = client.post(
        f"/incubators/{incubator['id']}/edit", data=incubator_form(incubator, closed_on="2019-02-28")
    ).get_data(as_text=True)
    assert "停用日期：2019-02-28早于启用日期2019-03-01，停用日期不能早于启用日期" in page
    with app.app_context():
        assert db.session.get(Incubator, incubator["id"]).closed_on is None


def test_closing_with_tenants_after_that_day_names_them_escaped(client, auth, app, incubator):
    auth.login("sb", roles=("science_bureau",))
    page = client.post(
        f"/incubators/{incubator['id']}/edit", data=incubator_form(incubator, closed_on="2021-12-31")
    ).get_data(as_text=True)
    assert "停用日期：2021-12-31之后仍有在孵企业：" in page
    assert "“盘锦在孵1号科技有限公司”、“盘锦在孵2号科技有限公司”" in page
    assert "“盘锦在孵5号科技有限公司”等6家" in page
    assert "标记" not in page.split("之后仍有在孵企业")[1].split("</")[0]  # the sixth is only counted
    assert "盘锦已离孵有限公司" not in page.split("之后仍有在孵企业")[1].split("</")[0]
    with app.app_context():
        assert db.session.get(Incubator, incubator["id"]).closed_on is None
    assert log_rows(app) == []


def test_the_names_in_a_closing_refusal_are_shown_as_text(client, auth, app, incubator):
    with app.app_context():
        for stay in db.session.scalars(select(Tenancy).where(Tenancy.left_on.is_(None))):
            if "标记" not in stay.enterprise.name:
                stay.left_on, stay.exit_reason = date(2021, 1, 31), "graduated"
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    page = client.post(
        f"/incubators/{incubator['id']}/edit", data=incubator_form(incubator, closed_on="2021-03-31")
    ).get_data(as_text=True)
    assert "&lt;b&gt;标记&lt;/b&gt;有限公司" in page and "<b>标记</b>" not in page


def test_a_stay_that_ends_after_the_closing_day_keeps_the_incubator_open(ctx, incubator):
    for stay in db.session.scalars(select(Tenancy).where(Tenancy.left_on.is_(None))):
        stay.left_on, stay.exit_reason = date(2021, 1, 31), "graduated"
    db.session.commit()
    record = db.session.get(Incubator, incubator["id"])
    with pytest.raises(ValidationFailed) as refused:
        writer.update(
            INCUBATOR, None, record.id, record.version, {"closed_on": date(2021, 1, 30)}, partial=True
        )
    [message] = refused.value.errors["closed_on"]
    assert "“盘锦在孵1号科技有限公司”" in message and "等6家" in message and "已离孵" not in message
    closed = writer.update(
        INCUBATOR, None, record.id, record.version, {"closed_on": date(2021, 1, 31)}, partial=True
    )
    assert closed.closed_on == date(2021, 1, 31)


def test_a_stay_cannot_begin_in_a_closed_incubator(ctx, incubator):
    for stay in db.session.scalars(select(Tenancy).where(Tenancy.left_on.is_(None))):
        stay.left_on, stay.exit_reason = date(2021, 1, 31), "graduated"
    db.session.get(Incubator, incubator["id"]).closed_on = date(2021, 3, 31)
    firm = make_enterprise(name="盘锦新入孵有限公司")
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        writer.create(
            TENANCY,
            None,
            {"incubator_id": incubator["id"], "enterprise_id": firm.id, "moved_in_on": date(2021, 4, 1)},
        )
    assert refused.value.errors == {
        "moved_in_on": ["入驻日期：“盘山县众创空间”已于2021-03-31停用，入驻日期须早于该日期"]
    }


def test_the_incubator_page_shows_its_closing_date(client, auth, app, incubator):
    with app.app_context():
        for stay in db.session.scalars(select(Tenancy).where(Tenancy.left_on.is_(None))):
            stay.left_on, stay.exit_reason = date(2021, 1, 31), "graduated"
        db.session.get(Incubator, incubator["id"]).closed_on = date(2021, 3, 31)
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    page = client.get(f"/incubators/{incubator['id']}").get_data(as_text=True)
    assert "已停用" in page and 'id="closed-on">→ 2021-03-31<' in page
    listing = client.get("/incubators/").get_data(as_text=True)
    assert "已停用 2021-03-31" in listing


# ---- the API, the pages and the import ----------------------------------------------------------------
def test_api_round_trip_of_the_new_fields(client, app, token):
    with app.app_context():
        town_id = make_town(name="太平街道").id
        db.session.commit()
    created = client.post(
        "/api/v1/enterprises",
        headers=token,
        json={
            "name": "辽宁大禹防水科技发展股份有限公司",
            "short_name": "  大禹　防水 ",
            "uscc": uscc(),
            "legal_form": "company",
            "town_id": town_id,
            "established_on": "2003-04-18",
        },
    )
    assert created.status_code == 201, created.get_json()
    item = created.get_json()
    assert (item["short_name"], item["deregistered_on"], item["deregistered_reason"]) == (
        "大禹 防水",
        None,
        None,
    )
    patched = client.patch(
        f"/api/v1/enterprises/{item['id']}",
        headers=token,
        json={
            "version": 1,
            "short_name": "大禹防水",
            "deregistered_on": "2024-05-20",
            "deregistered_reason": "merged",
        },
    )
    assert patched.status_code == 200, patched.get_json()
    again = client.get(f"/api/v1/enterprises/{item['id']}", headers=token).get_json()
    assert (again["short_name"], again["deregistered_on"], again["deregistered_reason"]) == (
        "大禹防水",
        "2024-05-20",
        "merged",
    )
    assert client.post(
        "/api/v1/enterprises", headers=token, json={"name": "x", "short_name": "简" * 51}
    ).get_json()["errors"]["short_name"] == ["简称：不能超过50个字符"]
    incubator = client.post(
        "/api/v1/incubators",
        headers=token,
        json={
            "name": "盘山县众创空间",
            "kind": "maker_space",
            "level": "county",
            "town_id": town_id,
            "opened_on": "2019-03-01",
            "closed_on": "2024-12-31",
        },
    )
    assert incubator.status_code == 201 and incubator.get_json()["closed_on"] == "2024-12-31"
    listed = client.get("/api/v1/enterprises?deregistered_reason=merged", headers=token).get_json()["items"]
    assert [i["short_name"] for i in listed] == ["大禹防水"]
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    firm_schema = next(s for name, s in schemas.items() if "deregistered_reason" in s.get("properties", {}))
    assert firm_schema["properties"]["deregistered_reason"]["enum"][:4] == [
        "cancelled",
        "revoked",
        "moved_away",
        "merged",
    ]
    assert any("closed_on" in s.get("properties", {}) for s in schemas.values())


def test_the_list_filters_by_status_and_marks_deregistered_firms(client, auth, app):
    with app.app_context():
        town = make_town()
        make_enterprise(name="存续有限公司", town=town)
        make_enterprise(
            name="已注销有限公司", town=town, deregistered_on=date(2022, 5, 1), deregistered_reason="revoked"
        )
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    everyone = client.get("/enterprises/").get_data(as_text=True)
    assert sorted(names_on(everyone)) == ["存续有限公司", "已注销有限公司"]
    assert "已注销 2022-05-01" in everyone
    assert names_on(client.get("/enterprises/?status=active").get_data(as_text=True)) == ["存续有限公司"]
    gone = client.get("/enterprises/?status=deregistered").get_data(as_text=True)
    assert names_on(gone) == ["已注销有限公司"]


def test_the_firm_page_shows_the_short_name_and_the_deregistration(client, auth, app):
    with app.app_context():
        firm_id = make_enterprise(
            name="盘锦富隆化工有限公司",
            short_name="富隆化工",
            deregistered_on=date(2022, 5, 1),
            deregistered_reason="moved_away",
        ).id
        db.session.commit()
    auth.login("rw", roles=("report_writer",))
    page = client.get(f"/enterprises/{firm_id}").get_data(as_text=True)
    assert "简称：富隆化工" in page
    assert 'class="badge text-bg-dark align-middle fs-6 deregistered">已注销</span>' in page
    assert "该企业已于2022-05-01注销（迁出）" in page


def test_an_import_with_the_new_columns_creates_and_deregisters(town):
    headers = [
        "企业名称",
        "简称",
        "统一社会信用代码",
        "主体类型",
        "所在镇街",
        "成立日期",
        "注销日期",
        "注销原因",
    ]
    rows = [
        ["盘锦金田塑业有限公司", "金田塑业", uscc(), "企业", "太平街道", "2009-03-02", "", ""],
        ["盘锦旧厂有限公司", "", uscc(), "企业", "太平街道", "2010-01-01", "2020-08-31", "吊销"],
    ]
    result = preview(xlsx(rows, headers=headers), commit=True)
    assert (result.created, result.error_count) == (2, 0), result.error_lines()
    firms = {f.name: f for f in db.session.scalars(select(Enterprise))}
    assert firms["盘锦金田塑业有限公司"].short_name == "金田塑业"
    old = firms["盘锦旧厂有限公司"]
    assert (old.deregistered_on, old.deregistered_reason) == (date(2020, 8, 31), "revoked")


def test_an_import_refuses_a_deregistration_before_the_establishment_and_writes_nothing(town):
    headers = ["企业名称", "统一社会信用代码", "主体类型", "所在镇街", "成立日期", "注销日期", "注销原因"]
    rows = [["盘锦旧厂有限公司", uscc(), "企业", "太平街道", "2010-01-01", "2009-08-31", "注销"]]
    result = preview(xlsx(rows, headers=headers), commit=True)
    assert result.error_lines() == [
        "第2行 注销日期：2009-08-31早于成立日期2010-01-01，注销日期不能早于成立日期"
    ]
    assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_an_import_that_deregisters_a_tenant_ends_its_stay_under_the_import_s_request(town):
    firm = make_enterprise(name="盘锦稻香农业科技有限公司", town=town, established_on=date(2015, 3, 5))
    stay = make_tenancy(make_incubator(town=town), firm, moved_in_on=date(2020, 6, 1))
    other = make_enterprise(name="盘锦另一家有限公司", town=town)
    make_tenancy(make_incubator(town=town), other, moved_in_on=date(2021, 6, 1))
    db.session.commit()
    headers = ["统一社会信用代码", "企业名称", "主体类型", "所在镇街", "注销日期", "注销原因"]
    rows = [
        [firm.uscc, firm.name, "企业", "太平街道", "2023-06-30", "注销"],
        # Deregistered before its stay began: refused, and its stay stays open.
        [other.uscc, other.name, "企业", "太平街道", "2021-05-31", "注销"],
    ]
    result = preview(xlsx(rows, headers=headers), commit=True, valid_only=True)
    assert (result.updated, result.error_count) == (1, 1), result.error_lines()
    assert "第3行 注销日期：该企业2021-06-01入驻" in result.error_lines()[0]
    db.session.expire_all()
    ended = db.session.get(Tenancy, stay.id)
    assert (ended.left_on, ended.exit_reason) == (date(2023, 6, 30), "closed")
    assert db.session.scalar(select(Tenancy.left_on).where(Tenancy.enterprise_id == other.id)) is None
    assert db.session.get(Enterprise, other.id).deregistered_on is None
    [firm_entry] = db.session.scalars(select(ChangeLog).where(ChangeLog.object_type == "enterprise")).all()
    [stay_entry] = db.session.scalars(select(ChangeLog).where(ChangeLog.object_type == "tenancy")).all()
    assert firm_entry.request_id == stay_entry.request_id == result.request_id


# ---- the database keeps the same rules -------------------------------------------------------------------
def _refused(make):
    with pytest.raises(IntegrityError):
        make()
        db.session.flush()
    db.session.rollback()


def test_the_database_keeps_date_and_reason_together_and_in_order(ctx):
    _refused(lambda: make_enterprise(deregistered_on=date(2021, 1, 1)))
    _refused(lambda: make_enterprise(deregistered_reason="cancelled"))
    _refused(lambda: make_enterprise(deregistered_on=date(2021, 1, 1), deregistered_reason="closed"))
    _refused(
        lambda: make_enterprise(
            established_on=date(2021, 2, 1), deregistered_on=date(2021, 1, 1), deregistered_reason="merged"
        )
    )
    _refused(lambda: make_incubator(opened_on=date(2021, 2, 1), closed_on=date(2021, 1, 31)))
    make_enterprise(
        established_on=date(2021, 1, 1), deregistered_on=date(2021, 1, 1), deregistered_reason="merged"
    )
    make_incubator(opened_on=date(2021, 1, 1), closed_on=date(2021, 1, 1))
    db.session.commit()


# ---- the demo county --------------------------------------------------------------------------------------
def test_the_demo_firms_carry_the_report_s_short_names_and_one_closed_in_2023(ctx):
    from registry.demo import load_demo_data

    load_demo_data()
    short = dict(
        db.session.execute(
            select(Enterprise.short_name, Enterprise.name).where(Enterprise.short_name.is_not(None))
        ).all()
    )
    assert set(short) == {
        "大禹防水",
        "富隆化工",
        "金田塑业",
        "天源药业",
        "华龙防水",
        "科隆化工",
        "开味食品",
        "宋大房食品",
        "浩业化工",
    }
    assert short["科隆化工"] == "盘锦科隆精细化工有限公司" and short["大禹防水"].startswith("辽宁大禹防水")
    [gone] = db.session.scalars(select(Enterprise).where(Enterprise.deregistered_on.is_not(None))).all()
    assert gone.deregistered_on.year == 2023 and gone.deregistered_reason == "cancelled"
    stays = db.session.scalars(select(Tenancy).where(Tenancy.enterprise_id == gone.id)).all()
    assert stays and all(s.left_on == gone.deregistered_on and s.exit_reason == "closed" for s in stays)
    assert all(s.moved_in_on <= date(2021, 7, 31) for s in stays)  # a tenant of 2021 still
