"""Who may open which page of "Web records I": one declared table, checked for every role."""

from __future__ import annotations

from datetime import date

import pytest

from registry.extensions import db

from .factories import (
    PASSWORDS,
    make_candidate,
    make_certification,
    make_enterprise,
    make_incubator,
    make_loan,
    make_outreach,
    make_tenancy,
    make_training,
    make_user,
)

ROLES = [
    "anonymous",
    "admin",
    "science_bureau",
    "incubator_manager",
    "finance_officer",
    "report_writer",
    "contributor",  # 部门填报人: no registry page at all
]
OK, LOGIN, FORBIDDEN, MISSING = 200, 302, 403, 404

# fmt: off
#            path                         anonymous admin sb  manager  finance  report  contributor
TABLE = [
    ("/enterprises/",                     LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/enterprises/export.csv",           LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/enterprises/new",                  LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/enterprises/{firm_a}",             LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/enterprises/{firm_b}",             LOGIN, OK, OK, MISSING, OK, OK, FORBIDDEN),
    ("/enterprises/{firm_a}/edit",        LOGIN, OK, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/enterprises/{firm_b}/edit",        LOGIN, OK, OK, MISSING, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/incubators/",                      LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/incubators/new",                   LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/incubators/{inc_a}",               LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/incubators/{inc_b}",               LOGIN, OK, OK, MISSING, OK, OK, FORBIDDEN),
    ("/incubators/{inc_a}/edit",          LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/tenants/new",                      LOGIN, OK, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/tenancies/{stay_a}/edit",          LOGIN, OK, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/tenancies/{stay_b}/edit",          LOGIN, OK, OK, MISSING, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/tenancies/{stay_a}/exit",          LOGIN, OK, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/tenancies/{stay_b}/exit",          LOGIN, OK, OK, MISSING, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/admin/users/",                     LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/certifications/",                  LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/certifications/new",               LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/certifications/{cert_a}",          LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/certifications/{cert_b}",          LOGIN, OK, OK, MISSING, OK, OK, FORBIDDEN),
    ("/certifications/{cert_a}/edit",     LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/certifications/renewals",          LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/certification-kinds/",             LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/certification-kinds/new",          LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("/outreach/",                        LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/outreach/new",                     LOGIN, OK, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("/outreach/{visit_b}",               LOGIN, OK, OK, MISSING, OK, OK, FORBIDDEN),
    ("/pledge-loans/",                    LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/pledge-loans/new",                 LOGIN, OK, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("/pledge-loans/{loan_a}",            LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/pledge-loans/{loan_a}/edit",       LOGIN, OK, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("/listing-candidates/",              LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/listing-candidates/pipeline",      LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/listing-candidates/new",           LOGIN, OK, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("/listing-candidates/{cand_b}",      LOGIN, OK, OK, MISSING, OK, OK, FORBIDDEN),
    ("/trainings/",                       LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    ("/trainings/new",                    LOGIN, OK, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("/trainings/{training_b}",           LOGIN, OK, OK, MISSING, OK, OK, FORBIDDEN),
]
# fmt: on


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_declared(client, app, role):
    with app.app_context():
        inc_a, inc_b = make_incubator(name="甲孵化器"), make_incubator(name="乙孵化器")
        stay_a = make_tenancy(incubator=inc_a, enterprise=make_enterprise(name="甲企业"))
        stay_b = make_tenancy(incubator=inc_b, enterprise=make_enterprise(name="乙企业"))
        firm_a, firm_b = stay_a.enterprise, stay_b.enterprise
        day = date(2021, 5, 1)
        records = {
            "cert_a": make_certification(firm_a, applied_on=day),
            "cert_b": make_certification(firm_b, applied_on=day),
            "visit_b": make_outreach(held_on=day, enterprise=firm_b),
            "loan_a": make_loan(firm_a, lender="行", registered_on=day),
            "cand_b": make_candidate(firm_b, entered_on=day, tier="key"),
            "training_b": make_training([firm_b], held_on=day, title="培训"),
        }
        db.session.commit()
        ids = {
            "inc_a": inc_a.id,
            "inc_b": inc_b.id,
            "stay_a": stay_a.id,
            "stay_b": stay_b.id,
            "firm_a": stay_a.enterprise_id,
            "firm_b": stay_b.enterprise_id,
        }
        ids |= {key: record.id for key, record in records.items()}
        if role != "anonymous":
            make_user(
                "someone",
                [role],
                incubator_ids=[inc_a.id] if role == "incubator_manager" else [],
                department="统计局" if role == "contributor" else None,
            )
    if role != "anonymous":
        client.post("/login", data={"username": "someone", "password": PASSWORDS["someone"]})
    column = ROLES.index(role) + 1
    wrong = []
    for row in TABLE:
        path = row[0].format(**ids)
        status = client.get(path).status_code
        if status != row[column]:
            wrong.append(f"{path}: {status}, expected {row[column]}")
    assert wrong == []
