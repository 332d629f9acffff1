"""A snapshot compared with today says why each number moved: the records that entered and left it, each with
the change-log entries since the freeze (added, archived, restored, re-dated, edited) or, lacking any, that the
rules or the data changed outside the change log. On the page and in the API, in a constant number of
statements whatever the number of moved records."""

from __future__ import annotations

import re
from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import select, update

from registry.certifications.services import CERTIFICATION
from registry.enterprises.services import ENTERPRISE
from registry.extensions import db
from registry.finance.services import LOAN, OUTREACH
from registry.incubation.services import TENANCY
from registry.listing.services import CANDIDATE, TRAINING, add_stage
from registry.models import (
    Certification,
    Enterprise,
    ListingCandidate,
    PledgeLoan,
    ReportSnapshot,
    Tenancy,
    Training,
    User,
)
from registry.records import writer
from registry.reports import indicators as ind
from registry.reports import service
from registry.reports.conditions import certifications, live_enterprise
from registry.reports.periods import Period

from .factories import (
    ensure_user,
    make_certification,
    make_enterprise,
    make_incubator,
    make_loan,
    make_tenancy,
    make_town,
)

PERIOD = Period(date(2021, 1, 1), date(2021, 7, 31))
FORM = {"title": "前七个月", "start": "2021-01-01", "end": "2021-07-31"}
HOSTILE = "X<img src=x onerror=alert(1)>\"'&公司"


@pytest.fixture
def world(app):
    """Before the freeze: a stay and an approved tech-SME inside the period, a firm that will move in, one
    that will only be edited, and one that will be visited."""
    with app.app_context():
        clerk, _password = ensure_user("clerk", ["admin"], display_name="王科员")
        town = make_town(name="太平街道")
        incubator = make_incubator(name="创业大厦", town=town)
        stayer = make_enterprise(name="在孵甲公司", town=town)
        stay = make_tenancy(incubator, stayer, moved_in_on=date(2021, 3, 1))
        certified = make_enterprise(name="科小乙公司", town=town)
        cert = make_certification(
            certified, status="approved", applied_on=date(2021, 5, 1), approved_on=date(2021, 6, 1)
        )
        newcomer = make_enterprise(name=HOSTILE, town=town)
        bystander = make_enterprise(name="旁观丁公司", town=town)
        visited = make_enterprise(name="走访戊公司", town=town)
        db.session.commit()
        return {
            "town": town.id,
            "incubator": incubator.id,
            "stay": stay.id,
            "stayer": stayer.id,
            "cert": cert.id,
            "certified": certified.id,
            "newcomer": newcomer.id,
            "bystander": bystander.id,
            "visited": visited.id,
            "clerk": clerk.id,
        }


def _freeze() -> int:
    return service.freeze(None, PERIOD, "前七个月").id


def _clerk() -> User:
    return db.session.scalar(select(User).where(User.username == "clerk"))


def _changes_after_the_freeze(world) -> None:
    """(a) a stay dated inside the period, (b) an archived stay, (c) a certification approved after the period
    instead, (d) an edit no number depends on, (e) a visit to a firm inside the period."""
    clerk = _clerk()
    writer.create(
        TENANCY,
        clerk,
        {"incubator_id": world["incubator"], "enterprise_id": world["newcomer"], "moved_in_on": "2021-05-01"},
    )
    stay = db.session.get(Tenancy, world["stay"])
    writer.archive(TENANCY, clerk, stay.id, stay.version, "重复录入")
    cert = db.session.get(Certification, world["cert"])
    writer.update(CERTIFICATION, clerk, cert.id, cert.version, {"approved_on": "2021-08-01"}, partial=True)
    firm = db.session.get(Enterprise, world["bystander"])
    writer.update(ENTERPRISE, clerk, firm.id, firm.version, {"contact_phone": "0427-1234567"}, partial=True)
    writer.create(
        OUTREACH,
        clerk,
        {"held_on": "2021-04-02", "form": "visit", "enterprise_id": world["visited"]},
    )


def _rows(snapshot_id: int) -> dict[str, dict]:
    return {row["code"]: row for row in service.compared_rows(db.session.get(ReportSnapshot, snapshot_id))}


def _ids(moved) -> list[int]:
    return [m.id for m in moved]


def _expected(indicator: str, own: tuple[str, int], firm: int) -> tuple[str, int]:
    """The record an indicator lists: its own record, or (for a number of enterprises) the firm."""
    return ("enterprise", firm) if ind.get(indicator).record_type == "enterprise" else own


def test_each_move_is_explained_by_its_change(ctx, world):
    snapshot = _freeze()
    _changes_after_the_freeze(world)
    rows = _rows(snapshot)

    # (a) added inside the period: the new stay enters the newcomers and the active tenants.
    for code in ("incubation.tenants_new", "incubation.tenants_active"):
        moves = rows[code]["moves"]
        new_stay = db.session.scalar(select(Tenancy.id).where(Tenancy.enterprise_id == world["newcomer"]))
        kind, record_id = _expected(code, ("tenancy", new_stay), world["newcomer"])
        assert [(m.type, m.id) for m in moves.entered] == [(kind, record_id)]
        (reason,) = moves.entered[0].reasons
        assert reason.action == "create" and reason.label == "新增"
        assert reason.entry.user_name == "王科员"
        assert ("入驻日期", "2021-05-01") in [(f.label, f.shown_after) for f in reason.fields]

    # (b) archived: the old stay leaves.
    moves = rows["incubation.tenants_active"]["moves"]
    kind, record_id = _expected("incubation.tenants_active", ("tenancy", world["stay"]), world["stayer"])
    assert [(m.type, m.id) for m in moves.left] == [(kind, record_id)]
    (reason,) = moves.left[0].reasons
    assert reason.action == "archive" and reason.label == "归档"
    assert [(f.label, f.shown_after) for f in reason.fields] == [("归档原因", "重复录入")]

    # (c) re-dated out of the period: the certification leaves the new registrations, with the date it moved.
    moves = rows["tech_sme.registered"]["moves"]
    kind, record_id = _expected("tech_sme.registered", ("certification", world["cert"]), world["certified"])
    assert [(m.type, m.id) for m in moves.left] == [(kind, record_id)] and not moves.entered
    (reason,) = moves.left[0].reasons
    assert reason.action == "redate" and reason.label == "改期"
    assert (reason.fields[0].label, reason.fields[0].shown_before, reason.fields[0].shown_after) == (
        "认定日期",
        "2021-06-01",
        "2021-08-01",
    )
    assert reason.fields[0].before == "2021-06-01" and reason.fields[0].after == "2021-08-01"

    # (d) an edit no number depends on moves nothing and explains nothing.
    for row in rows.values():
        if row["moves"]:
            listed = row["moves"].entered + row["moves"].left
            assert ("enterprise", world["bystander"]) not in [(m.type, m.id) for m in listed]
            assert all(
                r.entry is None or r.entry.object_id != world["bystander"] for m in listed for r in m.reasons
            )
    assert rows["enterprises.total"]["moves"] is None  # the edited firm's count did not move

    # (e) a number of enterprises: the visited firm entered, explained by the visit that names it.
    moves = rows["ip_pledge.outreach_enterprises"]["moves"]
    assert [(m.type, m.id) for m in moves.entered] == [("enterprise", world["visited"])]
    (reason,) = moves.entered[0].reasons
    assert reason.action == "create" and reason.entry.object_type == "outreach"
    assert reason.object_label == "宣传走访" and "走访戊公司" in reason.entry.label
    assert [(f.label, f.shown_after) for f in reason.fields] == [("日期", "2021-04-02")]

    # The unmoved numbers say nothing.
    assert rows["incubation.incubators"]["moves"] is None


def test_a_record_that_moved_without_a_change_log_entry_says_so(ctx, world):
    snapshot = _freeze()
    # A correction straight in the database (or a changed rule) leaves no entry.
    db.session.execute(
        update(Tenancy).where(Tenancy.id == world["stay"]).values(moved_in_on=date(2020, 3, 1))
    )
    db.session.commit()
    moves = _rows(snapshot)["incubation.tenants_new"]["moves"]
    (left,) = moves.left
    assert [(r.action, r.label, r.entry) for r in left.reasons] == [
        ("unlogged", "规则或数据修正（无变更记录）", None)
    ]


def test_a_restored_record_and_an_edit_that_moves_a_number(ctx, world):
    stay = db.session.get(Tenancy, world["stay"])
    writer.archive(TENANCY, _clerk(), stay.id, stay.version, "误删")
    snapshot = _freeze()
    stay = db.session.get(Tenancy, world["stay"])
    writer.restore(TENANCY, _clerk(), stay.id, stay.version)
    stay = db.session.get(Tenancy, world["stay"])
    writer.update(
        TENANCY,
        _clerk(),
        stay.id,
        stay.version,
        {"left_on": "2021-06-30", "exit_reason": "graduated"},
        partial=True,
    )
    rows = _rows(snapshot)
    kind, record_id = _expected("incubation.tenants_graduated", ("tenancy", stay.id), world["stayer"])
    (graduate,) = rows["incubation.tenants_graduated"]["moves"].entered
    assert (graduate.type, graduate.id) == (kind, record_id)
    assert [r.action for r in graduate.reasons] == ["restore", "redate"]  # oldest first
    edit = graduate.reasons[1]
    assert {f.label for f in edit.fields} == {"离孵日期", "离孵原因"}
    assert edit.fields[0].label == "离孵日期"  # the dates first
    (newcomer,) = rows["incubation.tenants_new"]["moves"].entered
    assert newcomer.reasons[0].action == "restore"


def test_an_edit_of_other_fields_is_named(ctx, world):
    """A firm whose high-value IP count is corrected to 0 from inside the period leaves that number, explained
    by the edit of that field (a count dated today would move nothing in the period: DESIGN.md §4 rule 2)."""
    firm = db.session.get(Enterprise, world["certified"])
    since = {"high_value_ip_count": "3", "effective_on": "2020-01-01", "correct_history": True}
    writer.update(ENTERPRISE, None, firm.id, firm.version, since, partial=True)
    snapshot = _freeze()
    firm = db.session.get(Enterprise, world["certified"])
    corrected = {"high_value_ip_count": "0", "effective_on": "2021-07-01", "correct_history": True}
    writer.update(ENTERPRISE, _clerk(), firm.id, firm.version, corrected, partial=True)
    (left,) = _rows(snapshot)["ip_pledge.high_value_ip_enterprises"]["moves"].left
    (reason,) = [r for r in left.reasons if r.entry.user_name != "系统"]
    assert (reason.action, reason.label) == ("update", "修改")
    assert [(f.label, f.shown_before, f.shown_after) for f in reason.fields] == [
        ("高价值知识产权数", "3", "0"),
        ("生效日期", "—", "2021-07-01"),
    ]


def test_archiving_a_firm_explains_its_records_leaving(ctx, world):
    snapshot = _freeze()
    firm = db.session.get(Enterprise, world["stayer"])
    writer.archive(ENTERPRISE, _clerk(), firm.id, firm.version, "重复登记")
    moves = _rows(snapshot)["incubation.tenants_active"]["moves"]
    kind, record_id = _expected("incubation.tenants_active", ("tenancy", world["stay"]), world["stayer"])
    (left,) = moves.left
    assert (left.type, left.id) == (kind, record_id)
    (reason,) = left.reasons
    assert reason.action == "archive" and reason.entry.object_type == "enterprise"
    assert reason.object_label == "企业" and reason.entry.label == "在孵甲公司"


def test_a_sum_names_the_records_whose_amount_changed(ctx, world):
    loan = make_loan(
        db.session.get(Enterprise, world["certified"]), registered_on=date(2021, 4, 1), amount_wan=500
    )
    db.session.commit()
    snapshot = _freeze()
    loan = db.session.get(PledgeLoan, loan.id)
    writer.update(LOAN, _clerk(), loan.id, loan.version, {"amount_wan": "600"}, partial=True)
    rows = _rows(snapshot)
    amount = rows["ip_pledge.loan_amount_wan"]
    assert (str(amount["value"]), str(amount["now"])) == ("500.00", "600.00")
    moves = amount["moves"]
    assert not moves.entered and not moves.left
    (changed,) = moves.changed
    assert changed.id == loan.id and changed.reasons[0].action == "update"
    assert [(f.label, f.shown_before, f.shown_after) for f in changed.reasons[0].fields] == [
        ("贷款金额(万元)", "500.00", "600.00")
    ]
    assert rows["ip_pledge.loans"]["moves"] is None  # the count of loans did not move


def test_records_of_another_record_type_than_today_are_not_compared_one_by_one(ctx, world):
    snapshot = db.session.get(ReportSnapshot, _freeze())
    snapshot.values = [
        row | {"record_type": "town", "ids": [world["town"]], "value": 1}
        if row["code"] == "enterprises.total"
        else row
        for row in snapshot.values
    ]
    db.session.commit()
    moves = _rows(snapshot.id)["enterprises.total"]["moves"]
    assert not moves.comparable and not moves.entered and not moves.left


def test_firms_named_by_a_training_are_explained_by_it(ctx, world):
    """A training names several firms; those it added (or all, when it is new) moved by it, the others not."""
    clerk = _clerk()
    training = writer.create(
        TRAINING,
        clerk,
        {
            "held_on": "2021-05-10",
            "title": "资本培训",
            "topic": "listing",
            "enterprise_ids": [world["stayer"]],
        },
    )
    snapshot = _freeze()
    training = db.session.get(Training, training.id)
    writer.update(
        TRAINING,
        clerk,
        training.id,
        training.version,
        {"enterprise_ids": [world["stayer"], world["visited"]]},
        partial=True,
    )
    writer.create(
        TRAINING,
        clerk,
        {
            "held_on": "2021-06-10",
            "title": "上市辅导",
            "topic": "listing",
            "enterprise_ids": [world["bystander"]],
        },
    )
    moves = _rows(snapshot)["listing.training_enterprises"]["moves"]
    assert sorted((m.id, [r.action for r in m.reasons]) for m in moves.entered) == sorted(
        [(world["visited"], ["update"]), (world["bystander"], ["create"])]
    )


def test_a_stage_written_under_a_candidate_explains_its_move(ctx, world):
    candidate = writer.create(
        CANDIDATE, _clerk(), {"enterprise_id": world["certified"], "entered_on": "2021-01-05", "tier": "key"}
    )
    snapshot = _freeze()
    candidate = db.session.get(ListingCandidate, candidate.id)
    add_stage(_clerk(), candidate.id, candidate.version, "listed", "2021-06-01")
    moves = _rows(snapshot)["listing.listed"]["moves"]
    kind, record_id = _expected("listing.listed", ("listing_candidate", candidate.id), world["certified"])
    (entered,) = moves.entered
    assert (entered.type, entered.id) == (kind, record_id)
    (reason,) = entered.reasons
    assert reason.action == "create" and reason.object_label == "上市阶段"
    assert [(f.label, f.shown_after) for f in reason.fields] == [("日期", "2021-06-01")]
    # Leaving the reserve is the same stage.
    (left,) = _rows(snapshot)["listing.reserve_active"]["moves"].left
    assert [r.object_label for r in left.reasons] == ["上市阶段"]


def _firms_with_new_tech_smes(start, end):
    return (
        select(Certification.enterprise_id)
        .distinct()
        .where(
            *certifications("tech_sme"),
            Certification.approved_on.between(start, end),
            live_enterprise(Certification.enterprise_id),
        )
    )


FIRM_INDICATOR = ind.Indicator(
    "test.tech_sme_firms", "四", "新注册科技型中小企业（企业）", "家", "enterprise", _firms_with_new_tech_smes
)


def test_a_number_of_enterprises_is_explained_by_its_firms_records(ctx, world, monkeypatch):
    """Any indicator whose records are enterprises: a firm moves by a change of one of its records."""
    monkeypatch.setattr(ind, "FIXED", [*ind.FIXED, FIRM_INDICATOR])
    snapshot = _freeze()
    _changes_after_the_freeze(world)
    moves = _rows(snapshot)["test.tech_sme_firms"]["moves"]
    (left,) = moves.left
    assert (left.type, left.id, left.label) == ("enterprise", world["certified"], "科小乙公司")
    assert left.page == ("enterprises.detail", {"enterprise_id": world["certified"]})
    (reason,) = left.reasons
    assert reason.action == "redate" and reason.entry.object_type == "certification"
    assert reason.object_label == "资质认定" and reason.fields[0].label == "认定日期"


def test_a_snapshot_that_listed_the_firms_records_compares_by_firm(ctx, world, monkeypatch):
    """A snapshot frozen when a 家 number listed certifications reads them as their firms."""
    monkeypatch.setattr(ind, "FIXED", [*ind.FIXED, FIRM_INDICATOR])
    snapshot = db.session.get(ReportSnapshot, _freeze())
    snapshot.values = [
        row | {"record_type": "certification", "ids": [world["cert"]]}
        if row["code"] == FIRM_INDICATOR.code
        else row
        for row in snapshot.values
    ]
    db.session.commit()
    cert = db.session.get(Certification, world["cert"])
    writer.update(CERTIFICATION, _clerk(), cert.id, cert.version, {"approved_on": "2021-08-01"}, partial=True)
    moves = _rows(snapshot.id)[FIRM_INDICATOR.code]["moves"]
    assert moves.comparable and _ids(moves.left) == [world["certified"]] and not moves.entered
    assert moves.left[0].reasons[0].action == "redate"


# ---- the page and the API --------------------------------------------------------------------------------
def _why(page: str, code: str) -> str:
    found = re.search(rf'<tr class="why" data-why="{re.escape(code)}">(.*?)</tr>', page, flags=re.S)
    assert found, f"no explanation under {code}"
    return found.group(1)


def test_the_page_says_why_each_number_moved(client, auth, app, world):
    auth.login("rw", roles=("report_writer",))
    url = client.post("/reports/snapshots", data=FORM).headers["Location"]
    assert 'class="why"' not in client.get(url).get_data(as_text=True)  # nothing moved yet
    with app.test_request_context():
        _changes_after_the_freeze(world)
    page = client.get(url).get_data(as_text=True)

    new = _why(page, "incubation.tenants_new")
    assert "为什么变了" in page and "新计入1条" in new
    assert str(escape(HOSTILE)) in new and "<img src=x" not in page  # the firm's name is text, not markup
    assert f'href="/incubators/{world["incubator"]}"' in new or f"/enterprises/{world['newcomer']}" in new
    assert 'data-action="create"' in new and "新增" in new and "入驻日期：</span>2021-05-01" in new
    assert "王科员" in new

    active = _why(page, "incubation.tenants_active")
    assert "不再计入1条" in active and 'data-action="archive"' in active and "重复录入" in active

    registered = _why(page, "tech_sme.registered")
    assert 'data-action="redate"' in registered and "改期" in registered
    assert "认定日期：</span><del>2021-06-01</del> → <ins>2021-08-01</ins>" in registered

    visits = _why(page, "ip_pledge.outreach_enterprises")
    assert f'href="/enterprises/{world["visited"]}"' in visits and "宣传走访 · " in visits

    assert 'data-why="enterprises.total"' not in page and "旁观丁公司" not in "".join(
        re.findall(r'<tr class="why".*?</tr>', page, flags=re.S)
    )


def test_the_page_in_english(client, auth, app, world):
    auth.login("rw", roles=("report_writer",))
    url = client.post("/reports/snapshots", data=FORM).headers["Location"]
    with app.test_request_context():
        _changes_after_the_freeze(world)
    client.post("/language/en", data={"next": "/"})
    page = client.get(url).get_data(as_text=True)
    registered = _why(page, "tech_sme.registered")
    assert "Why it changed" in page and "Re-dated" in registered and "No longer counted: 1" in registered


def test_the_api_says_why_each_number_moved(client, auth, app, world):
    auth.login("rw", roles=("report_writer",))
    url = client.post("/reports/snapshots", data=FORM).headers["Location"]
    snapshot_id = int(url.rsplit("/", 1)[1])
    with app.test_request_context():
        _changes_after_the_freeze(world)
    response = client.get(f"/api/v1/snapshots/{snapshot_id}/compare")
    assert response.status_code == 200
    data = response.get_json()
    assert (data["id"], data["start"], data["end"]) == (snapshot_id, "2021-01-01", "2021-07-31")
    by_code = {row["code"]: row for row in data["indicators"]}

    registered = by_code["tech_sme.registered"]
    assert (registered["frozen"], registered["now"], registered["differs"]) == (1, 0, True)
    assert registered["entered"] == [] and registered["left_count"] == 1
    (left,) = registered["left"]
    kind, record_id = _expected("tech_sme.registered", ("certification", world["cert"]), world["certified"])
    assert (left["type"], left["id"]) == (kind, record_id) and "科小乙公司" in left["label"]
    (reason,) = left["reasons"]
    assert reason["action"] == "redate" and reason["user"] == "王科员" and reason["at"]
    assert reason["record"]["type"] == "certification" and reason["record"]["id"] == world["cert"]
    assert {
        "field": "approved_on",
        "label": "认定日期",
        "before": "2021-06-01",
        "after": "2021-08-01",
    } in reason["fields"]

    (entered,) = by_code["incubation.tenants_new"]["entered"]
    assert entered["label"].startswith(HOSTILE) or entered["label"] == HOSTILE  # JSON carries the text as is
    assert entered["reasons"][0]["action"] == "create"
    (archived,) = by_code["incubation.tenants_active"]["left"]
    assert archived["reasons"][0]["action"] == "archive"
    assert by_code["enterprises.total"] | {"entered": [], "left": []} == by_code["enterprises.total"]
    assert by_code["enterprises.total"]["differs"] is False


def test_the_api_compares_for_report_readers_only(client, auth, app, world):
    with app.app_context():
        snapshot_id = _freeze()
    assert client.get(f"/api/v1/snapshots/{snapshot_id}/compare").status_code == 401
    auth.login("mgr", roles=("incubator_manager",))
    assert client.get(f"/api/v1/snapshots/{snapshot_id}/compare").status_code == 403
    auth.logout()
    auth.login("sb", roles=("science_bureau",))
    assert client.get(f"/api/v1/snapshots/{snapshot_id}/compare").status_code == 200
    assert client.get(f"/api/v1/snapshots/{snapshot_id + 1}/compare").status_code == 404


def test_the_api_document_describes_the_comparison(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/snapshots/{snapshot_id}/compare"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SnapshotCompare"
    }
    reason = document["components"]["schemas"]["SnapshotReason"]
    assert set(reason["properties"]["action"]["enum"]) == {
        "create",
        "archive",
        "restore",
        "redate",
        "update",
        "unlogged",
    }


# ---- statements ---------------------------------------------------------------------------------------
def _move(app, world, count: int) -> None:
    """``count`` more firms each move in (a new stay), get a tech-SME inside the period and one archived."""
    with app.test_request_context():
        clerk = _clerk()
        for _n in range(count):
            firm = make_enterprise(town=db.session.get(Enterprise, world["newcomer"]).town)
            cert = make_certification(
                firm, status="approved", applied_on=date(2021, 1, 5), approved_on=date(2021, 2, 1)
            )
            db.session.commit()
            writer.create(
                TENANCY,
                clerk,
                {"incubator_id": world["incubator"], "enterprise_id": firm.id, "moved_in_on": "2021-04-01"},
            )
            writer.update(
                CERTIFICATION, clerk, cert.id, cert.version, {"approved_on": "2021-02-02"}, partial=True
            )
            writer.create(
                OUTREACH, clerk, {"held_on": "2021-04-02", "form": "visit", "enterprise_id": firm.id}
            )


def _count(client, count_statements, url: str) -> int:
    client.get(url)  # warm up: the sign-in's session, the translations
    with count_statements() as counter:
        assert client.get(url).status_code == 200
    return counter.count


@pytest.mark.parametrize("face", ["page", "api"])
def test_the_explanation_costs_the_same_for_2_and_10_moved_records(
    client, auth, app, world, count_statements, face
):
    auth.login("rw", roles=("report_writer",))
    page = client.post("/reports/snapshots", data=FORM).headers["Location"]
    api = f"/api/v1/snapshots/{page.rsplit('/', 1)[1]}/compare"
    url = page if face == "page" else api
    _move(app, world, 2)
    few = _count(client, count_statements, url)
    _move(app, world, 8)
    many = _count(client, count_statements, url)
    moved = {row["code"]: row for row in client.get(api).get_json()["indicators"]}
    for code in ("incubation.tenants_new", "ip_pledge.outreach_enterprises", "tech_sme.registered"):
        assert moved[code]["entered_count"] == 10, code
        assert all(m["reasons"][0]["action"] != "unlogged" for m in moved[code]["entered"]), code
    assert few == many, (few, many)
