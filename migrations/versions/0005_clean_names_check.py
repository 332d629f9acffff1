"""names: report stored names with invisible characters or look-alikes; enterprise keys folded anew

Names are now cleaned on input of invisible characters (zero-width, bidi controls, soft hyphen, variation
selectors…), of combining marks on Chinese characters and of radicals drawn like an ideograph, and the
duplicate key folds them too. Rows stored before were not: this revision REPORTS (as warnings, ids and
names) every stored name the cleaning would change and every group of firms whose new keys now collide,
so an administrator can review them; it renames and merges nothing. It recomputes ``enterprises.name_key``
with the new folding (search and the duplicate check read it); the downgrade restores the previous folding.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 11:30:00.000000

"""
import logging
import re
import unicodedata
from collections import defaultdict

from alembic import op
import sqlalchemy as sa

from registry.domain.text import clean_name, clean_text, fold_width, name_key, strip_glosses, to_simplified


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')

# (table, how its names are cleaned on input now)
NAME_COLUMNS = (
    ('enterprises', clean_name),
    ('incubators', clean_name),
    ('towns', clean_text),
    ('parks', clean_text),
    ('tags', clean_text),
    ('certification_kinds', clean_text),
)


def _table(name):
    return sa.table(name, sa.column('id', sa.Integer), sa.column('name', sa.String))


def _enterprises():
    return sa.table('enterprises', sa.column('id', sa.Integer), sa.column('name', sa.String),
                    sa.column('name_key', sa.String))


def shown(text):
    """The name with every character that shows nothing (or only on another) written as its code."""
    return ''.join(
        f'<U+{ord(char):04X}>' if unicodedata.category(char)[0] in 'CM' or 0x2E80 <= ord(char) <= 0x2FDF
        or 0x31C0 <= ord(char) <= 0x31EF or ord(char) == 0x3164 else char
        for char in text
    )


def check_names(connection):
    """Report lines for stored names the cleaning would change and for firms whose new keys collide."""
    lines = []
    for table_name, clean in NAME_COLUMNS:
        table = _table(table_name)
        for row_id, name in connection.execute(sa.select(table.c.id, table.c.name).order_by(table.c.id)):
            cleaned = clean(name)
            if cleaned != name:
                lines.append(f'{table_name} #{row_id}: name {shown(name)!r} would be stored as {cleaned!r}')
    firms = _enterprises()
    groups = defaultdict(list)
    for row in connection.execute(sa.select(firms.c.id, firms.c.name, firms.c.name_key).order_by(firms.c.id)):
        groups[name_key(row.name)].append(row)
    for rows in groups.values():
        if len({row.name_key for row in rows}) > 1:  # the new folding finds these the same firm name
            listed = ', '.join(f'#{row.id} {shown(row.name)!r}' for row in rows)
            lines.append(f'enterprises: possible duplicates under the new name key: {listed}')
    return lines


def recompute_keys(connection, key):
    """Store ``key(name)`` as every firm's ``name_key`` where it differs; returns how many changed."""
    firms = _enterprises()
    changes = [
        {'row_id': row.id, 'new_key': key(row.name)}
        for row in connection.execute(sa.select(firms.c.id, firms.c.name, firms.c.name_key))
        if key(row.name) != row.name_key
    ]
    if changes:
        connection.execute(
            firms.update().where(firms.c.id == sa.bindparam('row_id')).values(name_key=sa.bindparam('new_key')),
            changes,
        )
    return len(changes)


# The key as revision 0004 folded it (before invisible characters, marks and radicals were folded).
_SPACES = re.compile(r'\s+')
_KEY_NOISE = re.compile(r"[\s()\[\]{}<>\"'“”‘’《》〈〉【】「」·•.,，、。\-_—–/\\]+")


def _previous_clean(text):
    return _SPACES.sub(' ', unicodedata.normalize('NFC', fold_width(text or ''))).strip()


def previous_name_key(text):
    name = _previous_clean(strip_glosses(_previous_clean(text)))
    return to_simplified(_KEY_NOISE.sub('', name)).casefold()


def upgrade():
    connection = op.get_bind()
    for line in check_names(connection):
        log.warning('Name check: %s', line)
    recompute_keys(connection, name_key)


def downgrade():
    recompute_keys(op.get_bind(), previous_name_key)
