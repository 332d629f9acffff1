"""The record kinds' declarations drive the maps keyed by kind: the change log's labels, the overview, the
links of change-log entries, the API's collections, the import's kinds and the reports' drill-downs.

Each test reads the kinds from the catalog, so a new kind that forgets a slot fails here.
"""

from __future__ import annotations

import pytest
from flask import url_for

from registry.api.collections import BY_NAME as COLLECTIONS
from registry.api.collections import LIST_SPECS
from registry.audit.display import OBJECT_LABELS
from registry.dashboard import record_counts, record_url
from registry.imports.spec import BY_NAME as IMPORT_SPECS
from registry.models import ChangeLog
from registry.records import catalog
from registry.reports import indicators, service

KINDS = catalog.kinds()
IDS = [kind.name for kind in KINDS]

# The public names stay exactly as they were before the kinds declared them.
API_PATHS = {
    "enterprise": "enterprises",
    "incubator": "incubators",
    "tenancy": "tenancies",
    "certification": "certifications",
    "outreach": "outreach",
    "pledge_loan": "pledge-loans",
    "listing_candidate": "listing-candidates",
    "training": "trainings",
    "town": "towns",
    "park": "parks",
    "tag": "tags",
}
IMPORT_KINDS = [
    "enterprises",
    "incubators",
    "tenancies",
    "certifications",
    "outreach",
    "pledge_loans",
    "listing_candidates",
    "trainings",
    "towns",
    "parks",
    "tags",
]


def test_what_adding_a_kind_takes_is_listed_from_the_catalog(capsys):
    text = catalog.adding_a_kind()
    print(text)  # shown with -s: the slots, then what each kind fills
    for slot in catalog.SLOTS:
        assert f"  {slot} " in text
    for kind in KINDS:
        assert f"  {kind.name} " in text
        filled = catalog.filled(kind)
        assert set(catalog.REQUIRED) <= set(filled), kind.name


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_each_kind_fills_the_required_slots(kind):
    for slot in catalog.REQUIRED:
        assert getattr(kind, slot, None), f"{kind.name} lacks {slot}"
    assert kind.name == kind.name.lower() and "-" not in kind.name  # one spelling: snake_case
    assert [k.order for k in KINDS].count(kind.order) == 1


def test_every_kind_and_the_listing_stage_have_a_change_log_label():
    for name in [*IDS, "stage_change"]:
        assert OBJECT_LABELS[name], name


def test_the_api_serves_every_kind_with_a_collection_under_its_public_path():
    assert {k.name: k.collection for k in KINDS if k.collection} == API_PATHS
    for kind in catalog.collections():
        collection = COLLECTIONS[kind.collection]
        assert collection.kind is kind and collection.title == kind.api_title and kind.api_title
        assert kind.name in LIST_SPECS


def test_the_import_reads_every_importable_kind_under_its_public_name():
    assert [spec.name for spec in IMPORT_SPECS.values()] == IMPORT_KINDS
    for kind in catalog.importable():
        spec = IMPORT_SPECS[kind.plural]
        assert spec.kind is kind and spec.title is kind.import_sheet
        names = {f.name for f in kind.schema.fields}
        assert kind.import_example and set(kind.import_example) <= names, kind.name


def test_the_overview_counts_every_kind_with_a_unit(app):
    with app.app_context():
        keys = [key for key, _label, _unit, _count in record_counts()]
    assert keys == [kind.plural for kind in KINDS if kind.unit is not None]
    assert "enterprises" in keys and "towns" in keys


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_change_log_entry_links_to_its_record_page_or_its_firm(app, kind):
    with app.test_request_context():
        url = record_url(ChangeLog(object_type=kind.name, object_id=7, enterprise_id=3))
        if kind.endpoint:
            assert url == url_for(kind.endpoint, **{kind.endpoint_arg: 7})
        else:
            assert url == url_for("enterprises.detail", enterprise_id=3)


def test_every_indicator_drills_down_into_a_declared_kind(app):
    with app.app_context():
        for indicator in indicators.FIXED:
            kind = catalog.get(indicator.record_type)
            assert kind is not None, indicator.key
            assert service._kind(indicator) is kind
            # Each record behind the number links to a page.
            assert kind.endpoint or type(kind).record_page is not catalog.RecordKind.record_page


def test_every_kind_in_the_menu_has_its_list_page_there(app):
    from registry.menu import entries

    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    shown = {entry.endpoint for entry in entries()}
    in_menu = [kind for kind in KINDS if kind.menu is not None]
    assert {kind.name for kind in KINDS} - {kind.name for kind in in_menu} == {
        "tenancy"
    }  # on incubators' pages
    for kind in in_menu:
        assert kind.list_endpoint in endpoints and kind.list_endpoint in shown, kind.name
