"""Certifications: validity defaults per kind, rules, status actions, renewal list, kinds, pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from registry.certifications import services
from registry.certifications.services import CERTIFICATION, CERTIFICATION_KIND
from registry.extensions import db
from registry.models import Certification, ChangeLog
from registry.records import writer
from registry.records.errors import Conflict, ValidationFailed

from .factories import make_enterprise, make_user


def certify(firm, **kw):
    data = {
        "enterprise_id": firm.id,
        "kind": "high_tech",
        "level": "national",
        "status": "approved",
        "applied_on": "2021-06-01",
        "approved_on": "2021-12-01",
    } | kw
    return writer.create(CERTIFICATION, None, data)


@pytest.mark.parametrize(
    ("kind", "approved_on", "valid_until"),
    [
        ("tech_sme", "2021-05-10", date(2021, 12, 31)),
        ("tech_sme", "2021-12-31", date(2021, 12, 31)),
        ("high_tech", "2021-12-01", date(2024, 11, 30)),
        ("innovative_sme", "2022-01-01", date(2024, 12, 31)),
        ("srdi_sme", "2020-02-29", date(2023, 2, 28)),
        ("little_giant", "2021-07-19", date(2024, 7, 18)),
        ("single_champion", "2019-11-15", date(2022, 11, 14)),
        ("tech_innovative_sme", "2026-03-01", date(2029, 2, 28)),
    ],
)
def test_valid_until_defaults_from_the_kinds_validity(ctx, kind, approved_on, valid_until):
    firm = make_enterprise()
    db.session.commit()
    extra = {"product_name": "某产品"} if kind == "srdi_product" else {}
    record = certify(firm, kind=kind, applied_on=None, approved_on=approved_on, **extra)
    assert record.valid_until == valid_until
    assert record.year == int(approved_on[:4])


def test_srdi_product_default_validity(ctx):
    firm = make_enterprise()
    db.session.commit()
    record = certify(
        firm, kind="srdi_product", level="provincial", approved_on="2021-09-01", product_name="功能膜"
    )
    assert record.valid_until == date(2024, 8, 31)


def test_an_explicit_valid_until_is_kept(ctx):
    firm = make_enterprise()
    db.session.commit()
    assert certify(firm, valid_until="2023-06-30").valid_until == date(2023, 6, 30)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"certificate_no": "GR2021"}, "certificate_no", "不符合高新技术企业的编号格式"),
        ({"approved_on": ""}, "approved_on", "状态为已认定或已撤销时必须填写"),
        ({"status": "applied"}, "approved_on", "状态为已申报或未通过时不应填写"),
        ({"status": "revoked"}, "revoked_on", "状态为已撤销时必须填写"),
        ({"revoked_on": "2022-01-01"}, "revoked_on", "只有已撤销的资质才填写撤销日期"),
        ({"status": "revoked", "revoked_on": "2021-11-30"}, "revoked_on", "不能早于认定日期"),
        ({"applied_on": "2021-12-02"}, "approved_on", "不能早于申报日期"),
        ({"valid_until": "2021-11-30"}, "valid_until", "不能早于认定日期"),
        ({"key_support": True}, "key_support", "仅适用于专精特新“小巨人”企业"),
        ({"kind": "srdi_product", "level": "provincial"}, "product_name", "专精特新产品必须填写产品名称"),
        ({"product_name": "某产品"}, "product_name", "仅适用于专精特新产品"),
        ({"kind": "no_such"}, "kind", "不是可选值"),
        ({"level": "galactic"}, "level", "不是可选值"),
        ({"applied_on": None, "approved_on": None, "status": "applied"}, "applied_on", "至少填写一个"),
        (
            {"approved_on": (date.today() + timedelta(days=3)).isoformat(), "applied_on": None},
            "approved_on",
            "不能晚于今天",
        ),
        ({"batch": "0"}, "batch", "不能小于1"),
        ({"year": "1800"}, "year", "不能小于1990"),
    ],
)
def test_certification_rules(ctx, changes, field, message):
    firm = make_enterprise()
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        certify(firm, **changes)
    assert any(message in m for m in refused.value.errors.get(field, [])), refused.value.errors


def test_certificate_number_is_normalised_and_checked_against_the_pattern(ctx):
    firm = make_enterprise()
    db.session.commit()
    assert certify(firm, certificate_no=" gr202311004043 ").certificate_no == "GR202311004043"


def test_kind_can_be_given_by_its_name(ctx):
    firm = make_enterprise()
    db.session.commit()
    assert certify(firm, kind="高新技术企业").kind == "high_tech"


def test_approve_reject_and_revoke_actions_with_their_dates(ctx):
    sb = make_user("sb", ["science_bureau"])
    firm = make_enterprise()
    db.session.commit()
    applied = certify(firm, status="applied", approved_on=None, kind="little_giant")
    approved = services.approve(sb, applied.id, 1, "2021-07-19")
    assert (approved.status, approved.approved_on, approved.valid_until) == (
        "approved",
        date(2021, 7, 19),
        date(2024, 7, 18),
    )
    revoked = services.revoke(sb, applied.id, 2, "2022-03-01")
    assert (revoked.status, revoked.revoked_on) == ("revoked", date(2022, 3, 1))
    other = certify(firm, status="applied", approved_on=None)
    assert services.reject(sb, other.id, 1).status == "rejected"
    actions = db.session.scalars(select(ChangeLog.changes).where(ChangeLog.action == "update")).all()
    assert [a["status"] for a in actions] == [
        ["applied", "approved"],
        ["approved", "revoked"],
        ["applied", "rejected"],
    ]


def test_revocation_needs_a_date_not_before_approval(ctx):
    firm = make_enterprise()
    db.session.commit()
    record = certify(firm)
    with pytest.raises(ValidationFailed):
        services.revoke(None, record.id, 1, "")
    with pytest.raises(ValidationFailed):
        services.revoke(None, record.id, 1, "2021-11-01")


def test_finance_officer_cannot_record_certifications(ctx):
    fo = make_user("fo", ["finance_officer"])
    firm = make_enterprise()
    db.session.commit()
    from registry.records.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        writer.create(
            CERTIFICATION,
            fo,
            {
                "enterprise_id": firm.id,
                "kind": "tech_sme",
                "level": "national",
                "status": "applied",
                "applied_on": "2021-01-05",
            },
        )


def test_a_new_kind_works_everywhere_without_code(client, auth, app):
    """The 2026 merged tier shows why: admins add kinds, and forms, lists and validity follow."""
    with app.app_context():
        firm = make_enterprise(name="新类别企业")
        db.session.commit()
        writer.create(
            CERTIFICATION_KIND,
            None,
            {
                "code": "province_gazelle",
                "name": "瞪羚企业",
                "validity": "years:2",
                "number_pattern": r"^DL\d{6}$",
            },
        )
        record = writer.create(
            CERTIFICATION,
            None,
            {
                "enterprise_id": firm.id,
                "kind": "province_gazelle",
                "level": "provincial",
                "status": "approved",
                "approved_on": "2025-04-01",
                "certificate_no": "DL000123",
            },
        )
        assert record.valid_until == date(2027, 3, 31)
        with pytest.raises(ValidationFailed):
            writer.create(
                CERTIFICATION,
                None,
                {
                    "enterprise_id": firm.id,
                    "kind": "province_gazelle",
                    "level": "provincial",
                    "status": "approved",
                    "approved_on": "2025-04-01",
                    "certificate_no": "X1",
                },
            )
    auth.login("sb", roles=("science_bureau",))
    assert "瞪羚企业" in client.get("/certifications/new").get_data(as_text=True)
    assert "新类别企业" in client.get("/certifications/?kind=province_gazelle").get_data(as_text=True)
    assert "瞪羚企业" in client.get("/enterprises/").get_data(as_text=True)  # the held-certification filter


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "Bad Code", "name": "x", "validity": "years:3"}, "code"),
        ({"code": "ok_code", "name": "x", "validity": "forever"}, "validity"),
        ({"code": "ok_code", "name": "x", "validity": "years:3", "number_pattern": "(["}, "number_pattern"),
    ],
)
def test_kind_rules(ctx, data, field):
    with pytest.raises(ValidationFailed) as refused:
        writer.create(CERTIFICATION_KIND, None, data)
    assert field in refused.value.errors


def test_kind_code_and_name_are_unique(ctx):
    with pytest.raises(Conflict):
        writer.create(
            CERTIFICATION_KIND, None, {"code": "high_tech", "name": "另一个", "validity": "years:3"}
        )


def renewal_fixture(on: date):
    firm_a, firm_b, firm_c = (
        make_enterprise(name="将到期企业"),
        make_enterprise(name="刚好91天"),
        make_enterprise(name="科小企业"),
    )
    db.session.commit()
    certify(
        firm_a,
        approved_on=(on - timedelta(days=3 * 365)).isoformat(),
        applied_on=None,
        valid_until=(on + timedelta(days=90)).isoformat(),
    )
    certify(
        firm_b,
        approved_on=(on - timedelta(days=3 * 365)).isoformat(),
        applied_on=None,
        valid_until=(on + timedelta(days=91)).isoformat(),
    )
    certify(firm_c, kind="tech_sme", approved_on=date(on.year, 3, 1).isoformat(), applied_on=None)
    return firm_c


def test_renewal_list_on_its_boundary_dates(client, auth, app):
    on = date(2026, 11, 1)
    with app.app_context():
        renewal_fixture(on)
    auth.login("sb", roles=("science_bureau",))
    page = client.get(f"/certifications/renewals?on={on}").get_data(as_text=True)
    ending = page.split('class="table table-sm mb-0 renewals-ending"')[1].split("</table>")[0]
    assert "将到期企业" in ending and "刚好91天" not in ending
    renew = page.split("renewals-tech-sme")[1]
    assert "科小企业" in renew
    later = client.get(f"/certifications/renewals?on={on + timedelta(days=1)}").get_data(as_text=True)
    assert "刚好91天" in later.split("renewals-ending")[1].split("</table>")[0]


def test_a_tech_sme_registered_for_next_year_leaves_the_renewal_list(client, auth, app):
    on = date(2026, 11, 1)
    with app.app_context():
        firm = renewal_fixture(on)
        certify(
            firm, kind="tech_sme", status="applied", approved_on=None, applied_on="2026-10-20", year="2027"
        )
    auth.login("sb", roles=("science_bureau",))
    page = client.get(f"/certifications/renewals?on={on}").get_data(as_text=True)
    assert "科小企业" not in page.split("renewals-tech-sme")[1]


def test_certification_list_filters(client, auth, app):
    with app.app_context():
        a, b = make_enterprise(name="甲"), make_enterprise(name="乙")
        db.session.commit()
        certify(
            a, kind="little_giant", approved_on="2019-06-06", applied_on=None, batch="1", key_support=True
        )
        certify(b, kind="little_giant", approved_on="2021-07-19", applied_on=None, batch="3")
        certify(b, kind="tech_sme", approved_on="2021-04-01", applied_on=None)
    auth.login("rw", roles=("report_writer",))

    def firms(query):
        page = client.get("/certifications/", query_string=query).get_data(as_text=True)
        return sorted(set(re.findall(r'href="/certifications/\d+">([^<]+)</a>', page)))

    assert firms({"kind": "little_giant", "key_support": "1"}) == ["甲"]
    assert firms({"batch": "3"}) == ["乙"]
    assert firms({"valid_on": "2021-07-31", "kind": "little_giant"}) == ["乙", "甲"]
    assert firms({"valid_on": "2022-06-06", "kind": "little_giant"}) == ["乙"]
    assert firms({"year": "2021", "kind": "tech_sme"}) == ["乙"]


def test_science_bureau_records_the_seed_srdi_story_in_the_browser(client, auth, app):
    with app.app_context():
        firms = {
            name: make_enterprise(name=name).uscc
            for name in ("大禹防水", "金田塑业", "富隆化工", "天源药业", "华龙防水", "科隆化工")
        }
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    response = client.post(
        "/certifications/new",
        data={
            "enterprise_id": firms["大禹防水"],
            "kind": "little_giant",
            "level": "national",
            "status": "approved",
            "approved_on": "2019-06-06",
            "batch": "1",
            "key_support": "y",
        },
    )
    assert response.status_code == 302
    for name in ("金田塑业", "富隆化工", "天源药业", "华龙防水", "科隆化工"):
        assert (
            client.post(
                "/certifications/new",
                data={
                    "enterprise_id": firms[name],
                    "kind": "srdi_product",
                    "level": "provincial",
                    "status": "applied",
                    "applied_on": "2021-06-20",
                    "product_name": f"{name}产品",
                },
            ).status_code
            == 302
        )
        if name != "科隆化工":
            assert (
                client.post(
                    "/certifications/new",
                    data={
                        "enterprise_id": firms[name],
                        "kind": "little_giant",
                        "level": "provincial",
                        "status": "applied",
                        "applied_on": "2021-06-20",
                    },
                ).status_code
                == 302
            )
    with app.app_context():
        rows = db.session.scalars(select(Certification)).all()
        assert len(rows) == 10
        dayu = next(r for r in rows if r.key_support)
        assert dayu.valid_until == date(2022, 6, 5)
        firm_id = dayu.enterprise_id
    page = client.get(f"/enterprises/{firm_id}").get_data(as_text=True)
    assert "重点支持" in page and "2022-06-05" in page
    renewal = client.get("/certifications/renewals?on=2022-04-01").get_data(as_text=True)
    assert "大禹防水" in renewal.split("renewals-ending")[1]
