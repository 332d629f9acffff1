"""List definitions live with their area: the API reads no HTML route module, "valid at end" and the town
choices are written once, and every face that asks "valid on this day" gets the same firms."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from werkzeug.datastructures import MultiDict

from registry import list_engine
from registry.certifications.filters import SPEC as CERTIFICATION_SPEC
from registry.enterprises.filters import SPEC as ENTERPRISE_SPEC
from registry.extensions import db
from registry.models import Certification
from registry.reports import indicators

from .factories import make_enterprise

REGISTRY = Path(__file__).resolve().parent.parent / "registry"


def test_the_api_collections_import_no_route_module():
    """Importing the API's collections (and everything they import) loads no ``routes`` module."""
    code = (
        "import sys, registry.api.collections as c; "
        "print('\\n'.join(m for m in sys.modules if m.startswith('registry.') and m.endswith('.routes')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REGISTRY.parent
    ).stdout.split()
    assert loaded == []


def _modules_containing(text: str) -> list[str]:
    return sorted(
        str(path.relative_to(REGISTRY))
        for path in REGISTRY.rglob("*.py")
        if "migrations" not in path.parts and text in path.read_text(encoding="utf-8")
    )


def test_valid_at_end_and_the_town_choices_are_written_once():
    assert _modules_containing("Certification.revoked_on > ") == ["certifications/validity.py"]
    assert _modules_containing(".order_by(Town.code)") == ["reference/filters.py"]


def _cert(firm, **kw):
    values = {"kind": "high_tech", "level": "national", "status": "approved"} | kw
    db.session.add(Certification(enterprise=firm, **values))


def test_certification_list_enterprise_list_and_report_agree_on_who_holds_a_valid_certificate(ctx):
    """Around the boundaries of "valid at end" (DESIGN.md §4) on today: the certification list's
    "valid on" filter, the enterprise list's "holds a valid …" filter and facet, and the summary indicator
    name the same firms."""
    day = date.today()
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    firms = {name: make_enterprise() for name in "abcdefghij"}
    _cert(firms["a"], approved_on=day, valid_until=day)  # approved today, ends today: valid
    _cert(firms["b"], approved_on=before - timedelta(days=30), valid_until=before)  # ended yesterday
    _cert(firms["c"], approved_on=after, valid_until=after + timedelta(days=30))  # approved tomorrow
    _cert(
        firms["d"], status="revoked", approved_on=before, valid_until=after, revoked_on=day
    )  # revoked today
    _cert(
        firms["e"], status="revoked", approved_on=before, valid_until=after, revoked_on=after
    )  # still valid
    _cert(firms["f"], approved_on=date(2020, 1, 1), valid_until=None)  # no end: valid
    _cert(firms["g"], status="applied", applied_on=before)  # not approved
    _cert(
        firms["h"], approved_on=before, valid_until=after, archived_at=datetime(2024, 1, 1)
    )  # archived: never counts
    _cert(firms["i"], approved_on=before, valid_until=after)  # valid
    _cert(firms["j"], kind="tech_sme", approved_on=before, valid_until=after)  # another kind
    db.session.commit()
    expected = {firms[name].id for name in "aefi"}

    def rows(spec, **args):
        query = list_engine.filtered(spec, None, list_engine.parse_args(spec, MultiDict(args)))
        return query, db.session.scalars(query).all()

    _query, listed = rows(CERTIFICATION_SPEC, kind="high_tech", valid_on=day.isoformat())
    assert {c.enterprise_id for c in listed} == expected

    query, holders = rows(ENTERPRISE_SPEC, certification="high_tech")
    assert {e.id for e in holders} == expected
    facets = dict((facet.name, counts) for facet, counts in list_engine.facet_counts(ENTERPRISE_SPEC, query))
    assert ("high_tech", "高新技术企业", len(expected)) in facets["certification"]

    reported = db.session.scalars(indicators.get("high_tech.valid").records(day, day)).all()
    assert set(reported) == expected, "a 家 indicator's records are the firms"
