"""`python -m bench.checkin`: 500 members' check-ins plus 50 duplicate taps, fed at once
through the Dispatcher with the bot's real middlewares (DB session, a person's order, the
actor, the locale, errors), on SQLite and on PostgreSQL. The floor, measured in the same run
with the same engine settings, fake session and concurrency: a bare aiogram callback handler
that answers the callback and inserts and commits one row.

The same load runs once more on SQLite with stock aiosqlite instead of the bot's one-hop
driver (bot.sqlite_driver), everything else equal: `stock_aiosqlite_ratio` is the stock
run's time over ours (above 1: the driver earns its keep).

The last line is one JSON object: n, duplicate_taps, lost (500 − distinct attendance rows),
extra_rows, sqlite_ratio_to_floor, postgres_ratio_to_floor, p99_ms_sqlite, p99_ms_postgres,
stock_aiosqlite_ratio, stock_aiosqlite_ratio_to_floor.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
from datetime import UTC, date, datetime
from datetime import time as clock_time
from typing import Any

from aiogram import Dispatcher
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import CallbackQuery, Chat, Message, Update, User
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import pg_engine, sqlite_engine
from bot.app import build_dispatcher
from bot.config import Settings
from bot.db import create_sessionmaker
from models import Attendance, Identity, MeetingForm
from services import attendance, deadlines, meetings, roster
from services.clock import FixedClock
from tests.factories import ADMIN_ID, make_world
from tests.flow import RecordingSession, build_bot
from ui.callbacks.attendance import AttendAction, AttendCb

N = 500
DUPLICATES = 50
NOW = datetime(2026, 12, 20, 8, 0, tzinfo=UTC)  # the meeting's start: check-in is open
FIRST = 100_000


async def seed(engine: AsyncEngine) -> int:
    sm = create_sessionmaker(engine)
    clock = FixedClock(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    async with sm() as s:
        world = await make_world(s, clock)
        added = await roster.add_people(
            s,
            world.chair,
            world.association_id,
            [roster.RosterEntry(f"Участник {i:04d}", None, None) for i in range(N)],
            clock.now(),
        )
        await s.execute(
            insert(Identity),
            [
                {"person_id": link.person_id, "external_id": FIRST + i}
                for i, link in enumerate(added.links)
            ],
        )
        await s.commit()
        view = await meetings.create_draft(
            s, world.chair, world.association_id, "Тема", clock.now()
        )
        now = clock.now()
        view = await meetings.set_form(
            s, world.chair, view.id, view.version, MeetingForm.IN_PERSON, now
        )
        view = await meetings.set_day(
            s,
            world.chair,
            view.id,
            view.version,
            deadlines.Typed(date(2026, 12, 20), clock_time(15, 0)),
            now,
        )
        view = await meetings.set_place(s, world.chair, view.id, view.version, "Зал", now)
        view = await meetings.add_question(s, world.chair, view.id, view.version, "Вопрос", now)
        await meetings.publish(s, world.chair, view.id, view.version, now)
        await attendance.open_checkin(s, world.chair, view.id, NOW)
        return view.id


def taps(meeting_id: int) -> list[Update]:
    """500 members' taps and 50 of them tapping twice, shuffled."""
    people = [FIRST + i for i in range(N)]
    doubled = random.Random(5).sample(people, DUPLICATES)
    updates = []
    for n, user_id in enumerate([*people, *doubled]):
        user = User(id=user_id, is_bot=False, first_name="U", language_code="ru")
        chat = Chat(id=user_id, type="private")
        message = Message(message_id=1, date=NOW, chat=chat, text="📍")
        updates.append(
            Update(
                update_id=n + 1,
                callback_query=CallbackQuery(
                    id=f"q{n}",
                    from_user=user,
                    chat_instance="ci",
                    message=message,
                    data=AttendCb(action=AttendAction.IN, meeting_id=meeting_id).pack(),
                ),
            )
        )
    random.Random(7).shuffle(updates)
    return updates


async def feed(dp: Dispatcher, updates: list[Update]) -> tuple[float, list[float]]:
    session = RecordingSession()
    bot = build_bot(session)
    latencies: list[float] = []

    async def one(update: Update) -> None:
        start = time.perf_counter()
        await dp.feed_update(bot, update)
        latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(one(u) for u in updates))
    return time.perf_counter() - start, latencies


def floor_dispatcher(engine: AsyncEngine) -> Dispatcher:
    sm = create_sessionmaker(engine)
    dp = Dispatcher(storage=MemoryStorage())

    @dp.callback_query()
    async def answer(query: CallbackQuery) -> None:
        await query.answer()
        async with sm() as s:
            await s.execute(
                text("INSERT INTO bench_floor (user_id, at) VALUES (:u, :at)"),
                {"u": query.from_user.id, "at": NOW.isoformat()},
            )
            await s.commit()

    return dp


async def measure(engine: AsyncEngine, label: str) -> dict[str, Any]:
    meeting_id = await seed(engine)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE bench_floor (user_id BIGINT, at VARCHAR(40))"))
    floor_time, _ = await feed(floor_dispatcher(engine), taps(meeting_id))

    settings = Settings(bot_token="42:BENCH", admin_ids=[ADMIN_ID], _env_file=None)
    dp = build_dispatcher(
        settings, create_sessionmaker(engine), clock=FixedClock(NOW), storage=MemoryStorage()
    )
    app_time, latencies = await feed(dp, taps(meeting_id))
    sm = create_sessionmaker(engine)
    async with sm() as s:
        rows = int(await s.scalar(select(func.count()).select_from(Attendance)) or 0)
        distinct = int(await s.scalar(select(func.count(func.distinct(Attendance.person_id)))) or 0)
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    print(
        f"  {label:<10} floor {floor_time * 1000:6.0f} ms · metod-bot {app_time * 1000:6.0f} ms "
        f"· ratio {app_time / floor_time:4.2f} · p99 {p99:5.0f} ms "
        f"· rows {rows} ({distinct} people)"
    )
    return {
        "app": app_time,
        "ratio": round(app_time / floor_time, 3),
        "p99": round(p99, 1),
        "lost": N - distinct,
        "extra": rows - N,
    }


async def main() -> None:
    print(f"check-in: {N} members' taps and {DUPLICATES} duplicates, all at once")
    async with sqlite_engine() as engine:
        lite = await measure(engine, "SQLite")
    async with sqlite_engine(stock_driver=True) as engine:
        stock = await measure(engine, "aiosqlite")
    stock_ratio = round(stock["app"] / lite["app"], 3)
    print(f"  stock aiosqlite / one-hop driver: {stock_ratio:4.2f}")
    async with pg_engine() as pg:
        postgres = await measure(pg, "PostgreSQL") if pg is not None else None
    result = {
        "bench": "checkin",
        "n": N,
        "duplicate_taps": DUPLICATES,
        "lost": lite["lost"] + stock["lost"] + (postgres["lost"] if postgres else 0),
        "extra_rows": lite["extra"] + stock["extra"] + (postgres["extra"] if postgres else 0),
        "sqlite_ratio_to_floor": lite["ratio"],
        "postgres_ratio_to_floor": postgres["ratio"] if postgres else None,
        "p99_ms_sqlite": lite["p99"],
        "p99_ms_postgres": postgres["p99"] if postgres else None,
        "stock_aiosqlite_ratio": stock_ratio,
        "stock_aiosqlite_ratio_to_floor": stock["ratio"],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
