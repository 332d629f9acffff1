"""The summary's values are kept per process with the data version they were read at (reports/counting.py),
and every committed write moves that version (registry/db.py): a kept value is never shown after a write.

Also: the summary's cheaper forms (rows several indicators share, read once; "all firms less the absent"
for the register's total) give the same numbers as each indicator's own records."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text, update

from registry import create_app
from registry.db import write_transaction
from registry.extensions import db
from registry.models import DataVersion, Enterprise, Incubator
from registry.records import catalog, writer
from registry.reports import indicators as ind
from registry.reports import service
from registry.reports.periods import Period
from registry.synth import generate

from . import factories

YEAR = (date(2021, 1, 1), date(2021, 12, 31))
QUIET = {"echo": lambda *a, **k: None}


def version() -> int:
    db.session.rollback()  # a fresh read, not the snapshot of a transaction left open
    return db.session.scalar(select(DataVersion.counter))


def total() -> int:
    return ind.values(ind.all_indicators(), *YEAR)["enterprises.total"]


def test_every_committed_write_moves_the_data_version_and_reads_and_rollbacks_do_not(ctx, client, auth):
    start = version()
    firm = factories.make_enterprise(established_on=date(2020, 1, 1))
    db.session.commit()  # the ORM
    assert version() == start + 1
    with db.engine.begin() as connection:  # Core, on a connection of its own
        connection.execute(update(Enterprise).where(Enterprise.id == firm.id).values(employees=9))
    assert version() == start + 2
    generate(3, 1, **QUIET)  # the bulk load (COPY on PostgreSQL, unseen by the engine's events)
    assert version() == start + 3
    db.session.execute(text("UPDATE enterprises SET rd_staff = 2 WHERE id = :id"), {"id": firm.id})
    db.session.commit()  # raw SQL
    assert version() == start + 4

    with pytest.raises(RuntimeError), write_transaction():
        db.session.execute(text("UPDATE enterprises SET employees = 1"))
        raise RuntimeError("given up")
    assert version() == start + 4

    auth.login("rw", roles=("report_writer",))
    before = version()
    for page in (
        "/enterprises/",
        f"/enterprises/{firm.id}",
        "/reports/",
        "/api/v1/summary?start=2021-01-01&end=2021-12-31",
    ):
        assert client.get(page).status_code == 200
    assert version() == before


def test_a_kept_summary_costs_one_small_statement_and_a_write_shows_at_once(ctx, count_statements):
    boss = factories.make_user("boss", ["admin"])
    firms = [factories.make_enterprise(established_on=date(2020, 1, 1)) for _ in range(3)]
    db.session.commit()
    assert total() == 3
    with count_statements() as kept:
        assert total() == 3
    reads = [s for s in kept.statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert [s for s in reads if "FROM enterprises" in s] == []  # nothing counted again
    assert any("data_changes" in s for s in reads) and len(reads) <= 2  # what changed since, the tags

    writer.archive(catalog.get("enterprise"), boss, firms[0].id, firms[0].version)
    assert total() == 2  # read afresh: the archive moved the version
    assert total() == 2


def test_a_write_by_another_process_is_seen(app, ctx):
    factories.make_enterprise(established_on=date(2020, 1, 1))
    db.session.commit()
    assert total() == 1
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test-only-secret",
            "JOBS_URL": "immediate",
        }
    )
    with other.app_context():  # another worker: its own engine and its own kept values
        factories.make_enterprise(established_on=date(2020, 1, 1))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    db.session.rollback()
    assert total() == 2


def test_own_writes_not_yet_committed_are_counted_and_never_kept(ctx):
    factories.make_enterprise(established_on=date(2020, 1, 1))
    db.session.commit()
    assert total() == 1
    with pytest.raises(RuntimeError), write_transaction():
        factories.make_enterprise(established_on=date(2020, 1, 1))
        assert total() == 2  # this transaction's own firm
        raise RuntimeError("given up")
    assert total() == 1


def test_no_kept_values_when_switched_off(app, ctx, count_statements, monkeypatch):
    monkeypatch.setitem(app.config, "SUMMARY_CACHE_SIZE", 0)
    factories.make_enterprise(established_on=date(2020, 1, 1))
    db.session.commit()
    total()
    with count_statements() as again:
        assert total() == 1
    assert any("enterprises" in s for s in again.statements)


@pytest.fixture
def varied(ctx):
    """A synthetic registry with firms that end: archived, deregistered, established late; an incubator
    closed and one archived."""
    generate(2000, 11, **QUIET)
    firms = db.session.scalars(select(Enterprise).order_by(Enterprise.id)).all()
    for n, firm in enumerate(firms[:300]):
        if n % 3 == 0:
            firm.archived_at = func.now()
        elif n % 3 == 1:
            firm.established_on = date(2010, 1, 1)
            firm.deregistered_on = date(2021, 6, 30)
            firm.deregistered_reason = "cancelled"
        else:
            firm.established_on = date(2022, 3, 1)
    incubators = db.session.scalars(select(Incubator).order_by(Incubator.id)).all()
    incubators[0].closed_on = date(2021, 5, 31)
    incubators[1].archived_at = func.now()
    db.session.commit()


@pytest.mark.parametrize(
    "period", [YEAR, (date(2018, 1, 1), date(2018, 6, 30)), (date(2016, 1, 1), date(2026, 12, 31))]
)
def test_the_summary_forms_give_each_indicators_own_records_count(varied, period, app, monkeypatch):
    monkeypatch.setitem(app.config, "SUMMARY_CACHE_SIZE", 0)
    indicators = ind.all_indicators()
    together = ind.values(indicators, *period)
    counted = [i for i in indicators if i.sum_of is None]
    assert [i.code for i in indicators if i.member is not None]  # the shared forms are exercised
    for indicator in counted:
        own = len(service.ids_of(indicator, Period(*period)))
        alone = db.session.scalar(select(indicator.value(*period)))  # without the shared rows
        assert together[indicator.code] == own == alone, indicator.code
    assert together["enterprises.total"] > 0 and together["incubation.tenants_active"] > 0
