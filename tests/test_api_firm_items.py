"""The API's firm list, read as plain rows (registry/enterprises/items.py), gives what each firm's item gives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from registry.extensions import db
from registry.models import EnterpriseIpSpan, EnterpriseTagSpan

from .factories import make_enterprise, make_tag


@pytest.fixture
def headers(runner):
    assert runner.invoke(args=["users", "create", "script", "--role", "admin"]).exit_code == 0
    result = runner.invoke(args=["users", "token", "script"])
    return {"Authorization": f"Bearer {result.output.strip().splitlines()[-1]}"}


def test_the_list_gives_each_firm_as_its_own_item_does(client, headers, app):
    """The list reads its firms as plain rows (enterprises/items.py); each item is the one the firm's own
    address gives, read as a record: columns, founder groups, tags and both dated fields' histories."""
    with app.app_context():
        cloud, old, china = make_tag("cloud", "云上企业"), make_tag("a-old", "旧标签"), make_tag()
        firm = make_enterprise(
            name="条目相同科技有限公司",
            tags=[china, cloud],
            established_on=date(2019, 5, 6),
            registered_capital_wan=Decimal("1234.50"),
            employees=12,
            high_value_ip_count=3,
            dated_from=date(2021, 1, 1),
        )
        firm.founder_groups = ["woman", "veteran"]
        firm.tag_spans.append(
            EnterpriseTagSpan(tag=old, valid_from=date(2019, 1, 1), valid_to=date(2021, 1, 1))
        )
        firm.ip_spans.append(
            EnterpriseIpSpan(value=1, valid_from=date(2019, 1, 1), valid_to=date(2021, 1, 1))
        )
        make_enterprise(name="空白企业有限公司", uscc=None, legal_form="team")
        archived = make_enterprise(name="已归档企业有限公司", archived_reason="重复登记")
        archived.archived_at = archived.created_at
        db.session.commit()
    h = headers
    items = client.get("/api/v1/enterprises?archived=all&sort=name", headers=h).get_json()["items"]
    assert len(items) == 3
    for item in items:
        assert item == client.get(f"/api/v1/enterprises/{item['id']}", headers=h).get_json()
    full = next(item for item in items if item["name"] == "条目相同科技有限公司")
    assert full["tags"] == ["cloud", "kechuang-china"] and full["founder_groups"] == ["veteran", "woman"]
    assert [span["value"] for span in full["history"]["tags"]] == ["a-old", "cloud", "kechuang-china"]
    assert [span["value"] for span in full["history"]["high_value_ip_count"]] == [1, 3]
    assert full["registered_capital_wan"] == "1234.50" and full["established_on"] == "2019-05-06"
