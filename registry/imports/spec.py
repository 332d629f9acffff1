"""What can be imported: a record type, its sheet names, its columns, and how rows find existing records
(the spec's ``matcher``, matching.py)."""

from __future__ import annotations

from dataclasses import dataclass

from ..records import catalog, dated
from ..records import fields as f
from ..records.record_type import RecordType
from .matching import FirmMatcher, Matcher

ID_HEADERS = ("id", "编号")  # headers of the column that names the record a row updates
ID_COLUMN = "id"  # that column in a mapping


def spellings(text) -> tuple[str, ...]:
    """A label as the current interface shows it and as written in Chinese (a lazy text's source).

    A file filled in from the Chinese template reads the same whatever language the uploader's screen uses.
    """
    shown = str(text)
    source = getattr(text, "_args", None)
    if source and isinstance(source[-1], str) and source[-1] != shown:  # pgettext: (context, text)
        return (shown, source[-1])
    return (shown,)


def by_spelling(choices) -> dict[str, str]:
    """Label (in either spelling) → code for an enumeration's choices."""
    return {spelling: code for code, label in choices for spelling in spellings(label)}


@dataclass(frozen=True)
class ImportSpec:
    name: str  # --kind on the command line, and the sheet's code name
    record_type: RecordType
    title: str  # the sheet's Chinese name
    example: dict  # one filled-in row for the template
    matcher: type[Matcher] = Matcher  # how a row finds the record it is about (made once per run)

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return (*spellings(self.title), self.name)

    @property
    def fields(self) -> list[f.Field]:
        """The columns a sheet may have: the schema's fields, and 生效日期 for a record type with dated fields
        (when a row's new tags, count or tier took effect)."""
        return [*self.record_type.schema.fields, *dated.options(self.record_type, importing=True)]

    def column(self, header: str) -> f.Field | None:
        """The field a header names: its Chinese label or its DESIGN.md field name."""
        text = (header or "").strip()
        for fld in self.fields:
            if text == fld.name or text in spellings(fld.label):
                return fld
        return None


# How a row finds the record it is about, where that is more than its id (a firm by its USCC or name).
MATCHERS: dict[str, type[Matcher]] = {"enterprise": FirmMatcher}

SPECS = [
    ImportSpec(
        record_type.plural,
        record_type,
        record_type.import_sheet,
        record_type.import_example,
        MATCHERS.get(record_type.name, Matcher),
    )
    for record_type in catalog.importable()
]
BY_NAME = {spec.name: spec for spec in SPECS}


def find_spec(name: str) -> ImportSpec | None:
    return BY_NAME.get(name) or next((s for s in SPECS if str(s.title) == name), None)
