"""An import run: one uploaded file of one kind, read through a column mapping, for one user, with the
user's decisions, and the result of its last pass over the rows (a preview, or the commit).

The web pages, the command line and the kept uploads (store.py) all go through an ``ImportRun``; the rows
themselves are validated and written by service.py, and matched to existing records by the spec's matcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from .reader import Formula, Table, open_table
from .service import FileError, Result, execute
from .spec import ID_COLUMN, ID_HEADERS, ImportSpec
from .workbook import error_report

if TYPE_CHECKING:
    from .guess import Guess

SAMPLE_ROWS = 200  # rows read to guess a column's field from its values


@dataclass(frozen=True)
class Mapping:
    """Which field each column of the file fills, by the column's index (from 0): a field's name,
    ID_COLUMN for the id of the record a row updates, or None for a column left out."""

    columns: tuple[str | None, ...]

    @classmethod
    def from_headers(cls, spec: ImportSpec, headers: list[str]) -> Mapping:
        """Each header as the template writes it (the field's label or name, or 编号/id); a header that
        names no field, or a field twice, is refused."""
        columns: list[str | None] = []
        seen: dict[str, int] = {}
        for position, header in enumerate(headers, start=1):
            if header in ID_HEADERS:
                columns.append(ID_COLUMN)
                continue
            fld = spec.column(header)
            if fld is None:
                raise _unknown(position, header)
            if fld.name in seen:
                raise _twice(header, seen[fld.name], position)
            seen[fld.name] = position
            columns.append(fld.name)
        mapping = cls(tuple(columns))
        mapping.check(spec, headers)
        return mapping

    def check(self, spec: ImportSpec, headers: list[str]) -> None:
        """Refuse a mapping to a field the kind does not have, of two columns to one field (or both to the
        id), or one that leaves out a required field (unless rows name the records they update)."""
        by_name, where = {fld.name: fld for fld in spec.fields}, {}
        if len(self.columns) != len(headers):
            raise FileError(_("列的对应与文件的列数不符，请重新上传"))
        for index, name in enumerate(self.columns):
            if name is None:
                continue
            if name != ID_COLUMN and name not in by_name:
                raise FileError(
                    _(
                        "第%(n)d列“%(name)s”对应的字段“%(field)s”不存在",
                        n=index + 1,
                        name=_shown(headers[index]),
                        field=name[:40],
                    )
                )
            if name in where:
                first = where[name]
                raise FileError(
                    _(
                        "第%(a)d列“%(first)s”和第%(b)d列“%(second)s”都对应“%(field)s”：一个字段只能对应一列",
                        a=first + 1,
                        first=_shown(headers[first]),
                        b=index + 1,
                        second=_shown(headers[index]),
                        field=str(by_name[name].label) if name in by_name else _("编号"),
                    )
                )
            where[name] = index
        where.pop(ID_COLUMN, None)
        if not self.has_id:
            missing = [str(fld.label) for fld in spec.fields if fld.required and fld.name not in where]
            if missing:
                raise FileError(_("缺少必填列：%(names)s", names="、".join(missing)))

    @property
    def has_id(self) -> bool:
        return ID_COLUMN in self.columns

    def where(self) -> dict[str, int]:
        """Each mapped field's column."""
        return {name: i for i, name in enumerate(self.columns) if name not in (None, ID_COLUMN)}

    def fields(self, spec: ImportSpec) -> list:
        """Per column: the spec's field, ID_COLUMN, or None."""
        by_name = {fld.name: fld for fld in spec.fields}
        return [by_name[name] if name not in (None, ID_COLUMN) else name for name in self.columns]


class UnknownHeader(FileError):
    """A header that is not the template's: the web import then asks which field the column fills."""


def _shown(header: str) -> str:
    return header[:40] or _("（空）")


def _unknown(position: int, header: str) -> FileError:
    return UnknownHeader(
        _("第%(n)d列的列名“%(name)s”无法识别（请使用模板中的列名）", n=position, name=header[:40] or "(空)")
    )


def _twice(header: str, first: int, again: int) -> FileError:
    return FileError(_("列“%(name)s”重复出现（第%(a)d列和第%(b)d列）", name=header, a=first, b=again))


@dataclass(frozen=True)
class Columns:
    """A file's columns as the mapping step reads them: the sheet, its headers and its first rows."""

    sheet: str
    headers: list[str]
    rows: list[list]  # the first SAMPLE_ROWS rows that are not empty

    @classmethod
    def read(cls, spec: ImportSpec, content: bytes, filename: str) -> Columns:
        """The columns of ``content`` read as ``spec``; InputError for a file that can't be read."""
        table = open_table(content, filename, spec.sheet_names)
        rows: list[list] = []
        try:
            for _number, cells in table.rows:
                rows.append(cells)
                if len(rows) >= SAMPLE_ROWS:
                    break
        finally:
            table.rows.close()  # closes the workbook
        return cls(table.sheet, table.headers, rows)

    def values(self, index: int) -> list:
        """The column's values in the rows read, leaving out empty cells and formulas."""
        out = []
        for cells in self.rows:
            value = cells[index] if index < len(cells) else None
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, "") and not isinstance(value, Formula):
                out.append(value)
        return out

    def samples(self, index: int, count: int = 3) -> list[str]:
        """The column's first values as the mapping step shows them."""
        return [_sample(value) for value in self.values(index)[:count]]


def _sample(value) -> str:
    if isinstance(value, datetime):
        value = value.date() if value.time() == time() else value.isoformat(" ", "minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return text if len(text) <= 30 else text[:29] + "…"


@dataclass
class Decisions:
    """What the user decided after the preview: each matched row kept as an update or rejected (by row
    number; unlisted rows take the matcher's default), and whether the valid rows are written when some
    rows are in error (``valid_only``) or nothing is (all or nothing)."""

    matches: dict[int, str] = field(default_factory=dict)
    valid_only: bool = False


@dataclass(eq=False)
class ImportRun:
    """One file imported as one kind by one user. ``open`` reads its headers into a mapping; ``preview``
    and ``commit`` each pass over its rows and leave their ``result``."""

    spec: ImportSpec
    user: object  # the changes are recorded under this user (None: the system)
    content: bytes = field(repr=False)
    filename: str
    sheet: str  # the sheet read (CSV: the file name)
    headers: list[str]
    mapping: Mapping
    decisions: Decisions = field(default_factory=Decisions)
    result: Result | None = None  # of the last preview or commit
    _table: Table | None = field(default=None, repr=False)  # read once already, its rows not yet

    @classmethod
    def open(
        cls,
        spec: ImportSpec,
        user,
        content: bytes,
        filename: str,
        *,
        mapping: Mapping | None = None,
        decisions: Decisions | None = None,
    ) -> ImportRun:
        """The run of ``content`` as ``spec``; the mapping from its headers unless one is given. Raises
        InputError (FileError) for a file that can't be read or whose columns can't be mapped."""
        table = open_table(content, filename, spec.sheet_names)
        if mapping is None:
            mapping = Mapping.from_headers(spec, table.headers)
        else:
            mapping.check(spec, table.headers)
        return cls(
            spec=spec,
            user=user,
            content=content,
            filename=filename,
            sheet=table.sheet,
            headers=table.headers,
            mapping=mapping,
            decisions=decisions or Decisions(),
            _table=table,
        )

    @classmethod
    def open_mapped(
        cls,
        spec: ImportSpec,
        user,
        content: bytes,
        filename: str,
        *,
        given: list[tuple[str, str | None]] | None = None,
        decisions: Decisions | None = None,
    ) -> tuple[ImportRun, Guess]:
        """The run of ``content`` through the mapping ``guess.for_file`` makes of its headers and the
        ``given`` columns ((header, field name or None to leave the column out) pairs), and that guess
        (where each column's field came from). Raises InputError (FileError) for a file that can't be
        read, an unknown header or field in ``given``, or a mapping ``check`` refuses."""
        from . import guess

        found = guess.for_file(spec, Columns.read(spec, content, filename), given or [])
        return cls.open(spec, user, content, filename, mapping=found.mapping, decisions=decisions), found

    def _rows(self) -> Table:
        table, self._table = self._table, None
        return table or open_table(self.content, self.filename, self.spec.sheet_names)

    def preview(self, progress=None) -> Result:
        """Every row validated and written, then rolled back: the counts, matches and errors a commit
        would have."""
        self.result = execute(self, self._rows(), commit=False, progress=progress)
        return self.result

    def commit(self, progress=None) -> Result:
        """Every row written in one transaction, kept if no row is in error (or ``valid_only``)."""
        self.result = execute(self, self._rows(), commit=True, progress=progress)
        return self.result

    def error_rows(self, errors: list[tuple[int, str]] | None = None) -> list[tuple[int, list, list[str]]]:
        """The rows in error as uploaded, with their reasons: those of ``errors`` (kept from an earlier
        pass over the same file), or of this run's last pass."""
        if errors is None:
            errors = self.result.errors if self.result is not None else []
        messages: dict[int, list[str]] = {}
        for row, message in errors:
            messages.setdefault(row, []).append(message)
        return [
            (number, cells, messages[number]) for number, cells in self._rows().rows if number in messages
        ]

    def error_report(self, errors: list[tuple[int, str]] | None = None) -> bytes:
        """The workbook of the rows in error (see ``error_rows``)."""
        return error_report(self.headers, self.error_rows(errors))
