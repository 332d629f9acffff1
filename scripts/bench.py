"""``make bench``: the registry at province scale (100,000 firms), measured through the real app.

Builds the database once (cached in .bench/), then times each operation through the WSGI app (routing,
sessions, templates and all) and prints one table: median and p95 in milliseconds and the SQL statements
each request issued. Runs against PostgreSQL too when REGISTRY_BENCH_DATABASE_URL is set.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import statistics
import sys
import threading
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry import create_app  # noqa: E402
from registry.extensions import db  # noqa: E402

FIRMS = int(os.environ.get("BENCH_ENTERPRISES", "100000"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
DEEP_PAGE = min(1000, FIRMS // 40)  # page 1000 at 100,000 firms


def database_url() -> str:
    url = os.environ.get("REGISTRY_BENCH_DATABASE_URL")
    if url:
        return url
    folder = ROOT / ".bench"
    folder.mkdir(exist_ok=True)
    return f"sqlite:///{folder / f'registry-{FIRMS}.sqlite3'}"


def build(app) -> None:
    from flask_migrate import upgrade

    from registry.auth.services import create_user
    from registry.models import Enterprise, User
    from registry.synth import generate

    with app.app_context():
        upgrade()
        if not db.session.scalar(select(func.count()).select_from(Enterprise)):
            print(f"Building the {FIRMS:,}-firm database once …", flush=True)
            generate(FIRMS, 2026)
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE"))  # planner statistics after the bulk load
                db.session.commit()
        user = db.session.scalar(select(User).where(User.username == "bench"))
        secret = password_path(str(db.engine.url))
        if user is None:
            _, password = create_user("bench", ["admin"])
            secret.write_text(password)
        elif not secret.exists():  # a database built elsewhere: give the bench user a password we know
            password = secrets.token_urlsafe(16)
            user.set_password(password)
            user.must_change_password = False
            db.session.commit()
            secret.write_text(password)


def password_path(url: str) -> Path:
    """Where the bench user's password for the database at ``url`` is kept (one file per database)."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return ROOT / ".bench" / f"password-{digest}"


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


def measure(client, counter, path, runs=RUNS):
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


def main() -> int:
    url = database_url()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    (ROOT / ".bench").mkdir(exist_ok=True)
    build(app)
    with app.app_context():
        password = password_path(str(db.engine.url)).read_text().strip()
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": password})
    with app.app_context():
        engine = db.engine
        from registry.models import Certification, Enterprise

        busiest = db.session.execute(
            select(Certification.enterprise_id, func.count())
            .group_by(Certification.enterprise_id)
            .order_by(func.count().desc())
            .limit(1)
        ).first()[0]
        some_name = db.session.scalar(
            select(Enterprise.name)
            .where(Enterprise.id >= min(4242, FIRMS // 2))
            .order_by(Enterprise.id)
            .limit(1)
        )
    counter = Counter()
    event.listen(engine, "before_cursor_execute", counter)
    year = "preset=custom&start=2021-01-01&end=2021-12-31"
    seven = "preset=months&year=2021&months=7"
    operations = [
        ("enterprise list, first page", "/enterprises/"),
        (f"enterprise list, page {DEEP_PAGE}", None),
        ("list, filter town+industry", "/enterprises/?town=5&industry=C"),
        ("list, filter tag+founder", "/enterprises/?tag=cloud&founder_group=veteran"),
        ("list, filter cert held", "/enterprises/?certification=high_tech&legal_form=company"),
        *[
            (f"list, sorted by {s}", f"/enterprises/?sort={s}")
            for s in (
                "name",
                "-uscc",
                "established_on",
                "-employees",
                "registered_capital_wan",
                "-high_value_ip_count",
                "-updated_at",
            )
        ],
        ("quick search, simplified", "/enterprises/?q=" + some_name[2:6]),
        (
            "quick search, traditional",
            "/enterprises/?q="
            + some_name[2:6].translate(
                str.maketrans(
                    "业发东宁达兴汇联华丰润众诚远凯长锦农电医装备能环检测软",
                    "業發東寧達興匯聯華豐潤眾誠遠凱長錦農電醫裝備能環檢測軟",
                )
            ),
        ),
        ("enterprise detail (busiest)", f"/enterprises/{busiest}"),
        ("certification list", "/certifications/"),
        ("outreach list", "/outreach/"),
        ("pledge-loan list", "/pledge-loans/"),
        ("listing-candidate list", "/listing-candidates/"),
        ("trainings list", "/trainings/"),
        ("summary, a year", f"/reports/?{year}"),
        ("summary, seven months", f"/reports/?{seven}"),
        ("summary API, a year", "/api/v1/summary?start=2021-01-01&end=2021-12-31"),
        ("drill-down page", f"/reports/drill/tech_sme.valid?{year}"),
    ]
    rows = []
    for label, path in operations:
        if (
            path is None
        ):  # a deep page of 20 rows: the key of the row before it in name order, as "next" would
            from registry.paging import encode_cursor

            with app.app_context():
                row = db.session.execute(
                    select(Enterprise.name, Enterprise.id)
                    .where(Enterprise.archived_at.is_(None))
                    .order_by(Enterprise.name, Enterprise.id)
                    .offset((DEEP_PAGE - 1) * 20 - 1)
                    .limit(1)
                ).one()
            path = "/enterprises/?after=" + encode_cursor(row.name, row.id)
        median, p95, statements = measure(client, counter, path)
        rows.append((label, median, p95, statements))
        print(f"  {label:<34}{median:>9.1f}{p95:>9.1f}{statements:>6}", flush=True)

    # The summary's SQL alone, without the app around it: the year's figures (what the API runs), and those
    # with the year before's and the chart aggregates (what the page runs).
    from registry.reports import indicators as ind
    from registry.reports.periods import resolve
    from registry.reports.service import chart_data

    with app.test_request_context():
        all_ind = ind.all_indicators()
        period = resolve({"preset": "custom", "start": "2021-01-01", "end": "2021-12-31"})
        raw, raw_page = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            ind.values(all_ind, date(2021, 1, 1), date(2021, 12, 31))
            middle = time.perf_counter()
            ind.values(all_ind, date(2020, 1, 1), date(2020, 12, 31))
            chart_data(period)
            raw.append((middle - started) * 1000)
            raw_page.append((time.perf_counter() - started) * 1000)
        raw_median, raw_page_median = statistics.median(raw), statistics.median(raw_page)

    exports = []
    for fmt in ("csv", "xlsx"):
        with RssPeak() as memory:
            started = time.perf_counter()
            response = client.get(f"/enterprises/export.{fmt}")
            size = sum(len(chunk) for chunk in response.response)  # streamed, as a server sends it
            seconds = time.perf_counter() - started
            response.close()
        exports.append((fmt, seconds, memory.peak, memory.before, size))

    imported = bench_import(app) if IMPORT_ROWS else None

    print()
    print(f"Database: {url.split('://')[0]}, {FIRMS:,} firms. Times in ms over {RUNS} runs.")
    print(f"{'operation':<36}{'median':>9}{'p95':>9}{'SQL':>6}")
    for label, median, p95, statements in rows:
        print(f"{label:<36}{median:>9.1f}{p95:>9.1f}{statements:>6}")
    api = next(r for r in rows if r[0] == "summary API, a year")
    page = next(r for r in rows if r[0] == "summary, a year")
    print(f"{'summary SQL alone, a year (API)':<36}{raw_median:>9.1f}")
    print(f"{'  … two years and charts (page)':<36}{raw_page_median:>9.1f}")
    print(f"{'ratio app / raw SQL, summary API':<36}{api[1] / raw_median:>9.2f}")
    print(f"{'ratio app / raw SQL, summary page':<36}{page[1] / raw_page_median:>9.2f}")
    for fmt, seconds, peak, before, size in exports:
        print(
            f"{f'export {fmt.upper()}, all firms':<36}{seconds * 1000:>9.0f} ms, "
            f"peak RSS {peak:.0f} MB (process, {before:.0f} MB before), {size / 1e6:.1f} MB file"
        )
    if imported:
        print(
            f"{f'import {IMPORT_ROWS:,} rows (flask import)':<36}{imported[0]:>9.1f} s, peak RSS {imported[1]:.0f} MB"
        )
    return 0


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


if __name__ == "__main__":
    sys.exit(main())
