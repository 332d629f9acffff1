"""The report workspace's life: outlines from plain data, a report started from the outline or carried forward,
sections written by departments and reviewed by the writer, finalising with a frozen document."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import (
    ChangeLog,
    Figure,
    Outline,
    Report,
    ReportSection,
    ReportSectionVersion,
    ReportSnapshot,
)
from registry.records.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from registry.reports.workspace import carry, lifecycle
from registry.reports.workspace.output import document_blocks
from registry.reports.workspace.sources import sources_for

from .factories import TEST_OUTLINE, make_certification, make_enterprise, make_outline, make_report, make_user


def _section(report, code):
    return lifecycle.section(None, report.id, code)


def _save(user, report, code, **data):
    section = _section(report, code)
    return lifecycle.update_section(user, report.id, code, section.version, data)


def _review_all(report):
    for section in db.session.scalars(
        select(ReportSection).where(ReportSection.report_id == report.id)
    ).all():
        lifecycle.update_section(None, report.id, section.code, section.version, {"state": "reviewed"})


# ---- outlines ---------------------------------------------------------------------------------------------------
def test_an_outline_is_made_from_plain_data_in_document_order(ctx):
    outline = make_outline()
    rows = carry.live_rows(outline)
    assert [r.code for r in rows] == ["一", "一.1", "一.2", "四", "四.1", "九"]
    assert [r.position for r in rows] == sorted(r.position for r in rows)
    assert rows[2].indicators == ["enterprises.total"]
    # A report writes the sections, and the chapter without sections (九) itself.
    assert [r.code for r in carry.writable_rows(outline)] == ["一.1", "一.2", "四.1", "九"]
    logged = db.session.scalars(select(ChangeLog.object_type).order_by(ChangeLog.id)).all()
    assert logged == ["outline"] + ["outline_section"] * 6


def test_a_bad_outline_is_refused_as_a_whole(ctx):
    broken = TEST_OUTLINE | {
        "chapters": [{"code": "一", "heading": "章"}, {"code": "二.1", "heading": "无章之节"}]
    }
    with pytest.raises(ValidationFailed) as refused:
        make_outline(broken)
    assert "code" in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(Outline)) == 0


# ---- a new report -------------------------------------------------------------------------------------------------
def test_a_first_report_starts_from_the_outlines_default_texts(ctx, app):
    report = make_report()
    assert report.status == "draft" and report.version == 1
    assert (
        report.title == TEST_OUTLINE["title"]
        and report.issuer == app.config["REPORT_ISSUER"] == "盘山县人民政府"
    )
    assert report.preamble == TEST_OUTLINE["preamble"] and report.carried_from_id is None
    sections = {s.code: s for s in report.sections}
    assert list(sections) == ["一.1", "一.2", "四.1", "九"]
    assert sections["一.2"].text == "全县登记企业{enterprises.total}家。" and sections["一.2"].state == "open"
    assert [v.number for v in sections["一.2"].versions] == [1]
    assert report.figures == []


def test_the_issuer_comes_from_the_configuration(ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_ISSUER", "某某县人民政府")
    assert make_report().issuer == "某某县人民政府"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start": "2021-07-31", "end": "2021-01-01"}, "end"),
        ({"start": "", "end": "2021-01-01"}, "start"),
        ({"start": "2021-01-01"}, "end"),
        ({"start": "2021-02-30", "end": "2021-03-01"}, "start"),
        ({"start": "1900-01-01", "end": "2021-03-01"}, "end"),
    ],
)
def test_a_report_for_an_inverted_or_empty_period_is_refused(ctx, data, field):
    make_outline()
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.create_report(None, data)
    assert field in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_without_any_outline_a_report_is_refused_with_a_message(ctx):
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.create_report(None, {"start": "2021-01-01", "end": "2021-07-31"})
    assert "outline_id" in refused.value.errors


def test_one_report_per_period_and_outline(ctx):
    report = make_report()
    with pytest.raises(ValidationFailed) as refused:
        make_report(outline=report.outline)
    assert "start" in refused.value.errors


# ---- writing sections -----------------------------------------------------------------------------------------------
def test_a_section_over_the_limit_is_refused_and_nothing_is_written(ctx):
    report = make_report()
    before = db.session.scalar(select(func.count()).select_from(ChangeLog))
    with pytest.raises(ValidationFailed) as refused:
        _save(None, report, "一.2", text="字" * 200_000)
    assert "20000" in refused.value.errors["text"][0]
    with pytest.raises(ValidationFailed):
        _save(None, report, "一.2", text="字" * 20_001)
    db.session.rollback()
    assert _section(report, "一.2").text == "全县登记企业{enterprises.total}家。"
    assert db.session.scalar(select(func.count()).select_from(ChangeLog)) == before


def test_two_writers_saving_one_section_the_second_gets_a_conflict(ctx):
    report = make_report()
    seen = _section(report, "一.2").version
    lifecycle.update_section(None, report.id, "一.2", seen, {"text": "第一位的文字。"})
    with pytest.raises(StaleVersion):
        lifecycle.update_section(None, report.id, "一.2", seen, {"text": "第二位的文字。"})
    db.session.rollback()
    assert _section(report, "一.2").text == "第一位的文字。"


def test_saving_keeps_versions_with_who_and_when_and_starts_the_editing_state(ctx):
    writer = make_user("writer", ["report_writer"])
    report = make_report()
    _save(writer, report, "一.2", text="全县登记企业{enterprises.total}家，较上年增长。")
    section = _section(report, "一.2")
    assert (
        section.state == "editing" and section.changed_by_id == writer.id and section.changed_at is not None
    )
    saved = db.session.scalars(
        select(ReportSectionVersion)
        .where(ReportSectionVersion.section_id == section.id)
        .order_by(ReportSectionVersion.number)
    ).all()
    assert [(v.number, v.saved_by_id) for v in saved] == [(1, None), (2, writer.id)]
    assert saved[1].text.endswith("较上年增长。")
    entry = db.session.scalar(select(ChangeLog).where(ChangeLog.object_type == "report_section"))
    assert entry.user_id == writer.id and set(entry.changes) == {"text", "state"}


def test_a_contributor_writes_and_submits_their_own_section_only(ctx):
    report = make_report()
    _save(None, report, "一.1", department="政务服务中心")
    clerk = make_user("clerk", ["contributor"], department="政务服务中心")
    other = make_user("other", ["contributor"], department="人社局")
    with pytest.raises(PermissionDenied):
        _save(clerk, report, "一.2", text="不是我的章节。")
    with pytest.raises(NotFound):  # a report with nothing of their department is not theirs to see
        _save(other, report, "一.1", text="别的部门。")
    _save(clerk, report, "一.1", text="依申请类政务服务事项{数据:政务服务事项}已全部录入。")
    with pytest.raises(PermissionDenied):  # reviewing is the writer's
        _save(clerk, report, "一.1", state="reviewed")
    with pytest.raises(PermissionDenied):  # so is the assignment
        _save(clerk, report, "一.1", department="人社局")
    _save(clerk, report, "一.1", state="submitted")
    with pytest.raises(ValidationFailed) as refused:
        _save(clerk, report, "一.1", text="提交后再改。")
    assert "state" in refused.value.errors
    _save(None, report, "一.1", state="reviewed")
    assert _section(report, "一.1").state == "reviewed"


def test_a_contributor_sees_only_open_reports_with_their_sections_and_their_figures(ctx):
    from registry.reports.workspace.services import FIGURE, REPORT, SECTION

    mine, theirs = make_report(), make_report(outline=make_outline())
    _save(None, mine, "一.1", department="政务服务中心")
    lifecycle.add_figure(None, mine.id, {"name": "政务服务事项", "source": "政务服务中心"})
    lifecycle.add_figure(None, mine.id, {"name": "欠薪案件", "source": "人社局"})
    clerk = make_user("clerk", ["contributor"], department="政务服务中心")
    assert db.session.scalars(REPORT.visible(clerk, select(Report.id))).all() == [mine.id]
    assert db.session.scalars(FIGURE.visible(clerk, select(Figure.name))).all() == ["政务服务事项"]
    codes = set(db.session.scalars(SECTION.visible(clerk, select(ReportSection.report_id))).all())
    assert codes == {mine.id} and theirs.id not in codes


def test_a_contributor_fills_in_their_departments_figure_but_not_its_name_nor_others(ctx):
    from registry.records import writer
    from registry.reports.workspace.services import FIGURE

    report = make_report()
    ours = lifecycle.add_figure(
        None, report.id, {"name": "政务服务事项", "unit": "项", "source": "政务服务中心"}
    )
    theirs = lifecycle.add_figure(None, report.id, {"name": "欠薪案件", "unit": "起", "source": "人社局"})
    clerk = make_user("clerk", ["contributor"], department="政务服务中心")
    writer.update(FIGURE, clerk, ours.id, ours.version, {"value": "1,157"}, partial=True)
    assert db.session.get(Figure, ours.id).value == "1157"
    with pytest.raises(PermissionDenied):
        writer.update(
            FIGURE, clerk, ours.id, db.session.get(Figure, ours.id).version, {"name": "改名"}, partial=True
        )
    with pytest.raises(NotFound):  # another office's figure is not theirs to see
        writer.update(FIGURE, clerk, theirs.id, theirs.version, {"value": "46"}, partial=True)
    with pytest.raises(PermissionDenied):
        lifecycle.add_figure(clerk, report.id, {"name": "新数据"})


def test_figure_names_are_unique_in_a_report_and_take_no_braces(ctx):
    report = make_report()
    lifecycle.add_figure(None, report.id, {"name": "政务服务事项"})
    for name in ("政务服务事项", "坏{名}"):
        with pytest.raises(ValidationFailed) as refused:
            lifecycle.add_figure(None, report.id, {"name": name})
        assert "name" in refused.value.errors


# ---- carrying forward --------------------------------------------------------------------------------------------------
def test_a_new_report_carries_texts_assignments_and_figure_slots_forward_and_recomputes_numbers(ctx):
    early, late = date(2021, 3, 1), date(2021, 9, 1)
    for day in (early, late):
        make_certification(make_enterprise(), kind="tech_sme", status="approved", approved_on=day)
    db.session.commit()
    first = make_report(date(2021, 1, 1), date(2021, 7, 31))
    _save(
        None,
        first,
        "四.1",
        text="继续实施培育计划，新注册科技型中小企业{tech_sme.registered}家。",
        department="科技局",
    )
    lifecycle.add_figure(
        None, first.id, {"name": "政务服务事项", "value": "1157", "unit": "项", "source": "政务服务中心"}
    )
    second = make_report(date(2021, 1, 1), date(2021, 12, 31), outline=first.outline)
    assert second.carried_from_id == first.id
    sections = {s.code: s for s in second.sections}
    assert sections["四.1"].text == "继续实施培育计划，新注册科技型中小企业{tech_sme.registered}家。"
    assert sections["四.1"].department == "科技局" and sections["四.1"].state == "open"
    assert sections["一.2"].text == "全县登记企业{enterprises.total}家。"
    assert [(f.name, f.value, f.unit, f.source) for f in second.figures] == [
        ("政务服务事项", None, "项", "政务服务中心")
    ]

    blocks = dict(document_blocks(first)), document_blocks(second)
    assert ("body", "继续实施培育计划，新注册科技型中小企业1家。") in document_blocks(first)
    assert ("body", "继续实施培育计划，新注册科技型中小企业2家。") in blocks[1]
    # The preview marks the number that differs from the previous report, with the previous value.
    from registry.reports.workspace.placeholders import render

    rendered = render(sections["四.1"].text, sources_for(second))
    assert rendered.changed == 1 and "（上期：1）" in str(rendered.html[0])
    # The figure's value is asked for again: until then it is an error in the text.
    assert "政务服务事项" in " ".join(render("{数据:政务服务事项}", sources_for(second)).errors)


def test_a_report_for_a_period_before_every_other_starts_from_the_default_texts(ctx):
    later = make_report(date(2022, 1, 1), date(2022, 7, 31))
    _save(None, later, "九", text="二〇二二年的措施。")
    earlier = make_report(date(2021, 1, 1), date(2021, 7, 31), outline=later.outline)
    assert earlier.carried_from_id is None
    assert {s.code: s.text for s in earlier.sections}["九"] == "加强各部门联动，做好双创宣传工作。"


# ---- finalising ---------------------------------------------------------------------------------------------------------
def _ready(report):
    figure = lifecycle.add_figure(
        None, report.id, {"name": "政务服务事项", "unit": "项", "source": "政务服务中心"}
    )
    return figure


def test_finalising_needs_every_section_reviewed_no_errors_and_every_used_figure(ctx):
    from registry.records import writer
    from registry.reports.workspace.services import FIGURE

    report = make_report()
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.finalise(None, report.id, report.version)
    assert set(refused.value.errors) == {"sections", "text"}
    figure = _ready(report)
    _review_all(report)
    report = db.session.get(Report, report.id)
    with pytest.raises(ValidationFailed) as refused:  # the figure is used but empty
        lifecycle.finalise(None, report.id, report.version)
    assert set(refused.value.errors) == {"text"} and "政务服务事项" in refused.value.errors["text"][0]
    writer.update(FIGURE, None, figure.id, figure.version, {"value": "1157"}, partial=True)
    _save(None, report, "九", text="有一处{错误")
    _save(None, report, "九", state="reviewed")
    report = db.session.get(Report, report.id)
    with pytest.raises(ValidationFailed):
        lifecycle.finalise(None, report.id, report.version)
    _save(None, report, "九", text="加强各部门联动。", state="reviewed")
    report = db.session.get(Report, report.id)
    assert lifecycle.problems(report) == {}
    done = lifecycle.finalise(None, report.id, report.version)
    assert done.status == "final" and done.snapshot_id is not None and done.issued_on == date.today()
    assert db.session.get(ReportSnapshot, done.snapshot_id).start == date(2021, 1, 1)
    assert done.document[:2] == b"PK"


def test_a_finalised_document_stays_byte_identical_after_the_records_change(ctx, client, auth, app):
    from registry.records import writer
    from registry.reports.workspace.services import FIGURE

    make_certification(
        make_enterprise(name="甲科技有限公司"),
        kind="tech_sme",
        status="approved",
        approved_on=date(2021, 3, 1),
    )
    db.session.commit()
    report = make_report()
    figure = _ready(report)
    writer.update(FIGURE, None, figure.id, figure.version, {"value": "1157"}, partial=True)
    _review_all(report)
    report = db.session.get(Report, report.id)
    stored = lifecycle.finalise(None, report.id, report.version).document
    assert ("body", "新注册科技型中小企业1家（甲科技有限公司）。") in document_blocks(
        db.session.get(Report, report.id)
    )
    # Records change afterwards: a second registration in the period.
    make_certification(
        make_enterprise(name="乙科技有限公司"),
        kind="tech_sme",
        status="approved",
        approved_on=date(2021, 4, 1),
    )
    db.session.commit()
    report_id = report.id
    assert lifecycle.document_for_period(lifecycle.Period(date(2021, 1, 1), date(2021, 7, 31))) == stored
    auth.login("writer", roles=("report_writer",))
    assert client.get(f"/reports/{report_id}/document.docx").data == stored
    assert client.get(f"/api/v1/reports/{report_id}/document.docx").data == stored
    with pytest.raises(ValidationFailed):  # and nothing of it changes any more
        _save(None, db.session.get(Report, report_id), "九", text="定稿后修改。")


def test_finalising_with_a_stale_version_is_a_conflict(ctx):
    report = make_report()
    with pytest.raises(StaleVersion):
        lifecycle.finalise(None, report.id, report.version + 5)


def test_titles_and_headings_keep_chinese_punctuation_as_typed(ctx):
    outline = make_outline(
        {
            "title": "关于推动“双创”升级版的落实情况",
            "chapters": [{"code": "二", "heading": "加快推进首台（套）重大技术装备示范应用：试点\n工作"}],
        }
    )
    (row,) = outline.sections
    assert outline.title == "关于推动“双创”升级版的落实情况"
    assert row.heading == "加快推进首台（套）重大技术装备示范应用：试点 工作"  # not folded to ASCII (套):
    with pytest.raises(ValidationFailed):
        make_outline({"title": "标题\x07", "chapters": []})
