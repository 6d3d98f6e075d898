"""`python -m bot migrate-db --to postgresql://…`: move the SQLite database to PostgreSQL.

With the bot stopped (its lock on the SQLite file, bot/backup.py, is taken for the whole
copy), the target is migrated to head and must be empty; every table of the models is
copied in foreign-key order, in primary-key order, in one PostgreSQL transaction (a failure
leaves the target as empty as it was); each table's id sequence is set past its largest id;
and every table's row count is compared on both sides before the transaction commits.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import Integer, Table, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from bot import backup, migrate
from bot.config import normalize_database_url
from bot.db import create_engine
from models import Base

BATCH = 1000


def run(source_url: str, target_url: str) -> str:
    """Copy the database; the one line to print when it is done (BackupError if not)."""
    database = backup.sqlite_file(source_url)
    if database is None:
        raise backup.BackupError("DATABASE_URL must be the SQLite database to copy from")
    if not database.is_file():
        raise backup.BackupError(f"no database at {database}: nothing to copy")
    target = normalize_database_url(target_url)
    if not backup.is_postgresql(target):
        raise backup.BackupError("--to must be a postgresql:// URL")
    shown = make_url(target).render_as_string(hide_password=True)
    with backup.bot_lock(database):
        try:
            migrate.upgrade(source_url)  # the bot would do it at its next start anyway
            migrate.upgrade(target)
        except Exception as exc:  # an unreachable server, a refused login: one line
            raise backup.BackupError(f"cannot migrate {shown}: {_first_line(exc)}") from None
        tables, rows = asyncio.run(_copy(source_url, target))
    return (
        f"copied {tables} tables, {rows} rows into {shown}: row counts equal, sequences "
        f"reset. Set DATABASE_URL to it and start the bot"
    )


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)  # parents before children


async def _copy(source_url: str, target_url: str) -> tuple[int, int]:
    source, target = create_engine(source_url), create_engine(target_url)
    try:
        async with source.connect() as src, target.begin() as dst:
            known = {t.name for t in _tables()} | {"alembic_version"}
            found = await src.run_sync(lambda c: set(inspect(c).get_table_names()))
            if unknown := sorted(found - known):
                raise backup.BackupError(f"tables this version does not know: {unknown}")
            for table in _tables():
                if await _count(dst, table):
                    raise backup.BackupError(
                        f"the target is not empty (table {table.name} has rows): "
                        "migrate into a new, empty database"
                    )
            total = 0
            for table in _tables():
                total += await _copy_table(src, dst, table)
            for table in _tables():
                await _reset_sequence(dst, table)
            for table in _tables():
                there, here = await _count(src, table), await _count(dst, table)
                if there != here:
                    raise backup.BackupError(
                        f"table {table.name}: {there} rows in SQLite, {here} copied: "
                        "nothing was committed"
                    )
            return len(_tables()), total
    except backup.BackupError:
        raise
    except Exception as exc:
        raise backup.BackupError(f"copy failed, nothing committed: {_first_line(exc)}") from None
    finally:
        await source.dispose()
        await target.dispose()


async def _count(conn: AsyncConnection, table: Table) -> int:
    return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def _copy_table(src: AsyncConnection, dst: AsyncConnection, table: Table) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    result = await src.stream(select(table).order_by(*order))
    copied = 0
    async for chunk in result.mappings().partitions(BATCH):
        await dst.execute(table.insert(), [dict(row) for row in chunk])
        copied += len(chunk)
    return copied


async def _reset_sequence(dst: AsyncConnection, table: Table) -> None:
    """An integer `id` filled by a sequence: the next one after the largest copied."""
    column = table.columns.get("id")
    if column is None or not isinstance(column.type, Integer) or not column.autoincrement:
        return
    sequence = await dst.scalar(
        text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
    )
    if sequence is None:
        return
    await dst.execute(
        text(
            f'SELECT setval(:seq, COALESCE((SELECT MAX(id) FROM "{table.name}"), 1), '
            f'(SELECT MAX(id) FROM "{table.name}") IS NOT NULL)'
        ),
        {"seq": sequence},
    )
