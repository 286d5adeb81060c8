"""Lineage as data: which unit took over which, by unit id (a code names another unit after 2025).

Units imported earlier with ``merged_into`` get their lineage rows here: each code is resolved to
the unit holding it on the day after the predecessor's last day; a code that names no unit then is
left out (the import of today refuses it).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unit_lineage",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("predecessor_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("successor_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("took_over_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False, server_default=""),
        sa.UniqueConstraint("predecessor_id", "successor_id", name="uq_unit_lineage_pair"),
    )
    op.create_index("ix_unit_lineage_successor", "unit_lineage", ["successor_id"])
    with op.batch_alter_table("unit") as batch:
        batch.alter_column("merged_into", type_=sa.String(length=255), existing_type=sa.String(length=32))
    bind = op.get_bind()
    merged = bind.execute(
        sa.text("SELECT id, merged_into, valid_to FROM unit WHERE merged_into IS NOT NULL AND valid_to IS NOT NULL")
    ).all()
    rows = []
    for unit_id, codes, valid_to in merged:
        last = date.fromisoformat(valid_to) if isinstance(valid_to, str) else valid_to  # SQLite returns text
        day = last + timedelta(days=1)
        for code in codes.replace(";", ",").replace(" ", ",").split(","):
            if not code:
                continue
            found = bind.execute(
                sa.text(
                    "SELECT id FROM unit WHERE code = :code AND valid_from <= :day "
                    "AND (valid_to IS NULL OR valid_to >= :day)"
                ),
                {"code": code, "day": day},
            ).first()
            if found is not None:
                rows.append({"p": unit_id, "s": found[0], "day": day, "source": "merged_into"})
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO unit_lineage (predecessor_id, successor_id, took_over_on, source) "
                "VALUES (:p, :s, :day, :source)"
            ),
            rows,
        )


def downgrade() -> None:
    op.drop_index("ix_unit_lineage_successor", table_name="unit_lineage")
    op.drop_table("unit_lineage")
    with op.batch_alter_table("unit") as batch:
        batch.alter_column("merged_into", type_=sa.String(length=32), existing_type=sa.String(length=255))
