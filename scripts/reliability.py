"""No lost writes under load, and no half-written import after a worker is killed (``make reliability``).

Starts the app under gunicorn with 4 workers on a fresh SQLite database on 127.0.0.1, then:
1. 20 concurrent clients each make 50 optimistic-locked writes (PATCH with the version they read) to the
   same few records. Every write must end committed (200, and in the change log) or refused (409).
2. Starts an import through the web pages (its preview and its commit are jobs, run by the workers' consumer
   threads on the SQLite queue) and kills the worker running the commit with SIGKILL; the database must be
   exactly as before the import, and the job's page must say it failed (its heartbeat stopped), not "running".
Prints the figures; exits non-zero when any 5xx, lost write or half-written import is seen.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLIENTS, WRITES, SHARED = 20, 50, 5
IMPORT_ROWS = 6000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env, *args) -> str:
    out = subprocess.run(
        [str(BIN / "flask"), "--app", "registry", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    lines = out.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def call(method, url, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, {"raw": text.decode(errors="replace")[:200]}


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="registry-reliability-"))
    database = work / "registry.sqlite3"
    env = os.environ | {
        "REGISTRY_DATABASE_URL": f"sqlite:///{database}",
        "REGISTRY_SECRET_KEY": "reliability",
        "REGISTRY_INSTANCE_PATH": str(
            work / "instance"
        ),  # the job queue and uploads, apart from the checkout's
        "REGISTRY_JOBS_STALE_SECONDS": "5",
    }
    flask(env, "db", "upgrade")
    flask(env, "users", "create", "loader", "--role", "admin")
    password = flask(env, "users", "create", "clerk", "--role", "science_bureau")
    token = flask(env, "users", "token", "loader")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "registry:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        figures = load_test(base, token)
        kill = kill_during_import(base, server, database, password)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    locked = server.stderr.read().decode(errors="replace").count("database is locked")
    logged = (
        sqlite3.connect(database)
        .execute("SELECT count(*) FROM change_log WHERE object_type = 'enterprise' AND action = 'update'")
        .fetchone()[0]
    )
    lost = figures["committed"] - logged
    print()
    print(f"{'requests sent':<28}{figures['sent']:>8}")
    print(f"{'committed (200)':<28}{figures['committed']:>8}")
    print(f"{'refused, stale (409)':<28}{figures['refused']:>8}")
    print(f"{'5xx':<28}{figures['5xx']:>8}")
    print(f"{'other':<28}{figures['other']:>8}")
    print(f"{'lost (200 without log)':<28}{lost:>8}")
    print(f"{'duplicate versions':<28}{figures['duplicates']:>8}")
    print(f"{'database is locked':<28}{locked:>8}")
    print(
        f"{'import killed: rows kept':<28}{kill['kept']:>8}   (before {kill['before']}, after {kill['after']}; "
        f"{kill['killed']} worker killed at {kill['done']} rows done)"
    )
    print(f"{'killed job then shows':<28}{kill['state']:>8}   ({kill['error']}; after {kill['seen']:.1f} s)")
    print(f"{'wall time, load (s)':<28}{figures['seconds']:>8.1f}")
    ok = (
        figures["5xx"] == 0
        and lost == 0
        and figures["other"] == 0
        and locked == 0
        and kill["kept"] == 0
        and kill["killed"] > 0
        and kill["state"] == "failed"
        and figures["duplicates"] == 0
    )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def load_test(base: str, token: str) -> dict:
    ids = []
    towns = call("POST", base + "/api/v1/towns", token, {"code": "load", "name": "压力测试镇"})[1]
    for n in range(SHARED):
        status, body = call(
            "POST",
            base + "/api/v1/enterprises",
            token,
            {"name": f"共享记录{n}", "legal_form": "team", "town_id": towns["id"]},
        )
        assert status == 201, body
        ids.append(body["id"])
    counts = {"sent": 0, "committed": 0, "refused": 0, "5xx": 0, "other": 0}
    versions: dict[int, list[int]] = {i: [] for i in ids}
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(WRITES):
            record_id = rng.choice(ids)
            _status, current = call("GET", f"{base}/api/v1/enterprises/{record_id}", token)
            status, body = call(
                "PATCH",
                f"{base}/api/v1/enterprises/{record_id}",
                token,
                {"version": current["version"], "employees": rng.randrange(1, 10_000)},
            )
            with lock:
                counts["sent"] += 1
                if status == 200:
                    counts["committed"] += 1
                    versions[record_id].append(body["version"])
                elif status == 409:
                    counts["refused"] += 1
                elif status >= 500:
                    counts["5xx"] += 1
                else:
                    counts["other"] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts["seconds"] = time.perf_counter() - started
    counts["duplicates"] = sum(len(v) - len(set(v)) for v in versions.values())
    return counts


def kill_during_import(base: str, server: subprocess.Popen, database: Path, password: str) -> dict:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def csrf(page: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    login = opener.open(base + "/login").read().decode()
    opener.open(
        base + "/login",
        data=urllib.parse.urlencode(
            {"username": "clerk", "password": password, "csrf_token": csrf(login)}
        ).encode(),
    )
    # A new account's password is one-time: the clerk sets their own first.
    change = opener.open(base + "/account/password").read().decode()
    new = "a long passphrase of the science bureau"
    changed = opener.open(
        base + "/account/password",
        data=urllib.parse.urlencode(
            {"current": password, "new": new, "confirm": new, "csrf_token": csrf(change)}
        ).encode(),
    )
    if changed.url.endswith("/account/password"):  # still on the form: the change was refused
        sys.exit(
            "the clerk's password change was refused:\n" + re.sub(r"<[^>]+>", " ", changed.read().decode())
        )
    before = count(database)
    rows = "\n".join(f"导入中企业{n},,创业团队(未注册),压力测试镇" for n in range(IMPORT_ROWS))
    content = ("企业名称,统一社会信用代码,主体类型,所在镇街\n" + rows + "\n").encode()
    page = opener.open(base + "/imports/").read().decode()
    boundary = "----registry" + str(random.randrange(10**9))
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf(page)}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nenterprises\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="企业.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n".encode(),
            content,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    answer = opener.open(
        urllib.request.Request(
            base + "/imports/",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        ),
        timeout=60,
    )
    preview_job = job_of(answer.url)
    wait_for(opener, base, preview_job, lambda s: s["finished"], 900)
    preview = opener.open(f"{base}/jobs/{preview_job}").read().decode()
    found = re.search(r"/imports/([\w-]+)/confirm", preview)
    if found is None:  # the preview refused the file: say why instead of failing later
        sys.exit("the import preview offered no confirm:\n" + re.sub(r"<[^>]+>", " ", preview)[-3000:])
    token = found.group(1)
    answer = opener.open(
        base + f"/imports/{token}/confirm",
        data=urllib.parse.urlencode({"csrf_token": csrf(preview), "token": token}).encode(),
        timeout=60,
    )
    commit_job = job_of(answer.url)
    # The import is now writing inside its one transaction: kill the worker process running it.
    running = wait_for(opener, base, commit_job, lambda s: s["state"] == "running" and s["done"] > 0, 300)
    killed = [job_worker(database, commit_job)]
    for worker in killed:
        os.kill(worker, signal.SIGKILL)
    started = time.perf_counter()
    final = wait_for(opener, base, commit_job, lambda s: s["finished"], 120)
    after = count(database)
    return {
        "before": before,
        "after": after,
        "kept": after - before,
        "killed": len(killed),
        "done": running["done"],
        "state": final["state"],
        "error": (final["error"] or "")[:40],
        "seen": time.perf_counter() - started,
    }


def job_of(url: str) -> int:
    found = re.search(r"/jobs/(\d+)$", url)
    if found is None:
        sys.exit(f"expected the job's page, got {url}")
    return int(found.group(1))


def wait_for(opener, base: str, job: int, test, seconds: float) -> dict:
    """Poll the job's status (any worker answers) until ``test`` holds."""
    deadline = time.monotonic() + seconds
    status: dict = {}
    while time.monotonic() < deadline:
        try:
            status = json.loads(opener.open(f"{base}/jobs/{job}/status", timeout=30).read())
        except OSError:  # the worker that answered was the one just killed
            time.sleep(0.2)
            continue
        if test(status):
            return status
        time.sleep(0.1)
    sys.exit(f"job {job} did not get there in {seconds} s: {status}")


def job_worker(database: Path, job: int) -> int:
    """The process running the job, as its row says (host:pid); on SQLite the jobs table has a file of its own."""
    connection = sqlite3.connect(database.with_name(database.stem + "-jobs.sqlite3"), timeout=30)
    try:
        worker = connection.execute("SELECT worker FROM jobs WHERE id = ?", (job,)).fetchone()[0]
    finally:
        connection.close()
    return int(worker.rsplit(":", 1)[1])


def count(database: Path) -> int:
    connection = sqlite3.connect(database, timeout=30)
    try:
        return connection.execute("SELECT count(*) FROM enterprises").fetchone()[0]
    finally:
        connection.close()


if __name__ == "__main__":
    import urllib.parse

    sys.exit(main())
