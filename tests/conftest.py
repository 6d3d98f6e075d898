"""Shared fixtures: databases (SQLite, and the machine's PostgreSQL), clocks, factories.

`TEST_DATABASE_URL` (default: the local server's `test` database) names the PostgreSQL
server; each test session creates a database with a random name on it and drops it at the
end. When PostgreSQL is unreachable its tests are skipped with a message, except in CI
(`CI=true`), where they fail.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import normalize_database_url
from bot.db import create_engine, create_sessionmaker
from bot.migrate import upgrade
from models import Base
from services.clock import FixedClock
from tests.flow import Flow, open_flow

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
T = TypeVar("T")


def pg_server_url() -> str:
    return normalize_database_url(os.environ.get("TEST_DATABASE_URL", PG_DEFAULT))


def unavailable(what: str, exc: BaseException) -> None:
    message = f"{what} is unreachable ({type(exc).__name__}: {exc})"
    if IN_CI:
        pytest.fail(message + " — required in CI")
    pytest.skip(message + "; set TEST_DATABASE_URL or start it to run these tests")


def off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run `fn` in a worker thread: sync fixtures may be set up while a loop is running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        result: T = pool.submit(fn, *args).result()
        return result


def in_thread(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on its own loop in a worker thread."""
    result: T = off_loop(asyncio.run, coro)
    return result


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated once per session; each test copies it."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    off_loop(upgrade, f"sqlite+aiosqlite:///{path}")
    return path


async def _admin_execute(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh database with a random name on the PostgreSQL server, migrated once."""
    server = make_url(pg_server_url())
    name = f"metod_test_{uuid.uuid4().hex[:12]}"
    dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        in_thread(_admin_execute(dsn, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        off_loop(upgrade, url)
        yield url
    finally:
        in_thread(_admin_execute(dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate(engine: AsyncEngine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "bot.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgres"])
async def db_url(request: pytest.FixtureRequest, sqlite_url: str) -> AsyncIterator[str]:
    """A migrated, empty database: each test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_url
        return
    url: str = request.getfixturevalue("pg_database")
    yield url
    engine = create_engine(url)
    try:
        await _truncate(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
async def sqlite_engine(sqlite_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(sqlite_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def session(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as s:
        yield s


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    yield FixedClock(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))


@pytest.fixture
def sm(sqlite_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on a migrated, empty SQLite database (the flow tests' database)."""
    return create_sessionmaker(sqlite_engine)


@pytest.fixture
async def flow(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> AsyncIterator[Flow]:
    """The application's Dispatcher on `sm` at `clock`, wizard state kept as JSON
    (tests.flow.open_flow)."""
    async with open_flow(sm, clock) as running:
        yield running
