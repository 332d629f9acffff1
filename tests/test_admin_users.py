"""User administration, and the issue's first-day walk-through: admin → incubator → manager → tenant."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import ChangeLog, Tenancy, User

from .factories import make_incubator, make_town


@pytest.mark.parametrize("role", ["science_bureau", "incubator_manager", "finance_officer", "report_writer"])
def test_only_admins_reach_user_administration(client, auth, role):
    auth.login("user1", roles=(role,))
    assert client.get("/admin/users/").status_code == 403
    assert client.post("/admin/users/new", data={"username": "x", "roles": ["admin"]}).status_code == 403


def test_admin_edits_roles_and_the_change_is_logged(client, auth, app):
    auth.login("admin")
    with app.app_context():
        incubator_id = make_incubator(name="大厦").id
        db.session.commit()
    response = client.post(
        "/admin/users/new", data={"username": "wang", "display_name": "王", "roles": ["report_writer"]}
    )
    assert response.status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "wang"))
    client.post(
        f"/admin/users/{user.id}",
        data={
            "display_name": "王主任",
            "roles": ["incubator_manager"],
            "incubators": [str(incubator_id)],
            "active": "y",
            "version": "1",
        },
    )
    with app.app_context():
        user = db.session.get(User, user.id)
        assert user.roles == ["incubator_manager"] and [i.id for i in user.incubators] == [incubator_id]
        entry = db.session.scalar(
            select(ChangeLog).where(ChangeLog.object_type == "user", ChangeLog.action == "update")
        )
        assert entry.changes["roles"] == [["report_writer"], ["incubator_manager"]]


def test_admin_cannot_remove_their_own_admin_role(client, auth, app):
    auth.login("admin")
    with app.app_context():
        me = db.session.scalar(select(User).where(User.username == "admin"))
    page = client.post(
        f"/admin/users/{me.id}",
        data={"display_name": "x", "roles": ["report_writer"], "version": "1", "active": "y"},
    ).get_data(as_text=True)
    assert "不能取消自己的管理员角色" in page
    with app.app_context():
        me = db.session.get(User, me.id)
        assert me.roles == ["admin"]
        assert me.active and me.version == 1


def test_first_day_walk_through(client, auth, app):
    """Admin creates an incubator and a manager; the manager registers, edits and graduates a tenant."""
    with app.app_context():
        town_id = make_town(name="太平街道").id
        other_id = make_incubator(name="别人的孵化器").id
        db.session.commit()
    auth.login("admin", roles=("admin",))
    response = client.post(
        "/incubators/new",
        data={
            "name": "盘锦现代农业创业大厦",
            "kind": "startup_base",
            "level": "municipal",
            "town_id": str(town_id),
        },
    )
    incubator_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    page = client.post(
        "/admin/users/new",
        data={
            "username": "li",
            "display_name": "大厦 李主任",
            "roles": ["incubator_manager"],
            "incubators": [str(incubator_id)],
        },
    )
    password = re.search(r'id="one-time-password">([^<]+)<', page.get_data(as_text=True)).group(1)
    client.post("/logout")

    client.post("/login", data={"username": "li", "password": password})
    assert client.get("/").headers["Location"] == "/account/password"
    new = "大厦李主任的新密码2026"
    client.post("/account/password", data={"current": password, "new": new, "confirm": new})
    response = client.post(
        "/tenants/new",
        data={
            "incubator_id": str(incubator_id),
            "firm_mode": "new",
            "name": "盘锦蟹田电商有限公司",
            "uscc": "91211122MA0QXF5P1E" if False else "",
            "legal_form": "team",
            "town_id": str(town_id),
            "founder_groups": ["veteran"],
            "moved_in_on": "2026-03-02",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/incubators/{incubator_id}").get_data(as_text=True)
    assert "盘锦蟹田电商有限公司" in page and "2028-03-01" in page
    with app.app_context():
        tenancy = db.session.scalar(select(Tenancy))
        firm_id, stay_id = tenancy.enterprise_id, tenancy.id
    assert (
        client.post(
            f"/enterprises/{firm_id}/edit",
            data={
                "name": "盘锦蟹田电商有限公司",
                "legal_form": "team",
                "town_id": str(town_id),
                "employees": "6",
                "founder_groups": ["veteran"],
                "version": "1",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/tenancies/{stay_id}/exit",
            # Today: the firm stays in the manager's scope to the end of the day it leaves.
            data={"left_on": date.today().isoformat(), "exit_reason": "graduated", "version": "1"},
        ).status_code
        == 302
    )
    assert client.get(f"/incubators/{other_id}").status_code == 404
    history = client.get(f"/enterprises/{firm_id}").get_data(as_text=True)
    assert "大厦 李主任" in history and "毕业" in history and "从业人数" in history
