"""When a certification is valid (DESIGN.md §4, "valid at end"): one definition for every list and report.

The certification list's "valid on" filter, the enterprise list's "holds a valid …" filter and facet, the
renewal list and the summary indicators all read these conditions, so a firm counts as holding a
certificate on a day in one place exactly when it does in the others.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_

from ..models import Certification


def valid_on(day: date):
    """SQL: the certification is valid at the end of ``day`` — approved (or later revoked), approved on
    or before it, its validity not ended before it, and not revoked by it.

    A certificate valid until ``day`` still counts on ``day``; one revoked on ``day`` no longer does. Whether
    an archived record counts is the caller's rule (a list has its archived filter; see :func:`held_on`).
    """
    return and_(
        Certification.status.in_(["approved", "revoked"]),
        Certification.approved_on <= day,
        or_(Certification.valid_until.is_(None), Certification.valid_until >= day),
        or_(Certification.revoked_on.is_(None), Certification.revoked_on > day),
    )


def held_on(day: date, *conditions):
    """SQL: a certification (narrowed by ``conditions``, e.g. its kind) that a firm holds on ``day``: not
    archived and :func:`valid_on` the day. The conditions come first, so the planner reads them with the
    (kind, approved_on, …) and (enterprise_id, kind, …) indexes."""
    return and_(*conditions, Certification.archived_at.is_(None), valid_on(day))
