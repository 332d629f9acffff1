"""summary speed: active tenancies indexed with their incubator; spans of a positive high-value IP count;
the data version (a number every committed write adds one to, which the summary's cache is keyed by)

Revision ID: 0011_summary_speed
Revises: 0010_jobs
Create Date: 2026-11-29 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_summary_speed'
down_revision = '0010_jobs'
branch_labels = None
depends_on = None

ACTIVE = ['moved_in_on', 'left_on', 'archived_at', 'enterprise_id', 'free_space_until']


def upgrade():
    version = op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('counter', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version')),
    )
    op.bulk_insert(version, [{'id': 1, 'counter': 0}])
    with op.batch_alter_table('tenancies', schema=None) as batch_op:
        batch_op.drop_index('ix_tenancies_active')
        batch_op.create_index('ix_tenancies_active', ACTIVE + ['incubator_id'], unique=False)
    op.create_index(
        'ix_enterprise_ip_spans_held',
        'enterprise_ip_spans',
        ['enterprise_id', 'valid_from', 'valid_to'],
        unique=False,
        sqlite_where=sa.text('value > 0'),
        postgresql_where=sa.text('value > 0'),
    )


def downgrade():
    op.drop_table('data_version')
    op.drop_index('ix_enterprise_ip_spans_held', table_name='enterprise_ip_spans')
    with op.batch_alter_table('tenancies', schema=None) as batch_op:
        batch_op.drop_index('ix_tenancies_active')
        batch_op.create_index('ix_tenancies_active', ACTIVE, unique=False)
