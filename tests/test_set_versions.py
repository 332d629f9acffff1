"""Sets (tags, founder groups, a training's participants) are part of the record's version.

Their rows live in association tables, so a change to them alone must still move the owner's ``version``:
otherwise an edit made from the old version (a stale form, a stale PATCH) silently puts the old set back.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from registry.enterprises.services import ENTERPRISE
from registry.extensions import db
from registry.listing.services import TRAINING
from registry.models import ChangeLog, Enterprise, Training
from registry.records import writer
from registry.records.errors import StaleVersion

from .factories import make_enterprise, make_tag, make_training, make_user


@pytest.fixture
def token(runner):
    def issue(username: str) -> dict:
        assert runner.invoke(args=["users", "create", username, "--role", "admin"]).exit_code == 0
        result = runner.invoke(args=["users", "token", username])
        return {"Authorization": f"Bearer {result.output.strip().splitlines()[-1]}"}

    return issue


def _set_up(app) -> dict:
    """A firm with no tags or groups, two tags, and a training with one participant."""
    with app.app_context():
        firm = make_enterprise(name="集合版本测试有限公司", employees=10)
        other = make_enterprise(name="集合版本参训有限公司")
        make_tag("cloud", "企业上云")
        make_tag("kechuang-china", "科创中国平台注册")
        training = make_training([firm], held_on=date(2021, 6, 1), title="上市培训", topic="listing")
        db.session.commit()
        return {"firm": firm.id, "other": other.id, "training": training.id}


def _last_update(app, object_type: str, object_id: int) -> ChangeLog:
    with app.app_context():
        return db.session.scalars(
            select(ChangeLog)
            .where(
                ChangeLog.action == "update",
                ChangeLog.object_type == object_type,
                ChangeLog.object_id == object_id,
            )
            .order_by(ChangeLog.id.desc())
        ).first()


# (collection, id key, A's change, expected stored value, B's stale change of the set, B's other change)
CASES = {
    "tags": ("enterprises", "firm", {"tags": ["cloud"]}, ["cloud"], {"tags": []}, {"employees": 99}),
    "founder_groups": (
        "enterprises",
        "firm",
        {"founder_groups": ["veteran", "woman"]},
        ["veteran", "woman"],
        {"founder_groups": ["researcher"]},
        {"employees": 99},
    ),
    "enterprise_ids": (
        "trainings",
        "training",
        {"enterprise_ids": "both"},
        "both",
        {"enterprise_ids": "firm"},
        {"title": "改名的培训"},
    ),
}


@pytest.mark.parametrize("stale_change", ["same set", "other field"])
@pytest.mark.parametrize("field", list(CASES))
def test_a_change_to_a_set_alone_moves_the_version_and_a_stale_patch_gets_409(
    client, token, app, field, stale_change
):
    ids = _set_up(app)
    collection, key, change, expected, stale_set, stale_other = CASES[field]
    both = sorted([ids["firm"], ids["other"]])

    def resolve(values: dict) -> dict:
        names = {"both": both, "firm": [ids["firm"]]}
        return {k: names.get(v, v) if isinstance(v, str) else v for k, v in values.items()}

    expected = both if expected == "both" else expected
    url = f"/api/v1/{collection}/{ids[key]}"
    alice, bob = token("alice"), token("bob")
    assert client.get(url, headers=bob).get_json()["version"] == 1  # both read version 1

    first = client.patch(url, headers=alice, json={"version": 1} | resolve(change))
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["version"] == 2 and first.get_json()[field] == expected
    entry = _last_update(app, {"enterprises": "enterprise", "trainings": "training"}[collection], ids[key])
    assert entry is not None and entry.changes[field][1] == expected
    assert entry.changes[field][0] != expected

    stale = stale_set if stale_change == "same set" else stale_other
    second = client.patch(url, headers=bob, json={"version": 1} | resolve(stale))
    assert second.status_code == 409 and second.get_json()["current_version"] == 2
    assert client.get(url, headers=bob).get_json()[field] == expected


def test_the_write_path_refuses_a_stale_edit_after_a_tags_only_change(ctx):
    firm = make_enterprise(name="写入路径集合有限公司")
    make_tag("cloud", "企业上云")
    db.session.commit()
    bureau = make_user("sb", ["science_bureau"])
    saved = writer.update(ENTERPRISE, bureau, firm.id, 1, {"tags": ["cloud"]}, partial=True)
    assert saved.version == 2
    with pytest.raises(StaleVersion):
        writer.update(ENTERPRISE, bureau, firm.id, 1, {"tags": []}, partial=True)
    db.session.expire_all()
    assert [t.code for t in db.session.get(Enterprise, firm.id).tags] == ["cloud"]


def test_an_unchanged_set_does_not_move_the_version(ctx):
    firm = make_enterprise(name="集合未变有限公司")
    make_tag("cloud", "企业上云")
    db.session.commit()
    bureau = make_user("sb", ["science_bureau"])
    writer.update(ENTERPRISE, bureau, firm.id, 1, {"tags": ["cloud"]}, partial=True)
    again = writer.update(ENTERPRISE, bureau, firm.id, 2, {"tags": ["cloud"]}, partial=True)
    assert again.version == 2
    training = writer.create(
        TRAINING,
        None,
        {"held_on": "2021-05-01", "title": "培训", "topic": "ip", "enterprise_ids": [firm.id]},
    )
    same = writer.update(TRAINING, None, training.id, 1, {"enterprise_ids": [firm.id]}, partial=True)
    assert same.version == 1


def test_a_stale_form_cannot_put_old_tags_back(client, auth, app):
    ids = _set_up(app)
    with app.app_context():
        firm = db.session.get(Enterprise, ids["firm"])
        base = {
            "name": firm.name,
            "uscc": firm.uscc,
            "legal_form": "company",
            "town_id": str(firm.town_id),
            "employees": "10",
            "version": "1",
        }
    auth.login("sb", roles=("science_bureau",))
    # Alice ticks a tag and a founder group; Bob's form was opened before and still shows none.
    saved = client.post(
        f"/enterprises/{ids['firm']}/edit", data=base | {"tags": ["cloud"], "founder_groups": ["veteran"]}
    )
    assert saved.status_code == 302
    page = client.post(f"/enterprises/{ids['firm']}/edit", data=base | {"employees": "11"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "已被他人修改" in text
    with app.app_context():
        firm = db.session.get(Enterprise, ids["firm"])
        assert [t.code for t in firm.tags] == ["cloud"] and firm.founder_groups == ["veteran"]
        assert firm.employees == 10 and firm.version == 2


def test_a_users_roles_and_incubators_are_part_of_its_version(ctx):
    from registry.auth import services as accounts

    from .factories import make_incubator

    incubator = make_incubator(name="版本孵化器")
    db.session.commit()
    user = make_user("wang", ["report_writer"], display_name="王")
    fields = {"display_name": "王", "incubator_ids": [], "active": True}
    saved = accounts.update_user(None, user.id, 1, roles=["finance_officer"], **fields)
    assert saved.version == 2
    with pytest.raises(StaleVersion):
        accounts.update_user(None, user.id, 1, roles=["report_writer"], **fields)
    moved = accounts.update_user(
        None, user.id, 2, roles=["finance_officer"], **fields | {"incubator_ids": [incubator.id]}
    )
    assert moved.version == 3
    db.session.expire_all()
    assert db.session.get(type(user), user.id).roles == ["finance_officer"]


def test_a_stale_training_form_cannot_put_old_participants_back(client, auth, app):
    ids = _set_up(app)
    with app.app_context():
        firm, other = db.session.get(Enterprise, ids["firm"]), db.session.get(Enterprise, ids["other"])
        base = {"held_on": "2021-06-01", "title": "上市培训", "topic": "listing", "version": "1"}
        both, one = f"{firm.uscc}\n{other.uscc}", firm.uscc
    auth.login("fo", roles=("finance_officer",))
    url = f"/trainings/{ids['training']}/edit"
    assert client.post(url, data=base | {"enterprise_ids": both}).status_code == 302
    page = client.post(url, data=base | {"enterprise_ids": one, "title": "改名的培训"})
    assert page.status_code == 200 and "已被他人修改" in page.get_data(as_text=True)
    with app.app_context():
        training = db.session.get(Training, ids["training"])
        assert training.enterprise_ids == sorted([ids["firm"], ids["other"]]) and training.title == "上市培训"
        assert training.version == 2
