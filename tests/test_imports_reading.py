"""Import templates and file reading: encodings, formats, limits and refusals."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from registry.extensions import db
from registry.imports import reader
from registry.imports.service import FileError
from registry.imports.spec import SPECS
from registry.imports.workbook import template
from registry.models import Enterprise

from .factories import make_enterprise, make_incubator, make_tag, make_town, uscc
from .import_helpers import (
    FIXTURES,
    HEADERS,
    count,
    csv_bytes,
    preview,
    two_sheets,
    xlsx,
)


# ---- templates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_template_has_chinese_headers_and_an_explanation_sheet(ctx, spec):
    workbook = load_workbook(io.BytesIO(template(spec)))
    data, guide = workbook.worksheets
    assert data.title == str(spec.title)
    assert [c.value for c in data[1]] == [str(f.label) for f in spec.fields]
    explained = {row[1]: row for row in guide.iter_rows(min_row=2, values_only=True) if row and row[1]}
    assert set(explained) >= {f.name for f in spec.fields}
    assert any(row[4] for row in explained.values())  # an example value


def golden_rows(town) -> dict[str, list]:
    firm = make_enterprise(name="已登记企业", town=town)
    make_incubator(name="盘锦现代农业创业大厦", town=town)
    make_tag(code="cloud", name="企业上云")
    db.session.commit()
    return {
        "enterprises": [
            "盘锦新导入科技有限公司",
            "新导入科技",
            uscc(),
            "企业",
            "太平街道",
            "",
            "C",
            "2021-07-31",
            "500",
            "20",
            "",
            "",
            "",
            "",
            "退役军人,女性",
            "1",
            "企业上云",
            "2024-12-31",
            "合并",
            "",
        ],
        "incubators": [
            "新众创空间",
            "众创空间",
            "县级",
            "太平街道",
            "",
            "",
            "300",
            "2020-05-01",
            "2024-06-30",
        ],
        "tenancies": ["盘锦现代农业创业大厦", firm.uscc, "2021/3/1", "", "", ""],
        "certifications": [
            firm.uscc,
            "高新技术企业",
            "国家级",
            "已认定",
            "2021-06-28",
            "2021年12月14日",
            "",
            "",
            "",
            "",
            "GR202121001046",
            "否",
            "",
        ],
        "outreach": ["2021-04-20", firm.uscc, "", "走访", "3", "县市场监管局", ""],
        "pledge_loans": [firm.uscc, "盘锦银行", "", "专利", "", "", "2021-03-25", "800", "12", "在贷"],
        "listing_candidates": [firm.uscc, "2019-03-01", "重点", "科创板", ""],
        "trainings": ["2021-06-17", "资本大讲堂线上培训", "上市", firm.uscc],
        "towns": ["shaling", "沙岭镇"],
        "parks": ["高升经济区", "太平街道"],
        "tags": ["kechuang-china", "科创中国平台注册"],
    }


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_a_filled_in_template_imports_in_one_pass(town, spec):
    row = golden_rows(town)[spec.name]
    workbook = load_workbook(io.BytesIO(template(spec)))
    workbook.worksheets[0].append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = preview(buffer.getvalue(), "模板.xlsx", spec.name, commit=True)
    assert result.error_lines() == []
    assert (result.created, result.written) == (1, True)


# ---- reading ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "filename", "reason"),
    [
        (b"", "企业.xlsx", "文件是空的"),
        (b"name,uscc\n", "企业.xlsx", "不是Excel工作簿"),
        (xlsx([]), "企业.csv", "是Excel工作簿而不是CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "企业.xlsx", "设置了打开密码"),
        (b"PK\x03\x04broken", "企业.xlsx", "已损坏"),
        (b"x", "企业.xls", "不支持旧版Excel"),
        (b"x", "企业.pdf", "只能导入"),
        (two_sheets(), "企业.xlsx", "没有可识别的工作表"),
        ("企业名称\n".encode("utf-16"), "企业.csv", "编码"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(town, content, filename, reason):
    with pytest.raises((FileError, reader.InputError)) as refused:
        preview(content, filename)
    assert reason in refused.value.message
    assert count(Enterprise) == 0


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (["企业名称", "统一社会信用代码", "主体类型", "所在镇街", "老板"], "“老板”无法识别"),
        (["企业名称", "name", "主体类型", "所在镇街"], "重复出现"),
        (["企业名称", "主体类型"], "缺少必填列：所在镇街"),
    ],
)
def test_unknown_duplicated_or_missing_headers_are_refused(town, headers, reason):
    with pytest.raises(FileError) as refused:
        preview(xlsx([["甲", "企业", "太平街道", "x", "y"][: len(headers)]], headers=headers))
    assert reason in refused.value.message


def test_headers_may_be_field_names(town):
    content = xlsx(
        [["乙公司", uscc(), "company", "taiping"]], headers=["name", "uscc", "legal_form", "town_id"]
    )
    assert preview(content, commit=True).created == 1


def test_size_and_row_limits(town, monkeypatch):
    monkeypatch.setattr(reader, "MAX_BYTES", 100)
    with pytest.raises(reader.InputError, match="上限"):
        preview(xlsx([["甲", uscc(), "企业", "太平街道", "1"]]))
    monkeypatch.setattr(reader, "MAX_BYTES", 10**8)
    monkeypatch.setattr(reader, "MAX_ROWS", 2)
    with pytest.raises(FileError, match="行上限"):
        preview(csv_bytes([[f"企业{i}", uscc(), "企业", "太平街道", "1"] for i in range(3)]), "企业.csv")
    assert count(Enterprise) == 0


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8-sig", ","), ("utf-8", ","), ("gb18030", ","), ("gbk", "\t")]
)
def test_csv_encodings_and_delimiters(town, encoding, delimiter):
    content = csv_bytes(
        [["盘锦编码测试有限公司", uscc(), "企业", "太平街道", "1,200"]],
        encoding=encoding,
        delimiter=delimiter,
    )
    result = preview(content, "企业.csv", commit=True)
    assert result.error_lines() == [] and result.created == 1
    assert db.session.scalar(select(Enterprise.employees)) == 1200


def test_dates_numbers_and_full_width_digits_in_common_chinese_forms(town):
    headers = [
        "企业名称",
        "统一社会信用代码",
        "主体类型",
        "所在镇街",
        "成立日期",
        "从业人数",
        "注册资本(万元)",
    ]
    code = uscc()
    full_width = code.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    rows = [
        ["甲公司", uscc(), "企业", "太平街道", "2021-07-31", "１２", "1,000.50"],
        ["乙公司", uscc(), "企业", "太平街道", "2021/7/31", 12.0, 1000.5],
        ["丙公司", full_width, "企业", "太平街道", "2021年7月31日", "12", "1000.5"],
        ["丁公司", uscc(), "企业", "太平街道", datetime(2021, 7, 31), 12, "1000.50"],
    ]
    result = preview(xlsx(rows, headers=headers), commit=True)
    assert result.error_lines() == []
    firms = db.session.scalars(select(Enterprise)).all()
    assert {str(f.established_on) for f in firms} == {"2021-07-31"}
    assert {f.employees for f in firms} == {12}
    assert {str(f.registered_capital_wan) for f in firms} == {"1000.50"}
    assert code in {f.uscc for f in firms}


def test_formulas_are_never_evaluated(town):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    sheet.append(HEADERS)
    sheet.append(["甲公司", uscc(), "企业", "太平街道", "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = preview(buffer.getvalue())
    assert any("不接受公式" in line for line in result.error_lines())


def test_libreoffice_written_workbook(town):
    content = (FIXTURES / "libreoffice_enterprises.xlsx").read_bytes()
    make_town(name="胡家镇", code="hujia")
    db.session.commit()
    result = preview(content, "libreoffice_enterprises.xlsx", commit=True)
    assert result.error_lines() == [] and result.created == 3
    firm = db.session.scalar(select(Enterprise).where(Enterprise.name_key == "盘锦金田塑业有限公司"))
    assert firm.employees == 1500 and firm.uscc == "91211122TT0900001R"


def test_both_readers_give_the_same_values(town):
    """Workbooks without formulas are read by calamine, with formulas by openpyxl: the rows must agree."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    sheet.append(["企业名称", "从业人数", "注册资本(万元)", "成立日期", "备注"])
    sheet.append(["甲公司", 12, 1000.5, datetime(2021, 7, 31), None])
    sheet.append([None, None, None, None, None])
    sheet.append(["乙公司", 3.0, "1,000", "2021年7月31日", "说明"])
    plain, with_formula = io.BytesIO(), io.BytesIO()
    workbook.save(plain)
    workbook.create_sheet("说明").append(["=1+1"])  # a formula anywhere sends the file to openpyxl
    workbook.save(with_formula)

    def rows(content: bytes):
        table = reader.open_table(content, "企业.xlsx", ("企业",))
        return table.headers, [
            (n, [v.date() if isinstance(v, datetime) else v for v in cells]) for n, cells in table.rows
        ]

    assert not reader._scan(plain.getvalue()) and reader._scan(with_formula.getvalue())
    fast, slow = rows(plain.getvalue()), rows(with_formula.getvalue())
    assert fast == slow
    assert fast[1] == [
        (2, ["甲公司", 12, 1000.5, datetime(2021, 7, 31).date(), None]),
        (4, ["乙公司", 3, "1,000", "2021年7月31日", "说明"]),
    ]


def test_a_workbook_that_unzips_too_large_is_refused_before_it_is_read(town, monkeypatch):
    monkeypatch.setattr(reader, "MAX_EXPANDED", 2_000)
    content = xlsx([[f"企业{i}", "", "创业团队(未注册)", "太平街道", "1"] for i in range(200)])
    with pytest.raises(reader.InputError, match="解压后超过"):
        reader.open_table(content, "企业.xlsx", ("企业",))
