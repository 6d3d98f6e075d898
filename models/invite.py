"""Invite links: deep-link tokens that add a membership, bind a roster row, or a methodist."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, str_enum


class InviteKind(enum.StrEnum):
    CHAIR = "chair"
    DEPUTY = "deputy"
    SECRETARY = "secretary"
    MEMBER = "member"
    METHODIST = "methodist"
    GROUP = "group"  # links the association's group chat (?startgroup=)


class Invite(IdMixin, Base):
    __tablename__ = "invites"
    __table_args__ = (
        CheckConstraint("(association_id IS NOT NULL) OR (service_id IS NOT NULL)", name="target"),
        CheckConstraint("uses_left IS NULL OR uses_left >= 0", name="uses"),
    )

    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[InviteKind] = mapped_column(str_enum(InviteKind))
    association_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    # A personal link binds this roster row to the account that opens it.
    person_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime]
    uses_left: Mapped[int | None]  # None: reusable until it expires
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
