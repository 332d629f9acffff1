"""A kept summary value is read again only when a committed write changed what it reads: each write records
the tables it inserted into or deleted from and the columns it updated (registry/db.py, ``data_changes``),
each indicator's value names the tables and columns its SQL reads (reports/kept.py)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select, text

from registry.extensions import db
from registry.models import ChangeLog, DataChange, DataVersion, Enterprise, Tenancy
from registry.records import catalog, writer
from registry.reports import indicators as ind
from registry.reports.kept import reads

from . import factories

YEAR = (date(2021, 1, 1), date(2021, 12, 31))


def version() -> int:
    db.session.rollback()
    return db.session.scalar(select(DataVersion.counter))


def changed_since(number: int) -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(select(DataChange.name).where(DataChange.version > number)))


def counting(statements: list[str]) -> list[str]:
    """The statements that read records (not the changes, not the tags the indicators are listed from)."""
    return [
        s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH")) and "data_changes" not in s
    ]


def test_a_commit_names_the_tables_it_inserted_into_and_the_columns_it_updated(ctx):
    boss = factories.make_user("boss", ["admin"])
    firm = factories.make_enterprise(established_on=date(2020, 1, 1))
    incubator = factories.make_incubator()
    db.session.commit()

    before = version()
    writer.update(
        catalog.get("enterprise"),
        boss,
        firm.id,
        firm.version,
        {"contact_phone": "0571-88886666"},
        partial=True,
    )
    changed = changed_since(before)
    assert "enterprises.contact_phone" in changed and ChangeLog.__tablename__ in changed
    assert "enterprises" not in changed and "enterprises.deregistered_on" not in changed
    assert "enterprises.established_on" not in changed and "*" not in changed

    before = version()
    factories.make_tenancy(incubator=incubator, enterprise=firm)
    db.session.commit()
    assert changed_since(before) == {Tenancy.__tablename__}

    before = version()
    db.session.execute(text("UPDATE enterprises SET employees = 3"))  # raw SQL does not say: all of it
    db.session.commit()
    assert changed_since(before) == {"*"}
    assert db.session.scalar(select(DataVersion.counter)) == before + 1  # one number per commit


def test_a_tenancy_recorded_reads_the_tenancy_counts_again_and_keeps_the_certifications(
    ctx, count_statements
):
    indicators = ind.all_indicators()
    firm, other = (factories.make_enterprise(established_on=date(2020, 1, 1)) for _ in range(2))
    incubator = factories.make_incubator()
    factories.make_tenancy(incubator=incubator, enterprise=firm)
    factories.make_certification(firm, status="approved", approved_on=date(2021, 5, 1))
    db.session.commit()
    first = ind.values(indicators, *YEAR)
    assert first["incubation.tenants_active"] == 1 and first["tech_sme.registered"] == 1

    factories.make_tenancy(incubator=incubator, enterprise=other)
    db.session.commit()
    with count_statements() as after:
        again = ind.values(indicators, *YEAR)
    assert again["incubation.tenants_active"] == 2 and again["tech_sme.registered"] == 1
    read = counting(after.statements)
    assert len(read) == 1 and "tenancies" in read[0]  # one statement, of what reads tenancies only
    assert "certifications" not in read[0] and "pledge_loans" not in read[0]
    assert again["incubation.tenants_new"] == first["incubation.tenants_new"] + 1
    unmoved = [code for code in first if not code.startswith("incubation.")]
    assert {code: again[code] for code in unmoved} == {code: first[code] for code in unmoved}


def test_a_firm_given_a_new_phone_number_keeps_every_value(ctx, count_statements):
    boss = factories.make_user("boss", ["admin"])
    firm = factories.make_enterprise(established_on=date(2020, 1, 1))
    factories.make_certification(firm, status="approved", approved_on=date(2021, 5, 1))
    db.session.commit()
    indicators = ind.all_indicators()
    first = ind.values(indicators, *YEAR)
    writer.update(
        catalog.get("enterprise"),
        boss,
        firm.id,
        firm.version,
        {"contact_phone": "0571-88886666"},
        partial=True,
    )
    with count_statements() as after:
        assert ind.values(indicators, *YEAR) == first
    assert counting(after.statements) == []


def test_a_firm_deregistered_is_counted_out_at_once(ctx):
    boss = factories.make_user("boss", ["admin"])
    firms = [factories.make_enterprise(established_on=date(2020, 1, 1)) for _ in range(3)]
    db.session.commit()
    indicators = ind.all_indicators()
    assert ind.values(indicators, *YEAR)["enterprises.total"] == 3
    firm = db.session.get(Enterprise, firms[0].id)
    writer.update(
        catalog.get("enterprise"),
        boss,
        firm.id,
        firm.version,
        {"deregistered_on": date(2021, 6, 30), "deregistered_reason": "cancelled"},
        partial=True,
    )
    assert ind.values(indicators, *YEAR)["enterprises.total"] == 2
    assert ind.values(indicators, date(2020, 1, 1), date(2020, 12, 31))["enterprises.total"] == 3


def test_every_indicator_names_every_table_its_sql_reads(ctx):
    factories.make_tag()
    db.session.commit()
    tables = set(db.metadata.tables)
    for indicator in ind.all_indicators():
        expression = indicator.value(*YEAR)
        sql = str(expression.compile(db.engine))
        named = {word for word in re.findall(r"\b[a-z_]+\b", sql) if word in tables}
        found = reads(expression)
        assert named and named <= found, indicator.code
        for word in re.findall(r"\b([a-z_]+)\.([a-z_]+)\b", sql):
            if word[0] in tables and word[1] in db.metadata.tables[word[0]].columns:
                assert ".".join(word) in found, (indicator.code, word)


def test_nothing_in_the_database_changes_a_table_the_statement_did_not_name():
    """A write names what it changes from its own statement (registry/db.py ``written``): a cascade in the
    database (ON DELETE / ON UPDATE) would change rows of another table unseen. If one is ever wanted,
    ``written`` must name the tables it reaches."""
    cascading = [
        f"{table.name}.{fk.parent.name}"
        for table in db.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.ondelete or fk.onupdate
    ]
    assert cascading == []
