"""Sources keep the date their file's metadata gives (PDF, DOCX) apart from the document's date:
a PDF printed today carries today's date, which is used only when the text states none. And the
length of their text, indexed, to find near-identical copies of a document (`atlas/twins.py`).

Revision ID: 0005
Revises: 0001

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('metadata_date', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('text_length', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sources_text_length'), ['text_length'], unique=False)
    op.execute("UPDATE sources SET text_length = LENGTH(text)")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sources_text_length'))
        batch_op.drop_column('text_length')
        batch_op.drop_column('metadata_date')
