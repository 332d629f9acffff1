"""The list's and the summary's queries read indexes, never a whole big table (EXPLAIN on both databases).

Every SQL statement a page issues is explained with its own parameters. SQLite: no plan step may be a bare
``SCAN`` of a big table (``SEARCH … USING INDEX`` or an index walked in the list's order is fine).
PostgreSQL prefers sequential scans on a small test database, so sequential scans are switched off for
the EXPLAIN: a ``Seq Scan`` that remains means no index could answer the query.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select, text

from registry.extensions import db
from registry.models import Enterprise, Tag, Town
from registry.paging import encode_cursor
from registry.synth import generate

BIG = (
    "enterprises",
    "certifications",
    "tenancies",
    "outreach",
    "pledge_loans",
    "listing_candidates",
    "stage_changes",
    "trainings",
    "training_participants",
    "enterprise_tags",
    "enterprise_founder_groups",
)
# Read whole once per statement at most (a membership list), never again for each row of another table.
SPANS = ("enterprise_ip_spans", "enterprise_tag_spans", "listing_tier_spans")
YEAR = "preset=custom&start=2021-01-01&end=2021-12-31"


@pytest.fixture
def registry(app):
    with app.app_context():
        generate(300, 7, echo=lambda *a, **k: None)
        db.session.commit()
        town = db.session.scalar(select(Town.id).order_by(Town.id))
        tag = db.session.scalar(select(Tag.code).order_by(Tag.code))
        row = db.session.execute(
            select(Enterprise.name, Enterprise.id).order_by(Enterprise.name, Enterprise.id).offset(100)
        ).first()
        name_part = row.name[2:5]
        return {
            "town": town,
            "tag": tag,
            "cursor": encode_cursor(row.name, row.id),
            "q": name_part,
            "q2": row.name[2:4],  # two characters: no trigram, a bounded read of the names
            "q2_rare": row.name[-6:-4],
        }


def statements_of(client, app, path: str) -> list[tuple[str, object]]:
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, path
    return seen


def full_scans(app, statements) -> list[str]:
    """The plan steps that read a whole big table, for each statement."""
    found = []
    with app.app_context(), db.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("SET LOCAL enable_seqscan = off"))
        for statement, parameters in statements:
            flat = " ".join(statement.split())
            bounded = ("SELECT count(*) AS count_1 FROM (SELECT", "WITH facet_ids AS MATERIALIZED (SELECT")
            if flat.startswith(bounded) and re.search(r"LIMIT \S+( OFFSET \S+)?\)", flat):
                continue  # the bounded count and facets: they stop after COUNT_LIMIT + 1 rows

            prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            rows = connection.exec_driver_sql(prefix + statement, parameters).all()
            plan = [row[-1] for row in rows]
            if not postgres:
                found += [f"{step}  ←  {flat[:300]}" for step in correlated_span_scans(rows)]
            for step in plan:
                table = (
                    re.search(r"Seq Scan on (\w+)", step)
                    if postgres
                    else re.fullmatch(r"\s*SCAN (\w+)(?: AS \w+)?\s*", step)
                )
                if table and table.group(1) in BIG:
                    found.append(f"{step.strip()}  ←  {flat[:300]}")
    return found


def correlated_span_scans(rows) -> list[str]:
    """SQLite plan steps that scan a spans table inside a correlated subquery (a scan per outer row)."""
    steps = {row[0]: (row[1], row[-1]) for row in rows}
    found = []
    for parent, detail in steps.values():
        table = re.fullmatch(r"\s*SCAN (\w+)(?: AS \w+)?\s*", detail)
        if not table or table.group(1) not in SPANS:
            continue
        while parent in steps:
            parent, above = steps[parent]
            if above.startswith("CORRELATED"):
                found.append(f"{detail.strip()} in {above}")
                break
    return found


LIST_PAGES = [
    "/enterprises/",
    "/enterprises/?after={cursor}",
    "/enterprises/?town={town}",
    "/enterprises/?town={town}&industry=C",
    "/enterprises/?tag={tag}&founder_group=veteran",
    "/enterprises/?certification=high_tech",
    "/enterprises/?certification=tech_sme&legal_form=company&sort=-employees",
    "/enterprises/?q={q}",
    "/enterprises/?q={q2}",
    "/enterprises/?q={q2_rare}&sort=-employees",
    "/enterprises/?q={q2}&town={town}",
    *[
        f"/enterprises/?sort={key}"
        for key in (
            "name",
            "-uscc",
            "established_on",
            "-employees",
            "registered_capital_wan",
            "-high_value_ip_count",
            "-updated_at",
        )
    ],
    "/enterprises/?sort=-employees&after={cursor_employees}",
]


@pytest.mark.parametrize("page", LIST_PAGES)
def test_enterprise_list_reads_indexes_only(client, auth, app, registry, page):
    auth.login("rw", roles=("report_writer",))
    registry = registry | {"cursor_employees": encode_cursor(None, 10**6)}
    statements = statements_of(client, app, page.format(**registry))
    assert any("FROM enterprises" in s for s, _p in statements)
    assert full_scans(app, statements) == []


@pytest.mark.parametrize(
    "page",
    [
        f"/reports/?{YEAR}",
        "/reports/?preset=months&year=2021&months=7",
        "/api/v1/summary?start=2021-01-01&end=2021-12-31",
        f"/reports/drill/tech_sme.valid?{YEAR}",
        f"/reports/drill/incubation.veteran_tenants_active?{YEAR}",
        # Firms with the records behind them (the via records of a 家 indicator), and the new indicators.
        f"/reports/drill/incubation.tenants_active?{YEAR}",
        f"/reports/drill/high_tech.applied?{YEAR}",
        f"/reports/drill/listing.training_enterprises?{YEAR}",
        f"/reports/drill/ip_pledge.outreach_enterprises_high_value?{YEAR}",
        f"/reports/drill/ip_pledge.outreach_towns?{YEAR}",
        f"/reports/drill/enterprises.total?{YEAR}",
        "/api/v1/summary/ip_pledge.loan_enterprises?start=2021-01-01&end=2021-12-31",
        "/api/v1/summary/tech_sme.valid?start=2021-01-01&end=2021-12-31",
    ],
)
def test_summary_reads_indexes_only(client, auth, app, registry, page):
    auth.login("rw", roles=("report_writer",))
    statements = statements_of(client, app, page)
    assert any(f"FROM {table}" in " ".join(s.split()) for s, _p in statements for table in BIG)
    assert full_scans(app, statements) == []


def test_the_check_sees_a_full_scan(app, registry):
    """A condition no index answers (a contact's name) is reported, on either database."""
    with app.app_context(), db.engine.connect() as connection:
        statement = (
            str(select(Enterprise.id).where(Enterprise.contact_name == "张三").compile(connection))
            .replace("?", "'张三'")
            .replace("%(contact_name_1)s", "'张三'")
        )
    found = full_scans(app, [(statement, ())])
    assert len(found) == 1 and "enterprises" in found[0]


def test_the_town_list_reads_its_page_count_and_facets_from_one_index(client, auth, app, registry):
    """SQLite: the list filtered by town walks the town's index in the list's order for its page (reading
    only the page's rows), and finds its count and its facets' firms in that index alone."""
    auth.login("rw", roles=("report_writer",))
    statements = statements_of(client, app, f"/enterprises/?town={registry['town']}")
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            pytest.skip("SQLite's plans name covering indexes")
        reads = []
        for statement, parameters in statements:
            if "enterprises.town_id = " not in statement:
                continue
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            steps = [row[-1] for row in plan]
            reads += [step for step in steps if re.match(r"\s*(SEARCH|SCAN) enterprises\b", step)]
            if len(reads) == 1:  # the page: in the index's order, no sort
                assert not any("TEMP B-TREE" in step for step in steps), steps
    assert len(reads) == 3, reads  # the page, the count, the facets' ids
    page, *counted = reads
    assert "USING INDEX ix_enterprises_town_list (town_id=? AND archived_at=?)" in page, page
    assert all("USING COVERING INDEX ix_enterprises_town_list" in step for step in counted), counted


def test_the_summary_reads_certifications_listings_and_ip_from_indexes_alone(client, auth, app, registry):
    """SQLite: every certification count of the summary's statement (valid at end, key support included;
    applied in the period), the listing reserve (a candidate's stage and tier on the day) and the firms
    holding high-value IP read covering indexes, never a row (a candidate found by its id aside)."""
    auth.login("rw", roles=("report_writer",))
    statements = statements_of(client, app, f"/reports/?{YEAR}")
    tables = r"certifications|listing_candidates|stage_changes|listing_tier_spans|enterprise_ip_spans"
    steps = []
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            pytest.skip("SQLite's plans name covering indexes")
        for statement, parameters in statements:
            if "valid_certifications" not in statement:  # the summary's values, read in one statement
                continue
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            steps += [row[-1] for row in plan if re.match(rf"\s*(SEARCH|SCAN) ({tables})\b", row[-1])]
    read = {re.match(r"\s*\w+ (\w+)", step).group(1) for step in steps}
    assert read == set(tables.split("|")), steps
    assert all(re.search("USING (COVERING INDEX|INTEGER PRIMARY KEY)", step) for step in steps), steps
