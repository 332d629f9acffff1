"""A report's life: created (carried forward), written section by section, finalised (snapshot + stored
document); a draft for any period without saving anything; an outline made from plain data.

The faces (pages, API, CLI) call these; each write is one transaction through the write path."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ... import permissions
from ...db import write_transaction
from ...domain import InputError
from ...domain.text import has_control
from ...enums import ReportStatus, SectionState
from ...extensions import db
from ...models import Outline, Report, ReportSection, User, utcnow
from ...records import writer
from ...records.changelog import diff, log_change
from ...records.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from .. import service
from ..periods import Period
from . import carry
from .output import report_docx
from .placeholders import render
from .services import FIGURE, OUTLINE, OUTLINE_SECTION, REPORT, SECTION
from .sources import sources_for

MAX_LISTED = 20  # problems listed when finalising is refused


# ---- reading ---------------------------------------------------------------------------------------------
def section(user: User | None, report_id, code: str) -> ReportSection:
    """The section ``code`` of a report ``user`` may see (NotFound otherwise)."""
    report = writer.get_visible(REPORT, user, report_id)
    if not isinstance(code, str) or len(code) > 20 or has_control(code):
        raise NotFound()
    found = db.session.scalar(
        SECTION.visible(
            user,
            select(ReportSection).where(
                ReportSection.report_id == report.id,
                ReportSection.code == code,
                ReportSection.archived_at.is_(None),
            ),
        )
    )
    if found is None:
        raise NotFound()
    return found


def problems(report: Report) -> dict[str, list[str]]:
    """What keeps the report from being finalised: sections not reviewed, placeholders that cannot be
    filled (unknown codes, unknown or empty figures, broken braces)."""
    found: dict[str, list[str]] = {}
    sections = [s for s in report.sections if s.archived_at is None]
    waiting = [s.code for s in sections if s.state != SectionState.REVIEWED]
    if waiting:
        found["sections"] = [_("以下章节尚未审核：%(codes)s", codes="、".join(waiting))]
    sources = sources_for(report)
    errors = [_("开头语：%(error)s", error=e) for e in render(report.preamble, sources).errors]
    for s in sections:
        errors += [f"{s.code}：{e}" for e in render(s.text, sources).errors]
    if errors:
        found["text"] = errors[:MAX_LISTED] + (
            [_("……共%(n)d处", n=len(errors))] if len(errors) > MAX_LISTED else []
        )
    return found


# ---- writing -----------------------------------------------------------------------------------------------
def create_report(user: User | None, data: dict, *, strict: bool = False) -> Report:
    """A new draft report: sections and figure slots from the previous report on the outline, else the
    outline's default texts (ReportType.complete and .apply)."""
    return writer.create(REPORT, user, data, strict=strict)


def update_section(user: User | None, report_id, code: str, version, data: dict, *, strict=False):
    """Save a section's text, state or department; ``version`` is the one the user saw (409 if stale)."""
    found = section(user, report_id, code)
    if not SECTION.allowed(user, "update", found):
        raise PermissionDenied()
    return writer.update(SECTION, user, found.id, version, data, partial=True, strict=strict)


def add_figure(user: User | None, report_id, data: dict, version=None, *, strict=False):
    """Add a figure slot to a report (the writer); ``version`` is the report's (default: the current one)."""
    if version is None:
        version = writer.get_visible(REPORT, user, report_id).version
    return writer.add_child(FIGURE, user, report_id, version, data, strict=strict)


def finalise(user: User | None, report_id, version) -> Report:
    """Freeze the numbers (a ReportSnapshot) and store the document; refused while any section is not
    reviewed or any placeholder cannot be filled. Later downloads are the stored bytes."""
    with write_transaction(), permissions.acting_as(user):
        report = writer.get_visible(REPORT, user, report_id)
        if not REPORT.allowed(user, "update", report):
            raise PermissionDenied()
        writer.check_version(report, version)
        if report.archived_at is not None:
            raise ValidationFailed.one("archived_at", _("记录已归档，请先恢复再修改"))
        if report.is_final:
            raise ValidationFailed.one("status", _("报告已定稿"))
        refused = problems(report)
        if refused:
            raise ValidationFailed(refused)
        snapshot = service.freeze(user, Period(report.start, report.end), report.title)
        before = {"status": report.status, "issued_on": report.issued_on, "snapshot_id": None}
        report.issued_on = report.issued_on or date.today()
        report.snapshot_id = snapshot.id
        report.document = report_docx(report)
        report.status = ReportStatus.FINAL
        report.finalised_at = utcnow()
        report.finalised_by_id = user.id if user else None
        try:
            db.session.flush()
        except StaleDataError:
            raise StaleVersion(model=Report, record_id=report.id) from None
        after = {"status": report.status, "issued_on": report.issued_on, "snapshot_id": snapshot.id}
        log_change("update", REPORT.name, report, diff(before, after), user, None, REPORT.label(report))
    return report


# ---- a draft for any period, saving nothing ------------------------------------------------------------------
def latest_outline() -> Outline | None:
    return db.session.scalar(
        select(Outline).where(Outline.archived_at.is_(None)).order_by(Outline.id.desc()).limit(1)
    )


def report_of_period(period: Period) -> Report | None:
    """The report of exactly this period (the latest, if outlines differ)."""
    return db.session.scalar(
        select(Report)
        .where(Report.start == period.start, Report.end == period.end, Report.archived_at.is_(None))
        .order_by(Report.id.desc())
        .limit(1)
    )


def unsaved_draft(period: Period, outline: Outline | None = None) -> Report:
    """The report a writer would start for the period, built in memory only (never added to the session):
    carried forward from the previous report on the outline, else from its default texts."""
    outline = outline or latest_outline()
    if outline is None:
        raise InputError(_("还没有报告提纲"))
    previous = carry.previous_report(outline.id, period.end)
    report = Report(
        title=previous.title if previous else outline.title,
        outline=outline,
        start=period.start,
        end=period.end,
        issuer=previous.issuer if previous else current_app.config["REPORT_ISSUER"],
        preamble=previous.preamble if previous else outline.preamble,
        status=ReportStatus.DRAFT,
        carried_from=previous,
    )
    report.sections = carry.new_sections(outline, previous, None)
    report.figures = carry.new_figures(previous)
    return report


def document_for_period(period: Period) -> bytes:
    """The DOCX of the report of exactly that period if there is one (as stored, if final), else of an
    unsaved carried-forward draft. Reads only."""
    from .output import document_bytes

    report = report_of_period(period)
    if report is None:
        report = unsaved_draft(period)
    return document_bytes(report)


# ---- outlines from plain data ------------------------------------------------------------------------------------
def default_outline(user: User | None = None) -> Outline:
    """The latest outline; on a registry without one, the seed's outline (REPORT.md §1), saved."""
    from ..seed_outline import SEED_OUTLINE

    return latest_outline() or seed_outline(SEED_OUTLINE, user)


def seed_outline(data: dict, user: User | None = None) -> Outline:
    """An outline from plain data, in one transaction through the write path::

    {"title": …, "preamble": …, "chapters": [{"code": "一", "heading": …, "text"?: …, "indicators"?: […],
      "sections": [{"code": "一.1", "heading": …, "text": …, "indicators": […]}]}]}

    A section with the chapter's own code is the chapter's text (the seed's 九 is text without sections).
    """
    with write_transaction():
        outline = writer.create(OUTLINE, user, {"title": data.get("title"), "preamble": data.get("preamble")})
        position = 0
        for chapter in data.get("chapters") or []:
            rows = [dict(chapter)]
            for row in chapter.get("sections") or []:
                if row.get("code") == chapter.get("code"):  # the chapter's own text (九 has no sections)
                    rows[0] |= {"text": row.get("text"), "indicators": row.get("indicators")}
                else:
                    rows.append(row)
            for row in rows:
                position += 10
                writer.add_child(
                    OUTLINE_SECTION,
                    user,
                    outline.id,
                    outline.version,
                    {
                        "code": row.get("code"),
                        "heading": row.get("heading"),
                        "position": position,
                        "text": row.get("text"),
                        "indicators": row.get("indicators") or [],
                    },
                )
    return outline
