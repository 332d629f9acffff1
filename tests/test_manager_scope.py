"""An incubator manager's scope: the firms with an active stay in their incubators, and nothing their own
writes can add to it except the register-tenant flow (a firm's USCC or exact name).

Each attack sequence is run as the manager, then every GET route of the app is walked for the ids of a
firm outside the scope and of its records: each answers 404 (or refuses) and no page, list, export or API
collection shows the firm.
"""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from registry.api.collections import COLLECTIONS
from registry.extensions import db
from registry.models import Tenancy

from .import_helpers import xlsx
from .scope_world import YESTERDAY, build_world, login

# GET routes whose id argument names a record of the foreign firm: (endpoint, argument) → the ids to try.
FOREIGN_TARGETS = {
    "enterprises.detail": "firm",
    "enterprises.edit": "firm",
    "incubation.incubator": "incubator",
    "incubation.edit_tenancy": "stay",
    "incubation.exit_tenancy": "stay",
    "certifications.detail": "cert",
    "certifications.edit": "cert",
    "pledge_loans.detail": "loan",
    "pledge_loans.edit": "loan",
    "listing_candidates.detail": "cand",
    "listing_candidates.edit": "cand",
    "outreach.detail": "visit",
    "outreach.edit": "visit",
}
API_ITEMS = {
    "enterprises": "firm",
    "tenancies": "stay",
    "certifications": "cert",
    "pledge-loans": "loan",
    "listing-candidates": "cand",
    "outreach": "visit",
}


@pytest.fixture
def world(app, runner):
    return build_world(app, runner)


def leaks(body: str, world, name_known: bool = False) -> bool:
    """Does a page show the foreign firm (its name, code, its stay elsewhere or its loan)?"""
    shown = world["foreign_uscc"] in body or "别人的孵化器" in body or "DJ-FOREIGN-7" in body
    return shown or (not name_known and "外家科技有限公司" in body)


def assert_nothing_of_the_foreign_firm(app, client, world, name_known: bool = False) -> None:
    """Walk every GET route: the foreign firm's records answer 404 and no page or list shows the firm.

    ``name_known``: the firm was once the manager's tenant, so their own incubator's past stays (and their
    change log) still name it; nothing else of it may show.
    """
    h = world["headers"]
    client.get("/account/password")  # shows (and so clears) what the sequence's own writes flashed
    wrong = []
    foreign_ids = {world[k] for k in ("firm", "incubator", "stay", "cert", "loan", "cand", "visit")}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "bootstrap.static"):
            continue
        args = set(rule.arguments)
        if not args:
            paths = [rule.rule]
        elif args == {"fmt"}:
            paths = [rule.rule.replace("<any(csv, xlsx):fmt>", "csv")]
        elif len(args) == 1 and "int:" in rule.rule:
            (name,) = args
            target = FOREIGN_TARGETS.get(rule.endpoint)
            ids = [world[target]] if target else sorted(foreign_ids)
            paths = [re.sub(r"<int:\w+>", str(i), rule.rule) for i in ids]
        else:
            continue  # the API's <name> routes are walked below; reports and imports refuse a manager
        for path in paths:
            response = client.get(path, headers=h if path.startswith("/api/") else {})
            body = response.get_data(as_text=True)
            if rule.endpoint in FOREIGN_TARGETS and response.status_code != 404:
                wrong.append(f"{path}: {response.status_code}")
            elif leaks(body, world, name_known):
                wrong.append(f"{path}: shows the foreign firm")
    for coll in COLLECTIONS:
        for path in (f"/api/v1/{coll.name}", f"/api/v1/{coll.name}?format=csv"):
            if leaks(client.get(path, headers=h).get_data(as_text=True), world, name_known):
                wrong.append(f"{path}: shows the foreign firm")
    for name, key in API_ITEMS.items():
        path = f"/api/v1/{name}/{world[key]}"
        statuses = (
            client.get(path, headers=h).status_code,
            client.patch(path, headers=h, json={"version": 1, "notes": "x"}).status_code,
            client.delete(path, headers=h).status_code,
        )
        if statuses != (404, 404, 404):
            wrong.append(f"{path}: GET/PATCH/DELETE {statuses}")
    for q in ("外家", world["foreign_uscc"]):
        if leaks(client.get(f"/enterprises/lookup?q={q}").get_data(as_text=True), world):
            wrong.append(f"/enterprises/lookup?q={q}: shows the foreign firm")
    assert wrong == []


def tenancy_body(world, **kw):
    return {"incubator_id": world["mine"], "moved_in_on": "2022-01-01"} | kw


def create_foreign_stays(client, world, app):
    h = world["headers"]
    for reference in (world["firm"], world["foreign_uscc"], "外家科技有限公司", f"#{world['firm']}"):
        response = client.post(
            "/api/v1/tenancies", headers=h, json=tenancy_body(world, enterprise_id=reference)
        )
        assert response.status_code == 422


def patch_enterprise_id_then_archive(client, world, app):
    h = world["headers"]
    path = f"/api/v1/tenancies/{world['own_stay']}"
    response = client.patch(path, headers=h, json={"version": 1, "enterprise_id": world["firm"]})
    assert response.status_code == 422
    assert client.delete(f"{path}?version=1", headers=h).status_code == 200
    assert client.get(f"/api/v1/enterprises/{world['own']}", headers=h).status_code == 404


def move_stay_to_other_incubator(client, world, app):
    h = world["headers"]
    path = f"/api/v1/tenancies/{world['own_stay']}"
    response = client.patch(path, headers=h, json={"version": 1, "incubator_id": world["incubator"]})
    assert response.status_code == 403


def import_foreign_stays(client, world, app):
    from registry.imports.run import Decisions, ImportRun
    from registry.imports.spec import BY_NAME
    from registry.models import User

    content = xlsx(
        [
            ["我的孵化器", world["foreign_uscc"], "2022-01-01"],
            ["我的孵化器", "外家科技有限公司", "2022-01-01"],
            ["我的孵化器", f"#{world['firm']}", "2022-01-01"],
        ],
        headers=["孵化载体", "入孵企业", "入驻日期"],
        title="入孵",
    )
    with app.test_request_context():
        manager = db.session.scalar(select(User).where(User.username == "mgr"))
        run = ImportRun.open(
            BY_NAME["tenancies"], manager, content, "入孵.xlsx", decisions=Decisions(valid_only=True)
        )
        result = run.commit()
        assert result.created == 0 and len(result.error_lines()) == 3
        db.session.remove()


def register_then_leave(client, world, app):
    """The one legitimate way in: the firm's USCC. Leaving takes it out again from the next day."""
    login(client)
    form = {
        "incubator_id": str(world["mine"]),
        "firm_mode": "existing",
        "firm": world["foreign_uscc"],
        "moved_in_on": (YESTERDAY - timedelta(days=10)).isoformat(),
    }
    assert client.post("/tenants/new", data=form).status_code == 302
    h = world["headers"]
    assert client.get(f"/api/v1/enterprises/{world['firm']}", headers=h).status_code == 200
    stay_id = stay_of_foreign_firm_in_mine(app, world)
    exit_data = {"left_on": YESTERDAY.isoformat(), "exit_reason": "graduated", "version": "1"}
    assert client.post(f"/tenancies/{stay_id}/exit", data=exit_data).status_code == 302
    assert client.get(f"/api/v1/enterprises/{world['firm']}", headers=h).status_code == 404


def register_then_archive(client, world, app):
    """The same by its exact name; archiving the stay (entered in error) takes the firm out at once."""
    login(client)
    form = {
        "incubator_id": str(world["mine"]),
        "firm_mode": "existing",
        "firm": "外家科技有限公司",
        "moved_in_on": "2022-01-01",
    }
    assert client.post("/tenants/new", data=form).status_code == 302
    h = world["headers"]
    stay_id = stay_of_foreign_firm_in_mine(app, world)
    assert client.delete(f"/api/v1/tenancies/{stay_id}", headers=h).status_code == 200
    response = client.patch(f"/api/v1/enterprises/{world['firm']}", headers=h, json={"version": 1})
    assert response.status_code == 404


def stay_of_foreign_firm_in_mine(app, world) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Tenancy.id).where(
                Tenancy.enterprise_id == world["firm"], Tenancy.incubator_id == world["mine"]
            )
        )


SEQUENCES = {
    "create stays for a foreign firm by id, USCC, name and #id": create_foreign_stays,
    "patch a stay's enterprise_id, then archive the stay": patch_enterprise_id_then_archive,
    "move a stay to another incubator": move_stay_to_other_incubator,
    "import stays of a foreign firm": import_foreign_stays,
}


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_a_managers_own_writes_give_them_nothing_of_a_firm_outside_their_scope(app, client, world, name):
    SEQUENCES[name](client, world, app)
    login(client)
    with app.app_context():
        stays = select(func.count()).select_from(Tenancy).where(Tenancy.enterprise_id == world["firm"])
        assert db.session.scalar(stays) == 1
    assert_nothing_of_the_foreign_firm(app, client, world)


@pytest.mark.parametrize("leave", [register_then_leave, register_then_archive])
def test_a_firm_taken_in_by_its_uscc_or_name_leaves_the_scope_with_its_stay(app, client, world, leave):
    leave(client, world, app)
    assert_nothing_of_the_foreign_firm(app, client, world, name_known=True)


def random_writes(client, world, app, rng, steps: int = 10) -> None:
    """A random sequence of the manager's own writes (each may succeed or be refused, never a 500)."""
    h = world["headers"]
    references = [world["firm"], world["foreign_uscc"], "外家科技有限公司", f"#{world['firm']}", world["own"]]
    incubators = [world["mine"], world["incubator"]]

    def stays() -> list[tuple[int, int]]:
        items = client.get("/api/v1/tenancies", headers=h).get_json()["items"]
        return [(i["id"], i["version"]) for i in items] or [(world["own_stay"], 1)]

    def post_stay():
        body = tenancy_body(world, enterprise_id=rng.choice(references), incubator_id=rng.choice(incubators))
        return client.post("/api/v1/tenancies", headers=h, json=body)

    def patch_stay():
        stay_id, version = rng.choice(stays())
        change = rng.choice(
            [
                {"enterprise_id": rng.choice(references)},
                {"incubator_id": rng.choice(incubators)},
                {"left_on": YESTERDAY.isoformat(), "exit_reason": "graduated"},
                {"left_on": None, "exit_reason": None},
                {"free_space_until": "2030-01-01"},
            ]
        )
        return client.patch(f"/api/v1/tenancies/{stay_id}", headers=h, json={"version": version} | change)

    def archive_stay():
        stay_id, version = rng.choice(stays())
        return client.delete(f"/api/v1/tenancies/{stay_id}?version={version}", headers=h)

    def register_by_id():
        form = {"incubator_id": str(world["mine"]), "firm_mode": "existing", "moved_in_on": "2022-01-01"}
        return client.post("/tenants/new", data=form | {"firm": f"#{world['firm']}"})

    def edit_own_firm():
        change = rng.choice([{"uscc": world["foreign_uscc"]}, {"name": "外家科技有限公司"}, {"employees": 3}])
        version = client.get(f"/api/v1/enterprises/{world['own']}", headers=h).get_json().get("version", 1)
        return client.patch(
            f"/api/v1/enterprises/{world['own']}", headers=h, json={"version": version} | change
        )

    def filter_by_foreign():
        return client.get(
            "/api/v1/certifications", headers=h, query_string={"enterprise_id": rng.choice(references)}
        )

    actions = [post_stay, patch_stay, archive_stay, register_by_id, edit_own_firm, filter_by_foreign]
    login(client)
    for _step in range(steps):
        response = rng.choice(actions)()
        assert response.status_code < 500


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_any_random_sequence_of_a_managers_writes_gives_them_nothing_of_a_foreign_firm(
    app, client, world, seed
):
    random_writes(client, world, app, random.Random(seed))
    assert_nothing_of_the_foreign_firm(app, client, world)
