"""listing and IP count indexes: the listing reserve and the high-value IP holders read from indexes alone

The summary's listing reserve (candidates entered by the day, not archived, their firms; each one's stage and
tier on the day; those listed within the period) and its firms holding high-value IP read only these
indexes, never the rows.

Revision ID: 0015_listing_ip_indexes
Revises: 0014_certification_count_indexes
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_listing_ip_indexes'
down_revision = '0014_certification_count_indexes'
branch_labels = None
depends_on = None

# (index, table, columns now, columns before)
INDEXES = [
    ('ix_listing_candidates_entered_on', 'listing_candidates',
     ['entered_on', 'archived_at', 'enterprise_id'], ['entered_on']),
    ('ix_stage_changes_candidate_id_changed_on', 'stage_changes',
     ['candidate_id', 'changed_on', 'id', 'stage'], ['candidate_id', 'changed_on']),
    ('ix_stage_changes_stage_changed_on', 'stage_changes',
     ['stage', 'changed_on', 'candidate_id'], ['stage', 'changed_on']),
    ('ix_listing_tier_spans_candidate_id_valid_from', 'listing_tier_spans',
     ['candidate_id', 'valid_from', 'valid_to', 'tier'], ['candidate_id', 'valid_from', 'valid_to']),
]
HELD = 'ix_enterprise_ip_spans_held'
HELD_WHERE = {'sqlite_where': sa.text('value > 0'), 'postgresql_where': sa.text('value > 0')}


def upgrade():
    for name, table, columns, _before in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=False)
    op.drop_index(HELD, table_name='enterprise_ip_spans')
    op.create_index(HELD, 'enterprise_ip_spans', ['enterprise_id', 'valid_from', 'valid_to', 'value'],
                    unique=False, **HELD_WHERE)


def downgrade():
    op.drop_index(HELD, table_name='enterprise_ip_spans')
    op.create_index(HELD, 'enterprise_ip_spans', ['enterprise_id', 'valid_from', 'valid_to'], unique=False,
                    **HELD_WHERE)
    for name, table, _columns, before in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, before, unique=False)
