"""Dated fields (DESIGN.md §3): tags, high-value IP counts and tiers keep their history as spans, written by
the one write path from every face (form, API, import), read by the SQL helpers for any day, shown on the
record's page and in its API item; migration 0007 turns the values stored before into spans."""

from __future__ import annotations

import importlib.util
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from registry.enterprises.services import ENTERPRISE
from registry.extensions import db
from registry.listing.services import CANDIDATE
from registry.models import (
    ChangeLog,
    Enterprise,
    EnterpriseIpSpan,
    EnterpriseTagSpan,
    ListingCandidate,
    ListingTierSpan,
)
from registry.records import spans as span_sql
from registry.records import writer
from registry.records.errors import ValidationFailed

from .factories import make_candidate, make_enterprise, make_tag, make_town, uscc
from .import_helpers import preview, xlsx

TODAY = date.today()
D = date.fromisoformat


def spans(firm_or_candidate, relation: str) -> list[tuple]:
    """A record's spans as (value, from, to), oldest first, read from the database."""
    db.session.expire_all()
    if relation == "tags":
        rows = db.session.scalars(
            select(EnterpriseTagSpan).where(EnterpriseTagSpan.enterprise_id == firm_or_candidate)
        )
        found = [(s.tag.code, s.valid_from, s.valid_to) for s in rows]
    elif relation == "ip":
        rows = db.session.scalars(
            select(EnterpriseIpSpan).where(EnterpriseIpSpan.enterprise_id == firm_or_candidate)
        )
        found = [(s.value, s.valid_from, s.valid_to) for s in rows]
    else:
        rows = db.session.scalars(
            select(ListingTierSpan).where(ListingTierSpan.candidate_id == firm_or_candidate)
        )
        found = [(s.tier, s.valid_from, s.valid_to) for s in rows]
    return sorted(found, key=lambda span: (span[1], str(span[0])))


@pytest.fixture
def tags(ctx):
    made = {
        code: make_tag(code, name) for code, name in [("cloud", "企业上云"), ("kechuang-china", "科创中国")]
    }
    db.session.commit()
    return made


def new_firm(town=None, **kw):
    data = {"name": kw.pop("name", "盘锦测试科技有限公司"), "uscc": uscc(), "legal_form": "company"}
    data["town_id"] = (town or make_town()).id
    db.session.commit()
    return writer.create(ENTERPRISE, None, data | kw)


def update(firm, **data):
    current = db.session.get(Enterprise, firm if isinstance(firm, int) else firm.id)
    return writer.update(ENTERPRISE, None, current.id, current.version, data, partial=True)


def last_log(record_id: int, object_type: str = "enterprise") -> ChangeLog:
    return db.session.scalars(
        select(ChangeLog)
        .where(ChangeLog.object_type == object_type, ChangeLog.object_id == record_id)
        .order_by(ChangeLog.id.desc())
    ).first()


# ---- the SQL helpers read the value in force on any day --------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "holds", "count", "tier"),
    [
        ("2019-12-31", False, 0, None),  # before the first span
        ("2020-01-01", True, 2, "general"),  # its first day
        ("2021-06-30", True, 2, "general"),  # the last day before the change
        ("2021-07-01", False, 5, "key"),  # the day the next value took effect
        ("2023-01-01", False, 5, "key"),  # inside the open span
        (TODAY.isoformat(), False, 5, "key"),
    ],
)
def test_the_sql_helpers_answer_for_days_before_inside_and_after_the_spans(
    ctx, tags, day, holds, count, tier
):
    firm = make_enterprise(
        tags=[tags["cloud"], tags["kechuang-china"]], high_value_ip_count=5, dated_from=D("2020-01-01")
    )
    other = make_enterprise(tags=[tags["cloud"]], dated_from=D("2018-01-01"))
    firm.tag_spans = [
        EnterpriseTagSpan(tag=tags["cloud"], valid_from=D("2020-01-01"), valid_to=D("2021-07-01")),
        EnterpriseTagSpan(tag=tags["kechuang-china"], valid_from=D("2021-07-01")),
    ]
    firm.ip_spans = [
        EnterpriseIpSpan(value=2, valid_from=D("2020-01-01"), valid_to=D("2021-07-01")),
        EnterpriseIpSpan(value=5, valid_from=D("2021-07-01")),
    ]
    candidate = make_candidate(firm, entered_on=D("2020-01-01"), tier="key")
    candidate.tier_spans = [
        ListingTierSpan(tier="general", valid_from=D("2020-01-01"), valid_to=D("2021-07-01")),
        ListingTierSpan(tier="key", valid_from=D("2021-07-01")),
    ]
    db.session.flush()
    day = D(day)
    cloud = set(db.session.scalars(span_sql.tag_holders_on(tags["cloud"].id, day)))
    assert cloud == ({firm.id, other.id} if holds else {other.id})
    assert (
        db.session.scalar(select(span_sql.ip_count_on(Enterprise.id, day)).where(Enterprise.id == firm.id))
        == count
    )
    assert (
        db.session.scalar(select(span_sql.ip_count_on(Enterprise.id, day)).where(Enterprise.id == other.id))
        == 0
    )
    found = db.session.scalar(
        select(span_sql.tier_on(ListingCandidate.id, day)).where(ListingCandidate.id == candidate.id)
    )
    assert found == tier


def test_the_tag_holders_on_a_day_are_read_for_a_tag_given_as_a_column(ctx, tags):
    make_enterprise(tags=[tags["cloud"]], dated_from=D("2021-01-01"))
    from registry.models import Tag

    holders = select(Tag.code).where(span_sql.tag_holders_on(Tag.id, D("2021-02-01")).exists())
    assert db.session.scalars(holders).all() == ["cloud"]


# ---- a new record's spans ------------------------------------------------------------------------------------------
def test_a_new_firm_s_values_start_on_its_establishment_date(tags):
    firm = new_firm(established_on="2015-03-01", tags=["cloud"], high_value_ip_count="3")
    assert spans(firm.id, "tags") == [("cloud", D("2015-03-01"), None)]
    assert spans(firm.id, "ip") == [(3, D("2015-03-01"), None)]
    assert last_log(firm.id).changes["effective_on"] == [None, "2015-03-01"]


def test_a_new_firm_without_establishment_date_starts_today_or_on_the_effective_date(tags):
    firm = new_firm(tags=["cloud"])
    assert spans(firm.id, "tags") == [("cloud", TODAY, None)] and spans(firm.id, "ip") == [(0, TODAY, None)]
    dated_firm = new_firm(
        name="另一家科技有限公司", established_on="2015-03-01", tags=["cloud"], effective_on="2019-05-05"
    )
    assert spans(dated_firm.id, "tags") == [("cloud", D("2019-05-05"), None)]


def test_a_new_candidate_s_tier_starts_on_its_entry_date_unless_told(ctx):
    firms = [make_enterprise(), make_enterprise()]
    db.session.commit()
    plain = writer.create(
        CANDIDATE, None, {"enterprise_id": firms[0].id, "entered_on": "2020-05-01", "tier": "key"}
    )
    told = writer.create(
        CANDIDATE,
        None,
        {
            "enterprise_id": firms[1].id,
            "entered_on": "2020-05-01",
            "tier": "general",
            "effective_on": "2020-06-01",
        },
    )
    assert spans(plain.id, "tier") == [("key", D("2020-05-01"), None)]
    assert spans(told.id, "tier") == [("general", D("2020-06-01"), None)]


# ---- changes -------------------------------------------------------------------------------------------------------
def test_a_change_closes_the_open_span_and_opens_one_on_the_effective_date(tags):
    firm = new_firm(established_on="2015-03-01", tags=["cloud"], high_value_ip_count="1")
    update(firm, tags=["kechuang-china"], high_value_ip_count="4", effective_on="2022-02-02")
    assert spans(firm.id, "tags") == [
        ("cloud", D("2015-03-01"), D("2022-02-02")),
        ("kechuang-china", D("2022-02-02"), None),
    ]
    assert spans(firm.id, "ip") == [(1, D("2015-03-01"), D("2022-02-02")), (4, D("2022-02-02"), None)]
    log = last_log(firm.id)
    assert log.changes["effective_on"] == [None, "2022-02-02"]
    assert log.changes["tags"] == [["cloud"], ["kechuang-china"]]
    assert log.changes["high_value_ip_count"] == [1, 4]


def test_a_tag_kept_through_a_change_keeps_its_span(tags):
    firm = new_firm(established_on="2015-03-01", tags=["cloud"])
    update(firm, tags=["cloud", "kechuang-china"])  # effective today by default
    assert spans(firm.id, "tags") == [("cloud", D("2015-03-01"), None), ("kechuang-china", TODAY, None)]


def test_a_second_change_on_the_same_day_replaces_the_first(tags):
    firm = new_firm(established_on="2015-03-01", high_value_ip_count="1")
    update(firm, high_value_ip_count="4", effective_on="2022-02-02")
    update(firm, high_value_ip_count="6", effective_on="2022-02-02")
    assert spans(firm.id, "ip") == [(1, D("2015-03-01"), D("2022-02-02")), (6, D("2022-02-02"), None)]
    update(firm, high_value_ip_count="1", effective_on="2022-02-02")  # undone the same day: no trace
    assert spans(firm.id, "ip") == [(1, D("2015-03-01"), None)]


def test_a_write_that_changes_no_dated_value_writes_no_span(tags):
    firm = new_firm(established_on="2015-03-01", tags=["cloud"], high_value_ip_count="2")
    before = (spans(firm.id, "tags"), spans(firm.id, "ip"))
    update(firm, tags=["cloud"], high_value_ip_count="2", employees="9", effective_on="2020-01-01")
    assert (spans(firm.id, "tags"), spans(firm.id, "ip")) == before
    assert "effective_on" not in last_log(firm.id).changes


def test_a_candidate_s_tier_change_is_dated(ctx):
    firm = make_enterprise()
    db.session.commit()
    record = writer.create(
        CANDIDATE, None, {"enterprise_id": firm.id, "entered_on": "2020-05-01", "tier": "general"}
    )
    writer.update(
        CANDIDATE,
        None,
        record.id,
        record.version,
        {"tier": "key", "effective_on": "2025-03-01"},
        partial=True,
    )
    assert spans(record.id, "tier") == [
        ("general", D("2020-05-01"), D("2025-03-01")),
        ("key", D("2025-03-01"), None),
    ]
    assert last_log(record.id, "listing_candidate").changes["effective_on"] == [None, "2025-03-01"]


def test_correcting_a_candidate_s_entry_date_moves_the_start_of_its_tier(ctx):
    firm = make_enterprise()
    db.session.commit()
    record = writer.create(
        CANDIDATE, None, {"enterprise_id": firm.id, "entered_on": "2020-05-01", "tier": "general"}
    )
    writer.update(CANDIDATE, None, record.id, 1, {"entered_on": "2019-11-01"}, partial=True)
    assert spans(record.id, "tier") == [("general", D("2019-11-01"), None)]
    assert "effective_on" not in last_log(record.id, "listing_candidate").changes


# ---- refusals: nothing written ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("effective_on", "message"),
    [
        ((TODAY + timedelta(days=1)).isoformat(), "生效日期：不能晚于今天"),
        ("2021-02-30", "生效日期："),
        ("明天", "生效日期："),
    ],
)
def test_an_effective_date_in_the_future_or_not_a_date_is_refused(tags, effective_on, message):
    firm = new_firm(established_on="2015-03-01", tags=["cloud"])
    with pytest.raises(ValidationFailed) as refused:
        update(firm, tags=["kechuang-china"], employees="-1", effective_on=effective_on)
    assert refused.value.errors["effective_on"][0].startswith(message)
    assert "employees" in refused.value.errors  # reported with the schema's errors
    with pytest.raises(ValidationFailed) as refused:
        new_firm(name="新的科技有限公司", tags=["cloud"], effective_on=effective_on)
    assert refused.value.errors["effective_on"][0].startswith(message)
    assert spans(firm.id, "tags") == [("cloud", D("2015-03-01"), None)]
    assert db.session.get(Enterprise, firm.id).version == 1


def test_a_date_before_the_latest_change_is_refused_with_the_rule_and_that_date(tags):
    firm = new_firm(established_on="2015-03-01", tags=["cloud"], high_value_ip_count="1")
    update(firm, tags=["kechuang-china"], effective_on="2024-03-01")
    with pytest.raises(ValidationFailed) as refused:
        update(firm, tags=["cloud"], effective_on="2023-01-01")
    message = refused.value.errors["effective_on"][0]
    assert "不能早于标签最近一次变更的日期（2024-03-01）" in message and "更正历史" in message
    assert db.session.get(Enterprise, firm.id).version == 2
    assert [t.code for t in db.session.get(Enterprise, firm.id).tags] == ["kechuang-china"]
    # The IP count has its own history: a date before the tags' latest change is fine for it.
    update(firm, high_value_ip_count="3", effective_on="2023-01-01")
    assert spans(firm.id, "ip") == [(1, D("2015-03-01"), D("2023-01-01")), (3, D("2023-01-01"), None)]


def test_correcting_history_replaces_the_spans_from_the_effective_date_and_is_logged(tags):
    firm = new_firm(established_on="2015-03-01", tags=["cloud"])
    update(firm, tags=["kechuang-china"], effective_on="2024-03-01")
    update(firm, tags=["cloud", "kechuang-china"], effective_on="2022-01-01", correct_history=True)
    assert spans(firm.id, "tags") == [
        ("cloud", D("2015-03-01"), None),
        ("kechuang-china", D("2022-01-01"), None),
    ]
    log = last_log(firm.id)
    assert log.changes["correct_history"] == [None, True]
    assert log.changes["effective_on"] == [None, "2022-01-01"]
    assert log.changes["tags_history"] == [
        ["cloud 2015-03-01–2024-03-01", "kechuang-china 2024-03-01–"],
        ["cloud 2015-03-01–", "kechuang-china 2022-01-01–"],
    ]


def test_correcting_a_value_back_before_its_start(ctx):
    firm = make_enterprise()
    db.session.commit()
    record = writer.create(
        CANDIDATE, None, {"enterprise_id": firm.id, "entered_on": "2020-05-01", "tier": "general"}
    )
    writer.update(CANDIDATE, None, record.id, 1, {"tier": "key", "effective_on": "2024-01-01"}, partial=True)
    writer.update(
        CANDIDATE,
        None,
        record.id,
        2,
        {"tier": "general", "effective_on": "2020-05-01", "correct_history": "1"},
        partial=True,
    )
    assert spans(record.id, "tier") == [("general", D("2020-05-01"), None)]


# ---- the faces -----------------------------------------------------------------------------------------------------------
def _firm_form(firm, **kw):
    data = {
        "name": firm.name,
        "uscc": firm.uscc,
        "legal_form": "company",
        "town_id": str(firm.town_id),
        "version": str(firm.version),
        "high_value_ip_count": str(firm.high_value_ip_count),
    }
    return data | kw


def test_the_edit_form_offers_the_effective_date_beside_the_dated_fields_and_writes_spans(client, auth, app):
    with app.app_context():
        make_tag("cloud", "企业上云")
        firm = make_enterprise(name="表单企业有限公司", established_on=D("2015-03-01"))
        db.session.commit()
        firm_id, data = firm.id, _firm_form(firm)
    auth.login("sb", roles=("science_bureau",))
    page = client.get(f"/enterprises/{firm_id}/edit").get_data(as_text=True)
    assert f'name="effective_on" type="date" value="{TODAY.isoformat()}"' in page
    assert (
        page.index('name="tags"') < page.index('name="effective_on"') < page.index('name="correct_history"')
    )
    new = client.get("/enterprises/new").get_data(as_text=True)
    assert 'name="effective_on" type="date" value=""' in new and 'name="correct_history"' not in new
    response = client.post(
        f"/enterprises/{firm_id}/edit", data=data | {"tags": ["cloud"], "effective_on": "2021-03-01"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert spans(firm_id, "tags") == [("cloud", D("2021-03-01"), None)]
    page = client.get(f"/enterprises/{firm_id}").get_data(as_text=True)
    history = page.split('id="dated"')[1].split("</section>")[0]
    assert "企业上云" in history and "2021-03-01" in history and "至今" in history
    changes = page.split('id="history"')[1]
    assert "生效日期：" in changes and "2021-03-01" in changes.split("生效日期：")[1][:200]


def test_the_form_shows_a_refused_effective_date_beside_its_field_and_writes_nothing(client, auth, app):
    with app.app_context():
        make_tag("cloud", "企业上云")
        firm = make_enterprise(name="表单企业有限公司", high_value_ip_count=2, dated_from=D("2024-03-01"))
        db.session.commit()
        firm_id, data = firm.id, _firm_form(firm)
    auth.login("sb", roles=("science_bureau",))
    early = data | {"high_value_ip_count": "5", "effective_on": "2023-01-01"}
    page = client.post(f"/enterprises/{firm_id}/edit", data=early).get_data(as_text=True)
    assert "不能早于高价值知识产权数最近一次变更的日期（2024-03-01）" in page
    with app.app_context():
        assert spans(firm_id, "ip") == [(2, D("2024-03-01"), None)]
        assert db.session.get(Enterprise, firm_id).high_value_ip_count == 2
    corrected = early | {"correct_history": "y"}
    assert client.post(f"/enterprises/{firm_id}/edit", data=corrected).status_code == 302
    with app.app_context():
        assert spans(firm_id, "ip") == [(5, D("2023-01-01"), None)]


def test_the_candidate_page_shows_the_tier_history(client, auth, app):
    with app.app_context():
        firm = make_enterprise(name="后备企业有限公司")
        db.session.commit()
        code = firm.uscc
    auth.login("fo", roles=("finance_officer",))
    response = client.post(
        "/listing-candidates/new",
        data={"enterprise_id": code, "entered_on": "2019-03-01", "tier": "general", "effective_on": ""},
    )
    record_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    data = {"enterprise_id": code, "entered_on": "2019-03-01", "tier": "key", "version": "1"}
    client.post(f"/listing-candidates/{record_id}/edit", data=data | {"effective_on": "2025-03-01"})
    page = client.get(f"/listing-candidates/{record_id}").get_data(as_text=True)
    history = page.split('id="dated"')[1].split("</section>")[0]
    rows = [row for row in history.split("<tr") if "<td>" in row]
    assert ["一般" in rows[0] and "2019-03-01" in rows[0] and "2025-03-01" in rows[0]] == [True]
    assert "重点" in rows[1] and "至今" in rows[1]


@pytest.fixture
def api(client, auth):
    auth.login("api", roles=("admin",))
    return client


def test_the_api_takes_effective_on_and_shows_the_history(api, app):
    with app.app_context():
        make_tag("cloud", "企业上云")
        town_id = make_town().id
        db.session.commit()
    body = {"name": "接口企业有限公司", "uscc": uscc(), "legal_form": "company", "town_id": town_id}
    created = api.post("/api/v1/enterprises", json=body | {"tags": ["cloud"], "established_on": "2015-03-01"})
    assert created.status_code == 201, created.get_json()
    item = created.get_json()
    assert item["history"] == {
        "tags": [{"value": "cloud", "from": "2015-03-01", "to": None}],
        "high_value_ip_count": [{"value": 0, "from": "2015-03-01", "to": None}],
    }
    patched = api.patch(
        f"/api/v1/enterprises/{item['id']}",
        json={"version": 1, "high_value_ip_count": 3, "effective_on": "2023-06-01"},
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["history"]["high_value_ip_count"] == [
        {"value": 0, "from": "2015-03-01", "to": "2023-06-01"},
        {"value": 3, "from": "2023-06-01", "to": None},
    ]
    got = api.get(f"/api/v1/enterprises/{item['id']}").get_json()
    assert got["history"] == patched.get_json()["history"]


@pytest.mark.parametrize(
    "change",
    [
        {"effective_on": (TODAY + timedelta(days=3)).isoformat()},
        {"effective_on": "2023-13-01"},
        {"effective_on": 20230101},
        {"effective_on": "2020-01-01"},  # before the latest change
        {"effective_on": "2020-01-01", "correct_history": "perhaps"},
    ],
)
def test_the_api_refuses_a_bad_effective_date_with_422_and_writes_nothing(api, app, change):
    with app.app_context():
        firm = make_enterprise(high_value_ip_count=2, dated_from=D("2022-01-01"))
        db.session.commit()
        firm_id = firm.id
    response = api.patch(
        f"/api/v1/enterprises/{firm_id}", json={"version": 1, "high_value_ip_count": 5} | change
    )
    assert response.status_code == 422
    assert any(key in response.get_json()["errors"] for key in ("effective_on", "correct_history"))
    with app.app_context():
        assert spans(firm_id, "ip") == [(2, D("2022-01-01"), None)]
        assert db.session.get(Enterprise, firm_id).version == 1


def test_the_api_corrects_history_when_asked(api, app):
    with app.app_context():
        firm = make_enterprise(high_value_ip_count=2, dated_from=D("2022-01-01"))
        db.session.commit()
        firm_id = firm.id
    response = api.patch(
        f"/api/v1/enterprises/{firm_id}",
        json={"version": 1, "high_value_ip_count": 5, "effective_on": "2020-01-01", "correct_history": True},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["history"]["high_value_ip_count"] == [
        {"value": 5, "from": "2020-01-01", "to": None}
    ]


def test_the_api_candidate_item_has_the_tier_history_and_other_collections_refuse_effective_on(api, app):
    with app.app_context():
        firm_id = make_enterprise().id
        db.session.commit()
    created = api.post(
        "/api/v1/listing-candidates",
        json={
            "enterprise_id": firm_id,
            "entered_on": "2020-05-01",
            "tier": "general",
            "effective_on": "2020-06-01",
        },
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["history"] == {"tier": [{"value": "general", "from": "2020-06-01", "to": None}]}
    training = api.post(
        "/api/v1/trainings",
        json={"held_on": "2021-06-17", "title": "培训", "topic": "ip", "effective_on": "2021-06-17"},
    )
    assert training.status_code == 422 and "effective_on" in training.get_json()["errors"]


def test_the_openapi_document_describes_effective_on_and_the_history(api):
    document = api.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for name in ("EnterprisesInput", "EnterprisesPatch", "ListingCandidatesInput", "ListingCandidatesPatch"):
        properties = schemas[name]["properties"]
        assert properties["effective_on"]["format"] == "date" and properties["effective_on"]["description"]
        assert properties["correct_history"]["type"] == "boolean"
    assert "effective_on" not in schemas["TrainingsInput"]["properties"]
    assert (
        "history" in schemas["Enterprises"]["properties"]
        and "history" in schemas["ListingCandidates"]["properties"]
    )


@pytest.mark.parametrize("collection", ["enterprises", "listing-candidates"])
def test_a_page_of_api_items_reads_the_histories_in_the_same_statements_for_10_and_50(
    api, app, count_statements, collection
):
    def fill(n: int) -> None:
        with app.app_context():
            tag, town = make_tag(f"t{n}", f"标签{n}"), make_town()
            for i in range(n):
                firm = make_enterprise(
                    name=f"历史{n}-{i}有限公司", town=town, tags=[tag], high_value_ip_count=i
                )
                firm.ip_spans.append(
                    EnterpriseIpSpan(value=0, valid_from=D("1999-01-01"), valid_to=D("2000-01-01"))
                )
                make_candidate(firm, entered_on=D("2020-01-01"))
            db.session.commit()

    def read(size: int):
        with count_statements() as counter:
            items = api.get(f"/api/v1/{collection}?size={size}").get_json()["items"]
        assert all(item["history"] for item in items)
        return len(items), counter.count

    fill(10)
    few, few_statements = read(10)
    fill(40)
    many, many_statements = read(50)
    assert (few, many) == (10, 50) and few_statements == many_statements


def test_the_import_takes_the_effective_date_column(town, tags):
    headers = ["企业名称", "统一社会信用代码", "主体类型", "所在镇街", "标签", "高价值知识产权数", "生效日期"]
    code = uscc()
    created = preview(
        xlsx([["导入企业有限公司", code, "企业", "太平街道", "cloud", "2", "2020-01-01"]], headers),
        commit=True,
    )
    assert created.created == 1 and created.written, created.error_lines()
    firm_id = db.session.scalar(select(Enterprise.id).where(Enterprise.uscc == code))
    assert spans(firm_id, "tags") == [("cloud", D("2020-01-01"), None)]
    updated = preview(
        xlsx([["导入企业有限公司", code, "企业", "太平街道", "kechuang-china", "2", "2022-05-01"]], headers),
        commit=True,
    )
    assert updated.updated == 1 and updated.written, updated.error_lines()
    assert spans(firm_id, "tags") == [
        ("cloud", D("2020-01-01"), D("2022-05-01")),
        ("kechuang-china", D("2022-05-01"), None),
    ]
    assert spans(firm_id, "ip") == [(2, D("2020-01-01"), None)]  # unchanged: no new span


@pytest.mark.parametrize(
    ("effective_on", "message"),
    [
        ("2021-01-01", "生效日期：不能早于标签最近一次变更的日期（2022-05-01）"),
        ((TODAY + timedelta(days=1)).isoformat(), "生效日期：不能晚于今天"),
        ("上个月", "生效日期："),
    ],
)
def test_the_import_refuses_a_bad_effective_date_by_row(town, tags, effective_on, message):
    firm = make_enterprise(name="导入企业有限公司", tags=[tags["cloud"]], dated_from=D("2022-05-01"))
    db.session.commit()
    headers = ["企业名称", "统一社会信用代码", "主体类型", "所在镇街", "标签", "生效日期"]
    rows = [["导入企业有限公司", firm.uscc, "企业", "太平街道", "kechuang-china", effective_on]]
    result = preview(xlsx(rows, headers), commit=True)
    assert not result.written and result.error_count == 1
    assert any(line.startswith(f"第2行 {message}") for line in result.error_lines()), result.error_lines()
    assert spans(firm.id, "tags") == [("cloud", D("2022-05-01"), None)]


def test_the_import_template_has_the_effective_date_column_and_no_history_correction(town):
    from registry.domain import InputError
    from registry.imports.spec import BY_NAME
    from registry.imports.workbook import template

    sheet = load_workbook(io.BytesIO(template(BY_NAME["enterprises"])), read_only=True).worksheets[0]
    headers = next(sheet.iter_rows(max_row=1, values_only=True))
    assert "生效日期" in headers and "更正历史" not in headers
    rows = [["导入企业有限公司", uscc(), "企业", "太平街道", "2020-01-01", "是"]]
    with pytest.raises(InputError) as refused:
        preview(xlsx(rows, ["企业名称", "统一社会信用代码", "主体类型", "所在镇街", "生效日期", "更正历史"]))
    assert "更正历史" in refused.value.message


# ---- migration 0007: today's values become spans -----------------------------------------------------------------------
def migration():
    path = Path(__file__).parent.parent / "migrations" / "versions" / "0007_dated_fields.py"
    spec = importlib.util.spec_from_file_location("migration_0007", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_dates_today_s_values_from_establishment_else_entry(ctx, tags):
    established = make_enterprise(
        established_on=D("2012-04-01"), tags=[tags["cloud"], tags["kechuang-china"]], high_value_ip_count=3
    )
    entered = make_enterprise(legal_form="team", uscc=None, tags=[tags["cloud"]])
    entered.created_at = D("2023-08-09")
    candidate = make_candidate(established, entered_on=D("2019-03-01"), tier="key")
    for model in (EnterpriseTagSpan, EnterpriseIpSpan, ListingTierSpan):  # as before the migration
        db.session.execute(delete(model))
    db.session.flush()
    written = migration().spans_from_current_values(db.session.connection())
    assert written == {"enterprise_tag_spans": 3, "enterprise_ip_spans": 2, "listing_tier_spans": 1}
    assert spans(established.id, "tags") == [
        ("cloud", D("2012-04-01"), None),
        ("kechuang-china", D("2012-04-01"), None),
    ]
    assert spans(established.id, "ip") == [(3, D("2012-04-01"), None)]
    assert spans(entered.id, "tags") == [("cloud", D("2023-08-09"), None)]
    assert spans(entered.id, "ip") == [(0, D("2023-08-09"), None)]
    assert spans(candidate.id, "tier") == [("key", D("2019-03-01"), None)]
