"""How the rows of a kind find the records they are about: a slot of the kind's import spec.

By default a row is about an existing record only when the file has an id column (``Matcher``). Firms are
also found by USCC or by the duplicate key of their name (``FirmMatcher``); the user keeps or rejects each
such match before the import is written.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from itertools import islice

from flask_babel import gettext as _
from sqlalchemy import select

from ..domain.text import name_key
from ..domain.uscc import normalise_uscc
from ..enterprises.services import firms_matching, known_firms, remember_firm
from ..extensions import db
from ..models import Enterprise
from ..records import writer

UPDATE, REJECT = "update", "reject"


@dataclass
class Match:
    row: int
    name: str
    reason: str  # uscc | name | file
    target: str  # what it matches: "盘锦…有限公司（编号12）" or "第3行"
    target_id: int | None
    decision: str


class Matcher:
    """No matching: a row without an id creates a record. Each pass over a file (a preview, a commit) makes
    one matcher and keeps it to the last row, so a matcher may remember what earlier rows wrote."""

    def loading(self, batch: list[tuple[int, list]], where: dict[str, int]) -> AbstractContextManager:
        """Around the rows of one batch (``where``: a field's column in the cells), e.g. to load at once
        the records they may match."""
        return nullcontext()

    def find(self, number: int, data: dict, decisions: dict[int, str]) -> Match | None:
        """The record a row without an id is about, with the user's decision (or its default)."""
        return None

    def changes(self, target: int, present: dict) -> None:
        """Trim the values a row gives for an existing record (``present``) to what it really changes."""

    def wrote(self, number: int, data: dict, record, updated: bool) -> None:
        """A row was written (created, or ``updated`` an existing record)."""

    def checkpoint(self):
        """What to go back to if the batch about to run is undone and redone row by row."""
        return None

    def rollback(self, point) -> None:
        pass

    def settle(self, point) -> None:
        """The batch begun at ``point`` is done."""


def _cell(cells: list, where: dict[str, int], name: str):
    index = where.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def _keys(data: dict) -> list[str]:
    keys = []
    if isinstance(data.get("uscc"), str) and data["uscc"].strip():
        keys.append("uscc:" + normalise_uscc(data["uscc"]))
    if isinstance(data.get("name"), str) and data["name"].strip():
        keys.append("name:" + name_key(data["name"]))
    return keys


class FirmMatcher(Matcher):
    """Firms by USCC or name key: a registered firm (updated unless the user rejects the match) or a firm
    an earlier row of the file wrote (that row is left out unless the user keeps it as an update)."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple] = {}  # key → (row, id of the firm it created or updated)

    def loading(self, batch, where):
        """The existing firms the batch's rows may match, loaded in one query."""
        usccs, keys = set(), set()
        for _number, cells in batch:
            code, name = _cell(cells, where, "uscc"), _cell(cells, where, "name")
            if isinstance(code, str) and code.strip():
                usccs.add(normalise_uscc(code))
            if isinstance(name, str) and name.strip():
                keys.add(name_key(name))
        return known_firms(usccs, keys)

    def find(self, number, data, decisions):
        for key in _keys(data):
            if key in self.seen:
                earlier, record_id = self.seen[key]
                if not isinstance(record_id, int):  # created earlier in this batch, not inserted yet
                    writer.flush_deferred()
                    record_id = record_id.id
                target = _("第%(n)d行", n=earlier)
                return Match(
                    number, data.get("name") or "", "file", target, record_id, decisions.get(number, REJECT)
                )
        firm, reason = existing_enterprise(data)
        if firm is None:
            return None
        target = f"{firm.name}（{_('编号')}{firm.id}）"
        return Match(number, data.get("name") or "", reason, target, firm.id, decisions.get(number, UPDATE))

    def changes(self, target, present):
        if isinstance(present.get("name"), str):
            # A row that names the firm in another script or width is not a rename.
            current = db.session.get(Enterprise, target)
            if current is not None and current.name_key == name_key(present["name"]):
                del present["name"]

    def wrote(self, number, data, record, updated):
        for key in _keys(data):
            self.seen.setdefault(key, (number, record.id if record.id is not None else record))
        if updated:
            remember_firm(record)

    def checkpoint(self):
        return dict(self.seen)

    def rollback(self, point):
        self.seen.clear()
        self.seen.update(point)

    def settle(self, point):
        # Keys are only ever added, so this batch's are the last ones: keep their firms' ids, not the objects.
        for key in list(islice(reversed(self.seen), len(self.seen) - len(point))):
            number, target = self.seen[key]
            if not isinstance(target, int):
                self.seen[key] = (number, target.id)


def existing_enterprise(values: dict) -> tuple[Enterprise | None, str]:
    """An existing firm the row describes: by USCC, else by the duplicate key of its name."""
    code = values.get("uscc")
    code = normalise_uscc(code) if isinstance(code, str) and code.strip() else None
    name = values.get("name")
    key = name_key(name) if isinstance(name, str) and name.strip() else None
    known = firms_matching(code, key)
    if code:
        if known is not None:
            firm = next((f for f in known if f.uscc == code), None)
        else:
            firm = db.session.scalar(select(Enterprise).where(Enterprise.uscc == code))
        if firm is not None:
            return firm, "uscc"
    if key:
        if known is not None:
            firm = next((f for f in known if f.name_key == key), None)
        else:
            firm = db.session.scalar(select(Enterprise).where(Enterprise.name_key == key).limit(1))
        # Same name but two different codes: two firms (a branch, a namesake), not one.
        different_codes = firm is not None and firm.uscc and code and firm.uscc != code
        if firm is not None and not different_codes:
            return firm, "name"
    return None, ""
