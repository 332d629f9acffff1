"""The enterprise list costs the same few statements on any page, with any filter and any sort order."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Enterprise, Tag, Town
from registry.paging import encode_cursor
from registry.synth import generate

from .factories import names_on

BUDGET = 8  # statements per page, sign-in included (SQLite counts its BEGIN as one)
# A term shorter than a trigram first reads at most SHORT_SET matching ids (enterprises/filters.py).
SHORT_TERM_BUDGET = BUDGET + 1
SORTS = ["name", "-uscc", "established_on", "-employees", "registered_capital_wan", "-high_value_ip_count"]


@pytest.fixture
def province(app):
    with app.app_context():
        generate(120, 11, echo=lambda *a, **k: None)
        db.session.commit()
        return {
            "town": db.session.scalar(select(Town.id).order_by(Town.id)),
            "tag": db.session.scalar(select(Tag.code).order_by(Tag.code)),
            "q": db.session.scalar(select(Enterprise.name).order_by(Enterprise.id))[2:5],
            "q2": db.session.scalar(select(Enterprise.name).order_by(Enterprise.id))[2:4],
        }


def next_link(page: str) -> str | None:
    match = re.search(r'href="([^"]*after=[^"]*)" rel|rel="next" href="([^"]+)"', page)
    return (match.group(1) or match.group(2)).replace("&amp;", "&") if match else None


FILTERS = [
    "",
    "town={town}",
    "town={town}&industry=C",
    "tag={tag}&founder_group=veteran",
    "certification=high_tech",
    "legal_form=company&certification=tech_sme",
    "q={q}",
    "q={q2}",
    "archived=all",
]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("filters", FILTERS)
def test_every_page_within_the_budget_and_deep_pages_cost_the_first(
    client, auth, app, province, count_statements, filters, sort
):
    auth.login("rw", roles=("report_writer",))
    url = f"/enterprises/?{filters.format(**province)}&sort={sort}&size=20"
    counts = []
    while url and len(counts) < 3:
        with count_statements() as counter:
            page = client.get(url).get_data(as_text=True)
        counts.append(counter.count)
        url = next_link(page)
    assert max(counts) <= (SHORT_TERM_BUDGET if "{q2}" in filters else BUDGET), counts
    assert len(set(counts)) == 1, counts  # the first page costs what the next ones do


def test_the_thousandth_page_costs_the_first(client, auth, app, province, count_statements):
    """A cursor far into the list (as "next" would carry it) issues what the first page does."""
    auth.login("rw", roles=("report_writer",))
    with app.app_context():
        last = db.session.execute(
            select(Enterprise.name, Enterprise.id).order_by(Enterprise.name.desc(), Enterprise.id.desc())
        ).first()
        before_last = db.session.execute(
            select(Enterprise.name, Enterprise.id)
            .order_by(Enterprise.name.desc(), Enterprise.id.desc())
            .offset(1)
        ).first()
    with count_statements() as first:
        client.get("/enterprises/")
    with count_statements() as deep:
        page = client.get(f"/enterprises/?after={encode_cursor(before_last.name, before_last.id)}")
    assert names_on(page.get_data(as_text=True)) == [last.name]
    assert deep.count == first.count <= BUDGET
