"""How a report starts (REPORT.md §2): from the most recent report on the same outline — its texts, section
assignments and figure slots (values left empty, to be asked for again) — else from the outline's default
texts. The placeholders in the texts are computed for the new period when the report is rendered."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...enums import SectionState
from ...extensions import db
from ...models import (
    Figure,
    Outline,
    OutlineSection,
    Report,
    ReportSection,
    ReportSectionVersion,
    User,
    utcnow,
)


def live_rows(outline: Outline) -> list[OutlineSection]:
    return sorted((row for row in outline.sections if row.archived_at is None), key=lambda r: r.position)


def structure(outline: Outline) -> list[tuple[OutlineSection, list[OutlineSection]]]:
    """The outline's chapters in order, each with its sections in order."""
    rows = live_rows(outline)
    chapters = [row for row in rows if row.is_chapter]
    return [
        (chapter, [r for r in rows if not r.is_chapter and r.chapter == chapter.code]) for chapter in chapters
    ]


def writable_rows(outline: Outline) -> list[OutlineSection]:
    """The rows a report has a text for: every numbered section, and a chapter that has no sections (九、下步
    工作措施) or a default text of its own."""
    out = []
    for chapter, sections in structure(outline):
        if not sections or (chapter.text or "").strip():
            out.append(chapter)
        out.extend(sections)
    return out


def previous_report(outline_id: int | None, end: date | None, *, exclude: int | None = None) -> Report | None:
    """The most recent report on the outline that ended before ``end`` (not archived)."""
    if outline_id is None or end is None:
        return None
    query = (
        select(Report)
        .where(Report.outline_id == outline_id, Report.archived_at.is_(None), Report.end < end)
        .order_by(Report.end.desc(), Report.id.desc())
        .limit(1)
    )
    if exclude is not None:
        query = query.where(Report.id != exclude)
    return db.session.scalar(query)


def new_sections(outline: Outline, previous: Report | None, user: User | None) -> list[ReportSection]:
    """The sections of a new report (not added to the session): the previous report's text and department
    for each code it has, else the outline's default text; each starts open, its text saved as version 1."""
    before = {s.code: s for s in previous.sections if s.archived_at is None} if previous else {}
    now = utcnow()
    sections = []
    for row in writable_rows(outline):
        earlier = before.get(row.code)
        text = earlier.text if earlier is not None else row.text
        section = ReportSection(
            code=row.code,
            heading=row.heading,
            position=row.position,
            text=text,
            state=SectionState.OPEN,
            department=earlier.department if earlier is not None else None,
            changed_by_id=user.id if user else None,
            changed_at=now,
        )
        if text:
            section.versions = [
                ReportSectionVersion(
                    number=1, text=text, state=SectionState.OPEN, saved_by_id=user.id if user else None
                )
            ]
        sections.append(section)
    return sections


def new_figures(previous: Report | None) -> list[Figure]:
    """The previous report's figure slots, values empty (each office gives its number for the new period)."""
    if previous is None:
        return []
    return [
        Figure(name=f.name, value=None, unit=f.unit, source=f.source, note=f.note)
        for f in previous.figures
        if f.archived_at is None
    ]


def start(report: Report, user: User | None) -> None:
    """Fill a new report's sections and figures (``report.outline_id`` and ``carried_from_id`` set)."""
    outline = db.session.get(Outline, report.outline_id)
    previous = db.session.get(Report, report.carried_from_id) if report.carried_from_id else None
    report.sections = new_sections(outline, previous, user)
    report.figures = new_figures(previous)
