"""Who may do what in the report workspace: the writer (and the admin, and the system) everything; every
county-wide reader reads; a contributor reads and fills in only what their department takes part in."""

from __future__ import annotations

from sqlalchemy import false, or_, select
from sqlalchemy.orm import aliased

from ... import permissions
from ...enums import ReportStatus, Role
from ...models import Figure, Report, ReportSection, User


def writes_reports(user: User | None) -> bool:
    """The report writer (and the admin, and the system): outlines, reports, assignments, reviews."""
    return user is None or user.has_role(Role.REPORT_WRITER)


def reads_reports(user: User | None) -> bool:
    """Every county-wide reader reads the reports; an incubator manager and a contributor do not (all)."""
    return user is None or permissions.sees_everything(user)


def department_of(user: User | None) -> str | None:
    """The department a contributor fills in for (None for anyone else)."""
    if user is None or Role.CONTRIBUTOR not in user.roles:
        return None
    return user.department or None


def in_reach(user, query, report_id, *extra):
    """``query`` narrowed to what ``user`` may read: all of it for a reader of reports; for a contributor,
    the rows (``report_id`` their report's column, ``extra`` conditions on their department) of the open
    reports their department takes part in; nothing for anyone else."""
    if reads_reports(user):
        return query
    department = department_of(user)
    if department is None:
        return query.where(false())
    return query.where(report_id.in_(contributor_reports(department)), *(c(department) for c in extra))


def contributor_reports(department: str):
    """SQL: the ids of the open (draft) reports with a section or a figure of ``department``."""
    section, figure = aliased(ReportSection), aliased(Figure)
    return select(Report.id).where(
        Report.status == ReportStatus.DRAFT,
        Report.archived_at.is_(None),
        or_(
            Report.id.in_(
                select(section.report_id).where(
                    section.department == department, section.archived_at.is_(None)
                )
            ),
            Report.id.in_(
                select(figure.report_id).where(figure.source == department, figure.archived_at.is_(None))
            ),
        ),
    )
