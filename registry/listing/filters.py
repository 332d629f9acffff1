"""The listing-reserve and training lists (one definition for the pages, their exports and the API)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..enterprises.filters import firm_owned_spec
from ..enums import Board, ListingTier, Stage, TrainingTopic
from ..list_engine import (
    Facet,
    Filter,
    ListSpec,
    Sort,
    archived_filter,
    count_facet,
    date_range,
    enum_filter,
    enum_parser,
)
from ..models import ListingCandidate, Training
from .services import CANDIDATE, TRAINING, stage_now

CANDIDATE_SPEC = firm_owned_spec(
    ListingCandidate,
    CANDIDATE,
    filters=[
        enum_filter("tier", _l("层级"), ListingCandidate.tier, ListingTier),
        enum_filter("target_board", _l("拟上市板块"), ListingCandidate.target_board, Board),
        Filter(
            "stage",
            _l("当前阶段"),
            lambda q, v: q.where(stage_now() == v),
            enum_parser(Stage.codes),
            Stage.text_choices,
        ),
        *date_range(ListingCandidate.entered_on, labels=(_l("入库起始"), _l("入库截止"))),
    ],
    facets=[
        Facet("tier", _l("层级"), count_facet(ListingCandidate, ListingCandidate.tier), enum=ListingTier),
        Facet(
            "target_board",
            _l("拟上市板块"),
            count_facet(ListingCandidate, ListingCandidate.target_board),
            enum=Board,
        ),
    ],
    sorts=[Sort("entered_on", _l("入库日期"), ListingCandidate.entered_on, value_type="date")],
    default_sort="-entered_on",
    eager=(selectinload(ListingCandidate.stages),),
)

TRAINING_SPEC = ListSpec(
    model=Training,
    base=lambda user: TRAINING.visible(user, select(Training)),
    search=lambda q, text: q.where(Training.title.contains(text, autoescape=True)),
    filters=[
        *date_range(Training.held_on),
        enum_filter("topic", _l("主题"), Training.topic, TrainingTopic),
        archived_filter(Training),
    ],
    facets=[Facet("topic", _l("主题"), count_facet(Training, Training.topic), enum=TrainingTopic)],
    sorts=[Sort("held_on", _l("日期"), Training.held_on, value_type="date")],
    default_sort="-held_on",
    eager=(selectinload(Training.participants),),
)
