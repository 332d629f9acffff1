"""Languages: Simplified Chinese by default, English complete, the choice remembered on the account."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlalchemy import select

from registry.extensions import db
from registry.models import User

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "registry" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
METHODS = [("registry/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}


def source_messages() -> set[tuple[str | None, str]]:
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {}}
    ):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def test_every_text_in_the_code_and_templates_has_an_english_translation():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0])  # a plural entry's id is (one, many)
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(source_messages() - translated)
    assert not missing, "untranslated (run `make messages` and translate): " + " | ".join(
        f"{context}|{text}" if context else text for context, text in missing[:20]
    )


def test_chinese_is_the_default(client, auth):
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "首页" in page


def test_switching_to_english_is_remembered_on_the_account(client, auth, app):
    auth.login("rw", roles=("report_writer",))
    response = client.post("/language/en", data={"next": "/enterprises/"})
    assert response.headers["Location"] == "/enterprises/"
    page = client.get("/enterprises/").get_data(as_text=True)
    assert 'lang="en"' in page and "Home" in page and "首页" not in page
    with app.app_context():
        assert db.session.scalar(select(User.locale).where(User.username == "rw")) == "en"
    client.post("/logout")
    auth.login("rw")
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_unknown_languages_are_refused(client, auth):
    auth.login()
    assert client.post("/language/fr").status_code == 400


def test_one_chinese_word_with_two_meanings_gets_both_english_words(client, auth, app):
    """企业 is the menu's "Enterprises" and the legal form "Company"."""
    from .factories import make_enterprise

    with app.app_context():
        make_enterprise(name="语境测试有限公司", legal_form="company")
        db.session.commit()
    auth.login("rw", roles=("report_writer",))
    client.post("/language/en", data={"next": "/"})
    page = client.get("/enterprises/?q=语境测试").get_data(as_text=True)
    row = page[page.index("语境测试有限公司") :]
    row = row[: row.index("</tr>")]
    assert "Company" in row and "Enterprises" not in row
    assert ">Enterprises<" in page  # the menu


def test_labels_follow_each_request_language_in_one_process(client, auth, app):
    """A label shown in Chinese and then in English (and back) is each time in the reader's language."""
    from .factories import make_enterprise

    with app.app_context():
        make_enterprise(name="双语标签有限公司", legal_form="individual")
        db.session.commit()
    auth.login("rw", roles=("report_writer",))

    def row() -> str:
        page = client.get("/enterprises/?q=双语标签").get_data(as_text=True)
        shown = page[page.index("双语标签有限公司") :]
        return shown[: shown.index("</tr>")]

    assert "个体工商户" in row()
    client.post("/language/en", data={"next": "/"})
    assert "Sole proprietorship" in row() and "个体工商户" not in row()
    client.post("/language/zh_Hans_CN", data={"next": "/"})
    assert "个体工商户" in row()


def test_a_forced_language_within_a_request_translates_and_gives_way_again(app):
    """Translations kept for the request follow ``force_locale`` (a Word report in Chinese, a job in its
    owner's language): inside it the forced language, after it the reader's own, in code, lazy labels and
    templates alike."""
    from flask import render_template_string
    from flask_babel import force_locale, gettext, lazy_gettext

    from registry.enums import LegalForm

    label = lazy_gettext("企业名录")
    template = "{{ _('企业名录') }}|{{ enums.LegalForm.label_of('individual') }}"
    with app.test_request_context("/"):
        assert (gettext("企业名录"), str(label)) == ("企业名录", "企业名录")
        assert render_template_string(template) == "企业名录|个体工商户"
        with force_locale("en"):
            assert (gettext("企业名录"), str(label)) == ("Enterprises", "Enterprises")
            assert render_template_string(template) == "Enterprises|Sole proprietorship"
            assert LegalForm.label_of("individual") == "Sole proprietorship"
        assert (gettext("企业名录"), str(label)) == ("企业名录", "企业名录")
        assert render_template_string(template) == "企业名录|个体工商户"
