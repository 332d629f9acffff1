"""A certification kind's number pattern is admin input: it can neither hang a worker nor run unchecked.

Patterns run on RE2, whose matching time is linear in the number's length. With a backtracking engine the
pattern ``(A+)+B`` against 31 ``A`` takes minutes and against 48 takes longer than anyone waits, so a
regression here hangs the test run visibly instead of passing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from registry.certifications.services import CERTIFICATION, CERTIFICATION_KIND
from registry.domain import InputError
from registry.domain.certificates import check_pattern, validate_certificate_no
from registry.extensions import db
from registry.models import CertificationKind
from registry.records import writer
from registry.records.errors import ValidationFailed

from .factories import make_enterprise

CATASTROPHIC = "(A+)+B"
LONG_NUMBER = "A" * 48  # 2^48 steps for a backtracking engine (the field holds 50)


def certificate(firm, kind: str, number: str) -> dict:
    return {
        "enterprise_id": firm.id,
        "kind": kind,
        "level": "provincial",
        "status": "approved",
        "approved_on": "2025-04-01",
        "certificate_no": number,
    }


def test_a_number_against_a_nested_quantifier_pattern_is_refused_without_hanging(ctx):
    writer.create(
        CERTIFICATION_KIND,
        None,
        {"code": "gazelle", "name": "瞪羚企业", "validity": "years:2"} | {"number_pattern": CATASTROPHIC},
    )
    firm = make_enterprise()
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        writer.create(CERTIFICATION, None, certificate(firm, "gazelle", LONG_NUMBER))
    assert "编号格式" in refused.value.errors["certificate_no"][0]
    record = writer.create(CERTIFICATION, None, certificate(firm, "gazelle", "A" * 49 + "B"))
    assert record.certificate_no == "A" * 49 + "B"


def test_the_domain_check_of_a_long_number_returns_a_refusal():
    with pytest.raises(InputError) as refused:
        validate_certificate_no(LONG_NUMBER, CATASTROPHIC, "瞪羚企业")
    assert refused.value.code == "pattern"


@pytest.mark.parametrize("pattern", [r"(A)\1", r"(?=GR)GR\d+", r"(?<!X)\d+", r"(A+)++B"])
def test_a_pattern_re2_cannot_run_is_refused_when_the_kind_is_saved(ctx, pattern):
    with pytest.raises(ValidationFailed) as refused:
        writer.create(
            CERTIFICATION_KIND,
            None,
            {"code": "gazelle", "name": "瞪羚企业", "validity": "years:2"} | {"number_pattern": pattern},
        )
    assert "number_pattern" in refused.value.errors


def test_the_unsupported_pattern_message_names_the_reason():
    with pytest.raises(InputError) as refused:
        check_pattern(r"(A)\1")
    assert "反向引用" in refused.value.message


def test_a_stored_pattern_re2_cannot_run_refuses_the_number_instead_of_backtracking(ctx):
    """A kind saved before patterns were checked: the number is refused with a reason, never run on re."""
    writer.create(CERTIFICATION_KIND, None, {"code": "gazelle", "name": "瞪羚企业", "validity": "years:2"})
    db.session.execute(
        update(CertificationKind)
        .where(CertificationKind.code == "gazelle")
        .values(number_pattern=r"(A)\1(A+)+B")
    )
    firm = make_enterprise()
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        writer.create(CERTIFICATION, None, certificate(firm, "gazelle", LONG_NUMBER))
    assert "管理员" in refused.value.errors["certificate_no"][0]
