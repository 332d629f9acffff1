"""What a manager is told about firms outside their scope: exactly what they would be told of a firm that
does not exist, and never a name, an id or a code. A tenancy's firm is fixed once recorded."""

from __future__ import annotations

import json

import pytest

from .factories import make_incubator, uscc
from .scope_world import build_world, login


@pytest.fixture
def world(app, runner):
    return build_world(app, runner)


def bureau(runner) -> dict:
    assert runner.invoke(args=["users", "create", "kjj", "--role", "science_bureau"]).exit_code == 0
    result = runner.invoke(args=["users", "token", "kjj"])
    return {"Authorization": f"Bearer {result.output.strip().splitlines()[-1]}"}


def answer(response, reference) -> tuple[int, str]:
    """The status and the body, with the reference the request named written as ``X``."""
    text = json.dumps(response.get_json(), ensure_ascii=False)
    return response.status_code, text.replace(f"编号{reference}", "编号X").replace(f"“{reference}”", "“X”")


def same_answer(outside, foreign, nowhere, missing) -> bool:
    """``#id`` is answered by the bare id (编号N)."""
    foreign, missing = (str(r).removeprefix("#") for r in (foreign, missing))
    return answer(outside, foreign) == answer(nowhere, missing)


def references(world) -> list[tuple[object, object]]:
    """(a reference to the foreign firm, a reference of the same form to no firm at all)."""
    missing = world["firm"] + 1000
    return [
        (world["firm"], missing),
        (world["foreign_uscc"], uscc()),
        ("外家科技有限公司", "没有这家科技有限公司"),
        (f"#{world['firm']}", f"#{missing}"),
    ]


def test_a_stay_for_a_firm_outside_the_scope_is_refused_exactly_like_one_for_no_firm(client, world):
    h = world["headers"]
    for foreign, missing in references(world):
        outside = client.post(
            "/api/v1/tenancies",
            headers=h,
            json={"incubator_id": world["mine"], "enterprise_id": foreign, "moved_in_on": "2022-01-01"},
        )
        nowhere = client.post(
            "/api/v1/tenancies",
            headers=h,
            json={"incubator_id": world["mine"], "enterprise_id": missing, "moved_in_on": "2022-01-01"},
        )
        assert outside.status_code == 422
        assert same_answer(outside, foreign, nowhere, missing)
        assert "入孵企业" in outside.get_json()["errors"]["enterprise_id"][0]


def test_the_firm_filter_answers_a_firm_outside_the_scope_like_a_missing_one(client, world):
    h = world["headers"]
    for collection in ("certifications", "tenancies", "pledge-loans"):
        for foreign, missing in references(world):
            outside = client.get(f"/api/v1/{collection}", headers=h, query_string={"enterprise_id": foreign})
            nowhere = client.get(f"/api/v1/{collection}", headers=h, query_string={"enterprise_id": missing})
            assert outside.status_code == 422
            assert same_answer(outside, foreign, nowhere, missing)
        own = client.get(
            f"/api/v1/{collection}", headers=h, query_string={"enterprise_id": world["own_uscc"]}
        )
        assert own.status_code == 200


def test_register_tenant_takes_in_by_code_or_name_but_not_by_the_id_of_a_firm_outside(client, world):
    login(client)
    form = {"incubator_id": str(world["mine"]), "firm_mode": "existing", "moved_in_on": "2022-01-01"}
    page = client.post("/tenants/new", data=form | {"firm": f"#{world['firm']}"})
    assert page.status_code == 200 and "未找到该企业" in page.get_data(as_text=True)
    assert client.post("/tenants/new", data=form | {"firm": world["foreign_uscc"]}).status_code == 302


def test_register_tenant_warns_of_a_namesake_outside_the_scope_without_naming_it(client, world):
    login(client)
    form = {
        "incubator_id": str(world["mine"]),
        "firm_mode": "new",
        "legal_form": "company",
        "town_id": str(world["town"]),
        "moved_in_on": "2022-01-01",
    }
    same_name = client.post("/tenants/new", data=form | {"name": "外家科技有限公司", "uscc": uscc()})
    page = same_name.get_data(as_text=True)
    assert same_name.status_code == 200 and "有名称相同的企业" in page
    assert world["foreign_uscc"] not in page and "confirm_duplicate" in page
    same_code = client.post(
        "/tenants/new", data=form | {"name": "新名字有限公司", "uscc": world["foreign_uscc"]}
    )
    page = same_code.get_data(as_text=True)
    assert "该代码已登记" in page
    assert "外家科技有限公司" not in page and f"编号{world['firm']}" not in page


def test_editing_a_tenant_firm_names_no_firm_outside_the_scope(client, world, runner):
    h = world["headers"]
    path = f"/api/v1/enterprises/{world['own']}"
    code = client.patch(path, headers=h, json={"version": 1, "uscc": world["foreign_uscc"]})
    assert code.status_code == 409
    assert "外家科技有限公司" not in code.get_data(as_text=True)
    assert f"编号{world['firm']}" not in code.get_data(as_text=True)
    renamed = client.patch(path, headers=h, json={"version": 1, "name": "外家科技有限公司"})
    assert renamed.status_code == 409 and renamed.get_json()["matches"] == []
    assert world["foreign_uscc"] not in renamed.get_data(as_text=True)
    # Who sees every firm is still told which firm it is.
    b = bureau(runner)
    named = client.patch(path, headers=b, json={"version": 1, "name": "外家科技有限公司"})
    assert named.status_code == 409 and named.get_json()["matches"][0]["id"] == world["firm"]


def test_the_firm_of_a_tenancy_cannot_be_changed_by_anyone(client, world, runner):
    path = f"/api/v1/tenancies/{world['own_stay']}"
    for h in (world["headers"], bureau(runner)):
        response = client.patch(path, headers=h, json={"version": 1, "enterprise_id": world["firm"]})
        assert response.status_code == 422
    message = response.get_json()["errors"]["enterprise_id"][0]
    assert message == "入孵企业：入孵记录登记后不能更换企业；如登记错了，请归档此记录后重新登记"
    same = client.patch(path, headers=world["headers"], json={"version": 1, "enterprise_id": world["own"]})
    assert same.status_code == 200


def test_a_stay_moves_only_between_incubators_its_editor_manages(client, world, runner, app):
    from registry.extensions import db
    from registry.models import Town, User

    path = f"/api/v1/tenancies/{world['own_stay']}"
    h = world["headers"]
    assert (
        client.patch(path, headers=h, json={"version": 1, "incubator_id": world["incubator"]}).status_code
        == 403
    )
    with app.app_context():
        town = db.session.get(Town, world["town"])
        second = make_incubator(name="我的第二孵化器", kind="maker_space", town=town)
        manager = db.session.scalar(db.select(User).where(User.username == "mgr"))
        manager.incubators.append(second)
        db.session.commit()
        second_id = second.id
    moved = client.patch(path, headers=h, json={"version": 1, "incubator_id": second_id})
    assert moved.status_code == 200
    b = bureau(runner)
    assert (
        client.patch(path, headers=b, json={"version": 2, "incubator_id": world["incubator"]}).status_code
        == 200
    )
    # Moved out of the manager's incubators, the stay and its firm are out of their scope.
    assert client.get(path, headers=h).status_code == 404
    assert client.get(f"/api/v1/enterprises/{world['own']}", headers=h).status_code == 404
