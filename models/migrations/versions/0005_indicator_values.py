"""Figures typed for the rows of indicator tables (Phụ lục 01); ratios are computed, never stored.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.columns import Instant

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator_code", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("entered_by", sa.String(length=120), nullable=False),
        sa.Column("entered_at", Instant(), nullable=False),
        sa.UniqueConstraint("pack_id", "form_id", "year", "indicator_code", "unit_id", name="uq_indicator_value_key"),
    )
    op.create_index("ix_indicator_value_form_year", "indicator_value", ["pack_id", "form_id", "year"])


def downgrade() -> None:
    op.drop_index("ix_indicator_value_form_year", table_name="indicator_value")
    op.drop_table("indicator_value")
