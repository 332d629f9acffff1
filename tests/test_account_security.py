"""Password guessing through the change-password form, API tokens after a reset, and request ids."""

from __future__ import annotations

import re

from sqlalchemy import select

from registry.auth.services import ACCOUNT_FAILURES, authenticate, create_user, issue_token
from registry.extensions import db
from registry.models import ChangeLog, User

from .factories import PASSWORDS, make_town, uscc
from .import_helpers import preview, xlsx


def change(client, current: str, new: str = "一个很长的新密码 适合记忆 2026"):
    return client.post("/account/password", data={"current": current, "new": new, "confirm": new})


def test_wrong_current_passwords_lock_the_change_form_even_for_the_right_one(client, auth, app):
    auth.login("guesser", roles=("report_writer",))
    password = PASSWORDS["guesser"]
    for _attempt in range(ACCOUNT_FAILURES):
        assert "当前密码不正确" in change(client, f"guess-{_attempt}").get_data(as_text=True)
    page = change(client, password).get_data(as_text=True)
    assert "尝试次数过多" in page
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "guesser"))
        assert user.check_password(password)  # the right password did not get through the lock
        actions = db.session.scalars(
            select(ChangeLog.action).where(ChangeLog.object_type == "user", ChangeLog.object_id == user.id)
        ).all()
        assert actions.count("password_failed") == ACCOUNT_FAILURES
        assert actions.count("lockout") == 1 and "password_changed" not in actions
        # The same counter as sign-in: the account is locked there too for the rest of the window.
        assert authenticate("guesser", password).locked


def test_the_lockout_is_logged_once_by_the_failure_that_reaches_the_limit(ctx):
    create_user("counted", ["report_writer"])

    def lockouts() -> int:
        return db.session.scalars(select(ChangeLog.action)).all().count("lockout")

    for _attempt in range(ACCOUNT_FAILURES - 1):
        authenticate("counted", "wrong", "10.1.1.1")
    assert lockouts() == 0 and not authenticate("counted", "wrong", "10.1.1.1").locked
    assert lockouts() == 1 and authenticate("counted", "wrong", "10.1.1.1").locked
    assert lockouts() == 1


def test_an_admin_password_reset_revokes_the_users_api_tokens(client, auth, app):
    with app.app_context():
        user, _ = create_user("script", ["admin"])
        token = issue_token("script")
        user_id = user.id
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/enterprises", headers=bearer).status_code == 200
    auth.login("admin")
    page = client.post(f"/admin/users/{user_id}/reset").get_data(as_text=True)
    assert re.search(r'id="one-time-password">([^<]+)<', page)
    client.post("/logout")
    assert client.get("/api/v1/enterprises", headers=bearer).status_code == 401
    with app.app_context():
        entry = db.session.scalar(select(ChangeLog).where(ChangeLog.action == "password_reset"))
        assert entry.changes["api_token"] == [[token[:12]], []]


def test_a_forged_request_id_does_not_file_a_write_under_an_import(client, auth, app):
    with app.app_context():
        town_id = make_town(name="太平街道", code="taiping").id
        db.session.commit()
        result = preview(xlsx([["导入的公司", uscc(), "企业", "太平街道", "3"]]), commit=True)
        assert result.written
        import_id = result.request_id
    auth.login("sb", roles=("science_bureau",))
    response = client.post(
        "/api/v1/enterprises",
        json={"name": "别人的公司", "uscc": uscc(), "legal_form": "company", "town_id": town_id},
        headers={"X-Request-ID": import_id},
    )
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        entry = db.session.scalar(
            select(ChangeLog).where(ChangeLog.object_type == "enterprise", ChangeLog.label == "别人的公司")
        )
        assert entry.request_id != import_id
        assert entry.request_id == response.headers["X-Request-ID"]
        filed = db.session.scalars(select(ChangeLog.label).where(ChangeLog.request_id == import_id)).all()
        assert "别人的公司" not in filed
