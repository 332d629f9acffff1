"""The HTTP side of ``make bench``: gunicorn servers, a signed-in client, the raw SQL of a page, a load loop.

Both the registry and the peer (scripts/peer_admin.py) run under gunicorn with one sync worker each, on
127.0.0.1, and are timed by the same client loop (a new connection a request, as gunicorn's sync worker
closes each one). The raw SQL of a page is the SELECTs the page issues, captured once in-process and replayed
on a bare DBAPI connection of the same database: the time the database alone needs for that page.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app: str, env: dict[str, str]):
    """Serve ``app`` (a gunicorn app spec) with one sync worker on a free port; yields the port."""
    port = free_port()
    log = open(ROOT / ".bench" / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            "1",
            "--timeout",
            "600",
            "--bind",
            f"127.0.0.1:{port}",
            app,
        ],
        cwd=ROOT,
        env=dict(os.environ, **env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn {app} did not start; see {log.name}") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:  # a worker still inside a long request
            process.kill()
            process.wait()
        log.close()


class Client:
    """A minimal HTTP client with a cookie: one connection a request, the whole body read."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = {"Accept-Language": "zh-CN"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, payload, dict(response.getheaders())

    def get(self, path: str) -> float:
        """Milliseconds to fetch ``path`` (status 200 required)."""
        started = time.perf_counter()
        status, _payload, _headers = self.request("GET", path)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"GET {path} on port {self.port}: {status}")
        return elapsed

    def sign_in(self, username: str, password: str) -> None:
        _status, page, _headers = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        form = {"username": username, "password": password}
        if token:
            form["csrf_token"] = token.group(1).decode()
        status, _page, _headers = self.request("POST", "/login", form)
        if status != 302:
            raise SystemExit(f"sign-in failed on port {self.port}: {status}")


def throughput(
    port: int, path: str, cookies: dict[str, str], seconds: float = 8.0, clients: int = 2
) -> float:
    """Pages per second the server on ``port`` answers for ``path`` while ``clients`` threads keep asking
    (two, so the single worker never waits for the next request)."""
    done = [0] * clients
    stop = time.monotonic() + seconds

    def loop(slot: int) -> None:
        client = Client(port)
        client.cookies = dict(cookies)
        while time.monotonic() < stop:
            client.get(path)
            done[slot] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


class RawSql:
    """The SELECTs a page issues, replayed on a bare DBAPI connection."""

    def __init__(self, engine):
        self.engine = engine
        self.connection = engine.raw_connection()

    def capture(self, client, path: str) -> list[tuple[str, object]]:
        """The page's SELECT statements and their parameters, as it issues them (fetched in-process)."""
        from sqlalchemy import event

        seen: list[tuple[str, object]] = []

        def record(_conn, _cursor, statement, parameters, _context, _many):
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                seen.append((statement, parameters))

        event.listen(self.engine, "before_cursor_execute", record)
        try:
            response = client.get(path)
            response.get_data()
        finally:
            event.remove(self.engine, "before_cursor_execute", record)
        assert response.status_code == 200, (path, response.status_code)
        return seen

    def time(self, statements: list[tuple[str, object]]) -> float:
        """Milliseconds to run the statements and fetch every row."""
        started = time.perf_counter()
        cursor = self.connection.cursor()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            cursor.fetchall()
        cursor.close()
        self.connection.rollback()
        return (time.perf_counter() - started) * 1000

    def write(self, what: str) -> None:
        """A write elsewhere, so the summary's kept values no longer all serve: ``any`` is raw SQL (it does
        not say what it changed: every value is read afresh); ``certification`` sets one certification's
        approval date through the app's engine (the values that read certifications are read again)."""
        from sqlalchemy import select, text, update

        from registry.models import Certification

        with self.engine.begin() as connection:
            if what == "any":
                connection.execute(text("UPDATE data_version SET counter = counter + 1 WHERE id = 1"))
                return
            first = connection.scalar(select(Certification.id).order_by(Certification.id).limit(1))
            connection.execute(
                update(Certification)
                .where(Certification.id == first)
                .values(approved_on=Certification.approved_on)
            )

    def close(self) -> None:
        self.connection.close()
