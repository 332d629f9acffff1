"""The peer ``make bench`` compares the registry with: a plain Flask-Admin list of the same firms.

What a county's IT staff would write in an afternoon over the registry's database: two models mapped onto
the existing ``enterprises`` and ``towns`` tables and one ``ModelView`` with a search over names, a filter
by town, a details page and Flask-Admin's defaults for everything else (20 rows a page, offset paging, a
total count on every page). No sign-in, no translations, no API. A dev-only extra: ``pip install -e
'.[peer]'``. Served the way the bench serves the registry::

    PEER_DATABASE_URL=sqlite:///.bench/registry-100000.sqlite3 gunicorn -w 1 'scripts.peer_admin:create_app()'
"""

from __future__ import annotations

import os
from datetime import date

from flask import Flask
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView
from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

db = SQLAlchemy()


class Town(db.Model):
    __tablename__ = "towns"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))

    def __str__(self) -> str:
        return self.name


class Enterprise(db.Model):
    __tablename__ = "enterprises"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str | None] = mapped_column(String(18))
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    town: Mapped[Town] = relationship()
    industry: Mapped[str | None] = mapped_column(String(1))
    established_on: Mapped[date | None]
    employees: Mapped[int | None]
    high_value_ip_count: Mapped[int]


class EnterpriseView(ModelView):
    can_view_details = True
    column_list = ("name", "uscc", "town", "industry", "established_on", "employees", "high_value_ip_count")
    column_searchable_list = ("name",)
    column_filters = ("town",)
    column_default_sort = ("name", False)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["PEER_DATABASE_URL"]
    app.config["SECRET_KEY"] = "peer"
    db.init_app(app)
    Babel(app, default_locale="zh_Hans_CN")  # Flask-Admin's own texts in Chinese
    admin = Admin(app, name="企业库")
    admin.add_view(EnterpriseView(Enterprise, db.session, endpoint="enterprise"))
    return app
