"""What each role does on a working day, clicked through in Chromium under the app's real CSP."""

from __future__ import annotations

import io
import re

from docx import Document
from playwright.sync_api import expect
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Certification, Enterprise, Tenancy

from .conftest import MANAGED, OTHER, new_context, screenshot, sign_in, use_language
from .workbooks import COUNTY_HEADERS, county_rows, enterprise_rows, uscc, write_xlsx


def count(site, model, *conditions) -> int:
    with site.app.app_context():
        value = db.session.scalar(select(func.count()).select_from(model).where(*conditions))
        db.session.remove()
        return value


def nav(page, text: str) -> None:
    """Follow a link of the main navigation, opening its menu first if it sits in one."""
    header = page.locator("header nav")
    link = header.get_by_role("link", name=text, exact=True)
    if not link.first.is_visible():
        menu = header.locator(".dropdown").filter(has=page.locator(f"a.dropdown-item:text-is('{text}')"))
        menu.locator(".dropdown-toggle").click()
    link.first.click()
    page.wait_for_load_state()


def test_a_new_user_signs_in_with_the_one_time_password_and_sets_their_own(page, site):
    sign_in(page, site, "newcomer")
    expect(page).to_have_url(re.compile(r"/account/password"))
    new_password = "Panshan-registry-2026!"
    page.locator("#current").fill(site.passwords["newcomer"])
    page.locator("#new").fill(new_password)
    page.locator("#confirm").fill(new_password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("main h1")).to_contain_text("新同事")
    page.locator("header form[action='/logout'] button").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/login"))

    page.locator("#username").fill("newcomer")
    page.locator("#password").fill(site.passwords["newcomer"])  # the one-time password is spent
    page.locator("form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("用户名或密码不正确")
    sign_in(page, site, "newcomer", new_password)
    expect(page).to_have_url(site.url + "/")


def test_a_manager_registers_a_tenant_in_their_incubator(page, site):
    before = count(site, Tenancy)
    sign_in(page, site, "zhuren")
    nav(page, "孵化载体")
    expect(page.locator("main")).not_to_contain_text(OTHER)  # only their own incubators are listed
    page.locator("main").get_by_role("link", name=MANAGED).click()
    page.get_by_role("link", name="登记入孵企业").click()
    expect(page.locator("#incubator_id option")).to_have_count(1)
    page.locator("#firm_mode-1").check()  # a new firm or start-up team
    page.locator("#name").fill("盘山县晨光农业科技有限公司")
    page.locator("#uscc").fill(uscc())
    page.locator("#legal_form").select_option("company")
    page.locator("#town_id").select_option(label="太平街道")
    page.get_by_label("大学生").check()
    page.locator("#moved_in_on").fill("2026-03-02")
    screenshot(page, "flow-tenant-form-filled")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("盘山县晨光农业科技有限公司")
    assert count(site, Tenancy) == before + 1


def test_the_science_bureau_records_a_certification(page, site):
    before = count(site, Certification)
    sign_in(page, site, "kejiju")
    nav(page, "资质认定")
    page.locator("main").get_by_role("link", name="新增").click()
    page.locator("#enterprise_id").fill("辽宁大禹防水科技发展股份有限公司")
    page.locator("#kind").select_option("tech_sme")
    page.locator("#level").select_option("provincial")
    page.locator("#status").select_option("approved")
    page.locator("#approved_on").fill("2026-05-20")
    page.locator("#certificate_no").fill("2026211122A0000077")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("辽宁大禹防水科技发展股份有限公司")
    expect(page.locator("main")).to_contain_text("2026211122A0000077")
    assert count(site, Certification) == before + 1


def test_a_workbook_is_imported_through_preview_and_confirmation(page, site, tmp_path):
    workbook = write_xlsx(tmp_path / "新企业.xlsx", enterprise_rows("导入", 2))
    before = count(site, Enterprise)
    sign_in(page, site, "admin")
    nav(page, "批量导入")
    page.locator("#kind").select_option("enterprises")
    page.locator("#file").set_input_files(str(workbook))
    page.locator("main form button[type=submit]").click()
    preview = page.locator("#confirm-form-main")
    preview.wait_for()
    # the preview ran as a job: the address is the job's, so a reload shows it again (not the upload form)
    expect(page).to_have_url(re.compile(r"/jobs/\d+$"))
    page.reload()
    expect(page.locator("[data-count=created]")).to_have_text("2")
    assert count(site, Enterprise) == before  # nothing written before confirming
    preview.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_contain_text("已导入")
    assert count(site, Enterprise) == before + 2
    nav(page, "企业")
    page.locator("main input[name=q]").fill("导入科技有限公司1")
    page.locator("main input[name=q]").press("Enter")
    page.wait_for_load_state()
    expect(page.locator("main table")).to_contain_text("导入科技有限公司1")


def test_a_countys_own_headers_are_mapped_then_imported(page, site, tmp_path):
    workbook = write_xlsx(tmp_path / "县里的表.xlsx", county_rows("对应", 2), COUNTY_HEADERS)
    before = count(site, Enterprise)
    sign_in(page, site, "kejiju")
    nav(page, "批量导入")
    page.locator("#kind").select_option("enterprises")
    page.locator("#file").set_input_files(str(workbook))
    page.locator("main form button[type=submit]").click()
    mapping = page.locator("#mapping-form")
    mapping.wait_for()
    expect(page.locator("h1")).to_contain_text("选择各列对应的字段")
    expect(page.locator("#column_4")).to_have_value("town_id")  # 所属镇街, from the synonyms
    expect(page.locator("#column_2")).to_have_value("uscc")
    expect(page.locator("#column_7")).to_have_value("-")  # 填表人: nothing says what it holds
    screenshot(page, "import-mapping-flow")
    page.locator("#column_7").select_option("notes")  # the user keeps it as a note
    mapping.locator("button[type=submit]").click()
    preview = page.locator("#confirm-form-main")
    preview.wait_for()
    expect(page.locator("[data-count=created]")).to_have_text("2")
    page.locator(".import-mapped summary").click()
    expect(page.locator(".import-mapped")).to_contain_text("填表人 → 备注")
    screenshot(page, "import-mapped-preview")
    assert count(site, Enterprise) == before
    preview.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_contain_text("已导入")
    assert count(site, Enterprise) == before + 2

    # The next file with the same headers is offered as confirmed.
    again = write_xlsx(tmp_path / "县里的表2.xlsx", county_rows("再次", 1), COUNTY_HEADERS)
    nav(page, "批量导入")
    page.locator("#kind").select_option("enterprises")
    page.locator("#file").set_input_files(str(again))
    page.locator("main form button[type=submit]").click()
    page.locator("#mapping-form").wait_for()
    expect(page.locator(".alert-info")).to_contain_text("上次导入相同列名的文件")
    expect(page.locator("#column_7")).to_have_value("notes")


def test_the_report_drills_down_and_downloads_the_draft(page, site):
    sign_in(page, site, "xiezuo")
    nav(page, "统计报告")
    page.locator("#preset").select_option("months")
    page.locator("#year").fill("2021")
    page.locator("#months").fill("7")
    page.get_by_role("button", name="统计").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("2021-01-01")
    expect(
        page.locator("[data-chart=founder_groups] canvas, [data-chart=founder_groups] svg").first
    ).to_be_visible()
    tenants = page.locator("tr[data-code='incubation.tenants_active'] a.value")
    expect(tenants).to_have_text("26")  # the 2021 report's 26 incubator tenants
    tenants.click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/reports/drill/incubation\.tenants_active"))
    expect(page.locator("main tbody tr")).to_have_count(26)
    page.go_back()

    with page.expect_download() as download:
        page.get_by_role("link", name="下载本期报告（Word）").click()
    content = download.value.path().read_bytes()
    assert content[:2] == b"PK" and download.value.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "盘山县" in text and "目前已有26家企业入驻孵化基地" in text


def test_the_language_switch_speaks_english_and_is_remembered(browser, site):
    context = new_context(browser, site)
    page = context.new_page()
    sign_in(page, site, "fanyi")
    expect(page.locator("header nav")).to_contain_text("企业")
    use_language(page, "en")
    expect(page.locator("header nav")).to_contain_text("Enterprises")
    expect(page.locator("main h1")).to_contain_text("Welcome")
    context.close()

    context = new_context(browser, site)  # a new browser session: the account remembers the choice
    page = context.new_page()
    sign_in(page, site, "fanyi")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("header nav")).to_contain_text("Reports")
    page.goto("/reports/?preset=months&year=2021&months=7")
    loans = page.locator("[data-chart=loans]")
    expect(loans).to_contain_text("10k yuan")  # the chart speaks the reader's language too
    assert not re.search(r"[\u4e00-\u9fff]", loans.inner_text())
    use_language(page, "zh")
    expect(page.locator("header nav")).to_contain_text("统计报告")
    context.close()


def test_a_manager_is_refused_another_incubators_page(page, site):
    sign_in(page, site, "zhuren")
    response = page.goto(f"/incubators/{site.incubators[OTHER]}")
    assert response.status in (403, 404)
    expect(page.locator("main")).not_to_contain_text("登记入孵企业")
    screenshot(page, "flow-refused")
    response = page.goto(f"/tenants/new?incubator={site.incubators[OTHER]}")
    assert response.status == 200
    expect(page.locator("#incubator_id option")).to_have_text([MANAGED])  # only their own incubator

    # A hand-edited form naming the other incubator is refused and writes nothing.
    before = count(site, Tenancy)
    page.locator("#incubator_id option").evaluate(
        "(o, id) => { o.value = String(id); }", site.incubators[OTHER]
    )
    page.locator("#firm_mode-1").check()
    page.locator("#name").fill("盘山县越权测试创业团队")
    page.locator("#legal_form").select_option("team")
    page.locator("#moved_in_on").fill("2026-03-02")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("main form button[type=submit]").click()
    assert answer.value.status == 403
    expect(page.locator("main")).to_contain_text("您没有权限访问此页面")
    assert count(site, Tenancy) == before
