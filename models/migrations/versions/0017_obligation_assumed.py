"""What a deadline assumed, kept with its obligation: the pack's note, or that the date is an
estimate (it depends on a Tết break not decided yet). Obligations planned before have none.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("obligation") as batch:
        batch.add_column(sa.Column("assumed", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("obligation") as batch:
        batch.drop_column("assumed")
