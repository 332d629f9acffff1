"""JSON API v1: a script's whole day through a CLI token, errors, permissions, paging, CSV."""

from __future__ import annotations

import csv
import io

import pytest

from registry.extensions import db

from .factories import make_enterprise, make_incubator, make_tenancy, uscc


@pytest.fixture
def token(runner):
    def issue(username="script", *roles, incubators=()):
        args = ["users", "create", username]
        for role in roles or ("admin",):
            args += ["--role", role]
        for incubator in incubators:
            args += ["--incubator", str(incubator)]
        assert runner.invoke(args=args).exit_code == 0
        result = runner.invoke(args=["users", "token", username])
        return {"Authorization": f"Bearer {result.output.strip().splitlines()[-1]}"}

    return issue


def test_a_script_creates_reads_pages_and_gets_409_on_a_stale_patch(client, token):
    h = token()
    town = client.post("/api/v1/towns", json={"code": "taiping", "name": "太平街道"}, headers=h)
    assert town.status_code == 201, town.get_json()
    town_id = town.get_json()["id"]
    firm = client.post(
        "/api/v1/enterprises",
        headers=h,
        json={
            "name": "盘锦金田塑业有限公司",
            "uscc": uscc(),
            "legal_form": "company",
            "town_id": town_id,
            "founder_groups": ["veteran"],
            "registered_capital_wan": "3000.50",
            "high_value_ip_count": 3,
        },
    )
    assert firm.status_code == 201, firm.get_json()
    firm = firm.get_json()
    assert (
        firm["version"] == 1
        and firm["founder_groups"] == ["veteran"]
        and firm["registered_capital_wan"] == "3000.50"
    )
    incubator = client.post(
        "/api/v1/incubators",
        headers=h,
        json={
            "name": "盘锦现代农业创业大厦",
            "kind": "startup_base",
            "level": "municipal",
            "town_id": town_id,
        },
    ).get_json()
    tenancy = client.post(
        "/api/v1/tenancies",
        headers=h,
        json={"incubator_id": incubator["id"], "enterprise_id": firm["id"], "moved_in_on": "2021-03-01"},
    )
    assert tenancy.status_code == 201 and tenancy.get_json()["free_space_until"] == "2023-02-28"
    cert = client.post(
        "/api/v1/certifications",
        headers=h,
        json={
            "enterprise_id": firm["id"],
            "kind": "high_tech",
            "level": "national",
            "status": "approved",
            "applied_on": "2021-06-28",
            "approved_on": "2021-12-14",
            "certificate_no": "GR202121001046",
        },
    )
    assert cert.status_code == 201 and cert.get_json()["valid_until"] == "2024-12-13"
    visit = client.post(
        "/api/v1/outreach",
        headers=h,
        json={"held_on": "2021-04-20", "enterprise_id": firm["id"], "form": "visit"},
    )
    assert visit.status_code == 201
    loan = client.post(
        "/api/v1/pledge-loans",
        headers=h,
        json={
            "enterprise_id": firm["id"],
            "lender": "盘锦银行",
            "ip_type": "patent",
            "registered_on": "2021-03-25",
            "amount_wan": "800",
            "status": "active",
        },
    )
    assert loan.status_code == 201 and loan.get_json()["amount_wan"] == "800.00"
    candidate = client.post(
        "/api/v1/listing-candidates",
        headers=h,
        json={"enterprise_id": firm["id"], "entered_on": "2019-03-01", "tier": "key"},
    ).get_json()
    for stage, day in (("shareholding_reform", "2020-06-30"), ("tutoring_filed", "2021-04-15")):
        response = client.post(
            f"/api/v1/listing-candidates/{candidate['id']}/stages",
            headers=h,
            json={"stage": stage, "changed_on": day},
        )
        assert response.status_code == 201
    candidate = client.get(f"/api/v1/listing-candidates/{candidate['id']}", headers=h).get_json()
    assert [s["stage"] for s in candidate["stages"]] == ["reserve", "shareholding_reform", "tutoring_filed"]
    assert candidate["current_stage"] == "tutoring_filed"
    training = client.post(
        "/api/v1/trainings",
        headers=h,
        json={
            "held_on": "2021-06-17",
            "title": "资本大讲堂线上培训",
            "topic": "listing",
            "enterprise_ids": [firm["id"]],
        },
    )
    assert training.status_code == 201 and training.get_json()["enterprise_ids"] == [firm["id"]]

    assert (
        client.get(f"/api/v1/enterprises/{firm['id']}", headers=h).get_json()["name"]
        == "盘锦金田塑业有限公司"
    )
    first = client.patch(
        f"/api/v1/enterprises/{firm['id']}", headers=h, json={"version": 1, "employees": 150}
    )
    assert first.status_code == 200 and first.get_json()["version"] == 2
    stale = client.patch(f"/api/v1/enterprises/{firm['id']}", headers=h, json={"version": 1, "employees": 99})
    assert stale.status_code == 409 and stale.get_json()["current_version"] == 2
    assert client.get(f"/api/v1/enterprises/{firm['id']}", headers=h).get_json()["employees"] == 150


def test_paging_by_key_visits_every_row(client, token, app):
    with app.app_context():
        for n in range(7):
            make_enterprise(name=f"分页{n}")
        db.session.commit()
    h = token()
    seen, url = [], "/api/v1/enterprises?size=3&sort=name"
    while url:
        page = client.get(url, headers=h).get_json()
        seen += [item["name"] for item in page["items"]]
        url = page["next"]
    assert seen == sorted(seen) and len(seen) == 7


def test_csv_gives_the_same_rows(client, token, app):
    with app.app_context():
        make_enterprise(name="=甲", employees=3)
        make_enterprise(name="乙")
        db.session.commit()
    h = token()
    json_names = [
        i["name"] for i in client.get("/api/v1/enterprises?sort=name", headers=h).get_json()["items"]
    ]
    text = client.get("/api/v1/enterprises?sort=name&format=csv", headers=h).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["name"].lstrip("'") for r in rows] == json_names
    assert rows[0]["name"] == "'=甲"  # formula injection escaped in CSV


def test_filters_by_list_filter_and_by_field(client, token, app):
    with app.app_context():
        a = make_enterprise(name="甲", industry="C")
        make_enterprise(name="乙", industry="A")
        db.session.commit()
        town_id = a.town_id
    h = token()
    assert [
        i["name"] for i in client.get("/api/v1/enterprises?industry=C", headers=h).get_json()["items"]
    ] == ["甲"]
    assert [
        i["name"] for i in client.get(f"/api/v1/enterprises?town={town_id}", headers=h).get_json()["items"]
    ] == ["甲"]
    assert [
        i["name"] for i in client.get(f"/api/v1/enterprises?town_id={town_id}", headers=h).get_json()["items"]
    ] == ["甲"]
    assert client.get("/api/v1/enterprises?town_id=abc", headers=h).status_code == 422


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400),
        ({"json": [1, 2]}, 400),
        ({"data": "name=x", "content_type": "application/x-www-form-urlencoded"}, 415),
        ({"json": {"name": "x", "unknown_field": 1}}, 422),
        ({"json": {"name": 123, "town_id": "x", "legal_form": ["company"]}}, 422),
        ({"json": {"name": "x" * (2 * 1024 * 1024)}}, 413),
    ],
)
def test_bad_requests_get_json_errors_not_500(client, token, kwargs, status):
    response = client.post("/api/v1/enterprises", headers=token(), **kwargs)
    assert response.status_code == status
    assert response.get_json()["error"]["status"] == status


def test_validation_errors_name_each_field(client, token):
    response = client.post(
        "/api/v1/enterprises",
        headers=token(),
        json={"name": "", "uscc": "914403001922038217", "legal_form": "company", "town_id": 1},
    )
    errors = response.get_json()["errors"]
    assert response.status_code == 422
    assert errors["name"] == ["企业名称：不能为空"]
    assert "校验码错误" in errors["uscc"][0]


def test_patch_without_version_is_422(client, token, app):
    with app.app_context():
        firm_id = make_enterprise().id
        db.session.commit()
    response = client.patch(f"/api/v1/enterprises/{firm_id}", headers=token(), json={"employees": 3})
    assert response.status_code == 422 and "version" in response.get_json()["errors"]


def test_delete_archives(client, token, app):
    with app.app_context():
        firm_id = make_enterprise(name="将归档").id
        db.session.commit()
    h = token()
    response = client.delete(f"/api/v1/enterprises/{firm_id}?reason=已注销", headers=h)
    assert response.status_code == 200 and response.get_json()["archived_reason"] == "已注销"
    assert client.get("/api/v1/enterprises", headers=h).get_json()["items"] == []
    assert client.get("/api/v1/enterprises?archived=1", headers=h).get_json()["items"][0]["name"] == "将归档"


def test_duplicate_name_is_409_with_the_matches(client, token, app):
    with app.app_context():
        existing = make_enterprise(name="盘锦金田塑业有限公司")
        db.session.commit()
        town_id, existing_id = existing.town_id, existing.id
    h = token()
    data = {"name": "盘锦金田塑業(yè)有限公司", "uscc": uscc(), "legal_form": "company", "town_id": town_id}
    response = client.post("/api/v1/enterprises", headers=h, json=data)
    assert response.status_code == 409 and response.get_json()["matches"][0]["id"] == existing_id
    assert client.post("/api/v1/enterprises?confirm_duplicate=1", headers=h, json=data).status_code == 201


def test_no_or_bad_credentials_are_401(client):
    assert client.get("/api/v1/enterprises").status_code == 401
    assert client.get("/api/v1/enterprises", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/v1/enterprises", headers={"Authorization": "Basic eDp5"}).status_code == 401


def test_read_only_token_gets_403_on_writes(client, token):
    h = token("reader", "report_writer")
    assert client.get("/api/v1/enterprises", headers=h).status_code == 200
    assert client.post("/api/v1/towns", headers=h, json={"code": "x", "name": "某镇"}).status_code == 403


def test_manager_token_sees_and_changes_only_their_incubators(client, token, app):
    with app.app_context():
        mine, other = make_incubator(name="我的"), make_incubator(name="别人的")
        my_stay = make_tenancy(incubator=mine)
        their_stay = make_tenancy(incubator=other)
        db.session.commit()
        ids = (mine.id, other.id, my_stay.id, their_stay.id, my_stay.enterprise_id, their_stay.enterprise_id)
    h = token("mgr", "incubator_manager", incubators=[ids[0]])
    assert [t["id"] for t in client.get("/api/v1/tenancies", headers=h).get_json()["items"]] == [ids[2]]
    assert [e["id"] for e in client.get("/api/v1/enterprises", headers=h).get_json()["items"]] == [ids[4]]
    assert client.get(f"/api/v1/tenancies/{ids[3]}", headers=h).status_code == 404
    assert client.get(f"/api/v1/enterprises/{ids[5]}", headers=h).status_code == 404
    assert (
        client.patch(
            f"/api/v1/tenancies/{ids[3]}", headers=h, json={"version": 1, "free_space_until": None}
        ).status_code
        == 404
    )
    moved = client.post(
        "/api/v1/tenancies",
        headers=h,
        json={"incubator_id": ids[1], "enterprise_id": ids[4], "moved_in_on": "2022-01-01"},
    )
    assert moved.status_code == 403
    assert (
        client.patch(
            f"/api/v1/enterprises/{ids[4]}", headers=h, json={"version": 1, "employees": 5}
        ).status_code
        == 200
    )
    assert [i["id"] for i in client.get("/api/v1/incubators", headers=h).get_json()["items"]] == [ids[0]]


def test_session_auth_needs_the_csrf_token_for_writes(client, config, auth, monkeypatch):
    auth.login()
    assert client.get("/api/v1/towns").status_code == 200
    monkeypatch.setitem(config, "WTF_CSRF_ENABLED", True)
    response = client.post("/api/v1/towns", json={"code": "x", "name": "某镇"})
    assert response.status_code == 400


def test_api_and_html_form_reject_the_same_input_with_the_same_messages(client, token, auth, app):
    with app.app_context():
        town_id = make_enterprise().town_id
        db.session.commit()
    bad = {
        "name": "",
        "uscc": "914403001922038217",
        "legal_form": "company",
        "town_id": str(town_id),
        "employees": "-1",
        "established_on": "2021-02-30",
        "registered_capital_wan": "1.234",
    }
    api_errors = client.post("/api/v1/enterprises", headers=token(), json=bad).get_json()["errors"]
    auth.login("sb", roles=("science_bureau",))
    page = client.post("/enterprises/new", data=bad).get_data(as_text=True)
    for messages in api_errors.values():
        for message in messages:
            assert message in page, message
    assert set(api_errors) == {"name", "uscc", "employees", "established_on", "registered_capital_wan"}


def test_token_use_is_recorded_and_revoked_tokens_stop_working(client, token, app, runner):
    h = token()
    response = client.get("/api/v1/towns", headers=h)
    assert response.status_code == 200
    response.close()  # the use is recorded once the response is sent
    from registry.models import ApiToken

    with app.app_context():
        row = db.session.scalar(db.select(ApiToken))
        assert row.last_used_at is not None
        prefix = row.prefix
    assert runner.invoke(args=["users", "revoke-token", prefix]).exit_code == 0
    assert client.get("/api/v1/towns", headers=h).status_code == 401


def test_openapi_document_describes_every_collection(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    for name in (
        "towns",
        "parks",
        "tags",
        "enterprises",
        "incubators",
        "tenancies",
        "certifications",
        "outreach",
        "pledge-loans",
        "listing-candidates",
        "trainings",
    ):
        assert {"get", "post"} <= set(document["paths"][f"/api/v1/{name}"])
        assert {"get", "patch", "delete"} <= set(document["paths"][f"/api/v1/{name}/{{record_id}}"])
    enterprise = document["components"]["schemas"]["EnterprisesInput"]
    assert enterprise["properties"]["legal_form"]["enum"] == ["company", "individual", "cooperative", "team"]
    assert set(enterprise["required"]) == {"name", "legal_form", "town_id"}
    assert "/api/v1/listing-candidates/{record_id}/stages" in document["paths"]
