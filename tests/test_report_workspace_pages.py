"""The report workspace's pages: the preview with numbers linked and errors marked, editing with its 409,
versions with an escaped diff, the status board, a contributor's view, and the existing summary pages."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import pytest

from registry.extensions import db
from registry.models import Figure, Report, ReportSection
from registry.reports.workspace import lifecycle

from .factories import make_certification, make_enterprise, make_outline, make_report_world


@pytest.fixture
def world(app):
    with app.app_context():
        firm = make_enterprise(name="甲科技有限公司")
        make_certification(firm, kind="tech_sme", status="approved", approved_on=date(2021, 3, 1))
        db.session.commit()
        report, section, figure = make_report_world(department="政务服务中心")
        return {"report": report.id, "figure": figure.id, "section": section.id}


def section_url(world, code: str, what: str = "edit") -> str:
    return f"/reports/{world['report']}/sections/{quote(code)}/{what}"


def _version(app, report_id: int, code: str) -> int:
    with app.app_context():
        return lifecycle.section(None, report_id, code).version


def test_a_writer_creates_a_report_from_the_form(client, auth, app):
    auth.login("writer", roles=("report_writer",))
    with app.app_context():
        outline_id = make_outline().id
    inverted = client.post(
        "/reports/new", data={"start": "2021-07-31", "end": "2021-01-01", "outline_id": outline_id}
    )
    assert inverted.status_code == 200 and "不能早于起始日期" in inverted.get_data(as_text=True)
    created = client.post(
        "/reports/new", data={"start": "2021-01-01", "end": "2021-07-31", "outline_id": outline_id}
    )
    assert created.status_code == 302
    with app.app_context():
        report = db.session.scalar(db.select(Report))
    assert created.headers["Location"].endswith(f"/reports/{report.id}")
    listing = client.get("/reports/workspace").get_data(as_text=True)
    assert report.title in listing


def test_the_preview_links_numbers_to_their_drill_down_and_marks_errors(client, auth, world):
    auth.login("writer", roles=("report_writer",))
    page = client.get(f"/reports/{world['report']}").get_data(as_text=True)
    assert (
        "一、着力促进创新创业环境升级" in page
        and "1.简政放权释放企业创新活力" in page
        and "九、下步工作措施" in page
    )
    drill = re.search(
        r'<a class="ph ph-value" href="(/reports/drill/tech_sme.registered[^"]+)"[^>]*>1</a>', page
    )
    assert drill
    assert "start=2021-01-01" in drill.group(1) and "end=2021-07-31" in drill.group(1)
    assert '<span class="ph ph-firms"' in page and "甲科技有限公司" in page
    assert '<mark class="ph-error"' in page and "{数据:政务服务事项}" in page  # the empty figure
    assert "定稿前还需处理" in page


def test_hostile_section_text_shows_as_text_on_the_preview_and_in_the_diff(client, auth, world, app):
    auth.login("writer", roles=("report_writer",))
    version = _version(app, world["report"], "九")
    hostile = "<script>alert(1)</script>{<img src=x onerror=alert(1)>}{{7*7}}"
    response = client.post(section_url(world, "九"), data={"text": hostile, "version": version})
    assert response.status_code == 302
    page = client.get(f"/reports/{world['report']}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "{7*7}" in page
    # Not evaluated anywhere (the random form tokens and nonces left out: one may hold "49" by chance).
    assert "49" not in re.sub(r'(value|nonce)="[^"]*"', "", page)
    diff = client.get(section_url(world, "九", "versions")).get_data(as_text=True)
    assert "<script>alert(1)" not in diff and "<ins>&lt;script&gt;" in diff


def test_a_stale_form_save_is_refused_with_a_message_and_keeps_the_first(client, auth, world, app):
    auth.login("writer", roles=("report_writer",))
    version = _version(app, world["report"], "一.2")
    assert (
        client.post(section_url(world, "一.2"), data={"text": "第一位。", "version": version}).status_code
        == 302
    )
    second = client.post(section_url(world, "一.2"), data={"text": "第二位。", "version": version})
    assert second.status_code == 200 and "已被他人修改" in second.get_data(as_text=True)
    with app.app_context():
        assert lifecycle.section(None, world["report"], "一.2").text == "第一位。"


def test_versions_show_who_saved_and_the_difference(client, auth, world, app):
    auth.login("writer", roles=("report_writer",))
    for text in ("全县登记企业{enterprises.total}家。", "全县登记企业{enterprises.total}家，增长明显。"):
        client.post(
            section_url(world, "一.2"), data={"text": text, "version": _version(app, world["report"], "一.2")}
        )
    page = client.get(section_url(world, "一.2", "versions") + "?a=1&b=2").get_data(as_text=True)
    assert "<ins>，增长明显</ins>" in page and "第2版" in page and "writer" in page


def test_the_board_shows_each_sections_state_and_who_changed_it_last(client, auth, world, app):
    auth.login("writer", roles=("report_writer",))
    version = _version(app, world["report"], "四.1")
    client.post(section_url(world, "四.1", "assign"), data={"department": "科技局", "version": version})
    client.post(section_url(world, "四.1", "state"), data={"state": "reviewed", "version": version + 1})
    board = client.get(f"/reports/{world['report']}/board").get_data(as_text=True)
    row = re.search(r'<tr data-code="四.1">(.*?)</tr>', board, re.S).group(1)
    assert "已审核" in row and 'value="科技局"' in row and "writer" in row


def test_a_contributor_lands_on_their_sections_and_edits_only_those(client, auth, world, app):
    auth.login("clerk", roles=("contributor",), department="政务服务中心")
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/reports/workspace")
    index = client.get("/reports/workspace").get_data(as_text=True)
    assert "一.1 简政放权释放企业创新活力" in index and "一.2" not in index and "政务服务事项" in index
    assert client.get(section_url(world, "一.2")).status_code == 403
    assert client.post(section_url(world, "一.2"), data={"text": "x", "version": 1}).status_code == 403
    version = _version(app, world["report"], "一.1")
    saved = client.post(
        section_url(world, "一.1"),
        data={"text": "已录入{数据:政务服务事项}。", "version": version, "then": "submit"},
    )
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(ReportSection, world["section"]).state == "submitted"
    preview = client.get(f"/reports/{world['report']}").get_data(as_text=True)
    assert "/reports/drill/" not in preview  # numbers are not links: the records are not theirs to see
    assert ">审核通过<" not in preview and "/finalise" not in preview
    for path in ("/enterprises/", "/reports/", "/audit/", "/imports/", f"/reports/outlines/{1}"):
        assert client.get(path).status_code in (403, 404), path


def test_a_contributor_fills_in_their_figure_from_the_page(client, auth, world, app):
    auth.login("clerk", roles=("contributor",), department="政务服务中心")
    page = client.get(f"/reports/figures/{world['figure']}/edit")
    assert page.status_code == 200
    saved = client.post(
        f"/reports/figures/{world['figure']}/edit",
        data={"name": "改名", "value": "1157", "unit": "项", "source": "别处", "version": 1},
    )
    assert saved.status_code == 302
    with app.app_context():
        figure = db.session.get(Figure, world["figure"])
        assert (figure.name, figure.value, figure.source) == ("政务服务事项", "1157", "政务服务中心")


def test_the_existing_summary_pages_still_answer(client, auth):
    auth.login("writer", roles=("report_writer",))
    assert client.get("/reports/").status_code == 200
    assert (
        client.get(
            "/reports/drill/enterprises.total?preset=custom&start=2021-01-01&end=2021-07-31"
        ).status_code
        == 200
    )


def test_the_admin_gives_a_contributor_a_department(client, auth, app):
    auth.login()
    missing = client.post("/admin/users/new", data={"username": "clerk", "roles": ["contributor"]})
    assert missing.status_code == 200 and "部门填报人必须填写所属部门" in missing.get_data(as_text=True)
    created = client.post(
        "/admin/users/new", data={"username": "clerk", "roles": ["contributor"], "department": "人社局"}
    )
    assert created.status_code == 200
    with app.app_context():
        from registry.models import User

        assert db.session.scalar(db.select(User.department).where(User.username == "clerk")) == "人社局"
    assert "人社局" in client.get("/admin/users/").get_data(as_text=True)


def test_a_writer_makes_an_outline_row_by_row_and_edits_a_default_text(client, auth, app):
    from registry.models import Outline, OutlineSection

    auth.login("writer", roles=("report_writer",))
    created = client.post("/reports/outlines/new", data={"title": "新的工作方案", "preamble": "现汇报如下："})
    assert created.status_code == 302
    with app.app_context():
        outline = db.session.scalar(db.select(Outline))
    rows = f"/reports/outlines/{outline.id}/rows"
    orphan = client.post(rows, data={"code": "一.1", "heading": "无章之节", "version": outline.version})
    assert orphan.status_code == 200 and "请先添加第“一”章" in orphan.get_data(as_text=True)
    assert (
        client.post(rows, data={"code": "一", "heading": "第一章", "version": outline.version}).status_code
        == 302
    )
    stale = client.post(rows, data={"code": "一.1", "heading": "第一节", "version": outline.version})
    assert stale.status_code == 200 and "已被他人修改" in stale.get_data(as_text=True)
    added = client.post(
        rows,
        data={
            "code": "一.1",
            "heading": "第一节",
            "text": "共{enterprises.total}家。",
            "version": outline.version + 1,
        },
    )
    assert added.status_code == 302
    with app.app_context():
        row = db.session.scalar(db.select(OutlineSection).where(OutlineSection.code == "一.1"))
    edited = client.post(
        f"/reports/outline-sections/{row.id}/edit",
        data={
            "heading": "第一节",
            "text": "全县共{enterprises.total}家。",
            "indicators": "enterprises.total",
            "version": row.version,
        },
    )
    assert edited.status_code == 302
    page = client.get(f"/reports/outlines/{outline.id}").get_data(as_text=True)
    assert "全县共{enterprises.total}家。" in page and "<code>enterprises.total</code>" in page


def test_a_contributors_menu_holds_the_workspace_only(client, auth, world):
    auth.login("clerk", roles=("contributor",), department="政务服务中心")
    page = client.get("/reports/workspace").get_data(as_text=True)
    menu = page[page.index('<ul class="navbar-nav me-auto">') : page.index('<div class="d-flex')]
    assert re.findall(r'href="([^"]+)"', menu) == ["/reports/workspace"]
