"""files people send (meeting materials, proposal attachments, announcement files) keep their
bytes in stored_files, so they survive a new bot token (issue 14)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("meeting_materials", "agenda_proposals", "announcements")


def upgrade() -> None:
    # Rows from before keep only Telegram's file_id: they are sent by it as before.
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "stored_file_id",
                    sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                    nullable=True,
                )
            )
            batch_op.create_foreign_key(
                op.f(f"fk_{table}_stored_file_id_stored_files"),
                "stored_files",
                ["stored_file_id"],
                ["id"],
                ondelete="SET NULL",
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                op.f(f"fk_{table}_stored_file_id_stored_files"), type_="foreignkey"
            )
            batch_op.drop_column("stored_file_id")
