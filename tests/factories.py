"""Small factories: each makes one valid record with sensible defaults; keyword arguments override."""

from __future__ import annotations

import itertools
import re
from datetime import date

from sqlalchemy import delete

from registry.auth.services import create_user
from registry.db import write_transaction
from registry.domain.text import clean_name, name_key
from registry.domain.uscc import check_character
from registry.extensions import db
from registry.models import ChangeLog, Enterprise, Incubator, Town, User

_serial = itertools.count(1)
PASSWORDS: dict[str, str] = {}


def uscc(serial: int | None = None, prefix: str = "91") -> str:
    first17 = f"{prefix}211122TT{serial or next(_serial):07d}"
    return first17 + check_character(first17)


def make_town(**kw) -> Town:
    n = next(_serial)
    town = Town(code=kw.pop("code", f"t{n}"), name=kw.pop("name", f"测试镇{n}"), **kw)
    db.session.add(town)
    db.session.flush()
    return town


def make_enterprise(**kw) -> Enterprise:
    name = kw.pop("name", f"测试科技有限公司{next(_serial)}")
    town = kw.pop("town", None) or make_town()
    enterprise = Enterprise(
        name=clean_name(name),
        name_key=name_key(name),
        uscc=kw.pop("uscc", uscc()),
        legal_form=kw.pop("legal_form", "company"),
        town=town,
        **kw,
    )
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def make_incubator(**kw) -> Incubator:
    town = kw.pop("town", None) or make_town()
    incubator = Incubator(
        name=kw.pop("name", f"测试孵化器{next(_serial)}"),
        kind=kw.pop("kind", "tech_incubator"),
        level=kw.pop("level", "county"),
        town=town,
        opened_on=kw.pop("opened_on", date(2020, 1, 1)),
        **kw,
    )
    db.session.add(incubator)
    db.session.flush()
    return incubator


def ensure_user(username: str, roles: list[str], **kw) -> tuple[User, str]:
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is not None:
        return user, PASSWORDS[username]
    return _new_user(username, roles, **kw)


def _new_user(username: str, roles: list[str], **kw) -> tuple[User, str]:
    """A user made by the real service, without the change-log row of its creation: a test's signed-in
    users are set-up, not part of the history the test looks at."""
    user, password = create_user(username, roles, **kw)
    with write_transaction():
        db.session.execute(
            delete(ChangeLog).where(ChangeLog.object_type == "user", ChangeLog.object_id == user.id)
        )
    PASSWORDS[username] = password
    return user, password


def make_tenancy(incubator=None, enterprise=None, **kw):
    from registry.models import Tenancy

    tenancy = Tenancy(
        incubator=incubator or make_incubator(),
        enterprise=enterprise or make_enterprise(),
        moved_in_on=kw.pop("moved_in_on", date(2021, 3, 1)),
        **kw,
    )
    db.session.add(tenancy)
    db.session.flush()
    return tenancy


def make_tag(code: str = "kechuang-china", name: str = "科创中国平台注册"):
    from registry.models import Tag

    tag = Tag(code=code, name=name)
    db.session.add(tag)
    db.session.flush()
    return tag


def make_user(username: str, roles: list[str], **kw) -> User:
    user, _password = _new_user(username, roles, **kw)
    return db.session.get(User, user.id)


def names_on(page: str) -> list[str]:
    return re.findall(r'<a href="/enterprises/\d+">([^<]+)</a>', page)
