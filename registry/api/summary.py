"""The summary of a period and its numbers' records (DESIGN.md §5), and a snapshot's comparison, on the API's
blueprint."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from .. import permissions
from ..records.errors import NotFound, PermissionDenied, ValidationFailed
from .routes import bp, user


# ---- summary (DESIGN.md §5) ---------------------------------------------------------------------------
def _summary_period():
    from ..domain import InputError
    from ..domain.values import parse_query_date
    from ..reports.periods import Period

    errors = {}
    dates = {}
    for key in ("start", "end"):
        try:
            dates[key] = parse_query_date(request.args.get(key) or "")
        except InputError as exc:
            errors[key] = [f"{key}：{exc.message}"]
    if errors:
        raise ValidationFailed(errors)
    if dates["end"] < dates["start"]:
        raise ValidationFailed.one("end", _("end：不能早于 start"))
    return Period(dates["start"], dates["end"])


def _summary_reader():
    if not permissions.sees_everything(user()):
        raise PermissionDenied()


@bp.get("/summary")
def summary():
    from ..reports import indicators as ind
    from ..reports.service import plain_number

    _summary_reader()
    period = _summary_period()
    indicators = ind.all_indicators()
    values = ind.values(indicators, period.start, period.end)
    return jsonify(
        {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "indicators": [
                {
                    "code": i.code,
                    "section": i.section,
                    "label": str(i.label),
                    "unit": str(i.unit),
                    "value": plain_number(values[i.code]),
                }
                for i in indicators
            ],
        }
    )


@bp.get("/summary/<code>")
def summary_item(code: str):
    from ..reports import indicators as ind
    from ..reports import service
    from ..reports.service import plain_number

    _summary_reader()
    indicator = ind.get(code)
    if indicator is None:
        raise NotFound()
    period = _summary_period()
    value = ind.values([indicator], period.start, period.end)[code]

    def record(row) -> dict:
        item = {
            "type": indicator.record_type,
            "id": row.record.id,
            "label": service.label(indicator, row.record),
        }
        if indicator.via:  # the records that put it there (a 家 indicator's firm: its tenancies, loans …)
            item["via"] = [
                {"type": indicator.via.record_type, "id": r.id, "label": service.via_line(indicator, r)}
                for r in row.via
            ]
        return item

    return jsonify(
        {
            "code": code,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "unit": str(indicator.unit),
            "value": plain_number(value),
            "records": [record(row) for row in service.all_rows(indicator, period)],
        }
    )


# ---- snapshots ----------------------------------------------------------------------------------------
@bp.get("/snapshots/<int:snapshot_id>/compare")
def snapshot_compare(snapshot_id: int):
    """A frozen snapshot beside today's numbers, and why each moved (who reads reports reads snapshots)."""
    from ..reports import service

    _summary_reader()
    return jsonify(service.compare_json(service.get_snapshot(snapshot_id)))
