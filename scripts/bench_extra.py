"""The second part of ``make bench``: the other pages through the app in-process (median, p95, statements),
the exports with their peak memory, and an import through ``flask import`` (BENCH_IMPORT_ROWS, 0 skips it).
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import threading
import time
from pathlib import Path

from sqlalchemy import event, select

from registry.extensions import db

IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
EXPORTS = os.environ.get("BENCH_EXPORTS", "1") != "0"


def sqlite_version() -> str:
    return sqlite3.sqlite_version


class RssPeak:
    """The process's peak resident memory (MB) while the block runs, sampled every 20 ms (Linux)."""

    def __enter__(self):
        self.before = self.peak = rss_mb()
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while self._running:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self._running = False
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Counter:
    def __init__(self):
        self.n = 0

    def __call__(self, *args):
        self.n += 1


def measure(client, counter, path, runs):
    timings, statements = [], []
    for _ in range(runs):
        counter.n = 0
        started = time.perf_counter()
        response = client.get(path)
        response.get_data()
        timings.append((time.perf_counter() - started) * 1000)
        statements.append(counter.n)
        assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)], max(statements)


def other_pages(app, password: str, firms: int, runs: int) -> None:
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": password})
    with app.app_context():
        engine = db.engine
    counter = Counter()
    event.listen(engine, "before_cursor_execute", counter)
    year = "preset=custom&start=2021-01-01&end=2021-12-31"
    operations = [
        ("list, filter town+industry", "/enterprises/?town=5&industry=C"),
        ("list, filter tag+founder", "/enterprises/?tag=cloud&founder_group=veteran"),
        ("list, filter cert held", "/enterprises/?certification=high_tech&legal_form=company"),
        *[
            (f"list, sorted by {s}", f"/enterprises/?sort={s}")
            for s in ("name", "-uscc", "established_on", "-employees", "-high_value_ip_count", "-updated_at")
        ],
        ("certification list", "/certifications/"),
        ("outreach list", "/outreach/"),
        ("listing-candidate list", "/listing-candidates/"),
        ("summary, seven months", "/reports/?preset=months&year=2021&months=7"),
        ("summary API, a year", "/api/v1/summary?start=2021-01-01&end=2021-12-31"),
        ("drill-down page", f"/reports/drill/tech_sme.valid?{year}"),
    ]
    print()
    print(f"Other pages, in-process (no HTTP), {runs} runs: ms")
    print(f"{'operation':<36}{'median':>9}{'p95':>9}{'SQL':>6}")
    for label, path in operations:
        median, p95, statements = measure(client, counter, path, runs)
        print(f"{label:<36}{median:>9.1f}{p95:>9.1f}{statements:>6}", flush=True)
    event.remove(engine, "before_cursor_execute", counter)

    if EXPORTS:
        for fmt in ("csv", "xlsx"):
            with RssPeak() as memory:
                started = time.perf_counter()
                response = client.get(f"/enterprises/export.{fmt}")
                size = sum(len(chunk) for chunk in response.response)  # streamed, as a server sends it
                seconds = time.perf_counter() - started
                response.close()
            print(
                f"{f'export {fmt.upper()}, all firms':<36}{seconds * 1000:>9.0f} ms, peak RSS {memory.peak:.0f} MB "
                f"(process, {memory.before:.0f} MB before), {size / 1e6:.1f} MB file",
                flush=True,
            )
    if IMPORT_ROWS:
        seconds, peak = bench_import(app)
        print(f"{f'import {IMPORT_ROWS:,} rows (flask import)':<36}{seconds:>9.1f} s, peak RSS {peak:.0f} MB")


def bench_import(app):
    """IMPORT_ROWS realistic firm rows through ``flask import`` into this database: a copy of it on SQLite
    (the rows are written and kept), the database itself on PostgreSQL (written, then rolled back)."""
    import shutil
    import tempfile

    from registry.models import Tag, Town
    from scripts.bench_import import run_import, write_file

    with app.app_context():
        towns = list(db.session.scalars(select(Town.name)))
        tags = list(db.session.scalars(select(Tag.code))) or [""]
        url = str(db.engine.url.render_as_string(hide_password=False))
        path = db.engine.url.database
        if url.startswith("sqlite"):
            db.session.remove()
            with db.engine.connect() as connection:  # fold the WAL into the file we copy
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as tmp:
        folder = Path(tmp)
        file = write_file(folder, "csv", towns, tags)
        if url.startswith("sqlite"):
            copy = folder / "copy.sqlite3"
            shutil.copyfile(path, copy)
            seconds, peak, summary = run_import(copy, file)
        else:
            seconds, peak, summary = run_import(url, file, dry_run=True)
    assert f"{IMPORT_ROWS} to create" in summary, summary
    return seconds, peak
