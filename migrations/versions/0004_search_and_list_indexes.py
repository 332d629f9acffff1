"""substring search (FTS5 trigram on SQLite, pg_trgm on PostgreSQL) and indexes for list filters

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 13:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TRIGRAM_INDEX = 'ix_enterprises_name_key_trgm'
FTS = 'enterprises_fts'
# External content: the index holds only the trigrams; triggers keep it in step with every write.
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(name_key, content='enterprises', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON enterprises BEGIN "
    f"INSERT INTO {FTS}(rowid, name_key) VALUES (new.id, new.name_key); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON enterprises BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, name_key) VALUES ('delete', old.id, old.name_key); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF name_key ON enterprises BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, name_key) VALUES ('delete', old.id, old.name_key); "
    f"INSERT INTO {FTS}(rowid, name_key) VALUES (new.id, new.name_key); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TABLE IF EXISTS {FTS}",
]
# The enterprise list's sort keys as of this revision (uscc is unique already).
SORT_KEYS = ('name', 'established_on', 'employees', 'registered_capital_wan', 'high_value_ip_count', 'updated_at')


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_CREATE:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute(f'CREATE INDEX {TRIGRAM_INDEX} ON enterprises USING gin (name_key gin_trgm_ops)')

    with op.batch_alter_table('enterprise_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_tags_tag_id')
        batch_op.create_index('ix_enterprise_tags_tag_id_enterprise_id', ['tag_id', 'enterprise_id'], unique=False)
    with op.batch_alter_table('enterprise_founder_groups', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_founder_groups_founder_group')
        batch_op.create_index(
            'ix_enterprise_founder_groups_founder_group_enterprise_id',
            ['founder_group', 'enterprise_id'],
            unique=False,
        )


    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.drop_index('ix_certifications_enterprise_id')
        batch_op.create_index(
            'ix_certifications_enterprise_id_validity',
            ['enterprise_id', 'kind', 'status', 'approved_on', 'valid_until', 'revoked_on', 'archived_at'],
            unique=False,
        )
        batch_op.drop_index('ix_certifications_kind_approved_on')
        batch_op.create_index(
            'ix_certifications_kind_approved_on_validity',
            ['kind', 'approved_on', 'valid_until', 'revoked_on', 'status', 'level', 'archived_at', 'enterprise_id'],
            unique=False,
        )
    # Plain CREATE INDEX (no batch): a table rebuild would drop the search triggers on enterprises.
    op.create_index(
        'ix_enterprises_archived',
        'enterprises',
        ['archived_at'],
        unique=False,
        sqlite_where=sa.text('archived_at IS NOT NULL'),
        postgresql_where=sa.text('archived_at IS NOT NULL'),
    )
    op.create_index('ix_enterprises_legal_form', 'enterprises', ['legal_form'], unique=False)  # a filter
    # Every sort key of the list, with the id that breaks ties (uscc is unique already).
    for key in SORT_KEYS:
        op.create_index(f'ix_enterprises_{key}_id', 'enterprises', [key, 'id'], unique=False)
    for key in ('name', 'established_on', 'high_value_ip_count'):
        op.drop_index(f'ix_enterprises_{key}', table_name='enterprises')
    with op.batch_alter_table('tenancies', schema=None) as batch_op:
        batch_op.drop_index('ix_tenancies_moved_in_on_left_on')
        batch_op.create_index(
            'ix_tenancies_active',
            ['moved_in_on', 'left_on', 'archived_at', 'enterprise_id', 'free_space_until'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('tenancies', schema=None) as batch_op:
        batch_op.drop_index('ix_tenancies_active')
        batch_op.create_index('ix_tenancies_moved_in_on_left_on', ['moved_in_on', 'left_on'], unique=False)
    op.drop_index('ix_enterprises_archived', table_name='enterprises')
    for key in ('name', 'established_on', 'high_value_ip_count'):
        op.create_index(f'ix_enterprises_{key}', 'enterprises', [key], unique=False)
    for key in SORT_KEYS:
        op.drop_index(f'ix_enterprises_{key}_id', table_name='enterprises')
    op.drop_index('ix_enterprises_legal_form', table_name='enterprises')
    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.drop_index('ix_certifications_enterprise_id_validity')
        batch_op.create_index('ix_certifications_enterprise_id', ['enterprise_id'], unique=False)
        batch_op.drop_index('ix_certifications_kind_approved_on_validity')
        batch_op.create_index('ix_certifications_kind_approved_on', ['kind', 'approved_on'], unique=False)
    with op.batch_alter_table('enterprise_founder_groups', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_founder_groups_founder_group_enterprise_id')
        batch_op.create_index('ix_enterprise_founder_groups_founder_group', ['founder_group'], unique=False)
    with op.batch_alter_table('enterprise_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_tags_tag_id_enterprise_id')
        batch_op.create_index('ix_enterprise_tags_tag_id', ['tag_id'], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_DROP:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute(f'DROP INDEX IF EXISTS {TRIGRAM_INDEX}')
