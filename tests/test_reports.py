"""The report: periods, the page and its drill-downs, snapshots, exports, the DOCX draft, the summary API."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from registry.demo import load_demo_data
from registry.domain import InputError
from registry.enterprises.services import ENTERPRISE
from registry.extensions import db
from registry.models import Enterprise
from registry.records import writer
from registry.reports.periods import Period, resolve

from .test_demo_data import SEED

SEVEN_MONTHS = {"preset": "months", "year": "2021", "months": "7"}


@pytest.mark.parametrize(
    ("args", "start", "end"),
    [
        ({"preset": "ytd"}, date(2026, 1, 1), date(2026, 11, 27)),
        ({"preset": "months", "year": "2021", "months": "7"}, date(2021, 1, 1), date(2021, 7, 31)),
        ({"preset": "months", "year": "2024", "months": "2"}, date(2024, 1, 1), date(2024, 2, 29)),
        ({"preset": "quarter", "year": "2021", "quarter": "3"}, date(2021, 7, 1), date(2021, 9, 30)),
        ({"preset": "year", "year": "2020"}, date(2020, 1, 1), date(2020, 12, 31)),
        ({"preset": "last_year"}, date(2025, 1, 1), date(2025, 12, 31)),
        ({"start": "2021-03-01", "end": "2021-06-30"}, date(2021, 3, 1), date(2021, 6, 30)),
    ],
)
def test_period_presets(args, start, end):
    period = resolve(args, today=date(2026, 11, 27))
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    "args",
    [
        {"preset": "nope"},
        {"preset": "months", "months": "13"},
        {"start": "2021-07-01", "end": "2021-06-30"},
        {"start": "2021-02-30", "end": "x"},
    ],
)
def test_bad_periods_are_refused_with_a_reason(args):
    with pytest.raises(InputError):
        resolve(args, today=date(2026, 11, 27))


def test_previous_year_of_a_leap_day():
    assert Period(date(2024, 2, 29), date(2024, 2, 29)).previous_year().start == date(2023, 2, 28)


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo_data()


def test_summary_api_reproduces_the_seed_report(client, auth, demo):
    auth.login("rw", roles=("report_writer",))
    response = client.get("/api/v1/summary?start=2021-01-01&end=2021-07-31").get_json()
    got = {i["code"]: i["value"] for i in response["indicators"]}
    assert {code: got[code] for code in SEED} == SEED
    assert response["start"] == "2021-01-01" and response["end"] == "2021-07-31"


@pytest.mark.parametrize(
    "code", ["ip_pledge.outreach_towns", "srdi.little_giant_national_valid", "tags.kechuang-china"]
)
def test_summary_item_lists_the_records_behind_the_value(client, auth, demo, code):
    auth.login("rw", roles=("report_writer",))
    item = client.get(f"/api/v1/summary/{code}?start=2021-01-01&end=2021-07-31").get_json()
    assert item["value"] == SEED[code] == len(item["records"])
    assert len({r["id"] for r in item["records"]}) == item["value"]


def test_every_count_on_the_demo_data_lists_as_many_records_as_its_value(client, auth, demo):
    """DESIGN.md §5: len(records) == value for every count; a 家 count's records are its firms, once each,
    with the records that put each there."""
    auth.login("rw", roles=("report_writer",))
    period = "start=2021-01-01&end=2021-07-31"
    summary = client.get(f"/api/v1/summary?{period}").get_json()["indicators"]
    assert len(summary) > 40
    for indicator in summary:
        item = client.get(f"/api/v1/summary/{indicator['code']}?{period}").get_json()
        records = item["records"]
        assert item["value"] == indicator["value"] and item["unit"] == indicator["unit"]
        if indicator["unit"] == "万元":
            continue  # a sum: its records are the loans it adds up
        assert len(records) == len({r["id"] for r in records}) == item["value"], indicator["code"]
        if indicator["unit"] == "家":
            assert {r["type"] for r in records} <= {"enterprise"}, indicator["code"]
            assert all(r.get("via", [None]) for r in records), indicator["code"]  # each firm's records shown


def test_a_firm_s_drill_down_row_shows_the_records_that_put_it_there(client, auth, demo):
    auth.login("rw", roles=("report_writer",))
    page = client.get("/reports/drill/ip_pledge.outreach_enterprises", query_string=SEVEN_MONTHS).get_data(
        as_text=True
    )
    assert re.search(r'对应企业 <strong id="record-count">22</strong> 家', page)
    rows = re.findall(r"<tr><td class=\"text-muted\">(\d+)</td>(.*?)</tr>", page, flags=re.S)
    assert len(rows) == 22
    visits = {
        firm: re.findall(r'data-type="outreach" data-id="(\d+)"><a href="/outreach/\1"', row)
        for firm, row in rows
    }
    assert sorted(len(v) for v in visits.values()) == [1] * 19 + [2] * 3  # three firms were visited twice
    tenants = client.get("/reports/drill/incubation.tenants_active", query_string=SEVEN_MONTHS).get_data(
        as_text=True
    )
    assert tenants.count('data-type="tenancy"') == 26 and "盘锦现代农业创业大厦 · 2019-06-03 –" in tenants


def test_summary_api_refuses_bad_periods_and_unknown_codes(client, auth):
    auth.login("rw", roles=("report_writer",))
    assert client.get("/api/v1/summary?start=2021-13-01&end=2021-07-31").status_code == 422
    assert client.get("/api/v1/summary").status_code == 422
    assert client.get("/api/v1/summary/nope?start=2021-01-01&end=2021-07-31").status_code == 404


def test_every_number_on_the_page_links_to_as_many_records(client, auth, demo):
    auth.login("rw", roles=("report_writer",))
    page = client.get("/reports/", query_string=SEVEN_MONTHS).get_data(as_text=True)
    links = re.findall(r'<a class="value" href="([^"]+)">([^<]+)</a>', page)
    assert len(links) > 30
    for href, shown in links:
        drill = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        count = int(re.search(r'id="record-count">(\d+)<', drill).group(1))
        if "loan_amount" in href:
            continue  # a sum: its records are the loans it adds up
        assert count == int(shown.replace(",", "")), href
    assert "下载本期报告" in page and "上年同期" in page


def test_drill_down_pages_by_key_and_exports(client, auth, demo):
    auth.login("rw", roles=("report_writer",))
    url = "/reports/drill/tags.kechuang-china?preset=custom&start=2021-01-01&end=2021-07-31"
    seen = []
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r'<td class="text-muted">(\d+)</td>', page)
        match = re.search(r'rel="next" href="([^"]+)"', page)
        url = match.group(1).replace("&amp;", "&") if match else None
    assert len(seen) == len(set(seen)) == 102
    text = client.get(
        "/reports/drill/tags.kechuang-china.csv?preset=custom&start=2021-01-01&end=2021-07-31"
    ).get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))) == 103


def test_summary_exports_carry_code_section_label_unit_value_and_last_year(client, auth, demo):
    auth.login("rw", roles=("report_writer",))
    text = client.get("/reports/summary.csv", query_string=SEVEN_MONTHS).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["代码", "章节", "指标", "单位", "本期数值", "上年同期"]
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["tech_sme.registered"][1:5] == ["四", "新注册科技型中小企业", "家", "8"]
    with client.get("/reports/summary.xlsx", query_string=SEVEN_MONTHS) as response:
        workbook = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    assert any(r[0] == "incubation.tenants_active" and r[4] == 26 for r in rows), "26 firms in the building"


def test_docx_draft_opens_and_carries_the_numbers(client, auth, demo):
    auth.login("rw", roles=("report_writer",))
    response = client.get("/reports/draft.docx", query_string=SEVEN_MONTHS)
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.get_data())).paragraphs)
    assert "新注册科技型中小企业8家，指导3家企业申报高新技术企业" in text
    assert "目前已有26家企业入驻孵化基地" in text
    assert "深入22家获得高价值知识产权的企业和13个镇街进行融资宣传" in text
    assert "金田塑业、富隆化工、天源药业、华龙防水、科隆化工申报省级“专精特新”产品" in text
    assert "全县已有102家中小微企业注册使用" in text
    for number in "一二三四五六七八九":
        assert re.search(rf"^{number}、", text, flags=re.M), number
    assert "本节暂无登记数据" not in text  # every chapter has its text


def test_the_docx_of_a_period_without_an_outline_says_so(client, auth):
    auth.login("rw", roles=("report_writer",))
    response = client.get("/reports/draft.docx", query_string=SEVEN_MONTHS)
    assert response.status_code == 302 and "/reports/?start=2021-01-01" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "还没有报告提纲" in page


def test_a_frozen_snapshot_keeps_its_numbers_and_says_what_changed(client, auth, app, demo):
    auth.login("rw", roles=("report_writer",))
    response = client.post(
        "/reports/snapshots", data={"title": "2021年前7个月", "start": "2021-01-01", "end": "2021-07-31"}
    )
    assert response.status_code == 302
    url = response.headers["Location"]
    assert "所有数值与当前数据一致" in client.get(url).get_data(as_text=True)
    with app.app_context():
        firm = db.session.scalar(select(Enterprise).where(Enterprise.name.contains("大禹防水")))
        # Its count corrected from inside the period on (a change effective today would move nothing in 2021).
        changes = {"high_value_ip_count": "0", "effective_on": "2021-07-01", "correct_history": True}
        writer.update(ENTERPRISE, None, firm.id, firm.version, changes, partial=True)
    page = client.get(url).get_data(as_text=True)
    row = re.search(
        r'<tr data-code="ip_pledge.high_value_ip_enterprises" class="table-warning differs">(.*?)</tr>',
        page,
        flags=re.S,
    )
    assert row, "the changed value is marked"
    assert re.search(r'class="text-end frozen">22 ', row.group(1))
    assert re.search(r'class="text-end now">21<', row.group(1))
    assert "高价值知识产权数" in page.split('id="changes"')[1]  # the change behind it is listed


def test_only_report_writers_and_admins_freeze(client, auth):
    auth.login("sb", roles=("science_bureau",))
    assert (
        client.post(
            "/reports/snapshots", data={"title": "x", "start": "2021-01-01", "end": "2021-07-31"}
        ).status_code
        == 403
    )


def test_managers_do_not_see_county_reports(client, auth):
    auth.login("mgr", roles=("incubator_manager",))
    assert client.get("/reports/").status_code == 403
    assert client.get("/api/v1/summary?start=2021-01-01&end=2021-07-31").status_code == 403


def test_chart_data_comes_from_the_records(client, auth, demo):
    auth.login("rw", roles=("report_writer",))
    data = client.get("/reports/charts.json", query_string=SEVEN_MONTHS).get_json()
    groups = dict(zip(data["founder_groups"]["labels"], data["founder_groups"]["values"], strict=True))
    assert groups["退役军人"] == 8
    assert sum(data["loans"]["counts"]) == 2 and sum(data["loans"]["amounts"]) == 1100.0


def test_chart_names_follow_the_reader_s_language(client, auth, demo):
    auth.login("rw", roles=("report_writer",))
    chinese = client.get("/reports/charts.json", query_string=SEVEN_MONTHS).get_json()["loans"]["names"]
    assert chinese["wan"] == "万元"
    client.post("/language/en", data={"next": "/"})
    english = client.get("/reports/charts.json", query_string=SEVEN_MONTHS).get_json()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in "".join(english["loans"]["names"].values()))
    assert "Veterans" in english["founder_groups"]["labels"]


def test_the_loan_chart_adds_up_to_the_loan_figures_when_a_firm_is_archived(client, auth, app, demo):
    from registry.models import PledgeLoan

    with app.app_context():
        loan = db.session.scalar(
            select(PledgeLoan).where(PledgeLoan.registered_on.between(date(2021, 1, 1), date(2021, 7, 31)))
        )
        firm = db.session.get(Enterprise, loan.enterprise_id)
        writer.archive(ENTERPRISE, None, firm.id, firm.version, "注销")
    auth.login("rw", roles=("report_writer",))
    loans = client.get("/reports/charts.json", query_string=SEVEN_MONTHS).get_json()["loans"]
    figures = {
        i["code"]: i["value"]
        for i in client.get("/api/v1/summary?start=2021-01-01&end=2021-07-31").get_json()["indicators"]
    }
    assert sum(loans["counts"]) == figures["ip_pledge.loans"] == 1  # two loans in the period, one firm gone
    assert sum(loans["amounts"]) == float(figures["ip_pledge.loan_amount_wan"])
