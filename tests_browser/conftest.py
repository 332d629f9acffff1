"""Real-browser tests: Debian's Chromium driven by Playwright against the app served on 127.0.0.1.

The app is built here on a fresh SQLite database by the real migrations and the demo data, and pytest-flask's
``live_server`` serves it from a separate process; the browser is the system's ``/usr/bin/chromium`` (never a
downloaded build). Run with ``make browser``; the default ``make test`` does not collect this folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import select

from registry import create_app
from registry.auth.services import create_user
from registry.demo import load_demo_data
from registry.extensions import db
from registry.models import Incubator

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = os.environ.get("REGISTRY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MANAGED = "盘山县众创空间"  # the test manager's incubator
OTHER = "盘锦现代农业创业大厦"  # an incubator the test manager does not manage
ACCOUNTS = [
    ("admin", ["admin"], None),
    ("kejiju", ["science_bureau"], None),
    ("zhuren", ["incubator_manager"], MANAGED),
    ("xiezuo", ["report_writer"], None),
    ("english", ["admin"], None),
    ("fanyi", ["finance_officer"], None),
]


def pytest_configure(config):
    """Serve on 127.0.0.1 rather than pytest-flask's default ``localhost`` (which the browser may try as ::1
    first), unless ``--live-server-host`` says otherwise."""
    if config.getoption("live_server_host") == "localhost":
        config.option.live_server_host = "127.0.0.1"


@dataclass
class Site:
    url: str
    app: object
    passwords: dict[str, str] = field(default_factory=dict)
    incubators: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app on a migrated SQLite database with the demo data and one account per role (in
    ``app.extensions["browser_tests"]``), complete before ``live_server`` starts serving it."""
    database = tmp_path_factory.mktemp("browser") / "registry.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "browser-tests-only"})
    with app.app_context():
        upgrade()
        load_demo_data()
        incubators = {i.name: i.id for i in db.session.scalars(select(Incubator))}
        passwords = {}
        for username, roles, managed in ACCOUNTS:
            managed_ids = [incubators[managed]] if managed else []
            _user, passwords[username] = create_user(username, roles, managed_ids, display_name=username)
        _user, passwords["newcomer"] = create_user(
            "newcomer", ["science_bureau"], display_name="新同事", must_change_password=True
        )
        db.session.remove()
        # The server process is a fork of this one: it must not inherit this process's open connections.
        db.engine.dispose()
    app.extensions["browser_tests"] = {"passwords": passwords, "incubators": incubators}
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def site(live_server) -> Site:
    """The served app: its address, the app (to read the database) and the accounts' passwords."""
    app = live_server.app
    return Site(live_server.url(), app, **app.extensions["browser_tests"])


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Problems:
    """Script errors and CSP refusals seen by a page: a finished page has none."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))
        page.on(
            "console",
            lambda message: (
                self.messages.append(f"console: {message.text}")
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )


def new_context(browser: Browser, site: Site, locale: str = "zh-CN", **options) -> BrowserContext:
    """A browser session; ``locale`` is the browser's own (date inputs, Accept-Language), as on a user's PC."""
    context = browser.new_context(
        base_url=site.url,
        viewport={"width": 1366, "height": 900},
        accept_downloads=True,
        locale=locale,
        **options,
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def context(browser, site):
    context = new_context(browser, site)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page whose script errors fail the test."""
    problems = Problems()
    page = context.new_page()
    problems.watch(page)
    yield page
    assert problems.messages == []


def sign_in(page: Page, site: Site, username: str, password: str | None = None) -> None:
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password or site.passwords[username])
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{username} was not signed in"


def use_language(page: Page, code: str) -> None:
    """Switch the interface with the header button unless it already speaks ``code`` ('zh' or 'en')."""
    current = page.locator("html").get_attribute("lang") or ""
    if current.startswith(code):
        return
    with page.expect_navigation():
        page.locator("header form[action^='/language/'] button").click()
    assert (page.locator("html").get_attribute("lang") or "").startswith(code)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
