"""Hostile query arguments on every list, export, report and drill-down: never a 500.

The lists are found in the app's URL map (every GET page without a path argument, every export format,
every API collection and the report drill-downs), so a new list is fuzzed without a word here. Each is
asked with hostile values for every argument it reads: its filters, sort, q, size, the paging cursor and
the period dates. The tests only read; the registry they sign in to is emptied after each test.
"""

from __future__ import annotations

import base64
import inspect
import tempfile
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.security import generate_password_hash

from registry import create_app
from registry.api.collections import COLLECTIONS
from registry.extensions import db
from registry.models import accounts
from registry.reports.indicators import FIXED

from .factories import make_enterprise, make_incubator, make_tenancy, make_town

GENERIC = ("q", "sort", "size", "after", "page", "cursor", "format", "archived")
PERIOD = ("preset", "start", "end", "year", "months", "quarter", "on")
SKIPPED = ("static", "bootstrap.static", "auth.login", "auth.change_password", "main.home")


def _spec_of(view):
    """The list definition behind a page's view function, if it has one."""
    inner = inspect.unwrap(view)
    owner = getattr(inner, "__self__", None)
    return getattr(owner, "spec", None) or inner.__globals__.get("SPEC")


def _params(spec) -> tuple[str, ...]:
    if spec is None:
        return GENERIC + PERIOD
    return GENERIC + tuple(spec.filter_by_name())


def _sorts(spec) -> list[str]:
    if spec is None:
        return []
    names = list(spec.sort_by_name())
    return names + [f"-{n}" for n in names]


def discover() -> tuple[list, list]:
    """(name, URLs, arguments, sort keys) of every list the app serves, read from its URL map; and one
    (URL, sort key) for each kind of sort key (text, date, datetime, int, decimal; may be empty or not)
    on the pages and on the API."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tempfile.mkdtemp()}/map.sqlite3", "SECRET_KEY": "map"}
    )
    groups: dict[str, list] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED or rule.endpoint.startswith("api."):
            continue
        arguments = set(rule.arguments)
        if arguments - {"fmt", "code"} or rule.rule.endswith("/new"):
            continue
        spec = _spec_of(app.view_functions[rule.endpoint])
        group = groups.setdefault(rule.endpoint.split(".")[0] + ("_drill" if "code" in arguments else ""), [])
        formats = ["csv", "xlsx"] if "fmt" in arguments else [None]
        codes = [i.code for i in FIXED] if "code" in arguments else [None]
        for fmt in formats:
            for code in codes:
                path = rule.rule.replace("<any(csv, xlsx):fmt>", fmt or "").replace("<code>", code or "")
                group.append((path, spec))
    entries, sort_cases = [], {}

    def note_sorts(url, spec, where):
        for sort in spec.sort_by_name().values() if spec is not None else ():
            sort_cases.setdefault((where, sort.value_type, sort.nullable), (url, sort.name))

    for name, pages in sorted(groups.items()):
        spec = next((s for _p, s in pages if s is not None), None)
        params = _params(spec) + (PERIOD if name.startswith("reports") else ())
        entries.append((name, tuple(p for p, _s in pages), params, _sorts(spec)))
        note_sorts(pages[0][0], spec, "page")
    for coll in COLLECTIONS:
        fields = tuple(fld.name for fld in coll.record_type.schema.fields)
        urls = (f"/api/v1/{coll.name}", f"/api/v1/{coll.name}?format=csv")
        entries.append((f"api_{coll.name}", urls, _params(coll.spec) + fields, _sorts(coll.spec)))
        note_sorts(urls[0], coll.spec, "api")
    summary = ("/api/v1/summary", *(f"/api/v1/summary/{i.code}" for i in FIXED))
    entries.append(("api_summary", summary, ("start", "end"), []))
    return entries, sorted(sort_cases.values())


LISTS, SORT_CASES = discover()


def encode(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode("utf-8", "surrogatepass")).decode().rstrip("=")


# Cursors: valid base64 holding values of the wrong type, range or shape, and text that is no base64.
CURSOR_JSON = [
    "[1e20, 1]",
    "[NaN, 1]",
    "[Infinity, 1]",
    "[-Infinity, 1]",
    '["NaN", 1]',
    '["1e999", 1]',
    '["0000-00-00", 1]',
    '["0001-01-01", 1]',
    '["9999-12-31", 1]',
    '["9999-12-31T23:59:59", 1]',
    '["0001-01-01T00:00:00", 1]',
    "[1, 2, 3]",
    "[1]",
    "[]",
    "{}",
    '"x"',
    "1",
    "null",
    "[null, 1e20]",
    "[null, 99999999999999999999]",
    "[1, -99999999999999999999]",
    '["a\\u0000b", 1]',
    '["\\ud800", 1]',
    "[true, 1]",
    "[[1], 1]",
    '[{"a": 1}, 1]',
    '[1, "x"]',
    "[1, 1.5]",
    "[1, true]",
    '["' + "x" * 3000 + '", 1]',
    "[" * 3000,
]
CURSORS = [encode(raw) for raw in CURSOR_JSON] + ["!!!", "====", "a", "%ff", "\x00", "😀" * 10]

VALUES = [
    "99999999999999999999",
    "-99999999999999999999",
    str(2**63),
    str(2**31),
    "-1",
    "0",
    "1e20",
    "1.5",
    "NaN",
    "inf",
    "-inf",
    "0x10",
    "１２",
    "١٢",
    "9" * 5000,
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "1899-12-31",
    "3000-01-01",
    "2021-02-30",
    "9999年12月31日",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff",
    "<script>",
    "'; --",
    "%",
    "x" * 5000,
    "𠮷" * 100,
    "",
    *CURSORS,
]

SHARP = st.sampled_from(VALUES)
VALUE = st.one_of(
    SHARP,
    SHARP,
    SHARP,  # the sharp values most of the time, generated ones too
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
    st.text(max_size=40),
    st.tuples(st.sampled_from(["1e20", "NaN", "-1", '"x"', '"9999-12-31"', "null"]), st.integers()).map(
        lambda pair: encode(f"[{pair[0]}, {pair[1]}]")
    ),
)


# A cursor made of a hostile value (for any kind of sort key) and a hostile id.
CURSOR = st.one_of(
    st.tuples(
        st.sampled_from(
            [
                *("1e20", "NaN", "-Infinity", '"0000-00-00"', '"x"', "true", "[1]", "null", '"a\\u0000b"'),
                *('"9999-12-31T23:59:59+08:00"', '"1e999"', "99999999999999999999", '"2021-02-30"', "1.5"),
            ]
        ),
        st.sampled_from(["99999999999999999999", "1e20", "-99999999999999999999", '"x"', "NaN", "1"]),
    ).map(lambda pair: encode(f"[{pair[0]}, {pair[1]}]")),
    st.sampled_from(CURSORS),
)


def query_string(params: dict) -> str:
    """The arguments percent-encoded as UTF-8, a lone surrogate as the bytes ED A0 80 a browser could send."""

    def part(text: str) -> str:
        return quote(text.encode("utf-8", "surrogatepass"), safe="")

    return "&".join(f"{part(k)}={part(v)}" for k, v in params.items())


def get(client, url: str, params: dict | None = None):
    """The response, read and closed (an export streams from a spooled file)."""
    path, _sep, fixed = url.partition("?")
    extra = query_string(params or {})
    response = client.get(path, query_string="&".join(p for p in (fixed, extra) if p))
    response.get_data()
    response.close()
    return response


def sign_in(app, client, auth, monkeypatch):
    """An admin on a small registry (a firm in an incubator), so lists have rows. The admin's password
    is hashed with one round: these tests are about lists, and a full hash per test would be most of
    their time."""
    monkeypatch.setattr(
        accounts, "generate_password_hash", lambda pw: generate_password_hash(pw, method="pbkdf2:sha256:1")
    )
    with app.app_context():
        town = make_town(name="太平街道")
        incubator = make_incubator(town=town)
        make_tenancy(incubator=incubator, enterprise=make_enterprise(town=town))
        db.session.commit()
    assert auth.login(username="fuzz_admin").status_code == 302
    return client


@pytest.fixture
def signed_in(app, client, auth, monkeypatch):
    return sign_in(app, client, auth, monkeypatch)


@pytest.mark.parametrize(("name", "urls", "params", "sorts"), LISTS, ids=[e[0] for e in LISTS])
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@given(data=st.data())
def test_every_list_survives_hostile_arguments(signed_in, name, urls, params, sorts, data):
    url = data.draw(st.sampled_from(urls), label="url")
    others = dict.fromkeys((p for p in params if p not in ("sort", "after")), VALUE)
    chosen = data.draw(st.fixed_dictionaries({}, optional=others), label="args")
    if sorts:  # mostly a sort key of the list, so the cursor is read as that key's type
        chosen["sort"] = data.draw(st.one_of(st.sampled_from(sorts), VALUE), label="sort")
    chosen["after"] = data.draw(st.one_of(CURSOR, VALUE), label="after")
    print("PROBE", url, {k: v[:30] for k, v in chosen.items()})
    response = get(signed_in, url, chosen)
    assert response.status_code < 500, (url, chosen)


def test_the_fuzzing_reaches_every_kind_of_list():
    names = {name for name, *_rest in LISTS}
    for expected in ("enterprises", "certifications", "audit", "reports", "reports_drill", "api_summary"):
        assert expected in names
    assert {f"api_{c.name}" for c in COLLECTIONS} <= names
    urls = [url for _n, urls, *_rest in LISTS for url in urls]
    assert (
        "/enterprises/export.xlsx" in urls and "/audit/export.csv" in urls and "/reports/draft.docx" in urls
    )


@pytest.mark.parametrize(("url", "sort"), SORT_CASES)
def test_every_kind_of_sort_key_survives_each_hostile_cursor(signed_in, url, sort):
    """Each hostile cursor under each kind of sort key (text, date, datetime, int, decimal; one that may
    be empty and one that may not), on a page and in the API."""
    for value in [*CURSORS, "99999999999999999999", "-1"]:
        response = get(signed_in, url, {"sort": sort, "after": value})
        assert response.status_code < 500, (url, sort, value)
