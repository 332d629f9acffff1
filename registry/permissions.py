"""Who may see and change what (issue "Web records I", §5). Services and queries call these; views only
use them to decide which buttons to show.

- ``admin``: everything.
- ``science_bureau``: enterprises, incubators and their tenancies; certifications and their kinds.
- ``finance_officer``: outreach, pledge loans, the listing reserve and trainings.
- ``incubator_manager``: the tenancies of the incubators they manage and the records of those tenants;
  they see nothing else of the registry's firms.
- ``report_writer``: reads everything.
"""

from __future__ import annotations

from flask import g
from sqlalchemy import exists, select

from .enums import Role
from .extensions import db
from .models import Tenancy, User, incubator_managers

READ_ALL_ROLES = frozenset({Role.ADMIN, Role.SCIENCE_BUREAU, Role.FINANCE_OFFICER, Role.REPORT_WRITER})


def sees_everything(user: User | None) -> bool:
    """False for a user whose only role is incubator manager: their reads are scoped."""
    return user is None or bool(READ_ALL_ROLES.intersection(user.roles))


def managed_incubator_ids(user: User | None) -> frozenset[int]:
    if user is None or Role.INCUBATOR_MANAGER not in user.roles:
        return frozenset()
    cache = g.setdefault("_managed_incubators", {})
    if user.id not in cache:
        cache[user.id] = frozenset(
            db.session.scalars(
                select(incubator_managers.c.incubator_id).where(incubator_managers.c.user_id == user.id)
            )
        )
    return cache[user.id]


def manages_incubator(user: User | None, incubator_id: int | None) -> bool:
    return incubator_id is not None and incubator_id in managed_incubator_ids(user)


def tenant_of_managed(user: User | None, enterprise_column):
    """SQL: the enterprise has (or had) a tenancy in one of the user's incubators."""
    return exists().where(
        Tenancy.enterprise_id == enterprise_column,
        Tenancy.incubator_id.in_(managed_incubator_ids(user) or {-1}),
    )


def manages_enterprise(user: User | None, enterprise_id: int | None) -> bool:
    if enterprise_id is None or not managed_incubator_ids(user):
        return False
    return bool(db.session.scalar(select(tenant_of_managed(user, enterprise_id))))
