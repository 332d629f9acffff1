"""Printing: the report and the lists print as content only, tables within the paper's width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import SCREENSHOTS, screenshot, sign_in

A4 = {"width": 794, "height": 1123}  # CSS pixels of an A4 sheet
REPORT = "/reports/?preset=months&year=2021&months=7"


def fits(page, selector: str) -> bool:
    return page.locator(selector).first.evaluate("e => e.scrollWidth <= e.parentElement.clientWidth + 1")


def test_the_report_prints_without_navigation_buttons_or_filters(page, site):
    sign_in(page, site, "xiezuo")
    page.set_viewport_size(A4)
    page.goto(REPORT)
    page.wait_for_load_state("networkidle")
    expect(page.locator("header nav")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header nav")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.get_by_role("link", name="下载本期报告（Word）")).to_be_hidden()
    expect(page.locator("form[aria-label]")).to_be_hidden()  # the period form
    expect(page.locator("#charts svg").first).to_be_visible()
    expect(page.locator("table.indicators").first).to_be_visible()
    assert all(fits(page, f"#charts > div:nth-child({n}) .chart") for n in (1, 2, 3))
    assert page.locator("table.indicators").first.evaluate(
        "t => t.getBoundingClientRect().width >= t.closest('.card-body').clientWidth * 0.9"
    )
    screenshot(page, "report-print-zh")
    SCREENSHOTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(SCREENSHOTS / "report-print-zh.pdf"), format="A4", print_background=True)
    assert pdf[:4] == b"%PDF"


@pytest.mark.parametrize("path", ["/enterprises/", "/certifications/", "/pledge-loans/"])
def test_lists_print_as_a_full_width_table(page, site, path):
    sign_in(page, site, "kejiju")
    page.set_viewport_size(A4)
    page.goto(path)
    page.emulate_media(media="print")
    expect(page.locator("header nav")).to_be_hidden()
    expect(page.locator("form[role=search]")).to_be_hidden()
    expect(page.locator("main nav[aria-label]")).to_be_hidden()  # paging
    expect(page.locator("main aside")).to_have_count(page.locator("main aside").count())
    for aside in page.locator("main aside").all():
        expect(aside).to_be_hidden()
    table = page.locator("main table").first
    expect(table).to_be_visible()
    assert table.evaluate("t => t.scrollWidth <= document.querySelector('main').clientWidth + 1")
    assert table.evaluate(
        "t => t.getBoundingClientRect().width >= document.querySelector('main').clientWidth * 0.95"
    )
    name = path.strip("/").replace("/", "-")
    screenshot(page, f"{name}-print-zh")
    page.pdf(path=str(SCREENSHOTS / f"{name}-print-zh.pdf"), format="A4")
