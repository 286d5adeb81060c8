"""Several files to one submission (the web pages take one or more); the single file of every
earlier submission is copied in, so each file of each submission is a row here.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "submission_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submission.id"), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_path", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.create_index("ix_submission_file_submission_id", "submission_file", ["submission_id"])
    op.execute(
        "INSERT INTO submission_file (submission_id, file_name, file_path, sha256, size_bytes) "
        "SELECT id, file_name, file_path, sha256, 0 FROM submission "
        "WHERE file_path IS NOT NULL AND file_name IS NOT NULL AND sha256 IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("submission_file")
