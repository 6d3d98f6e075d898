"""`python -m bot migrate-db --to postgresql://…` (issue 14) against the machine's PostgreSQL:
every table copied with its rows, row counts equal, sequences reset (a new row after the move
takes the next id), a non-empty target refused, and refused while the bot holds the SQLite
database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot import backup
from bot.config import normalize_database_url
from bot.db import create_engine, create_sessionmaker
from models import Base, Person, StoredFile
from services import announcements, files
from services.clock import SystemClock
from tests.conftest import _admin_execute, in_thread, pg_server_url, unavailable
from tests.factories import make_world, member_link, register
from tests.test_backup import path_of, run_bot

BYTES = bytes(range(256)) * 10


@pytest.fixture
def empty_pg() -> Iterator[str]:
    """A new, empty database on the machine's PostgreSQL (not migrated), dropped after."""
    server = make_url(pg_server_url())
    name = f"metod_move_{uuid.uuid4().hex[:10]}"
    dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        in_thread(_admin_execute(dsn, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)
    try:
        yield server.set(drivername="postgresql", database=name).render_as_string(
            hide_password=False
        )
    finally:
        in_thread(_admin_execute(dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def seed(url: str) -> None:
    engine = create_engine(url)
    clock = SystemClock()
    try:
        async with create_sessionmaker(engine)() as s:
            world = await make_world(s, clock)
            token = await member_link(s, world, clock)
            for n in range(5):
                await register(s, token, 5000 + n, clock, name=f"Учитель Номер {n}")
            target = announcements.Target(world.association_id, None, "")
            draft = await announcements.save_draft(
                s,
                world.chair,
                target,
                clock.now(),
                text="Семинар",
                file_id="x",
                file_name="план.pdf",
                file_kind="document",
                content=BYTES,
            )
            await announcements.send(
                s, world.chair, draft, clock.now(), progress_chat_id=1, locale="ru"
            )
    finally:
        await engine.dispose()


async def counts(url: str) -> dict[str, int]:
    engine = create_engine(normalize_database_url(url))
    try:
        async with engine.connect() as conn:
            return {
                t.name: int(await conn.scalar(select(func.count()).select_from(t)) or 0)
                for t in Base.metadata.sorted_tables
            }
    finally:
        await engine.dispose()


async def test_migrate_db_copies_every_table_into_postgresql(
    sqlite_url: str, empty_pg: str, tmp_path: Path
) -> None:
    await seed(sqlite_url)
    database = path_of(sqlite_url)
    done = run_bot("migrate-db", "--to", empty_pg, DATABASE_URL=f"sqlite:///{database}")
    assert done.returncode == 0, done.stderr
    tables = len(Base.metadata.sorted_tables)
    assert done.stdout.startswith(f"copied {tables} tables, ")
    assert "row counts equal, sequences reset" in done.stdout

    before, after = await counts(sqlite_url), await counts(empty_pg)
    assert before == after
    assert before["persons"] >= 6 and before["outbox"] >= 5 and before["stored_files"] == 1

    engine = create_engine(normalize_database_url(empty_pg))
    try:
        async with create_sessionmaker(engine)() as s:
            names = set((await s.scalars(select(Person.full_name))).all())
            assert "Учитель Номер 4" in names
            stored = (await s.scalars(select(StoredFile))).one()
            assert bytes(stored.content) == BYTES and stored.created_at.tzinfo is not None
            # Sequences were reset: new rows take the next ids, no conflict with copied ones.
            top = int(await s.scalar(select(func.max(Person.id))) or 0)
            newcomer = Person(full_name="Новенькая Анна")
            s.add(newcomer)
            await s.flush()
            assert newcomer.id == top + 1
            assert await files.store(s, "new.bin", b"new") == stored.id + 1
            await s.commit()
    finally:
        await engine.dispose()

    again = run_bot("migrate-db", "--to", empty_pg, DATABASE_URL=f"sqlite:///{database}")
    assert again.returncode == 1
    assert "the target is not empty" in again.stderr and len(again.stderr.splitlines()) == 1


def test_migrate_db_is_refused_while_the_bot_runs(sqlite_url: str, empty_pg: str) -> None:
    database = path_of(sqlite_url)
    with backup.bot_lock(database):
        done = run_bot("migrate-db", "--to", empty_pg, DATABASE_URL=f"sqlite:///{database}")
    assert done.returncode == 1 and "stop it first" in done.stderr


def test_migrate_db_wants_a_postgresql_target(sqlite_url: str) -> None:
    database = path_of(sqlite_url)
    done = run_bot("migrate-db", "--to", "sqlite:///x.db", DATABASE_URL=f"sqlite:///{database}")
    assert done.returncode == 1
    assert done.stderr.strip() == "metod-bot migrate-db: --to must be a postgresql:// URL"
