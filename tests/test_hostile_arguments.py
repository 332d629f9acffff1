"""Arguments at the edges of their types: dates at the ends of the calendar, integers past the database's
range, cursors that decode to the wrong types, and JSON bodies no client should send."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Enterprise, Town

from .factories import make_enterprise
from .test_fuzz_lists import LISTS, encode, get, sign_in

EDGES = [
    ("0001-01-01", "0001-12-31"),
    ("9999-01-01", "9999-12-31"),
    ("0001-01-01", "9999-12-31"),
    ("1899-12-31", "1900-01-31"),
]
PERIOD_URLS = [
    "/reports/",
    "/reports/summary.csv",
    "/reports/summary.xlsx",
    "/reports/draft.docx",
    "/reports/charts.json",
    "/reports/drill/enterprises.total",
    "/reports/drill/enterprises.total.csv",
    "/reports/drill/enterprises.total.xlsx",
]


@pytest.fixture
def signed_in(app, client, auth, monkeypatch):
    return sign_in(app, client, auth, monkeypatch)


def test_report_periods_at_the_ends_of_the_calendar_are_refused(signed_in):
    for start, end in EDGES:
        for url in PERIOD_URLS:
            response = get(signed_in, url, {"start": start, "end": end})
            assert response.status_code < 500, (url, start, end)
        page = get(signed_in, "/reports/", {"start": start, "end": end}).get_data(as_text=True)
        assert "期间有误" in page  # the page says so and shows this year instead
        for url in ("/api/v1/summary", "/api/v1/summary/enterprises.total"):
            response = get(signed_in, url, {"start": start, "end": end})
            assert response.status_code == 422, (url, start, end)


def test_audit_dates_at_the_ends_of_the_calendar_are_ignored_with_a_message(signed_in):
    for args in ({"from": "0001-01-01"}, {"to": "9999-12-31"}, {"from": "9999-12-31"}):
        for url in ("/audit/", "/audit/export.csv", "/audit/export.xlsx"):
            assert get(signed_in, url, args).status_code == 200, (url, args)
        page = get(signed_in, "/audit/", args).get_data(as_text=True)
        assert "1900-01-01" in page  # the reason names the range


def test_renewals_on_a_date_at_the_end_of_the_calendar(signed_in):
    assert signed_in.get("/certifications/renewals?on=9999-12-31").status_code == 200


INT_FILTERS = [
    (url, name)
    for _name, urls, params, _sorts in LISTS
    for url in urls[:2]
    for name in params
    if name in ("town", "park", "incubator", "batch", "user", "enterprise", "town_id", "park_id", "employees")
]


def test_integer_filters_past_the_database_range_are_refused(signed_in):
    assert len(INT_FILTERS) > 15
    for value in ("99999999999999999999", "-99999999999999999999", str(2**31)):
        for url, name in INT_FILTERS:
            response = get(signed_in, url, {name: value})
            if url.startswith("/api/"):
                assert response.status_code == 422, (url, name)
                assert name in response.get_json()["errors"]
            else:
                assert response.status_code == 200, (url, name)
    page = get(signed_in, "/enterprises/", {"town": "99999999999999999999"}).get_data(as_text=True)
    assert "2147483647" in page  # the filter is ignored and the page says why


def test_drill_down_after_past_the_database_range_starts_at_the_first_page(signed_in):
    for after in ("99999999999999999999", "-99999999999999999999", "1e20", "x"):
        response = signed_in.get(f"/reports/drill/enterprises.total?after={after}")
        assert response.status_code == 200, after


IDS = [
    "/enterprises/99999999999999999999",
    "/enterprises/99999999999999999999/edit",
    "/api/v1/enterprises/99999999999999999999",
    "/audit/99999999999999999999",
    "/reports/snapshots/99999999999999999999",
    "/api/v1/snapshots/99999999999999999999/compare",
    "/towns/2147483648",
    "/enterprises/" + "9" * 5000,
]


def test_ids_past_the_database_range_are_not_found(signed_in):
    for path in IDS:
        assert signed_in.get(path).status_code == 404, path
    for id_ in ("99999999999999999999", "3000000000"):  # every method, not 405 for the later rules
        assert signed_in.delete(f"/api/v1/certifications/{id_}").status_code == 404, id_
        patch = signed_in.patch(f"/api/v1/enterprises/{id_}", json={"version": 1})
        assert patch.status_code == 404, id_
        assert signed_in.post(f"/enterprises/{id_}/archive").status_code == 404, id_


BAD_CURSORS = [
    "[1e20, 1]",
    "[NaN, 1]",
    "[Infinity, 1]",
    '["0000-00-00", 1]',
    '["10000-01-01", 1]',
    "[1, 2, 3]",
    '"x"',
    "[null, 99999999999999999999]",
    '["a\\u0000b", 1]',
    '["\\ud800", 1]',
    "[true, 1]",
    "[[1], 1]",
    "[1, 1.5]",
]
CURSOR_CASES = (
    [("employees", r) for r in BAD_CURSORS]
    + [("established_on", r) for r in BAD_CURSORS[:5]]
    + [("registered_capital_wan", r) for r in BAD_CURSORS[:5]]
    + [("name", r) for r in ('["a\\u0000b", 1]', '["\\ud800", 1]', "[1, 99999999999999999999]")]
    + [
        ("updated_at", r)
        for r in ('["2021-01-01T00:00:00+08:00", 1]', '["10000-01-01T00:00:00", 1]', "[1, 1]")
    ]
)


def test_a_cursor_of_the_wrong_types_is_refused_by_the_api_and_ignored_by_pages(signed_in):
    for sort, raw in CURSOR_CASES:
        cursor = encode(raw)
        api = signed_in.get(f"/api/v1/enterprises?sort={sort}&after={cursor}")
        assert api.status_code == 400, (sort, raw)
        assert api.get_json()["error"]["message"] == "翻页位置无效"
        page = signed_in.get(f"/enterprises/?sort={sort}&after={cursor}")
        assert page.status_code == 200 and "翻页位置无效" in page.get_data(as_text=True), (sort, raw)
        assert get(signed_in, f"/enterprises/export.csv?sort={sort}&after={cursor}").status_code == 200


def test_a_cursor_that_is_not_base64_is_refused(signed_in):
    for cursor in ("!!!", "a", "====", "x" * 5000):
        assert signed_in.get(f"/api/v1/enterprises?after={cursor}").status_code == 400, cursor
        assert signed_in.get(f"/enterprises/?after={cursor}").status_code == 200, cursor


def test_a_good_cursor_still_pages(signed_in, app):
    with app.app_context():
        town = db.session.scalar(select(Town))
        for n in range(3):
            make_enterprise(town=town, name=f"翻页企业{n}", employees=10 + n)
        db.session.commit()
    for sort in ("employees", "-registered_capital_wan", "name", "-updated_at", "established_on"):
        first = signed_in.get(f"/api/v1/enterprises?sort={sort}&size=2").get_json()
        second = signed_in.get(first["next"]).get_json()
        assert len(first["items"]) == 2 and len(second["items"]) >= 1, sort
        assert {i["id"] for i in first["items"]}.isdisjoint(i["id"] for i in second["items"])


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Enterprise))


def test_json_with_a_lone_surrogate_is_refused_and_nothing_is_stored(signed_in, app):
    with app.app_context():
        town_id = db.session.scalar(select(Town.id))
        firm = db.session.scalar(select(Enterprise))
        firm_id, notes = firm.id, firm.notes
    before = _count(app)
    for escape in ("\\ud800", "\\udfff", "a\\ud800b"):
        body = '{"name": "' + escape + '", "legal_form": "team", "town_id": ' + str(town_id) + "}"
        response = signed_in.post("/api/v1/enterprises", data=body, content_type="application/json")
        assert response.status_code == 400, escape
        patch = '{"version": 1, "notes": "' + escape + '"}'
        url = f"/api/v1/enterprises/{firm_id}"
        assert signed_in.patch(url, data=patch, content_type="application/json").status_code == 400
        key = '{"' + escape + '": 1}'
        response = signed_in.post("/api/v1/enterprises", data=key, content_type="application/json")
        assert response.status_code == 400, escape
    assert _count(app) == before
    with app.app_context():
        assert db.session.get(Enterprise, firm_id).notes == notes


def test_json_nested_ten_thousand_deep_is_refused(signed_in):
    for opening, closing in (("[", "]"), ('{"a":', "}")):
        body = opening * 10_000 + "1" + closing * 10_000
        response = signed_in.post("/api/v1/enterprises", data=body, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["error"]["message"] == "请求体嵌套过深"


def test_json_with_a_non_finite_number_is_refused(signed_in):
    for constant in ("NaN", "Infinity", "-Infinity"):
        body = '{"name": "某企业", "legal_form": "team", "employees": ' + constant + "}"
        response = signed_in.post("/api/v1/enterprises", data=body, content_type="application/json")
        assert response.status_code == 400, constant


def test_ordinary_json_is_still_accepted(signed_in, app):
    with app.app_context():
        town_id = db.session.scalar(select(Town.id))
    body = json.dumps({"name": "正常企业", "legal_form": "team", "town_id": town_id, "notes": "𠮷"})
    response = signed_in.post("/api/v1/enterprises", data=body, content_type="application/json")
    assert response.status_code == 201, response.get_json()
