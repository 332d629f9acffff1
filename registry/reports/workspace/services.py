"""The workspace's record types: outlines and their sections, reports, report sections and figures.

Each write goes through the one write path (records/writer.py): the schemas here parse the input, the
``allowed`` slots say who may change what (a writer everything, a contributor only the sections assigned to
their department and the figures it gives; who is who is access.py), ``check`` holds the rules across fields
and records.
"""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, select

from ... import permissions
from ...enums import ReportStatus, Role, SectionState
from ...extensions import db
from ...models import (
    Figure,
    Outline,
    OutlineSection,
    Report,
    ReportSection,
    ReportSectionVersion,
    utcnow,
)
from ...models.reports import SECTION_TEXT_LIMIT
from ...records.catalog import register
from ...records.errors import ValidationFailed
from ...records.fields import Choice, Date, Integer, Reference, Schema, Text
from ...records.record_type import ChildRecordType, RecordType
from . import carry
from .access import department_of, in_reach, reads_reports, writes_reports
from .fields import FigureValue, IndicatorCodes, ReportLine, ReportText

WRITERS = frozenset({Role.REPORT_WRITER})
PREAMBLE_LIMIT = 5_000
MAX_PERIOD_DAYS = 366 * 30


def _final(report: Report) -> None:
    if report.status == ReportStatus.FINAL:
        raise ValidationFailed.one("report", _("报告已定稿，不能再修改"))


# ---- outlines ------------------------------------------------------------------------------------------------
OUTLINE_SCHEMA = Schema(
    [
        ReportLine("title", _l("标题"), required=True),
        ReportText("preamble", _l("开头语"), max_length=PREAMBLE_LIMIT, rows=4),
    ]
)
_CODE = re.compile(r"[^\s.{}｛｝:：]{1,10}(\.\d{1,3})?")

OUTLINE_SECTION_SCHEMA = Schema(
    [
        Text("code", _l("编号"), required=True, max_length=20, help=_l("章写“四”，节写“四.1”")),
        ReportLine("heading", _l("标题"), required=True),
        Integer("position", _l("顺序"), minimum=0, maximum=100_000),
        ReportText("text", _l("默认正文"), max_length=SECTION_TEXT_LIMIT),
        IndicatorCodes("indicators", _l("所用指标"), help=_l("指标代码，用空格或逗号分隔")),
    ]
)


class OutlineType(RecordType):
    name = "outline"
    order = 200
    plural, title, unit = "outlines", _l("报告提纲"), _l("份")
    endpoint, endpoint_arg = "report_workspace.outline", "outline_id"
    model = Outline
    schema = OUTLINE_SCHEMA
    write_roles = WRITERS

    def visible(self, user, query):
        return query if reads_reports(user) else query.where(false())

    def label(self, record) -> str:
        return record.title


class OutlineSectionType(ChildRecordType):
    """A chapter or section of an outline, added under it."""

    name = "outline_section"
    order = 201
    plural, title = "outline_sections", _l("提纲章节")
    endpoint, endpoint_arg = "report_workspace.outline_section", "row_id"
    model = OutlineSection
    schema = OUTLINE_SECTION_SCHEMA
    write_roles = WRITERS
    parent_archived = ("code", _l("提纲已归档"))

    def visible(self, user, query):
        return query if reads_reports(user) else query.where(false())

    def check_under(self, parent: Outline, values: dict) -> None:
        self._check_code(values["code"])
        rows = {row.code for row in parent.sections}
        if values["code"] in rows:
            raise ValidationFailed.one("code", _("编号：提纲中已有“%(code)s”", code=values["code"]))
        chapter = values["code"].split(".")[0]
        if "." in values["code"] and chapter not in rows:
            raise ValidationFailed.one("code", _("编号：请先添加第“%(code)s”章", code=chapter))
        if values.get("position") is None:
            values["position"] = max((row.position for row in parent.sections), default=0) + 10

    def complete(self, values: dict, record=None) -> dict:
        if record is not None and values.get("position") is None:
            values["position"] = record.position  # left empty: the row keeps its place
        return values

    def check(self, values, record=None, *, confirmed=False) -> None:
        self._check_code(values["code"])
        if record is not None and values["code"] != record.code:
            raise ValidationFailed.one("code", _("编号：已有报告使用，不能修改；可归档后新增"))

    @staticmethod
    def _check_code(code: str) -> None:
        if not _CODE.fullmatch(code):
            raise ValidationFailed.one("code", _("编号：章写“四”，节写“四.1”"))

    def attach(self, parent: Outline, record: OutlineSection) -> None:
        record.position = record.position or 0
        parent.sections.append(record)

    def label(self, record) -> str:
        return f"{record.code} {record.heading}"


# ---- reports -------------------------------------------------------------------------------------------------
REPORT_SCHEMA = Schema(
    [
        ReportLine("title", _l("标题"), help=_l("留空则用提纲或上一期报告的标题")),
        Reference("outline_id", _l("提纲"), model=Outline, help=_l("留空则用最新的提纲")),
        Date("start", _l("起始日期"), required=True),
        Date("end", _l("截止日期"), required=True),
        ReportLine("issuer", _l("落款单位"), max_length=100),
        Date("issued_on", _l("落款日期")),
        ReportText("preamble", _l("开头语"), max_length=PREAMBLE_LIMIT, rows=4),
    ]
)


class ReportType(RecordType):
    name = "report"
    order = 210
    plural, title, unit = "reports", _l("落实情况报告"), _l("份")
    log_title = _l("报告")
    endpoint, endpoint_arg = "report_workspace.preview", "report_id"
    model = Report
    schema = REPORT_SCHEMA
    write_roles = WRITERS

    def visible(self, user, query):
        return in_reach(user, query, Report.id)

    def label(self, record) -> str:
        return f"{record.title}（{record.start}至{record.end}）"

    def complete(self, values: dict, record=None) -> dict:
        """A new report: the latest outline unless one is named; the title, issuer and preamble of the report
        it starts from (else of the outline and the configured issuer)."""
        if record is not None:
            return values
        if values.get("outline_id") is None:
            values["outline_id"] = db.session.scalar(
                select(Outline.id).where(Outline.archived_at.is_(None)).order_by(Outline.id.desc()).limit(1)
            )
        outline = db.session.get(Outline, values["outline_id"]) if values["outline_id"] else None
        previous = carry.previous_report(values["outline_id"], values.get("end"))
        values["carried_from_id"] = previous.id if previous else None
        values["title"] = values.get("title") or (
            previous.title if previous else outline.title if outline else None
        )
        values["issuer"] = values.get("issuer") or (
            previous.issuer if previous else current_app.config["REPORT_ISSUER"]
        )
        if values.get("preamble") is None:
            values["preamble"] = previous.preamble if previous else (outline.preamble if outline else None)
        return values

    def check(self, values, record=None, *, confirmed=False) -> None:
        if record is not None:
            _final(record)
        if values.get("outline_id") is None:
            raise ValidationFailed.one("outline_id", _("提纲：还没有报告提纲，请先建立提纲"))
        start, end = values["start"], values["end"]
        if end < start:
            raise ValidationFailed.one("end", _("截止日期：不能早于起始日期"))
        if (end - start).days > MAX_PERIOD_DAYS:
            raise ValidationFailed.one("end", _("截止日期：期间过长"))
        if not values.get("title"):
            raise ValidationFailed.one("title", _("标题：不能为空"))
        same = select(Report.id).where(
            Report.outline_id == values["outline_id"],
            Report.start == start,
            Report.end == end,
            Report.archived_at.is_(None),
        )
        if record is not None:
            same = same.where(Report.id != record.id)
        other = db.session.scalar(same.limit(1))
        if other is not None:
            raise ValidationFailed.one(
                "start", _("起始日期：这一期间已有报告（编号%(id)s），请打开那份报告", id=other)
            )

    def apply(self, record: Report, values: dict) -> None:
        new = record.id is None
        super().apply(record, values)
        if new:
            carry.start(record, permissions.acting_user())


# ---- report sections -------------------------------------------------------------------------------------------
SECTION_SCHEMA = Schema(
    [
        ReportText("text", _l("正文"), max_length=SECTION_TEXT_LIMIT),
        Choice("state", _l("状态"), required=True, enum=SectionState),
        Text("department", _l("承办部门"), max_length=100),
    ]
)
CONTRIBUTOR_STATES = (SectionState.OPEN, SectionState.EDITING, SectionState.SUBMITTED)


class ReportSectionType(RecordType):
    """A section's text in a report: its department writes it and submits it, the writer reviews it."""

    name = "report_section"
    order = 211
    plural, title = "report_sections", _l("报告章节")
    endpoint, endpoint_arg = "report_workspace.section_by_id", "section_id"
    model = ReportSection
    schema = SECTION_SCHEMA
    write_roles = WRITERS

    def visible(self, user, query):
        return in_reach(user, query, ReportSection.report_id)

    def allowed(self, user, action, record=None, values=None) -> bool:
        if action != "update":
            return user is None  # sections come and go with their report
        if writes_reports(user):
            return True
        department = department_of(user)
        if department is None or record is None or record.department != department:
            return False
        return values is None or (
            values.get("department") == record.department and values.get("state") in CONTRIBUTOR_STATES
        )

    def complete(self, values: dict, record=None) -> dict:
        if (
            record is not None
            and values.get("text") != record.text
            and values.get("state") == SectionState.OPEN
        ):
            values["state"] = SectionState.EDITING  # writing has begun
        return values

    def check(self, values, record=None, *, confirmed=False) -> None:
        _final(record.report)
        user = permissions.acting_user()
        changes = values.get("text") != record.text or values.get("state") != record.state
        if (
            not writes_reports(user)
            and changes
            and record.state in (SectionState.SUBMITTED, SectionState.REVIEWED)
        ):
            raise ValidationFailed.one("state", _("状态：本节已提交，如需修改请联系报告撰写人退回"))

    def apply(self, record: ReportSection, values: dict) -> None:
        if all(getattr(record, key) == value for key, value in values.items()):
            return
        text_changed = "text" in values and values["text"] != record.text
        super().apply(record, values)
        user = permissions.acting_user()
        record.changed_by_id = user.id if user else None
        record.changed_at = utcnow()
        if text_changed:
            last = db.session.scalar(
                select(func.max(ReportSectionVersion.number)).where(
                    ReportSectionVersion.section_id == record.id
                )
            )
            db.session.add(
                ReportSectionVersion(
                    section_id=record.id,
                    number=(last or 0) + 1,
                    text=record.text,
                    state=record.state,
                    saved_by_id=record.changed_by_id,
                    saved_at=record.changed_at,
                )
            )

    def label(self, record) -> str:
        return f"{record.report.title} · {record.code} {record.heading}"


# ---- figures -------------------------------------------------------------------------------------------------------
FIGURE_SCHEMA = Schema(
    [
        Text("name", _l("名称"), required=True, max_length=100, help=_l("正文中写作{数据:名称}")),
        FigureValue("value", _l("数值"), help=_l("数字或简短文字，如 1157 或 20多")),
        Text("unit", _l("单位"), max_length=20, help=_l("如 项、起、家、万元")),
        Text("source", _l("来源部门"), max_length=100),
        Text("note", _l("说明"), max_length=500, multiline=True),
    ]
)
_NOT_IN_NAME = re.compile(r"[{}｛｝]")


class FigureType(ChildRecordType):
    """A figure another office gives for a report, added under it by the writer; its office fills it in."""

    name = "report_figure"
    order = 212
    plural, title, unit = "report_figures", _l("填报数据"), _l("项")
    endpoint, endpoint_arg = "report_workspace.figure_by_id", "figure_id"
    model = Figure
    schema = FIGURE_SCHEMA
    write_roles = WRITERS
    parent_archived = ("name", _l("报告已归档"))

    def visible(self, user, query):
        return in_reach(user, query, Figure.report_id, lambda department: Figure.source == department)

    def allowed(self, user, action, record=None, values=None) -> bool:
        if writes_reports(user):
            return True
        department = department_of(user)
        if action != "update" or department is None or record is None or record.source != department:
            return False
        return values is None or (values.get("name") == record.name and values.get("source") == record.source)

    def _check_name(self, report: Report, values: dict, record=None) -> None:
        _final(report)
        name = values["name"]
        if _NOT_IN_NAME.search(name):
            raise ValidationFailed.one("name", _("名称：不能含大括号"))
        for figure in report.figures:
            if figure is not record and figure.archived_at is None and figure.name == name:
                raise ValidationFailed.one("name", _("名称：本报告已有“%(name)s”", name=name))

    def check_under(self, parent: Report, values: dict) -> None:
        self._check_name(parent, values)

    def check(self, values, record=None, *, confirmed=False) -> None:
        self._check_name(record.report, values, record)

    def check_archive(self, record) -> None:
        _final(record.report)

    def attach(self, parent: Report, record: Figure) -> None:
        parent.figures.append(record)

    def label(self, record) -> str:
        return f"{record.report.title} · {record.name}"


OUTLINE = register(OutlineType())
REPORT = register(ReportType())
OUTLINE_SECTION = register(OutlineSectionType())
SECTION = register(ReportSectionType())
FIGURE = register(FigureType())
OUTLINE_SECTION.parent = OUTLINE
FIGURE.parent = REPORT
