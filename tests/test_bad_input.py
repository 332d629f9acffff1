"""Arbitrary input on every form: no 500, and nothing stored renders as markup."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.extensions import db

from .factories import make_enterprise, make_incubator, make_town

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE enterprises; --",
    "\x00\x01\x7f",
    "𠮷" * 300,
    "=cmd|' /C calc'!A0",
    "1e309",
    "-0",
    "9" * 40,
    "２０２１年２月３０日",
]
TEXT = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=300))

FORMS = {
    "/enterprises/new": [
        "name",
        "uscc",
        "legal_form",
        "town_id",
        "park_id",
        "industry",
        "established_on",
        "registered_capital_wan",
        "employees",
        "rd_staff",
        "address",
        "contact_name",
        "contact_phone",
        "founder_groups",
        "high_value_ip_count",
        "tags",
        "notes",
    ],
    "/incubators/new": ["name", "kind", "level", "town_id", "operator", "address", "area_m2", "opened_on"],
    "/tenants/new": [
        "incubator_id",
        "firm_mode",
        "firm",
        "name",
        "uscc",
        "legal_form",
        "town_id",
        "founder_groups",
        "moved_in_on",
        "free_space_until",
    ],
    "/certifications/new": [
        "enterprise_id",
        "kind",
        "level",
        "status",
        "applied_on",
        "approved_on",
        "valid_until",
        "revoked_on",
        "year",
        "batch",
        "certificate_no",
        "key_support",
        "product_name",
    ],
    "/certification-kinds/new": ["code", "name", "validity", "number_pattern"],
    "/outreach/new": ["held_on", "enterprise_id", "town_id", "form", "attendees", "staff", "notes"],
    "/pledge-loans/new": [
        "enterprise_id",
        "lender",
        "guarantor",
        "ip_type",
        "ip_numbers",
        "registration_no",
        "registered_on",
        "amount_wan",
        "term_months",
        "status",
    ],
    "/listing-candidates/new": ["enterprise_id", "entered_on", "tier", "target_board", "sponsor"],
    "/trainings/new": ["held_on", "title", "topic", "enterprise_ids"],
    "/towns/new": ["code", "name"],
    "/tags/new": ["code", "name"],
    "/login": ["username", "password"],
    "/account/password": ["current", "new", "confirm"],
    "/admin/users/new": ["username", "display_name", "roles", "incubators"],
}


@pytest.fixture
def signed_in(app, client, auth):
    with app.app_context():
        town = make_town(name="太平街道")
        make_incubator(town=town)
        make_enterprise(town=town)
        db.session.commit()
    auth.login()
    return client


@pytest.mark.parametrize("path", sorted(FORMS))
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(values=st.lists(TEXT, min_size=20, max_size=20))
def test_arbitrary_form_input_never_gives_a_500(signed_in, path, values):
    data = dict(zip(FORMS[path], values, strict=False))
    response = signed_in.post(path, data=data)
    assert response.status_code < 500
    if path == "/login":
        signed_in.post("/login", data={"username": "admin", "password": "x"})


def test_stored_markup_is_shown_as_text(signed_in, app):
    town_id = None
    with app.app_context():
        from registry.models import Town

        town_id = db.session.scalar(db.select(Town.id))
    payload = "<script>alert('x')</script>"
    response = signed_in.post(
        "/enterprises/new",
        data={"name": payload, "legal_form": "team", "town_id": str(town_id), "notes": payload},
    )
    assert response.status_code == 302
    for path in (response.headers["Location"], "/enterprises/", "/audit/"):
        page = signed_in.get(path).get_data(as_text=True)
        assert payload not in page and "&lt;script&gt;" in page


def test_invalid_utf8_in_an_upload_is_refused_cleanly(signed_in):
    import io

    response = signed_in.post(
        "/imports/",
        data={"kind": "enterprises", "file": (io.BytesIO(b"\xff\xfe\xfa,\x00\x81"), "企业.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200 and "编码" in response.get_data(as_text=True)
