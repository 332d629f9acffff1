"""The navigation menu: the record types' entries come from their declared menu place (``RecordType.menu``),
the other pages' entries, the groups and who sees them are declared here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l

from . import permissions
from .i18n import locale_name
from .records import catalog

TOP = "top"  # entries shown in the bar itself, not in a group's drop-down


def _everyone(roles: list[str]) -> bool:
    return True


def _writes_or_contributes(roles: list[str]) -> bool:
    return bool({"admin", "report_writer", "contributor"}.intersection(roles))


@dataclass(frozen=True)
class Entry:
    place: tuple[str, int]  # (group, position)
    label: object = ""
    endpoint: str = ""  # the page; none for a divider
    visible: Callable[[list[str]], bool] = _everyone

    @property
    def section(self) -> str:
        return self.endpoint.split(".")[0]


@dataclass(frozen=True)
class Group:
    name: str
    position: int
    label: object
    visible: Callable[[list[str]], bool] = _everyone
    entries: list[Entry] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return self.entries[0].endpoint

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(e.section for e in self.entries if e.endpoint)


GROUPS = [
    Group("certifications", 30, _l("资质认定")),
    Group("finance", 40, _l("金融服务")),
    Group("admin", 70, _l("系统管理"), lambda roles: "admin" in roles),
]
PAGES = [
    Entry((TOP, 0), _l("首页"), "main.home"),
    Entry(("certifications", 15), _l("到期复核提醒"), "certifications.renewals"),
    Entry(("finance", 25)),  # a divider: loans above, the listing reserve below
    Entry(("finance", 45), _l("上市进程看板"), "listing_candidates.pipeline"),
    Entry((TOP, 50), _l("统计报告"), "reports.summary", lambda roles: roles != ["incubator_manager"]),
    Entry((TOP, 55), _l("报告编写"), "report_workspace.index", _writes_or_contributes),
    Entry((TOP, 60), _l("批量导入"), "imports.upload", lambda roles: roles != ["report_writer"]),
    Entry(("admin", 10), _l("用户管理"), "admin.users"),
    Entry(("admin", 20), _l("变更日志"), "audit.index"),
]


def entries() -> list[Entry]:
    """Every entry: the record types' and the other pages'."""
    typed = [Entry(t.menu, t.title, t.list_endpoint) for t in catalog.record_types() if t.menu is not None]
    return sorted(typed + PAGES, key=lambda e: e.place[1])


def build(roles: list[str]) -> list[Entry | Group]:
    """The menu for a user with ``roles``: top entries and groups, in order, each with its entries."""
    groups = {g.name: Group(g.name, g.position, g.label, g.visible, []) for g in GROUPS}
    items: list[tuple[int, Entry | Group]] = [(g.position, g) for g in groups.values()]
    for entry in entries():
        group, position = entry.place
        if group == TOP:
            items.append((position, entry))
        else:
            groups[group].entries.append(entry)
    shown = [item for _position, item in sorted(items, key=lambda pair: pair[0])]
    if not permissions.reads_registry(roles):  # a contributor: the report workspace only
        shown = [item for item in shown if getattr(item, "section", "") == "report_workspace"]
    return [item for item in shown if item.visible(roles)]


@dataclass(frozen=True)
class Shown:
    """A menu entry as a page shows it: its label in the request's language and its address; a group has
    its ``entries`` (a divider is an entry without an address)."""

    label: str
    url: str
    endpoint: str = ""
    section: str = ""
    sections: tuple[str, ...] = ()
    entries: tuple[Shown, ...] | None = None


def _shown(item: Entry | Group) -> Shown:
    if isinstance(item, Group):
        entries = tuple(Shown(str(e.label), url_for(e.endpoint) if e.endpoint else "") for e in item.entries)
        return Shown(str(item.label), url_for(item.endpoint), item.endpoint, "", item.sections, entries)
    return Shown(str(item.label), url_for(item.endpoint), item.endpoint, item.section)


def shown(roles: list[str]) -> list[Shown]:
    """The menu of a user with ``roles`` (:func:`build`) as the page shows it, kept by the app for each set
    of roles, language and script root: the same for every page, its labels and addresses are made once."""
    kept = current_app.extensions.setdefault("registry.menu", {})
    key = (tuple(roles), locale_name(), request.script_root)
    menu = kept.get(key)
    if menu is None:
        menu = kept[key] = [_shown(item) for item in build(list(roles))]
    return menu
