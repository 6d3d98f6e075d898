"""A word to this process's engine that rows were enqueued: it ticks as soon as they are
committed instead of at its next interval, so «Отправить» starts a broadcast within
milliseconds rather than up to `TICK_SECONDS` later. Only a shortcut: the tick finds the rows
anyway (another process's engine, or this one after a restart)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

_CALLBACK = "metod_outbox_wake"  # session.info: what to call once rows are committed
_ARMED = "metod_outbox_wake_armed"  # session.info: the call is set for the next commit


def listen(sessionmaker: async_sessionmaker[AsyncSession], callback: Callable[[], None]) -> None:
    """Every session of `sessionmaker` calls `callback` after a commit that enqueued rows."""
    info = dict(sessionmaker.kw.get("info") or {})
    info[_CALLBACK] = callback
    sessionmaker.configure(info=info)


def arm(session: AsyncSession) -> None:
    """Rows were added in `session`'s transaction: call the listener once it commits (after a
    rollback, at its next commit: a tick with nothing to do costs one query)."""
    callback = session.info.get(_CALLBACK)
    if callback is None or session.info.get(_ARMED):
        return
    session.info[_ARMED] = True

    def committed(_session: Session) -> None:
        session.info.pop(_ARMED, None)
        callback()

    event.listen(session.sync_session, "after_commit", committed, once=True)
