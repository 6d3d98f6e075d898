"""schools: a typed school a reviewer rejected is kept, marked «rejected» (issue 20)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES_BEFORE = ("approved", "pending")
STATUSES = (*STATUSES_BEFORE, "rejected")


def _statuses(values: Sequence[str]) -> str:
    return "status IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_schools_schoolstatus"), type_="check")
        batch_op.create_check_constraint(op.f("ck_schools_schoolstatus"), _statuses(STATUSES))


def downgrade() -> None:
    # A rejected school goes as it went before: its people keep no school.
    op.execute(
        "UPDATE persons SET school_id = NULL WHERE school_id IN "
        "(SELECT id FROM schools WHERE status = 'rejected')"
    )
    op.execute("DELETE FROM schools WHERE status = 'rejected'")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_schools_schoolstatus"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_schools_schoolstatus"), _statuses(STATUSES_BEFORE)
        )
