"""certification count indexes: the summary's certification counts read from indexes alone

"Valid at end" reads key support from the validity index too, so the key-support 小巨人 count is one more
narrowing of the valid certifications the summary reads once; the period's applications (申报 counts) read
the level, the archive mark and the firm from the application-date index instead of each row.

Revision ID: 0014_certification_count_indexes
Revises: 0013_data_changes
Create Date: 2026-12-06 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014_certification_count_indexes'
down_revision = '0013_data_changes'
branch_labels = None
depends_on = None

VALIDITY = 'ix_certifications_kind_approved_on_validity'
APPLIED = 'ix_certifications_kind_applied_on'
VALIDITY_COLUMNS = ['kind', 'approved_on', 'valid_until', 'revoked_on', 'status', 'level', 'archived_at',
                    'enterprise_id']


def upgrade():
    op.drop_index(VALIDITY, table_name='certifications')
    op.create_index(VALIDITY, 'certifications', VALIDITY_COLUMNS + ['key_support'], unique=False)
    op.drop_index(APPLIED, table_name='certifications')
    op.create_index(
        APPLIED, 'certifications', ['kind', 'applied_on', 'level', 'archived_at', 'enterprise_id'], unique=False
    )


def downgrade():
    op.drop_index(APPLIED, table_name='certifications')
    op.create_index(APPLIED, 'certifications', ['kind', 'applied_on'], unique=False)
    op.drop_index(VALIDITY, table_name='certifications')
    op.create_index(VALIDITY, 'certifications', VALIDITY_COLUMNS, unique=False)
