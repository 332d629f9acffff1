"""The enterprise list: search, filters, facets, sorting, key paging, statement counts and exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from registry.extensions import db
from registry.models import Enterprise

from .factories import (
    make_enterprise,
    make_tag,
    make_town,
    names_on,
    uscc,
)


@pytest.fixture
def county(app):
    """Five firms in two towns, with tags and founder groups, for list tests."""
    with app.app_context():
        a, b = make_town(name="胡家镇", code="hujia"), make_town(name="沙岭镇", code="shaling")
        tag = make_tag()
        firms = [
            make_enterprise(
                name="盘锦金田塑业有限公司",
                town=a,
                industry="C",
                employees=150,
                established_on=date(2009, 3, 2),
            ),
            make_enterprise(
                name="盘锦富隆化工有限公司",
                town=a,
                industry="C",
                employees=260,
                established_on=date(2006, 9, 12),
            ),
            make_enterprise(
                name="盘山县沙岭花卉种植专业合作社",
                town=b,
                industry="A",
                legal_form="cooperative",
                uscc=uscc(prefix="93"),
            ),
            make_enterprise(name="“稻田蟹”电商创业团队", town=b, legal_form="team", uscc=None, employees=4),
            make_enterprise(name="盘锦光合水产有限公司", town=b, industry="A", employees=45),
        ]
        firms[0].tags = [tag]
        firms[1].tags = [tag]
        firms[3].founder_groups = ["veteran", "college_student"]
        db.session.commit()
        return {f.name: f.id for f in firms} | {"town_a": a.id, "town_b": b.id}


def test_quick_search_ignores_script_width_and_glosses(client, auth, county):
    auth.login("rw", roles=("report_writer",))
    for query in ("金田塑业", "金田塑業", "金田塑業(yè)", "金田"):
        assert names_on(client.get("/enterprises/", query_string={"q": query}).get_data(as_text=True)) == [
            "盘锦金田塑业有限公司"
        ], query


def test_quick_search_by_uscc_prefix(client, auth, county, app):
    with app.app_context():
        code = db.session.get(Enterprise, county["盘锦富隆化工有限公司"]).uscc
    auth.login("rw", roles=("report_writer",))
    page = client.get("/enterprises/", query_string={"q": code[:17].lower()}).get_data(as_text=True)
    assert names_on(page) == ["盘锦富隆化工有限公司"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"town": "town_a"}, {"盘锦金田塑业有限公司", "盘锦富隆化工有限公司"}),
        ({"legal_form": "team"}, {"“稻田蟹”电商创业团队"}),
        ({"industry": "A"}, {"盘山县沙岭花卉种植专业合作社", "盘锦光合水产有限公司"}),
        ({"tag": "kechuang-china"}, {"盘锦金田塑业有限公司", "盘锦富隆化工有限公司"}),
        ({"founder_group": "veteran"}, {"“稻田蟹”电商创业团队"}),
        ({"town": "town_b", "industry": "A"}, {"盘山县沙岭花卉种植专业合作社", "盘锦光合水产有限公司"}),
    ],
)
def test_filters_select_the_right_firms(client, auth, county, args, expected):
    auth.login("rw", roles=("report_writer",))
    query = {k: str(county[v]) if v in county else v for k, v in args.items()}
    assert set(names_on(client.get("/enterprises/", query_string=query).get_data(as_text=True))) == expected


def test_a_bad_filter_value_is_reported_not_a_500(client, auth, county):
    auth.login("rw", roles=("report_writer",))
    response = client.get(
        "/enterprises/", query_string={"town": "abc", "industry": "Z", "sort": "evil", "size": "9"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert len(names_on(page)) == 5  # the bad values are ignored
    reported = re.findall(r'<div class="text-danger small">([^<]+)</div>', page)
    assert sorted(reported) == sorted(["应为整数", "无效的筛选值"])  # the town and the industry filter


def test_facets_count_the_filtered_rows(client, auth, county):
    auth.login("rw", roles=("report_writer",))
    page = client.get("/enterprises/", query_string={"town": county["town_b"]}).get_data(as_text=True)
    facet = page.split('aria-label="主体类型"')[1].split("</section>")[0]
    counts = dict(re.findall(r">([^<>]+)</a>\s*<span class=\"badge[^\"]*\">(\d+)</span>", facet))
    assert counts == {"农民专业合作社": "1", "创业团队(未注册)": "1", "企业": "1"}
    assert "共3家" in page


def test_sorting_by_a_column_both_ways(client, auth, county):
    auth.login("rw", roles=("report_writer",))
    ascending = names_on(client.get("/enterprises/?sort=employees").get_data(as_text=True))
    assert ascending[:4] == [
        "“稻田蟹”电商创业团队",
        "盘锦光合水产有限公司",
        "盘锦金田塑业有限公司",
        "盘锦富隆化工有限公司",
    ]
    assert ascending[-1] == "盘山县沙岭花卉种植专业合作社"  # no value: last either way
    descending = names_on(client.get("/enterprises/?sort=-employees").get_data(as_text=True))
    assert descending[:2] == ["盘锦富隆化工有限公司", "盘锦金田塑业有限公司"]
    assert descending[-1] == "盘山县沙岭花卉种植专业合作社"


@pytest.mark.parametrize("sort", ["name", "-established_on", "employees", "-id", "uscc"])
def test_key_paging_visits_every_row_once(client, auth, app, sort):
    with app.app_context():
        town = make_town()
        for n in range(45):
            make_enterprise(
                name=f"分页测试{n:02d}有限公司",
                town=town,
                employees=n % 7 or None,
                established_on=date(2000 + n % 5, 1, 1) if n % 3 else None,
            )
        db.session.commit()
    auth.login("rw", roles=("report_writer",))
    seen, url = [], f"/enterprises/?sort={sort}&size=20"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += names_on(page)
        match = re.search(r'href="([^"]*after=[^"]*)" rel|rel="next" href="([^"]+)"', page)
        url = (match.group(1) or match.group(2)).replace("&amp;", "&") if match else None
    assert len(seen) == 45 and len(set(seen)) == 45


def test_list_issues_the_same_number_of_statements_for_10_and_100_rows(client, auth, app, count_statements):
    auth.login("rw", roles=("report_writer",))

    def fill_to(n):
        with app.app_context():
            town, tag = make_town(), make_tag(code=f"t{n}", name=f"标签{n}")
            for i in range(n):
                firm = make_enterprise(name=f"计数{n}-{i}有限公司", town=town)
                firm.tags = [tag]
                firm.founder_groups = ["veteran"]
            db.session.commit()

    fill_to(10)
    with count_statements() as small:
        assert len(names_on(client.get("/enterprises/?size=20").get_data(as_text=True))) == 10
    fill_to(90)
    with count_statements() as large:
        assert len(names_on(client.get("/enterprises/?size=100").get_data(as_text=True))) == 100
    assert small.count == large.count


def test_csv_export_is_the_filtered_list_with_formulas_escaped(client, auth, app):
    with app.app_context():
        town = make_town(name="胡家镇")
        make_enterprise(name='=HYPERLINK("http://x")', uscc="91211122TT00000017", town=town, employees=3)
        make_enterprise(
            name="盘锦光合水产有限公司",
            short_name="光合水产",
            uscc="91211122TT0000002U",
            town=town,
            industry="A",
            established_on=date(2013, 4, 2),
            contact_phone="+86 427 1234567",
            deregistered_on=date(2022, 1, 5),
            deregistered_reason="revoked",
        )
        make_enterprise(name="其他镇企业有限公司", town=make_town(name="沙岭镇"))
        db.session.commit()
        town_id = town.id
    auth.login("rw", roles=("report_writer",))
    response = client.get(f"/enterprises/export.csv?town={town_id}&sort=name")
    text = response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/csv")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [
        [
            "编号",
            "企业名称",
            "简称",
            "统一社会信用代码",
            "主体类型",
            "所在镇街",
            "所在园区",
            "行业门类",
            "成立日期",
            "注册资本(万元)",
            "从业人数",
            "研发人员数",
            "创业者群体",
            "高价值知识产权数",
            "标签",
            "联系人",
            "联系电话",
            "地址",
            "注销日期",
            "注销原因",
            "已归档",
        ],
        [
            rows[1][0],
            '\'=HYPERLINK("http://x")',
            "",
            "91211122TT00000017",
            "企业",
            "胡家镇",
            "",
            "",
            "",
            "",
            "3",
            "",
            "",
            "0",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            rows[2][0],
            "盘锦光合水产有限公司",
            "光合水产",
            "91211122TT0000002U",
            "企业",
            "胡家镇",
            "",
            "农、林、牧、渔业",
            "2013-04-02",
            "",
            "",
            "",
            "",
            "0",
            "",
            "",
            "'+86 427 1234567",
            "",
            "2022-01-05",
            "吊销",
            "",
        ],
    ]


def test_xlsx_export_opens_and_holds_the_rows(client, auth, county):
    auth.login("rw", roles=("report_writer",))
    with client.get(f"/enterprises/export.xlsx?town={county['town_a']}") as response:
        content = response.get_data()
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    assert rows[0][1] == "企业名称"
    assert {r[1] for r in rows[1:]} == {"盘锦金田塑业有限公司", "盘锦富隆化工有限公司"}


def test_facets_count_each_requests_firms_and_the_certifications_held_that_day(
    client, auth, app, county, monkeypatch
):
    """The facets' counting SQL is built once a day (list_engine._facet_branches): each request still
    counts its own firms, and a certification that lapses counts no more the next day."""
    from datetime import timedelta

    import registry.enterprises.filters as filters
    import registry.list_engine as list_engine

    from .factories import make_certification

    today = date.today()
    with app.app_context():
        firm = db.session.get(Enterprise, county["盘锦金田塑业有限公司"])
        make_certification(
            firm, kind="high_tech", status="approved", approved_on=date(2020, 1, 1), valid_until=today
        )
        db.session.commit()
    auth.login("rw", roles=("report_writer",))

    def certification_facet(town):
        page = client.get("/enterprises/", query_string={"town": town}).get_data(as_text=True)
        if 'aria-label="持有有效资质"' not in page:
            return {}
        facet = page.split('aria-label="持有有效资质"')[1].split("</section>")[0]
        return dict(re.findall(r">([^<>]+)</a>\s*<span class=\"badge[^\"]*\">(\d+)</span>", facet))

    assert certification_facet(county["town_a"]) == {"高新技术企业": "1"}
    assert certification_facet(county["town_b"]) == {}

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return today + timedelta(days=1)

    monkeypatch.setattr(filters, "date", Tomorrow)
    monkeypatch.setattr(list_engine, "date", Tomorrow)
    assert certification_facet(county["town_a"]) == {}
