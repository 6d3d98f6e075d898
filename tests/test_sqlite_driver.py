"""The SQLite driver (bot.sqlite_driver: one thread hop per statement) and single-statement
transactions (services.tx.run_single): same answers as plain aiosqlite, fewer hops, no BEGIN
and no write lock held between statements."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import event, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.db import create_engine, create_sessionmaker
from bot.sqlite_driver import OneHopConnection
from models import Identity
from services.clock import FixedClock
from services.people import load_actor
from services.tx import SINGLE_STATEMENT, run_single
from tests.factories import ADMIN_ID, make_world


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every call handed to a connection's thread, by name."""
    seen: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    yield seen


@pytest.fixture
async def scratch(tmp_path: Any) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'scratch.sqlite3'}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
    yield engine
    await engine.dispose()


async def test_the_engine_uses_the_one_hop_connection(scratch: AsyncEngine) -> None:
    async with scratch.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.driver_connection, OneHopConnection)


async def test_a_statement_is_one_hop_and_an_empty_commit_none(
    scratch: AsyncEngine, hops: list[str]
) -> None:
    async with scratch.connect() as conn:
        await conn.execute(text("SELECT 1"))  # connects and begins
        hops.clear()
        rows = (await conn.execute(text("SELECT v FROM t"))).all()
        assert rows == [] and hops == ["_run"]
        hops.clear()
        await conn.commit()  # COMMIT of BEGIN IMMEDIATE: a real transaction, one hop
        assert hops == ["commit"]
        hops.clear()
        await conn.commit()  # nothing open: no hop
        await conn.rollback()
        assert hops == []


async def test_results_match_the_dbapi(scratch: AsyncEngine) -> None:
    async with scratch.begin() as conn:
        inserted = await conn.execute(text("INSERT INTO t (v) VALUES ('a')"))
        assert inserted.lastrowid == 1
        await conn.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "b"}, {"v": "c"}])
        returned = await conn.execute(text("INSERT INTO t (v) VALUES ('d') RETURNING id, v"))
        assert returned.all() == [(4, "d")]
        changed = await conn.execute(text("UPDATE t SET v = v || '!' WHERE id > 2"))
        assert changed.rowcount == 2
        rows = await conn.execute(text("SELECT id, v FROM t ORDER BY id"))
        assert rows.fetchone() == (1, "a")
        assert rows.fetchmany(2) == [(2, "b"), (3, "c!")]
        assert rows.fetchall() == [(4, "d!")]
        streamed = await conn.stream(text("SELECT v FROM t ORDER BY id"))
        assert [row.v async for row in streamed] == ["a", "b", "c!", "d!"]


async def test_errors_and_rollback(scratch: AsyncEngine) -> None:
    with pytest.raises(IntegrityError):
        async with scratch.begin() as conn:
            await conn.execute(text("INSERT INTO t (v) VALUES ('x')"))
            await conn.execute(text("INSERT INTO t (v) VALUES ('x')"))
    with pytest.raises(OperationalError):
        async with scratch.connect() as conn:
            await conn.execute(text("SELECT nonsense FROM nowhere"))
    async with scratch.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 0


async def test_single_statement_sends_no_begin_and_holds_no_lock(
    sqlite_engine: AsyncEngine, clock: FixedClock
) -> None:
    sessionmaker = create_sessionmaker(sqlite_engine)
    async with sessionmaker() as session:
        world = await make_world(session, clock)
    statements: list[str] = []

    @event.listens_for(sqlite_engine.sync_engine, "before_cursor_execute")
    def record(_c: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement.split()[0])

    async with sessionmaker() as session, sessionmaker() as writer:
        actor = await load_actor(session, world.chair_tg, [ADMIN_ID])
        assert actor.person_id is not None and statements == ["SELECT"]
        assert not session.in_transaction()
        # Another connection writes between the two: nothing of the first is held.
        await writer.execute(update(Identity).values(reachable=True))
        await writer.commit()
        statements.clear()
        written = await run_single(
            session,
            insert(Identity)
            .values(person_id=actor.person_id, platform="other", external_id=1)
            .returning(Identity.id),
        )
        assert written.scalar_one() > 0 and not session.in_transaction()
        assert statements == ["INSERT"]
        count = select(Identity.id).where(Identity.platform == "other")
        assert len((await writer.execute(count)).all()) == 1


async def test_run_single_refuses_an_open_transaction(session: AsyncSession) -> None:
    await session.execute(select(1))
    with pytest.raises(RuntimeError):
        await run_single(session, select(1))


async def test_stock_aiosqlite_takes_four_hops_a_statement_and_one_for_an_empty_commit(
    tmp_path: Any, hops: list[str]
) -> None:
    """What the driver saves (its module docstring): the same engine with stock aiosqlite."""
    stock = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'stock.sqlite3'}", module=None)
    try:
        async with stock.connect() as conn:
            raw = await conn.get_raw_connection()
            assert not isinstance(raw.driver_connection, OneHopConnection)
            await conn.execute(text("SELECT 1"))
            await conn.commit()
            hops.clear()
            await conn.execute(text("SELECT 1"))  # begins: its own statement, then the SELECT
            hops.clear()
            await conn.execute(text("SELECT 2"))
            assert len(hops) == 4
            await conn.commit()
        async with stock.connect() as conn:
            # A single statement (run_single): no BEGIN, so SQLite has nothing to commit.
            single = await conn.execution_options(**{SINGLE_STATEMENT: True})
            await single.execute(text("SELECT 1"))
            hops.clear()
            await single.commit()
            assert len(hops) == 1  # the one-hop driver: none (the test above)
    finally:
        await stock.dispose()
