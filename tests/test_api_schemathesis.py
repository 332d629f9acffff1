"""schemathesis over the whole OpenAPI document, in process: no 500 and no response the document contradicts."""

from __future__ import annotations

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from registry import create_app
from registry.auth.services import create_user, issue_token
from registry.demo import load_demo_data

# The document needs no database: any instance of the app serves it. Requests go to the test app below.
_document_app = create_app(
    {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tempfile.mkdtemp()}/doc.sqlite3",
        "SECRET_KEY": "doc",
        "TESTING": True,
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document_app)


@pytest.fixture
def bearer(app):
    """An admin token, on a registry holding the demo data (so ids and references often exist)."""
    with app.app_context():
        load_demo_data()
        create_user("fuzz", ["admin"])
        token = issue_token("fuzz")
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_document(case, app, bearer):
    response = case.call(app=app, headers=bearer)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
