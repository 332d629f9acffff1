"""A small registry for the manager-scope tests: a manager of one incubator with one tenant, and a foreign
firm (a tenant of another incubator) with a record of every kind."""

from __future__ import annotations

from datetime import date, timedelta

from registry.extensions import db

from .factories import (
    PASSWORDS,
    make_candidate,
    make_certification,
    make_enterprise,
    make_incubator,
    make_loan,
    make_outreach,
    make_tenancy,
    make_town,
    make_training,
    make_user,
)

DAY = date(2021, 5, 1)
YESTERDAY = date.today() - timedelta(days=1)


def build_world(app, runner) -> dict:
    """A manager of 我的孵化器 with one tenant; a foreign firm (a tenant of another incubator) with a
    certification, a loan, a listing record and a visit; a training both firms attended."""
    with app.app_context():
        town = make_town(name="太平街道")
        mine, other = make_incubator(name="我的孵化器", town=town), make_incubator(name="别人的孵化器")
        own = make_enterprise(name="自家科技有限公司", town=town)
        own_stay = make_tenancy(incubator=mine, enterprise=own, moved_in_on=YESTERDAY - timedelta(days=30))
        foreign = make_enterprise(name="外家科技有限公司", town=town)
        their_stay = make_tenancy(incubator=other, enterprise=foreign)
        records = {
            "cert": make_certification(foreign, applied_on=DAY),
            "loan": make_loan(foreign, lender="某银行", registered_on=DAY, registration_no="DJ-FOREIGN-7"),
            "cand": make_candidate(foreign, entered_on=DAY, tier="key"),
            "visit": make_outreach(held_on=DAY, enterprise=foreign),
            "training": make_training([own, foreign], held_on=DAY, title="上市培训", topic="listing"),
        }
        db.session.commit()
        ids = {key: record.id for key, record in records.items()}
        ids |= {
            "mine": mine.id,
            "incubator": other.id,
            "own": own.id,
            "own_stay": own_stay.id,
            "firm": foreign.id,
            "stay": their_stay.id,
            "town": town.id,
            "foreign_uscc": foreign.uscc,
            "own_uscc": own.uscc,
        }
        make_user("mgr", ["incubator_manager"], incubator_ids=[mine.id])
    result = runner.invoke(args=["users", "token", "mgr"])
    ids["headers"] = {"Authorization": f"Bearer {result.output.strip().splitlines()[-1]}"}
    return ids


def login(client):
    assert client.post("/login", data={"username": "mgr", "password": PASSWORDS["mgr"]}).status_code == 302
