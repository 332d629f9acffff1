"""Outreach, pledge loans, the listing reserve and trainings: rules, totals, stages, pages."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.finance.services import LOAN, OUTREACH
from registry.listing.services import CANDIDATE, TRAINING, add_stage
from registry.models import ChangeLog, ListingCandidate, Training
from registry.records import writer
from registry.records.errors import Conflict, PermissionDenied, StaleVersion, ValidationFailed

from .factories import make_enterprise, make_town, make_user


def summary_numbers(page: str) -> list[str]:
    return re.findall(r'data-summary="\d+">([^<]+)<', page)


@pytest.mark.parametrize("targets", ["none", "both"])
def test_outreach_targets_exactly_one_firm_or_town(ctx, targets):
    firm, town = make_enterprise(), make_town()
    db.session.commit()
    data = {"held_on": "2021-04-20", "form": "visit"}
    if targets == "both":
        data |= {"enterprise_id": firm.id, "town_id": town.id}
    with pytest.raises(ValidationFailed) as refused:
        writer.create(OUTREACH, None, data)
    assert "只能填写一个" in refused.value.errors["enterprise_id"][0]


def test_outreach_list_shows_distinct_firms_and_towns_reached_in_the_period(client, auth, app):
    with app.app_context():
        firms = [make_enterprise() for _ in range(3)]
        towns = [make_town() for _ in range(2)]
        db.session.commit()
        for day, firm in [("2021-03-01", 0), ("2021-04-01", 0), ("2021-05-01", 1), ("2021-09-01", 2)]:
            writer.create(OUTREACH, None, {"held_on": day, "enterprise_id": firms[firm].id, "form": "visit"})
        for day, town in [("2021-04-20", 0), ("2021-04-21", 1), ("2021-04-22", 1)]:
            writer.create(OUTREACH, None, {"held_on": day, "town_id": towns[town].id, "form": "seminar"})
    auth.login("fo", roles=("finance_officer",))
    page = client.get("/outreach/?from=2021-01-01&to=2021-07-31").get_data(as_text=True)
    assert summary_numbers(page) == ["6", "2", "2"]
    page = client.get("/outreach/?from=2021-08-01").get_data(as_text=True)
    assert summary_numbers(page) == ["1", "1", "0"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("100.123", "最多保留2位小数"),
        ("0", "应大于0"),
        ("-1", "应大于0"),
        ("abc", "应为数字"),
        ("", "不能为空"),
    ],
)
def test_loan_amount_rules(ctx, amount, message):
    firm = make_enterprise()
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        writer.create(
            LOAN,
            None,
            {
                "enterprise_id": firm.id,
                "lender": "盘锦银行",
                "ip_type": "patent",
                "registered_on": "2021-03-25",
                "amount_wan": amount,
                "status": "active",
            },
        )
    assert message in refused.value.errors["amount_wan"][0]


def test_loan_list_totals_agree_with_the_records(client, auth, app):
    with app.app_context():
        a, b = make_enterprise(), make_enterprise()
        db.session.commit()
        for firm, day, amount in [
            (a, "2021-03-25", "800"),
            (a, "2021-06-30", "300.25"),
            (b, "2021-07-01", "0.5"),
            (b, "2020-01-01", "99"),
        ]:
            writer.create(
                LOAN,
                None,
                {
                    "enterprise_id": firm.id,
                    "lender": "盘锦银行",
                    "ip_type": "patent",
                    "registered_on": day,
                    "amount_wan": amount,
                    "status": "active",
                },
            )
    auth.login("rw", roles=("report_writer",))
    page = client.get("/pledge-loans/?from=2021-01-01&to=2021-12-31").get_data(as_text=True)
    assert summary_numbers(page) == ["3", "1,100.75", "2"]


def candidate(firm, **kw):
    db.session.commit()
    return writer.create(
        CANDIDATE, None, {"enterprise_id": firm.id, "entered_on": "2019-03-01", "tier": "key"} | kw
    )


def test_creating_a_candidate_records_the_reserve_stage(ctx):
    record = candidate(make_enterprise())
    assert [(s.stage, s.changed_on) for s in record.stages] == [("reserve", date(2019, 3, 1))]


def test_one_candidate_record_per_firm(ctx):
    firm = make_enterprise()
    candidate(firm)
    with pytest.raises(Conflict):
        candidate(firm, tier="general")


def test_stages_may_be_skipped_but_not_dated_before_the_previous_one(ctx):
    record = candidate(make_enterprise())
    add_stage(None, record.id, 1, "shareholding_reform", "2020-06-30")
    add_stage(None, record.id, 2, "application_accepted", "2021-04-15")  # skips the tutoring stages
    with pytest.raises(ValidationFailed) as early:
        add_stage(None, record.id, 3, "approved", "2021-04-14")
    assert "不能早于上一阶段" in early.value.errors["changed_on"][0]
    with pytest.raises(ValidationFailed) as backwards:
        add_stage(None, record.id, 3, "tutoring_filed", "2021-05-01")
    assert "之后的阶段" in backwards.value.errors["stage"][0]
    add_stage(None, record.id, 3, "listed", "2021-06-01")
    with pytest.raises(ValidationFailed) as ended:
        add_stage(None, record.id, 4, "withdrawn", "2021-07-01")
    assert "不能再变更阶段" in ended.value.errors["stage"][0]
    stages = [s.stage for s in db.session.get(ListingCandidate, record.id).stages]
    assert stages == ["reserve", "shareholding_reform", "application_accepted", "listed"]


def test_withdrawal_is_allowed_from_any_open_stage_and_ends_it(ctx):
    record = candidate(make_enterprise())
    add_stage(None, record.id, 1, "withdrawn", "2020-08-31")
    with pytest.raises(ValidationFailed):
        add_stage(None, record.id, 2, "shareholding_reform", "2020-09-30")


def test_stage_changes_need_the_current_version_and_are_logged(ctx):
    record = candidate(make_enterprise())
    add_stage(None, record.id, 1, "shareholding_reform", "2020-06-30")
    with pytest.raises(StaleVersion):
        add_stage(None, record.id, 1, "tutoring_filed", "2021-04-15")
    entry = db.session.scalar(select(ChangeLog).where(ChangeLog.object_type == "stage_change"))
    assert entry.changes["stage"] == ["reserve", "shareholding_reform"]
    assert entry.enterprise_id == record.enterprise_id


@pytest.mark.parametrize(
    ("stage", "day"), [("nonsense", "2021-01-01"), ("listed", ""), ("listed", "2021-13-01")]
)
def test_bad_stage_input_is_refused(ctx, stage, day):
    record = candidate(make_enterprise())
    with pytest.raises(ValidationFailed):
        add_stage(None, record.id, 1, stage, day)


def test_moving_the_entry_date_moves_the_reserve_stage_but_not_past_a_later_stage(ctx):
    record = candidate(make_enterprise())
    writer.update(CANDIDATE, None, record.id, 1, {"entered_on": "2019-02-01"}, partial=True)
    assert db.session.get(ListingCandidate, record.id).stages[0].changed_on == date(2019, 2, 1)
    add_stage(None, record.id, 2, "shareholding_reform", "2020-06-30")
    with pytest.raises(ValidationFailed):
        writer.update(CANDIDATE, None, record.id, 3, {"entered_on": "2020-07-01"}, partial=True)


def test_finance_officer_moves_a_firm_through_stages_in_the_browser(client, auth, app):
    with app.app_context():
        firm = make_enterprise(name="辽宁大禹防水科技发展股份有限公司")
        db.session.commit()
        code = firm.uscc
    auth.login("fo", roles=("finance_officer",))
    response = client.post(
        "/listing-candidates/new",
        data={"enterprise_id": code, "entered_on": "2019-03-01", "tier": "key", "target_board": "star"},
    )
    record_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    client.post(
        f"/listing-candidates/{record_id}/stages",
        data={"stage": "shareholding_reform", "changed_on": "2020-06-30", "version": "1"},
    )
    client.post(
        f"/listing-candidates/{record_id}/stages",
        data={"stage": "tutoring_filed", "changed_on": "2021-04-15", "version": "2"},
    )
    pipeline = client.get("/listing-candidates/pipeline").get_data(as_text=True)
    column = pipeline.split('data-stage="tutoring_filed"')[1].split("</section>")[0]
    assert "辽宁大禹防水科技发展股份有限公司" in column and "重点" in column
    history = client.get(f"/enterprises/{record_id and firm.id}").get_data(as_text=True)
    assert "辅导备案" in history


def test_training_participants_are_picked_by_uscc_and_show_on_each_firm(client, auth, app):
    with app.app_context():
        a, b = make_enterprise(name="参训甲"), make_enterprise(name="参训乙")
        db.session.commit()
        codes, firm_id = (a.uscc, b.uscc), a.id
    auth.login("fo", roles=("finance_officer",))
    response = client.post(
        "/trainings/new",
        data={
            "held_on": "2021-06-17",
            "title": "资本大讲堂线上培训",
            "topic": "listing",
            "enterprise_ids": "\n".join(codes),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        training = db.session.scalar(select(Training))
        assert sorted(e.name for e in training.participants) == ["参训乙", "参训甲"]
    assert "资本大讲堂线上培训" in client.get(f"/enterprises/{firm_id}").get_data(as_text=True)
    page = client.get("/trainings/?topic=listing").get_data(as_text=True)
    assert summary_numbers(page) == ["1", "2"]


def test_unknown_training_participant_is_refused(ctx):
    with pytest.raises(ValidationFailed) as refused:
        writer.create(
            TRAINING,
            None,
            {"held_on": "2021-06-17", "title": "培训", "topic": "ip", "enterprise_ids": ["不存在的企业"]},
        )
    assert "未找到" in refused.value.errors["enterprise_ids"][0]


@pytest.mark.parametrize("role", ["science_bureau", "report_writer"])
def test_only_finance_officers_write_finance_records(ctx, role):
    user = make_user("u1", [role])
    firm = make_enterprise()
    db.session.commit()
    with pytest.raises(PermissionDenied):
        writer.create(OUTREACH, user, {"held_on": "2021-04-20", "enterprise_id": firm.id, "form": "visit"})
    with pytest.raises(PermissionDenied):
        writer.create(CANDIDATE, user, {"enterprise_id": firm.id, "entered_on": "2021-01-01", "tier": "key"})


def test_future_dates_are_refused_for_events_that_happened(ctx):
    firm = make_enterprise()
    db.session.commit()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed):
        writer.create(OUTREACH, None, {"held_on": tomorrow, "enterprise_id": firm.id, "form": "visit"})
    with pytest.raises(ValidationFailed):
        writer.create(
            LOAN,
            None,
            {
                "enterprise_id": firm.id,
                "lender": "行",
                "ip_type": "patent",
                "registered_on": tomorrow,
                "amount_wan": Decimal("1"),
                "status": "active",
            },
        )
