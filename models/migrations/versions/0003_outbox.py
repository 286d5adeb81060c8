"""The outbox (notice), the instant an obligation was last returned, and each cycle's ladders.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.columns import Instant

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("obligation") as batch:
        batch.add_column(sa.Column("returned_at", Instant(), nullable=True))
    with op.batch_alter_table("cycle") as batch:
        batch.add_column(sa.Column("reminders", sa.Text(), nullable=True))
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("obligation_id", sa.Integer(), sa.ForeignKey("obligation.id"), nullable=True),
        sa.Column("step", sa.String(length=100), nullable=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=True),
        sa.Column("recipient_role", sa.String(length=24), nullable=False),
        sa.Column("recipient_name", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("template", sa.String(length=24), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("fallback_of", sa.Integer(), sa.ForeignKey("notice.id"), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=2000), nullable=True),
        sa.Column("result", sa.String(length=500), nullable=True),
        sa.Column("created_at", Instant(), nullable=False),
        sa.Column("not_before", Instant(), nullable=False),
        sa.Column("sent_at", Instant(), nullable=True),
        sa.UniqueConstraint("key", name="uq_notice_key"),
    )
    op.create_index("ix_notice_obligation_id", "notice", ["obligation_id"])
    op.create_index("ix_notice_status_ready", "notice", ["status", "not_before"])


def downgrade() -> None:
    op.drop_table("notice")
    with op.batch_alter_table("cycle") as batch:
        batch.drop_column("reminders")
    with op.batch_alter_table("obligation") as batch:
        batch.drop_column("returned_at")
