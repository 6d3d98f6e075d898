"""aiosqlite with one thread hop per statement — why the bot does not use stock aiosqlite.

aiosqlite runs each sqlite3 call in the connection's own thread and hands the result back to
the event loop. SQLAlchemy's adapter makes four such calls per statement (open a cursor,
execute, fetch all, close the cursor) and one per COMMIT or ROLLBACK, even when there is no
transaction to end (every `run_single` statement and every connection returned to the
pool). On a small machine a hop costs a few hundred microseconds of CPU (waking the thread,
the GIL, the loop's self-pipe), more than the statement itself.

Here a cursor does the whole statement in one hop and keeps the rows; COMMIT and ROLLBACK
skip the hop when SQLite has no transaction open (`sqlite3.Connection.in_transaction`, read
between statements: SQLAlchemy never runs two calls on one connection at once). Everything
else (connect arguments, pool, events) is SQLAlchemy's own aiosqlite dialect.

Measured (`python -m bench.checkin`, which runs the same check-in load on this driver and
on stock aiosqlite with the same engine settings and prints `stock_aiosqlite_ratio`): 550
check-in taps at once took 7.4 s here against 10.0 s with stock aiosqlite (ratio 1.35, on a
2-core machine shared with other work; 1.1× against 1.4× the bare-handler floor). The hop
counts are pinned by tests/test_sqlite_driver.py: one hop a statement instead of four, none
instead of one for a COMMIT with nothing to commit. If the ratio ever falls to about 1,
`bot.db.create_engine` can drop `module=` and this module can go.
"""

from __future__ import annotations

import sqlite3
import types
from collections.abc import Sequence
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_dbapi

Description = tuple[tuple[Any, ...], ...] | None


def _run(
    conn: sqlite3.Connection, sql: str, parameters: Any, many: bool
) -> tuple[Description, list[Any], int, int | None]:
    """In the connection's thread: execute, fetch every row, close the cursor."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor:
    """The slice of aiosqlite's Cursor that SQLAlchemy's adapter uses, one hop per statement."""

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        self._rows: list[Any] = []

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = ()) -> OneHopCursor:
        await self._call(sql, parameters, many=False)
        return self

    async def executemany(self, sql: str, parameters: Any) -> OneHopCursor:
        await self._call(sql, parameters, many=True)
        return self

    async def _call(self, sql: str, parameters: Any, many: bool) -> None:
        connection = self._connection
        hop = connection._execute(_run, connection._conn, sql, parameters, many)  # type: ignore[no-untyped-call]
        self.description, self._rows, self.rowcount, self.lastrowid = await hop

    async def fetchall(self) -> Sequence[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        count = self.arraysize if size is None else size
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        self._rows = []


class OneHopConnection(aiosqlite.Connection):
    def cursor(self) -> OneHopCursor:  # type: ignore[override]
        return OneHopCursor(self)

    async def commit(self) -> None:
        if self._conn.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        if self._conn.in_transaction:
            await super().rollback()


def _connect(database: Any, *, iter_chunk_size: int = 64, **kwargs: Any) -> OneHopConnection:
    """`aiosqlite.connect` returning the one-hop connection (not yet started: awaited by
    SQLAlchemy, which also marks its thread a daemon)."""
    return OneHopConnection(partial(sqlite3.connect, str(database), **kwargs), iter_chunk_size)


def dbapi() -> AsyncAdapt_aiosqlite_dbapi:
    """The DBAPI module for `create_async_engine(…, module=…)`: aiosqlite's, with `connect`
    replaced."""
    module = types.ModuleType("metod_aiosqlite")
    module.__dict__.update(vars(aiosqlite))
    module.connect = _connect  # type: ignore[attr-defined]
    module.Connection = OneHopConnection  # type: ignore[attr-defined]
    return AsyncAdapt_aiosqlite_dbapi(module, sqlite3)
