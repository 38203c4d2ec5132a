"""Data migration: the stored name keys follow the one name key, `jumelage.names.name_key`.

Before this revision the atlas folded names with its own copy of the key, which dropped letters
such as `ħ` and `ŋ` (« Ħamrun » was stored as `amrun` while the gazetteer said `hamrun`). This
revision recomputes `place_names.folded` and `organisations.folded` with `name_key` at version
`NAME_KEY_VERSION` below (organisations whose names now share a key become one). No table
changes. Each later change of `NAME_KEY_VERSION` needs a revision like this one (a test checks
that the newest such revision names the current version).

Downgrade changes nothing: the older keys are not worth restoring (an older jumelage reading the
atlas would only miss the few names whose key changed).

Revision ID: 0002
Revises: 0001

"""
from typing import Sequence, Union

from alembic import op

from jumelage.atlas.names import rekey_stored_names

# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

NAME_KEY_VERSION = 2  # the version of `jumelage.names.name_key` the stored keys are brought to


def upgrade() -> None:
    """Recompute the stored name keys."""
    rekey_stored_names(op.get_bind())


def downgrade() -> None:
    """Nothing to undo (see the module docstring)."""
