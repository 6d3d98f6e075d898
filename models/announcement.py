"""Announcements: a message (text, optional file) to an association's or a whole service's
members. A draft lives here until it is sent, so a restart loses nothing."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, str_enum


class AnnouncementStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"


class Announcement(IdMixin, Base):
    __tablename__ = "announcements"
    __table_args__ = (
        CheckConstraint("(association_id IS NOT NULL) OR (service_id IS NOT NULL)", name="target"),
    )

    author_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    # One association, or (a methodist's) every association of a service.
    association_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(255))  # Telegram's, as the author sent
    file_kind: Mapped[str | None] = mapped_column(String(16))  # document | photo
    file_name: Mapped[str | None] = mapped_column(String(255))
    # Its bytes (kept when it arrived, up to Telegram's 20 MB download limit): sent again
    # from them when Telegram no longer knows the file_id (a new bot token). None: by file_id.
    stored_file_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("stored_files.id", ondelete="SET NULL")
    )
    status: Mapped[AnnouncementStatus] = mapped_column(
        str_enum(AnnouncementStatus), default=AnnouncementStatus.DRAFT
    )
    recipients: Mapped[int | None]
    # To the chairs of the associations only (a methodist's choice), or to every member.
    chairs_only: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    sent_at: Mapped[datetime | None]


class AnnouncementService(Base):
    """The services chosen for a centre's announcement (`Announcement.service_id` is the
    centre): none here means every association of the centre and of the services it groups."""

    __tablename__ = "announcement_services"

    announcement_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("services.id", ondelete="CASCADE"), primary_key=True
    )
