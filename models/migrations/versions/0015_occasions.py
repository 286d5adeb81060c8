"""Occasions: the events and requests that start reports due when something happens; their
obligations go in a cycle of their own per pack and year.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.columns import Instant

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "occasion",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("recorded_at", Instant(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("note", sa.String(length=2000), nullable=True),
        sa.UniqueConstraint("pack_id", "kind", "name", "unit_id", "day", name="uq_occasion"),
    )
    op.create_index("ix_occasion_unit_id", "occasion", ["unit_id"])


def downgrade() -> None:
    op.drop_table("occasion")
