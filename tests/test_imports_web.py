"""The import pages (upload, preview, confirm, error workbook) and the import CLI."""

from __future__ import annotations

import io
import os
import re
import stat

from openpyxl import load_workbook
from sqlalchemy import select

from registry.extensions import db
from registry.imports import run
from registry.imports.spec import BY_NAME
from registry.models import ChangeLog, Enterprise

from .factories import make_town, uscc
from .import_helpers import (
    count,
    upload,
    xlsx,
)


# ---- the web flow and the CLI ---------------------------------------------------------------------------
def test_upload_preview_confirm_and_see_what_changed(client, auth, app):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    content = xlsx([["甲公司", uscc(), "企业", "太平街道", "3"], ["乙公司", uscc(), "企业", "太平街道", "4"]])
    page = client.post(
        "/imports/",
        data={"kind": "enterprises", "file": (io.BytesIO(content), "企业.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert re.search(r'data-count="created">2<', page)
    with app.app_context():
        assert count(Enterprise) == 0  # the preview wrote nothing
    token = re.search(r"/imports/([\w-]+)/confirm", page).group(1)
    done = client.post(f"/imports/{token}/confirm", data={"token": token}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "已导入" in done
    changes_url = re.search(r'href="(/imports/changes/[^"]+)"', done).group(1)
    changes = client.get(changes_url).get_data(as_text=True)
    assert "甲公司" in changes and "乙公司" in changes
    with app.app_context():
        assert count(Enterprise) == 2
        imported = select(ChangeLog.request_id).where(ChangeLog.object_type.in_(["enterprise", "import"]))
        assert len(set(db.session.scalars(imported))) == 1


def test_web_refuses_a_bad_file_with_a_message(client, auth):
    auth.login("sb", roles=("science_bureau",))
    page = client.post(
        "/imports/",
        data={"kind": "enterprises", "file": (io.BytesIO(b""), "企业.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "文件是空的" in page


def test_errors_download_as_a_workbook_with_an_error_column(client, auth, app):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    content = xlsx([["甲公司", uscc(), "企业", "太平街道", "3"], ["乙公司", "bad", "企业", "太平街道", "4"]])
    page = client.post(
        "/imports/",
        data={"kind": "enterprises", "file": (io.BytesIO(content), "企业.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    token = re.search(r"/imports/([\w-]+)/errors.xlsx", page).group(1)
    with client.get(f"/imports/{token}/errors.xlsx") as response:
        rows = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))
    assert rows[0][0] == "行号" and rows[0][-1] == "错误原因"
    assert rows[1][0] == 3 and rows[1][1] == "乙公司" and "统一社会信用代码" in rows[1][-1]
    refused = client.post(f"/imports/{token}/confirm", data={"token": token}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "未写入任何数据" in refused


def test_another_user_cannot_confirm_my_upload(client, auth, app):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    content = xlsx([["甲公司", uscc(), "企业", "太平街道", "3"]])
    page = client.post(
        "/imports/",
        data={"kind": "enterprises", "file": (io.BytesIO(content), "企业.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    token = re.search(r"/imports/([\w-]+)/confirm", page).group(1)
    auth.logout()
    auth.login("sb2", roles=("science_bureau",))
    assert (
        client.post(f"/imports/{token}/confirm", data={"token": token}, follow_redirects=True).status_code
        == 404
    )
    with app.app_context():
        assert count(Enterprise) == 0  # nothing imported
        logged = select(ChangeLog).where(ChangeLog.object_type == "enterprise")
        assert db.session.scalars(logged).all() == []


def test_readers_cannot_import(client, auth):
    auth.login("rw", roles=("report_writer",))
    assert client.get("/imports/").status_code == 403


def test_cli_exit_codes(runner, app, tmp_path):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    good, bad, broken = tmp_path / "企业.xlsx", tmp_path / "bad.xlsx", tmp_path / "broken.xlsx"
    good.write_bytes(xlsx([["甲公司", uscc(), "企业", "太平街道", "3"]]))
    bad.write_bytes(
        xlsx([["甲公司", uscc(), "企业", "太平街道", "3"], ["乙公司", "bad", "企业", "太平街道", "3"]])
    )
    broken.write_bytes(b"PK\x03\x04nope")
    dry = runner.invoke(args=["import", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "1 to create" in dry.output
    refused = runner.invoke(args=["import", str(bad)])
    assert refused.exit_code == 1 and "第3行 统一社会信用代码" in refused.output
    assert runner.invoke(args=["import", str(broken), "--kind", "enterprises"]).exit_code == 2
    with app.app_context():
        assert count(Enterprise) == 0
    partial = runner.invoke(args=["import", str(bad), "--valid-only"])
    assert partial.exit_code == 0 and "Written" in partial.output
    with app.app_context():
        assert count(Enterprise) == 1


def test_a_chinese_workbook_imports_from_an_english_screen(client, auth, app):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    client.post("/language/en", data={"next": "/"})
    content = xlsx([["甲公司", uscc(), "企业", "太平街道", "3"]])
    page = client.post(
        "/imports/",
        data={"kind": "enterprises", "file": (io.BytesIO(content), "企业.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert 'lang="en"' in page
    assert re.search(r'data-count="created">1<', page), "Chinese headers and labels are refused in English"


def test_a_header_with_a_message_context_is_known_in_both_languages(app):
    """The tenancy's 孵化载体 reads "Incubator" in English (one, not the menu's "Incubators")."""
    from flask_babel import force_locale

    spec = BY_NAME["tenancies"]
    with app.test_request_context(), force_locale("en"):
        assert spec.column("孵化载体").name == spec.column("Incubator").name == "incubator_id"
        assert set(BY_NAME["enterprises"].sheet_names) == {"Enterprises", "企业", "enterprises"}


def test_the_change_log_names_an_import_and_its_counts(client, auth, app):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    auth.login("admin", roles=("admin",))
    content = xlsx([["甲公司", uscc(), "企业", "太平街道", "3"]])
    page = client.post(
        "/imports/",
        data={"kind": "enterprises", "file": (io.BytesIO(content), "企业.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    token = re.search(r"/imports/([\w-]+)/confirm", page).group(1)
    client.post(f"/imports/{token}/confirm", data={"token": token}, follow_redirects=True)
    log = client.get("/audit/?object_type=import").get_data(as_text=True)
    assert "批量导入" in log and "新建" in log and "错误行" in log
    assert not re.search(r">\s*(import|created|errors)\s*[<：]", log), "raw codes in the change log"


# ---- the kept upload ----------------------------------------------------------------------------------------
def test_a_kept_upload_is_readable_by_its_owner_only(client, auth, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path / "imports"))
    old_mask = os.umask(0o022)  # the usual umask, which leaves new files readable by all
    try:
        (tmp_path / "imports").mkdir()  # as an earlier version left it
        auth.login("sb", roles=("science_bureau",))
        page = upload(client, xlsx([["甲公司", "bad", "企业", "太平街道", "3"]]), "企业.xlsx")
        assert "/errors.xlsx" in page.get_data(as_text=True)
    finally:
        os.umask(old_mask)
    kept = list((tmp_path / "imports").iterdir())
    assert {path.suffix for path in kept} == {".bin", ".json", ".xlsx"}  # .xlsx: the error workbook
    assert stat.S_IMODE((tmp_path / "imports").stat().st_mode) == 0o700
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in kept} == {
        path.name: 0o600 for path in kept
    }


def test_the_error_workbook_is_made_from_the_preview_without_validating_again(client, auth, app, monkeypatch):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    content = xlsx([["甲公司", uscc(), "企业", "太平街道", "3"], ["乙公司", "bad", "企业", "太平街道", "4"]])
    page = upload(client, content, "企业.xlsx").get_data(as_text=True)
    token = re.search(r"/imports/([\w-]+)/errors.xlsx", page).group(1)

    def validating_again(*args, **kwargs):
        raise AssertionError("the error workbook validated the file again")

    monkeypatch.setattr(run, "execute", validating_again)
    with client.get(f"/imports/{token}/errors.xlsx") as response:
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))
    assert rows[0][0] == "行号" and len(rows) == 2
    assert rows[1][:2] == (3, "乙公司") and "统一社会信用代码" in rows[1][-1]
