"""An incubator's closing and a firm's end as they bear on stays (DESIGN.md §3, "Archive versus end"): no
closing while tenants stay on, no stay outside its firm's and incubator's lifetimes, and a deregistration
ending the firm's open stays. ``schema`` is the incubator's or the stay's schema (for field labels)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..enums import ExitReason
from ..extensions import db
from ..models import Enterprise, Incubator, Tenancy
from ..records import writer
from ..records.errors import Conflict, ValidationFailed
from ..records.fields import Schema

NAMED_TENANTS = 5  # a refusal names this many firms, then says how many more


def tenants_after_closing(incubator: Incubator, day: date, schema: Schema) -> None:
    """An incubator closes on ``day`` only when none of its stays (not archived) lasts past that day: each
    has left on or before it. The refusal names the firms (a few, then how many more)."""
    rows = db.session.execute(
        select(Enterprise.name)
        .join(Tenancy, Tenancy.enterprise_id == Enterprise.id)
        .where(
            Tenancy.incubator_id == incubator.id,
            Tenancy.archived_at.is_(None),
            (Tenancy.left_on.is_(None)) | (Tenancy.left_on > day),
        )
        .order_by(Tenancy.moved_in_on, Tenancy.id)
    ).all()
    names = list(dict.fromkeys(name for (name,) in rows))
    if not names:
        return
    shown = "、".join(f"“{name}”" for name in names[:NAMED_TENANTS])
    if len(names) > NAMED_TENANTS:
        shown = _("%(names)s等%(n)d家", names=shown, n=len(names))
    raise ValidationFailed.one(
        "closed_on",
        _(
            "%(label)s：%(day)s之后仍有在孵企业：%(names)s。请先为这些企业办理离孵（离孵日期不晚于停用日期）",
            label=schema.label("closed_on"),
            day=day.isoformat(),
            names=shown,
        ),
    )


def stay_within_ends(values: dict, schema: Schema) -> None:
    """A stay lies within its firm's existence and its incubator's: it begins before the firm's
    deregistration and the incubator's closing, and ends (it must, then) on or before them."""
    label = schema.label
    moved_in, left_on = values["moved_in_on"], values.get("left_on")
    ends = []
    firm = db.session.get(Enterprise, values["enterprise_id"]) if values.get("enterprise_id") else None
    if firm is not None and firm.deregistered_on is not None:
        day = firm.deregistered_on
        ends.append((day, _("“%(name)s”已于%(day)s注销", name=firm.name, day=day.isoformat())))
    incubator = db.session.get(Incubator, values["incubator_id"]) if values.get("incubator_id") else None
    if incubator is not None and incubator.closed_on is not None:
        day = incubator.closed_on
        ends.append((day, _("“%(name)s”已于%(day)s停用", name=incubator.name, day=day.isoformat())))
    for day, what in ends:
        if moved_in >= day:
            raise ValidationFailed.one(
                "moved_in_on",
                _("%(label)s：%(what)s，入驻日期须早于该日期", label=label("moved_in_on"), what=what),
            )
        if left_on is None:
            raise ValidationFailed.one(
                "left_on",
                _("%(label)s：%(what)s，请填写不晚于该日期的离孵日期", label=label("left_on"), what=what),
            )
        if left_on > day:
            raise ValidationFailed.one(
                "left_on",
                _("%(label)s：%(what)s，离孵日期不能晚于该日期", label=label("left_on"), what=what),
            )


def end_stays_of_deregistered(firm: Enterprise, earlier: date | None, user) -> None:
    """A firm deregistered on a day leaves every incubator that day (``closed``): its open stays end, and the
    stays its ``earlier`` deregistration date ended follow the corrected date. Each is an update of the stay
    through the write path, in the firm's transaction, so the change log holds it under the same request.
    """
    from .services import TENANCY  # the stay's record type is declared beside these rules' callers

    day = firm.deregistered_on
    ended = Tenancy.left_on.is_(None)
    if earlier is not None:
        ended = ended | ((Tenancy.left_on == earlier) & (Tenancy.exit_reason == ExitReason.CLOSED))
    stays = db.session.execute(
        select(Tenancy.id, Tenancy.version)
        .where(Tenancy.enterprise_id == firm.id, Tenancy.archived_at.is_(None), ended)
        .order_by(Tenancy.id)
    ).all()
    for stay_id, version in stays:
        try:
            writer.update(
                TENANCY,
                user,
                stay_id,
                version,
                {"left_on": day, "exit_reason": ExitReason.CLOSED},
                partial=True,
                authorized=True,
            )
        except ValidationFailed as error:  # the firm's checks should have caught it: refuse the whole write
            messages = [m for ms in error.errors.values() for m in ms]
            raise Conflict("；".join(messages), field="deregistered_on") from None
