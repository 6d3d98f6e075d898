"""What one update costs: /start of a registered teacher through the whole application
(DB session, the person and roles loaded, locale, a rendered template, on SQLite) against a
bare aiogram Dispatcher answering the same text, in the same run and the same fake session.

Five rounds, interleaved (bare, app, bare, app, …) so that a busy machine slows both alike;
the figure is the median of the five per-round ratios (app / bare of the same round)."""

from __future__ import annotations

import asyncio
import json
import statistics
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

ROUNDS = 5
UPDATES = 400  # per round and dispatcher
WARMUP = 50
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
TEACHER = 3001
GOAL = 6.0  # issue 12: at most 6x a bare dispatcher


async def per_update(flow: Flow, text: str, updates: int = UPDATES) -> float:
    start = time.perf_counter()
    for _ in range(updates):
        await flow.send(TEACHER, text)
    return (time.perf_counter() - start) / updates


async def main() -> None:
    print(f"update handling: /start from a registered teacher, {ROUNDS} interleaved rounds")
    print(f"of {UPDATES} updates each (bare, app, bare, app, …)")
    bare_dp = Dispatcher(storage=MemoryStorage())

    @bare_dp.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Здравствуйте, <b>Иванова Анна Петровна</b>!")

    bare_session = RecordingSession()
    bare = Flow(bare_dp, build_bot(bare_session), bare_session)

    async with sqlite_engine() as engine:
        sessionmaker = create_sessionmaker(engine)
        clock = FixedClock(NOW)
        async with sessionmaker() as db:
            world = await make_world(db, clock)
            token = await member_link(db, world, clock)
            await register(db, token, TEACHER, clock)
        settings = Settings(bot_token="42:TEST", admin_ids=[ADMIN_ID], _env_file=None)
        dp = build_dispatcher(settings, sessionmaker, clock=clock, storage=MemoryStorage())
        app_session = RecordingSession()
        app = Flow(dp, build_bot(app_session), app_session)
        await per_update(bare, "/start", WARMUP)
        await per_update(app, "/start", WARMUP)
        bare_ms: list[float] = []
        app_ms: list[float] = []
        for _ in range(ROUNDS):
            bare_ms.append(await per_update(bare, "/start") * 1000)
            app_ms.append(await per_update(app, "/start") * 1000)
        assert "Иванова Анна Петровна" in app_session.texts()[-1]
    ratios = [a / b for a, b in zip(app_ms, bare_ms, strict=True)]
    ratio = statistics.median(ratios)
    bare_median, app_median = statistics.median(bare_ms), statistics.median(app_ms)
    for n, (b, a, r) in enumerate(zip(bare_ms, app_ms, ratios, strict=True), start=1):
        print(f"  round {n}: bare aiogram {b:6.3f} ms/update   metod-bot {a:6.3f} ms   {r:4.1f}x")
    print(
        f"  median: bare {bare_median:.3f} ms, app {app_median:.3f} ms; "
        f"median of ratios {ratio:.2f}x "
        f"(goal ≤ {GOAL:.0f}x: {'met' if ratio <= GOAL else 'MISSED'})"
    )
    print(
        json.dumps(
            {
                "bench": "updates",
                "rounds": ROUNDS,
                "updates_per_round": UPDATES,
                "bare_ms": round(bare_median, 3),
                "app_ms": round(app_median, 3),
                "ratio": round(ratio, 2),  # median of the per-round ratios
                "ratio_of_medians": round(app_median / bare_median, 2),
                "ratios": [round(r, 2) for r in ratios],
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
