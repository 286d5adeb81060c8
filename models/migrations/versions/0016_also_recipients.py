"""Recipients in one hop: the names a report is also sent to (đồng gửi), beside its principal
recipient. Obligations planned before have none.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("obligation") as batch:
        batch.add_column(sa.Column("also_recipients", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("obligation") as batch:
        batch.drop_column("also_recipients")
