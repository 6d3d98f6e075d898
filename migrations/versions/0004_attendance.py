"""attendance and votes: the register, votes and ballots, check-in and the live card

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 18:18:27.177480
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attendance",
        sa.Column(
            "meeting_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "present",
                "online",
                "absent",
                "excused",
                name="presence",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("school_name", sa.String(length=150), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("voting", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("by_roll", sa.Boolean(), server_default="0", nullable=False),
        sa.Column(
            "marked_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["marked_by_id"],
            ["persons.id"],
            name=op.f("fk_attendance_marked_by_id_persons"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_attendance_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_attendance_person_id_persons"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint(
            "meeting_id", "person_id", name=op.f("uq_attendance_meeting_id_person_id")
        ),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_person_id"), ["person_id"], unique=False)

    op.create_table(
        "votes",
        sa.Column(
            "agenda_item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "meeting_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "choice",
            sa.Enum(
                "for",
                "against",
                "abstain",
                name="choice",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("by_ballot", sa.Boolean(), server_default="0", nullable=False),
        sa.Column(
            "by_hand_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_votes_agenda_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_hand_id"],
            ["persons.id"],
            name=op.f("fk_votes_by_hand_id_persons"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_votes_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_votes_person_id_persons"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_votes")),
        sa.UniqueConstraint(
            "agenda_item_id", "person_id", name=op.f("uq_votes_agenda_item_id_person_id")
        ),
    )
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_votes_agenda_item_id"), ["agenda_item_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_votes_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_votes_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("vote_opened_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("vote_closed_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("votes_for", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("votes_against", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("votes_abstain", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("vote_present", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("vote_members", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("vote_adopted", sa.Boolean(), nullable=True))

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("checkin_opened_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("checkin_closes_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("checkin_closed_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("checkin_code", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("card_chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("card_message_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("card_text", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("card_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("card_at")
        batch_op.drop_column("card_text")
        batch_op.drop_column("card_message_id")
        batch_op.drop_column("card_chat_id")
        batch_op.drop_column("checkin_code")
        batch_op.drop_column("checkin_closed_at")
        batch_op.drop_column("checkin_closes_at")
        batch_op.drop_column("checkin_opened_at")

    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_column("vote_adopted")
        batch_op.drop_column("vote_members")
        batch_op.drop_column("vote_present")
        batch_op.drop_column("votes_abstain")
        batch_op.drop_column("votes_against")
        batch_op.drop_column("votes_for")
        batch_op.drop_column("vote_closed_at")
        batch_op.drop_column("vote_opened_at")

    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_votes_person_id"))
        batch_op.drop_index(batch_op.f("ix_votes_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_votes_agenda_item_id"))

    op.drop_table("votes")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_person_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_meeting_id"))

    op.drop_table("attendance")
