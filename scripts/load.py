"""``make load``: the list and summary pages under gunicorn (4 workers) on the 100,000-firm database.

Builds the bench database if needed (as ``make bench`` does), starts gunicorn on 127.0.0.1 only, signs in
once through the login form, then for each page keeps CONNECTIONS keep-alive connections busy for SECONDS
and prints requests per second, p50 and p99 latency and the errors (any status but 200, or a failed
connection). Bounded: LOAD_SECONDS (default 30) per page, LOAD_CONNECTIONS (default 32).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "scripts"))

SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "32"))
WORKERS = 4
PAGES = [
    ("enterprise list", "/enterprises/"),
    ("summary, a year", "/reports/?preset=custom&start=2021-01-01&end=2021-12-31"),
]
USER_AGENT = "registry-load/1"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> tuple[str, str]:
    """The bench database (built once) and the bench user's password."""
    from bench import build, database_url, password_path

    from registry import create_app
    from registry.extensions import db

    url = database_url()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load"})
    build(app)
    with app.app_context():
        return url, password_path(str(db.engine.url)).read_text().strip()


def sign_in(port: int, password: str) -> str:
    """Sign in through the form (CSRF token and all); returns the Cookie header to send."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login", headers={"User-Agent": USER_AGENT})
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "username": "bench", "password": password})
    connection.request(
        "POST",
        "/login",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "User-Agent": USER_AGENT,
        },
    )
    response = connection.getresponse()
    response.read()
    signed_in = response.getheader("Set-Cookie", "").split(";")[0]
    if response.status != 302 or not signed_in:
        raise SystemExit(f"sign-in failed: {response.status}")
    connection.close()
    return signed_in


def hammer(port: int, cookie: str, path: str, seconds: float) -> tuple[list[float], int]:
    """CONNECTIONS threads, each with one keep-alive connection, requesting ``path`` until time is up."""
    timings: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    headers = {"Cookie": cookie, "User-Agent": USER_AGENT, "Connection": "keep-alive"}

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()  # reconnects on the next request
            if ok:
                mine.append((time.perf_counter() - started) * 1000)
            else:
                failed += 1
        connection.close()
        with lock:
            timings.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors[0]


def main() -> int:
    url, password = prepare()
    port = free_port()
    env = os.environ | {"REGISTRY_DATABASE_URL": url, "REGISTRY_SECRET_KEY": secrets.token_hex(32)}
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "registry:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(150):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/login")
                probe.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        cookie = sign_in(port, password)
        results = []
        for label, path in PAGES:
            hammer(port, cookie, path, min(3.0, SECONDS))  # warm every worker up
            started = time.perf_counter()
            timings, errors = hammer(port, cookie, path, SECONDS)
            elapsed = time.perf_counter() - started
            timings.sort()
            p99 = timings[max(0, int(len(timings) * 0.99) - 1)] if timings else float("nan")
            p50 = statistics.median(timings) if timings else float("nan")
            results.append((label, len(timings) / elapsed, p50, p99, errors, len(timings)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print()
    print(
        f"gunicorn, {WORKERS} workers, 127.0.0.1; {CONNECTIONS} keep-alive connections, "
        f"{SECONDS:.0f} s per page; database: {url.split('://')[0]}"
    )
    print(f"{'page':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'requests':>10}")
    for label, rate, p50, p99, errors, count in results:
        print(f"{label:<22}{rate:>9.1f}{p50:>9.1f}{p99:>9.1f}{errors:>8}{count:>10}")
    return 1 if any(r[4] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
