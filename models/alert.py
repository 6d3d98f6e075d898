"""The operator's alerts (issue 14): one row per condition, so each is sent once per crossing
and a restart neither repeats nor forgets one."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class AlertName(enum.StrEnum):
    """What the administrators are told about. A *level* is true or false at each check (a
    crossing is the moment it becomes true); an *event* counts what happened since the last
    alert (a crossing is a check that finds the count above zero)."""

    BACKLOG = "backlog"  # level: a due message has waited longer than the threshold
    TELEGRAM = "telegram"  # level: Telegram unreachable longer than the threshold
    GIVEN_UP = "given_up"  # event: messages the outbox gave up on
    OUTCOME_LOST = "outcome_lost"  # event: an outcome a person waits for, given up
    BACKUP = "backup"  # event: the daily backup failed


class OperatorAlert(Base):
    __tablename__ = "operator_alerts"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    crossing: Mapped[int] = mapped_column(default=0, server_default="0")  # alerts sent so far
    active: Mapped[bool] = mapped_column(default=False, server_default=false())  # a level is true
    pending: Mapped[int] = mapped_column(default=0, server_default="0")  # events not told yet
    detail: Mapped[str | None] = mapped_column(String(300))  # the last event's error
    since: Mapped[datetime | None]  # when the level became true, or the first untold event
