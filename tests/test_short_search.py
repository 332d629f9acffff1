"""Search terms shorter than a trigram: bounded work, and exactly the firms (and their order) a plain
"name contains the term" query gives, for common and rare terms, whichever way the search reads them."""

from __future__ import annotations

import itertools
from urllib.parse import quote

import pytest
from sqlalchemy import select

from registry.domain.text import name_key
from registry.enterprises import filters
from registry.extensions import db
from registry.models import Certification, Enterprise, Tenancy

from .factories import make_certification, make_enterprise, make_incubator, make_tenancy, make_town, names_on

STEMS = ["盘锦", "辽河", "大洼", "兴隆", "双台子", "锦州"]
TRADES = ["科技", "塑业", "化工", "农业科技", "防水材料", "商贸", "電子科技"]  # one in traditional script
ENDINGS = ["有限公司", "股份有限公司", "合作社", "科技商行"]
TERMS = ["科技", "锦", "塑业", "电子", "商行", "材料", "州化", "猫狗", "x"]  # common, rare, folded, none


@pytest.fixture
def registry(app):
    """84 firms in two towns, a manager's incubator with some of them, certifications of some."""
    with app.app_context():
        towns = [make_town(name="甲镇"), make_town(name="乙镇")]
        incubator = make_incubator(name="甲孵化器", town=towns[0])
        firms = []
        for number, (stem, trade, ending) in enumerate(itertools.product(STEMS, TRADES, ENDINGS[:2])):
            firm = make_enterprise(
                name=f"{stem}{trade}{ending}" if number % 5 else f"{stem}{number}{trade}{ending}",
                town=towns[number % 2],
                employees=(number * 7) % 31 or None,
            )
            firms.append(firm)
        for number, firm in enumerate(firms):
            if number % 3 == 0:
                make_tenancy(incubator=incubator, enterprise=firm)
            if number % 4 == 0:
                make_certification(firm)
        db.session.commit()
        return {"towns": [t.id for t in towns], "incubator": incubator.id}


def expected_firms(app, key: str, *, manager_incubator=None, town=None, order=("name",)) -> list[int]:
    """The straightforward answer: every visible firm whose name key contains the key, in the list's order."""
    with app.app_context():
        query = select(Enterprise).where(Enterprise.archived_at.is_(None))
        if manager_incubator is not None:
            query = query.where(
                Enterprise.id.in_(
                    select(Tenancy.enterprise_id).where(Tenancy.incubator_id == manager_incubator)
                )
            )
        if town is not None:
            query = query.where(Enterprise.town_id == town)
        if order == ("name",):
            query = query.order_by(Enterprise.name, Enterprise.id)  # the database's collation
        else:  # -employees: largest first, empty last, then id descending
            query = query.order_by(
                Enterprise.employees.is_(None), Enterprise.employees.desc(), Enterprise.id.desc()
            )
        return [firm.id for firm in db.session.scalars(query) if key in firm.name_key]


def api_ids(client, headers, path: str) -> list[int]:
    """Every id of the list, following "next" to the end."""
    ids, url = [], path
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        ids += [item["id"] for item in body["items"]]
        url = body["next"]
    return ids


@pytest.fixture
def token(runner):
    def issue(username="script", *roles, incubators=()):
        args = ["users", "create", username]
        for role in roles or ("admin",):
            args += ["--role", role]
        for incubator in incubators:
            args += ["--incubator", str(incubator)]
        assert runner.invoke(args=args).exit_code == 0
        result = runner.invoke(args=["users", "token", username])
        return {"Authorization": f"Bearer {result.output.strip().splitlines()[-1]}"}

    return issue


@pytest.fixture(
    params=[(3, 1), (3, 10**6), (1000, 101)], ids=["walk-the-order", "every-match", "default-bounds"]
)
def short_set(request, monkeypatch):
    """Every way of reading a short term: with at most 3 ids gathered every term but the rarest is common,
    then either found early in the list's order (the walk) or not (every matching id, sorted)."""
    monkeypatch.setattr(filters, "SHORT_SET", request.param[0])
    monkeypatch.setattr(filters, "SHORT_EARLY", request.param[1])
    return request.param


@pytest.mark.parametrize("term", TERMS)
def test_a_short_term_finds_exactly_the_firms_a_plain_query_does(
    app, client, token, registry, short_set, term
):
    headers = token()
    key = name_key(term)
    expected = expected_firms(app, key)
    assert api_ids(client, headers, f"/api/v1/enterprises?q={quote(term)}&size=20") == expected
    town = registry["towns"][1]
    assert api_ids(
        client, headers, f"/api/v1/enterprises?q={quote(term)}&town={town}&sort=-employees&size=20"
    ) == expected_firms(app, key, town=town, order=("-employees",))


def test_the_terms_cover_both_ways_and_an_empty_answer(app, registry):
    counts = {term: len(expected_firms(app, name_key(term))) for term in TERMS}
    assert counts["科技"] > 20 and counts["锦"] > 20  # more than a page: the list's order decides
    assert 0 < counts["塑业"] <= 20 and 0 < counts["州化"] <= 3  # rare: within a page, and fewer than 3
    assert counts["电子"] > 0  # typed in simplified script, stored in traditional
    assert counts["猫狗"] == 0 and counts["x"] == 0


@pytest.mark.parametrize("term", ["科技", "塑业", "锦"])
def test_a_manager_finds_only_their_own_firms_by_a_short_term(app, client, token, registry, short_set, term):
    headers = token("mgr", "incubator_manager", incubators=[registry["incubator"]])
    expected = expected_firms(app, name_key(term), manager_incubator=registry["incubator"])
    assert expected
    assert api_ids(client, headers, f"/api/v1/enterprises?q={quote(term)}&size=20") == expected


@pytest.mark.parametrize("term", ["科技", "塑业"])
def test_records_of_firms_found_by_a_short_term(app, client, token, registry, short_set, term):
    headers = token()
    firms = set(expected_firms(app, name_key(term)))
    with app.app_context():
        expected = sorted(
            db.session.scalars(select(Certification.id).where(Certification.enterprise_id.in_(firms))),
            reverse=True,
        )
    found = api_ids(client, headers, f"/api/v1/certifications?q={quote(term)}&size=20&sort=-id")
    assert found == expected and found


@pytest.mark.parametrize("term", ["科技", "塑业", "猫狗"])
def test_the_list_page_shows_the_first_matches_and_counts_them(app, client, auth, registry, short_set, term):
    auth.login("rw", roles=("report_writer",))
    expected = expected_firms(app, name_key(term))
    page = client.get(f"/enterprises/?q={quote(term)}&size=20").get_data(as_text=True)
    with app.app_context():
        names = {firm.id: firm.name for firm in db.session.scalars(select(Enterprise))}
    assert names_on(page) == [names[i] for i in expected[:20]]
    assert f"共{len(expected)}家" in page


@pytest.mark.parametrize("term", ["科技", "塑业"])
def test_a_short_search_costs_the_statements_of_any_page(app, client, auth, registry, count_statements, term):
    """One statement more than a page without search (the bounded read of matching ids), on every page."""
    auth.login("rw", roles=("report_writer",))
    with count_statements() as plain:
        client.get("/enterprises/?size=20")
    with count_statements() as searched:
        client.get(f"/enterprises/?q={quote(term)}&size=20")
    assert searched.count == plain.count + 1
    gathered = [s for s in searched.statements if "AS part" in s]
    assert len(gathered) == 1 and "name_key" in gathered[0] and gathered[0].count("LIMIT") == 2
