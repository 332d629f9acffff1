"""The report as a document: its blocks, the DOCX made of them (read back as a reader opens it), and
``flask report docx`` for a period, which writes nothing to the database."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import ChangeLog, Report
from registry.reports.workspace import lifecycle
from registry.reports.workspace.output import KINDS, document_blocks, render_docx

from .factories import make_certification, make_enterprise, make_outline, make_report


def test_the_blocks_read_as_the_document_in_order(ctx):
    report = make_report()
    report.issued_on = date(2021, 8, 5)
    blocks = document_blocks(report)
    assert {kind for kind, _text in blocks} <= set(KINDS)
    assert blocks[:3] == [
        ("title", "测试工作方案的落实情况"),
        ("preamble", "按照工作方案要求，现将落实情况汇报如下："),
        ("chapter", "一、着力促进创新创业环境升级"),
    ]
    assert [text for kind, text in blocks if kind in ("chapter", "section")] == [
        "一、着力促进创新创业环境升级",
        "1.简政放权释放企业创新活力",
        "2.优化服务便利创新创业",
        "四、深入推动科技创新支撑能力升级",
        "1.增强创新型企业引领带动作用",
        "九、下步工作措施",
    ]
    assert ("body", "全县登记企业0家。") in blocks
    assert blocks[-2:] == [("issuer", "盘山县人民政府"), ("date", "2021年8月5日")]
    db.session.rollback()


def test_the_docx_reopens_with_the_blocks_text_and_layout(ctx):
    blocks = [
        ("title", "标题"),
        ("chapter", "一、章"),
        ("section", "1.节"),
        ("body", "正文。"),
        ("issuer", "县政府"),
        ("date", "2021年8月5日"),
    ]
    document = Document(io.BytesIO(render_docx(blocks, title="标题", day=date(2021, 8, 5))))
    paragraphs = document.paragraphs
    assert [p.text for p in paragraphs] == [text for _kind, text in blocks]
    assert [p.style.name for p in paragraphs] == [
        "公文标题",
        "一级标题",
        "二级标题",
        "Normal",
        "落款",
        "落款",
    ]
    title = paragraphs[0]
    assert (title.alignment or title.style.paragraph_format.alignment) == WD_ALIGN_PARAGRAPH.CENTER
    body = paragraphs[3].style
    fonts = body.element.rPr.rFonts
    assert body.font.size.pt == 16 and fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert document.core_properties.title == "标题" and document.core_properties.author == "县政府"


def _counts() -> dict:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_the_cli_writes_a_carried_forward_draft_for_a_period_without_a_report_and_nothing_else(
    runner, app, tmp_path
):
    with app.app_context():
        firm = make_enterprise(name="甲科技有限公司")
        make_certification(firm, kind="tech_sme", status="approved", approved_on=date(2021, 9, 1))
        db.session.commit()
        first = make_report(date(2021, 1, 1), date(2021, 7, 31))
        section = lifecycle.section(None, first.id, "四.1")
        lifecycle.update_section(
            None, first.id, "四.1", section.version, {"text": "本期新注册{tech_sme.registered}家。"}
        )
        before, logged = _counts(), db.session.scalar(select(func.count()).select_from(ChangeLog))
    out = tmp_path / "draft.docx"
    result = runner.invoke(
        args=["report", "docx", "--start", "2021-01-01", "--end", "2021-12-31", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert "本期新注册1家。" in texts  # the previous report's text, recomputed for the new period
    with app.app_context():
        assert _counts() == before
        assert db.session.scalar(select(func.count()).select_from(ChangeLog)) == logged
        assert db.session.scalar(select(func.count()).select_from(Report)) == 1


def test_the_cli_writes_the_report_of_exactly_that_period(runner, app, tmp_path):
    with app.app_context():
        report = make_report(date(2021, 1, 1), date(2021, 7, 31))
        section = lifecycle.section(None, report.id, "九")
        lifecycle.update_section(None, report.id, "九", section.version, {"text": "这一期的措施。"})
    out = tmp_path / "report.docx"
    result = runner.invoke(
        args=["report", "docx", "--start", "2021-01-01", "--end", "2021-07-31", "--out", str(out)]
    )
    assert result.exit_code == 0
    assert "这一期的措施。" in [p.text for p in Document(str(out)).paragraphs]


def test_the_cli_falls_back_to_the_outlines_default_texts(runner, app, tmp_path):
    with app.app_context():
        make_outline()
    out = tmp_path / "default.docx"
    assert (
        runner.invoke(
            args=["report", "docx", "--start", "2022-01-01", "--end", "2022-03-31", "--out", str(out)]
        ).exit_code
        == 0
    )
    assert "加强各部门联动，做好双创宣传工作。" in [p.text for p in Document(str(out)).paragraphs]


@pytest.mark.parametrize(
    "args",
    [
        ["--start", "2021-13-01", "--end", "2021-12-31"],
        ["--start", "2021-12-31", "--end", "2021-01-01"],
        ["--start", "2021-01-01"],
    ],
)
def test_the_cli_refuses_bad_periods_with_a_message(runner, tmp_path, args):
    result = runner.invoke(args=["report", "docx", *args, "--out", str(tmp_path / "x.docx")])
    assert result.exit_code != 0 and not (tmp_path / "x.docx").exists()
    assert "Error" in result.output


def test_the_cli_without_any_outline_says_so(runner, tmp_path):
    result = runner.invoke(
        args=[
            "report",
            "docx",
            "--start",
            "2021-01-01",
            "--end",
            "2021-07-31",
            "--out",
            str(tmp_path / "x.docx"),
        ]
    )
    assert result.exit_code == 1 and "提纲" in result.output
