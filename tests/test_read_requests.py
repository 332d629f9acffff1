"""A read never writes: every GET page and API read, for an admin and for a manager, issues no INSERT,
UPDATE or DELETE and opens no write transaction; an API token's last use is noted after the response, at
most once a minute."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from registry.auth import token_use
from registry.extensions import db
from registry.models import ApiToken, Incubator, utcnow

from .factories import PASSWORDS, make_enterprise, make_tenancy, make_user
from .test_route_table import ADMIN, MGR, RULES, routes, url_for_rule, world  # noqa: F401

WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|BEGIN\s+(IMMEDIATE|EXCLUSIVE))\b", re.IGNORECASE)
LOCKING = re.compile(r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE)\b", re.IGNORECASE)


class Writes:
    """The write statements (and locking reads) the engine is asked to run, and every transaction's BEGIN."""

    def __init__(self) -> None:
        self.writes: list[str] = []
        self.begins: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if WRITE.match(statement) or LOCKING.search(statement):
            self.writes.append(" ".join(statement.split())[:160])
        if statement.lstrip().upper().startswith("BEGIN"):
            self.begins.append(statement.strip())


@pytest.fixture
def writes(app):
    recorder = Writes()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", recorder)
    yield recorder
    event.remove(engine, "before_cursor_execute", recorder)


def get_routes(app):
    return [rule for rule in routes(app) if RULES[rule.endpoint][0] == "GET"]


def recent_token(runner, app, monkeypatch, username: str) -> str:
    """A token of ``username`` noted as used just now, with the clock stopped there, so no request of the
    walk is due to note it however long the walk takes."""
    result = runner.invoke(args=["users", "token", username])
    assert result.exit_code == 0, result.output
    now = utcnow()
    monkeypatch.setattr(token_use, "clock", lambda: now)
    with app.app_context():
        db.session.execute(db.update(ApiToken).values(last_used_at=now))
        db.session.commit()
    return result.output.strip().splitlines()[-1]


@pytest.mark.parametrize("role", [ADMIN, MGR])
def test_no_get_page_or_api_read_writes_anything(app, client, runner, world, writes, monkeypatch, role):  # noqa: F811
    with app.app_context():
        make_user("walker", [role], incubator_ids=[world["mine"]] if role == MGR else [])
        # A firm in the manager's own incubator, so their lists and pages have rows to show.
        make_tenancy(
            incubator=db.session.get(Incubator, world["mine"]), enterprise=make_enterprise(name="甲企业")
        )
        db.session.commit()
    client.post("/login", data={"username": "walker", "password": PASSWORDS["walker"]})
    token = recent_token(runner, app, monkeypatch, "walker")
    writes.writes.clear()
    writes.begins.clear()
    walked = []
    for rule in get_routes(app):
        url = url_for_rule(rule, world)
        ways = [{}]
        if rule.rule.startswith("/api/"):
            ways.append({"headers": {"Authorization": f"Bearer {token}"}})
        for kwargs in ways:
            response = client.get(url, **kwargs)
            response.close()  # what runs once the response is sent counts too
            if response.status_code < 400:
                walked.append(url)
            assert writes.writes == [], f"GET {url} {kwargs and '(token)'} wrote: {writes.writes}"
    assert len(walked) > (60 if role == ADMIN else 30)  # the walk reached pages, not only refusals
    # On SQLite every transaction of the walk was a deferred (read) one: none asked for the write lock.
    assert {begin.upper() for begin in writes.begins} <= {"BEGIN"}


def last_used(app):
    with app.app_context():
        return db.session.scalar(db.select(ApiToken.last_used_at))


def test_a_tokens_use_is_noted_after_the_response_once_a_minute(app, client, runner, writes, monkeypatch):
    with app.app_context():
        make_user("script", ["report_writer"])
    result = runner.invoke(args=["users", "token", "script"])
    headers = {"Authorization": "Bearer " + result.output.strip().splitlines()[-1]}
    start = utcnow().replace(microsecond=0)
    now = [start]
    monkeypatch.setattr(token_use, "clock", lambda: now[0])

    def read_at(moment):
        now[0] = moment
        writes.writes.clear()
        response = client.get("/api/v1/towns", headers=headers)
        assert response.status_code == 200
        during = list(writes.writes)
        response.close()  # the response is sent
        return during, [w for w in writes.writes if not w.upper().startswith("BEGIN")]

    during, after = read_at(start)
    assert during == [] and len(after) == 1 and after[0].startswith("UPDATE api_tokens")
    assert last_used(app) == start
    # Within the minute: nothing to note, not even an UPDATE that would change no row.
    for seconds in (1, 30, 59):
        assert read_at(start + timedelta(seconds=seconds)) == ([], [])
    assert last_used(app) == start
    # Another worker, which has never seen the token, reads the row's last use and notes nothing either.
    token_use.forget()
    assert read_at(start + timedelta(seconds=40)) == ([], [])
    # A minute later the next use is noted, again after the response.
    during, after = read_at(start + timedelta(seconds=61))
    assert during == [] and len(after) == 1
    assert last_used(app) == start + timedelta(seconds=61)


def test_racing_workers_move_a_tokens_last_use_once_a_minute(app, client, runner):
    """Two processes that both found the use due: the UPDATE's own condition lets only the first one in."""
    with app.app_context():
        make_user("script", ["report_writer"])
    runner.invoke(args=["users", "token", "script"])
    start = utcnow().replace(microsecond=0)
    with app.app_context():
        token_id = db.session.scalar(db.select(ApiToken.id))
        token_use.record(db.engine, token_id, start)
        token_use.record(db.engine, token_id, start + timedelta(seconds=20))
    assert last_used(app) == start
    with app.app_context():
        token_use.record(db.engine, token_id, start + timedelta(seconds=60))
    assert last_used(app) == start + timedelta(seconds=60)


def test_an_api_list_read_with_a_token_costs_a_fixed_few_statements(app, client, runner, count_statements):
    """Sign-in is one statement (the token joined to its user and roles); the list adds its own page."""
    with app.app_context():
        make_user("script", ["report_writer"])
    result = runner.invoke(args=["users", "token", "script"])
    headers = {"Authorization": "Bearer " + result.output.strip().splitlines()[-1]}
    client.get("/api/v1/towns", headers=headers).close()  # the first use, noted
    with count_statements() as counter:
        response = client.get("/api/v1/towns", headers=headers)
        response.close()
    assert response.status_code == 200
    statements = [s for s in counter.statements if not s.lstrip().upper().startswith("BEGIN")]
    assert len(statements) == 2, statements  # sign-in, the page of towns
    assert "api_tokens" in statements[0] and "users" in statements[0]
