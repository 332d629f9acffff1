"""The migrations build exactly the schema the models declare, and the schema keeps data true."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from registry.extensions import db
from registry.models import CertificationKind, PledgeLoan
from registry.models.search import schema_filter

from .factories import (
    make_certification,
    make_enterprise,
    make_incubator,
    make_loan,
    make_outreach,
    make_tenancy,
    make_town,
    uscc,
)


def test_migrated_database_has_no_drift_from_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        include = schema_filter(connection.dialect.name)
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migration_creates_every_model_table(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_the_migrations_go_down_to_an_empty_database_and_up_again(app, tmp_path):
    """Every downgrade undoes its upgrade (run in a database of its own, on the suite's server)."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import create_engine, make_url

    from registry import create_app

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    server = None
    if url.get_backend_name() == "postgresql":
        name = f"{url.database}_migrations"
        server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = url.set(database=name)
    else:
        url = make_url(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
            "SECRET_KEY": "test-only",
        }
    )
    try:
        with other.app_context():
            upgrade()
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
            db.engine.dispose()
    finally:
        if server is not None:
            with server.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}"')
            server.dispose()


def test_every_revision_id_fits_the_version_table():
    """alembic_version.version_num is VARCHAR(32): PostgreSQL refuses a longer id (SQLite would store it)."""
    from pathlib import Path

    from alembic.script import ScriptDirectory

    folder = Path(__file__).resolve().parent.parent / "migrations"
    revisions = list(ScriptDirectory(str(folder)).walk_revisions())
    assert len(revisions) >= 15
    assert [r.revision for r in revisions if len(r.revision) > 32] == []


def test_migration_seeds_the_certification_kinds(ctx):
    kinds = {k.code: k for k in db.session.scalars(select(CertificationKind))}
    assert set(kinds) == {
        "tech_sme",
        "high_tech",
        "innovative_sme",
        "srdi_sme",
        "srdi_product",
        "little_giant",
        "single_champion",
        "tech_innovative_sme",
    }
    assert kinds["tech_sme"].validity == "calendar_year"
    assert kinds["high_tech"].validity == "years:3"
    assert kinds["high_tech"].number_pattern == r"^GR\d{12}$"
    assert kinds["tech_innovative_sme"].name == "科技和创新型中小企业"


def _refused(statement_maker):
    """The database refuses the write (the service layer checks first; this is the last line)."""
    with pytest.raises(IntegrityError):
        statement_maker()
        db.session.flush()
    db.session.rollback()


def test_uscc_is_unique_when_present_and_may_be_missing_many_times(ctx):
    town = make_town()
    code = uscc()
    make_enterprise(uscc=code, town=town)
    make_enterprise(uscc=None, legal_form="team", town=town)
    make_enterprise(uscc=None, legal_form="team", town=town)
    db.session.commit()
    _refused(lambda: make_enterprise(uscc=code, town=town))


def test_enumerations_are_checked_by_the_database(ctx):
    _refused(lambda: make_enterprise(legal_form="partnership"))


def test_one_open_tenancy_per_incubator_and_firm(ctx):
    incubator, firm = make_incubator(), make_enterprise()
    closed = {"left_on": date(2020, 6, 1), "exit_reason": "moved_out"}
    make_tenancy(incubator, firm, moved_in_on=date(2020, 1, 1), **closed)
    make_tenancy(incubator, firm, moved_in_on=date(2021, 1, 1))
    db.session.commit()  # a closed stay and an open one may coexist
    _refused(lambda: make_tenancy(incubator, firm, moved_in_on=date(2021, 3, 1)))


def test_left_on_cannot_precede_moved_in_on(ctx):
    incubator, firm = make_incubator(), make_enterprise()
    db.session.commit()
    _refused(
        lambda: make_tenancy(
            incubator,
            firm,
            moved_in_on=date(2021, 3, 1),
            left_on=date(2021, 2, 28),
            exit_reason="graduated",
        )
    )


def test_exit_reason_goes_with_left_on(ctx):
    incubator, firm = make_incubator(), make_enterprise()
    db.session.commit()
    _refused(lambda: make_tenancy(incubator, firm, moved_in_on=date(2021, 3, 1), left_on=date(2021, 4, 1)))


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_loan_amount_must_be_positive(ctx, amount):
    firm = make_enterprise()
    db.session.commit()
    _refused(lambda: make_loan(firm, amount_wan=amount))


def test_money_keeps_two_decimals_exactly(ctx):
    firm = make_enterprise()
    make_loan(firm, registered_on=date(2021, 1, 1), amount_wan="4950.50")
    make_loan(firm, registered_on=date(2021, 2, 1), amount_wan="0.10")
    db.session.commit()
    total = db.session.scalar(select(db.func.sum(PledgeLoan.amount_wan)))
    assert total == Decimal("4950.60")


@pytest.mark.parametrize("targets", ["none", "both"])
def test_outreach_has_exactly_one_target(ctx, targets):
    town, firm = make_town(), make_enterprise()
    db.session.commit()
    fields = {"enterprise": firm, "town": town} if targets == "both" else {"enterprise": None}
    _refused(lambda: make_outreach(**fields))


def test_approved_certification_needs_approved_on(ctx):
    firm = make_enterprise()
    db.session.commit()
    _refused(lambda: make_certification(firm, status="approved"))


def test_certification_kind_must_exist(ctx):
    firm = make_enterprise()
    db.session.commit()
    _refused(lambda: make_certification(firm, kind="no_such_kind", applied_on=date(2021, 1, 1)))


def test_stale_version_update_matches_no_row(ctx):
    """Optimistic locking: an UPDATE carries the version it read, so a concurrent change wins."""
    from sqlalchemy.orm.exc import StaleDataError

    firm = make_enterprise()
    db.session.commit()
    assert firm.version == 1
    # Another writer bumps the row behind this session's back.
    db.session.execute(
        db.update(type(firm)).where(type(firm).id == firm.id).values(version=2, notes="other"),
        execution_options={"synchronize_session": False},
    )
    firm.notes = "mine"
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()
