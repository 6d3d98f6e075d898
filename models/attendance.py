"""Attendance and votes: who was at a meeting (with the school at that time, so a teacher who
moves does not rewrite last year's figures) and how each voting member voted on each
question, in the room or by ballot. One row per (meeting, person) and per (question, person)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, str_enum


class Presence(enum.StrEnum):
    PRESENT = "present"  # in the room
    ONLINE = "online"  # a hybrid meeting's online participant
    ABSENT = "absent"
    EXCUSED = "excused"  # absent for a reason


PRESENT_KINDS = (Presence.PRESENT, Presence.ONLINE)


class Attendance(IdMixin, Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    meeting_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    # None: the person has since deleted their data (the row keeps school and role).
    person_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[Presence] = mapped_column(str_enum(Presence))
    reason: Mapped[str | None] = mapped_column(String(300))
    school_name: Mapped[str | None] = mapped_column(String(150))
    role: Mapped[str | None] = mapped_column(String(16))
    voting: Mapped[bool] = mapped_column(default=True, server_default="1")
    by_roll: Mapped[bool] = mapped_column(default=False, server_default="0")
    marked_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    at: Mapped[datetime]


class Choice(enum.StrEnum):
    FOR = "for"  # За
    AGAINST = "against"  # Против
    ABSTAIN = "abstain"  # Воздержался


class Vote(IdMixin, Base):
    """One vote per (question, person), whichever way it was cast: in the room, by ballot,
    or recorded by the secretary for a roll-marked member without the bot (`by_hand_id`)."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("agenda_item_id", "person_id"),)

    agenda_item_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    choice: Mapped[Choice] = mapped_column(str_enum(Choice))
    by_ballot: Mapped[bool] = mapped_column(default=False, server_default="0")
    by_hand_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    at: Mapped[datetime]
