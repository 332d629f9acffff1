"""The report API: reports, sections by URL-encoded code, figures, finalising and the document, with the same
permissions as the pages (a contributor reaches their own section and figure, and nothing of the registry)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from registry.auth.services import create_user, issue_token
from registry.extensions import db
from registry.models import ChangeLog, Report

from .factories import make_outline, make_report_world


@pytest.fixture
def bearer(app):
    def issue(username: str, *roles: str, department: str | None = None) -> dict:
        with app.app_context():
            create_user(username, list(roles), department=department)
            return {"Authorization": f"Bearer {issue_token(username)}"}

    return issue


@pytest.fixture
def world(app):
    with app.app_context():
        report, section, figure = make_report_world(department="政务服务中心")
        return {"report": report.id, "figure": figure.id, "section_version": section.version}


def url(world, code: str = "一.1") -> str:
    return f"/api/v1/reports/{world['report']}/sections/{quote(code)}"


def test_a_writer_creates_a_report_and_reads_its_sections(client, bearer, app):
    headers = bearer("writer", "report_writer")
    with app.app_context():
        outline_id = make_outline().id
    created = client.post(
        "/api/v1/reports", json={"start": "2021-01-01", "end": "2021-07-31"}, headers=headers
    )
    assert created.status_code == 201
    body = created.get_json()
    assert (
        body["outline_id"] == outline_id and body["status"] == "draft" and body["issuer"] == "盘山县人民政府"
    )
    assert [s["code"] for s in body["sections"]] == ["一.1", "一.2", "四.1", "九"]
    listed = client.get("/api/v1/reports", headers=headers).get_json()
    assert [r["id"] for r in listed["items"]] == [body["id"]] and listed["next"] is None
    section = client.get(f"/api/v1/reports/{body['id']}/sections/{quote('一.2')}", headers=headers).get_json()
    assert section["text"] == "全县登记企业{enterprises.total}家。"
    assert section["rendered"] == ["全县登记企业0家。"] and section["errors"] == []
    broken = client.get(f"/api/v1/reports/{body['id']}/sections/{quote('一.1')}", headers=headers).get_json()
    assert broken["errors"] and "政务服务事项" in broken["errors"][0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start": "2021-07-31", "end": "2021-01-01"}, "end"),
        ({"start": "2021-07-31"}, "end"),
        ({"start": "2021-01-01", "end": "2021-07-31", "colour": "red"}, "colour"),
        ({"start": "2021-01-01", "end": "2021-07-31", "outline_id": 999}, "outline_id"),
    ],
)
def test_a_bad_report_is_422_naming_the_field(client, bearer, app, data, field):
    headers = bearer("writer", "report_writer")
    with app.app_context():
        make_outline()
    response = client.post("/api/v1/reports", json=data, headers=headers)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_two_writers_saving_one_section_the_second_gets_409(client, bearer, world):
    one, two = bearer("one", "report_writer"), bearer("two", "report_writer")
    version = world["section_version"]
    first = client.patch(url(world), json={"text": "第一位。", "version": version}, headers=one)
    second = client.patch(url(world), json={"text": "第二位。", "version": version}, headers=two)
    assert first.status_code == 200 and second.status_code == 409
    assert second.get_json()["current_version"] == first.get_json()["version"]
    assert client.get(url(world), headers=one).get_json()["text"] == "第一位。"


def test_a_200_kb_section_is_422_and_changes_nothing(client, bearer, world, app):
    headers = bearer("writer", "report_writer")
    with app.app_context():
        logged = db.session.query(ChangeLog).count()
    response = client.patch(
        url(world), json={"text": "字" * 70_000, "version": world["section_version"]}, headers=headers
    )
    assert response.status_code == 422 and "20000" in response.get_json()["errors"]["text"][0]
    assert client.get(url(world), headers=headers).get_json()["version"] == world["section_version"]
    with app.app_context():
        assert db.session.query(ChangeLog).count() == logged


def test_section_patches_are_strict_and_need_a_version(client, bearer, world):
    headers = bearer("writer", "report_writer")
    assert client.patch(url(world), json={"text": "无版本号"}, headers=headers).status_code == 422
    unknown = client.patch(
        url(world), json={"heading": "x", "version": world["section_version"]}, headers=headers
    )
    assert unknown.status_code == 422 and "heading" in unknown.get_json()["errors"]
    bad_state = client.patch(
        url(world), json={"state": "done", "version": world["section_version"]}, headers=headers
    )
    assert bad_state.status_code == 422
    for code in ("五.9", "a\x00b", "x" * 50):
        assert client.get(url(world, code), headers=headers).status_code == 404


def test_a_contributor_edits_their_section_and_figure_and_nothing_else(client, bearer, world):
    clerk = bearer("clerk", "contributor", department="政务服务中心")
    other = client.patch(url(world, "一.2"), json={"text": "别人的章节。", "version": 1}, headers=clerk)
    assert other.status_code == 403
    saved = client.patch(
        url(world),
        json={"text": "政务服务事项{数据:政务服务事项}已录入。", "version": world["section_version"]},
        headers=clerk,
    )
    assert saved.status_code == 200 and saved.get_json()["state"] == "editing"
    review = client.patch(
        url(world), json={"state": "reviewed", "version": saved.get_json()["version"]}, headers=clerk
    )
    assert review.status_code == 403
    figure_url = f"/api/v1/reports/{world['report']}/figures/{world['figure']}"
    filled = client.patch(figure_url, json={"value": 1157, "version": 1}, headers=clerk)
    assert filled.status_code == 200 and filled.get_json()["value"] == "1157"
    assert (
        client.post(
            f"/api/v1/reports/{world['report']}/figures", json={"name": "新"}, headers=clerk
        ).status_code
        == 403
    )
    assert client.delete(figure_url, headers=clerk).status_code == 403
    section = client.get(url(world), headers=clerk).get_json()
    assert section["rendered"] == ["政务服务事项1157项已录入。"] and section["errors"] == []
    for path in (
        "/api/v1/enterprises",
        "/api/v1/certifications/1",
        "/api/v1/summary?start=2021-01-01&end=2021-07-31",
    ):
        assert client.get(path, headers=clerk).status_code == 403, path


def test_figures_are_added_listed_changed_and_archived(client, bearer, world):
    headers = bearer("writer", "report_writer")
    base = f"/api/v1/reports/{world['report']}/figures"
    added = client.post(
        base, json={"name": "欠薪案件", "value": "46", "unit": "起", "source": "人社局"}, headers=headers
    )
    assert added.status_code == 201 and added.get_json()["value"] == "46"
    again = client.post(base, json={"name": "欠薪案件"}, headers=headers)
    assert again.status_code == 422 and "name" in again.get_json()["errors"]
    names = [f["name"] for f in client.get(base, headers=headers).get_json()["items"]]
    assert names == ["政务服务事项", "欠薪案件"]
    figure = added.get_json()
    stale = client.patch(
        f"{base}/{figure['id']}", json={"value": "47", "version": figure["version"] + 1}, headers=headers
    )
    assert stale.status_code == 409
    gone = client.delete(f"{base}/{figure['id']}?version={figure['version']}", headers=headers)
    assert gone.status_code == 200 and gone.get_json()["archived_at"]
    assert [f["name"] for f in client.get(base, headers=headers).get_json()["items"]] == ["政务服务事项"]
    elsewhere = client.patch(
        f"/api/v1/reports/{world['report'] + 1}/figures/{world['figure']}",
        json={"version": 1},
        headers=headers,
    )
    assert elsewhere.status_code == 404


def test_finalising_through_the_api_is_refused_until_ready_then_the_document_is_frozen(
    client, bearer, world, app
):
    headers = bearer("writer", "report_writer")
    report_url = f"/api/v1/reports/{world['report']}"
    report = client.get(report_url, headers=headers).get_json()
    refused = client.patch(
        report_url, json={"status": "final", "version": report["version"]}, headers=headers
    )
    assert refused.status_code == 422 and {"sections", "text"} <= set(refused.get_json()["errors"])
    client.patch(
        f"{report_url}/figures/{world['figure']}", json={"value": "1157", "version": 1}, headers=headers
    )
    for section in client.get(report_url, headers=headers).get_json()["sections"]:
        response = client.patch(
            f"{report_url}/sections/{quote(section['code'])}",
            json={"state": "reviewed", "version": section["version"]},
            headers=headers,
        )
        assert response.status_code == 200
    report = client.get(report_url, headers=headers).get_json()
    final = client.patch(
        report_url,
        json={"status": "final", "issued_on": "2021-08-05", "version": report["version"]},
        headers=headers,
    )
    assert final.status_code == 200
    body = final.get_json()
    assert body["status"] == "final" and body["snapshot_id"] and body["issued_on"] == "2021-08-05"
    document = client.get(f"{report_url}/document.docx", headers=headers)
    assert document.status_code == 200 and document.mimetype.endswith("wordprocessingml.document")
    with app.app_context():
        assert document.data == db.session.get(Report, world["report"]).document
    again = client.patch(report_url, json={"title": "改标题", "version": body["version"]}, headers=headers)
    assert again.status_code == 422
    back = client.patch(report_url, json={"status": "draft", "version": body["version"]}, headers=headers)
    assert back.status_code == 422


def test_the_openapi_document_describes_the_report_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/reports"])
    assert {"get", "patch"} <= set(paths["/api/v1/reports/{report_id}"])
    assert {"get", "patch"} <= set(paths["/api/v1/reports/{report_id}/sections/{code}"])
    assert {"get", "post"} <= set(paths["/api/v1/reports/{report_id}/figures"])
    assert {"patch", "delete"} <= set(paths["/api/v1/reports/{report_id}/figures/{figure_id}"])
    assert "get" in paths["/api/v1/reports/{report_id}/document.docx"]
    patch = document["components"]["schemas"]["ReportSectionPatch"]
    assert set(patch["properties"]) == {"text", "state", "department", "version"}
