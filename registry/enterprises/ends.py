"""A firm's end (DESIGN.md §3, "Archive versus end"): the rules of its deregistration date and reason, and
the stays that stand in the way of a date. ``schema`` is the enterprise schema (for its field labels)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from .. import permissions
from ..enums import ExitReason
from ..extensions import db
from ..models import Enterprise, Incubator, Tenancy
from ..records.fields import Schema


def deregistration_errors(values: dict, schema: Schema) -> dict[str, list[str]]:
    """The deregistration date and reason go together, and the date is neither after today nor before the
    firm was established."""
    label = schema.label
    day, reason = values.get("deregistered_on"), values.get("deregistered_reason")
    if day and not reason:
        return {
            "deregistered_reason": [
                _("%(label)s：填写注销日期时必须选择", label=label("deregistered_reason"))
            ]
        }
    if reason and not day:
        return {"deregistered_on": [_("%(label)s：选择注销原因时必须填写", label=label("deregistered_on"))]}
    if not day:
        return {}
    if day > date.today():
        return {
            "deregistered_on": [
                _(
                    "%(label)s：不能晚于今天（填写的是%(day)s）；请在企业注销后再登记",
                    label=label("deregistered_on"),
                    day=day.isoformat(),
                )
            ]
        }
    established = values.get("established_on")
    if established and day < established:
        return {
            "deregistered_on": [
                _(
                    "%(label)s：%(day)s早于成立日期%(established)s，注销日期不能早于成立日期",
                    label=label("deregistered_on"),
                    day=day.isoformat(),
                    established=established.isoformat(),
                )
            ]
        }
    return {}


def stays_after_deregistration(firm: Enterprise, day: date, schema: Schema) -> dict[str, list[str]]:
    """A firm cannot be deregistered on ``day`` while it has a stay (not archived) that began on or after that
    day, or that ended after it (other than the stays its earlier deregistration date ended, which follow the
    date): it would be a tenant after it ceased to exist. Stays in incubators the acting user does not see
    are counted, not named."""
    user = permissions.acting_user()
    managed = None if permissions.sees_everything(user) else permissions.managed_incubator_ids(user)
    earlier = firm.deregistered_on
    named, unnamed = [], 0
    rows = db.session.execute(
        select(
            Tenancy.incubator_id, Incubator.name, Tenancy.moved_in_on, Tenancy.left_on, Tenancy.exit_reason
        )
        .join(Incubator, Incubator.id == Tenancy.incubator_id)
        .where(Tenancy.enterprise_id == firm.id, Tenancy.archived_at.is_(None))
        .order_by(Tenancy.moved_in_on, Tenancy.id)
    )
    for incubator_id, incubator, moved_in, left_on, exit_reason in rows:
        follows = earlier is not None and left_on == earlier and exit_reason == ExitReason.CLOSED
        if moved_in >= day:
            problem = _("%(moved_in)s入驻“%(incubator)s”", moved_in=moved_in.isoformat(), incubator=incubator)
        elif left_on is not None and left_on > day and not follows:
            problem = _(
                "%(left_on)s才从“%(incubator)s”离孵", left_on=left_on.isoformat(), incubator=incubator
            )
        else:
            continue
        if managed is None or incubator_id in managed:
            named.append(problem)
        else:
            unnamed += 1
    if not named and not unnamed:
        return {}
    if unnamed:
        named.append(_("在其他孵化载体另有%(n)d条入孵记录晚于该日期", n=unnamed))
    return {
        "deregistered_on": [
            _(
                "%(label)s：该企业%(stays)s，不能在%(day)s注销；请先核对入孵记录或注销日期",
                label=schema.label("deregistered_on"),
                stays="；".join(named),
                day=day.isoformat(),
            )
        ]
    }
