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
