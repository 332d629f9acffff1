"""Long work as jobs: the request answers with the job's page at once, the page follows the job to its
result (or its failure), only the owner sees it, a cancelled or interrupted import writes nothing, and a
result is kept for a while and then removed. Most tests run the job inside the request (the queue's
immediate mode); the last ones run a real consumer on the SQLite queue."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from registry import create_app
from registry.extensions import db
from registry.imports import service as import_service
from registry.jobs import db as jobs_db
from registry.jobs import service
from registry.jobs.queue import queue
from registry.jobs.runner import run
from registry.models import Enterprise, Job, User
from registry.models.base import utcnow

from .factories import PASSWORDS, ensure_user, make_enterprise, make_report_world, make_town, uscc
from .import_helpers import count, csv_bytes, xlsx


def _rows(n: int = 2) -> list[list]:
    return [[f"导入{i}号公司", uscc(), "企业", "太平街道", str(i % 50)] for i in range(n)]


def _upload(client, content: bytes, filename: str = "企业.xlsx"):
    return client.post(
        "/imports/",
        data={"kind": "enterprises", "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _job_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    found = re.search(r"/jobs/(\d+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def _job(app, job_id: int) -> Job:
    with app.app_context():
        return service.get(job_id)


def _set(app, job_id: int, **values) -> None:
    with app.app_context(), jobs_db.session() as jobs:
        jobs.execute(update(Job).where(Job.id == job_id).values(**values))


@pytest.fixture
def clerk(app, auth):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == "sb"))


def test_an_upload_answers_with_the_job_page_which_shows_the_preview_when_done(client, clerk, app):
    job_id = _job_id(_upload(client, xlsx(_rows(2))))
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert re.search(r'data-count="created">2<', page)  # the kept preview
    again = client.get(f"/jobs/{job_id}").get_data(as_text=True)  # a reload shows it again
    assert re.search(r'data-count="created">2<', again)
    status = client.get(f"/jobs/{job_id}/status").get_json()
    assert status["state"] == "done" and status["done"] == status["total"] == 2 and status["percent"] == 100
    with app.app_context():
        assert count(Enterprise) == 0  # a preview writes nothing


def test_the_commit_is_a_job_and_its_page_shows_what_was_written(client, clerk, app):
    preview = _job_id(_upload(client, xlsx(_rows(3))))
    page = client.get(f"/jobs/{preview}").get_data(as_text=True)
    token = re.search(r"/imports/([\w-]+)/confirm", page).group(1)
    commit = _job_id(client.post(f"/imports/{token}/confirm", data={"token": token}))
    done = client.get(f"/jobs/{commit}").get_data(as_text=True)
    assert "已导入" in done
    with app.app_context():
        assert count(Enterprise) == 3
        assert _job(app, commit).kind == "import_commit" and _job(app, commit).state == "done"
    again = client.get(f"/jobs/{preview}").get_data(as_text=True)  # the preview, kept: no second confirm
    assert "不能再次确认" in again and "/confirm" not in again


def test_another_user_can_neither_see_nor_cancel_nor_fetch_my_job(client, clerk, app, auth):
    job_id = _job_id(_upload(client, xlsx(_rows(1))))
    auth.logout()
    auth.login("sb2", roles=("science_bureau",))
    assert client.get(f"/jobs/{job_id}").status_code == 404
    assert client.get(f"/jobs/{job_id}/status").status_code == 404
    assert client.post(f"/jobs/{job_id}/cancel").status_code == 404
    assert client.get(f"/jobs/{job_id}/result").status_code == 404
    assert _job(app, job_id).state == "done"


def test_a_second_upload_while_an_import_runs_waits_its_turn_and_says_so(client, clerk, app):
    first = _job_id(_upload(client, xlsx(_rows(1))))
    _set(app, first, state="running", heartbeat_at=utcnow(), finished_at=None)  # still running
    second = _job_id(_upload(client, xlsx(_rows(1), title="企业"), "二月.xlsx"))
    status = client.get(f"/jobs/{second}/status").get_json()
    assert status["state"] == "queued" and status["ahead"] == 1
    page = client.get(f"/jobs/{second}").get_data(as_text=True)
    assert "排队中" in page and "前面还有1个导入任务" in page
    assert 'http-equiv="refresh"' in page  # without script the page refreshes itself
    _set(app, first, state="done", finished_at=utcnow())
    with app.app_context():
        run(second)  # the queue's next try: its turn now
    assert _job(app, second).state == "done"
    with app.app_context():
        assert count(Enterprise) == 0


def test_a_running_job_whose_worker_died_shows_as_failed(client, clerk, app):
    job_id = _job_id(_upload(client, xlsx(_rows(1))))
    _set(app, job_id, state="running", finished_at=None, heartbeat_at=utcnow() - timedelta(minutes=10))
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "失败" in page and "工作进程中断" in page
    assert _job(app, job_id).state == "failed"  # kept as failed, not running forever


def test_a_job_whose_upload_was_deleted_fails_with_the_reason_and_writes_nothing(client, clerk, app):
    with app.test_request_context():
        user = db.session.get(User, clerk)
        job = service.submit(
            "import_commit", user, {"token": "no-such-upload", "kind": "enterprises"}, "导入"
        )
    assert job.state == "failed" and "上传的文件已不存在" in job.error
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "任务失败" in page and "上传的文件已不存在" in page
    with app.app_context():
        assert count(Enterprise) == 0


def test_a_queued_job_cancelled_never_runs(client, clerk, app):
    first = _job_id(_upload(client, xlsx(_rows(1))))
    _set(app, first, state="running", heartbeat_at=utcnow(), finished_at=None)
    second = _job_id(_upload(client, xlsx(_rows(1)), "二月.xlsx"))
    assert client.post(f"/jobs/{second}/cancel").status_code == 302
    assert _job(app, second).state == "cancelled"
    _set(app, first, state="done")
    with app.app_context():
        run(second)
    assert _job(app, second).state == "cancelled"
    assert "已取消" in client.get(f"/jobs/{second}").get_data(as_text=True)


def test_a_long_export_is_a_job_whose_file_is_kept_then_expires(client, clerk, app, monkeypatch):
    with app.app_context():
        for n in range(3):
            make_enterprise(name=f"导出{n}号公司")
        db.session.commit()
    monkeypatch.setitem(app.config, "JOBS_EXPORT_ROWS", 2)
    job_id = _job_id(client.get("/enterprises/export.xlsx"))
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "已完成" in page and f"/jobs/{job_id}/result" in page
    with client.get(f"/jobs/{job_id}/result") as response:
        rows = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))
    assert len(rows) == 4 and {r[1] for r in rows[1:]} == {"导出0号公司", "导出1号公司", "导出2号公司"}
    with app.app_context():
        kept = service.folder() / _job(app, job_id).result_path
    assert kept.exists()
    _set(app, job_id, expires_at=utcnow() - timedelta(seconds=1))
    assert "结果已过期" in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert client.get(f"/jobs/{job_id}/result").status_code == 404
    assert not kept.exists()


def test_a_long_change_log_export_is_a_job_too(client, app, auth, monkeypatch):
    from registry.enterprises.services import ENTERPRISE
    from registry.records import writer

    with app.app_context():
        firm = make_enterprise(name="日志测试公司")
        db.session.commit()
        for n in range(3):  # three logged changes
            writer.update(ENTERPRISE, None, firm.id, n + 1, {"employees": str(10 + n)}, partial=True)
    monkeypatch.setitem(app.config, "JOBS_EXPORT_ROWS", 2)
    auth.login()  # an admin
    job_id = _job_id(client.get("/audit/export.xlsx?action=update"))
    with client.get(f"/jobs/{job_id}/result") as response:
        rows = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))
    assert len(rows) == 4  # a header and the three changes, described as the page shows them
    assert all("日志测试公司" in " ".join(str(c) for c in r if c) for r in rows[1:])
    # a CSV streams as it is written: never a job
    with client.get("/audit/export.csv?action=update") as response:
        assert response.status_code == 200 and response.get_data(as_text=True).count("日志测试公司") == 3


def test_a_short_export_is_still_sent_at_once(client, clerk, app):
    with app.app_context():
        make_enterprise(name="导出公司")
        db.session.commit()
    with client.get("/enterprises/export.xlsx") as response:
        assert response.status_code == 200 and response.data[:2] == b"PK"


def test_the_report_document_is_a_job_with_a_download(client, app, auth):
    with app.app_context():
        report, _section, _figure = make_report_world()
        db.session.commit()
        report_id = report.id
    auth.login("writer", roles=("report_writer",))
    job_id = _job_id(client.post(f"/reports/{report_id}/document/job"))
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "下载" in page
    with client.get(f"/jobs/{job_id}/result") as result:
        assert result.status_code == 200 and result.data[:2] == b"PK"


# ---- a real consumer on the SQLite queue -----------------------------------------------------------------
@pytest.fixture
def worker_app(app, tmp_path):
    """The app again, its jobs on a SQLite queue run by this process's consumer thread (as ``make run``)."""
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test-only-secret",
            "WTF_CSRF_ENABLED": False,
            "JOBS_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
            "JOBS_EMBEDDED_WORKER": True,
            "JOBS_HEARTBEAT_SECONDS": 0.1,
            "JOBS_FOLDER": str(tmp_path / "jobs"),
            "IMPORT_FOLDER": str(tmp_path / "imports"),
        }
    )
    yield other
    queue(other).stop_consumer()
    jobs_db.engine(other).dispose()
    with other.app_context():
        db.engine.dispose()


def _signed_in(worker_app):
    with worker_app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
        ensure_user("sb", roles=["science_bureau"])
    client = worker_app.test_client()
    client.post("/login", data={"username": "sb", "password": PASSWORDS["sb"]})
    return client


def _until(client, job_id: int, test, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(f"/jobs/{job_id}/status").get_json()
        if test(status):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id}: {status}")


def test_a_consumer_on_the_sqlite_queue_runs_the_preview_while_the_page_shows_progress(worker_app):
    client = _signed_in(worker_app)
    job_id = _job_id(_upload(client, csv_bytes(_rows(40)), "企业.csv"))
    first = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'class="progress' in first or 'data-count="created">40<' in first
    status = _until(client, job_id, lambda s: s["finished"])
    assert status["state"] == "done" and status["total"] == 40
    assert re.search(r'data-count="created">40<', client.get(f"/jobs/{job_id}").get_data(as_text=True))


def test_an_import_cancelled_while_it_writes_writes_nothing(worker_app, monkeypatch):
    monkeypatch.setattr(import_service, "BATCH", 20)
    client = _signed_in(worker_app)
    page_job = _job_id(_upload(client, csv_bytes(_rows(3000)), "企业.csv"))
    _until(client, page_job, lambda s: s["finished"])
    page = client.get(f"/jobs/{page_job}").get_data(as_text=True)
    token = re.search(r"/imports/([\w-]+)/confirm", page).group(1)
    commit = _job_id(client.post(f"/imports/{token}/confirm", data={"token": token}))
    _until(client, commit, lambda s: s["state"] == "running" and s["done"] > 0)
    assert client.post(f"/jobs/{commit}/cancel").status_code == 302
    status = _until(client, commit, lambda s: s["finished"])
    assert status["state"] == "cancelled"
    assert "没有写入任何数据" in client.get(f"/jobs/{commit}").get_data(as_text=True)
    with worker_app.app_context():
        assert count(Enterprise) == 0
