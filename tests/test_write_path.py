"""The one write path: validation, permission, optimistic locking, change log, one commit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from registry.enterprises.services import ENTERPRISE, PossibleDuplicate
from registry.extensions import db
from registry.models import ChangeLog, Enterprise
from registry.records import writer
from registry.records.errors import Conflict, PermissionDenied, StaleVersion, ValidationFailed

from .factories import make_town, make_user, uscc


@pytest.fixture
def bureau(ctx):
    return make_user("sb", ["science_bureau"], display_name="科技局 王科长")


def firm_data(town, **kw):
    return {"name": "盘锦测试科技有限公司", "uscc": uscc(), "legal_form": "company", "town_id": town.id} | kw


def test_create_writes_the_record_and_a_change_log_row(bureau):
    town = make_town()
    db.session.commit()
    record = writer.create(ENTERPRISE, bureau, firm_data(town, employees="12"))
    entry = db.session.scalar(select(ChangeLog))
    assert (entry.action, entry.object_type, entry.object_id) == ("create", "enterprise", record.id)
    assert entry.user_id == bureau.id and entry.user_name == "科技局 王科长"
    assert entry.enterprise_id == record.id
    assert entry.request_id
    assert entry.changes["employees"] == [None, 12]
    assert entry.changes["name"] == [None, "盘锦测试科技有限公司"]
    assert record.version == 1


def test_update_logs_before_and_after_of_changed_fields_only(bureau):
    town = make_town()
    db.session.commit()
    record = writer.create(ENTERPRISE, bureau, firm_data(town, employees="12"))
    writer.update(ENTERPRISE, bureau, record.id, 1, {"employees": "15", "name": record.name}, partial=True)
    entry = db.session.scalars(select(ChangeLog).order_by(ChangeLog.id.desc())).first()
    assert entry.action == "update"
    assert entry.changes == {"employees": [12, 15]}
    assert db.session.get(Enterprise, record.id).version == 2


def test_second_edit_from_the_same_version_is_refused_and_the_first_survives(bureau):
    town = make_town()
    db.session.commit()
    record = writer.create(ENTERPRISE, bureau, firm_data(town))
    writer.update(ENTERPRISE, bureau, record.id, 1, {"employees": "20"}, partial=True)
    with pytest.raises(StaleVersion) as refused:
        writer.update(ENTERPRISE, bureau, record.id, 1, {"employees": "30"}, partial=True)
    assert refused.value.current.employees == 20
    assert db.session.get(Enterprise, record.id).employees == 20
    assert (
        db.session.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.action == "update"))
        == 1
    )


def test_update_without_a_version_is_refused(bureau):
    town = make_town()
    db.session.commit()
    record = writer.create(ENTERPRISE, bureau, firm_data(town))
    with pytest.raises(ValidationFailed) as refused:
        writer.update(ENTERPRISE, bureau, record.id, None, {"employees": "3"}, partial=True)
    assert "version" in refused.value.errors


def test_read_only_roles_cannot_write(ctx):
    town = make_town()
    db.session.commit()
    reader = make_user("rw", ["report_writer"])
    with pytest.raises(PermissionDenied):
        writer.create(ENTERPRISE, reader, firm_data(town))
    assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_archive_and_restore_are_logged_and_keep_the_record(bureau):
    town = make_town()
    db.session.commit()
    record = writer.create(ENTERPRISE, bureau, firm_data(town))
    writer.archive(ENTERPRISE, bureau, record.id, 1, "已注销")
    archived = db.session.get(Enterprise, record.id)
    assert archived.archived_at is not None and archived.archived_reason == "已注销"
    writer.restore(ENTERPRISE, bureau, record.id, archived.version)
    actions = db.session.scalars(select(ChangeLog.action).order_by(ChangeLog.id)).all()
    assert actions == ["create", "archive", "restore"]
    assert db.session.get(Enterprise, record.id).archived_at is None


def test_an_archived_firm_keeps_its_uscc_and_says_how_to_get_it_back(bureau):
    town = make_town()
    db.session.commit()
    code = uscc()
    first = writer.create(ENTERPRISE, bureau, firm_data(town, uscc=code))
    writer.archive(ENTERPRISE, bureau, first.id, 1, "重复")
    with pytest.raises(Conflict) as refused:
        writer.create(ENTERPRISE, bureau, firm_data(town, uscc=code, name="另一家公司"), confirmed=True)
    assert "已归档" in refused.value.message and "恢复" in refused.value.message


def test_same_uscc_is_refused_with_the_existing_firm_named(bureau):
    town = make_town()
    db.session.commit()
    code = uscc()
    writer.create(ENTERPRISE, bureau, firm_data(town, uscc=code, name="盘锦金田塑业有限公司"))
    with pytest.raises(Conflict) as refused:
        writer.create(ENTERPRISE, bureau, firm_data(town, uscc=code.lower(), name="完全不同的名称"))
    assert "盘锦金田塑业有限公司" in refused.value.message and refused.value.field == "uscc"


@pytest.mark.parametrize(
    "variant", ["盘锦金田塑業(yè)有限公司", "盘锦金田塑业 有限公司", "盘锦金田塑業有限公司"]
)
def test_same_normalised_name_is_a_possible_duplicate_until_confirmed(bureau, variant):
    town = make_town()
    db.session.commit()
    existing = writer.create(ENTERPRISE, bureau, firm_data(town, name="盘锦金田塑业有限公司"))
    with pytest.raises(PossibleDuplicate) as suspected:
        writer.create(ENTERPRISE, bureau, firm_data(town, name=variant))
    assert [m.id for m in suspected.value.matches] == [existing.id]
    writer.create(ENTERPRISE, bureau, firm_data(town, name=variant), confirmed=True)
    assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 2


def test_validation_collects_every_error_and_writes_nothing(bureau):
    town = make_town()
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        writer.create(
            ENTERPRISE, bureau, firm_data(town, uscc="91110108717809965C", employees="-1", industry="Z")
        )
    assert set(refused.value.errors) == {"uscc", "employees", "industry"}
    assert db.session.scalar(select(func.count()).select_from(ChangeLog)) == 0
