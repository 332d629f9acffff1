"""Listing-reserve pages (list, detail with stage history, advance stage, pipeline) and trainings."""

from __future__ import annotations

from datetime import date

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import joinedload
from wtforms import HiddenField, SelectField, StringField

from .. import permissions
from ..enums import FINAL_STAGES, Board, ListingTier, Stage, TrainingTopic
from ..extensions import db
from ..models import ListingCandidate, Training, training_participants
from ..web.forms import options
from ..web.outcomes import flash_outcome, get_for_update, run_write
from ..web.record_pages import Column, RecordPages
from . import services
from .services import CANDIDATE, TRAINING, stage_now


class StageForm(FlaskForm):
    stage = SelectField(_l("新阶段"), choices=options(Stage.choices()), validate_choice=False)
    changed_on = StringField(_l("日期"), render_kw={"type": "date"})
    version = HiddenField()


CANDIDATE_PAGES = RecordPages(
    record_type=CANDIDATE,
    columns=[
        Column(_l("企业"), lambda c: c.enterprise.name, link=True),
        Column(_l("层级"), lambda c: ListingTier.label_of(c.tier)),
        Column(_l("拟上市板块"), lambda c: Board.label_of(c.target_board)),
        Column(_l("入库日期"), lambda c: c.entered_on, sort="entered_on"),
        Column(_l("当前阶段"), lambda c: Stage.label_of(services.current_stage(c))),
        Column(_l("保荐/辅导机构"), lambda c: c.sponsor),
    ],
    export_columns=[
        (_l("编号"), lambda c: c.id),
        (_l("企业"), lambda c: c.enterprise.name),
        (_l("统一社会信用代码"), lambda c: c.enterprise.uscc),
        (_l("层级"), lambda c: ListingTier.label_of(c.tier)),
        (_l("拟上市板块"), lambda c: Board.label_of(c.target_board)),
        (_l("入库日期"), lambda c: c.entered_on),
        (_l("当前阶段"), lambda c: Stage.label_of(services.current_stage(c))),
        (_l("阶段历史"), lambda c: "；".join(f"{s.changed_on} {Stage.label_of(s.stage)}" for s in c.stages)),
        (_l("保荐/辅导机构"), lambda c: c.sponsor),
    ],
    detail_template="listing/candidate.html",
    detail_context=lambda record: {
        "stage_form": StageForm(),
        "final": services.current_stage(record) in FINAL_STAGES,
        "today": date.today(),
    },
    list_actions=[(_l("上市进程看板"), "listing_candidates.pipeline")],
)
bp = CANDIDATE_PAGES.bp


@bp.route("/<int:record_id>/stages", methods=["POST"])
@login_required
def advance(record_id: int):
    get_for_update(CANDIDATE, record_id)  # 404 or 403 before the form is read
    form = StageForm()
    if form.validate_on_submit():
        done = run_write(
            form,
            lambda: services.add_stage(
                current_user, record_id, form.version.data, form.stage.data, form.changed_on.data
            ),
        )
        flash_outcome(done, form, _("已登记新阶段。"))
    return redirect(url_for(".detail", record_id=record_id))


@bp.route("/pipeline")
@login_required
def pipeline():
    """A column per stage with the firms in it now; key firms are marked."""
    now = stage_now().label("stage")
    rows = db.session.execute(
        CANDIDATE.visible(current_user, select(ListingCandidate, now))
        .where(ListingCandidate.archived_at.is_(None))
        .options(joinedload(ListingCandidate.enterprise))
        .order_by(ListingCandidate.tier, ListingCandidate.entered_on)
    ).all()
    columns = {stage.value: [] for stage in Stage}
    for candidate, stage in rows:
        columns.setdefault(stage or Stage.RESERVE.value, []).append(candidate)
    return render_template("listing/pipeline.html", columns=columns)


def training_summary(query):
    ids = query.with_only_columns(Training.id).order_by(None).subquery()
    attended = training_participants.c.training_id == Training.id
    if not permissions.sees_everything(current_user):  # a manager counts only the participants they see
        attended = and_(
            attended, permissions.tenant_of_managed(current_user, training_participants.c.enterprise_id)
        )
    count, firms = db.session.execute(
        select(func.count(distinct(Training.id)), func.count(distinct(training_participants.c.enterprise_id)))
        .select_from(Training)
        .outerjoin(training_participants, attended)
        .where(Training.id.in_(select(ids.c.id)))
    ).one()
    return [(_l("培训"), count, _l("场")), (_l("参加企业"), firms, _l("家"))]


TRAINING_PAGES = RecordPages(
    record_type=TRAINING,
    columns=[
        Column(_l("日期"), lambda t: t.held_on, sort="held_on"),
        Column(_l("培训名称"), lambda t: t.title, link=True),
        Column(_l("主题"), lambda t: TrainingTopic.label_of(t.topic)),
        Column(_l("参加企业"), lambda t: len(t.participants), numeric=True),
    ],
    export_columns=[
        (_l("编号"), lambda t: t.id),
        (_l("日期"), lambda t: t.held_on),
        (_l("培训名称"), lambda t: t.title),
        (_l("主题"), lambda t: TrainingTopic.label_of(t.topic)),
        (_l("参加企业"), lambda t: "、".join(e.name for e in t.participants)),
    ],
    wide=("enterprise_ids", "title"),
    summary=training_summary,
    search_placeholder=_l("培训名称"),
    detail_template="listing/training.html",
)
trainings_bp = TRAINING_PAGES.bp
