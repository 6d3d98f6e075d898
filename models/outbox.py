"""Delivery: the outbox (every message the bot must send later), broadcasts with their
progress message, and files the bot uploads once and re-sends by Telegram's file_id."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, str_enum


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a tick; `started_at` set once its call is under way
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxMessage(IdMixin, Base):
    """One message to one recipient (a person, or a chat such as a linked group)."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("(person_id IS NOT NULL) OR (chat_id IS NOT NULL)", name="recipient"),
        # The tick's two queries read only these partial indexes: their size is the number
        # of rows waiting or in flight, whatever the size of the table.
        Index(
            "ix_outbox_due",
            "due_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "ix_outbox_lease",
            "lease_until",
            sqlite_where=text("status = 'sending'"),
            postgresql_where=text("status = 'sending'"),
        ),
    )

    kind: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    template: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime]
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    doubts: Mapped[int] = mapped_column(default=0, server_default="0")  # calls left unanswered
    parts_done: Mapped[int] = mapped_column(default=0, server_default="0")
    lease_until: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error_code: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(300))
    group_key: Mapped[str] = mapped_column(String(64), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Broadcast(IdMixin, Base):
    """A fan-out somebody started: their progress message, edited as the group goes out,
    then a summary of who could not be reached."""

    __tablename__ = "broadcasts"

    group_key: Mapped[str] = mapped_column(String(64), unique=True)
    started_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    locale: Mapped[str] = mapped_column(String(8), default="ru")
    total: Mapped[int]
    last_text: Mapped[str | None] = mapped_column(String(500))
    last_edit_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class StoredFile(IdMixin, Base):
    """A file the bot sends (an ICS invite, a protocol): uploaded once, then by file_id."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    telegram_file_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
