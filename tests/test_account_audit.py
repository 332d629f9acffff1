"""Every account and API-token change is in the change log, with who did it and without any secret."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from registry.auth.services import create_user, issue_token
from registry.extensions import db
from registry.models import ApiToken, ChangeLog, User

from .factories import make_incubator


def account_rows(user_id: int) -> list[ChangeLog]:
    """The change-log rows about one account (its own rows, the ones on its tokens included)."""
    return list(
        db.session.scalars(
            select(ChangeLog)
            .where(ChangeLog.object_type == "user", ChangeLog.object_id == user_id)
            .order_by(ChangeLog.id)
        )
    )


def stored_text() -> str:
    """Everything the change log holds, as one text to search for secrets."""
    rows = db.session.scalars(select(ChangeLog)).all()
    return json.dumps(
        [[r.label, r.user_name, r.request_id, r.action, r.changes] for r in rows], ensure_ascii=False
    )


def assert_no_secret(*secrets: str) -> None:
    text = stored_text()
    for secret in secrets:
        assert secret and secret not in text


def user_id_of(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def test_cli_user_creation_is_logged_once_with_the_command_line_as_actor(runner, app):
    with app.app_context():
        incubator_id = make_incubator(name="大厦").id
        db.session.commit()
    result = runner.invoke(
        args=["users", "create", "mgr", "--role", "incubator_manager", "--incubator", str(incubator_id)]
    )
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1]
    with app.app_context():
        user = db.session.get(User, user_id_of("mgr"))
        [row] = account_rows(user.id)
        assert (row.action, row.label, row.user_id, row.user_name) == ("create", "mgr", None, "命令行")
        assert row.changes["roles"] == [None, ["incubator_manager"]]
        assert row.changes["incubators"] == [None, [incubator_id]]
        assert_no_secret(password, user.password_hash)


def test_admin_form_user_creation_is_logged_once_with_the_admin_as_actor(client, auth, app):
    auth.login("admin")
    page = client.post(
        "/admin/users/new", data={"username": "wang", "display_name": "王", "roles": ["report_writer"]}
    ).get_data(as_text=True)
    password = re.search(r'id="one-time-password">([^<]+)<', page).group(1)
    with app.app_context():
        user = db.session.get(User, user_id_of("wang"))
        [row] = account_rows(user.id)
        assert (row.action, row.user_id) == ("create", user_id_of("admin"))
        assert_no_secret(password, user.password_hash)


def test_cli_token_issue_and_revocation_are_logged_once_each_by_prefix_only(runner, app):
    with app.app_context():
        user, _ = create_user("script", ["report_writer"])
        db.session.commit()
        user_id = user.id
    token = runner.invoke(args=["users", "token", "script"]).output.strip().splitlines()[-1]
    with app.app_context():
        token_row = db.session.scalar(select(ApiToken))
        prefix, token_hash = token_row.prefix, token_row.token_hash
    assert runner.invoke(args=["users", "revoke-token", prefix]).exit_code == 0
    with app.app_context():
        rows = [r for r in account_rows(user_id) if r.action != "create"]
        assert [(r.action, r.user_id, r.user_name, r.label) for r in rows] == [
            ("token_created", None, "命令行", "script"),
            ("token_revoked", None, "命令行", "script"),
        ]
        assert rows[0].changes == {"api_token": [None, prefix]}
        assert rows[1].changes == {"api_token": [prefix, None]}
        assert_no_secret(token, token_hash)


def test_admin_changes_to_an_account_are_logged_once_each_with_the_admin(client, auth, app):
    auth.login("admin")
    with app.app_context():
        user, _ = create_user("li", ["report_writer"])
        db.session.commit()
        user_id, admin_id = user.id, user_id_of("admin")
    client.post(
        f"/admin/users/{user_id}",
        data={"display_name": "李", "roles": ["science_bureau"], "version": "1"},  # no "active": deactivated
    )
    page = client.post(f"/admin/users/{user_id}/reset").get_data(as_text=True)
    password = re.search(r'id="one-time-password">([^<]+)<', page).group(1)
    with app.app_context():
        rows = [r for r in account_rows(user_id) if r.action != "create"]
        assert [(r.action, r.user_id) for r in rows] == [("update", admin_id), ("password_reset", admin_id)]
        assert rows[0].changes["roles"] == [["report_writer"], ["science_bureau"]]
        assert rows[0].changes["active"] == [True, False]
        assert_no_secret(password, db.session.get(User, user_id).password_hash)


def test_a_users_own_password_change_is_logged_once_without_the_password(client, auth, app):
    auth.login("chen", roles=("report_writer",))
    with app.app_context():
        from .factories import PASSWORDS

        old = PASSWORDS["chen"]
    new = "陈的新密码 很长很好记 2026"
    client.post("/account/password", data={"current": old, "new": new, "confirm": new})
    with app.app_context():
        user = db.session.get(User, user_id_of("chen"))
        rows = [r for r in account_rows(user.id) if r.action not in ("create", "login")]
        assert [(r.action, r.user_id) for r in rows] == [("password_changed", user.id)]
        assert_no_secret(old, new, user.password_hash)


def test_account_events_read_well_in_the_audit_view(client, auth, app):
    with app.app_context():
        create_user("script", ["report_writer"])
        token = issue_token("script")
    auth.login("admin")
    page = client.get("/audit/?object_type=user").get_data(as_text=True)
    assert "创建API令牌" in page and token[:12] in page and "API令牌" in page and "命令行" in page
    assert token not in page
