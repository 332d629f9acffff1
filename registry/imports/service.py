"""Running an import: every row through the same services as the forms, previewed or committed whole.

Preview and commit are the same run: the rows are written inside one transaction, which a preview rolls
back and a commit keeps — so the preview's counts are exactly what the commit does. Rows go in batches
inside savepoints; a batch that fails at the database level is redone row by row, so one bad row never
undoes its neighbours' validation.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice

from flask_babel import gettext as _

from ..db import write_transaction
from ..domain import InputError
from ..domain.text import name_key
from ..domain.uscc import normalise_uscc
from ..enterprises.services import known_firms, remember_firm
from ..extensions import db
from ..models import Enterprise
from ..records import fields as f
from ..records import writer
from ..records.changelog import current_request_id, log_change
from ..records.errors import Conflict, NotFound, PermissionDenied, RecordError, StaleVersion, ValidationFailed
from ..records.memo import lookups_memoised, memoised
from .reader import Formula, Table
from .spec import ID_HEADERS, ImportSpec, by_spelling, existing_enterprise

BATCH = 500
UPDATE, REJECT = "update", "reject"


@dataclass
class Match:
    row: int
    name: str
    reason: str  # uscc | name | file
    target: str  # what it matches: "盘锦…有限公司（编号12）" or "第3行"
    target_id: int | None
    decision: str


@dataclass
class Result:
    kind: str
    sheet: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, "列名：原因")
    matches: list[Match] = field(default_factory=list)
    error_rows: set = field(default_factory=set)
    written: bool = False
    request_id: str = ""

    @property
    def error_count(self) -> int:
        return len(self.error_rows)

    def error_lines(self) -> list[str]:
        return [_("第%(row)d行 %(message)s", row=row, message=message) for row, message in self.errors]


class _Undo(Exception):
    """Leaves the import's transaction without committing (a preview, or a commit refused for errors)."""


class FileError(InputError):
    pass


def columns(spec: ImportSpec, headers: list[str]) -> tuple[list, bool]:
    """Map each header to a field (or the id column); unknown, duplicated or missing headers are refused."""
    mapped, seen, has_id = [], {}, False
    for position, header in enumerate(headers, start=1):
        if header in ID_HEADERS:
            mapped.append("id")
            has_id = True
            continue
        fld = spec.column(header)
        if fld is None:
            raise FileError(
                _(
                    "第%(n)d列的列名“%(name)s”无法识别（请使用模板中的列名）",
                    n=position,
                    name=header[:40] or "(空)",
                )
            )
        if fld.name in seen:
            raise FileError(
                _("列“%(name)s”重复出现（第%(a)d列和第%(b)d列）", name=header, a=seen[fld.name], b=position)
            )
        seen[fld.name] = position
        mapped.append(fld)
    if not has_id:
        missing = [str(fld.label) for fld in spec.fields if fld.required and fld.name not in seen]
        if missing:
            raise FileError(_("缺少必填列：%(names)s", names="、".join(missing)))
    return mapped, has_id


def _cell_value(fld: f.Field, value):
    """A spreadsheet cell as the field's parser expects it: labels to codes, numbers in text fields as text."""
    if isinstance(value, Formula):
        raise InputError(_("不接受公式（%(formula)s），请复制后“粘贴为数值”", formula=str(value)[:40]))
    if value is None:
        return None
    return fld.import_value(value, _codes_by_label)


def _codes_by_label(fld: f.Field) -> dict[str, str]:
    """An enumeration's codes by their label, in Chinese or the current language (asked once per import)."""
    return memoised(("labels", fld.enum), lambda: by_spelling(fld.enum.choices()))


def run(
    table: Table,
    spec: ImportSpec,
    user,
    *,
    commit: bool = False,
    valid_only: bool = False,
    decisions: dict[int, str] | None = None,
    progress=None,
) -> Result:
    """Validate (and with ``commit`` write) every row. Raises FileError for a file that can't be read."""
    mapping, has_id = columns(spec, table.headers)
    result = Result(spec.name, table.sheet, request_id=current_request_id())
    decisions = decisions or {}
    seen_keys: dict[str, tuple] = {}  # key → (row, id of the firm it created or updated)
    try:
        with write_transaction(), lookups_memoised():
            batch: list = []
            for number, cells in table.rows:
                batch.append((number, cells))
                if len(batch) >= BATCH:
                    _run_batch(batch, spec, mapping, has_id, user, result, decisions, seen_keys)
                    if progress:
                        progress(number)
                    batch = []
            if batch:
                _run_batch(batch, spec, mapping, has_id, user, result, decisions, seen_keys)
            result.written = commit and (not result.error_rows or valid_only)
            if not result.written:
                raise _Undo()
            log_change(
                "import",
                "import",
                None,
                {
                    "created": [None, result.created],
                    "updated": [None, result.updated],
                    "errors": [None, result.error_count],
                },
                user,
                None,
                _("导入%(kind)s：%(sheet)s", kind=spec.title, sheet=table.sheet),
            )
    except _Undo:
        pass
    except InputError as error:  # a limit reached while reading (row count, CSV syntax)
        raise FileError(error.message) from None
    return result


def _run_batch(batch, spec, mapping, has_id, user, result, decisions, seen_keys) -> None:
    snapshot = (
        result.created,
        result.updated,
        result.unchanged,
        result.rejected,
        len(result.errors),
        set(result.error_rows),
        len(result.matches),
        dict(seen_keys),
    )
    try:
        with db.session.begin_nested(), writer.deferred_creates(), _known_firms(batch, spec, mapping):
            for number, cells in batch:
                _row(
                    number, cells, spec, mapping, has_id, user, result, decisions, seen_keys, savepoint=False
                )
    except (_RedoRowByRow, Conflict, StaleVersion):  # the latter two from the batch's INSERTs
        (
            result.created,
            result.updated,
            result.unchanged,
            result.rejected,
            n_errors,
            result.error_rows,
            n_matches,
            keys,
        ) = snapshot
        del result.errors[n_errors:]
        del result.matches[n_matches:]
        seen_keys.clear()
        seen_keys.update(keys)
        for number, cells in batch:
            _row(number, cells, spec, mapping, has_id, user, result, decisions, seen_keys, savepoint=True)
    # Keys are only ever added, so this batch's are the last ones: keep their firms' ids, not the objects.
    for key in list(islice(reversed(seen_keys), len(seen_keys) - len(snapshot[-1]))):
        number, target = seen_keys[key]
        if not isinstance(target, int):
            seen_keys[key] = (number, target.id)


def _known_firms(batch, spec: ImportSpec, mapping):
    """For an enterprise sheet, the existing firms the batch's rows may match, loaded in one query."""
    if spec.name != "enterprises":
        return nullcontext()
    where = {fld.name: i for i, fld in enumerate(mapping) if fld != "id"}
    usccs, keys = set(), set()
    for _number, cells in batch:
        code = cells[where["uscc"]] if "uscc" in where and where["uscc"] < len(cells) else None
        name = cells[where["name"]] if "name" in where and where["name"] < len(cells) else None
        if isinstance(code, str) and code.strip():
            usccs.add(normalise_uscc(code))
        if isinstance(name, str) and name.strip():
            keys.add(name_key(name))
    return known_firms(usccs, keys)


class _RedoRowByRow(Exception):
    pass


def _row(
    number, cells, spec, mapping, has_id, user, result, decisions, seen_keys, *, savepoint: bool
) -> None:
    data, record_id, problems = {}, None, []
    for fld, value in zip(mapping, cells, strict=False):
        if fld == "id":
            if value not in (None, ""):
                try:
                    record_id = (
                        int(float(value)) if isinstance(value, (int, float)) else int(str(value).strip())
                    )
                except ValueError:
                    problems.append(_("编号：应为整数"))
            continue
        try:
            data[fld.name] = _cell_value(fld, value)
        except InputError as error:
            problems.append(f.named(fld.label, error.message))
    if problems:
        _fail(result, number, problems)
        return
    target = None
    if record_id is not None:
        target = record_id
    elif spec.name == "enterprises":
        target = _match_enterprise(number, data, result, decisions, seen_keys)
        if target == REJECT:
            result.rejected += 1
            return
    present = {k: v for k, v in data.items() if v not in (None, "", [])}
    if target is not None and spec.name == "enterprises" and isinstance(present.get("name"), str):
        # A row that names the firm in another script or width is not a rename.
        current = db.session.get(Enterprise, target)
        if current is not None and current.name_key == name_key(present["name"]):
            del present["name"]

    def write():
        if target is None:
            return "created", writer.create(spec.kind, user, data, confirmed=True)
        record = writer.get_visible(spec.kind, user, target)
        before = record.version
        record = writer.update(spec.kind, user, target, record.version, present, partial=True)
        return ("updated" if record.version != before else "unchanged"), record

    try:
        if savepoint:
            with db.session.begin_nested():
                outcome, record = write()
        else:
            outcome, record = write()
    except (ValidationFailed, PermissionDenied, NotFound) as error:
        _fail(result, number, _messages(error))
        return
    except (Conflict, StaleVersion, RecordError) as error:
        if not savepoint:
            raise _RedoRowByRow() from error  # the session needs the batch undone; redo one by one
        _fail(result, number, _messages(error))
        return
    setattr(result, outcome, getattr(result, outcome) + 1)
    if spec.name == "enterprises":
        for key in _keys(data):
            seen_keys.setdefault(key, (number, record.id if record.id is not None else record))
        if target is not None:
            remember_firm(record)


def _keys(data: dict) -> list[str]:
    keys = []
    if isinstance(data.get("uscc"), str) and data["uscc"].strip():
        keys.append("uscc:" + normalise_uscc(data["uscc"]))
    if isinstance(data.get("name"), str) and data["name"].strip():
        keys.append("name:" + name_key(data["name"]))
    return keys


def _match_enterprise(number, data, result, decisions, seen_keys):
    """The firm this row is about: one already registered, or one an earlier row of the file created."""
    for key in _keys(data):
        if key in seen_keys:
            earlier, record_id = seen_keys[key]
            if not isinstance(record_id, int):  # created earlier in this batch, not inserted yet
                writer.flush_deferred()
                record_id = record_id.id
            decision = decisions.get(number, REJECT)
            result.matches.append(
                Match(number, data.get("name") or "", "file", _("第%(n)d行", n=earlier), record_id, decision)
            )
            return record_id if decision == UPDATE else REJECT
    firm, reason = existing_enterprise(data)
    if firm is None:
        return None
    decision = decisions.get(number, UPDATE)
    result.matches.append(
        Match(
            number, data.get("name") or "", reason, f"{firm.name}（{_('编号')}{firm.id}）", firm.id, decision
        )
    )
    return firm.id if decision == UPDATE else REJECT


def _messages(error) -> list[str]:
    if isinstance(error, ValidationFailed):
        return [m for messages in error.errors.values() for m in messages]
    if isinstance(error, PermissionDenied):
        return [_("没有权限导入此类记录")]
    if isinstance(error, NotFound):
        return [_("编号：记录不存在")]
    if isinstance(error, StaleVersion):
        return [_("记录在导入过程中被修改，请重试")]
    return [getattr(error, "message", str(error))]


def _fail(result: Result, number: int, messages: list[str]) -> None:
    result.error_rows.add(number)
    result.errors.extend((number, message) for message in messages)
