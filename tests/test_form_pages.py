"""Forms that help, checked on every HTML page of the app with records in it: each input has a name that
assistive technology reads out (a <label for>, an enclosing <label>, aria-label or aria-labelledby), dates
are native date inputs, towns, parks and incubators are searchable selects, archiving asks first, and a
refused form comes back with everything that was entered."""

# ruff: noqa: F811 — ``world`` is the route table's fixture, imported so these walks see the same records

from __future__ import annotations

from html.parser import HTMLParser

from .factories import PASSWORDS, make_user
from .test_route_table import ADMIN, MGR, routes, url_for_rule, world  # noqa: F401

UNNAMED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class Controls(HTMLParser):
    """The form controls of a page and the names given to them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.open_labels = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and (attrs.get("type") or "text").lower() in UNNAMED_TYPES:
                return
            self.controls.append(attrs | {"tag": tag, "in_label": self.open_labels > 0})

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels -= 1

    def unnamed(self) -> list[str]:
        return [
            f"<{c['tag']} name={c.get('name')!r} id={c.get('id')!r}>"
            for c in self.controls
            if not (
                c["in_label"]
                or (c.get("id") and c["id"] in self.label_for)
                or (c.get("aria-label") or "").strip()
                or any(i in self.ids for i in (c.get("aria-labelledby") or "").split())
            )
        ]


def html_pages(app, client, world, role):
    with app.app_context():
        make_user("labeller", [role], incubator_ids=[world["mine"]] if role == MGR else [])
    client.post("/login", data={"username": "labeller", "password": PASSWORDS["labeller"]})
    for rule in routes(app):
        if "GET" not in rule.methods or rule.rule.startswith("/api/") or "<any(csv, xlsx)" in rule.rule:
            continue
        url = url_for_rule(rule, world)
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            yield url, response.get_data(as_text=True)


def test_every_form_control_on_every_page_has_a_label(app, client, world):
    pages = 0
    unnamed = []
    for url, page in html_pages(app, client, world, ADMIN):
        parser = Controls()
        parser.feed(page)
        pages += 1
        unnamed += [f"{url}: {control}" for control in parser.unnamed()]
    assert pages > 40
    assert not unnamed, "\n".join(unnamed)


class Forms(HTMLParser):
    """Date inputs, selects and POST forms of a page, with their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "select", "form"):
            self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict]]:
    parser = Forms()
    parser.feed(page)
    return parser.tags


def is_date_name(name: str) -> bool:
    # Every date of DESIGN.md §3 is named *_on or *_until; the report and list filters add a few more.
    return name.endswith(("_on", "_until", "_from", "_to")) or name in ("on", "start", "end", "from", "to")


def test_every_date_is_a_native_date_input(app, client, world):
    dates, wrong = 0, []
    for url, page in html_pages(app, client, world, ADMIN):
        for tag, attrs in tags_of(page):
            if tag == "input" and is_date_name(attrs.get("name") or "") and attrs.get("type") != "hidden":
                dates += 1
                if attrs.get("type") != "date":
                    wrong.append(f"{url}: {attrs.get('name')} type={attrs.get('type')!r}")
    assert dates > 30
    assert not wrong, "\n".join(wrong)


def test_town_park_and_incubator_choices_are_searchable_selects(app, client, world):
    searchable, plain = set(), []
    for url, page in html_pages(app, client, world, ADMIN):
        for tag, attrs in tags_of(page):
            if tag == "select" and attrs.get("name") in ("town_id", "park_id", "incubator_id"):
                if "data-searchable" in attrs and attrs.get("data-no-results"):
                    searchable.add(url)
                else:
                    plain.append(f"{url}: {attrs.get('name')}")
    assert {
        "/enterprises/new",
        "/incubators/new",
        "/tenants/new",
        "/outreach/new",
        "/parks/new",
    } <= searchable
    assert not plain, "\n".join(plain)
    # The library they use is served from the app, with its licence, and loaded on every page.
    page = client.get("/enterprises/new").get_data(as_text=True)
    for asset in (
        "vendor/tom-select/tom-select.complete.min.js",
        "vendor/tom-select/tom-select.bootstrap5.min.css",
    ):
        assert f"/static/{asset}" in page
        response = client.get(f"/static/{asset}")
        assert response.status_code == 200 and b"sourceMappingURL" not in response.data
        response.close()
    licence = client.get("/static/vendor/tom-select/LICENSE")
    assert b"Apache License" in licence.data
    licence.close()


def test_every_archive_button_asks_for_confirmation(app, client, world):
    archive_forms, unconfirmed = 0, []
    for url, page in html_pages(app, client, world, ADMIN):
        for tag, attrs in tags_of(page):
            if tag == "form" and (attrs.get("action") or "").endswith("/archive"):
                archive_forms += 1
                if not (attrs.get("data-confirm") or "").strip():
                    unconfirmed.append(f"{url}: {attrs.get('action')}")
    assert archive_forms >= 10
    assert not unconfirmed, "\n".join(unconfirmed)


# ---- input kept when a form is refused -----------------------------------------------------------------
class FormControls(HTMLParser):
    """The controls of the page's main POST forms (not the header's language and sign-out forms)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = self.in_form = False
        self.fields: dict[str, dict] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        elif tag == "form" and self.in_main and (attrs.get("method") or "").lower() == "post":
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and (attrs.get("type") or "text") not in UNNAMED_TYPES:
            kind = attrs.get("type") or "text"
            entry = self.fields.setdefault(name, {"type": kind, "options": [], "chosen": []})
            if kind in ("checkbox", "radio"):
                entry["options"].append(attrs.get("value") or "y")
                if "checked" in attrs:
                    entry["chosen"].append(attrs.get("value") or "y")
            else:
                entry |= {"value": attrs.get("value") or "", "maxlength": attrs.get("maxlength")}
        elif tag == "select" and name:
            self.select = name
            self.fields[name] = {"type": "select", "options": [], "chosen": []}
        elif tag == "option" and self.select:
            entry = self.fields[self.select]
            entry["options"].append(attrs.get("value", ""))
            if "selected" in attrs:
                entry["chosen"].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = {"type": "textarea", "value": ""}

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea]["value"] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            # As browsers do, a newline right after <textarea> is not part of the value.
            value = self.fields[self.textarea]["value"]
            self.fields[self.textarea]["value"] = value.removeprefix("\r\n").removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.in_form = False
        elif tag == "main":
            self.in_main = False


def form_fields(page: str) -> dict[str, dict]:
    parser = FormControls()
    parser.feed(page)
    return parser.fields


def filled_in(fields: dict[str, dict]) -> dict[str, object]:
    """Something in every field, with at least one value the service refuses (a date that does not exist,
    text one character too long, a number that is not one), so the form comes back."""
    data = {}
    for name, f in fields.items():
        if f["type"] == "date":
            data[name] = "2021-02-30"
        elif f["type"] in ("checkbox", "radio"):
            data[name] = [f["options"][0]] if f["type"] == "checkbox" else f["options"][-1]
        elif f["type"] == "select":
            data[name] = next((v for v in reversed(f["options"]) if v), "")
        elif f["type"] == "textarea":
            data[name] = f"保留的{name}"
        elif f.get("maxlength"):
            data[name] = "长" * (int(f["maxlength"]) + 1)
        else:
            data[name] = f"保留的{name}"
    return data


FORM_PAGES = [
    "/enterprises/new",
    "/incubators/new",
    "/tenants/new",
    "/certifications/new",
    "/certification-kinds/new",
    "/outreach/new",
    "/pledge-loans/new",
    "/listing-candidates/new",
    "/trainings/new",
    "/towns/new",
    "/parks/new",
    "/tags/new",
    "/admin/users/new",
]


def test_a_refused_form_comes_back_with_everything_that_was_entered(app, client, world):
    with app.app_context():
        make_user("keeper", [ADMIN])
    client.post("/login", data={"username": "keeper", "password": PASSWORDS["keeper"]})
    lost = []
    for url in FORM_PAGES:
        fields = form_fields(client.get(url).get_data(as_text=True))
        assert len(fields) >= 2, url
        sent = filled_in(fields)
        response = client.post(url, data=sent)
        assert response.status_code == 200, f"{url} was accepted: {sent}"
        page = response.get_data(as_text=True)
        assert "invalid-feedback" in page or "alert-danger" in page, url
        back = form_fields(page)
        for name, value in sent.items():
            field = back.get(name, {})
            if field.get("type") in ("checkbox", "radio", "select"):
                shown = field["chosen"] if field["type"] == "checkbox" else (field["chosen"] or [""])[0]
            else:
                shown = field.get("value")
            if shown != value:
                lost.append(f"{url} {name}: sent {value!r}, shown {shown!r}")
    assert not lost, "\n".join(lost)


def test_form_texts_read_as_sentences_in_english(client, auth, app):
    with app.app_context():
        make_user("reader_en", ["science_bureau"])
    client.post("/login", data={"username": "reader_en", "password": PASSWORDS["reader_en"]})
    client.post("/language/en", data={"next": "/"})
    page = client.get("/enterprises/new").get_data(as_text=True)
    assert 'value="company">Company</option>' in page  # a legal form, not the register's "Enterprises"
    page = client.get("/certifications/new").get_data(as_text=True)
    assert "Certifications: new</h1>" in page and "NewCertifications" not in page
    client.post("/language/zh_Hans_CN", data={"next": "/"})
    page = client.get("/certifications/new").get_data(as_text=True)
    assert "新增资质认定</h1>" in page and 'value="company"' not in page
    assert 'value="company">企业</option>' in client.get("/enterprises/new").get_data(as_text=True)
