"""firm ends: enterprise short name and deregistration (date and reason), incubator closing date

DESIGN.md §3, "Archive versus end": a firm that closes is deregistered on a date (注销, 吊销, 迁出, 合并) and
an incubator closed on a date; both keep counting for the days they existed. Archiving stays for records
entered in error. The new columns are empty for every stored row, so no data moves.

On SQLite the columns are added with ALTER TABLE … ADD COLUMN carrying their CHECK constraints (a batch
recreate of ``enterprises`` would drop the triggers of its search table, revision 0004); a column's CHECK
may read the row's other columns, and dropping the columns in reverse order drops their checks with them.

Revision ID: 0006_firm_ends
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_firm_ends'
down_revision = '0005'
branch_labels = None
depends_on = None

# The deregistration reasons as of this revision (registry.enums.DeregistrationReason).
REASONS = ('cancelled', 'revoked', 'moved_away', 'merged')
REASON_CODES = ', '.join(f"'{code}'" for code in REASONS)

CHECKS = {
    # name (after the naming convention ck_<table>_<name>) → (table, the column it goes with, condition)
    'ck_enterprises_deregistered_after_established': (
        'enterprises',
        'deregistered_on',
        'deregistered_on IS NULL OR established_on IS NULL OR deregistered_on >= established_on',
    ),
    'ck_enterprises_deregistered_reason': (
        'enterprises',
        'deregistered_reason',
        f'deregistered_reason IN ({REASON_CODES})',
    ),
    'ck_enterprises_deregistered_reason_with_on': (
        'enterprises',
        'deregistered_reason',
        '(deregistered_on IS NULL) = (deregistered_reason IS NULL)',
    ),
    'ck_incubators_closed_after_opened': (
        'incubators',
        'closed_on',
        'closed_on IS NULL OR opened_on IS NULL OR closed_on >= opened_on',
    ),
}

# (table, column, SQL type), in the order they are added
COLUMNS = (
    ('enterprises', 'short_name', 'VARCHAR(50)'),
    ('enterprises', 'deregistered_on', 'DATE'),
    ('enterprises', 'deregistered_reason', 'VARCHAR(10)'),
    ('incubators', 'closed_on', 'DATE'),
)
TYPES = {'VARCHAR(50)': sa.String(50), 'VARCHAR(10)': sa.String(10), 'DATE': sa.Date()}


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for table, column, sql_type in COLUMNS:
            checks = ''.join(
                f' CONSTRAINT {name} CHECK ({condition})'
                for name, (on_table, on_column, condition) in CHECKS.items()
                if (on_table, on_column) == (table, column)
            )
            op.execute(f'ALTER TABLE {table} ADD COLUMN {column} {sql_type}{checks}')
    else:
        for table, column, sql_type in COLUMNS:
            op.add_column(table, sa.Column(column, TYPES[sql_type], nullable=True))
        for name, (table, _column, condition) in CHECKS.items():
            op.create_check_constraint(op.f(name), table, condition)
    # "exists on day D" reads the firms deregistered by D from this index (the summary's every 家 number)
    op.create_index(op.f('ix_enterprises_deregistered_on'), 'enterprises', ['deregistered_on'])


def downgrade():
    op.drop_index(op.f('ix_enterprises_deregistered_on'), table_name='enterprises')
    if op.get_bind().dialect.name == 'sqlite':
        for table, column, _sql_type in reversed(COLUMNS):
            op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
        return
    for name, (table, _column, _condition) in CHECKS.items():
        op.drop_constraint(op.f(name), table, type_='check')
    for table, column, _sql_type in reversed(COLUMNS):
        op.drop_column(table, column)
