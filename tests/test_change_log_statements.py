"""A page of change-log entries costs the same statements for 5 entries as for 50: the names of the
firms, towns, incubators and certification kinds the changes refer to are read per page, not per value."""

from __future__ import annotations

import pytest

from registry.extensions import db
from registry.models import ChangeLog

from .factories import make_enterprise, make_incubator, make_town

KINDS = ["tech_sme", "high_tech"]


def _entries(count: int) -> int:
    """A firm with ``count`` entries, each naming records no other entry names; the firm's id."""
    firm = make_enterprise()
    for n in range(count):
        shape = n % 3
        if shape == 0:
            changes = {"town_id": [make_town().id, make_town().id]}
            row = {"object_type": "enterprise", "object_id": firm.id}
        elif shape == 1:
            changes = {
                "enterprise_id": [None, make_enterprise().id],
                "incubator_id": [None, make_incubator().id],
            }
            row = {"object_type": "tenancy", "object_id": 1000 + n}
        else:
            changes = {"kind": KINDS if n % 2 else KINDS[::-1]}
            row = {"object_type": "certification", "object_id": 2000 + n}
        db.session.add(
            ChangeLog(action="update", label=f"变更{n}", enterprise_id=firm.id, changes=changes, **row)
        )
    db.session.commit()
    return firm.id


@pytest.fixture
def firms(app):
    with app.app_context():
        return {count: _entries(count) for count in (5, 50)}


def _statements(client, count_statements, url: str, expect: str) -> int:
    client.get(url)  # warm up: the sign-in's session, the translations
    with count_statements() as counter:
        page = client.get(url).get_data(as_text=True)
    assert expect in page
    return counter.count


@pytest.mark.parametrize(
    "url",
    ["/audit/?enterprise={firm}&size=100", "/enterprises/{firm}"],
    ids=["change-log page", "firm history"],
)
def test_a_page_of_changes_costs_the_same_for_5_and_50_entries(client, auth, firms, count_statements, url):
    auth.login("admin")
    few = _statements(client, count_statements, url.format(firm=firms[5]), "变更4")
    many = _statements(client, count_statements, url.format(firm=firms[50]), "变更49")
    assert few == many, (few, many)
