"""Sign-in hardening, sessions, password policy, security headers and cookies (ASVS 5.0 L1)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from registry.auth import policy
from registry.auth.services import ACCOUNT_FAILURES, ADDRESS_FAILURES, authenticate, create_user, update_user
from registry.domain import InputError
from registry.extensions import db
from registry.models import ChangeLog, User

from .factories import PASSWORDS


def login(client, username, password, address="10.0.0.1"):
    return client.post(
        "/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(client, app):
    with app.app_context():
        _, password = create_user("victim", ["report_writer"])
    for _attempt in range(ACCOUNT_FAILURES):
        page = login(client, "victim", "wrong-password").get_data(as_text=True)
        assert "用户名或密码不正确" in page
    page = login(client, "victim", password).get_data(as_text=True)
    assert "登录失败次数过多" in page
    assert client.get("/").status_code == 302
    with app.app_context():
        actions = db.session.scalars(select(ChangeLog.action).where(ChangeLog.object_type == "user")).all()
    assert "lockout" in actions and actions.count("login_failed") == ACCOUNT_FAILURES


def test_a_client_address_is_blocked_after_many_failures_across_accounts(ctx):
    for n in range(ADDRESS_FAILURES):
        assert not authenticate(f"nobody{n}", "x", "10.9.9.9").locked
    assert authenticate("someone-else", "x", "10.9.9.9").locked
    assert not authenticate("someone-else", "x", "10.9.9.10").locked


def test_lockout_is_kept_in_the_database_so_every_worker_sees_it(app):
    """A second app instance (another worker) shares the counts."""
    from registry import create_app

    with app.app_context():
        create_user("shared", ["report_writer"])
        for _ in range(ACCOUNT_FAILURES):
            authenticate("shared", "bad", "10.1.1.1")
    other = create_app({k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING")})
    with other.app_context():
        assert authenticate("shared", PASSWORDS.get("shared", "x"), "10.1.1.2").locked
        db.session.remove()
        db.engine.dispose()  # the second "worker" closes its connections like the first


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "至少需要12个字符"),
        ("password1234", "常见密码"),
        ("Password2024!", "常见密码"),
        ("aaaaaaaaaaaaaa", "过于简单"),
        ("alice-secret-phrase", "不能包含用户名"),
    ],
)
def test_password_policy_refuses_weak_passwords(password, reason):
    with pytest.raises(InputError) as refused:
        policy.check(password, "alice")
    assert reason in refused.value.message


def test_password_policy_accepts_a_long_passphrase_without_composition_rules():
    assert policy.check("盘山县的河蟹个头真是很大呀", "")
    assert policy.check("crab fields of panshan county", "alice")
    assert len(policy.common_passwords()) > 20_000


def test_sign_out_invalidates_the_old_cookie_server_side(client, auth):
    auth.login("rw", roles=("report_writer",))
    cookie = client.get_cookie("session").value
    client.post("/logout")
    client.set_cookie("session", cookie)  # replay the cookie from before sign-out
    assert client.get("/").status_code == 302


def test_password_change_ends_other_sessions_but_not_this_one(auth, client, other_client):
    auth.login("rw", roles=("report_writer",))
    other = other_client
    other.post("/login", data={"username": "rw", "password": PASSWORDS["rw"]})
    assert other.get("/").status_code == 200
    new = "a long new passphrase for the bureau"
    response = client.post("/account/password", data={"current": PASSWORDS["rw"], "new": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_deactivated_users_are_signed_out_at_once(app, auth, client):
    auth.login("rw", roles=("report_writer",))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "rw"))
        update_user(
            None,
            user.id,
            user.version,
            display_name="rw",
            roles=["report_writer"],
            incubator_ids=[],
            active=False,
        )
    assert client.get("/").status_code == 302


def test_session_is_renewed_at_sign_in(client, app):
    with app.app_context():
        _, password = create_user("renew", ["report_writer"])
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, "renew", password)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_idle_sessions_time_out(client, auth, app):
    auth.login("rw", roles=("report_writer",))
    with client.session_transaction() as session:
        session["_seen"] = time.time() - app.config["IDLE_TIMEOUT_MINUTES"] * 60 - 5
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_reads_within_a_minute_leave_the_session_cookie_alone(client, auth, app):
    """A page's background look-ups must not answer with a session cookie: one that arrives after a form's
    POST would put back the session from before it (and lose its "已保存" message)."""
    auth.login("rw", roles=("report_writer",))
    client.get("/")
    response = client.get("/enterprises/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    with client.session_transaction() as session:
        session["_seen"] = time.time() - 61
    assert "Set-Cookie" in client.get("/enterprises/").headers  # the idle clock still moves on


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_no_inline_scripts_in_any_template():
    import re
    from pathlib import Path

    for path in Path("templates").rglob("*.html"):
        for tag in re.findall(r"<script[^>]*>", path.read_text()):
            assert "src=" in tag, f"inline script in {path}"
    for path in Path("templates").rglob("*.html"):
        assert not re.search(r"\son(click|load|submit|change)=", path.read_text()), path


def test_https_mode_sets_hsts_and_secure_cookies(app, tmp_path):
    from registry import create_app

    secure = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'h.sqlite3'}", "SECRET_KEY": "x", "HTTPS": True}
    )
    assert secure.config["SESSION_COOKIE_SECURE"] and secure.config["REMEMBER_COOKIE_SECURE"]
    response = secure.test_client().get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_is_httponly_and_samesite(client, auth):
    response = auth.login("rw", roles=("report_writer",))
    header = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_every_state_changing_form_carries_a_csrf_token(app, client, auth, monkeypatch):
    """With CSRF on, a POST without the token is refused on every form endpoint."""
    auth.login()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    posts = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/") and rule.endpoint != "auth.login"
    ]
    assert posts
    for rule in posts:
        url = rule.rule.replace("<int:record_id>", "1").replace("<int:enterprise_id>", "1")
        url = (
            url.replace("<int:incubator_id>", "1")
            .replace("<int:tenancy_id>", "1")
            .replace("<int:user_id>", "1")
        )
        url = url.replace("<any(approve, reject, revoke):action>", "approve").replace("<token>", "x")
        assert client.post(url, data={"x": "1"}).status_code in (400, 403, 404), url


def test_token_creation_and_role_changes_are_logged(ctx):
    from registry.auth.services import issue_token

    user, _ = create_user("tok", ["report_writer"])
    issue_token("tok")
    update_user(None, user.id, 1, display_name="tok", roles=["science_bureau"], incubator_ids=[], active=True)
    actions = db.session.scalars(select(ChangeLog.action).where(ChangeLog.object_type == "user")).all()
    assert "token_created" in actions and "update" in actions


def test_behind_a_configured_proxy_the_limit_counts_the_real_client_address(tmp_path):
    from flask_migrate import upgrade

    from registry import create_app

    proxied = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
            "SECRET_KEY": "x",
            "PROXY_COUNT": 1,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with proxied.app_context():
        upgrade()
    client = proxied.test_client()
    client.post("/login", data={"username": "x", "password": "y"}, headers={"X-Forwarded-For": "203.0.113.7"})
    with proxied.app_context():
        from registry.models import LoginAttempt

        assert db.session.scalar(select(LoginAttempt.address)) == "203.0.113.7"
        db.session.remove()
        db.engine.dispose()


def test_cli_created_passwords_are_one_time(runner, client):
    password = (
        runner.invoke(args=["users", "create", "newbie", "--role", "report_writer"])
        .output.strip()
        .splitlines()[-1]
    )
    client.post("/login", data={"username": "newbie", "password": password})
    assert client.get("/").headers["Location"] == "/account/password"
