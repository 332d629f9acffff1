"""Concurrent writers: no "database is locked", no lost update."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from registry.db import write_transaction
from registry.extensions import db
from registry.models import Enterprise

from .factories import make_enterprise

THREADS, WRITES = 6, 15


def test_concurrent_read_modify_write_loses_nothing(app):
    with app.app_context():
        firm_id = make_enterprise(employees=0).id
        db.session.commit()
    stale, errors = [], []

    def worker():
        with app.app_context():
            for _ in range(WRITES):
                while True:
                    try:
                        with write_transaction():
                            firm = db.session.get(Enterprise, firm_id)
                            firm.employees += 1  # read, then write: the pattern that deadlocks deferred BEGIN
                        break
                    except StaleDataError:  # PostgreSQL: another writer committed first; try again
                        stale.append(1)
                    except OperationalError as error:
                        errors.append(str(error))
                        return
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with app.app_context():
        firm = db.session.get(Enterprise, firm_id)
        assert firm.employees == THREADS * WRITES
        assert firm.version == THREADS * WRITES + 1
        if db.engine.dialect.name == "sqlite":
            assert stale == []  # BEGIN IMMEDIATE serialises writers before they read


def test_write_transaction_rolls_back_everything_on_error(ctx):
    firm = make_enterprise(employees=1)
    db.session.commit()
    with pytest.raises(RuntimeError), write_transaction():
        db.session.get(Enterprise, firm.id).employees = 99
        make_enterprise(name="半途", town=firm.town)
        raise RuntimeError("fail half-way")
    assert db.session.get(Enterprise, firm.id).employees == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Enterprise)) == 1


def test_write_transaction_refuses_unsaved_changes_from_before(ctx):
    firm = make_enterprise()
    db.session.commit()
    db.session.get(Enterprise, firm.id).notes = "unsaved"
    with pytest.raises(RuntimeError, match="unsaved"), write_transaction():
        pass
