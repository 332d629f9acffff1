"""Print what adding a record type takes: the slots a record type fills, and what each one fills today.

PYTHONPATH=. python scripts/record_type_slots.py
"""

from registry import create_app
from registry.records import catalog

if __name__ == "__main__":
    with create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).app_context():
        print(catalog.adding_a_record_type())
