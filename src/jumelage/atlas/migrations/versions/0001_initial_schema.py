"""Initial atlas schema: sources, places and their names, organisations, partnerships and their
status history, actions, initiatives, and the evidence linking every record to its sources.

Revision ID: 0001
Revises: 

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.String(length=10), nullable=True),
    sa.Column('end_date', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('amounts', sa.JSON(), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("review_state IN ('extracted', 'confirmed', 'corrected', 'rejected', 'manual')", name=op.f('ck_actions_review_state')),
    sa.CheckConstraint("status IN ('done', 'ongoing', 'planned', 'cancelled', 'abandoned')", name=op.f('ck_actions_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_actions_review_state'), 'actions', ['review_state'], unique=False)
    op.create_index(op.f('ix_actions_start_date'), 'actions', ['start_date'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('folded', sa.String(length=500), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("review_state IN ('extracted', 'confirmed', 'corrected', 'rejected', 'manual')", name=op.f('ck_organisations_review_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('folded', name=op.f('uq_organisations_folded')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_organisations_review_state'), 'organisations', ['review_state'], unique=False)

    op.create_table('places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('geonames_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('city', 'region', 'district', 'camp')", name=op.f('ck_places_kind')),
    sa.CheckConstraint("review_state IN ('extracted', 'confirmed', 'corrected', 'rejected', 'manual')", name=op.f('ck_places_review_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places')),
    sa.UniqueConstraint('geonames_id', name=op.f('uq_places_geonames_id')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_places_country'), 'places', ['country'], unique=False)
    op.create_index(op.f('ix_places_review_state'), 'places', ['review_state'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=512), nullable=False),
    sa.Column('content_hash', sa.String(length=128), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('path', sa.Text(), nullable=True),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('name', name=op.f('uq_sources_name')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_sources_content_hash'), 'sources', ['content_hash'], unique=False)

    op.create_table('action_organisations',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_action_organisations_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_action_organisations_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('action_id', 'organisation_id', name=op.f('pk_action_organisations'))
    )
    op.create_index(op.f('ix_action_organisations_organisation_id'), 'action_organisations', ['organisation_id'], unique=False)

    op.create_table('action_places',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("role IN ('actor', 'partner')", name=op.f('ck_action_places_role')),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_action_places_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_action_places_place_id_places')),
    sa.PrimaryKeyConstraint('action_id', 'place_id', name=op.f('pk_action_places'))
    )
    op.create_index(op.f('ix_action_places_place_id'), 'action_places', ['place_id'], unique=False)

    op.create_table('initiatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('context', sa.String(length=100), nullable=True),
    sa.Column('start_date', sa.String(length=10), nullable=True),
    sa.Column('end_date', sa.String(length=10), nullable=True),
    sa.Column('amounts', sa.JSON(), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("review_state IN ('extracted', 'confirmed', 'corrected', 'rejected', 'manual')", name=op.f('ck_initiatives_review_state')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_initiatives_place_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiatives')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_initiatives_place_id'), 'initiatives', ['place_id'], unique=False)
    op.create_index(op.f('ix_initiatives_review_state'), 'initiatives', ['review_state'], unique=False)

    op.create_table('partnerships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_a_id', sa.Integer(), nullable=False),
    sa.Column('place_b_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('since', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('twinning', 'cooperation', 'partnership', 'friendship')", name=op.f('ck_partnerships_kind')),
    sa.CheckConstraint("review_state IN ('extracted', 'confirmed', 'corrected', 'rejected', 'manual')", name=op.f('ck_partnerships_review_state')),
    sa.CheckConstraint("status IN ('proposed', 'active', 'suspended', 'ended')", name=op.f('ck_partnerships_status')),
    sa.CheckConstraint('place_a_id < place_b_id', name=op.f('ck_partnerships_ordered_pair')),
    sa.ForeignKeyConstraint(['place_a_id'], ['places.id'], name=op.f('fk_partnerships_place_a_id_places')),
    sa.ForeignKeyConstraint(['place_b_id'], ['places.id'], name=op.f('fk_partnerships_place_b_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnerships')),
    sa.UniqueConstraint('place_a_id', 'place_b_id', name=op.f('uq_partnerships_place_a_id')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_partnerships_place_a_id'), 'partnerships', ['place_a_id'], unique=False)
    op.create_index(op.f('ix_partnerships_place_b_id'), 'partnerships', ['place_b_id'], unique=False)
    op.create_index(op.f('ix_partnerships_review_state'), 'partnerships', ['review_state'], unique=False)

    op.create_table('place_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('folded', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_place_names_place_id_places'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place_names')),
    sa.UniqueConstraint('place_id', 'name', name=op.f('uq_place_names_place_id')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_place_names_folded'), 'place_names', ['folded'], unique=False)
    op.create_index(op.f('ix_place_names_place_id'), 'place_names', ['place_id'], unique=False)

    op.create_table('initiative_organisations',
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_initiative_organisations_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_initiative_organisations_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('initiative_id', 'organisation_id', name=op.f('pk_initiative_organisations'))
    )
    op.create_index(op.f('ix_initiative_organisations_organisation_id'), 'initiative_organisations', ['organisation_id'], unique=False)

    op.create_table('partnership_statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("review_state IN ('extracted', 'confirmed', 'corrected', 'rejected', 'manual')", name=op.f('ck_partnership_statuses_review_state')),
    sa.CheckConstraint("status IN ('proposed', 'active', 'suspended', 'ended')", name=op.f('ck_partnership_statuses_status')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_statuses_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_statuses')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_partnership_statuses_partnership_id'), 'partnership_statuses', ['partnership_id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=True),
    sa.Column('status_id', sa.Integer(), nullable=True),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('initiative_id', sa.Integer(), nullable=True),
    sa.Column('span_start', sa.Integer(), nullable=True),
    sa.Column('span_end', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('claim', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(CASE WHEN place_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN organisation_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN partnership_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN status_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN action_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN initiative_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_evidence_one_record')),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_evidence_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_evidence_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_evidence_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_evidence_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_evidence_place_id_places'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_evidence_source_id_sources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['partnership_statuses.id'], name=op.f('fk_evidence_status_id_partnership_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_evidence_action_id'), 'evidence', ['action_id'], unique=False)
    op.create_index(op.f('ix_evidence_initiative_id'), 'evidence', ['initiative_id'], unique=False)
    op.create_index(op.f('ix_evidence_organisation_id'), 'evidence', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_evidence_partnership_id'), 'evidence', ['partnership_id'], unique=False)
    op.create_index(op.f('ix_evidence_place_id'), 'evidence', ['place_id'], unique=False)
    op.create_index(op.f('ix_evidence_source_id'), 'evidence', ['source_id'], unique=False)
    op.create_index(op.f('ix_evidence_status_id'), 'evidence', ['status_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_evidence_status_id'), table_name='evidence')
    op.drop_index(op.f('ix_evidence_source_id'), table_name='evidence')
    op.drop_index(op.f('ix_evidence_place_id'), table_name='evidence')
    op.drop_index(op.f('ix_evidence_partnership_id'), table_name='evidence')
    op.drop_index(op.f('ix_evidence_organisation_id'), table_name='evidence')
    op.drop_index(op.f('ix_evidence_initiative_id'), table_name='evidence')
    op.drop_index(op.f('ix_evidence_action_id'), table_name='evidence')

    op.drop_table('evidence')
    op.drop_index(op.f('ix_partnership_statuses_partnership_id'), table_name='partnership_statuses')

    op.drop_table('partnership_statuses')
    op.drop_index(op.f('ix_initiative_organisations_organisation_id'), table_name='initiative_organisations')

    op.drop_table('initiative_organisations')
    op.drop_index(op.f('ix_place_names_place_id'), table_name='place_names')
    op.drop_index(op.f('ix_place_names_folded'), table_name='place_names')

    op.drop_table('place_names')
    op.drop_index(op.f('ix_partnerships_review_state'), table_name='partnerships')
    op.drop_index(op.f('ix_partnerships_place_b_id'), table_name='partnerships')
    op.drop_index(op.f('ix_partnerships_place_a_id'), table_name='partnerships')

    op.drop_table('partnerships')
    op.drop_index(op.f('ix_initiatives_review_state'), table_name='initiatives')
    op.drop_index(op.f('ix_initiatives_place_id'), table_name='initiatives')

    op.drop_table('initiatives')
    op.drop_index(op.f('ix_action_places_place_id'), table_name='action_places')

    op.drop_table('action_places')
    op.drop_index(op.f('ix_action_organisations_organisation_id'), table_name='action_organisations')

    op.drop_table('action_organisations')
    op.drop_index(op.f('ix_sources_content_hash'), table_name='sources')

    op.drop_table('sources')
    op.drop_index(op.f('ix_places_review_state'), table_name='places')
    op.drop_index(op.f('ix_places_country'), table_name='places')

    op.drop_table('places')
    op.drop_index(op.f('ix_organisations_review_state'), table_name='organisations')

    op.drop_table('organisations')
    op.drop_index(op.f('ix_actions_start_date'), table_name='actions')
    op.drop_index(op.f('ix_actions_review_state'), table_name='actions')

    op.drop_table('actions')
