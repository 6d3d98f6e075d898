"""Use cases are atomic: one that raises rolls its session back, so nothing is half-written."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Executable, Result
from sqlalchemy.ext.asyncio import AsyncSession

P = ParamSpec("P")
R = TypeVar("R")


def atomic(
    fn: Callable[Concatenate[AsyncSession, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[AsyncSession, P], Coroutine[Any, Any, R]]:
    @functools.wraps(fn)
    async def wrapper(session: AsyncSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(session, *args, **kwargs)
        except BaseException:
            await session.rollback()
            raise

    return wrapper


READ_ONLY = "metod_read_only"  # the execution option bot.db's SQLite engine looks for


async def read_only(session: AsyncSession) -> None:
    """Declare the transaction about to begin read-only: on SQLite it then starts without
    taking the write lock (a plain BEGIN in WAL mode). Call it before the first statement;
    on PostgreSQL it changes nothing."""
    if not session.in_transaction():
        await session.connection(execution_options={READ_ONLY: True})


SINGLE_STATEMENT = "metod_single_statement"  # the execution option for one autocommit statement


async def run_single(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any] | None = None
) -> Result[Any]:
    """Run one Core statement that is atomic by itself (an INSERT … SELECT … ON CONFLICT, a
    single SELECT) as its own transaction, committed when this returns; rows come buffered.

    On SQLite it runs in autocommit, without BEGIN: the write lock is taken and released
    inside the driver's thread while the statement runs, never held across turns of the
    event loop, so hundreds of check-in taps at once do not queue behind one another's
    round trips. On PostgreSQL it is an ordinary short transaction."""
    if session.in_transaction():
        raise RuntimeError("run_single starts its own transaction: commit the previous one")
    connection = await session.connection(execution_options={SINGLE_STATEMENT: True})
    result = await connection.execute(statement, params)
    await session.commit()
    return result
