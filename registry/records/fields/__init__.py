"""Field types of a record schema: each parses one input value (form text, JSON or a spreadsheet cell).

A schema is the single statement of what a record accepts. The HTML forms, the JSON API, the import and
the OpenAPI document all use it, so a rule is written once; what differs by type of value is a method of
the field class (its form input, OpenAPI schema, spreadsheet cell, shown value), not a branch elsewhere.
"""

from .base import (
    Field,
    Names,
    Schema,
    as_list,
    is_blank,
    named,
    nullable,
    resolve_names,
    to_json,
    to_json_value,
)
from .reference import CodeChoice, Reference, ReferenceSet, TagSet
from .scalar import Boolean, Choice, ChoiceSet, Date, Integer, Money, Text, Uscc

__all__ = [
    "Boolean",
    "Choice",
    "ChoiceSet",
    "CodeChoice",
    "Date",
    "Field",
    "Integer",
    "Money",
    "Names",
    "Reference",
    "ReferenceSet",
    "Schema",
    "TagSet",
    "Text",
    "Uscc",
    "as_list",
    "is_blank",
    "named",
    "nullable",
    "resolve_names",
    "to_json",
    "to_json_value",
]
