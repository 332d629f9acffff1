"""The record types' declarations drive the maps keyed by record type: the change log's labels, the overview, the
links of change-log entries, the API's collections, the import's record types and the reports' drill-downs.

Each test reads the record types from the catalog, so a new record type that forgets a slot fails here.
"""

from __future__ import annotations

import pytest
from flask import url_for

from registry.api.collections import BY_NAME as COLLECTIONS
from registry.audit.display import OBJECT_LABELS
from registry.dashboard import record_counts, record_url
from registry.imports.spec import BY_NAME as IMPORT_SPECS
from registry.models import ChangeLog
from registry.records import catalog
from registry.reports import indicators, service

RECORD_TYPES = catalog.record_types()
IDS = [record_type.name for record_type in RECORD_TYPES]

# The public names stay exactly as they were before the record types declared them.
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


def test_what_adding_a_record_type_takes_is_listed_from_the_catalog(capsys):
    text = catalog.adding_a_record_type()
    print(text)  # shown with -s: the slots, then what each record type fills
    for slot in catalog.SLOTS:
        assert f"  {slot} " in text
    for record_type in RECORD_TYPES:
        assert f"  {record_type.name} " in text
        filled = catalog.filled(record_type)
        assert set(catalog.REQUIRED) <= set(filled), record_type.name


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=IDS)
def test_each_record_type_fills_the_required_slots(record_type):
    for slot in catalog.REQUIRED:
        assert getattr(record_type, slot, None), f"{record_type.name} lacks {slot}"
    assert (
        record_type.name == record_type.name.lower() and "-" not in record_type.name
    )  # one spelling: snake_case
    assert [k.order for k in RECORD_TYPES].count(record_type.order) == 1


def test_every_record_type_and_the_listing_stage_have_a_change_log_label():
    for name in [*IDS, "stage_change"]:
        assert OBJECT_LABELS[name], name


def test_the_api_serves_every_record_type_with_a_collection_under_its_public_path():
    assert {k.name: k.collection for k in RECORD_TYPES if k.collection} == API_PATHS
    for record_type in catalog.collections():
        collection = COLLECTIONS[record_type.collection]
        assert (
            collection.record_type is record_type
            and collection.title == record_type.api_title
            and record_type.api_title
        )
        spec = record_type.list_spec()
        assert spec is not None and collection.spec is spec and spec.model is record_type.model


def test_the_import_reads_every_importable_record_type_under_its_public_name():
    assert [spec.name for spec in IMPORT_SPECS.values()] == IMPORT_KINDS
    for record_type in catalog.importable():
        spec = IMPORT_SPECS[record_type.plural]
        assert spec.record_type is record_type and spec.title is record_type.import_sheet
        names = {f.name for f in record_type.schema.fields}
        assert record_type.import_example and set(record_type.import_example) <= names, record_type.name


def test_the_overview_counts_every_record_type_marked_counted(app):
    with app.app_context():
        keys = [key for key, _label, _unit, _count in record_counts()]
    assert keys == [record_type.plural for record_type in RECORD_TYPES if record_type.counted]
    assert all(record_type.unit for record_type in RECORD_TYPES if record_type.counted)
    assert "enterprises" in keys and "towns" in keys


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=IDS)
def test_a_change_log_entry_links_to_its_record_page_or_its_firm(app, record_type):
    with app.test_request_context():
        url = record_url(ChangeLog(object_type=record_type.name, object_id=7, enterprise_id=3))
        if record_type.endpoint:
            assert url == url_for(record_type.endpoint, **{record_type.endpoint_arg: 7})
        else:
            assert url == url_for("enterprises.detail", enterprise_id=3)


def test_every_indicator_drills_down_into_a_declared_kind(app):
    with app.app_context():
        for indicator in indicators.FIXED:
            record_type = catalog.get(indicator.record_type)
            assert record_type is not None, indicator.key
            assert service._record_type(indicator) is record_type
            # Each record behind the number links to a page.
            assert record_type.endpoint or type(record_type).record_page is not catalog.RecordType.record_page


def test_every_record_type_in_the_menu_has_its_list_page_there(app):
    from registry.menu import entries

    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    shown = {entry.endpoint for entry in entries()}
    in_menu = [record_type for record_type in RECORD_TYPES if record_type.menu is not None]
    assert {record_type.name for record_type in RECORD_TYPES} - {
        record_type.name for record_type in in_menu
    } == {  # tenancies are on incubators' pages; the report workspace has its own menu entry (menu.PAGES)
        "tenancy",
        "outline",
        "outline_section",
        "report",
        "report_section",
        "report_figure",
    }
    for record_type in in_menu:
        assert record_type.list_endpoint in endpoints and record_type.list_endpoint in shown, record_type.name
