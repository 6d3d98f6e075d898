"""How a use case meets the database: every use case declares what it does with it.

=========  ===================  ==============================  ==========================
mode       declared with        SQLite                          ends
=========  ===================  ==============================  ==========================
read       ``@reads``           ``BEGIN``: a WAL snapshot,      when the outermost use
                                takes no write lock             case returns
write      ``@writes``          ``BEGIN IMMEDIATE``: the write  committed before the use
                                lock up front                   case returns; rolled back
                                                                and re-raised on any error
single     ``run_single(...)``  autocommit, no ``BEGIN``:       committed when it returns
                                the lock only inside the
                                driver's thread
=========  ===================  ==============================  ==========================

On PostgreSQL each is an ordinary (short) transaction.

Rules:

- A use case commits before it returns (DESIGN: commit before any Telegram call); a caller
  never commits for it. Nested use cases join the outermost one's transaction, which
  commits or rolls back for all of them.
- A read never writes: ``@reads`` refuses to return with pending changes, and on SQLite
  its plain ``BEGIN`` never blocks a writer nor waits for one.
- A write is never started inside a read: it would have to upgrade SQLite's lock mid-way
  (``SQLITE_BUSY`` without waiting). ``@writes`` raises if it meets an open read.
- The execution options the engine looks for (``bot.db``) are named here only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Executable, Result
from sqlalchemy.ext.asyncio import AsyncSession

P = ParamSpec("P")
R = TypeVar("R")

READ_ONLY = "metod_read_only"  # execution option: this transaction only reads
SINGLE_STATEMENT = "metod_single_statement"  # execution option: one statement, autocommit
_MODE = "metod_tx_mode"  # session.info key: "read" or "write" while a use case owns the transaction

UseCase = Callable[Concatenate[AsyncSession, P], Coroutine[Any, Any, R]]


def writes(fn: UseCase[P, R]) -> UseCase[P, R]:
    """A use case that changes the database: committed before it returns, rolled back on
    any error, so nothing is half-written. Inside another use case's transaction it joins
    that one (the outermost commits)."""

    @functools.wraps(fn)
    async def wrapper(session: AsyncSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
        mode = session.info.get(_MODE)
        if mode == "read":
            raise RuntimeError(f"{fn.__qualname__} writes inside a read transaction")
        if mode == "write":
            return await fn(session, *args, **kwargs)
        # The outermost use case owns the transaction, also one a bare query opened before
        # it (autobegin): else nobody would commit it, nor roll it back on an error.
        session.info[_MODE] = "write"
        try:
            result = await fn(session, *args, **kwargs)
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        finally:
            session.info.pop(_MODE, None)
        return result

    return wrapper


def reads(fn: UseCase[P, R]) -> UseCase[P, R]:
    """A use case that only reads: on SQLite its transaction takes no write lock. The read
    transaction ends when the use case returns (objects stay loaded: the session does not
    expire them on commit). Inside another use case's transaction it simply runs there."""

    @functools.wraps(fn)
    async def wrapper(session: AsyncSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if session.in_transaction():
            return await fn(session, *args, **kwargs)
        await session.connection(execution_options={READ_ONLY: True})
        session.info[_MODE] = "read"
        try:
            result = await fn(session, *args, **kwargs)
            if session.new or session.dirty or session.deleted:
                raise RuntimeError(f"{fn.__qualname__} is declared a read but changed objects")
            await session.commit()  # nothing to write: ends the snapshot
        except BaseException:
            await session.rollback()
            raise
        finally:
            session.info.pop(_MODE, None)
        return result

    return wrapper


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
