"""Every list issues the same number of SQL statements whatever the page size (no query per row)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from registry.extensions import db

from .factories import (
    make_candidate,
    make_certification,
    make_enterprise,
    make_loan,
    make_outreach,
    make_town,
    make_training,
)


def seed(kind: str, n: int, offset: int) -> None:
    town = make_town()
    for i in range(n):
        firm = make_enterprise(name=f"{kind}{offset + i}", town=town)
        day = date(2021, 1, 1) + timedelta(days=i)
        if kind == "certifications":
            make_certification(
                firm,
                kind="high_tech",
                status="approved",
                applied_on=day,
                approved_on=day,
                valid_until=day + timedelta(days=1000),
            )
        elif kind == "outreach":
            make_outreach(held_on=day, enterprise=firm if i % 2 else None, town=None if i % 2 else town)
        elif kind == "pledge-loans":
            make_loan(firm, lender="行", registered_on=day, amount_wan=10, status="active")
        elif kind == "listing-candidates":
            make_candidate(firm, entered_on=day, tier="key", stages=[("reserve", day)])
        elif kind == "trainings":
            make_training([firm], held_on=day, title=f"培训{offset + i}")
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
