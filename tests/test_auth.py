"""Sign-in, sign-out and the ``users`` CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.auth.services import authenticate, create_user, issue_token
from registry.auth.token_use import user_for_token
from registry.domain import InputError
from registry.extensions import db
from registry.models import ApiToken, User

from .factories import make_incubator


def test_login_page_has_the_named_fields(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="username"' in page and 'name="password"' in page
    assert "<nav" in page


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_with_the_generated_password_shows_the_home_page(client, auth):
    response = auth.login("sb", roles=("science_bureau",), display_name="科技局 王科长")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "科技局 王科长" in page
    assert "科技局" in page  # the role's label


def test_wrong_password_and_unknown_user_get_the_same_message(client, auth, app):
    with app.app_context():
        create_user("known", ["report_writer"])
    wrong = client.post("/login", data={"username": "known", "password": "not-it"}).get_data(as_text=True)
    unknown = client.post("/login", data={"username": "nobody", "password": "not-it"}).get_data(as_text=True)
    assert "用户名或密码不正确" in wrong and "用户名或密码不正确" in unknown
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_sign_in(ctx):
    user, password = create_user("gone", ["report_writer"])
    user = db.session.get(User, user.id)
    user.active = False
    db.session.commit()
    assert authenticate("gone", password).user is None


def test_login_does_not_redirect_off_site(client, auth, app):
    with app.app_context():
        _, password = create_user("nav", ["report_writer"])
    response = client.post("/login?next=//evil.example/x", data={"username": "nav", "password": password})
    assert response.headers["Location"] == "/"


def test_logout_needs_post_and_ends_the_session(client, auth):
    auth.login()
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/").status_code == 302


@pytest.mark.options(wtf_csrf_enabled=True)
def test_logout_requires_csrf_token(app, client):
    with app.app_context():
        _, password = create_user("csrf", ["report_writer"])
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"username": "csrf", "password": password, "csrf_token": token})
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 400  # no token: refused
    assert client.get("/").status_code == 200


def test_passwords_are_hashed_and_generated(ctx):
    user, password = create_user("hashed", ["admin"])
    assert len(password) >= 16
    assert password not in user.password_hash
    assert user.check_password(password) and not user.check_password(password + "x")
    _, other = create_user("hashed2", ["admin"])
    assert other != password


@pytest.mark.parametrize(
    ("username", "roles", "message"),
    [("a", ["admin"], "用户名"), ("ok_name", ["king"], "角色无效"), ("ok_name", [], "角色无效")],
)
def test_create_user_refuses_bad_input(ctx, username, roles, message):
    with pytest.raises(InputError, match=message):
        create_user(username, roles)


def test_create_user_refuses_a_taken_username(ctx):
    create_user("twice", ["admin"])
    with pytest.raises(InputError, match="已存在"):
        create_user("twice", ["admin"])


def test_tokens_are_stored_hashed_and_resolve_to_their_user(ctx):
    create_user("api", ["report_writer"])
    token = issue_token("api")
    row = db.session.scalar(select(ApiToken))
    assert token not in (row.token_hash, row.prefix) and row.token_hash == ApiToken.hash(token)
    assert user_for_token(token).username == "api"
    assert user_for_token(token + "x") is None


def test_cli_users_create_prints_the_password_last(runner, app):
    with app.app_context():
        incubator_id = make_incubator().id
        db.session.commit()
    result = runner.invoke(
        args=["users", "create", "mgr", "--role", "incubator_manager", "--incubator", str(incubator_id)]
    )
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "mgr"))
        assert user.check_password(password)
        assert user.roles == ["incubator_manager"]
        assert [i.id for i in user.incubators] == [incubator_id]


def test_cli_users_create_rejects_unknown_incubator_and_writes_nothing(runner, app):
    result = runner.invoke(
        args=["users", "create", "mgr", "--role", "incubator_manager", "--incubator", "999999"]
    )
    assert result.exit_code != 0
    assert "999999" in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "mgr")) is None


def test_cli_users_token_prints_a_working_token_last(runner, app):
    runner.invoke(args=["users", "create", "reader", "--role", "report_writer"])
    result = runner.invoke(args=["users", "token", "reader"])
    assert result.exit_code == 0
    with app.app_context():
        assert user_for_token(result.output.strip().splitlines()[-1]).username == "reader"
    assert runner.invoke(args=["users", "token", "nobody"]).exit_code != 0


def test_setup_creates_admin_and_demo_data_once(runner, app):
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    password = first.output.strip().splitlines()[-1]
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        assert admin.check_password(password) and admin.roles == ["admin"]
    second = runner.invoke(args=["setup"])
    assert second.exit_code == 0 and "admin" not in second.output and "Loading" not in second.output


def test_one_time_password_must_be_changed_before_anything_else(client, app):
    with app.app_context():
        _, password = create_user("first", ["admin"], must_change_password=True)
    client.post("/login", data={"username": "first", "password": password})
    assert client.get("/").headers["Location"] == "/account/password"
    short = client.post(
        "/account/password", data={"current": password, "new": "short", "confirm": "short"}
    ).get_data(as_text=True)
    assert "至少需要12个字符" in short
    new = "盘山县双创登记 correct horse"
    response = client.post("/account/password", data={"current": password, "new": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    with app.app_context():
        assert authenticate("first", new).user is not None
        assert authenticate("first", password).user is None


def test_change_password_requires_the_current_one(client, auth):
    auth.login("someone", roles=("report_writer",))
    page = client.post(
        "/account/password", data={"current": "wrong", "new": "x" * 12, "confirm": "x" * 12}
    ).get_data(as_text=True)
    assert "当前密码不正确" in page
