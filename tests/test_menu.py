"""The navigation menu, built from the record types' declared menu places, renders for every role exactly
as the hand-written menu did (same entries, order, labels, translations, visibility and active section):
tests/fixtures/menus.json holds the menus rendered before the menu was read from the catalog."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).parent / "fixtures" / "menus.json"
ROLE_SETS = [
    ("admin",),
    ("science_bureau",),
    ("incubator_manager",),
    ("finance_officer",),
    ("report_writer",),
    ("science_bureau", "finance_officer"),
]
# Pages whose section lights up a menu entry (the admin may open them all).
PAGES = [
    "/",
    "/enterprises/",
    "/incubators/",
    "/certifications/",
    "/certifications/renewals",
    "/certification-kinds/",
    "/outreach/",
    "/pledge-loans/",
    "/listing-candidates/",
    "/listing-candidates/pipeline",
    "/trainings/",
    "/towns/",
    "/parks/",
    "/tags/",
    "/reports/",
    "/admin/users/",
]


def menu(page: str) -> str:
    start = page.index('<ul class="navbar-nav me-auto">')
    end = page.index('<div class="d-flex', start)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", page[start:end])).strip()


def render_menus(client, auth) -> dict[str, str]:
    menus = {}
    for roles in ROLE_SETS:
        name = "_".join(roles)[:50]
        auth.login(name, roles=roles)
        for language in ("zh", "en"):
            client.post(f"/language/{language}", data={"next": "/"})
            paths = PAGES if roles == ("admin",) else ["/"]
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, (name, path)
                menus[f"{name} {language} {path}"] = menu(response.get_data(as_text=True))
        auth.logout()
    return menus


@pytest.mark.usefixtures("app")
def test_the_menu_renders_as_before_for_every_role_and_language(client, auth):
    menus = render_menus(client, auth)
    if not SNAPSHOT.exists():  # pragma: no cover — writes the snapshot once
        SNAPSHOT.write_text(json.dumps(menus, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert menus == json.loads(SNAPSHOT.read_text(encoding="utf-8"))
