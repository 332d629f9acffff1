"""dated fields: histories (spans) of enterprise tags, high-value IP counts and listing tiers

Creates ``enterprise_tag_spans``, ``enterprise_ip_spans`` and ``listing_tier_spans`` (DESIGN.md §3, "Dated
fields"; records/dated.py) and turns today's values into spans, all still open:

- every tag a firm carries and its high-value IP count (0 included) start on the firm's ``established_on``
  when known, else on the day the firm was entered (the date of its ``created_at``);
- every listing candidate's tier starts on its ``entered_on`` (the day it joined the reserve).

Why these starts: until now every report read today's values for every period, so any start moves some
past number; these move the fewest. A firm does not exist before it is established (DESIGN.md §3), so from
``established_on`` on the spans give exactly what the reports gave, and before it the firm counts nowhere
anyway — nothing already reported about an established firm moves. A candidate has no tier before it entered
the reserve, and the reserve indicators count it only from ``entered_on``, so the same holds. Only a firm
without an establishment date (mostly unregistered teams, which hold few tags) reads its values from the day
it was entered: before that day the registry cannot vouch for them, and the earliest date it knows is that
one. The write path gives firms registered from now on the same start (records/dated.py), so a firm entered
today and one entered before this revision read alike.

Revision ID: 0007_dated_fields
Revises: 0006_firm_ends
Create Date: 2026-12-02 10:00:00.000000

"""
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007_dated_fields'
down_revision = '0006_firm_ends'
branch_labels = None
depends_on = None


def _span_columns(table):
    return [
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from',
                           name=op.f(f'ck_{table}_valid_to_after_valid_from')),
    ]


def upgrade():
    op.create_table(
        'enterprise_tag_spans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('tag_id', sa.Integer(), nullable=False),
        *_span_columns('enterprise_tag_spans'),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'],
                                name=op.f('fk_enterprise_tag_spans_enterprise_id_enterprises')),
        sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_enterprise_tag_spans_tag_id_tags')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_tag_spans')),
    )
    op.create_index('ix_enterprise_tag_spans_enterprise_id_valid_from', 'enterprise_tag_spans',
                    ['enterprise_id', 'valid_from'], unique=False)
    op.create_index('ix_enterprise_tag_spans_tag_id_valid_from', 'enterprise_tag_spans',
                    ['tag_id', 'valid_from', 'valid_to', 'enterprise_id'], unique=False)

    op.create_table(
        'enterprise_ip_spans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        *_span_columns('enterprise_ip_spans'),
        sa.CheckConstraint('value >= 0', name=op.f('ck_enterprise_ip_spans_value')),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'],
                                name=op.f('fk_enterprise_ip_spans_enterprise_id_enterprises')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_ip_spans')),
    )
    op.create_index('ix_enterprise_ip_spans_enterprise_id_valid_from', 'enterprise_ip_spans',
                    ['enterprise_id', 'valid_from', 'valid_to'], unique=False)

    op.create_table(
        'listing_tier_spans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('tier', sa.String(length=7), nullable=False),
        *_span_columns('listing_tier_spans'),
        sa.CheckConstraint("tier IN ('key', 'general')", name=op.f('ck_listing_tier_spans_tier')),
        sa.ForeignKeyConstraint(['candidate_id'], ['listing_candidates.id'],
                                name=op.f('fk_listing_tier_spans_candidate_id_listing_candidates')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_tier_spans')),
    )
    op.create_index('ix_listing_tier_spans_candidate_id_valid_from', 'listing_tier_spans',
                    ['candidate_id', 'valid_from', 'valid_to'], unique=False)

    spans_from_current_values(op.get_bind())


def downgrade():
    op.drop_index('ix_listing_tier_spans_candidate_id_valid_from', table_name='listing_tier_spans')
    op.drop_table('listing_tier_spans')
    op.drop_index('ix_enterprise_ip_spans_enterprise_id_valid_from', table_name='enterprise_ip_spans')
    op.drop_table('enterprise_ip_spans')
    op.drop_index('ix_enterprise_tag_spans_tag_id_valid_from', table_name='enterprise_tag_spans')
    op.drop_index('ix_enterprise_tag_spans_enterprise_id_valid_from', table_name='enterprise_tag_spans')
    op.drop_table('enterprise_tag_spans')


def firm_start(established_on, created_at) -> date:
    """The day a firm's current values start: its establishment, else the day it was entered."""
    if established_on is not None:
        return established_on
    if isinstance(created_at, datetime):
        return created_at.date()
    return created_at if isinstance(created_at, date) else date.today()


CHUNK = 1000


def _insert(connection, table, rows):
    for start in range(0, len(rows), CHUNK):
        connection.execute(sa.insert(table), rows[start:start + CHUNK])


def spans_from_current_values(connection) -> dict[str, int]:
    """One open span per current value (see the docstring for the starts); returns the spans written by
    table. Written for a database without spans: run once, by the upgrade."""
    enterprises = sa.table(
        'enterprises', sa.column('id', sa.Integer), sa.column('established_on', sa.Date),
        sa.column('created_at', sa.DateTime), sa.column('high_value_ip_count', sa.Integer),
    )
    enterprise_tags = sa.table('enterprise_tags', sa.column('enterprise_id', sa.Integer),
                               sa.column('tag_id', sa.Integer))
    candidates = sa.table('listing_candidates', sa.column('id', sa.Integer), sa.column('entered_on', sa.Date),
                          sa.column('tier', sa.String))
    tag_spans = sa.table('enterprise_tag_spans', sa.column('enterprise_id', sa.Integer),
                         sa.column('tag_id', sa.Integer), sa.column('valid_from', sa.Date))
    ip_spans = sa.table('enterprise_ip_spans', sa.column('enterprise_id', sa.Integer),
                        sa.column('value', sa.Integer), sa.column('valid_from', sa.Date))
    tier_spans = sa.table('listing_tier_spans', sa.column('candidate_id', sa.Integer),
                          sa.column('tier', sa.String), sa.column('valid_from', sa.Date))

    starts, ip_rows = {}, []
    for firm_id, established_on, created_at, ip_count in connection.execute(
        sa.select(enterprises.c.id, enterprises.c.established_on, enterprises.c.created_at,
                  enterprises.c.high_value_ip_count).order_by(enterprises.c.id)
    ):
        starts[firm_id] = firm_start(established_on, created_at)
        ip_rows.append({'enterprise_id': firm_id, 'value': ip_count or 0, 'valid_from': starts[firm_id]})
    tag_rows = [
        {'enterprise_id': firm_id, 'tag_id': tag_id, 'valid_from': starts[firm_id]}
        for firm_id, tag_id in connection.execute(
            sa.select(enterprise_tags.c.enterprise_id, enterprise_tags.c.tag_id)
            .order_by(enterprise_tags.c.enterprise_id, enterprise_tags.c.tag_id)
        )
    ]
    tier_rows = [
        {'candidate_id': candidate_id, 'tier': tier, 'valid_from': entered_on}
        for candidate_id, entered_on, tier in connection.execute(
            sa.select(candidates.c.id, candidates.c.entered_on, candidates.c.tier).order_by(candidates.c.id)
        )
    ]
    _insert(connection, tag_spans, tag_rows)
    _insert(connection, ip_spans, ip_rows)
    _insert(connection, tier_spans, tier_rows)
    return {'enterprise_tag_spans': len(tag_rows), 'enterprise_ip_spans': len(ip_rows),
            'listing_tier_spans': len(tier_rows)}
