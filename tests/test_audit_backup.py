"""Audit views for admins, and backups that restore to a consistent registry."""

from __future__ import annotations

import csv
import io
import sqlite3
import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from registry import create_app
from registry.audit.display import change_rows
from registry.backup import backup_to, restore_from, sqlite_path
from registry.enterprises.services import ENTERPRISE
from registry.extensions import db
from registry.models import ChangeLog, Enterprise
from registry.records import writer

from .factories import make_enterprise, make_incubator, make_town


def test_admin_filters_the_change_log_and_sees_diffs(client, auth, app):
    with app.app_context():
        firm = make_enterprise(name="审计测试企业")
        db.session.commit()
        writer.update(ENTERPRISE, None, firm.id, 1, {"employees": "42"}, partial=True)
        entry_id = db.session.scalar(select(ChangeLog.id).where(ChangeLog.action == "update"))
        request_id = db.session.scalar(select(ChangeLog.request_id).where(ChangeLog.id == entry_id))
    auth.login()
    page = client.get("/audit/?action=update&object_type=enterprise").get_data(as_text=True)
    assert "审计测试企业" in page and "从业人数" in page and "42" in page
    assert "审计测试企业" not in client.get("/audit/?action=archive").get_data(as_text=True)
    assert "审计测试企业" in client.get(f"/audit/?request_id={request_id}").get_data(as_text=True)
    assert "登录" in client.get("/audit/?action=login").get_data(as_text=True)
    detail = client.get(f"/audit/{entry_id}").get_data(as_text=True)
    assert "修改前" in detail and "42" in detail
    text = client.get("/audit/export.csv?action=update").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "编号" and any("从业人数：— → 42" in r[-1] for r in rows[1:])


def test_audit_views_are_for_admins_only(client, auth):
    auth.login("sb", roles=("science_bureau",))
    assert client.get("/audit/").status_code == 403


def test_a_backup_taken_during_writes_restores_with_records_and_change_log_agreeing(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite3'}", "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        town_id = make_town().id
        db.session.commit()
    done = threading.Event()
    written = []

    def keep_writing():
        with app.app_context():
            n = 0
            while not done.is_set() and n < 400:
                record = writer.create(
                    ENTERPRISE, None, {"name": f"写入中企业{n}", "legal_form": "team", "town_id": town_id}
                )
                written.append(record.id)
                n += 1
            db.session.remove()

    worker = threading.Thread(target=keep_writing)
    worker.start()
    while len(written) < 50:
        pass
    with app.app_context():
        backup_to(tmp_path / "backup.sqlite3")
    committed_before_backup_ended = len(written)
    done.set()
    worker.join()

    copy = sqlite3.connect(tmp_path / "backup.sqlite3")
    firms = copy.execute("SELECT count(*) FROM enterprises").fetchone()[0]
    logged = copy.execute(
        "SELECT count(*) FROM change_log WHERE object_type = 'enterprise' AND action = 'create'"
    ).fetchone()[0]
    missing_log = copy.execute(
        "SELECT count(*) FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM change_log c "
        "WHERE c.object_type = 'enterprise' AND c.object_id = e.id)"
    ).fetchone()[0]
    copy.close()
    assert 50 <= firms <= committed_before_backup_ended + 1
    assert firms == logged and missing_log == 0  # each record with its change log: one transaction each

    with app.app_context():
        restore_from(tmp_path / "backup.sqlite3")
        assert db.session.scalar(select(func.count()).select_from(Enterprise)) == firms
        db.engine.dispose()


def test_restore_refuses_a_file_that_is_not_a_registry_backup(tmp_path, app):
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.commit()
    live = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite3'}", "SECRET_KEY": "x"}
    )
    import click

    with live.app_context(), pytest.raises(click.ClickException, match="not a backup"):
        restore_from(other)


def test_backup_on_postgresql_points_to_pg_dump(tmp_path):
    import click

    pg = create_app(
        {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none", "SECRET_KEY": "x"}
    )
    with pg.app_context(), pytest.raises(click.ClickException, match="pg_dump"):
        sqlite_path()


def test_backup_command_writes_a_file(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite3'}", "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.sqlite3")])
    assert result.exit_code == 0 and (tmp_path / "b.sqlite3").exists()
    again = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.sqlite3")])
    assert again.exit_code != 0


def test_the_change_log_shows_referenced_records_by_name(ctx):
    firm, incubator = make_enterprise(name="引用名称测试企业"), make_incubator(name="引用名称测试孵化器")
    entry = ChangeLog(
        object_type="tenancy",
        changes={"enterprise_id": [None, firm.id], "incubator_id": [None, incubator.id]},
    )
    shown = {after for _label, _before, after in change_rows(entry)}
    assert shown == {"引用名称测试企业", "引用名称测试孵化器"}
    certification = ChangeLog(object_type="certification", changes={"kind": [None, "tech_sme"]})
    assert change_rows(certification)[0][2] == "科技型中小企业"
