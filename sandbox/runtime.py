"""The application in the sandbox: the same Bot, Dispatcher, services, scheduler, sender and
limiter as `python -m bot`, on an SQLite file of its own, against the local Bot API server,
with a clock the page moves forward."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import migrate
from bot.app import build_bot, build_dispatcher, build_i18n
from bot.config import Settings
from bot.db import create_engine, create_sessionmaker
from models import Meeting, OutboxMessage, Survey
from models.outbox import OutboxStatus
from sandbox import demo
from sandbox.botapi import BotAPIServer
from scheduler.engine import Delivery
from services.clock import ForwardClock

log = logging.getLogger(__name__)

# A token of the right shape, known only to the local server.
TOKEN = "7000:sandbox-local-token-not-telegram"
STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}


def sandbox_settings(base_url: str, **values: Any) -> Settings:
    """The application's settings in the sandbox: the environment's and .env's (LOG_LEVEL,
    SANDBOX_PORT, SANDBOX_DIR...), but its own database file under SANDBOX_DIR, the local
    server, wizard state in memory, its own admin, no daily backup: whatever DATABASE_URL,
    BOT_TOKEN, TELEGRAM_API_BASE, REDIS_URL or ADMIN_IDS say is not used."""
    found = Settings(bot_token=TOKEN, database_url="sqlite://", **values)
    folder = found.sandbox_dir.expanduser().resolve()
    return found.model_copy(
        update={
            "telegram_api_base": base_url,
            "database_url": f"sqlite+aiosqlite:///{folder / 'sandbox.sqlite3'}",
            "sandbox_dir": folder,
            "redis_url": None,
            "admin_ids": [demo.ADMIN_ID],
            "backup_keep": 0,
            "tick_seconds": 2.0,
            "progress_seconds": 3.0,
        }
    )


def _prepare_file(database: Path, *, fresh: bool) -> bool:
    """Its folder made (and the file removed when `fresh`); True when there is no file."""
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.parent.mkdir(parents=True, exist_ok=True)
    return not database.exists()


class Sandbox:
    """The running application and what the page does to it: move the clock, start over."""

    def __init__(self, api: BotAPIServer, settings: Settings) -> None:
        self.api = api
        self.settings = settings
        self.clock = ForwardClock()
        api.clock = lambda: self.clock.now().timestamp()  # messages dated by the moved clock
        self._engine: AsyncEngine | None = None
        self._sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self._bot: Bot | None = None
        self._dp: Dispatcher | None = None
        self._polling: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    @property
    def database(self) -> Path:
        return Path(self.settings.database_url.split("///", 1)[1])

    async def start(self, *, fresh: bool = False) -> None:
        """Migrate (and, when new or `fresh`, fill) the sandbox's database and start the bot."""
        new = _prepare_file(self.database, fresh=fresh)
        if fresh:
            self.clock = ForwardClock()
        await asyncio.to_thread(migrate.upgrade, self.settings.database_url)
        self._engine = create_engine(self.settings.database_url)
        self._sessionmaker = create_sessionmaker(self._engine)
        i18n = build_i18n(self.settings)
        if new:
            await demo.seed(self._sessionmaker, self.clock, lambda s: i18n.gettext(s, locale="ru"))
        for person in demo.CAST:
            family, _, given = person.name.partition(" ")
            self.api.add_user(
                person.id,
                given.split()[0] if given else family,
                last_name=family if given else None,
            )
            self.api.open_chat(person.id)
        self._bot = build_bot(self.settings)
        self._dp = build_dispatcher(self.settings, self._sessionmaker, clock=self.clock, i18n=i18n)
        self._polling = asyncio.create_task(
            self._dp.start_polling(self._bot, handle_signals=False, close_bot_session=True)
        )
        for _ in range(500):  # the engine starts with the polling
            if "delivery" in self._dp.workflow_data or self._polling.done():
                break
            await asyncio.sleep(0.02)
        if self._polling.done():
            await self._polling  # raises what stopped it

    async def stop(self) -> None:
        if self._dp is not None and self._polling is not None:
            with contextlib.suppress(RuntimeError):  # polling already stopped
                await self._dp.stop_polling()
            with contextlib.suppress(Exception):
                await self._polling
            await self._dp.storage.close()
        if self._engine is not None:
            await self._engine.dispose()
        self._dp = self._polling = self._bot = None
        self._engine = self._sessionmaker = None

    async def reset(self) -> None:
        """«Сбросить»: the demonstration data again, every chat empty, the clock at now."""
        async with self._lock:
            await self.stop()
            self.api.reset()
            await self.start(fresh=True)

    async def move(self, step: str) -> datetime:
        """Move the clock an hour, a day or to the next event, then run what became due."""
        async with self._lock:
            delivery = self._delivery()
            scheduler = delivery.scheduler if delivery is not None else None
            if scheduler is not None:
                scheduler.pause()  # the jobs run here, in order, not beside the move
            try:
                # Nothing in flight across the jump: a lease counted in the moved clock's
                # time would run out at once and the row come back in doubt.
                await self.settle()
                if step == "next":
                    upcoming = await self.next_event()
                    if upcoming is not None:
                        self.clock.move_to(upcoming)
                else:
                    self.clock.advance(STEPS[step])
                for _ in range(2):  # the second: what a job already running had enqueued
                    await self.settle()
            finally:
                if scheduler is not None:
                    scheduler.resume()
            return self.clock.now()

    def _delivery(self) -> Delivery | None:
        if self._dp is None:
            return None
        delivery: Delivery | None = self._dp.workflow_data.get("delivery")
        return delivery

    async def next_event(self) -> datetime | None:
        """The earliest moment after now something is due: an outbox row, a meeting's
        publication, start or check-in closing, a survey's closing."""
        assert self._sessionmaker is not None
        now = self.clock.now()
        found: list[datetime] = []
        async with self._sessionmaker() as session:
            for query in (
                select(func.min(OutboxMessage.due_at)).where(
                    OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.due_at > now
                ),
                select(func.min(Meeting.publish_at)).where(
                    Meeting.published_at.is_(None), Meeting.publish_at > now
                ),
                select(func.min(Meeting.starts_at)).where(
                    Meeting.published_at.is_not(None),
                    Meeting.cancelled_at.is_(None),
                    Meeting.starts_at > now,
                ),
                select(func.min(Meeting.checkin_closes_at)).where(
                    Meeting.checkin_closed_at.is_(None), Meeting.checkin_closes_at > now
                ),
                select(func.min(Survey.closes_at)).where(
                    Survey.closed_at.is_(None), Survey.closes_at > now
                ),
            ):
                value = await session.scalar(query)
                if value is not None:
                    found.append(value)
        return min(found, default=None)

    async def settle(self) -> None:
        """What a move makes due, at once: publications, check-in, ends, survey closings,
        the outbox's rows, the progress and quorum cards."""
        delivery = self._delivery()
        if delivery is None:
            return
        async with delivery.job():
            await delivery.meeting_clock()
            for _ in range(6):
                report = await delivery.tick()
                await delivery.sender.drained()
                if report.claimed == 0 and report.requeued == 0:
                    break
            await delivery.progress()
            await delivery.live_cards()
