"""Keep the unit's level on each obligation; order the open-obligation index for the overdue list.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "state IN ('pending', 'returned')"


def upgrade() -> None:
    with op.batch_alter_table("obligation") as batch:
        batch.add_column(sa.Column("unit_level", sa.String(length=16), nullable=True))
    op.execute("UPDATE obligation SET unit_level = (SELECT level FROM unit WHERE unit.id = obligation.unit_id)")
    with op.batch_alter_table("obligation") as batch:
        batch.alter_column("unit_level", existing_type=sa.String(length=16), nullable=False)
        batch.drop_index("ix_obligation_open_due")
        batch.create_index(
            "ix_obligation_open_due",
            ["due_at", "unit_id", "report_id", "period", "hop"],
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )


def downgrade() -> None:
    with op.batch_alter_table("obligation") as batch:
        batch.drop_index("ix_obligation_open_due")
        batch.create_index(
            "ix_obligation_open_due", ["due_at"], postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN)
        )
        batch.drop_column("unit_level")
