"""Time the bulk import: 100,000 enterprise rows validated and written through ``flask import``.

    make bench-import          # BENCH_IMPORT_ROWS (default 100000), BENCH_IMPORT_FORMATS (default "csv xlsx")
                               # BENCH_IMPORT_JOBS=0 skips the web import's jobs (scripts/bench_jobs.py)

Each run imports a realistic file (every column filled, one firm in ten named in traditional script, some
USCCs in full-width digits) into a fresh copy of a migrated database that holds the towns and tags,
as a separate process, and prints its wall time and peak resident memory. When the province-scale database
of ``make bench`` exists (.bench/registry-100000.sqlite3), the same file is also imported into a copy of it.
More rows than one file may hold are imported as files of PART rows, one after another into the same registry
(the time is their sum, the memory the largest peak). With REGISTRY_BENCH_DATABASE_URL naming a PostgreSQL
database, the rows go into a new, empty database beside it (its name with ``_import``), dropped afterwards.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
FORMATS = os.environ.get("BENCH_IMPORT_FORMATS", "csv xlsx").split()
# Rows per file: an import takes at most 200,000 rows and 20 MB (imports/reader.py, MAX_CONTENT_LENGTH), so more
# rows are imported as files of this many, one after another into the same registry.
PART = 100_000
HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "主体类型",
    "所在镇街",
    "行业门类",
    "成立日期",
    "注册资本(万元)",
    "从业人数",
    "研发人员数",
    "地址",
    "联系人",
    "联系电话",
    "创业者群体",
    "标签",
]
FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}
PROVINCE = ROOT / ".bench" / "registry-100000.sqlite3"


def rows(towns: list[str], tags: list[str], first: int = 0, count: int = ROWS):
    from registry.domain.uscc import check_character

    industries, groups = "ACEIMO", ["女性", "退役军人", "大学生", ""]
    for n in range(first, first + count):
        first17 = f"91211122DR{n:07d}"
        code = first17 + check_character(first17)
        name = f"盘锦导入{n}号科技有限公司" if n % 10 else f"盤錦導入{n}號科技有限公司"
        yield [
            name,
            code.translate(FULL_WIDTH) if n % 7 == 0 else code,
            "企业",
            towns[n % len(towns)],
            industries[n % len(industries)],
            f"20{10 + n % 15}年{1 + n % 12}月{1 + n % 28}日" if n % 3 else f"20{10 + n % 15}-03-01",
            f"{(n % 900) + 100:,}.00",
            str(5 + n % 300),
            str(n % 5),
            f"盘山县太平街道{n % 999}号",
            "张三",
            "0427-1234567",
            groups[n % len(groups)],
            tags[n % len(tags)] if n % 4 == 0 else "",
        ]


def write_file(
    folder: Path, fmt: str, towns: list[str], tags: list[str], first: int = 0, count: int = ROWS
) -> Path:
    path = folder / f"企业{first or ''}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADERS)
        writer.writerows(rows(towns, tags, first, count))
        path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("企业")
        sheet.append(HEADERS)
        for row in rows(towns, tags, first, count):
            sheet.append(row)
        workbook.save(path)
    return path


def prepare(folder: Path) -> tuple[Path, list[str], list[str]]:
    """A migrated SQLite database with the demo's towns and tags (no firms)."""
    path = folder / "empty.sqlite3"
    towns, tags = prepare_registry(f"sqlite:///{path}")
    return path, towns, tags


def prepare_registry(url: str) -> tuple[list[str], list[str]]:
    """Migrate the (empty) database at ``url`` and add the demo's towns and tags; their names and codes."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from registry import create_app
    from registry.demo.data import TAGS, TOWNS
    from registry.extensions import db
    from registry.models import Tag, Town
    from registry.records import writer
    from registry.reference.services import TAG, TOWN

    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        for code, name in TOWNS:
            writer.create(TOWN, None, {"code": code, "name": name})
        for code, name in TAGS:
            writer.create(TAG, None, {"code": code, "name": name})
        towns = list(db.session.scalars(select(Town.name)))
        tags = list(db.session.scalars(select(Tag.code)))
        db.session.remove()
        db.engine.dispose()  # closes the last connection, which folds the WAL into the file we copy
    return towns, tags


@contextmanager
def fresh_postgresql(url: str):
    """A new, empty database beside the one at ``url`` (its name with ``_import``), dropped afterwards; yields
    its URL."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    name = f"{target.database}_import"
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield target.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


# The importing process reports its own peak resident memory as it exits.
CHILD = """
import atexit, resource, sys
atexit.register(lambda: print("peak-kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))
from flask.cli import main
sys.argv = ["flask", "--app", "registry", "import", *sys.argv[1:], "--kind", "enterprises"]
main()
"""


def run_import(database: Path | str, file: Path, *, dry_run: bool = False) -> tuple[float, float, str]:
    """Seconds, peak MB of the importing process, and its summary line. ``database``: a SQLite file or a
    database URL; ``dry_run`` checks and writes every row, then rolls back (for a database we cannot copy)."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    env = dict(os.environ, REGISTRY_DATABASE_URL=url, REGISTRY_SECRET_KEY="bench")
    arguments = [str(file), "--dry-run"] if dry_run else [str(file)]
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-c", CHILD, *arguments], env=env, cwd=ROOT, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"import failed:\n{process.stdout}{process.stderr[:3000]}")
    peak_kb = int(process.stderr.rsplit("peak-kb", 1)[1].split()[0])
    return seconds, peak_kb / 1024, process.stdout.splitlines()[0]


def names_in(database: Path) -> tuple[list[str], list[str]]:
    """The towns and tags a file for ``database`` may name (each registry has its own)."""
    with closing(sqlite3.connect(database)) as connection:
        towns = [row[0] for row in connection.execute("SELECT name FROM towns WHERE archived_at IS NULL")]
        tags = [row[0] for row in connection.execute("SELECT code FROM tags WHERE archived_at IS NULL")]
    return towns, tags or [""]


def import_parts(database: Path | str, folder: Path, fmt: str, towns: list[str], tags: list[str]):
    """ROWS rows as files of PART rows, imported one after another into ``database``: seconds in all and the
    largest peak MB."""
    seconds, peak = 0.0, 0.0
    for first in range(0, ROWS, PART):  # files a county may import (PART rows each) one by one
        file = write_file(folder, fmt, towns, tags, first, min(PART, ROWS - first))
        took, most, summary = run_import(database, file)
        seconds, peak = seconds + took, max(peak, most)
        file.unlink()
        if "0 rows in error" not in summary:
            print("   ", summary)
    return seconds, peak


def main() -> int:
    url = os.environ.get("REGISTRY_BENCH_DATABASE_URL", "")
    if url.startswith("postgresql"):  # into a new PostgreSQL database of its own, dropped afterwards
        print(f"Importing {ROWS:,} enterprise rows with `flask import` into an empty PostgreSQL registry.")
        print(f"{'file':<8}{'into':<24}{'seconds':>9}{'rows/s':>9}{'peak MB':>9}", flush=True)
        with (
            tempfile.TemporaryDirectory(prefix="registry-bench-import-") as tmp,
            fresh_postgresql(url) as fresh,
        ):
            towns, tags = prepare_registry(fresh)
            for fmt in FORMATS:
                seconds, peak = import_parts(fresh, Path(tmp), fmt, towns, tags or [""])
                print(
                    f"{fmt:<8}{'empty registry':<24}{seconds:>9.1f}{ROWS / seconds:>9.0f}{peak:>9.0f}",
                    flush=True,
                )
        return 0
    with tempfile.TemporaryDirectory(prefix="registry-bench-import-") as tmp:
        folder = Path(tmp)
        empty, _towns, _tags = prepare(folder)
        targets = [("empty registry", empty)]
        if PROVINCE.exists():
            targets.append(("100,000-firm registry", PROVINCE))
        print(
            f"Importing {ROWS:,} enterprise rows with `flask import` (validate + write, one transaction).",
            flush=True,
        )
        print(f"{'file':<8}{'into':<24}{'seconds':>9}{'rows/s':>9}{'peak MB':>9}", flush=True)
        for fmt in FORMATS:
            for label, source in targets:
                database = folder / "target.sqlite3"
                shutil.copyfile(source, database)
                seconds, peak = import_parts(database, folder, fmt, *names_in(source))
                print(f"{fmt:<8}{label:<24}{seconds:>9.1f}{ROWS / seconds:>9.0f}{peak:>9.0f}", flush=True)
                database.unlink()
        print("(peak MB: the importing process's maximum resident set size, Python and SQLite together)")
        if os.environ.get("BENCH_IMPORT_JOBS", "1") != "0":  # the web import's jobs (scripts/bench_jobs.py)
            from bench_jobs import bench

            bench(empty, write_file(folder, "csv", *names_in(empty), 0, min(ROWS, PART)), folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
