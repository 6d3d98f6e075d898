"""The operator's alerts raised by the delivery side: each is logged at ERROR with a stable
message starting «OPERATOR ALERT» (grep for it) and noted for the administrators
(services.alerts: sent once per crossing, ahead of the backlog). `backup_failed` is for the
daily backup's job."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.health import TelegramHealth
from models import AlertName
from services import alerts
from services.alerts import Raised as Raised
from services.clock import Clock

log = logging.getLogger(__name__)

ALERT = "OPERATOR ALERT"


async def _note(
    sessionmaker: async_sessionmaker[AsyncSession],
    name: AlertName,
    now: datetime,
    error: str,
    count: int = 1,
) -> None:
    try:
        async with sessionmaker() as session:
            await alerts.note(session, name, now, error, count)
    except Exception:  # the alert must never take the sender down with it
        log.exception("%s: %s could not be noted", ALERT, name.value)


async def given_up(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime, error: str, count: int = 1
) -> None:
    """Messages the outbox gave up on (retries spent, Telegram refused them, or it never
    answered their calls)."""
    await _note(sessionmaker, AlertName.GIVEN_UP, now, error, count)


async def outcome_lost(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    *,
    kind: str,
    row_id: int,
    chat_id: int | None,
    failure: str,
    error: str,
) -> None:
    """An outcome meant for a person (a broadcast's summary) that the outbox gave up on after
    its retries: the row stays failed, and the operator must know."""
    log.error(
        "%s: outcome not delivered: %s, outbox row %s, chat %s: %s (%s)",
        ALERT,
        kind,
        row_id,
        chat_id,
        failure,
        error,
    )
    await _note(sessionmaker, AlertName.OUTCOME_LOST, now, f"{failure}: {error}")


async def backup_failed(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime, error: str
) -> None:
    """The daily backup failed: the administrators hear of it at the next check."""
    log.error("%s: the daily backup failed: %s", ALERT, error)
    await _note(sessionmaker, AlertName.BACKUP, now, error)


@dataclass(frozen=True)
class AlertSettings:
    """The engine's part of the settings: who is told, the thresholds, how often to check."""

    admin_ids: Sequence[int] = ()
    thresholds: alerts.Thresholds = field(default_factory=alerts.Thresholds)
    check_seconds: float = 30.0


async def check(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: AlertSettings,
    health: TelegramHealth | None,
) -> list[alerts.Raised]:
    """The engine's job: each crossing enqueued once to every administrator, due before any
    other row (services.alerts), and logged at ERROR."""
    admin_ids = settings.admin_ids
    async with sessionmaker() as session:
        raised = await alerts.check(
            session,
            clock.now(),
            admin_ids=admin_ids,
            thresholds=settings.thresholds,
            telegram_down_since=health.down_since if health is not None else None,
        )
    for alert in raised:
        log.error("%s: %s #%s %s", ALERT, alert.name.value, alert.crossing, alert.params)
    if raised and not admin_ids:
        log.error("%s: ADMIN_IDS is empty: nobody to tell", ALERT)
    return raised
