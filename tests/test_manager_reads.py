"""What a manager reads about their own tenants: not the tenants' stays in other incubators nor the change
log of those stays, and of a training only the participants in their scope (page, list, CSV, API)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.incubation.services import TENANCY
from registry.listing.services import TRAINING
from registry.models import Incubator, User
from registry.records import writer

from .factories import make_user
from .scope_world import DAY, YESTERDAY, build_world, login


@pytest.fixture
def world(app, runner):
    return build_world(app, runner)


def staff(username: str, role: str):
    return db.session.scalar(select(User).where(User.username == username)) or make_user(username, [role])


def test_the_firm_page_shows_a_manager_only_stays_and_history_of_their_own_incubators(app, client, world):
    with app.test_request_context():
        bureau = staff("kjj", "science_bureau")
        other = db.session.get(Incubator, world["incubator"])
        data = {"incubator_id": other.id, "enterprise_id": world["own"], "moved_in_on": "2020-01-01"}
        elsewhere = writer.create(
            TENANCY, bureau, data | {"left_on": "2020-12-31", "exit_reason": "moved_out"}
        )
        writer.update(TENANCY, bureau, elsewhere.id, 1, {"free_space_until": "2020-06-30"}, partial=True)
        writer.update(TENANCY, bureau, world["own_stay"], 1, {"free_space_until": "2030-06-30"}, partial=True)
        db.session.remove()
    login(client)
    page = client.get(f"/enterprises/{world['own']}").get_data(as_text=True)
    assert "我的孵化器" in page and "2030-06-30" in page
    assert "别人的孵化器" not in page and "2020-06-30" not in page
    client.post("/logout")
    client.post("/login", data={"username": "kjj", "password": _password("kjj")})
    page = client.get(f"/enterprises/{world['own']}").get_data(as_text=True)
    assert "别人的孵化器" in page and "2020-06-30" in page


def _password(username: str) -> str:
    from .factories import PASSWORDS

    return PASSWORDS[username]


@pytest.fixture
def training(app, world):
    """A training both firms attended, recorded by the finance office (so it has a change log)."""
    with app.test_request_context():
        finance = staff("jrb", "finance_officer")
        data = {
            "held_on": DAY.isoformat(),
            "title": "上市辅导培训",
            "topic": "listing",
            "enterprise_ids": [world["own"], world["firm"]],
        }
        record = writer.create(TRAINING, finance, data)
        training_id = record.id
        db.session.remove()
    return training_id


def test_a_training_shows_a_manager_only_the_participants_in_their_scope(client, world, training):
    login(client)
    h = world["headers"]
    page = client.get(f"/trainings/{training}").get_data(as_text=True)
    assert "自家科技有限公司" in page and "外家科技有限公司" not in page
    assert "参加企业（1）" in page and "暂无变更记录" in _history_of(page)
    listing = client.get("/trainings/").get_data(as_text=True)
    assert "上市辅导培训" in listing and "外家科技有限公司" not in listing
    export = client.get("/trainings/export.csv").get_data(as_text=True)
    assert "自家科技有限公司" in export and "外家科技有限公司" not in export
    item = client.get(f"/api/v1/trainings/{training}", headers=h).get_json()
    assert item["enterprise_ids"] == [world["own"]]
    items = client.get("/api/v1/trainings", headers=h).get_json()["items"]
    assert [i["enterprise_ids"] for i in items] == [[world["own"]], [world["own"]]]
    csv = client.get("/api/v1/trainings?format=csv", headers=h).get_data(as_text=True)
    assert csv.splitlines()[1].endswith(f",{world['own']}")


def test_the_training_list_counts_for_a_manager_only_the_participants_they_see(client, world, training):
    login(client)
    page = client.get("/trainings/").get_data(as_text=True)
    counts = re.findall(r'data-summary="(\d)">(\d+)</span>', page)
    assert counts == [("1", "2"), ("2", "1")]  # two trainings; of their participants, one firm is theirs


def test_a_training_shows_everyone_else_all_its_participants_and_its_history(client, app, world, training):
    client.post("/login", data={"username": "jrb", "password": _password("jrb")})
    page = client.get(f"/trainings/{training}").get_data(as_text=True)
    assert "自家科技有限公司" in page and "外家科技有限公司" in page and "参加企业（2）" in page
    assert "暂无变更记录" not in page


def test_a_manager_reads_no_change_log_of_a_training(client, world, training):
    login(client)
    assert "暂无变更记录" in client.get(f"/trainings/{training}").get_data(as_text=True)


def test_the_dashboard_shows_a_manager_no_change_of_a_firm_that_left(app, client, world):
    from registry.enterprises.services import ENTERPRISE

    with app.test_request_context():
        bureau = staff("kjj", "science_bureau")
        left = {"left_on": YESTERDAY.isoformat(), "exit_reason": "graduated"}
        writer.update(TENANCY, bureau, world["own_stay"], 1, left, partial=True)
        writer.update(ENTERPRISE, bureau, world["own"], 1, {"employees": 77}, partial=True)
        db.session.remove()
    login(client)
    page = client.get("/").get_data(as_text=True)
    assert 'me-1">入孵记录</span>' in page  # the stay is their incubator's: its exit is listed
    assert 'me-1">企业</span>' not in page  # the firm's own changes after it left are not


def _history_of(page: str) -> str:
    return page[page.index('id="history"') :]
