"""The web import of ``make bench-import`` as its jobs: a file uploaded through the pages, previewed and then
committed by a separate worker process (``flask --app registry worker``), as in production.

Prints, for the preview and for the commit: how long the request took to answer, the time until the job's
page first shows rows done, and the job's total time; then the worker's peak resident memory. The queue is a
SQLite file in a temporary folder unless BENCH_JOBS_URL names another (``redis://127.0.0.1:6379/9``).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _peak_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _job(response) -> int:
    found = re.search(r"/jobs/(\d+)$", response.headers.get("Location", ""))
    if response.status_code != 302 or found is None:
        raise SystemExit(
            f"expected the job's page, got {response.status_code}: {response.get_data(True)[:800]}"
        )
    return int(found.group(1))


def _follow(client, job: int, started: float) -> tuple[float, float, dict]:
    """Poll the job's status as its page does: seconds to the first rows done, seconds to the end."""
    first = None
    while True:
        status = client.get(f"/jobs/{job}/status").get_json()
        now = time.perf_counter() - started
        if first is None and status["done"] > 0:
            first = now
        if status["finished"]:
            return (first if first is not None else now), now, status
        time.sleep(0.05)


def bench(empty: Path, file: Path, folder: Path) -> None:
    database = folder / "jobs-target.sqlite3"
    shutil.copyfile(empty, database)
    queue = os.environ.get("BENCH_JOBS_URL") or f"sqlite:///{folder / 'queue.sqlite3'}"
    env = dict(
        os.environ,
        REGISTRY_DATABASE_URL=f"sqlite:///{database}",
        REGISTRY_SECRET_KEY="bench",
        REGISTRY_INSTANCE_PATH=str(folder / "instance"),
        REGISTRY_JOBS_URL=queue,
        REGISTRY_JOBS_EMBEDDED="0",  # the worker process alone runs the jobs
    )
    os.environ.update({k: env[k] for k in ("REGISTRY_INSTANCE_PATH", "REGISTRY_JOBS_URL")})
    from registry import create_app
    from registry.auth.services import create_user
    from registry.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": env["REGISTRY_DATABASE_URL"],
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "JOBS_EMBEDDED_WORKER": False,
        }
    )
    with app.app_context():
        _user, password = create_user("bench", ["science_bureau"])
        db.session.remove()
    worker = subprocess.Popen(
        [str(BIN / "flask"), "--app", "registry", "worker", "--threads", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": password})
        content = file.read_bytes()
        print(
            f"\nThe web import of the same {file.suffix[1:].upper()} file as jobs, run by `flask worker`",
            flush=True,
        )
        print(f"(queue {queue.split('://')[0]}):", flush=True)
        print(f"{'job':<10}{'answer s':>10}{'first progress s':>18}{'total s':>10}{'rows':>10}", flush=True)
        started = time.perf_counter()
        answer = client.post(
            "/imports/",
            data={"kind": "enterprises", "file": (io.BytesIO(content), file.name)},
            content_type="multipart/form-data",
        )
        answered = time.perf_counter() - started
        preview = _job(answer)
        first, total, status = _follow(client, preview, started)
        print(
            f"{'preview':<10}{answered:>10.2f}{first:>18.2f}{total:>10.1f}{status['done']:>10,}", flush=True
        )
        if status["state"] != "done":
            raise SystemExit(f"the preview ended {status['state']}: {status['error']}")
        page = client.get(f"/jobs/{preview}").get_data(as_text=True)
        token = re.search(r"/imports/([\w-]+)/confirm", page).group(1)
        started = time.perf_counter()
        answer = client.post(f"/imports/{token}/confirm", data={"token": token})
        answered = time.perf_counter() - started
        commit = _job(answer)
        first, total, status = _follow(client, commit, started)
        print(f"{'commit':<10}{answered:>10.2f}{first:>18.2f}{total:>10.1f}{status['done']:>10,}", flush=True)
        if status["state"] != "done":
            raise SystemExit(f"the commit ended {status['state']}: {status['error']}")
        print(f"worker peak memory: {_peak_mb(worker.pid):.0f} MB (VmHWM of the `flask worker` process)")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        with app.app_context():
            db.engine.dispose()
