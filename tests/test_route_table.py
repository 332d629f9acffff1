"""Every route of the app, for every role and for anonymous users, against one declared table.

A route without a rule here fails the suite, so a new page cannot ship without saying who may use it.
Records used in the URLs belong to an incubator the test manager does not manage (so their pages are
refused to the manager; IDOR tests elsewhere cover a manager's own records).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest

from registry.extensions import db
from registry.models import ChangeLog

from .factories import (
    PASSWORDS,
    make_candidate,
    make_certification,
    make_enterprise,
    make_incubator,
    make_loan,
    make_outreach,
    make_park,
    make_report_world,
    make_snapshot,
    make_tag,
    make_tenancy,
    make_town,
    make_training,
    make_user,
)

ADMIN, SB, MGR, FO, RW = "admin", "science_bureau", "incubator_manager", "finance_officer", "report_writer"
CO = "contributor"  # 部门填报人 of the department the world's report section and figure are assigned to
ALL = {ADMIN, SB, MGR, FO, RW}  # every registry reader; a contributor reads no registry page
READERS = {ADMIN, SB, FO, RW}  # everything county-wide; a manager sees their own incubators only
WRITERS = {ADMIN, RW}
ROLES = ["anonymous", ADMIN, SB, MGR, FO, RW, CO]
DEPARTMENT = "统计局"
PUBLIC = "public"

# Pages built by the shared record machinery: blueprint → (who reads its list, who writes, manager reads records)
RECORD_PAGES = {
    "certifications": (ALL, {ADMIN, SB}),
    "certification_kinds": (ALL, {ADMIN, SB}),
    "outreach": (ALL, {ADMIN, FO}),
    "pledge_loans": (ALL, {ADMIN, FO}),
    "listing_candidates": (ALL, {ADMIN, FO}),
    "trainings": (ALL, {ADMIN, FO}),
    "towns": (ALL, {ADMIN}),
    "parks": (ALL, {ADMIN}),
    "tags": (ALL, {ADMIN}),
}
MANAGER_SEES_RECORDS = {"certification_kinds", "towns", "parks", "tags"}  # reference data: no owner


def record_page_rules() -> dict:
    rules = {}
    for name, (readers, writers) in RECORD_PAGES.items():
        record_readers = ALL if name in MANAGER_SEES_RECORDS else READERS
        rules |= {
            f"{name}.index": ("GET", readers),
            f"{name}.export": ("GET", readers),
            f"{name}.create": ("GET", writers),
            f"{name}.detail": ("GET", record_readers),
            f"{name}.edit": ("GET", writers),
            f"{name}.archive": ("POST", writers),
            f"{name}.restore": ("POST", writers),
        }
    return rules


# fmt: off
RULES = record_page_rules() | {
    "auth.login":                    ("GET", PUBLIC),
    "i18n.choose":                   ("POST", PUBLIC),
    "auth.logout":                   ("POST", ALL | {CO}),
    "auth.change_password":          ("GET", ALL | {CO}),
    "main.home":                     ("GET", ALL | {CO}),
    "enterprises.index":             ("GET", ALL),
    "enterprises.export":            ("GET", ALL),
    "enterprises.lookup":            ("GET", ALL),
    "enterprises.create":            ("GET", {ADMIN, SB}),
    "enterprises.detail":            ("GET", READERS),
    "enterprises.edit":              ("GET", {ADMIN, SB}),
    "enterprises.archive":           ("POST", {ADMIN, SB}),
    "enterprises.restore":           ("POST", {ADMIN, SB}),
    "incubation.incubators":         ("GET", ALL),
    "incubation.export_incubators":  ("GET", ALL),
    "incubation.create_incubator":   ("GET", {ADMIN, SB}),
    "incubation.incubator":          ("GET", READERS),
    "incubation.edit_incubator":     ("GET", {ADMIN, SB}),
    "incubation.archive_incubator":  ("POST", {ADMIN, SB}),
    "incubation.restore_incubator":  ("POST", {ADMIN, SB}),
    "incubation.register_tenant":    ("GET", {ADMIN, SB, MGR}),
    "incubation.edit_tenancy":       ("GET", {ADMIN, SB}),
    "incubation.exit_tenancy":       ("GET", {ADMIN, SB}),
    "certifications.status_action":  ("POST", {ADMIN, SB}),
    "certifications.renewals":       ("GET", ALL),
    "listing_candidates.advance":    ("POST", {ADMIN, FO}),
    "listing_candidates.pipeline":   ("GET", ALL),
    "reports.summary":               ("GET", READERS),
    "reports.summary_export":        ("GET", READERS),
    "reports.draft_docx":            ("GET", READERS),
    "reports.charts":                ("GET", READERS),
    "reports.drill":                 ("GET", READERS),
    "reports.drill_export":          ("GET", READERS),
    "reports.freeze":                ("POST", {ADMIN, RW}),
    "reports.snapshot":              ("GET", READERS),
    "imports.upload":                ("GET", {ADMIN, SB, MGR, FO}),
    "imports.download_template":     ("GET", {ADMIN, SB}),
    "imports.mapping":               ("GET", {ADMIN, SB, MGR, FO}),
    "imports.confirm":               ("POST", {ADMIN, SB, MGR, FO}),
    "imports.errors":                ("GET", {ADMIN, SB, MGR, FO}),
    "imports.changes":               ("GET", {ADMIN}),
    "imports.cancel":                ("POST", {ADMIN, SB, MGR, FO}),
    # A job is its owner's: anyone signed in has the pages, and another's job is not found (404).
    "jobs.page":                     ("GET", ALL | {CO}),
    "jobs.status":                   ("GET", ALL | {CO}),
    "jobs.cancel":                   ("POST", ALL | {CO}),
    "jobs.result":                   ("GET", ALL | {CO}),
    "admin.users":                   ("GET", {ADMIN}),
    "admin.create_user":             ("GET", {ADMIN}),
    "admin.edit_user":               ("GET", {ADMIN}),
    "admin.reset_password":          ("POST", {ADMIN}),
    "audit.index":                   ("GET", {ADMIN}),
    "audit.export":                  ("GET", {ADMIN}),
    "audit.entry":                   ("GET", {ADMIN}),
    "api.openapi":                   ("GET", PUBLIC),
    "api.list_items":                ("GET", ALL),
    "api.get_item":                  ("GET", READERS),
    "api.create_item":               ("POST", {ADMIN, SB}),
    "api.update_item":               ("PATCH", {ADMIN, SB}),
    "api.delete_item":               ("DELETE", {ADMIN, SB}),
    "api.add_candidate_stage":       ("POST", {ADMIN, FO}),
    "api.summary":                   ("GET", READERS),
    "api.summary_item":              ("GET", READERS),
    "api.snapshot_compare":          ("GET", READERS),
    # The report workspace: readers read, writers write, a contributor their department's section and figure.
    "report_workspace.index":        ("GET", READERS | {CO}),
    "report_workspace.create":       ("GET", WRITERS),
    "report_workspace.edit":         ("GET", WRITERS),
    "report_workspace.preview":      ("GET", READERS | {CO}),
    "report_workspace.finalise":     ("POST", WRITERS),
    "report_workspace.document":     ("GET", READERS | {CO}),
    "report_workspace.document_job": ("POST", READERS | {CO}),
    "report_workspace.board":        ("GET", READERS | {CO}),
    "report_workspace.edit_section": ("GET", WRITERS | {CO}),
    "report_workspace.section_state": ("POST", WRITERS | {CO}),
    "report_workspace.assign":       ("POST", WRITERS),
    "report_workspace.versions":     ("GET", READERS | {CO}),
    "report_workspace.section_by_id": ("GET", READERS | {CO}),
    "report_workspace.figures":      ("GET", READERS | {CO}),
    "report_workspace.edit_figure":  ("GET", WRITERS | {CO}),
    "report_workspace.archive_figure": ("POST", WRITERS),
    "report_workspace.figure_by_id": ("GET", READERS | {CO}),
    "report_workspace.outline":      ("GET", READERS),
    "report_workspace.outline_section": ("GET", READERS),
    "report_workspace.edit_outline_section": ("GET", WRITERS),
    "report_workspace.create_outline": ("GET", WRITERS),
    "report_workspace.edit_outline": ("GET", WRITERS),
    "report_workspace.add_row":      ("POST", WRITERS),
    "api.reports_list":              ("GET", READERS | {CO}),
    "api.reports_create":            ("POST", WRITERS),
    "api.reports_get":               ("GET", READERS | {CO}),
    "api.reports_update":            ("PATCH", WRITERS),
    "api.reports_document":          ("GET", READERS | {CO}),
    "api.reports_section":           ("GET", READERS | {CO}),
    "api.reports_section_update":    ("PATCH", WRITERS | {CO}),
    "api.reports_figures":           ("GET", READERS | {CO}),
    "api.reports_figure_create":     ("POST", WRITERS),
    "api.reports_figure_update":     ("PATCH", WRITERS | {CO}),
    "api.reports_figure_delete":     ("DELETE", WRITERS),
}
# fmt: on


@pytest.fixture
def world(app):
    """One record of each kind, in incubator B; the manager manages incubator A."""
    with app.app_context():
        town = make_town(name="甲镇")
        mine, other = make_incubator(name="甲孵化器", town=town), make_incubator(name="乙孵化器", town=town)
        stay = make_tenancy(incubator=other, enterprise=make_enterprise(name="乙企业", town=town))
        firm = stay.enterprise
        day = date(2021, 5, 1)
        records = {
            "certifications": make_certification(firm, applied_on=day),
            "outreach": make_outreach(held_on=day, enterprise=firm),
            "pledge_loans": make_loan(firm, lender="行", registered_on=day),
            "listing_candidates": make_candidate(firm, entered_on=day, tier="key"),
            "trainings": make_training([firm], held_on=day, title="培训"),
        }
        tag = make_tag()
        snapshot = make_snapshot(title="快照", start=day)
        park = make_park(name="园区", town=town)
        db.session.add(
            ChangeLog(
                action="create", object_type="enterprise", object_id=firm.id, request_id="abc123", changes={}
            )
        )
        db.session.commit()
        ids = {name: record.id for name, record in records.items()}
        ids |= {"certification_kinds": 1, "towns": town.id, "parks": park.id, "tags": tag.id}
        bystander = make_user("bystander", [RW])
        report, section, figure = make_report_world(department=DEPARTMENT)
        return {
            "report": report.id,
            "section": section.id,
            "section_code": section.code,
            "figure": figure.id,
            "outline": report.outline_id,
            "outline_row": report.outline.sections[0].id,
            "other_user": bystander.id,
            "ids": ids,
            "firm": firm.id,
            "incubator": other.id,
            "mine": mine.id,
            "stay": stay.id,
            "snapshot": snapshot.id,
            "entry": db.session.scalar(db.select(ChangeLog.id)),
        }


def url_for_rule(rule, world) -> str:
    blueprint = rule.endpoint.split(".")[0]
    values = {
        "record_id": world["ids"].get(blueprint, world["ids"]["certifications"]),
        "enterprise_id": world["firm"],
        "incubator_id": world["incubator"],
        "tenancy_id": world["stay"],
        "user_id": world["other_user"],
        "snapshot_id": world["snapshot"],
        "entry_id": world["entry"],
        "code": "tags.kechuang-china",
        "fmt": "csv",
        "name": "enterprises",
        "token": "missing-token",
        "request_id": "abc123",
        "action": "approve",
        "job_id": 999999,
    }
    if rule.endpoint == "i18n.choose":
        values["code"] = "zh_Hans_CN"
    if rule.endpoint.startswith(("report_workspace.", "api.reports_")):
        values |= {
            "report_id": world["report"],
            "code": quote(world["section_code"]),
            "section_id": world["section"],
            "figure_id": world["figure"],
            "outline_id": world["outline"],
            "row_id": world["outline_row"],
        }
    if rule.endpoint == "api.add_candidate_stage":
        values["record_id"] = world["ids"]["listing_candidates"]
    if rule.endpoint in ("api.get_item", "api.update_item", "api.delete_item"):
        values["record_id"] = world["firm"]
    url = rule.rule
    for key, value in values.items():
        for converter in ("int:", "any(csv, xlsx):", "any(approve, reject, revoke):", ""):
            url = url.replace(f"<{converter}{key}>", str(value))
    if rule.endpoint.startswith("reports."):
        url += "?preset=custom&start=2021-01-01&end=2021-07-31"
    if rule.endpoint in ("api.summary", "api.summary_item"):
        url += "?start=2021-01-01&end=2021-07-31"
    return url


def routes(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in ("static", "bootstrap.static")]


def test_every_route_has_a_rule(app):
    missing = sorted({r.endpoint for r in routes(app)} - set(RULES))
    assert missing == [], f"routes without an access rule: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_declared(app, client, world, role):
    if role != "anonymous":
        with app.app_context():
            make_user(
                "walker",
                [role],
                incubator_ids=[world["mine"]] if role == MGR else [],
                department=DEPARTMENT if role == CO else None,
            )
        client.post("/login", data={"username": "walker", "password": PASSWORDS["walker"]})
    wrong = []
    for rule in routes(app):
        method, allowed = RULES[rule.endpoint]
        if rule.endpoint == "auth.logout":
            continue  # it ends this walk's session; its CSRF and POST-only rule are tested elsewhere
        url = url_for_rule(rule, world)
        kwargs = {"json": {}} if rule.rule.startswith("/api/") and method in ("POST", "PATCH") else {}
        status = client.open(url, method=method, **kwargs).status_code
        if allowed == PUBLIC:
            ok = status < 400
        elif role == "anonymous":
            ok = status in (302, 401)
        elif role in allowed:
            ok = status not in (401, 403) and status < 500
        else:
            ok = status in (403, 404)
        if not ok:
            wrong.append(f"{method} {url} → {status}")
    assert not wrong, "\n".join(wrong)
