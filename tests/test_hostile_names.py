"""Text people type is shown as text: markup in any field never reaches a page as markup.

Every free-text field of every record type (read from the record-type catalog, so a new field is covered
without touching this test), user names, archive reasons, a snapshot title, an imported file's name and a
search query are filled with markup; then every HTML page the app serves (walked from its URL map) is
read as an admin and must show that markup escaped, in text and in attributes alike.
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from markupsafe import escape
from sqlalchemy import select

from registry.enums import Role
from registry.extensions import db
from registry.jobs import db as jobs_db
from registry.models import (
    Certification,
    CertificationKind,
    ChangeLog,
    Enterprise,
    Figure,
    Incubator,
    Job,
    ListingCandidate,
    Outline,
    OutlineSection,
    Outreach,
    Park,
    PledgeLoan,
    Report,
    ReportSection,
    ReportSnapshot,
    Tag,
    Tenancy,
    Town,
    Training,
    User,
)
from registry.records import writer
from registry.records.catalog import RECORD_TYPES
from registry.records.errors import ValidationFailed
from registry.records.fields import Text
from registry.reports.indicators import all_indicators

from .factories import uscc
from .import_helpers import xlsx

HOSTILE = 'GX<img src=x onerror=alert(1)><meta http-equiv=refresh content="1;url=/x">"\'&'
SHORTER = ("<img src=x onerror=alert(1)>\"'&", "<img src=x>\"'&")
# What must never appear in a page: the tags themselves, and the quotes that would end an attribute.
RAW = ("<img src=x", "<meta http-equiv", 'content="1;url=/x"', "\"'&")
ESCAPED = "&lt;img src=x"
PERIOD = {"preset": "custom", "start": "2021-01-01", "end": "2021-12-31"}

# Values for the text fields that are codes with a fixed form (they refuse markup, rightly).
STRUCTURED = {
    ("town", "code"): "hostile-town",
    ("outline_section", "code"): "一",
    ("tag", "code"): "hostile-tag",
    ("certification_kind", "code"): "hostile_kind",
    ("certification_kind", "validity"): "years:3",
}

# The non-text fields of one valid record of each record type; ``$x`` is the id (or code) of record x.
RECORDS = [
    ("town", "town", {}),
    ("park", "park", {"town_id": "$town"}),
    ("park", "archived_park", {"town_id": "$town"}),
    ("tag", "tag", {}),
    ("certification_kind", "cert_kind", {}),
    (
        "enterprise",
        "firm",
        {
            "uscc": "@uscc",
            "legal_form": "company",
            "town_id": "$town",
            "park_id": "$park",
            "established_on": "2021-03-01",
            "founder_groups": ["veteran", "woman"],
            "tags": ["$tag"],
            "high_value_ip_count": 2,
        },
    ),
    (
        "incubator",
        "incubator",
        {"kind": "tech_incubator", "level": "county", "town_id": "$town", "opened_on": "2020-01-01"},
    ),
    (
        "tenancy",
        "tenancy",
        {
            "incubator_id": "$incubator",
            "enterprise_id": "$firm",
            "moved_in_on": "2021-03-01",
            "free_space_until": "2022-12-31",
        },
    ),
    (
        "certification",
        "certification",
        {
            "enterprise_id": "$firm",
            "kind": "$cert_kind",
            "level": "national",
            "status": "approved",
            "applied_on": "2021-02-01",
            "approved_on": "2021-04-01",
        },
    ),
    (
        "certification",
        "tech_sme",
        {
            "enterprise_id": "$firm",
            "kind": "tech_sme",
            "level": "provincial",
            "status": "approved",
            "applied_on": "2021-02-01",
            "approved_on": "2021-04-01",
        },
    ),
    (
        "certification",
        "product",
        {
            "enterprise_id": "$firm",
            "kind": "srdi_product",
            "level": "provincial",
            "status": "applied",
            "applied_on": "2021-02-10",
        },
    ),
    ("outreach", "visit", {"held_on": "2021-05-01", "enterprise_id": "$firm", "form": "visit"}),
    ("outreach", "seminar", {"held_on": "2021-05-02", "town_id": "$town", "form": "seminar"}),
    (
        "pledge_loan",
        "loan",
        {
            "enterprise_id": "$firm",
            "ip_type": "patent",
            "registered_on": "2021-05-03",
            "amount_wan": "100",
            "status": "active",
        },
    ),
    (
        "listing_candidate",
        "candidate",
        {"enterprise_id": "$firm", "entered_on": "2021-03-05", "tier": "key", "target_board": "star"},
    ),
    ("training", "training", {"held_on": "2021-06-01", "topic": "listing", "enterprise_ids": ["$firm"]}),
    ("outline", "outline", {}),
    ("outline_section", "chapter", {"@parent": "$outline"}),
    ("report", "report", {"outline_id": "$outline", "start": "2021-01-01", "end": "2021-12-31"}),
    ("report_section", "section", {"@report": "$report"}),
    ("report_figure", "figure", {"@parent": "$report", "value": "1157"}),
]
# Record types added under a parent (writer.add_child), by the parent's record type.
PARENTS = {"outline_section": "outline", "report_figure": "report"}

# Which table a page's id belongs to, by the first segment of its path.
MODELS = {
    "enterprises": Enterprise,
    "incubators": Incubator,
    "tenancies": Tenancy,
    "certifications": Certification,
    "certification-kinds": CertificationKind,
    "outreach": Outreach,
    "pledge-loans": PledgeLoan,
    "listing-candidates": ListingCandidate,
    "trainings": Training,
    "towns": Town,
    "parks": Park,
    "tags": Tag,
    "admin": User,
    "jobs": Job,
    "audit": ChangeLog,
    "reports": ReportSnapshot,
}
# The report workspace's pages name their records by argument (they share the /reports prefix).
ARGUMENTS = {
    "report_id": Report,
    "section_id": ReportSection,
    "figure_id": Figure,
    "outline_id": Outline,
    "row_id": OutlineSection,
}


def hostile_for(field: Text, mark: str = "") -> str:
    """The longest piece of markup the field can hold, ending in ``mark`` (names must be unique)."""
    return next(text + mark for text in (HOSTILE, *SHORTER) if len(text + mark) <= field.max_length)


def _resolve(value, made: dict):
    if isinstance(value, list):
        return [_resolve(v, made) for v in value]
    if isinstance(value, str) and value.startswith("$"):
        return made[value[1:]]
    if value == "@uscc":
        return uscc()
    return value


def _writer(kind_name: str, record_type, data: dict, user: User):
    """How a record of the record type is written: created; added under its parent; or, for a report's
    section (which comes with its report), its text fields written."""
    if kind_name in PARENTS:
        parent = db.session.get(RECORD_TYPES[PARENTS[kind_name]].model, data.pop("@parent"))
        return lambda values: writer.add_child(record_type, user, parent.id, parent.version, values)
    if "@report" in data:
        section = db.session.scalar(
            select(ReportSection).where(ReportSection.report_id == data.pop("@report"))
        )
        return lambda values: writer.update(
            record_type, user, section.id, section.version, values, partial=True
        )
    return lambda values: writer.create(record_type, user, values, confirmed=True)


def _create(kind_name: str, base: dict, made: dict, user: User, accepted: set):
    """Create one record with markup in every text field; a field that refuses it gets a plain value.

    ``accepted`` collects the (record type, field) pairs that now hold markup."""
    record_type = RECORD_TYPES[kind_name]
    data = {k: _resolve(v, made) for k, v in base.items()}
    texts = [f for f in record_type.schema.fields if isinstance(f, Text)]
    data |= {f.name: hostile_for(f, str(len(made))) for f in texts}
    write = _writer(kind_name, record_type, data, user)
    for _attempt in range(len(texts) + 1):
        try:
            record = write(data)
            accepted |= {
                (kind_name, f.name) for f in texts if "<img src=x" in (getattr(record, f.name) or "").lower()
            }
            return record
        except ValidationFailed as error:
            refused = [name for name in error.errors if name in data and isinstance(data[name], str)]
            assert refused and all(name in {f.name for f in texts} for name in refused), error.errors
            for name in refused:
                assert (kind_name, name) in STRUCTURED or not record_type.schema[name].required, (
                    kind_name,
                    name,
                )
                data[name] = STRUCTURED.get((kind_name, name))
    raise AssertionError(f"{kind_name} could not be created")


def _fill_the_registry(app) -> dict:
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        made: dict = {}
        accepted: set = set()
        for kind_name, key, base in RECORDS:
            record = _create(kind_name, base, made, admin, accepted)
            made[key] = getattr(record, "code", None) if kind_name in {"tag", "certification_kind"} else None
            made[key] = made[key] or record.id
        assert {record_type for record_type, _key, _base in RECORDS} == set(RECORD_TYPES), (
            "every record type has a record here"
        )
        every_text = {
            (n, f.name)
            for n, record_type in RECORD_TYPES.items()
            for f in record_type.schema.fields
            if isinstance(f, Text)
        }
        assert every_text - set(STRUCTURED) == accepted, "every free-text field holds markup"
        writer.archive(RECORD_TYPES["park"], admin, made["archived_park"], 1, HOSTILE)
        firm = db.session.get(Enterprise, made["firm"])
        writer.update(
            RECORD_TYPES["enterprise"], admin, firm.id, firm.version, {"notes": HOSTILE + "2"}, partial=True
        )
        db.session.commit()
        return made


def _users(app, made: dict) -> None:
    from .factories import ensure_user

    with app.app_context():
        incubator_id = made["incubator"]
        for role in Role.codes():
            ensure_user(
                f"u-{role}",
                [role],
                display_name=HOSTILE,
                incubator_ids=[incubator_id] if role == "incubator_manager" else None,
                department=HOSTILE if role == "contributor" else None,
            )
        db.session.commit()


def _urls(app, tokens: list[str]) -> list[str]:
    """Every GET page of the app with each id it can take (``tokens``: of kept uploads); downloads and the
    JSON API are left out."""
    urls = []
    with app.app_context():
        codes = [indicator.code for indicator in all_indicators()]
        request_ids = db.session.scalars(select(ChangeLog.request_id).distinct()).all()
        ids = {segment: db.session.scalars(select(model.id)).all() for segment, model in MODELS.items()}
        with jobs_db.session() as jobs:  # on SQLite the jobs table is in a file of its own
            ids["jobs"] = jobs.scalars(select(Job.id)).all()
        by_argument = {name: db.session.scalars(select(model.id)).all() for name, model in ARGUMENTS.items()}
        sections = db.session.execute(select(ReportSection.report_id, ReportSection.code)).all()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static") or rule.endpoint.startswith("api."):
            continue
        if re.search(r"\.(json|docx|xlsx|csv)$|<fmt>|\.<any", rule.rule):
            continue
        args = set(rule.arguments)
        if rule.endpoint.startswith("report_workspace."):
            if args == {"report_id", "code"}:
                urls += [
                    rule.rule.replace("<int:report_id>", str(r)).replace("<code>", quote(c))
                    for r, c in sections
                ]
                continue
            if len(args) == 1 and next(iter(args)) in ARGUMENTS:
                name = next(iter(args))
                urls += [re.sub(r"<int:\w+>", str(i), rule.rule) for i in by_argument[name]]
                continue
        if not args:
            urls += [rule.rule, f"{rule.rule}?{_query(PERIOD | {'q': HOSTILE})}"]
        elif args == {"code"}:
            urls += [rule.rule.replace("<code>", code) + "?" + _query(PERIOD) for code in codes]
        elif args == {"request_id"}:
            urls += [rule.rule.replace("<request_id>", rid) for rid in request_ids]
        elif args == {"token"}:
            urls += [rule.rule.replace("<token>", token) for token in tokens]
        else:
            assert len(args) == 1, rule.rule  # one id: of the table named by the path's first segment
            segment = rule.rule.strip("/").split("/")[0]
            assert segment in MODELS, f"no ids known for {rule.rule}"
            urls += [re.sub(r"<int:\w+>", str(i), rule.rule) for i in ids[segment]]
    return urls


def _query(args: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(args)


def _unescaped(url: str, response) -> list[str]:
    """What ``response`` shows raw (empty when all is escaped)."""
    if response.status_code >= 500:
        return [f"{url}: {response.status_code}"]
    body = response.get_data(as_text=True).lower() if response.mimetype.startswith("text/html") else ""
    return [
        f"{url} shows {raw!r} raw: …{body[max(0, body.find(raw) - 80) :][:200]}…"
        for raw in RAW
        if raw in body  # in any case: some fields keep their text in upper case
    ]


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
def test_markup_in_every_text_field_is_shown_escaped_on_every_page(client, auth, app, language):
    auth.login("admin", display_name=HOSTILE)
    made = _fill_the_registry(app)
    _users(app, made)
    client.post(f"/language/{language}", data={"next": "/"})
    snapshot = client.post("/reports/snapshots", data=PERIOD | {"title": HOSTILE})
    assert snapshot.status_code == 302
    with app.app_context():
        town = db.session.get(Town, made["town"]).name
    problems: list[str] = []
    for rows in ([[HOSTILE, "bad", "企业", HOSTILE, "x"]], [[HOSTILE + "3", uscc(), "企业", town, "3"]]):
        upload = client.post(
            "/imports/",
            data={
                "kind": "enterprises",
                "file": (io.BytesIO(xlsx(rows)), "<img src=x onerror=alert(1)>&.xlsx"),
            },
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        problems += _unescaped("/imports/ (preview)", upload)
        assert ESCAPED in upload.get_data(as_text=True)
    token = re.search(r"/imports/([\w-]+)/confirm", upload.get_data(as_text=True)).group(1)
    problems += _unescaped(
        "/imports/confirm",
        client.post(f"/imports/{token}/confirm", data={"token": token}, follow_redirects=True),
    )

    # A file with a column headed in markup goes to the mapping step, which shows headers and values.
    headers = ["企业名称", "统一社会信用代码", "主体类型", "所在镇街", HOSTILE]
    mapping = client.post(
        "/imports/",
        data={
            "kind": "enterprises",
            "file": (io.BytesIO(xlsx([[HOSTILE, uscc(), "企业", town, HOSTILE]], headers)), "<b>&.xlsx"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    problems += _unescaped("/imports/ (mapping)", mapping)
    tokens = re.findall(r"/imports/([\w-]+)/mapping", mapping.get_data(as_text=True))
    assert tokens

    shown = set()
    for url in _urls(app, tokens):
        response = client.get(url)
        problems += _unescaped(url, response)
        if ESCAPED in response.get_data(as_text=True):
            shown.add(url.split("?")[0])
    assert any(url.startswith("/reports/drill/tags.") for url in shown)
    assert {
        "/reports/",
        "/enterprises/",
        "/audit/",
        "/admin/users/",
        f"/imports/{tokens[0]}/mapping",
    } <= shown

    for role in Role.codes():
        client.post("/logout")
        auth.login(f"u-{role}")
        client.post(f"/language/{language}", data={"next": "/"})
        problems += _unescaped(f"/ as {role}", client.get("/"))
    assert not problems, "\n".join(problems)


def test_markup_in_form_values_and_search_boxes_stays_inside_the_attribute(client, auth, app):
    auth.login("admin", display_name=HOSTILE)
    made = _fill_the_registry(app)
    with app.app_context():
        name = db.session.get(Enterprise, made["firm"]).name
    assert "<img src=x" in name
    edit = client.get(f"/enterprises/{made['firm']}/edit").get_data(as_text=True)
    assert f'value="{escape(name)}"' in edit
    assert "&#34;&#39;&amp;" in escape(name)  # the quotes that would end the attribute are escaped
    search = client.get("/enterprises/", query_string={"q": HOSTILE}).get_data(as_text=True)
    assert f'value="{escape(HOSTILE)}"' in search


LAZY = {"_l", "lazy_gettext", "lazy_pgettext", "lazy_ngettext"}


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def test_lazy_messages_with_values_are_text_and_nothing_is_marked_safe():
    """A lazy message formatted with values is wrapped in ``as_text``; no code or template says "safe"."""
    root = Path(__file__).resolve().parent.parent
    unwrapped, trusted = [], []
    for path in sorted((root / "registry").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        wrapped = {id(arg) for call in calls if _name(call) == "as_text" for arg in call.args}
        for call in calls:
            if _name(call) in LAZY and call.keywords and id(call) not in wrapped:
                unwrapped.append(f"{path.relative_to(root)}:{call.lineno}")
            if _name(call) in {"Markup", "mark_safe"}:
                trusted.append(f"{path.relative_to(root)}:{call.lineno}")
    for path in sorted((root / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\|\s*safe\b|autoescape\s+false|Markup", text):
            trusted.append(str(path.relative_to(root)))
    assert not unwrapped, "wrap in registry.i18n.as_text: " + ", ".join(unwrapped)
    assert not trusted, "markup built from values: " + ", ".join(trusted)
