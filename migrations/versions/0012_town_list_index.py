"""town list index: a town's current firms in name order, with the columns its count and facets read

The enterprise list filtered by town reads its page, its bounded count and its facets (town, legal form,
industry) from this one index, never the firms' rows: the page walks it in the list's order and stops after
a page, the count and the facets read the town's entries only.

Revision ID: 0012_town_list_index
Revises: 0011_summary_speed
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012_town_list_index'
down_revision = '0011_summary_speed'
branch_labels = None
depends_on = None

INDEX = 'ix_enterprises_town_list'
COLUMNS = ['town_id', 'archived_at', 'name', 'id', 'legal_form', 'industry']


def upgrade():
    # Plain CREATE INDEX (no batch): a table rebuild would drop the search triggers on enterprises.
    op.create_index(INDEX, 'enterprises', COLUMNS, unique=False)


def downgrade():
    op.drop_index(INDEX, table_name='enterprises')
