"""Bulk import: templates, reading, rules through the same services, dedup, all-or-nothing, web, CLI."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from registry.extensions import db
from registry.imports import reader
from registry.imports.reader import open_table
from registry.imports.service import FileError, run
from registry.imports.spec import BY_NAME, SPECS
from registry.imports.workbook import template
from registry.models import Certification, ChangeLog, Enterprise, Tenancy

from .factories import make_enterprise, make_incubator, make_tag, make_town, uscc

FIXTURES = Path(__file__).parent / "fixtures"
HEADERS = ["企业名称", "统一社会信用代码", "主体类型", "所在镇街", "从业人数"]


def xlsx(rows, headers=HEADERS, title="企业") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def two_sheets() -> bytes:
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    workbook.create_sheet("Sheet2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=HEADERS, encoding="utf-8-sig", delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def preview(content, filename="企业.xlsx", kind="enterprises", **kw):
    spec = BY_NAME[kind]
    return run(open_table(content, filename, spec.sheet_names), spec, None, **kw)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def town(ctx):
    town = make_town(name="太平街道", code="taiping")
    db.session.commit()
    return town


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
            "",
        ],
        "incubators": ["新众创空间", "众创空间", "县级", "太平街道", "", "", "300", "2020-05-01"],
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


# ---- rules, errors, all or nothing ------------------------------------------------------------------------
def test_errors_are_reported_as_row_column_reason_and_nothing_is_written(town):
    rows = [["甲公司", uscc(), "企业", "太平街道", "3"], ["", "914403001922038217", "合伙", "月球", "-1"]]
    result = preview(xlsx(rows), commit=True)
    lines = result.error_lines()
    assert "第3行 企业名称：不能为空" in lines
    assert any(line.startswith("第3行 统一社会信用代码：") and "校验码错误" in line for line in lines)
    assert "第3行 主体类型：“合伙”不是可选值" in lines
    assert "第3行 所在镇街：未找到“月球”" in lines
    assert "第3行 从业人数：不能小于0" in lines
    assert (result.created, result.error_count, result.written) == (1, 1, False)
    assert count(Enterprise) == 0


def test_valid_only_imports_the_good_rows(town):
    rows = [["甲公司", uscc(), "企业", "太平街道", "3"], ["乙公司", "bad", "企业", "太平街道", "3"]]
    result = preview(xlsx(rows), commit=True, valid_only=True)
    assert result.written and result.created == 1 and result.error_count == 1
    assert db.session.scalars(select(Enterprise.name)).all() == ["甲公司"]


def test_one_failure_near_the_end_of_ten_thousand_rows_leaves_everything_as_it_was(town):
    rows = [[f"批量企业{i}", "", "创业团队(未注册)", "太平街道", "1"] for i in range(10_000)]
    rows[9_998][4] = "很多"
    result = preview(csv_bytes(rows), "企业.csv", commit=True)
    assert result.error_lines() == ["第10000行 从业人数：应为整数"]
    assert result.created == 9_999 and not result.written
    assert count(Enterprise) == 0 and count(ChangeLog) == 0


def test_a_database_conflict_in_one_row_does_not_spoil_the_others(town):
    """Two new firms with one USCC in a file: the second fails at the database, the rest are checked."""
    code = uscc()
    rows = [
        ["甲公司", code, "企业", "太平街道", "1"],
        ["乙公司", code, "企业", "太平街道", "1"],
        ["丙公司", uscc(), "企业", "太平街道", "1"],
    ]
    result = preview(xlsx(rows), commit=True, valid_only=True)
    assert result.created == 2 and result.matches and result.matches[0].reason == "file"
    assert sorted(db.session.scalars(select(Enterprise.name))) == ["丙公司", "甲公司"]


# ---- deduplication -------------------------------------------------------------------------------------
def test_matches_existing_firms_by_uscc_and_by_name_and_creates_no_duplicate(town):
    jintian = make_enterprise(name="盘锦金田塑业有限公司", town=town, employees=100)
    kaiwei = make_enterprise(name="辽宁开味食品有限公司", town=town)
    db.session.commit()
    full_width = kaiwei.uscc.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    rows = [
        [
            "盘锦金田塑業(yè)有限公司",
            "",
            "企业",
            "太平街道",
            "150",
        ],  # by name: traditional script and a gloss
        ["遼寧開味食品有限公司", full_width, "企业", "太平街道", ""],  # by full-width USCC
        ["新公司", uscc(), "企业", "太平街道", "5"],
        ["新 公司", "", "创业团队(未注册)", "太平街道", "5"],  # the row above again, in the file
    ]
    result = preview(xlsx(rows), commit=True)
    reasons = {(m.row, m.reason, m.decision) for m in result.matches}
    assert reasons == {(2, "name", "update"), (3, "uscc", "update"), (5, "file", "reject")}
    assert (result.created, result.updated, result.unchanged, result.rejected) == (1, 1, 1, 1)
    assert count(Enterprise) == 3
    assert db.session.get(Enterprise, jintian.id).employees == 150


def test_the_user_may_reject_a_match(town):
    firm = make_enterprise(name="盘锦金田塑业有限公司", town=town, employees=100)
    db.session.commit()
    result = preview(
        xlsx([["盘锦金田塑業有限公司", "", "企业", "太平街道", "7"]]), commit=True, decisions={2: "reject"}
    )
    assert result.rejected == 1 and db.session.get(Enterprise, firm.id).employees == 100


def test_a_namesake_with_another_uscc_is_not_merged(town):
    make_enterprise(name="盘锦金田塑业有限公司", town=town)
    db.session.commit()
    result = preview(xlsx([["盘锦金田塑业有限公司", uscc(), "企业", "太平街道", "7"]]), commit=True)
    assert result.matches == [] and result.created == 1


def test_rows_reference_other_records_by_natural_key(town):
    firm = make_enterprise(name="大禹防水", town=town)
    db.session.commit()
    headers = ["企业", "资质类别", "级别", "状态", "认定日期", "批次", "重点支持“小巨人”"]
    content = xlsx(
        [[firm.name, "专精特新“小巨人”企业", "国家级", "已认定", "2019-06-06", "1", "是"]],
        headers=headers,
        title="资质认定",
    )
    result = preview(content, "资质.xlsx", "certifications", commit=True)
    assert result.error_lines() == []
    cert = db.session.scalar(select(Certification))
    assert (cert.kind, cert.level, cert.key_support, str(cert.valid_until)) == (
        "little_giant",
        "national",
        True,
        "2022-06-05",
    )


def test_an_id_column_updates_that_record(town):
    stay = make_incubator(town=town)
    firm = make_enterprise(town=town)
    db.session.commit()
    first = preview(
        xlsx(
            [[stay.name, firm.uscc, "2021-03-01"]], headers=["孵化载体", "入孵企业", "入驻日期"], title="入孵"
        ),
        "入孵.xlsx",
        "tenancies",
        commit=True,
    )
    tenancy_id = db.session.scalar(select(Tenancy.id))
    assert first.created == 1
    second = preview(
        xlsx([[tenancy_id, "2021-06-30", "毕业"]], headers=["编号", "离孵日期", "离孵原因"], title="入孵"),
        "入孵.xlsx",
        "tenancies",
        commit=True,
    )
    assert second.updated == 1 and db.session.get(Tenancy, tenancy_id).exit_reason == "graduated"


# ---- the web flow and the CLI ---------------------------------------------------------------------------
def test_upload_preview_confirm_and_see_what_changed(client, auth, app):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    content = xlsx([["甲公司", uscc(), "企业", "太平街道", "3"], ["乙公司", uscc(), "企业", "太平街道", "4"]])
    page = client.post(
        "/imports/",
        data={"kind": "enterprises", "file": (io.BytesIO(content), "企业.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert re.search(r'data-count="created">2<', page)
    with app.app_context():
        assert count(Enterprise) == 0  # the preview wrote nothing
    token = re.search(r"/imports/([\w-]+)/confirm", page).group(1)
    done = client.post(f"/imports/{token}/confirm", data={"token": token}).get_data(as_text=True)
    assert "已导入" in done
    changes_url = re.search(r'href="(/imports/changes/[^"]+)"', done).group(1)
    changes = client.get(changes_url).get_data(as_text=True)
    assert "甲公司" in changes and "乙公司" in changes
    with app.app_context():
        assert count(Enterprise) == 2
        imported = select(ChangeLog.request_id).where(ChangeLog.object_type.in_(["enterprise", "import"]))
        assert len(set(db.session.scalars(imported))) == 1


def test_web_refuses_a_bad_file_with_a_message(client, auth):
    auth.login("sb", roles=("science_bureau",))
    page = client.post(
        "/imports/",
        data={"kind": "enterprises", "file": (io.BytesIO(b""), "企业.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "文件是空的" in page


def test_errors_download_as_a_workbook_with_an_error_column(client, auth, app):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    content = xlsx([["甲公司", uscc(), "企业", "太平街道", "3"], ["乙公司", "bad", "企业", "太平街道", "4"]])
    page = client.post(
        "/imports/",
        data={"kind": "enterprises", "file": (io.BytesIO(content), "企业.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    token = re.search(r"/imports/([\w-]+)/errors.xlsx", page).group(1)
    with client.get(f"/imports/{token}/errors.xlsx") as response:
        rows = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))
    assert rows[0][0] == "行号" and rows[0][-1] == "错误原因"
    assert rows[1][0] == 3 and rows[1][1] == "乙公司" and "统一社会信用代码" in rows[1][-1]
    refused = client.post(f"/imports/{token}/confirm", data={"token": token}).get_data(as_text=True)
    assert "未写入任何数据" in refused


def test_another_user_cannot_confirm_my_upload(client, auth, app):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    content = xlsx([["甲公司", uscc(), "企业", "太平街道", "3"]])
    page = client.post(
        "/imports/",
        data={"kind": "enterprises", "file": (io.BytesIO(content), "企业.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    token = re.search(r"/imports/([\w-]+)/confirm", page).group(1)
    auth.logout()
    auth.login("sb2", roles=("science_bureau",))
    assert client.post(f"/imports/{token}/confirm", data={"token": token}).status_code == 404


def test_readers_cannot_import(client, auth):
    auth.login("rw", roles=("report_writer",))
    assert client.get("/imports/").status_code == 403


def test_cli_exit_codes(runner, app, tmp_path):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    good, bad, broken = tmp_path / "企业.xlsx", tmp_path / "bad.xlsx", tmp_path / "broken.xlsx"
    good.write_bytes(xlsx([["甲公司", uscc(), "企业", "太平街道", "3"]]))
    bad.write_bytes(
        xlsx([["甲公司", uscc(), "企业", "太平街道", "3"], ["乙公司", "bad", "企业", "太平街道", "3"]])
    )
    broken.write_bytes(b"PK\x03\x04nope")
    dry = runner.invoke(args=["import", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "1 to create" in dry.output
    refused = runner.invoke(args=["import", str(bad)])
    assert refused.exit_code == 1 and "第3行 统一社会信用代码" in refused.output
    assert runner.invoke(args=["import", str(broken), "--kind", "enterprises"]).exit_code == 2
    with app.app_context():
        assert count(Enterprise) == 0
    partial = runner.invoke(args=["import", str(bad), "--valid-only"])
    assert partial.exit_code == 0 and "Written" in partial.output
    with app.app_context():
        assert count(Enterprise) == 1
