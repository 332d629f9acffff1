"""What :mod:`moves` says about a frozen number: the records that entered or left it (or, for a sum, changed
their value), each with the change-log entries that explain it, as shown on the compare page and in the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ..audit.display import OBJECT_LABELS
from ..models import ChangeLog

REASONS = {
    "create": lazy_pgettext("why a number moved", "新增"),
    "archive": lazy_pgettext("why a number moved", "归档"),
    "restore": lazy_pgettext("why a number moved", "恢复"),
    "redate": _l("改期"),
    "update": lazy_pgettext("why a number moved", "修改"),
    "unlogged": _l("规则或数据修正（无变更记录）"),
}


@dataclass
class FieldChange:
    name: str
    label: str
    before: object  # as the change log stores it (JSON: dates as ISO text)
    after: object
    shown_before: str  # as people read it (labels for codes, names for references)
    shown_after: str


@dataclass
class Reason:
    """One change-log entry that explains a move, or (``entry`` None) the lack of one."""

    action: str  # create, archive, restore, redate, update; unlogged: no entry since the snapshot
    entry: ChangeLog | None = None
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(REASONS[self.action])

    @property
    def object_label(self) -> str:
        """The name of the entry's record type (资质认定, 上市阶段 …)."""
        if self.entry is None:
            return ""
        return str(OBJECT_LABELS.get(self.entry.object_type, self.entry.object_type))

    def as_json(self) -> dict:
        entry = self.entry
        return {
            "action": self.action,
            "label": self.label,
            "at": entry.at.isoformat(timespec="seconds") if entry else None,
            "user": entry.user_name if entry else None,
            "record": (
                {"type": entry.object_type, "id": entry.object_id, "label": entry.label} if entry else None
            ),
            "fields": [
                {"field": f.name, "label": f.label, "before": f.before, "after": f.after} for f in self.fields
            ],
        }


@dataclass
class Moved:
    """A record that entered or left a number (or, for a sum, whose added-up value changed)."""

    type: str
    id: int
    label: str
    page: tuple[str, dict] | None
    reasons: list[Reason]

    def as_json(self) -> dict:
        return {
            "type": self.type,
            "id": self.id,
            "label": self.label,
            "reasons": [reason.as_json() for reason in self.reasons],
        }


@dataclass
class Movement:
    """What moved behind one indicator between the snapshot and today."""

    entered: list[Moved] = field(default_factory=list)
    left: list[Moved] = field(default_factory=list)
    entered_count: int = 0
    left_count: int = 0
    changed: list[Moved] = field(default_factory=list)  # a sum's records that stayed with another value
    comparable: bool = True  # False: the snapshot recorded another record type than the indicator has today

    @property
    def more_entered(self) -> int:
        return self.entered_count - len(self.entered)

    @property
    def more_left(self) -> int:
        return self.left_count - len(self.left)

    def as_json(self) -> dict:
        return {
            "entered": [moved.as_json() for moved in self.entered],
            "left": [moved.as_json() for moved in self.left],
            "entered_count": self.entered_count,
            "left_count": self.left_count,
            "changed": [moved.as_json() for moved in self.changed],
            "comparable": self.comparable,
        }
