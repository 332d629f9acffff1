"""``make bench``: the registry at province scale (100,000 firms; BENCH_ENTERPRISES=1000000 for a million).

Builds the database once (cached in .bench/), serves it with gunicorn (one sync worker) beside the peer — a
plain Flask-Admin list over the same database (scripts/peer_admin.py, one worker too) — and times each page
over HTTP with the same client, the runs interleaved: registry, peer, then the raw SQL of the registry's page
(its SELECTs replayed on a bare connection, scripts/bench_http.py). Absolute times on a shared 2-core machine
are noisy; the ratios, taken within one run, are what to judge. Each row is marked against its target.
Then the throughput of one worker on the list, and the other pages, the exports and the import measured
in-process. Runs against PostgreSQL when REGISTRY_BENCH_DATABASE_URL is set.
"""

from __future__ import annotations

import faulthandler
import hashlib
import os
import secrets
import signal
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry import create_app  # noqa: E402
from registry.extensions import db  # noqa: E402
from scripts.bench_http import Client, RawSql, gunicorn, throughput  # noqa: E402

FIRMS = int(os.environ.get("BENCH_ENTERPRISES", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
PEER = os.environ.get("BENCH_PEER", "1") != "0"
OTHER = os.environ.get("BENCH_OTHER", "1") != "0"
DEEP_PAGE = min(1000, FIRMS // 40)  # page 1000 at 100,000 firms
MILLION = FIRMS >= 1_000_000
SCALE = 1.5 if MILLION else 1.0  # at a million firms the list, filter and search targets allow 1.5×
SUMMARY_MS = 600 if MILLION else 100
PAGES_PER_SECOND = 100


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
                # Planner statistics and the visibility map after the bulk load (autovacuum would do it a
                # little later): index-only reads need the map, else they visit the table's pages.
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(text("VACUUM ANALYZE"))
        user = db.session.scalar(select(User).where(User.username == "bench"))
        secret = password_path(str(db.engine.url))
        if user is None:
            create_user("bench", ["admin"])
            user = db.session.scalar(select(User).where(User.username == "bench"))
        if user.must_change_password or not secret.exists():  # a password we know, in force
            password = secrets.token_urlsafe(16)
            user.set_password(password)
            user.must_change_password = False
            db.session.commit()
            secret.write_text(password)


def password_path(url: str) -> Path:
    """Where the bench user's password for the database at ``url`` is kept (one file per database)."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return ROOT / ".bench" / f"password-{digest}"


def pages(app) -> list[dict]:
    """The measured pages: the registry's path, the peer's, the targets (ms, and ratio to raw SQL)."""
    from registry.models import Certification, Enterprise, Town
    from registry.paging import encode_cursor

    with app.app_context():
        busiest = db.session.execute(
            select(Certification.enterprise_id, func.count())
            .group_by(Certification.enterprise_id)
            .order_by(func.count().desc())
            .limit(1)
        ).first()[0]
        rare = db.session.scalar(
            select(Enterprise.name)
            .where(Enterprise.id >= min(4242, FIRMS // 2))
            .order_by(Enterprise.id)
            .limit(1)
        )[2:6]
        town = db.session.execute(select(Town.id, Town.name).order_by(Town.id).limit(1)).one()
        row = db.session.execute(  # the row before the deep page in name order, as "next" would carry it
            select(Enterprise.name, Enterprise.id)
            .where(Enterprise.archived_at.is_(None))
            .order_by(Enterprise.name, Enterprise.id)
            .offset((DEEP_PAGE - 1) * 20 - 1)
            .limit(1)
        ).one()
    deep = encode_cursor(row.name, row.id)
    peer = "/admin/enterprise/"
    year = "preset=custom&start=2021-01-01&end=2021-12-31"
    two = "科技"

    def page(label, path, peer_path=None, ms=None, ratio=None, after_write=None):
        return {
            "label": label,
            "path": path,
            "peer": peer_path,
            "ms": ms,
            "ratio": ratio,
            "fresh": after_write,
        }

    return [
        page("list, first page", "/enterprises/", peer, 10 * SCALE, 4),
        page(
            f"list, page {DEEP_PAGE}",
            f"/enterprises/?after={deep}",
            f"{peer}?page={DEEP_PAGE - 1}",
            10 * SCALE,
            4,
        ),
        page(
            "list, filtered by town",
            f"/enterprises/?town={town.id}",
            f"{peer}?flt0_2={town.name}",
            20 * SCALE,
        ),
        page(f"search page, {two}", f"/enterprises/?q={two}", f"{peer}?search={two}", 25 * SCALE),
        page(f"search page, rare {rare}", f"/enterprises/?q={rare}", f"{peer}?search={rare}", 25 * SCALE),
        page("API list", "/api/v1/enterprises", None, 10 * SCALE),
        page(f"API search, {two}", f"/api/v1/enterprises?q={two}", None, 15 * SCALE),
        page(f"API search, rare {rare}", f"/api/v1/enterprises?q={rare}", None, 15 * SCALE),
        # Kept values while nothing is written (the usual case: a writer reads, drills, comes back) …
        page("summary of a year", f"/reports/?{year}", None, SUMMARY_MS, 1.1),
        # … those that read certifications read again after a certification's approval date is set …
        page(
            "summary, a cert. changed",
            f"/reports/?{year}",
            None,
            SUMMARY_MS,
            1.1,
            after_write="certification",
        ),
        # … and all read afresh, as after a write that does not say what it changed (raw SQL).
        page("summary, all afresh", f"/reports/?{year}", None, SUMMARY_MS, 1.1, after_write="any"),
        page("firm page (busiest)", f"/enterprises/{busiest}", f"{peer}details/?id={busiest}", 8),
    ]


def quoted(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/?&=%")


def measure_pages(app, url: str, password: str) -> tuple[list[dict], dict]:
    rows = pages(app)
    inproc = app.test_client()
    inproc.post("/login", data={"username": "bench", "password": password})
    with app.app_context():
        raw = RawSql(db.engine)
        for row in rows:
            # Each page's own statements, read afresh (for the summary: the statements of reading its values,
            # which the kept summary is compared with too). The session ends first: the in-process client
            # shares this app context, and an open read would keep an earlier snapshot.
            db.session.remove()
            if row["path"].startswith("/reports/"):
                raw.write(row["fresh"] or "any")
            row["sql"] = raw.capture(inproc, row["path"])
    env = {"REGISTRY_DATABASE_URL": url, "REGISTRY_SECRET_KEY": "bench", "PEER_DATABASE_URL": url}
    with gunicorn("registry:create_app()", env) as port, peer_server(env) as peer_port:
        registry = Client(port)
        registry.sign_in("bench", password)
        peer = Client(peer_port) if peer_port else None
        for row in rows:  # one untimed fetch each: caches warm alike for all three
            print(f"  warming {row['label']}", flush=True)
            if row["fresh"]:
                raw.write(row["fresh"])
            registry.get(quoted(row["path"]))
            if peer and row["peer"]:
                peer.get(quoted(row["peer"]))
            raw.time(row["sql"])
        times = {id(row): ([], [], []) for row in rows}
        for run in range(RUNS):
            print(f"  run {run + 1}/{RUNS}", flush=True)
            for row in rows:
                ours, theirs, floor = times[id(row)]
                if row["fresh"]:
                    raw.write(row["fresh"])
                ours.append(registry.get(quoted(row["path"])))
                if peer and row["peer"]:
                    theirs.append(peer.get(quoted(row["peer"])))
                floor.append(raw.time(row["sql"]))
        for row in rows:
            ours, theirs, floor = times[id(row)]
            row["median"] = statistics.median(ours)
            row["raw"] = statistics.median(floor)
            row["peer_median"] = statistics.median(theirs) if theirs else None
        rate = {"registry": throughput(port, "/enterprises/", registry.cookies)}
        if peer:
            rate["peer"] = throughput(peer_port, "/admin/enterprise/", {})
    raw.close()
    return rows, rate


def peer_server(env):
    from contextlib import nullcontext

    if not PEER:
        return nullcontext(None)
    return gunicorn("scripts.peer_admin:create_app()", env)


def verdict(row) -> str:
    met = row["median"] <= row["ms"] and (row["ratio"] is None or row["median"] / row["raw"] <= row["ratio"])
    return "met" if met else "NOT MET"


def target_text(row) -> str:
    ratio = f", ≤{row['ratio']:g}× raw" if row["ratio"] else ""
    return f"≤{row['ms']:g} ms{ratio}"


def cell(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (a Chinese character takes two)."""
    from unicodedata import east_asian_width

    wide = sum(east_asian_width(c) in "WF" for c in text)
    return text + " " * max(0, width - len(text) - wide)


def print_table(url: str, rows: list[dict], rate: dict) -> None:
    from scripts.bench_extra import sqlite_version

    print()
    database = url.split("://")[0].split("+")[0]
    version = f" {sqlite_version()}" if database == "sqlite" else ""
    print(
        f"Database: {database}{version}, {FIRMS:,} firms. Medians in ms over {RUNS} interleaved runs, over HTTP "
        "(gunicorn, 1 sync worker each); raw = the page's own SELECTs on a bare connection."
    )
    header = (
        f"{'page':<28}{'registry':>9}{'raw SQL':>9}{'reg/raw':>8}{'SQL':>5}{'peer':>9}{'reg/peer':>9}  target"
    )
    print(header)
    print("-" * (len(header) + 28))
    for row in rows:
        peer = (
            f"{row['peer_median']:>9.1f}{row['median'] / row['peer_median']:>9.2f}"
            if row["peer_median"]
            else f"{'—':>9}{'—':>9}"
        )
        print(
            f"{cell(row['label'], 28)}{row['median']:>9.1f}{row['raw']:>9.1f}{row['median'] / row['raw']:>8.2f}"
            f"{len(row['sql']):>5}{peer}  {target_text(row):<22}{verdict(row)}"
        )
    ours = rate["registry"]
    peer = f"{rate['peer']:>9.0f}{ours / rate['peer']:>9.2f}" if "peer" in rate else f"{'—':>9}{'—':>9}"
    met = "met" if ours >= PAGES_PER_SECOND else "NOT MET"
    print(
        f"{'list pages/s, 1 worker':<28}{ours:>9.0f}{'':>9}{'':>8}{'':>5}{peer}  {f'≥{PAGES_PER_SECOND}/s':<22}{met}"
    )


def main() -> int:
    faulthandler.register(signal.SIGUSR1)  # kill -USR1 shows where a slow run is
    from scripts.bench_extra import other_pages

    url = database_url()
    (ROOT / ".bench").mkdir(exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    build(app)
    if PEER:
        ensure_peer_installed()
    with app.app_context():
        password = password_path(str(db.engine.url)).read_text().strip()
    started = time.perf_counter()
    rows, rate = measure_pages(app, url, password)
    print_table(url, rows, rate)
    if OTHER:
        other_pages(app, password, FIRMS, RUNS)
    print(f"(measured in {time.perf_counter() - started:.0f} s)")
    return 0


def ensure_peer_installed() -> None:
    try:
        import flask_admin  # noqa: F401
    except ImportError:
        import subprocess

        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[peer]"], check=True)


if __name__ == "__main__":
    sys.exit(main())
