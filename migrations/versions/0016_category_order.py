"""category order: persons.category_order_date, category_order_number, category_reminded_order
(issue 18)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 17:35:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("category_reminded_order", "category_order_number", "category_order_date")


def upgrade() -> None:
    # Plain ADD COLUMN on SQLite too (batch mode recreates a table only for other operations).
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category_order_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("category_order_number", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("category_reminded_order", sa.Date(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # DROP COLUMN in place (SQLite 3.35+): recreating `persons` (batch mode) would drop it,
        # and with foreign keys on that deletes or clears every row that points at a person.
        for column in COLUMNS:
            op.execute(f"ALTER TABLE persons DROP COLUMN {column}")
        return
    for column in COLUMNS:
        op.drop_column("persons", column)
