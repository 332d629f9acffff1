"""Who may see and change what (issue "Web records I", §5). Services and queries call these; views only
use them to decide which buttons to show.

- ``admin``: everything.
- ``science_bureau``: enterprises, incubators and their tenancies; certifications and their record types.
- ``finance_officer``: outreach, pledge loans, the listing reserve and trainings.
- ``incubator_manager``: the tenancies of the incubators they manage and the records of their *active*
  tenants (a stay that is not archived and has not ended before today); they see nothing else of the
  registry's firms. A firm enters that scope only through a stay the manager could legitimately record:
  the register-tenant flow (the firm's USCC or exact name) or a stay of a firm already in scope.
- ``report_writer``: reads everything.
- ``contributor`` (部门填报人): no registry records at all; the report sections assigned to their department
  and the figures it gives (registry/reports/workspace). A user with another role besides reads as that role.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from flask import g
from sqlalchemy import ColumnElement, exists, or_, select

from .enums import Role
from .extensions import db
from .models import Tenancy, User, incubator_managers

READ_ALL_ROLES = frozenset({Role.ADMIN, Role.SCIENCE_BUREAU, Role.FINANCE_OFFICER, Role.REPORT_WRITER})


def sees_everything(user: User | None) -> bool:
    """False for a user whose only role is incubator manager: their reads are scoped."""
    return user is None or bool(READ_ALL_ROLES.intersection(user.roles))


def reads_registry(user_or_roles) -> bool:
    """False for a user whose only role is contributor: every registry page and API answers 403 to them
    (see :data:`CONTRIBUTOR_ENDPOINTS`); they work in the report workspace only."""
    if user_or_roles is None:
        return True
    roles = set(user_or_roles if isinstance(user_or_roles, list | tuple | set) else user_or_roles.roles)
    return not roles or bool(roles - {Role.CONTRIBUTOR})


# What a contributor may open: signing in and out, their password, the language, the report workspace's
# pages and the report API (whose services check each section and figure); everything else answers 403.
CONTRIBUTOR_BLUEPRINTS = frozenset({"auth", "i18n", "report_workspace", "jobs"})  # jobs: their own only
CONTRIBUTOR_ENDPOINTS = frozenset({"static", "bootstrap.static", "api.openapi"})


def contributor_may_open(endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # no route: the 404 says nothing about the registry
    if endpoint in CONTRIBUTOR_ENDPOINTS or endpoint.startswith("api.reports_"):
        return True
    return endpoint.split(".")[0] in CONTRIBUTOR_BLUEPRINTS


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


def active_stay(today: date | None = None) -> ColumnElement[bool]:
    """SQL: a tenancy that grants its incubator's managers scope over the firm: not archived (an archived
    stay was entered in error) and not ended before ``today`` (the day of leaving still counts, so the
    exit can be checked; from the next day the firm is out of scope)."""
    today = today or date.today()
    return (Tenancy.archived_at.is_(None)) & or_(Tenancy.left_on.is_(None), Tenancy.left_on >= today)


def tenant_of_managed(user: User | None, enterprise_column):
    """SQL: the enterprise has an active tenancy (:func:`active_stay`) in one of the user's incubators."""
    return exists().where(
        Tenancy.enterprise_id == enterprise_column,
        Tenancy.incubator_id.in_(managed_incubator_ids(user) or {-1}),
        active_stay(),
    )


def change_log_visible(user: User | None):
    """SQL on ChangeLog: the entries about records ``user`` may see. A record type whose entries list other firms
    (a training's participants) shows its history only to those who see everything."""
    from sqlalchemy import and_, true

    from .models import ChangeLog, Enterprise
    from .records import catalog

    if sees_everything(user):
        return true()
    firms = select(Enterprise.id).where(tenant_of_managed(user, Enterprise.id))
    record_types = [
        record_type
        for record_type in catalog.RECORD_TYPES.values()
        if not record_type.history_names_other_firms
    ]
    return or_(
        *(
            and_(
                ChangeLog.object_type == record_type.name,
                ChangeLog.object_id.in_(record_type.visible(user, select(record_type.model.id))),
            )
            for record_type in record_types
        ),
        # Entries of parts of a record (a candidate's stages): shown with the firm they belong to.
        and_(ChangeLog.object_type.not_in(list(catalog.RECORD_TYPES)), ChangeLog.enterprise_id.in_(firms)),
    )


def manages_enterprise(user: User | None, enterprise_id: int | None) -> bool:
    if enterprise_id is None or not managed_incubator_ids(user):
        return False
    return bool(db.session.scalar(select(tenant_of_managed(user, enterprise_id))))


_acting: ContextVar[User | None] = ContextVar("acting_user", default=None)


@contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Within the block, look-ups that turn text or ids into records (a firm named in a form, an import
    row or an API filter) and the messages about other records answer as ``user`` may see the registry:
    a firm outside a manager's scope is "not found", exactly like one that does not exist."""
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


def acting_user() -> User | None:
    """The user of the write or look-up in progress (None: the system, which sees everything)."""
    return _acting.get()


_vouched: ContextVar[frozenset[int]] = ContextVar("vouched_firms", default=frozenset())


@contextmanager
def vouching_for(enterprise_id: int) -> Iterator[None]:
    """The register-tenant flow found this firm by its USCC or exact name: the stay it writes may name it.
    This is the one way a manager brings a firm that is not yet theirs into their scope."""
    token = _vouched.set(_vouched.get() | {enterprise_id})
    try:
        yield
    finally:
        _vouched.reset(token)


def vouched_firms() -> frozenset[int]:
    return _vouched.get()
