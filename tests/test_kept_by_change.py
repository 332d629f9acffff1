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


def edit_firm(user, firm, values: dict) -> None:
    """The firm's form saved with ``values`` (the write path a user's edit takes)."""
    writer.update(catalog.get("enterprise"), user, firm.id, firm.version, values, partial=True)


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
    edit_firm(boss, firm, {"contact_phone": "0571-88886666"})
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
    edit_firm(boss, firm, {"contact_phone": "0571-88886666"})
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
    edit_firm(boss, firm, {"deregistered_on": date(2021, 6, 30), "deregistered_reason": "cancelled"})
    assert ind.values(indicators, *YEAR)["enterprises.total"] == 2
    assert ind.values(indicators, date(2020, 1, 1), date(2020, 12, 31))["enterprises.total"] == 3


def test_a_firm_registered_reads_again_only_the_values_that_count_firms_themselves(ctx, count_statements):
    indicators = ind.all_indicators()
    firm = factories.make_enterprise(established_on=date(2020, 1, 1))
    incubator = factories.make_incubator()
    factories.make_tenancy(incubator=incubator, enterprise=firm)
    factories.make_certification(firm, status="approved", approved_on=date(2021, 5, 1))
    db.session.commit()
    first = ind.values(indicators, *YEAR)

    factories.make_enterprise(established_on=date(2021, 2, 1))  # a firm with no records yet
    db.session.commit()
    with count_statements() as after:
        again = ind.values(indicators, *YEAR)
    assert again["enterprises.total"] == first["enterprises.total"] + 1 == 2
    assert again["enterprises.new"] == first["enterprises.new"] + 1
    read = counting(after.statements)
    assert len(read) == 1 and "tenancies" not in read[0] and "certifications" not in read[0]

    newcomer = factories.make_enterprise(established_on=date(2021, 3, 1))  # a firm and its tenancy
    factories.make_tenancy(incubator=incubator, enterprise=newcomer, moved_in_on=date(2021, 4, 1))
    db.session.commit()
    assert ind.values(indicators, *YEAR)["incubation.tenants_active"] == 2

    db.session.get(Enterprise, firm.id).archived_at = date(2021, 9, 1)  # a firm's own column: all it holds
    db.session.commit()
    last = ind.values(indicators, *YEAR)
    assert last["incubation.tenants_active"] == 1 and last["tech_sme.registered"] == 0
    assert last["enterprises.total"] == 2


def test_every_indicator_names_every_table_its_sql_reads(ctx):
    factories.make_tag()
    db.session.commit()
    tables = set(db.metadata.tables)
    for indicator in ind.all_indicators():
        expression = indicator.value(*YEAR)
        sql = str(expression.compile(db.engine))
        named = {word for word in re.findall(r"\b[a-z_]+\b", sql) if word in tables}
        found = reads(expression)
        assert named and named <= {name.split(".")[0] for name in found}, indicator.code
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


def _first(model, *where):
    return db.session.scalars(select(model).where(*where).order_by(model.id).limit(1)).one()


def _writes():
    """Writes of every kind the summary reads, each as the ORM makes it (a column set, a row added or
    removed), then one in raw SQL."""
    from registry.models import (
        Certification,
        EnterpriseFounderGroup,
        EnterpriseIpSpan,
        EnterpriseTagSpan,
        Incubator,
        ListingTierSpan,
        Outreach,
        PledgeLoan,
        StageChange,
        Training,
    )

    def tenancy_ends():
        tenancy = _first(Tenancy, Tenancy.left_on.is_(None), Tenancy.moved_in_on < date(2021, 1, 1))
        tenancy.left_on, tenancy.exit_reason = date(2021, 6, 30), "graduated"

    def certification_revoked():
        cert = _first(
            Certification, Certification.status == "approved", Certification.approved_on < date(2021, 1, 1)
        )
        cert.status, cert.revoked_on = "revoked", date(2021, 5, 1)

    def key_support_marked():  # a valid national 小巨人 marked for key support
        cert = _first(
            Certification,
            Certification.kind == "little_giant",
            Certification.level == "national",
            Certification.status == "approved",
            Certification.approved_on <= date(2021, 12, 31),
            Certification.valid_until >= date(2021, 12, 31),
            Certification.key_support.is_(False),
            Certification.enterprise.has(Enterprise.established_on <= date(2021, 1, 1)),
            Certification.enterprise.has(Enterprise.deregistered_on.is_(None)),
        )
        cert.key_support = True

    def incubator_closes():
        _first(Incubator, Incubator.closed_on.is_(None)).closed_on = date(2021, 3, 31)

    def firm_deregistered():
        firm = db.session.get(Enterprise, _first(Tenancy, Tenancy.left_on.is_(None)).enterprise_id)
        firm.deregistered_on, firm.deregistered_reason = date(2021, 7, 1), "cancelled"

    def firm_established_later():
        _first(Certification, Certification.status == "approved").enterprise.established_on = date(2022, 5, 1)

    def ip_span_emptied():
        _first(EnterpriseIpSpan, EnterpriseIpSpan.value > 0).value = 0

    def tag_span_ends():
        span = _first(EnterpriseTagSpan, EnterpriseTagSpan.valid_to.is_(None))
        span.valid_from, span.valid_to = date(2020, 1, 1), date(2021, 2, 1)

    def stage_moved():
        change = _first(StageChange)
        change.stage, change.changed_on = "listed", date(2021, 8, 1)

    def tier_moved():
        _first(ListingTierSpan).tier = "key"

    def loan_grows():
        loan = _first(PledgeLoan)
        loan.amount_wan, loan.registered_on = loan.amount_wan + 100, date(2021, 9, 1)

    def outreach_moved():
        _first(Outreach).held_on = date(2021, 10, 1)

    def training_moved():
        listing = Training.topic == "listing"
        earlier = _first(Training, Training.participants.any(), listing, Training.held_on < date(2021, 1, 1))
        earlier.held_on = date(2021, 11, 1)

    def participants_leave():
        training = _first(Training, Training.participants.any(), Training.held_on == date(2021, 11, 1))
        training.participants.clear()

    def newcomer_with_a_tenancy():
        firm = factories.make_enterprise(established_on=date(2021, 3, 1))
        factories.make_tenancy(incubator=_first(Incubator, Incubator.closed_on.is_(None)), enterprise=firm)

    def founder_group_joined():  # the newcomer's, a tenant already (no tenancy written now)
        newcomer = db.session.scalar(select(Enterprise.id).order_by(Enterprise.id.desc()).limit(1))
        db.session.add(EnterpriseFounderGroup(enterprise_id=newcomer, founder_group="veteran"))

    def raw_sql():
        db.session.execute(
            text("UPDATE tenancies SET left_on = NULL, exit_reason = NULL WHERE left_on IS NOT NULL")
        )

    return [
        tenancy_ends,
        certification_revoked,
        key_support_marked,
        incubator_closes,
        firm_deregistered,
        firm_established_later,
        ip_span_emptied,
        tag_span_ends,
        stage_moved,
        tier_moved,
        loan_grows,
        outreach_moved,
        training_moved,
        participants_leave,
        newcomer_with_a_tenancy,
        founder_group_joined,
        raw_sql,
    ]


def test_after_every_kind_of_write_the_kept_values_are_those_read_afresh(app, ctx, monkeypatch):
    from registry.synth import generate

    generate(1500, 7, echo=lambda *a, **k: None)
    indicators = ind.all_indicators()
    periods = [YEAR, (date(2021, 4, 1), date(2021, 9, 30)), (date(2016, 1, 1), date(2026, 12, 31))]

    def kept_and_afresh():
        kept = {period: ind.values(indicators, *period) for period in periods}
        monkeypatch.setitem(app.config, "SUMMARY_CACHE_SIZE", 0)
        afresh = {period: ind.values(indicators, *period) for period in periods}
        monkeypatch.setitem(app.config, "SUMMARY_CACHE_SIZE", 64)
        return kept, afresh

    kept, afresh = kept_and_afresh()
    assert kept == afresh
    for write in _writes():
        write()
        db.session.commit()
        kept_now, afresh_now = kept_and_afresh()
        assert kept_now == afresh_now, write.__name__
        assert afresh_now != afresh, write.__name__  # the write moved some value: the check has teeth
        afresh = afresh_now


def test_a_tag_given_another_tags_code_reads_its_firms_again(ctx):
    from registry.models import Tag

    cloud = factories.make_tag("cloud", "上云")
    factories.make_tag("smart-workshop", "智能车间")
    factories.make_enterprise(established_on=date(2020, 1, 1), tags=[cloud])
    db.session.commit()
    assert ind.values(ind.all_indicators(), *YEAR)["tags.cloud"] == 1
    cloud, workshop = (
        db.session.scalar(select(Tag).where(Tag.code == c)) for c in ("cloud", "smart-workshop")
    )
    cloud.code = "was-cloud"
    db.session.flush()
    workshop.code = "cloud"
    db.session.flush()
    cloud.code = "smart-workshop"
    db.session.commit()  # the codes swapped: "tags.cloud" is now the tag no firm has
    found = ind.values(ind.all_indicators(), *YEAR)
    assert (found["tags.cloud"], found["tags.smart-workshop"]) == (0, 1)


def test_the_statement_of_a_periods_values_is_built_once_and_not_for_another_tag(ctx):
    """The statement reading a period's values is kept by the period and the indicators it reads; a tag's
    indicator under the same code but of another tag (its id) gets a statement of its own."""
    from registry.models import Tag
    from registry.reports import counting

    factories.make_tag("cloud", "上云")
    db.session.commit()
    tags = [i for i in ind.all_indicators() if i.code.startswith("tags.")]
    first = counting._statement(tags, *YEAR)
    assert (
        counting._statement([i for i in ind.all_indicators() if i.code.startswith("tags.")], *YEAR) is first
    )
    assert counting._statement(tags, date(2020, 1, 1), date(2020, 12, 31)) is not first
    db.session.scalar(select(Tag).where(Tag.code == "cloud")).code = "old-cloud"
    factories.make_tag("cloud", "上云（新）")
    db.session.commit()
    again = [i for i in ind.all_indicators() if i.code == "tags.cloud"]
    assert counting._statement(again, *YEAR) is not first


def test_an_imports_commit_names_the_tables_its_batches_wrote(ctx):
    """A bulk import's batch goes in as rows (on PostgreSQL through COPY, which the engine's events do not
    see): its commit still names exactly the tables it wrote, not "anything"."""
    from registry.imports.run import ImportRun
    from registry.imports.spec import BY_NAME

    from .import_helpers import csv_bytes

    town = factories.make_town()
    db.session.commit()
    boss = factories.make_user("boss", ["admin"])
    db.session.commit()
    before = version()
    rows = [[f"导入企业{i}", factories.uscc(), "企业", town.name, "3"] for i in range(3)]
    run = ImportRun.open(BY_NAME["enterprises"], boss, csv_bytes(rows), "企业.csv")
    assert run.commit().created == 3
    changed = changed_since(before)
    assert {Enterprise.__tablename__, ChangeLog.__tablename__} <= changed and "*" not in changed
    assert not any(name.startswith("towns") or name.startswith("enterprises.") for name in changed)
