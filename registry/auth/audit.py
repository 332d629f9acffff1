"""How the change log's rows about accounts and API tokens read in the audit view."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..enums import Role
from ..models import Incubator

ACCOUNT_EVENTS = {
    "login": _l("登录"),
    "login_failed": _l("登录失败"),
    "lockout": _l("锁定"),
    "password_changed": _l("修改密码"),
    "password_failed": _l("当前密码错误"),
    "password_reset": _l("重置密码"),
    "token_created": _l("创建API令牌"),
    "token_revoked": _l("吊销API令牌"),
}


def _field_labels() -> dict[str, str]:
    return {
        "username": _("用户名"),
        "display_name": _("显示名"),
        "roles": _("角色"),
        "department": _("所属部门"),
        "incubators": _("负责的孵化载体"),
        "active": _("启用"),
        "must_change_password": _("须修改密码"),
        "password": _("密码"),
        "api_token": _("API令牌"),
        "address": _("地址"),
    }


def account_references(changes: dict) -> list[tuple[type, str, object]]:
    """The incubators a row about an account names, for one batched read of their names."""
    ids = [v for before_after in (changes or {}).get("incubators", []) or [] for v in before_after or []]
    return [(Incubator, "id", v) for v in ids if isinstance(v, int)]


def _value(name: str, value, names) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if name == "roles" and isinstance(value, list):
        return "、".join(Role.label_of(v) for v in value)
    if name == "incubators" and isinstance(value, list):
        return "、".join(names.get((Incubator, "id", v), str(v)) for v in value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def account_change_rows(changes: dict, names: dict | None = None) -> list[tuple[str, str, str]]:
    """(field label, before, after) for a row about an account: role labels, incubator names, 是/否."""
    from ..records.fields import resolve_names

    if names is None:
        names = resolve_names(account_references(changes))
    labels = _field_labels()
    return [
        (labels.get(name, name), _value(name, before, names), _value(name, after, names))
        for name, (before, after) in (changes or {}).items()
    ]
