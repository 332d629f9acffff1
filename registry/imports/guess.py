"""Which field each column of a county's own spreadsheet fills, when its headers are not the template's.

A column's field is, in this order:

- ``given`` — named by the user (the command line's ``--map 所属镇街=town_id``, or ``header=-`` to leave the
  column out);
- ``remembered`` — as a user confirmed it for an earlier file of the same kind with the same headers (the
  ``import_mappings`` table: :func:`recall`, :func:`remember`);
- ``template`` — the header is the field's label or name as the template writes it (or 编号/id);
- ``synonym`` — the header, normalised (:func:`normalise`), is the field's label, name or one of the
  synonyms the import spec declares (spec.SYNONYMS), or ends with one (企业成立日期 → 成立日期);
- ``values`` — the column's values say it: 18-character codes that pass the USCC check fill the kind's USCC
  field (or name the firm, for a firm's records), names of towns of the reference table fill its town.

Dates only break ties: a header that names several fields at once, or several columns that name one field.
Of two columns guessed for one field the better guess keeps it (the other is left out, and shown so); a
guess beside a given or remembered column for the same field stays, for the check to name both. The fields
themselves always come from the spec, so fields added to a record type are offered and guessed by label.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db import write_transaction
from ..domain import InputError
from ..domain.text import clean_text
from ..domain.uscc import validate_uscc
from ..domain.values import parse_date
from ..extensions import db
from ..models import Enterprise, ImportMapping, Town, utcnow
from ..records import fields as f
from .run import Columns, Mapping, UnknownHeader
from .service import FileError
from .spec import ID_COLUMN, ID_HEADERS, SKIPPED_HEADERS, ImportSpec

GIVEN, REMEMBERED, TEMPLATE, SYNONYM, VALUES = "given", "remembered", "template", "synonym", "values"
SOURCES = {
    GIVEN: _l("您的选择"),
    REMEMBERED: _l("上次确认的对应"),
    TEMPLATE: _l("模板列名"),
    SYNONYM: _l("常见列名"),
    VALUES: _l("按列中的值"),
}
IGNORE = "-"  # "leave the column out", in --map and in the mapping page's choices

# How sure a guess is: a template header, a synonym, a synonym at the end of the header, the values.
_RANK = {TEMPLATE: 4, SYNONYM: 3, "suffix": 2, VALUES: 1}
_SHARE = 0.8  # of a column's values that must look alike for the values to say what it holds
_UNITS = ("万元", "亿元", "元", "人", "个", "家", "件", "项", "次", "月", "年", "天", "%", "平方米", "m2")
_TRAILING_UNIT = re.compile(
    r"[(\[]\s*(?:单位[:：]?)?\s*(?:" + "|".join(map(re.escape, _UNITS)) + r")\s*[)\]]$"
)
_BRACKETS = re.compile(r"[()\[\]{}【】〔〕〈〉《》「」『』<>]")
_MARKS = "*:：★"


def normalise(header) -> str:
    """A header as it is compared: half-width, without spaces, required-marks (*), brackets or a trailing
    unit in brackets, case folded. 注册资本（万元）, 注册资本(万元) and 注册资本 compare equal; so do 镇（街道）
    and 镇街道."""
    text = unicodedata.normalize("NFKC", str(header or ""))  # full-width brackets, letters and digits; ㎡
    text = "".join(text.split()).strip(_MARKS)
    text = _TRAILING_UNIT.sub("", text)
    return _BRACKETS.sub("", text).casefold()


@dataclass(frozen=True)
class Guess:
    """A mapping of a file's columns and, per column, where its field came from (GIVEN, REMEMBERED,
    TEMPLATE, SYNONYM, VALUES; None: nothing said what the column holds, so it is left out)."""

    mapping: Mapping
    sources: tuple[str | None, ...]

    @classmethod
    def of_template(cls, mapping: Mapping) -> Guess:
        return cls(mapping, (TEMPLATE,) * len(mapping.columns))

    @property
    def from_template(self) -> bool:
        """Every column's header is the template's: the file needed no mapping."""
        return all(source == TEMPLATE for source in self.sources)

    @property
    def recognises_any(self) -> bool:
        """Some column fills a field (a file of which none does is not of the kind)."""
        return any(name is not None for name in self.mapping.columns)

    @property
    def unrecognised(self) -> list[int]:
        """The columns left out because nothing said what they hold."""
        return [index for index, source in enumerate(self.sources) if source is None]

    @property
    def remembered(self) -> bool:
        return REMEMBERED in self.sources


def for_file(spec: ImportSpec, columns: Columns, pairs=()) -> Guess:
    """The mapping to read a file through: its headers as the template writes them when they all are and
    no column is ``given`` (Mapping.from_headers, which refuses a field twice or a required one missing);
    otherwise the given columns, the mapping remembered for these headers and guesses for the rest. A
    file of which not one column is recognised (nor given) is refused as the template's headers are: it
    is another kind's, or not a table at all."""
    unknown = None
    if not pairs:
        try:
            return Guess.of_template(Mapping.from_headers(spec, columns.headers))
        except UnknownHeader as error:
            unknown = error
    found = guess(
        spec,
        columns,
        given=given_columns(spec, columns.headers, pairs),
        remembered=recall(spec, columns.headers),
    )
    if unknown is not None and not found.recognises_any:
        raise unknown
    return found


def given_columns(spec: ImportSpec, headers: list[str], pairs) -> dict[int, str | None]:
    """The columns named by ``pairs`` of (header, field name or None): each header's columns (the same
    header normalised, when no column has it as written). Refuses an unknown field or header."""
    names = [fld.name for fld in spec.fields]
    given: dict[int, str | None] = {}
    for header, target in pairs:
        if target is not None and target not in (*names, ID_COLUMN):
            raise FileError(
                _(
                    "“%(field)s”不是%(kind)s的字段（可用：%(names)s）",
                    field=target[:40],
                    kind=spec.title,
                    names=", ".join(names),
                )
            )
        text = header.strip()
        found = [i for i, h in enumerate(headers) if h == text] or [
            i for i, h in enumerate(headers) if normalise(h) == normalise(text)
        ]
        if not text or not found:
            raise FileError(
                _(
                    "文件中没有列名为“%(name)s”的列（文件的列名：%(headers)s）",
                    name=text[:40],
                    headers="、".join(h or _("（空）") for h in headers),
                )
            )
        for index in found:
            given[index] = target
    return given


def guess(
    spec: ImportSpec,
    columns: Columns,
    *,
    given: dict[int, str | None] | None = None,
    remembered: Mapping | None = None,
) -> Guess:
    """The field of every column of ``columns``: the ``given`` ones, then the ``remembered`` mapping
    (where it names fields the kind still has), then guesses from headers and values."""
    given = given or {}
    headers = columns.headers
    valid = {fld.name for fld in spec.fields} | {ID_COLUMN, None}
    if remembered is not None and len(remembered.columns) != len(headers):
        remembered = None
    fields: list[str | None] = [None] * len(headers)
    sources: list[str | None] = [None] * len(headers)
    open_columns = []
    for index in range(len(headers)):
        if index in given:
            fields[index], sources[index] = given[index], GIVEN
        elif remembered is not None and remembered.columns[index] in valid:
            fields[index], sources[index] = remembered.columns[index], REMEMBERED
        else:
            open_columns.append(index)

    values, terms = _Values(spec, columns), _terms(spec)
    claims: dict[str, list[tuple[int, int, str]]] = {}  # field → (rank, column, source)
    for index in open_columns:
        found = _by_header(spec, terms, headers[index], values.kind(index))
        if found is None:
            found = _by_values(spec, values.kind(index))
        if found is None:
            continue
        name, how = found
        if name is None:  # a column of row numbers
            sources[index] = SYNONYM
            continue
        claims.setdefault(name, []).append((_RANK[how], index, SYNONYM if how == "suffix" else how))

    # A guess for a field a given or remembered column fills stays too: the check then names both columns,
    # rather than one of them being left out without a word.
    for name, claimants in claims.items():
        best = max(rank for rank, _index, _source in claimants)
        if best == _RANK[TEMPLATE]:  # the template's header twice: both kept, for the check to refuse
            winners = [(index, source) for rank, index, source in claimants if rank == best]
        else:
            _rank, index, source = min(
                claimants, key=lambda c: (-c[0], not values.fits(c[1], spec.record_type.schema[name]), c[1])
            )
            winners = [(index, source)]
        for index, source in winners:
            fields[index], sources[index] = name, source
    return Guess(Mapping(tuple(fields)), tuple(sources))


def _terms(spec: ImportSpec) -> dict[str, set[str]]:
    """Every normalised header that names a field of the kind → those fields."""
    terms: dict[str, set[str]] = {}
    for fld in spec.fields:
        for text in spec.synonyms_of(fld):
            key = normalise(text)
            if key:
                terms.setdefault(key, set()).add(fld.name)
    return terms


def _by_header(
    spec: ImportSpec, terms: dict[str, set[str]], header: str, kind: str | None
) -> tuple[str | None, str] | None:
    """The field a header names and how (TEMPLATE, SYNONYM, "suffix"); (None, SYNONYM) for a column of
    row numbers; None when it names none, or several that the column's values can't choose between."""
    text = header.strip()
    if text in ID_HEADERS:
        return ID_COLUMN, TEMPLATE
    fld = spec.column(text)
    if fld is not None:
        return fld.name, TEMPLATE
    key = normalise(text)
    if not key:
        return None
    if key in {normalise(h) for h in SKIPPED_HEADERS}:
        return None, SYNONYM
    if key in terms:
        return _one(spec, terms[key], kind, SYNONYM)
    endings = [(len(term), names) for term, names in terms.items() if len(term) >= 2 and key.endswith(term)]
    if not endings:
        return None
    longest = max(length for length, _names in endings)
    names = set().union(*(names for length, names in endings if length == longest))
    return _one(spec, names, kind, "suffix")


def _one(spec: ImportSpec, names: set[str], kind: str | None, how: str) -> tuple[str, str] | None:
    """The one field of ``names``, or the one the column's values fit (a date column: the date field)."""
    if len(names) > 1:
        names = {name for name in names if _fits(spec.record_type.schema[name], kind)}
    return (next(iter(names)), how) if len(names) == 1 else None


def _by_values(spec: ImportSpec, kind: str | None) -> tuple[str, str] | None:
    """The field a column's values say it fills: USCCs, the kind's USCC (or the firm a record is about);
    towns, the kind's town. Dates alone say nothing (a kind has many dates)."""
    if kind not in ("uscc", "town"):
        return None
    fitting = [fld for fld in spec.fields if _fits(fld, kind)]
    if kind == "uscc" and not fitting:
        fitting = [fld for fld in spec.fields if isinstance(fld, f.Reference) and fld.model is Enterprise]
    return (fitting[0].name, VALUES) if fitting else None


def _fits(fld: f.Field, kind: str | None) -> bool:
    if kind == "uscc":
        return isinstance(fld, f.Uscc)
    if kind == "town":
        return isinstance(fld, f.Reference) and fld.model is Town
    if kind == "date":
        return isinstance(fld, f.Date)
    return False


class _Values:
    """What each column's values look like ("uscc", "town", "date" or None), worked out when asked."""

    def __init__(self, spec: ImportSpec, columns: Columns) -> None:
        self.spec, self.columns = spec, columns
        self._kinds: dict[int, str | None] = {}
        self._towns: set[str] | None = None

    def fits(self, index: int, fld: f.Field) -> bool:
        return _fits(fld, self.kind(index))

    def kind(self, index: int) -> str | None:
        if index not in self._kinds:
            self._kinds[index] = self._kind(self.columns.values(index))
        return self._kinds[index]

    def _kind(self, values: list) -> str | None:
        if not values:
            return None
        if self._share(values, _is_uscc) >= _SHARE:
            return "uscc"
        if self._share(values, lambda v: isinstance(v, str) and clean_text(v) in self.towns()) >= _SHARE:
            return "town"
        if self._share(values, _is_date) >= _SHARE:
            return "date"
        return None

    @staticmethod
    def _share(values: list, test) -> float:
        return sum(1 for value in values if test(value)) / len(values)

    def towns(self) -> set[str]:
        """The names and codes of the towns people may choose (read once, and only if asked)."""
        if self._towns is None:
            if any(isinstance(fld, f.Reference) and fld.model is Town for fld in self.spec.fields):
                rows = db.session.execute(select(Town.name, Town.code).where(Town.archived_at.is_(None)))
                self._towns = {text for row in rows for text in row if text}
            else:
                self._towns = set()
        return self._towns


def _is_uscc(value) -> bool:
    if not isinstance(value, str) or len(value.strip()) != 18:
        return False
    try:
        validate_uscc(value)
    except InputError:
        return False
    return True


def _is_date(value) -> bool:
    if isinstance(value, str):
        try:
            parse_date(value)
        except InputError:
            return False
        return True
    return hasattr(value, "year") and hasattr(value, "month")  # a date or datetime from the workbook


# ---- remembered mappings -------------------------------------------------------------------------------
def _key(spec: ImportSpec, headers: list[str]) -> tuple[list[str], str]:
    normalised = [normalise(header) for header in headers]
    digest = hashlib.sha256(json.dumps(normalised, ensure_ascii=False).encode()).hexdigest()
    return normalised, digest


def recall(spec: ImportSpec, headers: list[str]) -> Mapping | None:
    """The mapping last confirmed for a file of this kind with these headers (normalised), if any."""
    normalised, digest = _key(spec, headers)
    row = db.session.scalar(
        select(ImportMapping).where(ImportMapping.kind == spec.name, ImportMapping.headers_key == digest)
    )
    if row is None or row.headers != normalised or len(row.columns) != len(headers):
        return None
    return Mapping(tuple(c if isinstance(c, str) else None for c in row.columns))


def remember(spec: ImportSpec, headers: list[str], mapping: Mapping, user) -> None:
    """Keep ``mapping`` (checked) as the one to offer for the next file of this kind with these headers."""
    normalised, digest = _key(spec, headers)
    for attempt in (1, 2):
        try:
            with write_transaction():
                row = db.session.scalar(
                    select(ImportMapping).where(
                        ImportMapping.kind == spec.name, ImportMapping.headers_key == digest
                    )
                )
                if row is None:
                    row = ImportMapping(kind=spec.name, headers_key=digest)
                    db.session.add(row)
                row.headers = normalised
                row.columns = list(mapping.columns)
                row.user_id = getattr(user, "id", None)
                row.confirmed_at = utcnow()
            return
        except IntegrityError:  # another upload of the same headers kept its mapping first: update it
            if attempt == 2:
                raise
