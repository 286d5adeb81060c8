"""The rates' index: a year's obligations in the order the rates count them (cycle, report,
period, level), with every column the count reads, so the national page reads only the index.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As models/tables.py's TALLY_COLUMNS on the day of this revision (a migration never follows later edits).
COLUMNS = ["cycle_id", "report_id", "period", "unit_level", "unit_id", "state", "due_at", "retired", "report_name"]


def upgrade() -> None:
    op.create_index("ix_obligation_tally", "obligation", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_obligation_tally", table_name="obligation")
