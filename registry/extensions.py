"""Flask extensions, created unbound here and bound in :func:`registry.create_app`."""

from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .i18n import RegistryBabel

# Every constraint and index gets a predictable name, so migrations can alter them (SQLite batch mode
# needs names) and the schema compares equal on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RegistrySession(FlaskSession):
    """The registry's sessions: the write path's events (registry/db.py) listen on this class alone."""


db = SQLAlchemy(model_class=Base, session_options={"class_": RegistrySession})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = RegistryBabel()
bootstrap = Bootstrap5()
