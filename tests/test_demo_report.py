"""The demo's finished report (registry/demo/report.py): the seed's whole text in simplified script, every
registry number computed from the demo records, the seed's figures with their offices; and the next
period's report started from it."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, select

from registry.demo import load_demo_data
from registry.demo.report import PERIOD, SIGNED_ON
from registry.extensions import db
from registry.models import Outline, Report, ReportSnapshot
from registry.reports.seed_outline import SEED_FIGURES
from registry.reports.workspace import lifecycle
from registry.reports.workspace.output import document_bytes
from registry.reports.workspace.placeholders import render
from registry.reports.workspace.sources import sources_for

SEED_TEXT = Path(__file__).resolve().parent.parent / "registry" / "reports" / "seed_report_zh_hans.txt"


def bare(text: str) -> str:
    """Text without whitespace and punctuation: the comparison the seed is read with."""
    return "".join(c for c in text if not c.isspace() and not unicodedata.category(c).startswith("P"))


def seed_lines() -> list[str]:
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    return lines[: next(i for i, line in enumerate(lines) if line.startswith("主办单位："))]


@pytest.fixture
def demo_report(ctx) -> Report:
    load_demo_data()
    return lifecycle.report_of_period(PERIOD)


def paragraphs(content: bytes) -> list[str]:
    return [p.text.replace("\n", "") for p in Document(io.BytesIO(content)).paragraphs]


def test_the_demo_report_is_finished_with_the_seeds_figures_and_offices(demo_report):
    report = demo_report
    assert report.is_final and report.issued_on == SIGNED_ON and report.document
    assert db.session.get(ReportSnapshot, report.snapshot_id).start == PERIOD.start
    figures = {f.name: f for f in report.figures if f.archived_at is None}
    assert {(f["name"], f["value"], f["unit"], f["source"]) for f in SEED_FIGURES} == {
        (f.name, f.value, f.unit, f.source) for f in figures.values()
    }
    sections = {s.code: s for s in report.sections}
    assert {s.state for s in sections.values()} == {"reviewed"}
    # each section is assigned to the office whose figures it quotes: the board shows who gave what
    assert sections["一.2"].department == "县政务服务中心"
    assert sections["三.3"].department == "县退役军人事务局"
    assert sections["四.1"].department is None  # registry numbers only: the writer's own


def test_the_demo_document_is_the_seeds_whole_text_signed_by_the_county(demo_report):
    got = paragraphs(document_bytes(demo_report))
    seed = seed_lines()
    *body, issuer, signed = got
    assert (issuer, signed) == ("盘山县人民政府", "2021年8月5日")
    assert bare("".join(body)) == bare("".join(seed))
    # line by line, punctuation included, but one heading's full stop that the seed alone has
    differing = [(a, b) for a, b in zip(seed, body, strict=True) if a != b]
    assert differing == [
        ("1.鼓励和支持科研人员积极投身科技创新创业。", "1.鼓励和支持科研人员积极投身科技创新创业")
    ]


def test_the_seeds_dated_events_and_firm_lists_come_from_the_records(demo_report):
    text = "\n".join(paragraphs(document_bytes(demo_report)))
    assert (
        "大禹防水2021年5月入选第一批重点支持国家级专精特新“小巨人”企业名单（第一批第一年）。"
        "富隆化工入选第三批国家级专精特新“小巨人”企业名单。"
    ) in text
    assert "金田塑业、富隆化工、天源药业、华龙防水、科隆化工申报省级“专精特新”产品5家" in text
    assert "前7个月我县共引导591家业户" in text


def test_the_stored_document_does_not_move_with_later_records(demo_report):
    stored = document_bytes(demo_report)
    from registry.models import Enterprise

    firm = db.session.scalar(select(Enterprise).where(Enterprise.short_name == "金田塑业"))
    firm.short_name = "金田"
    db.session.commit()
    assert document_bytes(db.session.get(Report, demo_report.id)) == stored


def test_a_second_period_carries_every_text_forward_with_recomputed_numbers(demo_report):
    before = {s.code: s.text for s in demo_report.sections}
    report = lifecycle.create_report(None, {"start": "2021-01-01", "end": "2021-12-31"})
    assert report.carried_from_id == demo_report.id and report.title == demo_report.title
    assert report.preamble == demo_report.preamble and not report.is_final
    assert {s.code: s.text for s in report.sections} == before
    assert {s.state for s in report.sections} == {"open"}
    # figure slots come along, their values to be asked for again
    assert {f.name for f in report.figures} == {f["name"] for f in SEED_FIGURES}
    assert all(not f.value for f in report.figures)
    sources = sources_for(report)
    by_code = {s.code: s for s in report.sections}
    first = render(by_code["一.2"].text, sources)
    assert "前12个月" in first.plain[1] and first.errors  # the period's months; the figures still empty
    tenants = render(by_code["三.3"].text, sources)
    marked = [p for para in tenants.paragraphs for p in para if p.previous is not None]
    # the building had 26 tenants at the end of July and more at the end of the year: marked as changed
    assert marked and marked[0].previous == "26" and int(marked[0].text) > 26
    problems = lifecycle.problems(report)
    assert problems["sections"] and any("尚未填写" in e for e in problems["text"])


def test_loading_the_demo_again_adds_no_second_report(demo_report):
    load_demo_data()
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1
    assert db.session.scalar(select(func.count()).select_from(Outline)) == 1


def test_setup_seeds_the_outline_on_an_empty_registry(runner, app):
    result = runner.invoke(args=["setup", "--no-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        outline = lifecycle.latest_outline()
        assert outline is not None and outline.title.startswith("辽宁省推动创新创业")
        assert len([s for s in outline.sections if s.archived_at is None]) == 9 + 24
    again = runner.invoke(args=["setup", "--no-demo"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Outline)) == 1
