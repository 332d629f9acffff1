"""Initial schema, part 2: the programme records — firms, incubators and tenancies, certifications,
outreach and loans, the listing reserve and trainings (DESIGN.md §3).

Revision ID: 0001b
Revises: 0001
Create Date: 2026-11-27 10:22:30.439644

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001b'
down_revision = '0001'
branch_labels = None
depends_on = None

TABLES = [  # in creation order: a table after those it refers to
    'trainings',
    'incubators',
    'enterprises',
    'incubator_managers',
    'certifications',
    'enterprise_founder_groups',
    'enterprise_tags',
    'listing_candidates',
    'outreach',
    'pledge_loans',
    'tenancies',
    'training_participants',
    'stage_changes',
]


def upgrade():
    op.create_table('trainings',
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.String(length=7), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint("topic IN ('listing', 'ip', 'other')", name=op.f('ck_trainings_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainings'))
    )
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainings_held_on'), ['held_on'], unique=False)
        batch_op.create_index('ix_trainings_topic_held_on', ['topic', 'held_on'], unique=False)

    op.create_table('incubators',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=15), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('town_id', sa.Integer(), nullable=False),
    sa.Column('operator', sa.String(length=100), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('area_m2', sa.BigInteger(), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint("kind IN ('tech_incubator', 'maker_space', 'university_park', 'startup_base', 'other')", name=op.f('ck_incubators_kind')),
    sa.CheckConstraint("level IN ('national', 'provincial', 'municipal', 'county', 'none')", name=op.f('ck_incubators_level')),
    sa.CheckConstraint('area_m2 >= 0', name=op.f('ck_incubators_area_m2')),
    sa.ForeignKeyConstraint(['town_id'], ['towns.id'], name=op.f('fk_incubators_town_id_towns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incubators')),
    sa.UniqueConstraint('name', name=op.f('uq_incubators_name'))
    )
    with op.batch_alter_table('incubators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incubators_opened_on'), ['opened_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_incubators_town_id'), ['town_id'], unique=False)

    op.create_table('enterprises',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('legal_form', sa.String(length=11), nullable=False),
    sa.Column('town_id', sa.Integer(), nullable=False),
    sa.Column('park_id', sa.Integer(), nullable=True),
    sa.Column('industry', sa.String(length=1), nullable=True),
    sa.Column('established_on', sa.Date(), nullable=True),
    sa.Column('registered_capital_wan', sa.BigInteger(), nullable=True),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.Column('rd_staff', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('contact_name', sa.String(length=50), nullable=True),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('high_value_ip_count', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint("industry IN ('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T')", name=op.f('ck_enterprises_industry')),
    sa.CheckConstraint("legal_form IN ('company', 'individual', 'cooperative', 'team')", name=op.f('ck_enterprises_legal_form')),
    sa.CheckConstraint('employees >= 0', name=op.f('ck_enterprises_employees')),
    sa.CheckConstraint('high_value_ip_count >= 0', name=op.f('ck_enterprises_high_value_ip_count')),
    sa.CheckConstraint('rd_staff >= 0', name=op.f('ck_enterprises_rd_staff')),
    sa.CheckConstraint('registered_capital_wan >= 0', name=op.f('ck_enterprises_registered_capital_wan')),
    sa.ForeignKeyConstraint(['park_id'], ['parks.id'], name=op.f('fk_enterprises_park_id_parks')),
    sa.ForeignKeyConstraint(['town_id'], ['towns.id'], name=op.f('fk_enterprises_town_id_towns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprises')),
    sa.UniqueConstraint('uscc', name=op.f('uq_enterprises_uscc'))
    )
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprises_established_on'), ['established_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprises_high_value_ip_count'), ['high_value_ip_count'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprises_industry'), ['industry'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprises_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprises_park_id'), ['park_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprises_town_id'), ['town_id'], unique=False)

    op.create_table('incubator_managers',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('incubator_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incubator_id'], ['incubators.id'], name=op.f('fk_incubator_managers_incubator_id_incubators')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_incubator_managers_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'incubator_id', name=op.f('pk_incubator_managers'))
    )
    with op.batch_alter_table('incubator_managers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incubator_managers_incubator_id'), ['incubator_id'], unique=False)

    op.create_table('certifications',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('batch', sa.Integer(), nullable=True),
    sa.Column('certificate_no', sa.String(length=50), nullable=True),
    sa.Column('key_support', sa.Boolean(), nullable=False),
    sa.Column('product_name', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint("level IN ('national', 'provincial', 'municipal', 'county', 'none')", name=op.f('ck_certifications_level')),
    sa.CheckConstraint("status <> 'revoked' OR revoked_on IS NOT NULL", name=op.f('ck_certifications_revoked_on_required')),
    sa.CheckConstraint("status IN ('applied', 'approved', 'rejected', 'revoked')", name=op.f('ck_certifications_status')),
    sa.CheckConstraint("status NOT IN ('approved', 'revoked') OR approved_on IS NOT NULL", name=op.f('ck_certifications_approved_on_required')),
    sa.CheckConstraint('batch IS NULL OR batch >= 1', name=op.f('ck_certifications_batch_positive')),
    sa.CheckConstraint('revoked_on IS NULL OR approved_on IS NULL OR revoked_on >= approved_on', name=op.f('ck_certifications_revoked_after_approved')),
    sa.CheckConstraint('valid_until IS NULL OR approved_on IS NULL OR valid_until >= approved_on', name=op.f('ck_certifications_valid_after_approved')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_certifications_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['kind'], ['certification_kinds.code'], name=op.f('fk_certifications_kind_certification_kinds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certifications'))
    )
    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certifications_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index('ix_certifications_kind_applied_on', ['kind', 'applied_on'], unique=False)
        batch_op.create_index('ix_certifications_kind_approved_on', ['kind', 'approved_on'], unique=False)
        batch_op.create_index('ix_certifications_kind_valid_until', ['kind', 'valid_until'], unique=False)

    op.create_table('enterprise_founder_groups',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('founder_group', sa.String(length=17), nullable=False),
    sa.CheckConstraint("founder_group IN ('veteran', 'college_student', 'returning_migrant', 'woman', 'researcher', 'returnee')", name=op.f('ck_enterprise_founder_groups_founder_group')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_enterprise_founder_groups_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('enterprise_id', 'founder_group', name=op.f('pk_enterprise_founder_groups'))
    )
    with op.batch_alter_table('enterprise_founder_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_founder_groups_founder_group'), ['founder_group'], unique=False)

    op.create_table('enterprise_tags',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_enterprise_tags_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_enterprise_tags_tag_id_tags')),
    sa.PrimaryKeyConstraint('enterprise_id', 'tag_id', name=op.f('pk_enterprise_tags'))
    )
    with op.batch_alter_table('enterprise_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('listing_candidates',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('entered_on', sa.Date(), nullable=False),
    sa.Column('tier', sa.String(length=7), nullable=False),
    sa.Column('target_board', sa.String(length=8), nullable=True),
    sa.Column('sponsor', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint("target_board IN ('main', 'chinext', 'star', 'bse', 'neeq', 'regional', 'overseas')", name=op.f('ck_listing_candidates_target_board')),
    sa.CheckConstraint("tier IN ('key', 'general')", name=op.f('ck_listing_candidates_tier')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_listing_candidates_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_candidates')),
    sa.UniqueConstraint('enterprise_id', name=op.f('uq_listing_candidates_enterprise_id'))
    )
    with op.batch_alter_table('listing_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_candidates_entered_on'), ['entered_on'], unique=False)

    op.create_table('outreach',
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('town_id', sa.Integer(), nullable=True),
    sa.Column('form', sa.String(length=7), nullable=False),
    sa.Column('attendees', sa.Integer(), nullable=True),
    sa.Column('staff', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint("form IN ('visit', 'seminar', 'online')", name=op.f('ck_outreach_form')),
    sa.CheckConstraint('(enterprise_id IS NOT NULL AND town_id IS NULL) OR (enterprise_id IS NULL AND town_id IS NOT NULL)', name=op.f('ck_outreach_exactly_one_target')),
    sa.CheckConstraint('attendees IS NULL OR attendees >= 0', name=op.f('ck_outreach_attendees')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_outreach_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['town_id'], ['towns.id'], name=op.f('fk_outreach_town_id_towns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach'))
    )
    with op.batch_alter_table('outreach', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_town_id'), ['town_id'], unique=False)

    op.create_table('pledge_loans',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('lender', sa.String(length=100), nullable=False),
    sa.Column('guarantor', sa.String(length=100), nullable=True),
    sa.Column('ip_type', sa.String(length=9), nullable=False),
    sa.Column('ip_numbers', sa.String(length=500), nullable=True),
    sa.Column('registration_no', sa.String(length=50), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('amount_wan', sa.BigInteger(), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=9), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint("ip_type IN ('patent', 'trademark', 'copyright', 'mixed')", name=op.f('ck_pledge_loans_ip_type')),
    sa.CheckConstraint("status IN ('active', 'repaid', 'defaulted')", name=op.f('ck_pledge_loans_status')),
    sa.CheckConstraint('amount_wan > 0', name=op.f('ck_pledge_loans_amount_positive')),
    sa.CheckConstraint('term_months IS NULL OR term_months > 0', name=op.f('ck_pledge_loans_term_positive')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_pledge_loans_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_loans'))
    )
    with op.batch_alter_table('pledge_loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_loans_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledge_loans_registered_on'), ['registered_on'], unique=False)

    op.create_table('tenancies',
    sa.Column('incubator_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('moved_in_on', sa.Date(), nullable=False),
    sa.Column('free_space_until', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('exit_reason', sa.String(length=9), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint("exit_reason IN ('graduated', 'moved_out', 'closed', 'other')", name=op.f('ck_tenancies_exit_reason')),
    sa.CheckConstraint('(left_on IS NULL) = (exit_reason IS NULL)', name=op.f('ck_tenancies_exit_reason_with_left_on')),
    sa.CheckConstraint('free_space_until IS NULL OR free_space_until >= moved_in_on', name=op.f('ck_tenancies_free_space_after_moved_in')),
    sa.CheckConstraint('left_on IS NULL OR left_on >= moved_in_on', name=op.f('ck_tenancies_left_after_moved_in')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_tenancies_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['incubator_id'], ['incubators.id'], name=op.f('fk_tenancies_incubator_id_incubators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenancies'))
    )
    with op.batch_alter_table('tenancies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenancies_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index('ix_tenancies_exit_reason_left_on', ['exit_reason', 'left_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenancies_incubator_id'), ['incubator_id'], unique=False)
        batch_op.create_index('ix_tenancies_moved_in_on_left_on', ['moved_in_on', 'left_on'], unique=False)
        batch_op.create_index('uq_tenancies_open', ['incubator_id', 'enterprise_id'], unique=True, sqlite_where=sa.text('left_on IS NULL AND archived_at IS NULL'), postgresql_where=sa.text('left_on IS NULL AND archived_at IS NULL'))

    op.create_table('training_participants',
    sa.Column('training_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_training_participants_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['training_id'], ['trainings.id'], name=op.f('fk_training_participants_training_id_trainings')),
    sa.PrimaryKeyConstraint('training_id', 'enterprise_id', name=op.f('pk_training_participants'))
    )
    with op.batch_alter_table('training_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_participants_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('stage_changes',
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("stage IN ('reserve', 'shareholding_reform', 'tutoring_filed', 'tutoring_accepted', 'application_accepted', 'approved', 'registered', 'listed', 'withdrawn')", name=op.f('ck_stage_changes_stage')),
    sa.ForeignKeyConstraint(['candidate_id'], ['listing_candidates.id'], name=op.f('fk_stage_changes_candidate_id_listing_candidates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_changes'))
    )
    with op.batch_alter_table('stage_changes', schema=None) as batch_op:
        batch_op.create_index('ix_stage_changes_candidate_id_changed_on', ['candidate_id', 'changed_on'], unique=False)
        batch_op.create_index('ix_stage_changes_stage_changed_on', ['stage', 'changed_on'], unique=False)


def downgrade():
    # A table's indexes and constraints go with it, on SQLite and PostgreSQL alike.
    for table in reversed(TABLES):
        op.drop_table(table)
