"""The report API (REPORT.md §6) on the API blueprint: reports, their sections (by code, URL-encoded like
``%E5%9B%9B.1``), figures and the document. Token or session, the same permissions as the pages; every
endpoint is named ``reports_…``, the only part of the API a contributor reaches."""

from __future__ import annotations

import io

from flask import jsonify, request, send_file
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...api.collections import _stamp
from ...api.routes import body, bp, user
from ...db import write_transaction
from ...enums import ReportStatus
from ...extensions import db
from ...models import Figure, Report, ReportSection
from ...records import writer
from ...records.errors import NotFound, PermissionDenied, ValidationFailed
from ...records.fields import to_json
from . import lifecycle
from .output import document_bytes
from .placeholders import render
from .routes import DOCX
from .services import (
    FIGURE,
    FIGURE_SCHEMA,
    REPORT,
    REPORT_SCHEMA,
    SECTION,
    SECTION_SCHEMA,
    department_of,
    reads_reports,
)
from .sources import sources_for


def _stamps(record) -> dict:
    return {
        "id": record.id,
        "version": record.version,
        "created_at": _stamp(record.created_at),
        "updated_at": _stamp(record.updated_at),
        "archived_at": _stamp(record.archived_at),
        "archived_reason": record.archived_reason,
    }


def section_summary(section: ReportSection) -> dict:
    return {
        "code": section.code,
        "heading": section.heading,
        "state": section.state,
        "department": section.department,
        "version": section.version,
        "changed_by": str(section.changed_by) if section.changed_by else None,
        "changed_at": _stamp(section.changed_at),
    }


def report_item(report: Report, *, with_sections: bool = True) -> dict:
    data = _stamps(report) | to_json(REPORT_SCHEMA, report)
    data |= {
        "status": report.status,
        "carried_from_id": report.carried_from_id,
        "snapshot_id": report.snapshot_id,
        "finalised_at": _stamp(report.finalised_at),
    }
    if with_sections:
        sections = db.session.scalars(
            SECTION.visible(
                user(),
                select(ReportSection)
                .where(ReportSection.report_id == report.id, ReportSection.archived_at.is_(None))
                .options(selectinload(ReportSection.changed_by))
                .order_by(ReportSection.position),
            )
        )
        data["sections"] = [section_summary(s) for s in sections]
    return data


def section_item(section: ReportSection) -> dict:
    rendered = render(section.text, sources_for(section.report))
    return section_summary(section) | {
        "report_id": section.report_id,
        "text": section.text,
        "rendered": rendered.plain,
        "errors": rendered.errors,
    }


def figure_item(figure: Figure) -> dict:
    return _stamps(figure) | {"report_id": figure.report_id} | to_json(FIGURE_SCHEMA, figure)


def _version(data: dict):
    if "version" not in data:
        raise ValidationFailed.one("version", _("version：修改时必须提供记录的当前版本号"))
    version = data.pop("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationFailed.one("version", _("version：应为整数"))
    return version


# ---- reports -----------------------------------------------------------------------------------------------
@bp.get("/reports")
def reports_list():
    if not (reads_reports(user()) or department_of(user())):
        raise PermissionDenied()
    query = REPORT.visible(user(), select(Report).where(Report.archived_at.is_(None)))
    reports = db.session.scalars(query.order_by(Report.end.desc(), Report.id.desc()).limit(500))
    return jsonify({"items": [report_item(r, with_sections=False) for r in reports], "next": None})


@bp.post("/reports")
def reports_create():
    if not REPORT.allowed(user(), "create"):
        raise PermissionDenied()
    report = lifecycle.create_report(user(), body(), strict=True)
    return jsonify(report_item(report)), 201


@bp.get("/reports/<int:report_id>")
def reports_get(report_id: int):
    return jsonify(report_item(writer.get_visible(REPORT, user(), report_id)))


@bp.patch("/reports/<int:report_id>")
def reports_update(report_id: int):
    """Change the report's fields; ``"status": "final"`` finalises it (after the changes, in one write)."""
    report = writer.get_visible(REPORT, user(), report_id)
    if not REPORT.allowed(user(), "update", report):
        raise PermissionDenied()
    data = body()
    version = _version(data)
    status = data.pop("status", None)
    if status is not None and not ReportStatus.has(status):
        raise ValidationFailed.one("status", _("status：应为 draft 或 final"))
    if status == ReportStatus.DRAFT and report.is_final:
        raise ValidationFailed.one("status", _("status：已定稿的报告不能改回草稿"))
    with write_transaction():
        if data or status != ReportStatus.FINAL:
            report = writer.update(REPORT, user(), report_id, version, data, partial=True, strict=True)
            version = report.version
        if status == ReportStatus.FINAL:
            report = lifecycle.finalise(user(), report_id, version)
    return jsonify(report_item(report))


@bp.get("/reports/<int:report_id>/document.docx")
def reports_document(report_id: int):
    report = writer.get_visible(REPORT, user(), report_id)
    return send_file(
        io.BytesIO(document_bytes(report)),
        mimetype=DOCX,
        as_attachment=True,
        download_name=f"report_{report.id}_{report.start}_{report.end}.docx",
    )


# ---- sections ----------------------------------------------------------------------------------------------
@bp.get("/reports/<int:report_id>/sections/<code>")
def reports_section(report_id: int, code: str):
    return jsonify(section_item(lifecycle.section(user(), report_id, code)))


@bp.patch("/reports/<int:report_id>/sections/<code>")
def reports_section_update(report_id: int, code: str):
    found = lifecycle.section(user(), report_id, code)
    if not SECTION.allowed(user(), "update", found):
        raise PermissionDenied()  # before any word about the body
    data = body()
    version = _version(data)
    unknown = sorted(set(data) - set(SECTION_SCHEMA.by_name))
    if unknown:
        raise ValidationFailed({key: [_("未知字段")] for key in unknown})
    return jsonify(
        section_item(lifecycle.update_section(user(), report_id, code, version, data, strict=True))
    )


# ---- figures ------------------------------------------------------------------------------------------------
def _figure(report_id: int, figure_id: int) -> Figure:
    figure = writer.get_visible(FIGURE, user(), figure_id)
    if figure.report_id != report_id:
        raise NotFound()
    return figure


@bp.get("/reports/<int:report_id>/figures")
def reports_figures(report_id: int):
    report = writer.get_visible(REPORT, user(), report_id)
    figures = db.session.scalars(
        FIGURE.visible(
            user(), select(Figure).where(Figure.report_id == report.id, Figure.archived_at.is_(None))
        ).order_by(Figure.id)
    )
    return jsonify({"items": [figure_item(f) for f in figures], "next": None})


@bp.post("/reports/<int:report_id>/figures")
def reports_figure_create(report_id: int):
    report = writer.get_visible(REPORT, user(), report_id)
    if not REPORT.allowed(user(), "update", report):
        raise PermissionDenied()
    data = body()
    version = data.pop("version", None)
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ValidationFailed.one("version", _("version：应为整数"))
    figure = lifecycle.add_figure(user(), report_id, data, version, strict=True)
    return jsonify(figure_item(figure)), 201


@bp.patch("/reports/<int:report_id>/figures/<int:figure_id>")
def reports_figure_update(report_id: int, figure_id: int):
    figure = _figure(report_id, figure_id)
    if not FIGURE.allowed(user(), "update", figure):
        raise PermissionDenied()
    data = body()
    version = _version(data)
    figure = writer.update(FIGURE, user(), figure_id, version, data, partial=True, strict=True)
    return jsonify(figure_item(figure))


@bp.delete("/reports/<int:report_id>/figures/<int:figure_id>")
def reports_figure_delete(report_id: int, figure_id: int):
    """Archive the figure (records are never deleted); ``?version=`` guards against a changed one."""
    figure = _figure(report_id, figure_id)
    if not FIGURE.allowed(user(), "archive", figure):
        raise PermissionDenied()
    version = request.args.get("version") or figure.version
    return jsonify(
        figure_item(writer.archive(FIGURE, user(), figure_id, version, request.args.get("reason")))
    )
