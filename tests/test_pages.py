"""The UI shell: home page counts, error pages in the layout, JSON errors for API clients."""

from __future__ import annotations

import re

from registry.demo import load_demo_data


def test_home_shows_each_record_kind_with_its_count(client, auth, app):
    with app.app_context():
        load_demo_data()
    auth.login()
    page = client.get("/").get_data(as_text=True)
    counts = dict(re.findall(r'data-kind="(\w+)">.*?class="stat-number">(\d+)<', page, flags=re.S))
    assert counts["enterprises"] == "184"  # 185 demo firms, one archived
    assert counts["towns"] == "13"
    assert counts["incubators"] == "3"
    assert counts["trainings"] == "4"


def test_not_found_page_uses_the_layout(client, auth):
    auth.login()
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "页面不存在" in page and "<nav" in page


def test_api_clients_get_json_errors(client, auth):
    assert client.get("/api/v1/nothing").get_json()["error"]["status"] == 401
    auth.login()
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_static_assets_are_served_locally(client):
    page = client.get("/login").get_data(as_text=True)
    assert "cdn" not in page.lower()
    css = re.search(r'href="(/[^"]*bootstrap[^"]*\.css)"', page).group(1)
    response = client.get(css)
    response.close()
    assert response.status_code == 200
