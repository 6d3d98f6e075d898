"""Alembic environment: async engines, batch mode for SQLite, URL from DATABASE_URL."""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import event
from sqlalchemy.engine import Connection

from bot.config import DEFAULT_DB_PATH, normalize_database_url
from bot.db import create_engine
from models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url") or os.environ.get("DATABASE_URL")
    return normalize_database_url(url or f"sqlite:///{DEFAULT_DB_PATH}")


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        literal_binds=connection is None,
    )


def run_migrations_offline() -> None:
    _configure(url=_url())
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
    if connection.dialect.name == "sqlite":
        # Foreign keys are off while migrating (below): check them all afterwards, and stop
        # the start naming the rows if a migration left any link broken.
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"migrations left rows whose foreign key is broken: {broken[:10]}")


def _sqlite_foreign_keys_off(engine: Any) -> None:
    """Batch mode recreates a table on SQLite (copy, DROP TABLE, rename). With foreign keys
    on, DROP TABLE first deletes every row, and ON DELETE CASCADE / SET NULL reach the rows
    of the tables that point at it (recreating `persons` deleted every identity and
    membership). The pragma only takes effect outside a transaction: set on connecting,
    after bot.db's own listener turned them on."""

    @event.listens_for(engine.sync_engine, "connect")
    def _off(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()


async def run_async_migrations() -> None:
    engine = create_engine(_url())
    if engine.dialect.name == "sqlite":
        _sqlite_foreign_keys_off(engine)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # shared connection (tests, or a caller inside a loop)
        _run_sync(connection)
    else:
        asyncio.run(run_async_migrations())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
