"""Initial schema, part 1: reference tables, accounts and the change log, and the seeded certification kinds.

The programme records follow in 0001b (one schema, two files).

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 10:22:30.439644

"""
from alembic import op
import sqlalchemy as sa
from datetime import datetime, timezone


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


TABLES = [  # in creation order: a table after those it refers to
    'certification_kinds',
    'tags',
    'towns',
    'users',
    'api_tokens',
    'change_log',
    'parks',
    'report_snapshots',
    'user_roles',
]

# The certification kinds of DESIGN.md §3. They are data (policy changes: 2022, 2025, 2026); admins add more.
CERTIFICATION_KINDS = [
    ("tech_sme", "科技型中小企业", "calendar_year", None),
    ("high_tech", "高新技术企业", "years:3", r"^GR\d{12}$"),
    ("innovative_sme", "创新型中小企业", "years:3", None),
    ("srdi_sme", "专精特新中小企业", "years:3", None),
    ("srdi_product", "专精特新产品", "years:3", None),
    ("little_giant", "专精特新“小巨人”企业", "years:3", None),
    ("single_champion", "制造业单项冠军", "years:3", None),
    ("tech_innovative_sme", "科技和创新型中小企业", "years:3", None),
]


def seed_certification_kinds():
    kinds = sa.table(
        "certification_kinds",
        sa.column("code", sa.String), sa.column("name", sa.String), sa.column("validity", sa.String),
        sa.column("number_pattern", sa.String), sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime), sa.column("version", sa.Integer),
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(kinds, [
        {"code": code, "name": name, "validity": validity, "number_pattern": pattern,
         "created_at": now, "updated_at": now, "version": 1}
        for code, name, validity, pattern in CERTIFICATION_KINDS
    ])


def upgrade():
    op.create_table('certification_kinds',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('validity', sa.String(length=20), nullable=False),
    sa.Column('number_pattern', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint("validity = 'calendar_year' OR validity = 'none' OR validity LIKE 'years:%'", name=op.f('ck_certification_kinds_validity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_kinds')),
    sa.UniqueConstraint('code', name=op.f('uq_certification_kinds_code')),
    sa.UniqueConstraint('name', name=op.f('uq_certification_kinds_name'))
    )

    op.create_table('tags',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint("code <> ''", name=op.f('ck_tags_code_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags')),
    sa.UniqueConstraint('code', name=op.f('uq_tags_code')),
    sa.UniqueConstraint('name', name=op.f('uq_tags_name'))
    )

    op.create_table('towns',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_towns')),
    sa.UniqueConstraint('code', name=op.f('uq_towns_code')),
    sa.UniqueConstraint('name', name=op.f('uq_towns_name'))
    )

    op.create_table('users',
    sa.Column('username', sa.String(length=50), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('change_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sa.String(length=100), nullable=True),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=300), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_change_log_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_log'))
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_change_log_enterprise_id_at', ['enterprise_id', 'at'], unique=False)
        batch_op.create_index('ix_change_log_object_type_object_id', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_log_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_log_user_id'), ['user_id'], unique=False)

    op.create_table('parks',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('town_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['town_id'], ['towns.id'], name=op.f('fk_parks_town_id_towns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parks')),
    sa.UniqueConstraint('name', name=op.f('uq_parks_name'))
    )
    with op.batch_alter_table('parks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parks_town_id'), ['town_id'], unique=False)

    op.create_table('report_snapshots',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_report_snapshots_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_snapshots'))
    )

    op.create_table('user_roles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=17), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'science_bureau', 'incubator_manager', 'finance_officer', 'report_writer')", name=op.f('ck_user_roles_role')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )
    seed_certification_kinds()


def downgrade():
    # A table's indexes and constraints go with it, on SQLite and PostgreSQL alike.
    for table in reversed(TABLES):
        op.drop_table(table)
