"""The read path: a registered teacher's /start runs at most two SQL statements and takes
no write lock (no BEGIN IMMEDIATE), counted through the engine's cursor events (the SQLite
"begin" hook in bot.db sends BEGIN through exec_driver_sql, which fires them too)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.fsm.storage.memory import MemoryStorage
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.db import create_sessionmaker
from services import people
from services.clock import FixedClock
from tests.factories import ADMIN_ID, make_world, member_link, register
from tests.flow import Flow, RecordingSession, build_bot

TEACHER = 3001


@pytest.fixture
async def flow(sqlite_engine: AsyncEngine, clock: FixedClock) -> AsyncIterator[Flow]:
    sessionmaker = create_sessionmaker(sqlite_engine)
    settings = Settings(bot_token="42:TEST", admin_ids=[ADMIN_ID], _env_file=None)
    dp = build_dispatcher(settings, sessionmaker, clock=clock, storage=MemoryStorage())
    session = RecordingSession()
    bot = build_bot(session)
    yield Flow(dp, bot, session)
    await bot.session.close()


def record(engine: AsyncEngine) -> list[str]:
    statements: list[str] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _seen(_c: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        statements.append(" ".join(statement.split()))

    return statements


async def test_start_of_a_registered_teacher_reads_once_without_the_write_lock(
    sqlite_engine: AsyncEngine, flow: Flow, clock: FixedClock
) -> None:
    sessionmaker: async_sessionmaker[Any] = create_sessionmaker(sqlite_engine)
    async with sessionmaker() as db:
        world = await make_world(db, clock)
        await register(db, await member_link(db, world, clock), TEACHER, clock, name="Иванова Анна")
    statements = record(sqlite_engine)
    reply = await flow.send(TEACHER, "/start")
    assert "Иванова Анна" in reply.text
    assert len(statements) <= 2, statements
    assert not [s for s in statements if s.upper().startswith("BEGIN IMMEDIATE")], statements
    assert not [s for s in statements if not s.upper().startswith(("SELECT", "BEGIN"))]


async def test_the_profile_reuses_what_the_update_loaded(
    sqlite_engine: AsyncEngine, clock: FixedClock
) -> None:
    sessionmaker = create_sessionmaker(sqlite_engine)
    async with sessionmaker() as db:
        world = await make_world(db, clock)
        await register(db, await member_link(db, world, clock), TEACHER, clock, name="Иванова Анна")
    async with sessionmaker() as db:
        me = await people.load_me(db, TEACHER, [ADMIN_ID])
        statements = record(sqlite_engine)
        reused = await people.get_profile(db, me.actor, clock.now(), me)
        assert [s.split()[0] for s in statements] == ["BEGIN", "SELECT"]  # a read: no lock
        assert not db.in_transaction()
        fresh = await people.get_profile(db, me.actor, clock.now())
    assert reused == fresh
    assert [m.association_id for m in reused.memberships] == [world.association_id]
