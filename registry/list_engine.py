"""List machinery shared by every record list (web, API, export), after Datasette.

One :class:`ListSpec` defines a list's search, filters, facets and sort keys; the same definition gives
the page, its bounded count, its facet counts, its export and the API's list. Paging is by key (the last
row's sort value and id, registry/paging.py), so a deep page costs what the first one does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, String, cast, column, func, literal, select, table, union_all
from sqlalchemy import text as sql_text

from .domain import InputError
from .domain.text import CONTROL, clean_text, has_control
from .domain.values import parse_query_date, parse_query_int
from .extensions import db
from .paging import decode_cursor, encode_cursor, keyset_page

COUNT_LIMIT = 10_000
FACET_LIMIT = 12
PAGE_SIZES = (20, 50, 100)


@dataclass
class Filter:
    """A filter by one request argument: ``parse`` its text, then ``apply`` it to the query.

    ``int`` as the parser reads a whole number within the database's integer range (a value past it is
    reported and ignored, as any bad value is)."""

    name: str
    label: str
    apply: Callable[[Select, object], Select]
    parse: Callable[[str], object] = str
    choices: Callable[[], list[tuple[str, str]]] | None = None  # for the filter form
    multiple: bool = False
    default: str | None = None  # applied when the argument is absent (e.g. archived=0)
    input_type: str = "text"  # for filters without choices: the input's type (date, number)

    def __post_init__(self) -> None:
        if self.parse is int:
            self.parse = parse_query_int


@dataclass
class Facet:
    """Counts of the filtered rows by one value: ``query(ids)`` → rows of (value, label, count)."""

    name: str  # the filter it sets when clicked
    label: str
    query: Callable[[Select], Select]
    enum: type | None = None  # shows codes by their labels


@dataclass
class ColumnFacet:
    """A facet query counting by a column of the list's own table (``query`` for the other callers);
    :func:`facet_counts` reads the column with the matching ids, so no row is looked up twice."""

    query: Callable[[Select], Select]
    column: object
    label_column: object | None = None  # from another table, joined where label_key equals the value
    label_key: object | None = None

    def __call__(self, ids: Select) -> Select:
        return self.query(ids)


@dataclass
class Sort:
    name: str
    label: str
    column: object
    nullable: bool = False
    value_type: str = "text"  # text | date | datetime | int | decimal: how a cursor value is read back


@dataclass
class ListSpec:
    model: type
    base: Callable[[object], Select]  # user → the rows the user may see
    search: Callable[[Select, str], Select] | None = None
    filters: list[Filter] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    sorts: list[Sort] = field(default_factory=list)
    default_sort: str = "-id"
    eager: tuple = ()

    def filter_by_name(self) -> dict[str, Filter]:
        return {f.name: f for f in self.filters}

    def sort_by_name(self) -> dict[str, Sort]:
        return {s.name: s for s in self.sorts} | {"id": Sort("id", "id", self.model.id, value_type="int")}


@dataclass
class ListArgs:
    q: str = ""
    filters: dict = field(default_factory=dict)
    sort: str = "-id"
    size: int = PAGE_SIZES[0]
    after: str | None = None
    errors: dict = field(default_factory=dict)


def parse_args(spec: ListSpec, args: Mapping) -> ListArgs:
    """Read a request's arguments; a bad value is reported and ignored, never a 500."""
    # Cleaned as stored text is (invisible characters, widths, look-alike radicals), so it can match it.
    result = ListArgs(q=clean_text(CONTROL.sub("", args.get("q") or ""))[:100], sort=spec.default_sort)
    for name, flt in spec.filter_by_name().items():
        raw = (
            args.getlist(name) if hasattr(args, "getlist") and flt.multiple else [args.get(name, flt.default)]
        )
        values = []
        for text in raw:
            if text is None or str(text).strip() == "":
                continue
            if has_control(text):
                result.errors[name] = _("无效的筛选值")
                continue
            try:
                values.append(flt.parse(str(text).strip()))
            except (InputError, ValueError) as error:
                result.errors[name] = getattr(error, "message", None) or _("无效的筛选值")
        if values:
            result.filters[name] = values if flt.multiple else values[0]
    sort = args.get("sort") or spec.default_sort
    if sort.lstrip("-") in spec.sort_by_name():
        result.sort = sort
    try:
        size = int(args.get("size") or PAGE_SIZES[0])
    except ValueError:
        size = PAGE_SIZES[0]
    result.size = size if size in PAGE_SIZES else PAGE_SIZES[0]
    after = args.get("after") or None
    if after and decode_cursor(spec.sort_by_name()[result.sort.lstrip("-")], after) is None:
        result.errors["after"] = _("翻页位置无效")  # pages show the first page; the API refuses it
        after = None
    result.after = after
    return result


def filtered(spec: ListSpec, user, list_args: ListArgs) -> Select:
    """The user's rows with search and filters applied, unordered."""
    query = spec.base(user)
    if list_args.q and spec.search is not None:
        query = spec.search(query, list_args.q)
    by_name = spec.filter_by_name()
    for name, value in list_args.filters.items():
        query = by_name[name].apply(query, value)
    return query


@dataclass
class Page:
    items: list
    next_cursor: str | None
    count: int
    count_capped: bool
    facets: list[tuple[Facet, list]]
    args: ListArgs


def bounded_count(query: Select) -> tuple[int, bool]:
    """The number of rows, counting at most COUNT_LIMIT + 1 of them."""
    limited = query.with_only_columns(query.selected_columns[0]).order_by(None).limit(COUNT_LIMIT + 1)
    n = db.session.scalar(select(func.count()).select_from(limited.subquery()))
    return min(n, COUNT_LIMIT), n > COUNT_LIMIT


def facet_counts(spec: ListSpec, query: Select) -> list[tuple[Facet, list]]:
    """Every facet's counts in one statement: the matching ids once (a materialised CTE), then one
    branch per facet (values as text, so the branches unite on both databases).

    The branches read only the CTE, so they are the same SQL for every request of the day
    (:func:`_facet_branches`); only the CTE is built from the request's filters."""
    if not spec.facets:
        return []
    columns = _column_facets(spec)
    # Facets are counted only below COUNT_LIMIT rows; the LIMIT says so to the database as well.
    ids = query.with_only_columns(
        spec.model.id.label("id"), *[c.column.label(f"c{n}") for n, c in columns.items()]
    )
    ids = ids.order_by(None).limit(COUNT_LIMIT + 1).cte(FACET_IDS).prefix_with("MATERIALIZED")
    rows = db.session.execute(_facet_branches(spec).add_cte(ids)).all()
    by_facet: dict[int, list] = {number: [] for number in range(len(spec.facets))}
    for number, value, label, count in rows:
        by_facet[number].append((value, label, count))
    # Each branch comes sorted by its own query; a stable sort by count keeps that order among ties.
    return [
        (facet, sorted(by_facet[number], key=lambda row: -row[2])) for number, facet in enumerate(spec.facets)
    ]


FACET_IDS = "facet_ids"
# (list definition, database, day) → the facets' branches as SQL text: building them and their cache key
# cost more than the database's counting on a town's firms, and they read nothing but the matching ids.
_BRANCHES: dict[tuple, tuple[ListSpec, object]] = {}


def _column_facets(spec: ListSpec) -> dict[int, ColumnFacet]:
    return {
        number: facet.query
        for number, facet in enumerate(spec.facets)
        if isinstance(facet.query, ColumnFacet)
    }


def _facet_branches(spec: ListSpec):
    """The union of ``spec``'s facet branches over the matching ids (the CTE ``facet_ids``: ``id`` and
    ``c<n>`` for each column facet), as SQL text with its values written in, built once a day per
    database (a facet's query may read the day, e.g. the certifications held today)."""
    dialect = db.session.get_bind().dialect
    key = (id(spec), dialect.name, date.today())
    cached = _BRANCHES.get(key)
    if cached is not None and cached[0] is spec:
        return cached[1]
    columns = _column_facets(spec)
    ids = table(FACET_IDS, column("id"), *[column(f"c{n}") for n in columns])
    branches = []
    for number, facet in enumerate(spec.facets):
        if number in columns:
            counted = _column_counts(ids, columns[number], ids.c[f"c{number}"])
        else:
            counted = facet.query(select(ids.c.id))
        counted = counted.limit(FACET_LIMIT + 1).subquery()
        value, label, count = counted.c
        branches.append(select(literal(number), cast(value, String), cast(label, String), count))
    sql = str(union_all(*branches).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    branches = sql_text(sql.replace(":", "\\:")).columns(
        column("number", Integer), column("value", String), column("label", String), column("count", Integer)
    )
    # Yesterday's go; so would a flood of list definitions made per request (none is: each area's list
    # definition is built once).
    if len(_BRANCHES) > 64 or any(k[2] != key[2] for k in _BRANCHES):
        _BRANCHES.clear()
    _BRANCHES[key] = (spec, branches)
    return branches


def _column_counts(ids, facet: ColumnFacet, value) -> Select:
    """``facet``'s counts read from the matching rows' own column (the same rows as its query)."""
    label = value if facet.label_column is None else facet.label_column
    statement = select(value, label, func.count()).select_from(ids)
    if facet.label_column is not None:
        statement = statement.join(facet.label_column.table, facet.label_key == value)
    return statement.group_by(value, label).order_by(func.count().desc(), value)


def run(
    spec: ListSpec,
    user,
    list_args: ListArgs,
    *,
    with_facets: bool = True,
    with_count: bool = True,
    eager: tuple | None = None,
    load: Callable[[Select], list] | None = None,
) -> Page:
    """A page of the list with its bounded count and facets; ``eager``: the loader options of the page's
    rows when they differ from the list's own (a page that shows fewer of the related rows); ``load``:
    reads the page's rows from its query itself (as plain rows with the records' names, for the API)."""
    query = filtered(spec, user, list_args)
    page_query = keyset_page(spec, query, list_args.sort, list_args.after, list_args.size + 1)
    if load is not None:
        rows = load(page_query)
    else:
        eager = spec.eager if eager is None else eager
        if eager:
            page_query = page_query.options(*eager)
        rows = list(db.session.scalars(page_query).unique())
    next_cursor = None
    if len(rows) > list_args.size:
        rows = rows[: list_args.size]
        last = rows[-1]
        key = spec.sort_by_name()[list_args.sort.lstrip("-")]
        value = last.id if key.name == "id" else getattr(last, key.column.key)
        next_cursor = encode_cursor(value, last.id)
    count, capped = bounded_count(query) if with_count else (0, False)
    # Facet counts cost a GROUP BY over every matching row: past COUNT_LIMIT rows they wait for a filter
    # (Datasette does the same with a time limit), so a province-sized list stays as fast as a county's.
    facets = facet_counts(spec, query) if with_facets and not capped else []
    return Page(rows, next_cursor, count, capped, facets, list_args)


def all_rows(spec: ListSpec, user, list_args: ListArgs, batch: int = 1000):
    """Every row of the filtered list in its order, fetched in batches (for exports)."""
    query = filtered(spec, user, list_args)
    cursor = None
    while True:
        batch_query = keyset_page(spec, query, list_args.sort, cursor, batch)
        if spec.eager:
            batch_query = batch_query.options(*spec.eager)
        rows = list(db.session.scalars(batch_query).unique())
        yield from rows
        if len(rows) < batch:
            return
        key = spec.sort_by_name()[list_args.sort.lstrip("-")]
        last = rows[-1]
        cursor = encode_cursor(last.id if key.name == "id" else getattr(last, key.column.key), last.id)
        del rows  # the session holds loaded rows weakly: a written batch can go, memory stays flat


# ---- filter and facet builders shared by the lists ---------------------------------------------------


def enum_parser(codes):
    def parse(text: str) -> str:
        if text not in codes():
            raise ValueError(text)
        return text

    return parse


def enum_filter(name: str, label: str, column, enum) -> Filter:
    return Filter(name, label, lambda q, v: q.where(column == v), enum_parser(enum.codes), enum.text_choices)


def archived_filter(model) -> Filter:
    def apply(query, value):
        if value == "all":
            return query
        return query.where(model.archived_at.is_not(None) if value == "1" else model.archived_at.is_(None))

    return Filter(
        "archived",
        _l("归档状态"),
        apply,
        enum_parser(lambda: ("0", "1", "all")),
        lambda: [("0", str(_l("在册"))), ("1", str(_l("已归档"))), ("all", str(_l("全部")))],
        default="0",
    )


def date_filter(name: str, label: str, apply) -> Filter:
    return Filter(name, label, apply, parse_query_date, input_type="date")


PERIOD_LABELS = (_l("起始日期"), _l("截止日期"))


def date_range(column, names=("from", "to"), labels=PERIOD_LABELS) -> list[Filter]:
    """Two filters: ``column`` on or after the first date, on or before the second (both inclusive)."""
    return [
        date_filter(names[0], labels[0], lambda q, v: q.where(column >= v)),
        date_filter(names[1], labels[1], lambda q, v: q.where(column <= v)),
    ]


def count_facet(model, column, label_column=None, join=None, label_key=None):
    """A facet query counting ``model`` rows among ``ids`` by ``column`` (labelled by ``label_column``
    from the table ``join`` adds, where ``label_key`` equals the column)."""

    def query(ids):
        label = label_column if label_column is not None else column
        statement = select(column, label, func.count()).select_from(model).where(model.id.in_(ids))
        if join is not None:
            statement = join(statement)
        return statement.group_by(column, label).order_by(func.count().desc(), column)

    if label_column is not None and label_key is None:
        return query  # counted by its own query
    return ColumnFacet(query, column, label_column, label_key)
