"""Certification kinds and certifications: schemas, rules, defaults and the status actions."""

from __future__ import annotations

import re
from datetime import date
from typing import ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..domain import InputError
from ..domain.certificates import check_pattern, default_valid_until, parse_validity, validate_certificate_no
from ..domain.text import clean_text
from ..enterprises.services import enterprise_field
from ..enums import CertificationStatus, Level, Role
from ..extensions import db
from ..models import Certification, CertificationKind, Enterprise
from ..records import writer
from ..records.catalog import register
from ..records.errors import Conflict, ValidationFailed
from ..records.fields import Boolean, Choice, CodeChoice, Date, Integer, Schema, Text, named
from ..records.record_type import FirmRecordType, RecordType

LITTLE_GIANT, SRDI_PRODUCT, TECH_SME = "little_giant", "srdi_product", "tech_sme"
RENEWAL_DAYS = 90
_CODE = re.compile(r"[a-z][a-z0-9_]{1,39}")


class ValidityText(Text):
    def convert(self, raw):
        return str(parse_validity(super().convert(raw) or ""))


class PatternText(Text):
    def convert(self, raw):
        text = super().convert(raw)
        return check_pattern(text) if text else None


KIND_SCHEMA = Schema(
    [
        Text(
            "code",
            _l("代码"),
            required=True,
            max_length=40,
            help=_l("小写英文字母、数字和下划线，如 tech_innovative_sme"),
        ),
        Text("name", _l("名称"), required=True, max_length=100),
        ValidityText(
            "validity",
            _l("有效期"),
            required=True,
            max_length=20,
            help=_l("calendar_year（当年有效）、years:N（N年）或 none（长期）"),
        ),
        PatternText(
            "number_pattern",
            _l("证书编号格式"),
            max_length=200,
            help=_l("正则表达式，如 ^GR\\d{12}$；可不填"),
        ),
    ]
)


class CertificationKindType(RecordType):
    name = "certification_kind"
    menu, list_endpoint = ("certifications", 20), "certification_kinds.index"
    order = 45
    title, plural = _l("资质类别"), "certification_kinds"
    unit = _l("个")
    model = CertificationKind
    schema = KIND_SCHEMA
    write_roles = frozenset({Role.SCIENCE_BUREAU})

    def list_spec(self):
        from .filters import KIND_SPEC

        return KIND_SPEC

    def enterprise_id(self, record) -> None:
        return None

    def check(self, values, record=None, *, confirmed=False) -> None:
        if not _CODE.fullmatch(values.get("code") or ""):
            raise ValidationFailed.one("code", _("代码：应为小写英文字母开头，由小写字母、数字和下划线组成"))
        if record is not None and values["code"] != record.code:
            raise ValidationFailed.one("code", _("代码：已使用的代码不能修改"))
        for key in ("code", "name"):
            query = select(CertificationKind.id).where(getattr(CertificationKind, key) == values[key])
            if record is not None:
                query = query.where(CertificationKind.id != record.id)
            if db.session.scalar(query) is not None:
                raise Conflict(_("%(label)s：已存在", label=KIND_SCHEMA.label(key)), field=key)


SCHEMA = Schema(
    [
        enterprise_field(),
        CodeChoice("kind", _l("资质类别"), required=True, model=CertificationKind),
        Choice("level", _l("级别"), required=True, enum=Level),
        Choice("status", _l("状态"), required=True, enum=CertificationStatus),
        Date("applied_on", _l("申报日期")),
        Date("approved_on", _l("认定日期"), help=_l("已认定、已撤销时必填")),
        Date("valid_until", _l("有效期至"), help=_l("留空时按资质类别的有效期自动计算")),
        Date("revoked_on", _l("撤销日期")),
        Integer("year", _l("年度"), minimum=1990, maximum=2100, help=_l("留空时取认定或申报日期的年份")),
        Integer("batch", _l("批次"), minimum=1, maximum=99, help=_l("第几批，如“小巨人”第三批填 3")),
        Text("certificate_no", _l("证书编号/登记编号"), max_length=50),
        Boolean("key_support", _l("重点支持“小巨人”")),
        Text("product_name", _l("产品名称"), max_length=200, help=_l("专精特新产品必填")),
    ]
)


class CertificationType(FirmRecordType):
    name = "certification"
    menu, list_endpoint = ("certifications", 10), "certifications.index"
    order = 40
    title, unit = _l("资质认定"), _l("条")
    counted = True
    endpoint = "certifications.detail"
    collection, api_title = "certifications", "资质认定"
    plural, import_sheet = "certifications", _l("资质认定")
    import_example: ClassVar[dict] = {
        "enterprise_id": "91211122DM0000001L",
        "kind": "高新技术企业",
        "level": "国家级",
        "status": "已认定",
        "applied_on": "2021-06-28",
        "approved_on": "2021年12月14日",
        "certificate_no": "GR202121001046",
    }

    def list_spec(self):
        from .filters import SPEC

        return SPEC

    def drill_options(self) -> tuple:
        return (joinedload(Certification.enterprise), joinedload(Certification.kind_ref))

    def drill_label(self, record) -> str:
        product = f"（{record.product_name}）" if record.product_name else ""
        return f"{record.enterprise.name} · {record.kind_ref.name}{product}"

    def drill_line(self, record) -> str:
        product = f"（{record.product_name}）" if record.product_name else ""
        day = record.approved_on if record.status in ("approved", "revoked") else record.applied_on
        status = CertificationStatus.label_of(record.status)
        return f"{record.kind_ref.name}{product} · {Level.label_of(record.level)} · {status} {day or ''}".rstrip()

    model = Certification
    schema = SCHEMA
    write_roles = frozenset({Role.SCIENCE_BUREAU})

    def label(self, record) -> str:
        firm = db.session.get(Enterprise, record.enterprise_id)
        kind = db.session.scalar(select(CertificationKind).where(CertificationKind.code == record.kind))
        extra = f"（{record.product_name}）" if record.product_name else ""
        return f"{firm.name} · {kind.name if kind else record.kind}{extra}"

    def complete(self, values: dict, record=None) -> dict:
        """``valid_until`` from the kind's validity, ``year`` from the dates, when they are left empty."""
        if values.get("approved_on") and values.get("valid_until") is None and values.get("kind"):
            validity = db.session.scalar(
                select(CertificationKind.validity).where(CertificationKind.code == values["kind"])
            )
            if validity:
                values["valid_until"] = default_valid_until(validity, values["approved_on"])
        if values.get("certificate_no"):
            values["certificate_no"] = clean_text(values["certificate_no"]).upper()
        if values.get("year") is None:
            day = values.get("approved_on") or values.get("applied_on")
            values["year"] = day.year if day else None
        return values

    def check(self, values, record=None, *, confirmed=False) -> None:
        errors: dict[str, list[str]] = {}
        label = SCHEMA.label

        def refuse(field, message):
            errors.setdefault(field, []).append(named(label(field), message))

        status = values.get("status")
        applied, approved = values.get("applied_on"), values.get("approved_on")
        valid_until, revoked = values.get("valid_until"), values.get("revoked_on")
        if not applied and not approved:
            refuse("applied_on", _("申报日期和认定日期至少填写一个"))
        if status in (CertificationStatus.APPROVED, CertificationStatus.REVOKED) and not approved:
            refuse("approved_on", _("状态为已认定或已撤销时必须填写"))
        if status in (CertificationStatus.APPLIED, CertificationStatus.REJECTED) and approved:
            refuse("approved_on", _("状态为已申报或未通过时不应填写"))
        if status == CertificationStatus.REVOKED and not revoked:
            refuse("revoked_on", _("状态为已撤销时必须填写"))
        if status != CertificationStatus.REVOKED and revoked:
            refuse("revoked_on", _("只有已撤销的资质才填写撤销日期"))
        if applied and approved and approved < applied:
            refuse("approved_on", _("不能早于申报日期"))
        if approved and approved > date.today():
            refuse("approved_on", _("不能晚于今天"))
        if approved and valid_until and valid_until < approved:
            refuse("valid_until", _("不能早于认定日期"))
        if approved and revoked and revoked < approved:
            refuse("revoked_on", _("不能早于认定日期"))
        if revoked and revoked > date.today():
            refuse("revoked_on", _("不能晚于今天"))
        kind = db.session.scalar(
            select(CertificationKind).where(CertificationKind.code == values.get("kind"))
        )
        if values.get("key_support") and values.get("kind") != LITTLE_GIANT:
            refuse("key_support", _("仅适用于专精特新“小巨人”企业"))
        if values.get("kind") == SRDI_PRODUCT and not values.get("product_name"):
            refuse("product_name", _("专精特新产品必须填写产品名称"))
        if values.get("product_name") and values.get("kind") != SRDI_PRODUCT:
            refuse("product_name", _("仅适用于专精特新产品"))
        if values.get("certificate_no") and kind is not None:
            try:
                values["certificate_no"] = validate_certificate_no(
                    values["certificate_no"], kind.number_pattern, kind.name
                )
            except InputError as error:
                refuse("certificate_no", error.message)
        if errors:
            raise ValidationFailed(errors)


CERTIFICATION_KIND = register(CertificationKindType())
CERTIFICATION = register(CertificationType())


def approve(
    user, certification_id, version, approved_on, certificate_no=None, valid_until=None
) -> Certification:
    """Record an approval: status 已认定 with its date; the validity defaults from the kind."""
    return writer.update(
        CERTIFICATION,
        user,
        certification_id,
        version,
        {
            "status": "approved",
            "approved_on": approved_on or None,
            "certificate_no": certificate_no,
            "valid_until": valid_until or None,
            "revoked_on": None,
        },
        partial=True,
    )


def reject(user, certification_id, version) -> Certification:
    """The application did not pass (the change log keeps when this was recorded)."""
    return writer.update(
        CERTIFICATION,
        user,
        certification_id,
        version,
        {"status": "rejected", "approved_on": None, "valid_until": None},
        partial=True,
    )


def revoke(user, certification_id, version, revoked_on) -> Certification:
    """A certificate withdrawn (e.g. after a spot check), from ``revoked_on``."""
    if not revoked_on:
        raise ValidationFailed.one("revoked_on", _("撤销日期：不能为空"))
    return writer.update(
        CERTIFICATION,
        user,
        certification_id,
        version,
        {"status": "revoked", "revoked_on": revoked_on},
        partial=True,
    )
