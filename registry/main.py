"""The home page: what the registry holds, for the signed-in user."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, literal, select, union_all

from .extensions import db
from .models import (
    Certification,
    Enterprise,
    Incubator,
    ListingCandidate,
    Outreach,
    PledgeLoan,
    Tenancy,
    Town,
    Training,
)

bp = Blueprint("main", __name__)

# What the home page counts: (key, label, unit, model). Archived records are left out, as everywhere.
RECORD_KINDS = (
    ("enterprises", _l("企业"), _l("家"), Enterprise),
    ("incubators", _l("孵化载体"), _l("个"), Incubator),
    ("tenancies", _l("入孵记录"), _l("条"), Tenancy),
    ("certifications", _l("资质认定"), _l("条"), Certification),
    ("outreach", _l("质押融资宣传走访"), _l("次"), Outreach),
    ("pledge_loans", _l("知识产权质押贷款"), _l("笔"), PledgeLoan),
    ("listing_candidates", _l("上市后备企业"), _l("家"), ListingCandidate),
    ("trainings", _l("培训"), _l("场"), Training),
    ("towns", _l("镇街"), _l("个"), Town),
)


def record_counts() -> dict[str, int]:
    """Every kind's count of non-archived records, in one statement."""
    parts = [
        select(literal(key).label("key"), func.count().label("n"))
        .select_from(model)
        .where(model.archived_at.is_(None))
        for key, _label, _unit, model in RECORD_KINDS
    ]
    return {key: n for key, n in db.session.execute(union_all(*parts))}


@bp.route("/")
@login_required
def home():
    counts = record_counts()
    kinds = [(key, label, unit, counts.get(key, 0)) for key, label, unit, _model in RECORD_KINDS]
    return render_template("main/home.html", kinds=kinds, user=current_user)
