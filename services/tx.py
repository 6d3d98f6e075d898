"""Use cases are atomic: one that raises rolls its session back, so nothing is half-written."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

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
