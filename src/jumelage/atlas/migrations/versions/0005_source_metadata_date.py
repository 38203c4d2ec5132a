"""Sources keep the date their file's metadata gives (PDF, DOCX) apart from the document's date:
a PDF printed today carries today's date, which is used only when the text states none. And the
length of their text, indexed, to find near-identical copies of a document (`atlas/twins.py`);
and `lost_evidence`: what a removed source said about records people reviewed, which stay.

Revision ID: 0005
Revises: 0004

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('metadata_date', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('text_length', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sources_text_length'), ['text_length'], unique=False)
    op.execute("UPDATE sources SET text_length = LENGTH(text)")
    op.create_table('lost_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_name', sa.String(length=512), nullable=False),
    sa.Column('record_kind', sa.String(length=16), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lost_evidence')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('lost_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lost_evidence_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lost_evidence_source_name'), ['source_name'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('lost_evidence')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sources_text_length'))
        batch_op.drop_column('text_length')
        batch_op.drop_column('metadata_date')
