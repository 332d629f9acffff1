"""Every list issues the same number of SQL statements whatever the page size (no query per row)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from registry.extensions import db
from registry.models import (
    Certification,
    ListingCandidate,
    Outreach,
    PledgeLoan,
    StageChange,
    Training,
)

from .factories import make_enterprise, make_town


def seed(kind: str, n: int, offset: int) -> None:
    town = make_town()
    for i in range(n):
        firm = make_enterprise(name=f"{kind}{offset + i}", town=town)
        day = date(2021, 1, 1) + timedelta(days=i)
        if kind == "certifications":
            db.session.add(
                Certification(
                    enterprise=firm,
                    kind="high_tech",
                    level="national",
                    status="approved",
                    applied_on=day,
                    approved_on=day,
                    valid_until=day + timedelta(days=1000),
                )
            )
        elif kind == "outreach":
            db.session.add(
                Outreach(
                    held_on=day,
                    enterprise=firm if i % 2 else None,
                    town=None if i % 2 else town,
                    form="visit",
                )
            )
        elif kind == "pledge-loans":
            db.session.add(
                PledgeLoan(
                    enterprise=firm,
                    lender="行",
                    ip_type="patent",
                    registered_on=day,
                    amount_wan=Decimal(10),
                    status="active",
                )
            )
        elif kind == "listing-candidates":
            db.session.add(
                ListingCandidate(
                    enterprise=firm,
                    entered_on=day,
                    tier="key",
                    stages=[StageChange(stage="reserve", changed_on=day)],
                )
            )
        elif kind == "trainings":
            db.session.add(Training(held_on=day, title=f"培训{offset + i}", topic="ip", participants=[firm]))
    db.session.commit()


@pytest.mark.parametrize(
    "kind", ["certifications", "outreach", "pledge-loans", "listing-candidates", "trainings"]
)
def test_list_statements_do_not_grow_with_the_page(client, auth, app, count_statements, kind):
    auth.login("rw", roles=("report_writer",))
    with app.app_context():
        seed(kind, 10, 0)
    with count_statements() as small:
        page = client.get(f"/{kind}/?size=20").get_data(as_text=True)
    assert len(re.findall(r"<tr>|<tr class", page.split("<tbody>")[1])) == 10
    with app.app_context():
        seed(kind, 90, 10)
    with count_statements() as large:
        page = client.get(f"/{kind}/?size=100").get_data(as_text=True)
    assert len(re.findall(r"<tr>|<tr class", page.split("<tbody>")[1])) == 100
    assert small.count == large.count, (small.statements, large.statements)
