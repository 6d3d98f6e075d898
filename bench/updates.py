"""What one update costs: /start of a registered teacher through the whole application
(DB session, the person and roles loaded, locale, a rendered template, on SQLite) against a
bare aiogram Dispatcher answering the same text, in the same run and the same fake session."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime

from aiogram import Dispatcher
from aiogram.filters import CommandStart
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import Message

from bench.common import sqlite_engine
from bot.app import build_dispatcher
from bot.config import Settings
from bot.db import create_sessionmaker
from services.clock import FixedClock
from tests.factories import ADMIN_ID, make_world, member_link, register
from tests.flow import Flow, RecordingSession, build_bot

UPDATES = 1000
WARMUP = 50
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
TEACHER = 3001


async def per_update(flow: Flow, text: str) -> float:
    for _ in range(WARMUP):
        await flow.send(TEACHER, text)
    start = time.perf_counter()
    for _ in range(UPDATES):
        await flow.send(TEACHER, text)
    return (time.perf_counter() - start) / UPDATES


async def main() -> None:
    print(f"update handling: {UPDATES} updates of /start from a registered teacher")
    bare = Dispatcher(storage=MemoryStorage())

    @bare.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Здравствуйте, <b>Иванова Анна Петровна</b>!")

    session = RecordingSession()
    baseline = await per_update(Flow(bare, build_bot(session), session), "/start")

    async with sqlite_engine() as engine:
        sessionmaker = create_sessionmaker(engine)
        clock = FixedClock(NOW)
        async with sessionmaker() as db:
            world = await make_world(db, clock)
            token = await member_link(db, world, clock)
            await register(db, token, TEACHER, clock)
        settings = Settings(bot_token="42:TEST", admin_ids=[ADMIN_ID], _env_file=None)
        dp = build_dispatcher(settings, sessionmaker, clock=clock, storage=MemoryStorage())
        session = RecordingSession()
        full = await per_update(Flow(dp, build_bot(session), session), "/start")
        assert "Иванова Анна Петровна" in (session.texts()[-1])
    print(
        f"  bare aiogram {baseline * 1000:6.2f} ms/update   metod-bot {full * 1000:6.2f} ms/update"
        f"   ratio {full / baseline:4.1f}x   (our part {(full - baseline) * 1000:.2f} ms)"
    )
    print(
        json.dumps(
            {
                "bench": "updates",
                "updates": UPDATES,
                "bare_ms": round(baseline * 1000, 3),
                "app_ms": round(full * 1000, 3),
                "ratio": round(full / baseline, 2),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
