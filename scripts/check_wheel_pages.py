"""Pages of an installed registry served on BASE_URL, in Chinese and in English (part of `make wheel-check`).

    python scripts/check_wheel_pages.py http://127.0.0.1:PORT USERNAME ONE-TIME-PASSWORD

Standard library only, so any Python runs it. Signs in with the one-time password, sets a new one, then
fetches the enterprise list (demo data) in Chinese, switches the language and fetches it in English: the
English texts come only from the compiled catalog, so they prove the wheel carries it. Exits non-zero with
the reason on the first failure.
"""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Site:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """(status, Location header, body) of one request; redirects are not followed."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                return response.status, "", response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode("utf-8", "replace")

    def page(self, path: str) -> str:
        status, _location, body = self.request(path)
        expect(status == 200, f"GET {path} answered {status}")
        return body

    def submit(self, path: str, form: dict, *, token_from: str) -> str:
        """POST ``form`` with the CSRF token of page ``token_from``; returns where it redirects to."""
        match = CSRF.search(self.page(token_from))
        expect(match is not None, f"no CSRF token on {token_from}")
        status, location, body = self.request(path, {"csrf_token": match.group(1), **form})
        expect(status in (302, 303), f"POST {path} answered {status}, not a redirect:\n{body[:2000]}")
        return urllib.parse.urlsplit(location).path


def expect(condition: bool, failure: str) -> None:
    if not condition:
        sys.exit(f"wheel-check FAILED: {failure}")


def ok(message: str) -> None:
    print(f"  ok  {message}")


def wait_until_up(site: Site, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            site.request("/login")
            return
        except OSError:
            expect(time.monotonic() < deadline, f"no server on {site.base} after {seconds}s")
            time.sleep(0.5)


def main(base: str, username: str, password: str) -> None:
    site = Site(base)
    wait_until_up(site)

    login = site.page("/login")
    expect('<html lang="zh-CN">' in login and "登录" in login, "/login is not the Chinese sign-in page")
    ok("GET /login: the Chinese sign-in page (templates are installed)")
    for asset in ("/static/css/registry.css", "/static/img/favicon.svg"):
        status, _location, _body = site.request(asset)
        expect(status == 200, f"GET {asset} answered {status}")
    ok("GET /static/css/registry.css and /static/img/favicon.svg: 200 (static files are installed)")

    target = site.submit("/login", {"username": username, "password": password}, token_from="/login")
    expect(target != "/login", "signing in with the one-time password failed")
    status, location, _body = site.request("/enterprises/")
    expect(status == 302 and location.endswith("/account/password"), "a one-time password was not replaced")
    new = "Wheel-" + secrets.token_urlsafe(18)
    target = site.submit(
        "/account/password",
        {"current": password, "new": new, "confirm": new},
        token_from="/account/password",
    )
    expect(target == "/", f"changing the one-time password led to {target!r}")
    ok(f"signed in as {username} and replaced the one-time password")

    chinese = site.page("/enterprises/")
    expect('<html lang="zh-CN">' in chinese, "the enterprise list is not in Chinese")
    expect("企业" in chinese and "退出" in chinese, "the Chinese enterprise list lacks its menu texts")
    firms = len(set(re.findall(r'href="/enterprises/(\d+)"', chinese)))
    expect(firms > 0, "the enterprise list shows no firm: the demo data is missing")
    ok(f"GET /enterprises/ in Chinese: {firms} demo firms listed")

    target = site.submit("/language/en", {"next": "/enterprises/"}, token_from="/enterprises/")
    expect(target == "/enterprises/", f"the language switch led to {target!r}")
    english = site.page("/enterprises/")
    expect('<html lang="en">' in english, "after switching to English the page is not in English")
    for text in ("Enterprises", "Sign out", "Home"):
        expect(
            text in english, f"{text!r} is not on the English page: the compiled English catalog is missing"
        )
    expect("退出" not in english, "the English page still shows the Chinese 退出 (sign out)")
    ok("POST /language/en, then GET /enterprises/ in English: 'Enterprises', 'Sign out', 'Home' shown")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
