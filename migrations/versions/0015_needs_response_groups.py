"""a needs survey's response keeps the answerer's school and subject at answer time, for the
methodist's needs breakdown (issue 18, item 3)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Responses from before keep NULL: a named one is grouped by the person's school now.
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "school_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.add_column(sa.Column("subject", sa.String(length=300), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_survey_responses_school_id_schools"),
            "schools",
            ["school_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_survey_responses_school_id_schools"), type_="foreignkey")
        batch_op.drop_column("subject")
        batch_op.drop_column("school_id")
