"""The enterprise record type: schema, rules, permissions and duplicate detection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from .. import permissions
from ..domain.text import name_key
from ..enums import DeregistrationReason, FounderGroup, Industry, LegalForm, Role
from ..extensions import db
from ..models import Enterprise, Park, Tag, Town
from ..records import dated
from ..records.catalog import register
from ..records.errors import Conflict, ValidationFailed
from ..records.fields import (
    Choice,
    ChoiceSet,
    Date,
    Integer,
    Money,
    Reference,
    Schema,
    TagSet,
    Text,
    Uscc,
)
from ..records.memo import memoised
from ..records.record_type import RecordType
from .ends import deregistration_errors, stays_after_deregistration
from .items import firm_rows

SCHEMA = Schema(
    [
        Text("name", _l("企业名称"), required=True, max_length=200, name_like=True),
        Text("short_name", _l("简称"), max_length=50, name_like=True, help=_l("报告中的写法，如：大禹防水")),
        Uscc("uscc", _l("统一社会信用代码"), help=_l("18位；创业团队(未注册)可不填")),
        Choice("legal_form", _l("主体类型"), required=True, enum=LegalForm),
        Reference(
            "town_id", _l("所在镇街"), required=True, model=Town, lookup=lambda text: name_lookup(Town, text)
        ),
        Reference("park_id", _l("所在园区"), model=Park, lookup=lambda text: name_lookup(Park, text)),
        Choice("industry", _l("行业门类"), enum=Industry),
        Date("established_on", _l("成立日期")),
        Money("registered_capital_wan", _l("注册资本(万元)")),
        Integer("employees", _l("从业人数")),
        Integer("rd_staff", _l("研发人员数")),
        Text("address", _l("地址"), max_length=200),
        Text("contact_name", _l("联系人"), max_length=50),
        Text("contact_phone", _l("联系电话"), max_length=30),
        ChoiceSet("founder_groups", _l("创业者群体"), enum=FounderGroup),
        Integer("high_value_ip_count", _l("高价值知识产权数"), blank=0),
        TagSet("tags", _l("标签")),
        Date(
            "deregistered_on",
            _l("注销日期"),
            help=_l("注销、吊销、迁出或合并之日；该企业在孵的入孵记录于当日以“注销”离孵"),
        ),
        Choice("deregistered_reason", _l("注销原因"), enum=DeregistrationReason),
        Text("notes", _l("备注"), max_length=2000, multiline=True),
    ]
)


def name_lookup(model, text: str) -> int | None:
    """A reference row's id from its name (or code, for tables that have one)."""
    from ..domain.text import clean_text

    text = clean_text(text)
    condition = model.name == text
    if hasattr(model, "code"):
        condition = or_(condition, model.code == text)
    return db.session.scalar(select(model.id).where(condition, model.archived_at.is_(None)).limit(1))


class PossibleDuplicate(Conflict):
    """A firm with the same normalised name exists; the user may confirm it is a different firm.

    ``matches`` are the look-alikes the user may see; ``hidden`` says there are others outside their scope,
    which the message mentions without naming.
    """

    def __init__(self, matches: list[Enterprise], hidden: bool = False) -> None:
        if matches:
            names = "、".join(f"“{m.name}”" for m in matches[:3])
            message = _("可能与已登记的企业重复：%(names)s", names=names)
        else:
            message = _(
                "可能与已登记的企业重复：已有名称相同的企业。如是同一家，请按统一社会信用代码或完整名称选择"
                "已登记的企业；如确认是另一家企业，请确认后再保存"
            )
        super().__init__(message, field="name")
        self.matches = matches
        self.hidden = hidden


class KnownFirms:
    """The firms a batch of rows may be about, loaded in one query by their USCCs and name keys.

    Holds the session's own objects, so a row that updates a firm is seen by the rows after it.
    """

    def __init__(self, usccs: set[str], keys: set[str]) -> None:
        self.usccs, self.keys = usccs, keys
        conditions = []
        if usccs:
            conditions.append(Enterprise.uscc.in_(usccs))
        if keys:
            conditions.append(Enterprise.name_key.in_(keys))
        # With the histories of their dated fields, which a row that changes them reads.
        query = select(Enterprise).where(or_(*conditions)).options(*dated.loaders(ENTERPRISE))
        self.firms = list(db.session.scalars(query.order_by(Enterprise.id))) if conditions else []

    def covers(self, uscc: str | None, key: str | None) -> bool:
        return (not uscc or uscc in self.usccs) and (not key or key in self.keys)

    def matching(self, uscc: str | None, key: str | None) -> list[Enterprise]:
        return [f for f in self.firms if (uscc and f.uscc == uscc) or (key and f.name_key == key)]


_known: ContextVar[KnownFirms | None] = ContextVar("known_firms", default=None)


@contextmanager
def known_firms(usccs: set[str], keys: set[str]) -> Iterator[KnownFirms]:
    """Answer the duplicate checks of a batch from one query (used by the import)."""
    known = KnownFirms(usccs, keys)
    token = _known.set(known)
    try:
        yield known
    finally:
        _known.reset(token)


def remember_firm(firm: Enterprise) -> None:
    """A firm a batch's row updated: later rows of the batch match it by its new USCC or name."""
    known = _known.get()
    if known is not None and firm not in known.firms:
        known.firms.append(firm)


def firms_matching(uscc: str | None, key: str | None) -> list[Enterprise] | None:
    """The batch's known firms with this USCC or name key, or None when no batch covers them."""
    known = _known.get()
    return known.matching(uscc, key) if known is not None and known.covers(uscc, key) else None


def find_duplicates(name: str | None, uscc: str | None, exclude_id: int | None = None) -> list[Enterprise]:
    """Firms with the same USCC or the same duplicate key of the name (archived ones included)."""
    key = name_key(name) if name else None
    known = firms_matching(uscc, key)
    if known is not None:
        return [f for f in known if f.id != exclude_id][:10]
    conditions = []
    if uscc:
        conditions.append(Enterprise.uscc == uscc)
    if key:
        conditions.append(Enterprise.name_key == key)
    if not conditions:
        return []
    query = select(Enterprise).where(or_(*conditions)).order_by(Enterprise.id).limit(10)
    if exclude_id is not None:
        query = query.where(Enterprise.id != exclude_id)
    return list(db.session.scalars(query))


class EnterpriseType(RecordType):
    name = "enterprise"
    menu, list_endpoint = ("top", 10), "enterprises.index"
    order = 10
    title = lazy_pgettext("menu", "企业")  # the register's name: "Enterprises"
    list_title = _l("企业名录")
    counted = True
    log_title = _l("企业")
    unit = _l("家")
    endpoint, endpoint_arg = "enterprises.detail", "enterprise_id"
    collection, api_title = "enterprises", "企业"
    plural, import_sheet = "enterprises", lazy_pgettext("menu", "企业")
    import_example: ClassVar[dict] = {
        "name": "盘锦示例科技有限公司",
        "short_name": "示例科技",
        "uscc": "91211122DM0000001L",
        "legal_form": "企业",
        "town_id": "太平街道",
        "industry": "C",
        "established_on": "2021-07-31",
        "registered_capital_wan": "500",
        "employees": "20",
        "founder_groups": "退役军人,女性",
        "tags": "kechuang-china",
    }
    model = Enterprise
    schema = SCHEMA
    write_roles = frozenset({Role.SCIENCE_BUREAU})
    api_rows = staticmethod(firm_rows)  # the API list's firms as rows, their parts in one statement more
    defers_flush = True  # the unique USCC is a constraint; a bulk run confirms name look-alikes itself

    def list_spec(self):
        from .filters import SPEC

        return SPEC

    def enterprise_id(self, record) -> int | None:
        return record.id

    def drill_options(self) -> tuple:
        return (joinedload(Enterprise.town),)

    def drill_label(self, record) -> str:
        return record.name

    def visible(self, user, query):
        if permissions.sees_everything(user):
            return query
        return query.where(permissions.tenant_of_managed(user, Enterprise.id))

    def allowed(self, user, action, record=None, values=None) -> bool:
        if super().allowed(user, action, record, values):
            return True
        # Managers keep the records of their own tenants up to date; they create firms only while
        # registering a tenant (incubation.services.register_tenant), and archive none.
        return action == "update" and record is not None and permissions.manages_enterprise(user, record.id)

    def check(self, values: dict, record=None, *, confirmed: bool = False) -> None:
        errors: dict[str, list[str]] = {}
        label = SCHEMA.label
        if values.get("legal_form") == LegalForm.TEAM:
            if values.get("uscc"):
                errors["uscc"] = [_("%(label)s：创业团队(未注册)没有统一社会信用代码", label=label("uscc"))]
        elif not values.get("uscc"):
            errors["uscc"] = [_("%(label)s：已注册的主体必须填写", label=label("uscc"))]
        if values.get("established_on") and values["established_on"] > date.today():
            errors["established_on"] = [_("%(label)s：不能晚于今天", label=label("established_on"))]
        employees, rd_staff = values.get("employees"), values.get("rd_staff")
        if employees is not None and rd_staff is not None and rd_staff > employees:
            errors["rd_staff"] = [_("%(label)s：不能多于从业人数", label=label("rd_staff"))]
        errors.update(deregistration_errors(values, self.schema))
        if not errors and record is not None and values.get("deregistered_on"):
            errors.update(stays_after_deregistration(record, values["deregistered_on"], self.schema))
        if errors:
            raise ValidationFailed(errors)
        exclude = record.id if record is not None else None
        matches = find_duplicates(values.get("name"), values.get("uscc"), exclude)
        shown = shown_to_acting_user(matches)
        same_code = [m for m in matches if values.get("uscc") and m.uscc == values["uscc"]]
        if same_code:
            existing = same_code[0]
            if existing not in shown:
                # The code is taken (the database would refuse it anyway); whose it is stays unsaid.
                raise Conflict(
                    _(
                        "%(label)s：该代码已登记。如是同一家企业，请在登记入孵时选择“已登记的企业”并输入该代码",
                        label=label("uscc"),
                    ),
                    field="uscc",
                )
            message = _(
                "%(label)s：该代码已登记为“%(name)s”（编号%(id)d）",
                label=label("uscc"),
                name=existing.name,
                id=existing.id,
            )
            if existing.archived_at is not None:
                message += _("，该企业已归档，如需使用请恢复原记录")
            raise Conflict(message, field="uscc")
        renamed = record is None or name_key(values.get("name")) != record.name_key
        if matches and renamed and not confirmed:
            raise PossibleDuplicate(shown, hidden=len(shown) < len(matches))

    def apply(self, record: Enterprise, values: dict) -> None:
        for key, value in values.items():
            if key == "tags":
                codes = tuple(sorted(value))
                record.tags = memoised(
                    ("tag_rows", codes),
                    lambda codes=codes: list(
                        db.session.scalars(select(Tag).where(Tag.code.in_(codes)).order_by(Tag.code))
                    ),
                )
            elif key == "founder_groups":
                record.founder_groups = value
            else:
                setattr(record, key, value)
        record.name_key = name_key(record.name)

    def snapshot(self, record: Enterprise) -> dict:
        values = super().snapshot(record)
        values["tags"] = [t.code for t in record.tags]
        return values

    def after_update(self, record: Enterprise, before: dict, user) -> None:
        day = record.deregistered_on
        if day is not None and day != before.get("deregistered_on"):
            from ..incubation.ends import end_stays_of_deregistered

            end_stays_of_deregistered(record, before.get("deregistered_on"), user)


ENTERPRISE = register(EnterpriseType())


def shown_to_acting_user(firms: list[Enterprise]) -> list[Enterprise]:
    """Those of ``firms`` the user of the write in progress may see (messages name no others)."""
    user = permissions.acting_user()
    if not firms or permissions.sees_everything(user):
        return firms
    ids = set(
        db.session.scalars(
            ENTERPRISE.visible(user, select(Enterprise.id).where(Enterprise.id.in_([f.id for f in firms])))
        )
    )
    return [f for f in firms if f.id in ids]


def firms_in_reach(query):
    """``query`` of firms narrowed to those the acting user may name in a record or a filter: the firms
    they see, and the one the register-tenant flow vouches for (:func:`permissions.vouching_for`)."""
    user = permissions.acting_user()
    if permissions.sees_everything(user):
        return query
    scope = permissions.tenant_of_managed(user, Enterprise.id)
    vouched = permissions.vouched_firms()
    return query.where(or_(scope, Enterprise.id.in_(vouched)) if vouched else scope)


def enterprise_id_for(reference: str) -> int | None:
    """A firm's id from its USCC, ``#id`` or exact name (the natural keys people and imports use), among
    the firms the acting user may name (:func:`firms_in_reach`)."""
    from ..domain.text import clean_name, has_control
    from ..domain.uscc import normalise_uscc

    text = (reference or "").strip()
    if not text or has_control(text):
        return None
    if text.startswith("#") and text[1:].isdigit():
        return int(text[1:]) if len(text) < 11 else None
    code = normalise_uscc(text)
    return db.session.scalar(
        firms_in_reach(select(Enterprise.id))
        .where(
            or_(Enterprise.uscc == code, Enterprise.name == clean_name(text)),
            Enterprise.archived_at.is_(None),
        )
        .order_by(Enterprise.id)
        .limit(1)
    )


def enterprise_key(enterprise_id) -> str:
    """How a form shows a chosen firm: its USCC, or ``#id`` for an unregistered team."""
    if not enterprise_id:
        return ""
    firm = db.session.get(Enterprise, int(enterprise_id))
    return (firm.uscc or f"#{firm.id}") if firm else ""


def enterprise_field(required: bool = True, label: str | None = None):
    """The ``enterprise_id`` field of a child record: an id, or a firm's USCC or name in forms and imports."""
    from ..records.fields import Reference

    return Reference(
        "enterprise_id",
        label or _l("企业"),
        required=required,
        model=Enterprise,
        lookup=enterprise_id_for,
        key=enterprise_key,
        visible=firms_in_reach,
    )
