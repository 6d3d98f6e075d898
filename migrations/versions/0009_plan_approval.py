"""plan approval: the agenda question that approves an edition of the annual plan, with the
plan's content frozen when the notice carrying it goes out

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "plan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.add_column(sa.Column("plan_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("plan_snapshot", sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f("ix_agenda_items_plan_id"), ["plan_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_agenda_items_plan_id_annual_plans"),
            "annual_plans",
            ["plan_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_agenda_items_plan_id_annual_plans"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_agenda_items_plan_id"))
        batch_op.drop_column("plan_snapshot")
        batch_op.drop_column("plan_version")
        batch_op.drop_column("plan_id")
