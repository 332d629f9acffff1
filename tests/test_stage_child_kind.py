"""A listing candidate's stage is added through the write path as a child of the candidate: the
candidate's permission, version and archived state rule it, and the addition is logged once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.listing.services import CANDIDATE, add_stage
from registry.models import ChangeLog, ListingCandidate
from registry.records import writer
from registry.records.errors import PermissionDenied, ValidationFailed

from .factories import make_enterprise, make_user


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def _candidate():
    firm = make_enterprise(name="阶段测试企业")
    db.session.commit()
    return writer.create(
        CANDIDATE, None, {"enterprise_id": firm.id, "entered_on": "2019-03-01", "tier": "key"}
    ).id


def _stage_entries() -> int:
    return db.session.scalar(select(func.count()).where(ChangeLog.object_type == "stage_change"))


@pytest.mark.parametrize("role", ["science_bureau", "report_writer"])
def test_who_may_not_update_the_candidate_may_not_add_a_stage(ctx, role):
    candidate_id = _candidate()
    user = make_user("stage-reader", [role])
    db.session.commit()
    with pytest.raises(PermissionDenied):
        add_stage(user, candidate_id, 1, "shareholding_reform", "2020-06-30")
    assert _stage_entries() == 0


def test_no_stage_under_an_archived_candidate(ctx):
    candidate_id = _candidate()
    writer.archive(CANDIDATE, None, candidate_id, 1, "重复录入")
    with pytest.raises(ValidationFailed) as refused:
        add_stage(None, candidate_id, 2, "shareholding_reform", "2020-06-30")
    assert refused.value.errors["stage"] == ["阶段：该企业已归档"]
    assert _stage_entries() == 0


def test_a_stage_moves_the_candidates_version_and_is_logged_with_its_firm(ctx):
    candidate_id = _candidate()
    officer = make_user("stage-officer", ["finance_officer"])
    db.session.commit()
    add_stage(officer, candidate_id, 1, "shareholding_reform", "2020-06-30")
    record = db.session.get(ListingCandidate, candidate_id)
    assert record.version == 2
    entry = db.session.scalar(select(ChangeLog).where(ChangeLog.object_type == "stage_change"))
    assert entry.user_id == officer.id
    assert entry.enterprise_id == record.enterprise_id
    assert entry.label == "阶段测试企业 · 股改"
    assert entry.changes == {"stage": ["reserve", "shareholding_reform"], "changed_on": [None, "2020-06-30"]}


@pytest.mark.parametrize("stage", [None, ["listed"], 7])
def test_a_stage_that_is_not_a_code_is_refused(ctx, stage):
    candidate_id = _candidate()
    with pytest.raises(ValidationFailed) as refused:
        add_stage(None, candidate_id, 1, stage, "2020-06-30")
    assert "stage" in refused.value.errors
