"""Where the app finds its files: the checkout's folders, or those a built wheel carries (see setup.py)."""

from __future__ import annotations

from pathlib import Path

import registry
from registry import create_app

CHECKOUT = Path(__file__).resolve().parent.parent


def test_from_the_checkout_the_app_reads_the_checkouts_folders(monkeypatch):
    monkeypatch.delenv("REGISTRY_INSTANCE_PATH", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert Path(app.template_folder) == CHECKOUT / "templates"
    assert Path(app.static_folder) == CHECKOUT / "static"
    assert Path(app.extensions["migrate"].directory) == CHECKOUT / "migrations"
    assert Path(app.instance_path) == CHECKOUT / "instance"


def test_instance_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRY_INSTANCE_PATH", str(tmp_path / "data"))
    monkeypatch.delenv("REGISTRY_DATABASE_URL", raising=False)
    monkeypatch.delenv("REGISTRY_SECRET_KEY", raising=False)
    app = create_app()
    assert Path(app.instance_path) == tmp_path / "data"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'data' / 'registry.sqlite3'}"
    assert (tmp_path / "data" / "secret_key").is_file()


def test_an_installed_package_keeps_its_instance_in_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("REGISTRY_INSTANCE_PATH", raising=False)
    monkeypatch.setattr(registry, "FROM_CHECKOUT", False)
    monkeypatch.chdir(tmp_path)
    assert registry.instance_folder() == tmp_path / "instance"
