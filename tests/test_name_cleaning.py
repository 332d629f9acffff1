"""Invisible characters and look-alike radicals neither make a second firm of the same name nor hide one.

A name is cleaned on input (zero-width characters, bidi controls, soft hyphen, word joiner, variation
selectors, combining marks on Chinese characters; radicals drawn like an ideograph become the ideograph),
and the duplicate key and the search fold the same way. Migration 0005 reports rows stored before.
"""

from __future__ import annotations

import importlib.util
import sys
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import update

from registry.domain.text import INVISIBLE, clean_name, name_key
from registry.enterprises.services import ENTERPRISE, PossibleDuplicate
from registry.extensions import db
from registry.incubation.services import INCUBATOR
from registry.models import Enterprise
from registry.records import writer
from registry.records.errors import Conflict

from .factories import make_enterprise, make_incubator, make_town, names_on, uscc

NAME = "盘锦金田塑业有限公司"
NAME_2 = "盘山长城马王食品有限公司"

INSERTED = {
    "zero width space U+200B": "\u200b",
    "zero width non-joiner U+200C": "\u200c",
    "zero width joiner U+200D": "\u200d",
    "byte order mark U+FEFF": "\ufeff",
    "left-to-right mark U+200E": "\u200e",
    "right-to-left mark U+200F": "\u200f",
    "right-to-left override U+202E": "\u202e",
    "left-to-right embedding U+202A": "\u202a",
    "pop directional formatting U+202C": "\u202c",
    "right-to-left isolate U+2067": "\u2067",
    "pop directional isolate U+2069": "\u2069",
    "arabic letter mark U+061C": "\u061c",
    "soft hyphen U+00AD": "\u00ad",
    "word joiner U+2060": "\u2060",
    "combining acute U+0301": "\u0301",
    "combining enclosing circle U+20DD": "\u20dd",
    "combining grapheme joiner U+034F": "\u034f",
    "variation selector-1 U+FE00": "\ufe00",
    "variation selector-16 U+FE0F": "\ufe0f",
    "variation selector-17 U+E0100": "\U000e0100",
    "variation selector-256 U+E01EF": "\U000e01ef",
    "mongolian free variation selector U+180B": "\u180b",
    "hangul filler U+3164": "\u3164",
    "tag space U+E0020": "\U000e0020",
}
# (the firm's name, the same name with a radical drawn like one of its characters)
LOOK_ALIKES = {
    "kangxi gold U+2FA6 for 金": (NAME, NAME.replace("金", "\u2fa6")),
    "kangxi field U+2F65 for 田": (NAME, NAME.replace("田", "\u2f65")),
    "supplement c-simplified long U+2ED3 for 长": (NAME_2, NAME_2.replace("长", "\u2ed3")),
    "supplement c-simplified horse U+2EE2 for 马": (NAME_2, NAME_2.replace("马", "\u2ee2")),
    "supplement jade U+2EA9 for 王": (NAME_2, NAME_2.replace("王", "\u2ea9")),
}


def variants():
    for label, char in INSERTED.items():
        yield pytest.param(NAME, NAME[:3] + char + NAME[3:], id=label)
        yield pytest.param(NAME, char + NAME, id=label + " in front")
    for label, (name, variant) in LOOK_ALIKES.items():
        yield pytest.param(name, variant, id=label)


def register(name: str, *, confirmed: bool = False, town=None):
    town = town or make_town()
    db.session.commit()
    data = {"name": name, "uscc": uscc(), "legal_form": "company", "town_id": town.id}
    return writer.create(ENTERPRISE, None, data, confirmed=confirmed)


@pytest.mark.parametrize(("name", "variant"), list(variants()))
def test_a_name_with_an_invisible_character_or_a_look_alike_is_caught_as_a_possible_duplicate(
    ctx, name, variant
):
    existing = register(name)
    with pytest.raises(PossibleDuplicate) as caught:
        register(variant)
    assert [firm.id for firm in caught.value.matches] == [existing.id]
    confirmed = register(variant, confirmed=True)
    assert confirmed.name == name  # the cleaned value is what is stored
    assert confirmed.name_key == existing.name_key


def test_an_incubator_name_with_an_invisible_character_is_the_same_incubator(ctx):
    make_incubator(name="盘锦现代农业创业大厦")
    town = make_town()
    db.session.commit()
    data = {
        "name": "盘锦现代\u200b农业创业大厦",
        "kind": "startup_base",
        "level": "county",
        "town_id": town.id,
    }
    with pytest.raises(Conflict):
        writer.create(INCUBATOR, None, data)


def test_every_format_character_is_dropped():
    """Unicode category Cf as this Python knows it: none may pass the cleaning (a new one would)."""
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Cf" and not INVISIBLE.fullmatch(chr(code))
    ]
    assert missed == []


def test_latin_letters_keep_their_accents_and_chinese_characters_lose_stray_marks():
    assert clean_name("Café Müller 盘\u0301锦") == "Café Müller 盘锦"
    assert clean_name("Cafe\u0301") == "Café"
    assert name_key("A\u0338B") == name_key("AB")  # a mark on a letter still makes no other firm


@pytest.mark.parametrize(
    "q", ["金\u200b田塑", "金\u2060田\u00ad塑业", "\u2fa6田塑业", "\u202e金田塑业\u202c"]
)
def test_search_with_an_invisible_character_or_a_look_alike_finds_the_firm(client, auth, app, q):
    with app.app_context():
        make_enterprise(name=NAME)
        make_enterprise(name="辽河银海化工有限公司")
        db.session.commit()
    auth.login()
    response = client.get("/enterprises/", query_string={"q": q})
    assert names_on(response.get_data(as_text=True)) == [NAME]
    api = client.get("/api/v1/enterprises", query_string={"q": q})
    assert [item["name"] for item in api.get_json()["items"]] == [NAME]


# --- migration 0005: the check of rows stored before names were cleaned ---------------------------


def migration():
    path = Path(__file__).parent.parent / "migrations" / "versions" / "0005_clean_names_check.py"
    spec = importlib.util.spec_from_file_location("migration_0005", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def store_as_before(firm, name: str) -> None:
    """A row written before the cleaning: the name as typed, the key as revision 0004 folded it."""
    db.session.execute(
        update(Enterprise)
        .where(Enterprise.id == firm.id)
        .values(name=name, name_key=migration().previous_name_key(name))
    )


def test_the_migration_check_reports_a_dirty_name_and_the_firm_it_duplicates(ctx):
    module = migration()
    clean = make_enterprise(name=NAME)
    dirty = make_enterprise(name="临时名称有限公司")
    other = make_enterprise(name="辽河银海化工有限公司")
    store_as_before(dirty, "盘锦金\u200b田塑业有限公司")
    db.session.flush()
    lines = module.check_names(db.session.connection())
    dirty_lines = [line for line in lines if f"#{dirty.id}" in line]
    assert any(line.startswith(f"enterprises #{dirty.id}: name") and "<U+200B>" in line for line in lines)
    assert any("possible duplicates" in line and f"#{clean.id}" in line for line in dirty_lines)
    assert not any(f"#{other.id} " in line for line in lines)


def test_the_migration_check_reports_dirty_reference_names(ctx):
    town = make_town(name="太平\u2060街道")
    lines = migration().check_names(db.session.connection())
    assert any(line.startswith(f"towns #{town.id}: name") for line in lines)


def test_the_migration_refolds_the_keys_so_the_duplicate_check_and_search_find_old_rows(ctx):
    module = migration()
    dirty = make_enterprise(name="临时名称有限公司")
    store_as_before(dirty, "盘锦金\u200b田塑业有限公司")
    db.session.flush()
    assert module.recompute_keys(db.session.connection(), name_key) == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Enterprise, dirty.id).name_key == name_key(NAME)
    with pytest.raises(PossibleDuplicate):
        register(NAME)
    assert module.recompute_keys(db.session.connection(), module.previous_name_key) == 1  # the downgrade
