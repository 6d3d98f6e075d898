"""Protocols: one per meeting, numbered per association and school year, with versions.

A version holds the protocol's content as a JSON snapshot (services.protocol_content), so the
names it was signed with stay when a member later asks the bot to forget them. A signed
version is frozen; a correction is a new version and the old one is kept. The association's
interested persons receive every issued protocol as the members do."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin


class Protocol(IdMixin, Base):
    __tablename__ = "protocols"
    __table_args__ = (UniqueConstraint("association_id", "school_year", "number"),)

    meeting_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    association_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    school_year: Mapped[int]  # its first year: 2026 for 2026/27
    number: Mapped[int]
    meeting_day: Mapped[date] = mapped_column(Date)  # local
    due_on: Mapped[date] = mapped_column(Date)  # local: the copy goes out by this day's end
    presiding_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    keeper_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    current_version: Mapped[int] = mapped_column(default=1, server_default="1")
    issued_at: Mapped[datetime | None]  # the first signed version went out
    created_at: Mapped[datetime]


class ProtocolVersion(IdMixin, Base):
    __tablename__ = "protocol_versions"
    __table_args__ = (UniqueConstraint("protocol_id", "version"),)

    protocol_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("protocols.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(default=1, server_default="1")  # each edit: +1
    presiding_signed_at: Mapped[datetime | None]
    keeper_signed_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]  # both signed: frozen
    correction: Mapped[str | None] = mapped_column(String(1000))  # why this version was made
    docx_file_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("stored_files.id", ondelete="SET NULL")
    )
    pdf_file_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("stored_files.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ProtocolRecipient(IdMixin, Base):
    """An interested person outside the association who receives its protocols (a school
    director, the methodological centre): picked by the chair or secretary from their
    Telegram contacts; the copy goes to that chat. Not a member: no roles, no votes."""

    __tablename__ = "protocol_recipients"
    __table_args__ = (UniqueConstraint("association_id", "chat_id"),)

    association_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)  # the person's Telegram id
    name: Mapped[str] = mapped_column(String(150))
    added_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
