"""Renaming a firm to the name of another: warned as a possible duplicate, and saved once confirmed.

The edit form and ``PATCH /api/v1/enterprises/<id>`` confirm exactly as creating does: the form's
``confirm_duplicate`` check box, the API's ``?confirm_duplicate=1``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.enterprises.services import ENTERPRISE, PossibleDuplicate
from registry.extensions import db
from registry.models import ChangeLog, Enterprise
from registry.records import writer

from .factories import make_enterprise

EXISTING = "盘锦金田塑业有限公司"
LOOK_ALIKE = "盘锦金田塑業(yè)有限公司"


@pytest.fixture
def firms(app):
    """(the firm whose name is taken, the firm being renamed, its USCC and town)"""
    with app.app_context():
        existing = make_enterprise(name=EXISTING)
        renamed = make_enterprise(name="辽河银海化工有限公司")
        db.session.commit()
        return existing.id, renamed.id, renamed.uscc, renamed.town_id


def renames(app, firm_id: int) -> list[ChangeLog]:
    with app.app_context():
        return [
            entry
            for entry in db.session.scalars(
                select(ChangeLog).where(ChangeLog.object_id == firm_id, ChangeLog.action == "update")
            )
            if "name" in entry.changes
        ]


def stored_name(app, firm_id: int) -> str:
    with app.app_context():
        return db.session.get(Enterprise, firm_id).name


def test_the_edit_form_warns_of_a_possible_duplicate_and_saves_once_confirmed(client, auth, app, firms):
    existing_id, firm_id, code, town_id = firms
    auth.login("sb", roles=("science_bureau",))
    data = {
        "name": LOOK_ALIKE,
        "uscc": code,
        "legal_form": "company",
        "town_id": str(town_id),
        "version": "1",
    }
    page = client.post(f"/enterprises/{firm_id}/edit", data=data).get_data(as_text=True)
    assert "可能重复" in page and f'href="/enterprises/{existing_id}"' in page
    assert 'name="confirm_duplicate"' in page
    assert stored_name(app, firm_id) == "辽河银海化工有限公司" and renames(app, firm_id) == []
    response = client.post(f"/enterprises/{firm_id}/edit", data=data | {"confirm_duplicate": "1"})
    assert response.status_code == 302
    assert stored_name(app, firm_id) == "盘锦金田塑業有限公司"
    [entry] = renames(app, firm_id)
    assert entry.changes["name"] == ["辽河银海化工有限公司", "盘锦金田塑業有限公司"]


def test_the_api_patch_refuses_a_possible_duplicate_with_409_and_saves_once_confirmed(
    client, runner, app, firms
):
    existing_id, firm_id, _code, _town = firms
    assert runner.invoke(args=["users", "create", "script", "--role", "science_bureau"]).exit_code == 0
    issued = runner.invoke(args=["users", "token", "script"]).output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {issued}"}
    body = {"name": LOOK_ALIKE, "version": 1}
    refused = client.patch(f"/api/v1/enterprises/{firm_id}", headers=headers, json=body)
    assert refused.status_code == 409
    assert "可能与已登记的企业重复" in refused.get_json()["errors"]["name"][0]
    assert [match["id"] for match in refused.get_json()["matches"]] == [existing_id]
    assert stored_name(app, firm_id) == "辽河银海化工有限公司" and renames(app, firm_id) == []
    saved = client.patch(f"/api/v1/enterprises/{firm_id}?confirm_duplicate=1", headers=headers, json=body)
    assert saved.status_code == 200 and saved.get_json()["name"] == "盘锦金田塑業有限公司"
    assert len(renames(app, firm_id)) == 1


def test_the_service_update_takes_the_confirmation(app, ctx, firms):
    _existing, firm_id, _code, _town = firms
    with pytest.raises(PossibleDuplicate):
        writer.update(ENTERPRISE, None, firm_id, 1, {"name": LOOK_ALIKE}, partial=True)
    record = writer.update(ENTERPRISE, None, firm_id, 1, {"name": LOOK_ALIKE}, partial=True, confirmed=True)
    assert record.name == "盘锦金田塑業有限公司"
