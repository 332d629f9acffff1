"""Substring search over enterprise names that does not read every row.

SQLite: an FTS5 table with the trigram tokenizer over ``enterprises.name_key`` (external content, kept in
sync by triggers, so every write path — the ORM, bulk inserts, the import — keeps it current).
PostgreSQL: a pg_trgm GIN index on ``enterprises.name_key``, which ``LIKE '%…%'`` uses.

Both answer queries of three characters or more; shorter ones match the names by a plain ``LIKE``.
The FTS5 objects live outside the models' metadata (SQLAlchemy has no virtual tables): migration 0004
creates the table and its triggers and :func:`schema_filter` keeps them out of the schema comparison.
"""

from __future__ import annotations

FTS_TABLE = "enterprises_fts"
TRIGRAM_INDEX = "ix_enterprises_name_key_trgm"
MIN_TRIGRAM = 3  # characters; shorter text has no trigram to look up


def schema_filter(dialect_name: str):
    """An ``include_object`` for schema comparison on ``dialect_name``: the FTS5 table and its shadow
    tables are not models, and the trigram index exists on PostgreSQL only."""

    def include_object(object_, name, type_, reflected, compare_to) -> bool:
        if type_ == "table" and name and name.startswith(FTS_TABLE):
            return False
        return not (type_ == "index" and name == TRIGRAM_INDEX and dialect_name != "postgresql")

    return include_object


def fts_match(text: str) -> str:
    """An FTS5 query for ``text`` as one phrase: with trigrams, a phrase match is a substring match."""
    return '"' + text.replace('"', '""') + '"'
