"""An association (РМО, ГМО, ШМО, council…) with its rule settings (DOMAIN.md defaults)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, str_enum


class AssociationKind(enum.StrEnum):
    RMO = "rmo"
    GMO = "gmo"
    SHMO = "shmo"
    COUNCIL = "council"
    MMA = "mma"
    RESOURCE_CENTRE = "resource_centre"
    CREATIVE_GROUP = "creative_group"


class CadencePeriod(enum.StrEnum):
    SCHOOL_YEAR = "school_year"
    CALENDAR_YEAR = "calendar_year"
    QUARTER = "quarter"


class Association(IdMixin, Base):
    __tablename__ = "associations"
    __table_args__ = (
        CheckConstraint("validity_num > 0 AND validity_den >= validity_num", name="validity"),
        CheckConstraint("decision_num > 0 AND decision_den >= decision_num", name="decision"),
        CheckConstraint("notice_days >= 0 AND proposal_days >= 0", name="days"),
        CheckConstraint("protocol_months > 0 AND cadence_count > 0", name="counts"),
        CheckConstraint(
            "send_from_minute >= 0 AND send_from_minute < send_until_minute "
            "AND send_until_minute <= 1440",
            name="send_window",
        ),
    )

    kind: Mapped[AssociationKind] = mapped_column(str_enum(AssociationKind))
    name: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str | None] = mapped_column(String(300))
    service_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("services.id", ondelete="RESTRICT"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("municipalities.id", ondelete="RESTRICT"), index=True
    )
    timezone: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8), default="ru", server_default="ru")
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # Rule settings, DOMAIN.md defaults; fractions as integer num/den, never floats.
    notice_days: Mapped[int] = mapped_column(default=5, server_default="5")
    proposal_days: Mapped[int] = mapped_column(default=2, server_default="2")
    protocol_months: Mapped[int] = mapped_column(default=1, server_default="1")
    validity_num: Mapped[int] = mapped_column(default=1, server_default="1")
    validity_den: Mapped[int] = mapped_column(default=2, server_default="2")
    decision_num: Mapped[int] = mapped_column(default=2, server_default="2")
    decision_den: Mapped[int] = mapped_column(default=3, server_default="3")
    cadence_count: Mapped[int] = mapped_column(default=4, server_default="4")
    cadence_period: Mapped[CadencePeriod] = mapped_column(
        str_enum(CadencePeriod), default=CadencePeriod.SCHOOL_YEAR, server_default="school_year"
    )
    # Reminders go out between these local minutes of the day (08:00-21:00 by default).
    send_from_minute: Mapped[int] = mapped_column(default=480, server_default="480")
    send_until_minute: Mapped[int] = mapped_column(default=1260, server_default="1260")
    # Meeting reminders, minutes before the start: a day and two hours by default.
    reminder_minutes: Mapped[str] = mapped_column(
        String(64), default="1440,120", server_default="1440,120"
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
