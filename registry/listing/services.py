"""Listing candidates with their dated stages, and trainings with their participants."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import with_loader_criteria

from .. import permissions
from ..enterprises.services import enterprise_field, enterprise_id_for, enterprise_key
from ..enums import FINAL_STAGES, Board, ListingTier, Role, Stage, TrainingTopic
from ..extensions import db
from ..models import Enterprise, ListingCandidate, StageChange, Training, training_participants
from ..records import dated, writer
from ..records.catalog import register, register_child
from ..records.errors import Conflict, ValidationFailed
from ..records.fields import Choice, Date, ReferenceSet, Schema, Text
from ..records.record_type import ChildRecordType, FirmRecordType, RecordType

STAGE_ORDER = {stage.value: index for index, stage in enumerate(Stage)}


def stage_now():
    """SQL: a candidate's latest stage."""
    return (
        select(StageChange.stage)
        .where(StageChange.candidate_id == ListingCandidate.id)
        .order_by(StageChange.changed_on.desc(), StageChange.id.desc())
        .limit(1)
        .correlate(ListingCandidate)
        .scalar_subquery()
    )


CANDIDATE_SCHEMA = Schema(
    [
        enterprise_field(),
        Date("entered_on", _l("入库日期"), required=True),
        Choice("tier", _l("层级"), required=True, enum=ListingTier),
        Choice("target_board", _l("拟上市板块"), enum=Board),
        Text("sponsor", _l("保荐/辅导机构"), max_length=100),
    ]
)

STAGE_SCHEMA = Schema(
    [
        Choice("stage", _l("阶段"), required=True, enum=Stage),
        Date("changed_on", _l("日期"), required=True),
    ]
)

TRAINING_SCHEMA = Schema(
    [
        Date("held_on", _l("日期"), required=True),
        Text("title", _l("培训名称"), required=True, max_length=200),
        Choice("topic", _l("主题"), required=True, enum=TrainingTopic),
        ReferenceSet(
            "enterprise_ids", _l("参加企业"), model=Enterprise, lookup=enterprise_id_for, key=enterprise_key
        ),
    ]
)


class CandidateType(FirmRecordType):
    name = "listing_candidate"
    menu, list_endpoint = ("finance", 30), "listing_candidates.index"
    order = 70
    title, log_title, unit = _l("上市后备企业"), _l("上市后备"), _l("家")
    counted = True
    endpoint = "listing_candidates.detail"
    collection, api_title = "listing-candidates", "上市后备企业"
    plural, import_sheet = "listing_candidates", _l("上市后备企业")
    import_example: ClassVar[dict] = {
        "enterprise_id": "91211122DM0000001L",
        "entered_on": "2019-03-01",
        "tier": "重点",
        "target_board": "科创板",
    }

    api_extra_schema: ClassVar[dict] = {
        "current_stage": {"type": ["string", "null"]},
        "stages": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "stage": {"type": "string"},
                    "changed_on": {"type": "string", "format": "date"},
                },
                "required": ["stage", "changed_on"],
            },
        },
    }

    def api_extra(self, record) -> dict:
        return {
            "current_stage": current_stage(record),
            "stages": [{"stage": s.stage, "changed_on": s.changed_on.isoformat()} for s in record.stages],
        }

    def list_spec(self):
        from .filters import CANDIDATE_SPEC

        return CANDIDATE_SPEC

    def drill_label(self, record) -> str:
        return record.enterprise.name

    def drill_line(self, record) -> str:
        return f"{Stage.label_of(Stage.RESERVE)} {record.entered_on} · {ListingTier.label_of(record.tier)}"

    model = ListingCandidate
    schema = CANDIDATE_SCHEMA
    write_roles = frozenset({Role.FINANCE_OFFICER})

    def label(self, record) -> str:
        return db.session.get(Enterprise, record.enterprise_id).name

    def check(self, values, record=None, *, confirmed=False) -> None:
        query = select(ListingCandidate.id).where(
            ListingCandidate.enterprise_id == values.get("enterprise_id")
        )
        if record is not None:
            query = query.where(ListingCandidate.id != record.id)
        if db.session.scalar(query) is not None:
            raise Conflict(_("企业：该企业已在上市后备企业库中"), field="enterprise_id")
        entered = values.get("entered_on")
        if entered and entered > date.today():
            raise ValidationFailed.one("entered_on", _("入库日期：不能晚于今天"))
        if record is not None and entered:
            later = [s.changed_on for s in record.stages if s.stage != Stage.RESERVE]
            if later and entered > min(later):
                raise ValidationFailed.one(
                    "entered_on", _("入库日期：不能晚于已登记的后续阶段（%(d)s）", d=min(later))
                )

    def apply(self, record: ListingCandidate, values: dict) -> None:
        entered_before = record.entered_on
        super().apply(record, values)
        # The tier's history starts on the entry date too, and follows its correction (records/dated.py).
        dated.follow_start(dated.TIER, record, entered_before, record.entered_on)
        # The stage history starts with 入库 on the entry date and follows it when that date is corrected.
        reserve = next((s for s in record.stages if s.stage == Stage.RESERVE), None)
        if reserve is None:
            record.stages.append(StageChange(stage=Stage.RESERVE, changed_on=record.entered_on))
        elif reserve.changed_on != record.entered_on:
            reserve.changed_on = record.entered_on


class TrainingType(RecordType):
    name = "training"
    menu, list_endpoint = ("finance", 50), "trainings.index"
    order = 80
    title, unit = _l("培训"), _l("场")
    counted = True
    endpoint = "trainings.detail"
    collection, api_title = "trainings", "培训"
    plural, import_sheet = "trainings", _l("培训")
    import_example: ClassVar[dict] = {
        "held_on": "2021-06-17",
        "title": "资本大讲堂线上培训",
        "topic": "上市",
        "enterprise_ids": "91211122DM0000001L",
    }

    def list_spec(self):
        from .filters import TRAINING_SPEC

        return TRAINING_SPEC

    def drill_label(self, record) -> str:
        return f"{record.held_on} {record.title}"

    model = Training
    schema = TRAINING_SCHEMA
    write_roles = frozenset({Role.FINANCE_OFFICER})

    history_names_other_firms = True  # its entries list every participant

    def visible(self, user, query):
        """A manager sees the trainings their tenants attended, and of the participants only their own
        tenants: the participants load (page, export, API ``enterprise_ids``) under the same scope."""
        if permissions.sees_everything(user):
            return query
        attended = training_participants.alias()  # the query may join the participants itself
        return (
            query.where(
                exists().where(
                    attended.c.training_id == Training.id,
                    permissions.tenant_of_managed(user, attended.c.enterprise_id),
                )
            )
            .options(
                with_loader_criteria(
                    Enterprise, permissions.tenant_of_managed(user, Enterprise.id), include_aliases=True
                )
            )
            # Participants loaded earlier in the session (without the scope) are loaded again.
            .execution_options(populate_existing=True)
        )

    def enterprise_id(self, record) -> None:
        return None

    def apply(self, record: Training, values: dict) -> None:
        for key, value in values.items():
            if key == "enterprise_ids":
                record.participants = list(
                    db.session.scalars(select(Enterprise).where(Enterprise.id.in_(value)))
                )
            else:
                setattr(record, key, value)


class StageType(ChildRecordType):
    """A candidate's next dated stage: stages may be skipped but not dated before the previous one, and
    ``listed`` / ``withdrawn`` end the pipeline."""

    name = "stage_change"
    order = 75
    title, plural = _l("上市阶段"), "stage_changes"
    model = StageChange
    schema = STAGE_SCHEMA
    parent_archived = ("stage", _l("阶段：该企业已归档"))

    def before(self, parent: ListingCandidate) -> dict:
        return {"stage": current_stage(parent)}

    def check_under(self, parent: ListingCandidate, values: dict) -> None:
        stage, day = values["stage"], values["changed_on"]
        now = current_stage(parent)
        last = parent.stages[-1].changed_on if parent.stages else parent.entered_on
        if now in FINAL_STAGES:
            raise ValidationFailed.one(
                "stage", _("阶段：该企业已%(stage)s，不能再变更阶段", stage=Stage.label_of(now))
            )
        if stage != Stage.WITHDRAWN and now and STAGE_ORDER[stage] <= STAGE_ORDER[now]:
            raise ValidationFailed.one(
                "stage", _("阶段：只能推进到“%(now)s”之后的阶段（可跳过）", now=Stage.label_of(now))
            )
        if day < last:
            raise ValidationFailed.one("changed_on", _("日期：不能早于上一阶段的日期（%(d)s）", d=last))
        if day > date.today():
            raise ValidationFailed.one("changed_on", _("日期：不能晚于今天"))

    def attach(self, parent: ListingCandidate, record: StageChange) -> None:
        parent.stages.append(record)

    def label(self, record: StageChange) -> str:
        return str(Stage.label_of(record.stage))


CANDIDATE = register(CandidateType())
TRAINING = register(TrainingType())
STAGE = StageType()
STAGE.parent = CANDIDATE
register_child(STAGE)


def current_stage(candidate: ListingCandidate) -> str | None:
    return candidate.stages[-1].stage if candidate.stages else None


def add_stage(user, candidate_id, version, stage, changed_on) -> StageChange:
    """Advance a candidate to ``stage`` on ``changed_on``; ``version`` is the candidate's."""
    return writer.add_child(STAGE, user, candidate_id, version, {"stage": stage, "changed_on": changed_on})
