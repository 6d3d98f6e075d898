"""App end-to-end harness (DESIGN.md): the whole application in the test process — the
Dispatcher long-polling a local fake Bot API over real HTTP, the delivery engine and the
limiter — with the injected clock. The scheduler's jobs are not left to run on their own:
`App.settle()` runs the tick, the sender, the meeting clock and the progress job by hand, so
time moves only when the test moves the clock. Wizard state is kept as JSON, as in Redis
(tests.flow.JsonMemoryStorage)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_bot, build_dispatcher
from bot.config import Settings
from bot.db import create_engine, create_sessionmaker
from scheduler.engine import Delivery
from services.clock import FixedClock
from tests.e2e import TOKEN as TOKEN
from tests.factories import ADMIN_ID
from tests.fakeapi import FakeTelegram
from tests.flow import JsonMemoryStorage


@dataclass
class App:
    tg: FakeTelegram
    dp: Dispatcher
    bot: Bot
    sm: async_sessionmaker[AsyncSession]
    clock: FixedClock

    @property
    def delivery(self) -> Delivery:
        engine: Delivery = self.dp["delivery"]
        return engine

    async def settle(self, rounds: int = 6) -> None:
        """Let everything due at the clock's `now` happen: scheduled publications and ends,
        every due outbox row delivered (over as many ticks as the sender needs), and the
        progress messages edited."""
        await self.delivery.meeting_clock()
        for _ in range(rounds):
            report = await self.delivery.tick()
            await self.delivery.sender.drained()
            if report.claimed == 0 and report.requeued == 0:
                break
        await self.delivery.progress()
        await asyncio.sleep(0.05)  # let the fake record the last answers


def pause_jobs(dp: Dispatcher) -> None:
    """The test runs the engine's jobs itself (`App.settle`, `delivery.tick()`): its scheduler
    stands still, and so does the tick an enqueue would wake."""
    engine: Delivery = dp["delivery"]
    if engine.scheduler is not None:
        engine.scheduler.pause()


@asynccontextmanager
async def running(
    db_url: str,
) -> AsyncIterator[tuple[FakeTelegram, async_sessionmaker[AsyncSession]]]:
    """The database and the fake server, before the app starts (to seed people)."""
    engine = create_engine(db_url)
    try:
        async with FakeTelegram(TOKEN, private_per_second=20) as tg:
            yield tg, create_sessionmaker(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def started(
    tg: FakeTelegram, sm: async_sessionmaker[AsyncSession], clock: FixedClock, **overrides: Any
) -> AsyncIterator[App]:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "telegram_api_base": tg.base_url,
        "admin_ids": [ADMIN_ID],
        "tick_seconds": 60,  # the test runs the jobs itself (App.settle)
        "progress_seconds": 60,
        "send_timeout": 2,
        "lease_seconds": 5,
        "rate_per_chat_second": 5,
    }
    values.update(overrides)
    settings = Settings(**values, _env_file=None)
    bot = build_bot(settings)
    dp = build_dispatcher(settings, sm, clock=clock, storage=JsonMemoryStorage())
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False))
    try:
        for _ in range(250):
            if "delivery" in dp.workflow_data:
                break
            await asyncio.sleep(0.02)
        pause_jobs(dp)
        yield App(tg, dp, bot, sm, clock)
    finally:
        await dp.stop_polling()
        await polling
