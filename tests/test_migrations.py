"""Alembic: one head; upgrade → downgrade → upgrade; the migrations build what the models say.

Each test gets an empty database of its own: a temporary SQLite file, and a PostgreSQL database
with a random name on the `TEST_DATABASE_URL` server, created and dropped here. The tests are
synchronous: `bot.migrate` runs its own event loop (migrations/env.py), so everything runs in a
worker thread (`off_loop`, `in_thread`), away from pytest-asyncio's session loop.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

from bot.db import create_engine
from bot.migrate import alembic_config, downgrade, upgrade
from models import Base
from tests.conftest import _admin_execute, in_thread, off_loop, pg_server_url, unavailable

APP_TABLES = frozenset(Base.metadata.tables)
T = TypeVar("T")


def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))


@pytest.fixture(params=["sqlite", "postgres"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database that no migration has touched yet."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    server = make_url(pg_server_url())
    name = f"metod_mig_{uuid.uuid4().hex[:12]}"
    dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        in_thread(_admin_execute(dsn, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        in_thread(_admin_execute(dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def inspect_db(url: str, fn: Callable[[Connection], T]) -> T:
    """Run `fn(sync_connection)` on a fresh engine in a worker thread; return its result."""

    async def go() -> T:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()

    return in_thread(go())


def _schema(conn: Connection) -> dict[str, set[str]]:
    """Tables, and on PostgreSQL the sequences and enum types left in the public schema."""
    found: dict[str, set[str]] = {"tables": set(inspect(conn).get_table_names())}
    if conn.dialect.name == "postgresql":
        found["sequences"] = set(inspect(conn).get_sequence_names())
        found["enums"] = set(
            conn.scalars(
                text(
                    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                    " WHERE n.nspname = 'public' AND t.typtype = 'e'"
                )
            )
        )
    return found


def _current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _diff(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "compare_server_default": True}
    )
    return [d for d in compare_metadata(context, Base.metadata) if not _unnamed_centre_fk(d)]


# Foreign keys that SQLite's migrations add inline (ALTER TABLE … ADD COLUMN … REFERENCES):
# (table, column, referred table). Recreating the table (batch mode) instead would drop it,
# and with foreign keys on that deletes the rows of the tables that point at it.
INLINE_SQLITE_FKS = frozenset(
    {
        ("services", "centre_id", "services"),  # 0014
        ("survey_responses", "school_id", "schools"),  # 0015
    }
)


def _unnamed_centre_fk(diff: Any) -> bool:
    """SQLite only: migrations 0014 and 0015 add a column with its foreign key inline
    (`INLINE_SQLITE_FKS`), and SQLite's reflection reads no name from an inline foreign
    key. The same key (column, target, ON DELETE) under no name is not a difference."""
    if not (isinstance(diff, tuple) and diff[0] in ("remove_fk", "add_fk")):
        return False
    fk = diff[1]
    cols = [c.name for c in fk.columns]
    return (
        len(cols) == 1
        and (fk.table.name, cols[0], fk.referred_table.name) in INLINE_SQLITE_FKS
        and (diff[0] == "add_fk" or fk.name is None)
        and fk.ondelete in (None, "SET NULL")
    )


Check = tuple[str, str | None, str]


def _checks(conn: Connection, schema: str | None = None) -> set[Check]:
    insp = inspect(conn)
    return {
        (table, ck["name"], " ".join(ck["sqltext"].split()))
        for table in insp.get_table_names(schema=schema)
        if table != "alembic_version"
        for ck in insp.get_check_constraints(table, schema=schema)
    }


def _migrated_and_model_checks(conn: Connection) -> tuple[set[Check], set[Check]]:
    """CHECK constraints of the migrated tables, and of the tables `create_all` makes.

    Both come back through the same reflection, so the database's own normalization of the
    SQL text (PostgreSQL rewrites `IN (...)` as `= ANY (ARRAY[...])`) is the same on each side.
    """
    migrated = _checks(conn)
    if conn.dialect.name == "postgresql":
        # A scratch schema in the same database; the transaction is rolled back afterwards.
        conn.execute(text("CREATE SCHEMA models_only"))
        Base.metadata.create_all(conn.execution_options(schema_translate_map={None: "models_only"}))
        return migrated, _checks(conn, "models_only")

    async def from_models() -> set[Check]:
        engine = create_engine("sqlite+aiosqlite://")
        try:
            async with engine.begin() as scratch:
                await scratch.run_sync(Base.metadata.create_all)
                return await scratch.run_sync(_checks)
        finally:
            await engine.dispose()

    return migrated, in_thread(from_models())


def test_one_head() -> None:
    heads = script().get_heads()
    assert len(heads) == 1, f"Alembic has several heads, merge them: {heads}"


def test_history_is_linear_from_one_base() -> None:
    scripts = script()
    assert len(scripts.get_bases()) == 1
    revisions = list(scripts.walk_revisions())
    assert all(not rev.is_merge_point for rev in revisions)
    assert revisions[-1].down_revision is None


def test_upgrade_downgrade_upgrade(empty_db: str) -> None:
    head = script().get_current_head()

    off_loop(upgrade, empty_db)
    schema = inspect_db(empty_db, _schema)
    assert schema["tables"] == APP_TABLES | {"alembic_version"}
    assert inspect_db(empty_db, _current_revision) == head

    off_loop(downgrade, empty_db, "base")
    schema = inspect_db(empty_db, _schema)
    assert schema["tables"] <= {"alembic_version"}, "tables left after downgrade to base"
    assert not schema.get("sequences"), "sequences left after downgrade to base"
    assert not schema.get("enums"), "enum types left after downgrade to base"
    assert inspect_db(empty_db, _current_revision) is None

    off_loop(upgrade, empty_db)
    assert inspect_db(empty_db, _schema)["tables"] == APP_TABLES | {"alembic_version"}
    assert inspect_db(empty_db, _current_revision) == head
    # Running it again on an up-to-date database changes nothing.
    off_loop(upgrade, empty_db)
    assert inspect_db(empty_db, _current_revision) == head


def test_every_revision_downgrades_and_upgrades_again(empty_db: str) -> None:
    """The stairway: each revision's downgrade undoes exactly its upgrade."""
    revisions = [rev.revision for rev in reversed(list(script().walk_revisions()))]
    for revision in revisions:
        off_loop(upgrade, empty_db, revision)
        before = inspect_db(empty_db, _schema)
        off_loop(downgrade, empty_db, "-1")
        off_loop(upgrade, empty_db, revision)
        assert inspect_db(empty_db, _schema) == before, revision
        assert inspect_db(empty_db, _current_revision) == revision


def test_models_match_migrations(empty_db: str) -> None:
    off_loop(upgrade, empty_db)
    # On SQLite and PostgreSQL autogenerate finds nothing, types and server defaults included;
    # one narrow rule (`_unnamed_centre_fk`) for SQLite's reflection of an inline foreign key.
    assert inspect_db(empty_db, _diff) == []


def test_check_constraints_match_models(empty_db: str) -> None:
    """Autogenerate ignores CHECK constraints, and with `native_enum=False` an enum's values live
    only in its CHECK: compare them (names and SQL) between the migrations and the models."""
    off_loop(upgrade, empty_db)
    migrated, models = inspect_db(empty_db, _migrated_and_model_checks)
    assert any(name and name.endswith("_associationkind") for _, name, _ in models)
    assert all(name for _, name, _ in models), "every CHECK is named by the naming convention"
    assert migrated == models


def write_db(url: str, fn: Callable[[Connection], None]) -> None:
    """Run `fn(sync_connection)` in a committed transaction, in a worker thread."""

    async def go() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(fn)
        finally:
            await engine.dispose()

    in_thread(go())


def _survey_rows(conn: Connection) -> None:
    """A person, a survey with a question, the person's response and its answer."""
    for sql in (
        "INSERT INTO persons (id, full_name) VALUES (7, 'Иванова Анна')",
        "INSERT INTO surveys (id, kind, status, title, created_at)"
        " VALUES (1, 'survey', 'open', 'Потребности', CURRENT_TIMESTAMP)",
        "INSERT INTO survey_questions (id, survey_id, position, kind, text, options)"
        " VALUES (2, 1, 0, 'scale', 'Оцените', '[]')",
        "INSERT INTO survey_responses (id, survey_id, person_id) VALUES (123456789, 1, 7)",
        "INSERT INTO survey_answers (response_id, question_id, value)"
        " VALUES (123456789, 2, '{\"scale\": 4}')",
    ):
        conn.execute(text(sql))


def _survey_state(conn: Connection) -> tuple[list[Any], list[Any]]:
    responses = conn.execute(text("SELECT id, survey_id, person_id FROM survey_responses"))
    answers = conn.execute(text("SELECT response_id, question_id FROM survey_answers"))
    return [tuple(r) for r in responses], [tuple(a) for a in answers]


def test_survey_answers_survive_0015_and_later(empty_db: str) -> None:
    """0015 adds survey_responses.school_id and subject, 0016 persons' category order: on
    SQLite no table is recreated (dropping `survey_responses` or `persons` with foreign keys
    on would delete the answers, or clear the responses' person), up and down again."""
    off_loop(upgrade, empty_db, "0014")
    write_db(empty_db, _survey_rows)
    kept = ([(123456789, 1, 7)], [(123456789, 2)])
    assert inspect_db(empty_db, _survey_state) == kept

    off_loop(upgrade, empty_db)
    assert inspect_db(empty_db, _survey_state) == kept

    off_loop(downgrade, empty_db, "0014")
    assert inspect_db(empty_db, _survey_state) == kept
    off_loop(downgrade, empty_db, "0013")  # 0014's own downgrade drops a column of announcements
    assert inspect_db(empty_db, _survey_state) == kept


def _identity_rows(conn: Connection) -> None:
    conn.execute(
        text(
            "INSERT INTO identities (id, person_id, platform, external_id, reachable, created_at)"
            " VALUES (3, 7, 'telegram', '1001', TRUE, CURRENT_TIMESTAMP)"
        )
    )


def _identities(conn: Connection) -> list[Any]:
    return [tuple(r) for r in conn.execute(text("SELECT id, person_id FROM identities"))]


def test_rows_survive_tables_recreated_from_the_surveys_release(empty_db: str) -> None:
    """From 0006 (the schema of the surveys release) to head: on SQLite batch mode recreates
    `persons` (0008), `schools` (0010) and others; with foreign keys on, dropping `persons`
    deleted every identity (ON DELETE CASCADE). The migrations run with them off, and every
    key is checked before committing."""
    off_loop(upgrade, empty_db, "0006")
    write_db(empty_db, _survey_rows)
    write_db(empty_db, _identity_rows)
    kept = ([(123456789, 1, 7)], [(123456789, 2)])
    off_loop(upgrade, empty_db)
    assert inspect_db(empty_db, _identities) == [(3, 7)]
    assert inspect_db(empty_db, _survey_state) == kept
