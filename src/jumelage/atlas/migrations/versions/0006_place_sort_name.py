"""Places sort by a folded key in French order: `places.sort_name` (`atlas.names.sort_key`).

Lists sorted by the raw name put « Évry » and « Île-d'Yeu » after « Zurich » (accented letters
come after `z` in binary order) and differed between SQLite and PostgreSQL (whose default
collation ignores spaces). The key is computed in Python for every stored place, compared in
collation `C` on PostgreSQL, and indexed with the id for the keyset pages of `places`.

Revision ID: 0006
Revises: 0005

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from jumelage.atlas.names import sort_key

# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_SORT_TEXT = sa.String(600).with_variant(sa.String(600, collation="C"), "postgresql")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_name', _SORT_TEXT, nullable=True))
    conn = op.get_bind()
    rows = [{"i": pid, "k": sort_key(name)}
            for pid, name in conn.execute(sa.text("SELECT id, name FROM places"))]
    for at in range(0, len(rows), 1000):
        conn.execute(sa.text("UPDATE places SET sort_name = :k WHERE id = :i"), rows[at:at + 1000])
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.alter_column('sort_name', existing_type=_SORT_TEXT, nullable=False)
        batch_op.drop_index('ix_places_name_id')
        batch_op.create_index('ix_places_sort_name_id', ['sort_name', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_index('ix_places_sort_name_id')
        batch_op.create_index('ix_places_name_id', ['name', 'id'], unique=False)
        batch_op.drop_column('sort_name')
