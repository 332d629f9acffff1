"""Rows in bulk (registry/bulk.py): on PostgreSQL a COPY that stores exactly what an INSERT of the same rows
stores — bind-processed values, the model's defaults, a broken constraint as SQLAlchemy's IntegrityError —
and says what it wrote to the data version; elsewhere the INSERTs themselves."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from registry.bulk import copy_rows, insert_rows
from registry.db import CHANGED, WROTE
from registry.extensions import db
from registry.models import ChangeLog, Enterprise

from . import factories


def _log_row(n: int, **values) -> dict:
    row = {
        "action": "create",
        "object_type": "enterprise",
        "object_id": n,
        "changes": {"名称": [None, "甲"]},
    }
    return row | values


def _stored(ids) -> list[tuple]:
    return db.session.execute(
        select(ChangeLog.object_id, ChangeLog.changes, ChangeLog.user_name)
        .where(ChangeLog.object_id.in_(ids))
        .order_by(ChangeLog.object_id)
    ).all()


def test_rows_copied_read_back_as_the_same_rows_inserted(ctx):
    connection = db.session.connection()
    copied = copy_rows(connection, ChangeLog.__table__, [_log_row(n) for n in (1, 2)])
    assert copied is (db.engine.dialect.name == "postgresql")
    if not copied:
        insert_rows(connection, ChangeLog, [_log_row(n) for n in (1, 2)])
    connection.execute(insert(ChangeLog.__table__), [_log_row(n) for n in (11, 12)])
    db.session.commit()
    copied_rows, inserted_rows = _stored([1, 2]), _stored([11, 12])
    assert [row[1:] for row in copied_rows] == [row[1:] for row in inserted_rows]
    assert copied_rows[0].changes == {"名称": [None, "甲"]}  # JSON, not a string of it
    # The model's default for the column the rows leave out (a function: called for each row).
    times = db.session.scalars(select(ChangeLog.at).where(ChangeLog.object_id.in_([1, 2]))).all()
    assert len(times) == 2 and all(isinstance(at, datetime) for at in times)


def test_rows_in_bulk_tell_the_data_version_which_table_they_wrote(ctx):
    """A COPY is unseen by the engine's events, so it says so itself; the INSERTs are seen."""
    connection = db.session.connection()
    connection.info.pop(CHANGED, None)
    insert_rows(connection, ChangeLog, [_log_row(3)])
    assert connection.info[WROTE] is True and connection.info[CHANGED] == {"change_log"}
    db.session.rollback()


def test_a_copy_that_breaks_a_constraint_raises_as_an_insert_would_and_writes_nothing(ctx):
    firm = factories.make_enterprise()
    db.session.commit()
    row = {c.key: getattr(firm, c.key) for c in Enterprise.__table__.columns if c.key != "id"}
    row["id"] = firm.id + 1  # a new id, the code already there
    with pytest.raises(IntegrityError), db.session.begin_nested():
        insert_rows(db.session.connection(), Enterprise, [row])
    assert db.session.scalar(select(Enterprise.id).where(Enterprise.id == firm.id + 1)) is None
    db.session.rollback()


def test_rows_that_differ_in_their_columns_are_not_copied(ctx):
    rows = [_log_row(4), _log_row(5, user_name="王科长")]
    assert copy_rows(db.session.connection(), ChangeLog.__table__, rows) is False
    assert copy_rows(db.session.connection(), ChangeLog.__table__, [{"no_such_column": 1}]) is False
    db.session.rollback()
