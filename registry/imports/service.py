"""Running an import: every row through the same services as the forms, previewed or committed whole.

Preview and commit are the same pass over the file: the rows are written inside one transaction, which a
preview rolls back and a commit keeps — so the preview's counts are exactly what the commit does. Rows go in
batches inside savepoints; a batch that fails at the database level is redone row by row, so one bad row
never undoes its neighbours' validation. What the run is (its spec, column mapping, user and decisions) is
an ``ImportRun`` (run.py); how a row finds the record it is about is its spec's ``matcher`` (matching.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from ..db import plan_with_current_sizes, write_transaction
from ..domain import InputError
from ..extensions import db
from ..records import fields as f
from ..records import writer
from ..records.changelog import current_request_id, log_change
from ..records.errors import Conflict, NotFound, PermissionDenied, RecordError, StaleVersion, ValidationFailed
from ..records.memo import lookups_memoised, memoised
from .matching import UPDATE, Match
from .reader import Formula, Table
from .spec import ID_COLUMN, by_spelling

if TYPE_CHECKING:
    from .run import ImportRun

BATCH = 500
YOUNG_PASS = 10_000  # new objects between the garbage collector's young passes while the rows run


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


def execute(run: ImportRun, table: Table, *, commit: bool, progress=None) -> Result:
    """Validate (and with ``commit`` write) every row of ``table`` as ``run`` says. Raises FileError for a
    file that can't be read to its end."""
    result = Result(run.spec.name, table.sheet, request_id=current_request_id())
    rows = _Pass(run, result)
    try:
        with _long_lived_left_alone(), write_transaction(), lookups_memoised():
            plan_with_current_sizes()  # the registry's tables grow as the rows are written
            batch: list = []
            for number, cells in table.rows:
                batch.append((number, cells))
                if len(batch) >= BATCH:
                    rows.batch(batch)
                    if progress:
                        progress(number)
                    batch = []
            if batch:
                rows.batch(batch)
            result.written = commit and (not result.error_rows or run.decisions.valid_only)
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
                run.user,
                None,
                _("导入%(kind)s：%(sheet)s", kind=run.spec.title, sheet=table.sheet),
            )
    except _Undo:
        pass
    except InputError as error:  # a limit reached while reading (row count, CSV syntax)
        raise FileError(error.message) from None
    return result


@contextmanager
def _long_lived_left_alone() -> Iterator[None]:
    """While the rows run, the objects that were there before them (the app, the models, SQLAlchemy's
    compiled statements) are left out of the garbage collector's passes, and its young passes come less
    often: the rows make and drop objects by the million, which would otherwise set off full passes that
    walk all of those again each time, and young ones that walk the batch's records again and again. A
    process that froze objects itself (a server preloading the app) keeps its own arrangement."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], YOUNG_PASS), *threshold[1:])
    freeze = not gc.get_freeze_count()
    if freeze:
        gc.freeze()
    try:
        yield
    finally:
        if freeze:
            gc.unfreeze()
        gc.set_threshold(*threshold)


class _RedoRowByRow(Exception):
    pass


class _Pass:
    """One pass over the rows: each row's cells through its column's field, then through the writer."""

    def __init__(self, run: ImportRun, result: Result) -> None:
        self.record_type, self.user, self.result = run.spec.record_type, run.user, result
        self.columns = run.mapping.fields(run.spec)  # per column: a field, ID_COLUMN, or None (left out)
        self.where = run.mapping.where()
        self.decisions = run.decisions.matches
        self.matcher = run.spec.matcher()

    def batch(self, batch: list[tuple[int, list]]) -> None:
        result = self.result
        snapshot = (
            result.created,
            result.updated,
            result.unchanged,
            result.rejected,
            len(result.errors),
            set(result.error_rows),
            len(result.matches),
        )
        point = self.matcher.checkpoint()
        try:
            with (
                db.session.begin_nested(),
                writer.deferred_creates(),
                self.matcher.loading(batch, self.where),
            ):
                for number, cells in batch:
                    self.row(number, cells, savepoint=False)
        except (_RedoRowByRow, Conflict, StaleVersion):  # the latter two from the batch's INSERTs
            (
                result.created,
                result.updated,
                result.unchanged,
                result.rejected,
                n_errors,
                result.error_rows,
                n_matches,
            ) = snapshot
            del result.errors[n_errors:]
            del result.matches[n_matches:]
            self.matcher.rollback(point)
            for number, cells in batch:
                self.row(number, cells, savepoint=True)
        self.matcher.settle(point)

    def row(self, number: int, cells: list, *, savepoint: bool) -> None:
        result = self.result
        data, record_id, problems = {}, None, []
        for fld, value in zip(self.columns, cells, strict=False):
            if fld is None:
                continue
            if fld == ID_COLUMN:
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
        target = record_id
        if target is None:
            match = self.matcher.find(number, data, self.decisions)
            if match is not None:
                result.matches.append(match)
                if match.decision != UPDATE:
                    result.rejected += 1
                    return
                target = match.target_id
        present = {k: v for k, v in data.items() if v not in (None, "", [])}
        if target is not None:
            self.matcher.changes(target, present)

        def write():
            if target is None:
                return "created", writer.create(self.record_type, self.user, data, confirmed=True)
            record = writer.get_visible(self.record_type, self.user, target)
            before = record.version
            record = writer.update(self.record_type, self.user, target, record.version, present, partial=True)
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
        self.matcher.wrote(number, data, record, updated=target is not None)


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
