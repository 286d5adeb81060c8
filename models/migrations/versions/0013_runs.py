"""Runs: every run of a job (plan, sweep, digests, retries, roll-up), who started it, with what,
and how it ended; `dunghan runs` and the admin's page list them.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.columns import Instant

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "run",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("who", sa.String(length=120), nullable=False),
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("started_at", Instant(), nullable=False),
        sa.Column("finished_at", Instant(), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("counts", sa.Text(), nullable=True),
    )
    op.create_index("ix_run_started_at", "run", ["started_at"])


def downgrade() -> None:
    op.drop_table("run")
