"""Incubator and tenancy record types, and the incubator manager's flows (register a tenant, exit)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import permissions
from ..db import write_transaction
from ..domain.certificates import add_years
from ..domain.text import has_control
from ..domain.uscc import normalise_uscc
from ..enterprises.services import enterprise_field, name_lookup
from ..enums import ExitReason, FounderGroup, IncubatorKind, Level, Role
from ..extensions import db
from ..models import Enterprise, EnterpriseFounderGroup, Incubator, Tenancy, Town
from ..records import writer
from ..records.catalog import register
from ..records.errors import Conflict, PermissionDenied, ValidationFailed
from ..records.fields import Choice, Date, Money, Reference, Schema, Text
from ..records.record_type import RecordType
from .ends import stay_within_ends, tenants_after_closing

FREE_SPACE_YEARS_FOR_VETERANS = 2  # the seed county's policy: two years of free office space
FREE_SPACE_WARNING_DAYS = 60

INCUBATOR_SCHEMA = Schema(
    [
        Text("name", _l("名称"), required=True, max_length=100, name_like=True),
        Choice("kind", _l("类型"), required=True, enum=IncubatorKind),
        Choice("level", _l("级别"), required=True, enum=Level),
        Reference(
            "town_id", _l("所在镇街"), required=True, model=Town, lookup=lambda text: name_lookup(Town, text)
        ),
        Text("operator", _l("运营主体"), max_length=100),
        Text("address", _l("地址"), max_length=200),
        Money("area_m2", _l("面积(平方米)")),
        Date("opened_on", _l("启用日期")),
        Date("closed_on", _l("停用日期"), help=_l("停止运营之日；停用前请先为在孵企业办理离孵")),
    ]
)

TENANCY_SCHEMA = Schema(
    [
        Reference(
            "incubator_id",
            lazy_pgettext("one", "孵化载体"),
            required=True,
            model=Incubator,
            lookup=lambda text: name_lookup(Incubator, text),
        ),
        enterprise_field(label=_l("入孵企业")),
        Date("moved_in_on", _l("入驻日期"), required=True),
        Date("free_space_until", _l("免费场地截止"), help=_l("退役军人留空时默认为入驻起两年")),
        Date("left_on", _l("离孵日期")),
        Choice("exit_reason", _l("离孵原因"), enum=ExitReason),
    ]
)


class IncubatorType(RecordType):
    name = "incubator"
    menu, list_endpoint = ("top", 20), "incubation.incubators"
    order = 20
    title, unit = _l("孵化载体"), _l("个")
    counted = True
    endpoint, endpoint_arg = "incubation.incubator", "incubator_id"
    collection, api_title = "incubators", "孵化载体"
    plural, import_sheet = "incubators", _l("孵化载体")
    import_example: ClassVar[dict] = {
        "name": "某某众创空间",
        "kind": "众创空间",
        "level": "县级",
        "town_id": "太平街道",
        "opened_on": "2020-05-01",
    }

    def list_spec(self):
        from .filters import INCUBATOR_SPEC

        return INCUBATOR_SPEC

    def drill_label(self, record) -> str:
        return record.name

    model = Incubator
    schema = INCUBATOR_SCHEMA
    write_roles = frozenset({Role.SCIENCE_BUREAU})

    def enterprise_id(self, record) -> None:
        return None

    def visible(self, user, query):
        if permissions.sees_everything(user):
            return query
        return query.where(Incubator.id.in_(permissions.managed_incubator_ids(user) or {-1}))

    def check(self, values, record=None, *, confirmed=False) -> None:
        label = INCUBATOR_SCHEMA.label
        opened, closed = values.get("opened_on"), values.get("closed_on")
        if closed and closed > date.today():
            raise ValidationFailed.one(
                "closed_on",
                _(
                    "%(label)s：不能晚于今天（填写的是%(day)s）；请在停止运营后再登记",
                    label=label("closed_on"),
                    day=closed.isoformat(),
                ),
            )
        if closed and opened and closed < opened:
            raise ValidationFailed.one(
                "closed_on",
                _(
                    "%(label)s：%(closed)s早于启用日期%(opened)s，停用日期不能早于启用日期",
                    label=label("closed_on"),
                    closed=closed.isoformat(),
                    opened=opened.isoformat(),
                ),
            )
        if closed and record is not None:
            tenants_after_closing(record, closed, self.schema)
        query = select(Incubator.id).where(Incubator.name == values.get("name"))
        if record is not None:
            query = query.where(Incubator.id != record.id)
        if db.session.scalar(query) is not None:
            raise Conflict(_("名称：已有同名的孵化载体"), field="name")

    def check_archive(self, record) -> None:
        open_count = db.session.scalar(
            select(func.count()).where(
                Tenancy.incubator_id == record.id, Tenancy.left_on.is_(None), Tenancy.archived_at.is_(None)
            )
        )
        if open_count:
            raise ValidationFailed.one(
                "archived_at", _("该孵化载体还有%(n)d家在孵企业，请先办理离孵再归档", n=open_count)
            )


class TenancyType(RecordType):
    name = "tenancy"
    order = 30
    title, unit = _l("入孵记录"), _l("条")
    collection, api_title = "tenancies", "入孵"
    plural, import_sheet = "tenancies", _l("入孵")
    import_example: ClassVar[dict] = {
        "incubator_id": "盘锦现代农业创业大厦",
        "enterprise_id": "91211122DM0000001L",
        "moved_in_on": "2021/3/1",
    }

    def list_spec(self):
        from .filters import TENANCY_SPEC

        return TENANCY_SPEC

    def record_page(self, record):
        return INCUBATOR.page(record.incubator_id)  # a stay is shown on its incubator's page

    def drill_options(self) -> tuple:
        return (joinedload(Tenancy.enterprise), joinedload(Tenancy.incubator))

    def drill_label(self, record) -> str:
        return f"{record.enterprise.name} @ {record.incubator.name}"

    def drill_line(self, record) -> str:
        ended = f"{record.left_on} {ExitReason.label_of(record.exit_reason)}" if record.left_on else ""
        return f"{record.incubator.name} · {record.moved_in_on} – {ended}".rstrip()

    model = Tenancy
    schema = TENANCY_SCHEMA
    write_roles = frozenset({Role.SCIENCE_BUREAU})

    def visible(self, user, query):
        if permissions.sees_everything(user):
            return query
        return query.where(Tenancy.incubator_id.in_(permissions.managed_incubator_ids(user) or {-1}))

    def allowed(self, user, action, record=None, values=None) -> bool:
        if super().allowed(user, action, record, values):
            return True
        if not permissions.managed_incubator_ids(user):
            return False
        incubators = {getattr(record, "incubator_id", None), (values or {}).get("incubator_id")} - {None}
        return all(permissions.manages_incubator(user, i) for i in incubators)

    def label(self, record) -> str:
        enterprise = db.session.get(Enterprise, record.enterprise_id)
        incubator = db.session.get(Incubator, record.incubator_id)
        return f"{enterprise.name} @ {incubator.name}"

    def complete(self, values: dict, record=None) -> dict:
        """A new veteran tenant gets the county's free office space unless an end date is given."""
        if record is not None:
            return values
        if (
            values.get("free_space_until") is None
            and values.get("moved_in_on")
            and values.get("enterprise_id")
        ):
            veteran = db.session.scalar(
                select(EnterpriseFounderGroup.enterprise_id).where(
                    EnterpriseFounderGroup.enterprise_id == values["enterprise_id"],
                    EnterpriseFounderGroup.founder_group == FounderGroup.VETERAN,
                )
            )
            if veteran is not None:
                values["free_space_until"] = default_free_space_until(values["moved_in_on"])
        return values

    def check(self, values, record=None, *, confirmed=False) -> None:
        errors: dict[str, list[str]] = {}
        label = TENANCY_SCHEMA.label
        if record is not None and values.get("enterprise_id") != record.enterprise_id:
            # A stay is one firm's: changing the firm would hand its incubator's managers another firm.
            raise ValidationFailed.one(
                "enterprise_id",
                _(
                    "%(label)s：入孵记录登记后不能更换企业；如登记错了，请归档此记录后重新登记",
                    label=label("enterprise_id"),
                ),
            )
        moved_in, left_on = values.get("moved_in_on"), values.get("left_on")
        if left_on and moved_in and left_on < moved_in:
            errors["left_on"] = [_("%(label)s：不能早于入驻日期", label=label("left_on"))]
        if left_on and left_on > date.today():
            errors["left_on"] = [_("%(label)s：不能晚于今天", label=label("left_on"))]
        if left_on and not values.get("exit_reason"):
            errors["exit_reason"] = [_("%(label)s：填写离孵日期时必须选择", label=label("exit_reason"))]
        if values.get("exit_reason") and not left_on:
            errors["left_on"] = [_("%(label)s：选择离孵原因时必须填写", label=label("left_on"))]
        free = values.get("free_space_until")
        if free and moved_in and free < moved_in:
            errors["free_space_until"] = [_("%(label)s：不能早于入驻日期", label=label("free_space_until"))]
        if errors:
            raise ValidationFailed(errors)
        if moved_in:
            stay_within_ends(values, self.schema)
        if left_on is None:
            query = select(Tenancy.id).where(
                Tenancy.incubator_id == values.get("incubator_id"),
                Tenancy.enterprise_id == values.get("enterprise_id"),
                Tenancy.left_on.is_(None),
                Tenancy.archived_at.is_(None),
            )
            if record is not None:
                query = query.where(Tenancy.id != record.id)
            if db.session.scalar(query) is not None:
                raise Conflict(_("入孵企业：该企业已在此孵化载体在孵，不能重复登记"), field="enterprise_id")


INCUBATOR = register(IncubatorType())
TENANCY = register(TenancyType())


def default_free_space_until(moved_in_on: date) -> date:
    return add_years(moved_in_on, FREE_SPACE_YEARS_FOR_VETERANS) - timedelta(days=1)


def find_enterprise(reference: str, user) -> Enterprise | None:
    """A firm by USCC or exact name among all firms (a manager may take in any registered firm whose code
    or name they know), or by ``#id`` among the firms ``user`` already sees (an id is no such knowledge)."""
    from ..enterprises.services import ENTERPRISE

    text = (reference or "").strip()
    if not text or has_control(text):
        return None
    if text.startswith("#") and text[1:].isdigit() and len(text) < 12:
        query = ENTERPRISE.visible(user, select(Enterprise).where(Enterprise.id == int(text[1:])))
    else:
        code = normalise_uscc(text)
        query = select(Enterprise).where((Enterprise.uscc == code) | (Enterprise.name == text))
    query = query.where(Enterprise.archived_at.is_(None)).order_by(Enterprise.id)
    return db.session.scalars(query.limit(1)).first()


NEW_FIRM_FIELDS = ("name", "uscc", "legal_form", "town_id", "founder_groups")


def register_tenant(user, data: dict, *, confirmed: bool = False) -> Tenancy:
    """The manager's one form: an existing firm (``firm``: USCC, #id or name) or a new one, plus the stay.

    The firm (when new) and the tenancy are written in one transaction: either both or neither.
    """
    from ..enterprises.services import ENTERPRISE

    with write_transaction():
        incubator_id = data.get("incubator_id")
        if not TENANCY.allowed(user, "create", None, {"incubator_id": _int_or_none(incubator_id)}):
            raise PermissionDenied()
        errors: dict[str, list[str]] = {}
        enterprise_id = None
        if data.get("firm_mode") == "existing":
            firm = find_enterprise(data.get("firm", ""), user)
            if firm is None:
                errors["firm"] = [_("已登记企业：未找到该企业，请输入统一社会信用代码或完整名称")]
            else:
                enterprise_id = firm.id
        else:
            try:
                firm = writer.create(
                    ENTERPRISE,
                    user,
                    {k: data.get(k) for k in NEW_FIRM_FIELDS},
                    confirmed=confirmed,
                    authorized=True,
                )
                enterprise_id = firm.id
            except ValidationFailed as error:
                errors.update(error.errors)
        stay = {k: data.get(k) for k in ("incubator_id", "moved_in_on", "free_space_until")}
        try:
            TENANCY_SCHEMA.clean(stay, partial=True)
        except ValidationFailed as error:
            errors.update(error.errors)
        if errors:
            raise ValidationFailed(errors)
        with permissions.vouching_for(enterprise_id):
            return writer.create(TENANCY, user, stay | {"enterprise_id": enterprise_id})


def end_tenancy(user, tenancy_id, version, left_on, exit_reason) -> Tenancy:
    """Graduation or exit: a date and a reason on the stay (the same update path as any edit)."""
    errors = {}
    if not left_on:
        errors["left_on"] = [_("离孵日期：不能为空")]
    if not exit_reason:
        errors["exit_reason"] = [_("离孵原因：不能为空")]
    if errors:
        raise ValidationFailed(errors)
    return writer.update(
        TENANCY, user, tenancy_id, version, {"left_on": left_on, "exit_reason": exit_reason}, partial=True
    )


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def free_space_days_left(tenancy: Tenancy, today: date | None = None) -> int | None:
    if tenancy.free_space_until is None or tenancy.left_on is not None:
        return None
    return (tenancy.free_space_until - (today or date.today())).days
