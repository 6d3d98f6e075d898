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
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN with its foreign key inline: recreating `survey_responses` (batch mode)
        # would drop the table, and with foreign keys on that deletes every survey_answers
        # row (ON DELETE CASCADE).
        op.execute(
            "ALTER TABLE survey_responses ADD COLUMN school_id INTEGER "
            "CONSTRAINT fk_survey_responses_school_id_schools "
            "REFERENCES schools (id) ON DELETE SET NULL"
        )
        op.execute("ALTER TABLE survey_responses ADD COLUMN subject VARCHAR(300)")
        return
    op.add_column(
        "survey_responses",
        sa.Column("school_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
    )
    op.add_column("survey_responses", sa.Column("subject", sa.String(length=300), nullable=True))
    op.create_foreign_key(
        op.f("fk_survey_responses_school_id_schools"),
        "survey_responses",
        "schools",
        ["school_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # DROP COLUMN in place (SQLite 3.35+), no table rebuild: the answers stay.
        op.execute("ALTER TABLE survey_responses DROP COLUMN subject")
        op.execute("ALTER TABLE survey_responses DROP COLUMN school_id")
        return
    op.drop_constraint(
        op.f("fk_survey_responses_school_id_schools"), "survey_responses", type_="foreignkey"
    )
    op.drop_column("survey_responses", "subject")
    op.drop_column("survey_responses", "school_id")
