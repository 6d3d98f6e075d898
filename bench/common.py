"""Shared pieces: migrated scratch databases (SQLite file, PostgreSQL if it answers)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import normalize_database_url
from bot.db import create_engine
from bot.migrate import upgrade

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


@asynccontextmanager
async def sqlite_engine(*, stock_driver: bool = False) -> AsyncIterator[AsyncEngine]:
    """A migrated scratch SQLite file with the bot's engine settings. `stock_driver`: plain
    aiosqlite instead of the bot's one-hop driver (bot.sqlite_driver), everything else the
    same (`module=None` lets SQLAlchemy import aiosqlite itself)."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        await asyncio.to_thread(upgrade, url)  # Alembic runs its own loop
        engine = create_engine(url, module=None) if stock_driver else create_engine(url)
        try:
            yield engine
        finally:
            await engine.dispose()


@asynccontextmanager
async def pg_engine() -> AsyncIterator[AsyncEngine | None]:
    """A scratch database on the machine's PostgreSQL, or None when it does not answer."""
    server = make_url(normalize_database_url(os.environ.get("TEST_DATABASE_URL", PG_DEFAULT)))
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"metod_bench_{uuid.uuid4().hex[:10]}"
    try:
        conn = await asyncpg.connect(admin, timeout=3)
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"  PostgreSQL skipped ({type(exc).__name__}: {exc})")
        yield None
        return
    await conn.execute(f'CREATE DATABASE "{name}"')
    engine: AsyncEngine | None = None
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        await asyncio.to_thread(upgrade, url)
        engine = create_engine(url)
        yield engine
    finally:
        if engine is not None:
            await engine.dispose()
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


async def timed(fn: Callable[[], Awaitable[object]]) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    await fn()
    return time.perf_counter() - start
