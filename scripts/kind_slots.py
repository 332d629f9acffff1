"""Print what adding a record kind takes: the slots a kind fills, and what each kind fills today.

PYTHONPATH=. python scripts/kind_slots.py
"""

from registry import create_app
from registry.records import catalog

if __name__ == "__main__":
    with create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).app_context():
        print(catalog.adding_a_kind())
