"""A list page's parts made ready in Python: the table's cells, the filter form's options and the facets'
entries, so the templates only print them (a macro or a call per cell costs more than the cell itself).

Everything here is text the templates escape; nothing is marked safe.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import NamedTuple

from flask import request, url_for


class Cell(NamedTuple):
    text: object  # shown escaped: a string, a number or a date
    css: str  # the cell's class ("" for none)
    link: bool  # the text links to the row's record
    badges: Sequence[tuple[str, str]]  # (text, CSS class) after the text


class TableRow(NamedTuple):
    url: str  # the record's page
    archived: bool
    cells: list[Cell]


def table_rows(columns: Sequence, items: Sequence, record_url: Callable[[int], str]) -> list[TableRow]:
    """The cells of a list page's rows: each column's value as the table shows it (an empty value as a
    dash, except beside badges), a date kept on one line, a number to the right."""
    rows = []
    for item in items:
        cells = []
        for column in columns:
            value = column.value(item)
            empty = value is None or value == ""
            if column.numeric:
                css = "text-end"
            elif isinstance(value, date):
                css = "text-nowrap"
            else:
                css = ""
            if column.link:
                text = "—" if empty else value
            elif column.badges:
                text = "" if empty else value
            else:
                text = "—" if empty else value
            badges = column.badges(item) if column.badges else ()
            cells.append(Cell(text, css, column.link, badges))
        rows.append(TableRow(record_url(item.id), item.archived_at is not None, cells))
    return rows


class Option(NamedTuple):
    value: str
    label: object
    selected: bool


class FilterField(NamedTuple):
    filter: object  # list_engine.Filter
    options: list[Option] | None  # None: a text, date or number input
    value: str  # an input's current text
    error: object  # the message of a bad value, or None


def filter_fields(spec, page) -> list[FilterField]:
    """The filter form's fields with their options, the chosen one marked."""
    fields = []
    chosen = page.args.filters
    for flt in spec.filters:
        if flt.choices:
            current = str(chosen.get(flt.name))
            options = [Option(value, label, str(value) == current) for value, label in flt.choices()]
            fields.append(FilterField(flt, options, "", page.args.errors.get(flt.name)))
        else:
            text = request.args.get(flt.name, "")
            fields.append(FilterField(flt, None, text, page.args.errors.get(flt.name)))
    return fields


class FacetEntry(NamedTuple):
    value: object  # None: rows without a value (not a link)
    label: object
    count: int
    selected: bool
    url: str  # sets the filter, or clears it when selected


class FacetBox(NamedTuple):
    facet: object  # list_engine.Facet
    entries: list[FacetEntry]
    more: bool  # more values than shown


SHOWN_FACET_VALUES = 12


def facet_boxes(page, label: Callable) -> list[FacetBox]:
    """Each facet with rows: its first values, each with its label (``label(facet, value, label)``), count
    and the link that sets (or, when chosen, clears) its filter."""
    boxes = []
    link = QueryLinks()
    for facet, rows in page.facets:
        if not rows:
            continue
        current = str(page.args.filters.get(facet.name))
        entries = []
        for value, name, count in rows[:SHOWN_FACET_VALUES]:
            if value is None:
                entries.append(FacetEntry(None, "", count, False, ""))
                continue
            selected = current == str(value)
            url = link(**{facet.name: None if selected else value})
            entries.append(FacetEntry(value, label(facet, value, name), count, selected, url))
        boxes.append(FacetBox(facet, entries, len(rows) > SHOWN_FACET_VALUES))
    return boxes


def default_facet_label(facet, value, label):
    """A facet value's shown text: the enumeration's label, else the label the query gave, else the value."""
    if facet.enum:
        return facet.enum.label_of(value)
    return label if label else value


class QueryLinks:
    """``url_with`` (the current page's URL with some arguments changed; paging restarts) for many links of
    one page: the current arguments are read once."""

    def __init__(self) -> None:
        self.args = request.args.to_dict(flat=False)
        self.args.pop("after", None)
        self.endpoint = request.endpoint
        self.view_args = request.view_args or {}

    def __call__(self, **changes) -> str:
        args = dict(self.args)
        for key, value in changes.items():
            if value is None:
                args.pop(key, None)
            else:
                args[key] = [value]
        return url_for(self.endpoint, **self.view_args, **args)
