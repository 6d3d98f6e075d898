"""A person (may exist before opening the bot: a roster row) and their messenger identities."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, str_enum


class Category(enum.StrEnum):
    NONE = "none"
    FIRST = "first"
    HIGHEST = "highest"
    # The positions of 2022 (педагог-методист, педагог-наставник) are ranked at least as high
    # as высшая (services.compliance.rules.CATEGORY_RANK).
    METHODIST = "methodist"
    MENTOR = "mentor"


class Person(IdMixin, Base):
    __tablename__ = "persons"

    # None only for a tombstone left by /forget.
    full_name: Mapped[str | None] = mapped_column(String(150))
    school_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("schools.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str | None] = mapped_column(String(300))
    locale: Mapped[str | None] = mapped_column(String(8))
    # Data bank of members (002 Annex 4 §5.1); all optional.
    education: Mapped[str | None] = mapped_column(String(300))
    speciality: Mapped[str | None] = mapped_column(String(300))
    total_experience_years: Mapped[int | None]
    teaching_experience_years: Mapped[int | None]
    birth_year: Mapped[int | None]
    category: Mapped[Category | None] = mapped_column(str_enum(Category))
    # The order (приказ) that set the category: its date and number (issue 18); the category's
    # term counts from the date (services.people.databank, the reminder before it ends).
    category_order_date: Mapped[date | None] = mapped_column(Date)
    category_order_number: Mapped[str | None] = mapped_column(String(32))
    # The order date whose term-end reminder went out (once per person and order date,
    # kept longer than the outbox's sent rows are).
    category_reminded_order: Mapped[date | None] = mapped_column(Date)
    awards: Mapped[str | None] = mapped_column(Text)
    titles: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[datetime | None]
    forgotten_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Identity(IdMixin, Base):
    """Links a person to a messenger account: Telegram today, another messenger later."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(16), default="telegram")
    external_id: Mapped[int] = mapped_column(BigInteger)
    # None: not tried yet; False: the last message could not be delivered (blocked, no chat).
    reachable: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
