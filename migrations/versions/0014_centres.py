"""centres: services.centre_id, announcements.chairs_only, announcement_services (issue 18)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 17:32:31.231570
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "announcement_services",
        sa.Column("announcement_id", ID, nullable=False),
        sa.Column("service_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_services_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_announcement_services_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "announcement_id", "service_id", name=op.f("pk_announcement_services")
        ),
    )
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("chairs_only", sa.Boolean(), server_default="0", nullable=False)
        )
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN with its foreign key inline: recreating `services` (batch mode) would
        # drop the table its municipalities and associations point at.
        op.execute(
            "ALTER TABLE services ADD COLUMN centre_id INTEGER "
            "CONSTRAINT fk_services_centre_id_services "
            "REFERENCES services (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("services", sa.Column("centre_id", ID, nullable=True))
        op.create_foreign_key(
            op.f("fk_services_centre_id_services"),
            "services",
            "services",
            ["centre_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index(op.f("ix_services_centre_id"), "services", ["centre_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_services_centre_id"), table_name="services")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE services DROP COLUMN centre_id")
    else:
        op.drop_constraint(op.f("fk_services_centre_id_services"), "services", type_="foreignkey")
        op.drop_column("services", "centre_id")
    if op.get_bind().dialect.name == "sqlite":
        # DROP COLUMN in place: recreating `announcements` (batch mode) would drop it, and
        # with foreign keys on that deletes the rows that point at an announcement.
        op.execute("ALTER TABLE announcements DROP COLUMN chairs_only")
    else:
        op.drop_column("announcements", "chairs_only")
    op.drop_table("announcement_services")
