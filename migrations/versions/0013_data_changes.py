"""data changes: what each committed write changed, by table and column, with the data version it made

A kept summary value is read again only when something it reads changed after it was read: a write names the
tables it inserted into or deleted from and the columns it updated (registry/db.py); an indicator's value
reads the tables and columns its SQL names (reports/counting.py).

Revision ID: 0013_data_changes
Revises: 0012_town_list_index
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_data_changes'
down_revision = '0012_town_list_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'data_changes',
        sa.Column('name', sa.String(length=160), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_data_changes')),
    )


def downgrade():
    op.drop_table('data_changes')
