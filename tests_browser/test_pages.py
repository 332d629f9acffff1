"""Every main page in both languages: a screenshot under screenshots/, and no serious accessibility finding.

The pages are opened in a context that bypasses the CSP only so that axe-core can be injected; the flows in
test_flows.py run under the real CSP.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Certification, Enterprise, Incubator

from . import axe
from .conftest import Problems, new_context, screenshot, sign_in, use_language
from .workbooks import COUNTY_HEADERS, county_rows, enterprise_rows, write_xlsx

LANGUAGES = ["zh", "en"]


def first_id(site, model) -> int:
    with site.app.app_context():
        value = db.session.scalar(select(model.id).where(model.archived_at.is_(None)).order_by(model.id))
        db.session.remove()
        return value


def main_pages(site) -> dict[str, str]:
    enterprise, incubator = first_id(site, Enterprise), first_id(site, Incubator)
    return {
        "home": "/",
        "enterprises": "/enterprises/",
        "enterprise": f"/enterprises/{enterprise}",
        "enterprise-form": "/enterprises/new",
        "incubators": "/incubators/",
        "incubator": f"/incubators/{incubator}",
        "tenant-form": "/tenants/new",
        "certifications": "/certifications/",
        "certification": f"/certifications/{first_id(site, Certification)}",
        "certification-form": "/certifications/new",
        "renewals": "/certifications/renewals",
        "outreach": "/outreach/",
        "loans": "/pledge-loans/",
        "listing": "/listing-candidates/",
        "pipeline": "/listing-candidates/pipeline",
        "trainings": "/trainings/",
        "report": "/reports/?preset=months&year=2021&months=7",
        "drill": "/reports/drill/incubation.tenants_active?preset=months&year=2021&months=7",
        "import": "/imports/",
        "audit": "/audit/",
        "users": "/admin/users/",
        "towns": "/towns/",
        "password": "/account/password",
    }


@pytest.fixture(scope="module", params=LANGUAGES)
def signed_in(request, browser, site):
    """One admin session per language, able to take axe-core despite the CSP."""
    locale = "en-US" if request.param == "en" else "zh-CN"
    context = new_context(browser, site, locale=locale, bypass_csp=True)
    page = context.new_page()
    problems = Problems()
    problems.watch(page)
    sign_in(page, site, "english" if request.param == "en" else "admin")
    use_language(page, request.param)
    yield request.param, page
    context.close()
    assert problems.messages == []


def check(page, name: str, language: str) -> None:
    page.wait_for_load_state("networkidle")
    screenshot(page, f"{name}-{language}")
    found = axe.violations(page)
    assert not found, f"{name} ({language}):\n{axe.describe(found)}"


def test_main_pages_are_accessible(signed_in, site):
    language, page = signed_in
    failures = []
    for name, path in main_pages(site).items():
        response = page.goto(path)
        assert response.status == 200, path
        assert (page.locator("html").get_attribute("lang") or "").startswith(language)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"{name}-{language}")
        landmarks = [
            page.get_by_role(role).count() for role in ("banner", "navigation", "main", "contentinfo")
        ]
        assert landmarks[0] == landmarks[2] == landmarks[3] == 1 and landmarks[1] >= 1, (path, landmarks)
        assert page.locator("h1").count() == 1, path
        found = axe.violations(page)
        if found:
            failures.append(f"{name} ({language}) {path}:\n{axe.describe(found)}")
    assert not failures, "\n".join(failures)


def test_import_preview_is_accessible(signed_in, site, tmp_path):
    language, page = signed_in
    workbook = write_xlsx(tmp_path / "企业.xlsx", enterprise_rows(f"预览{language}", 3, bad_last=True))
    page.goto("/imports/")
    page.locator("#kind").select_option("enterprises")
    page.locator("#file").set_input_files(str(workbook))
    page.locator("form[data-upload-progress] button[type=submit]").click()
    page.locator("#confirm-form-main").wait_for()
    check(page, "import-preview", language)


def test_import_mapping_page_is_accessible(signed_in, site, tmp_path):
    language, page = signed_in
    workbook = write_xlsx(tmp_path / "县里的表.xlsx", county_rows(f"对应{language}", 3), COUNTY_HEADERS)
    page.goto("/imports/")
    page.locator("#kind").select_option("enterprises")
    page.locator("#file").set_input_files(str(workbook))
    page.locator("form[data-upload-progress] button[type=submit]").click()
    page.locator("#mapping-form").wait_for()
    check(page, "import-mapping", language)
    page.locator("#column_4").select_option("-")  # the required town left out: refused on the page
    page.locator("#mapping-form button[type=submit]").click()
    page.locator("#mapping-error").wait_for()
    check(page, "import-mapping-refused", language)


def test_sign_in_page_is_accessible(browser, site):
    context = new_context(browser, site, bypass_csp=True)
    page = context.new_page()
    page.goto("/login")
    check(page, "login", "zh")
    context.close()


def test_the_check_finds_what_it_is_meant_to_find(browser, site):
    """An unlabelled input and grey-on-grey text fail the same check the pages above pass."""
    context = new_context(browser, site, bypass_csp=True)
    page = context.new_page()
    page.set_content(
        '<html lang="zh-CN"><head><title>t</title></head><body><main><h1>表单</h1>'
        '<input type="text" name="q"><p style="color:#bbb;background:#fff">说明文字</p></main></body></html>'
    )
    found = {v["id"] for v in axe.violations(page)}
    context.close()
    assert {"label", "color-contrast"} <= found
