"""What became of a claimed row's call: sent, failed (and why), or again later with backoff.

Each outcome is recorded right after the call, and only by the claim that owns the row: the
row must still be `sending` with the same attempt count (a row cancelled meanwhile, or whose
lease ran out and was claimed again, is no longer this claim's)."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxMessage, OutboxStatus
from services.tx import writes

MAX_ATTEMPTS = 6  # server errors and lost connections: 5 s, 10 s, 20 s, 40 s, 80 s, then failed
MAX_DOUBTS = 3  # calls left unanswered this many times: failed (it may well have arrived)
BACKOFF_BASE = timedelta(seconds=5)


class Failure(enum.StrEnum):
    """Why a row ended `failed` (or was not attempted at all)."""

    BLOCKED = "blocked"  # the person blocked the bot
    NO_CHAT = "chat_not_found"  # never opened the bot, or the chat is gone
    NOT_JOINED = "not_joined"  # a roster person without a messenger account yet
    REJECTED = "rejected"  # Telegram refused the message itself (a bug on our side)
    GAVE_UP = "gave_up"  # server or network errors, MAX_ATTEMPTS times
    NO_ANSWER = "no_answer"  # no answer MAX_DOUBTS times: not retried (it may have arrived)


UNREACHABLE = frozenset({Failure.BLOCKED, Failure.NO_CHAT, Failure.NOT_JOINED})


def backoff(attempts: int) -> timedelta:
    return BACKOFF_BASE * int(2 ** max(0, attempts - 1))


async def finish(session: AsyncSession, row_id: int, attempt: int, **values: Any) -> None:
    """Update the row if this claim still owns it (in the caller's transaction)."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.attempts == attempt,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )


@writes
async def record_part(session: AsyncSession, row_id: int, attempt: int, parts_done: int) -> None:
    """A multi-part message (text, then a file): the parts already delivered are not resent."""
    await finish(session, row_id, attempt, parts_done=parts_done)


@writes
async def record_sent(
    session: AsyncSession,
    row_id: int,
    attempt: int,
    message_id: int | None,
    parts_done: int,
    now: datetime,
) -> None:
    await finish(
        session,
        row_id,
        attempt,
        status=OutboxStatus.SENT,
        sent_at=now,
        message_id=message_id,
        parts_done=parts_done,
        lease_until=None,
        started_at=None,
        error_code=None,
        last_error=None,
    )


@writes
async def record_failed(
    session: AsyncSession,
    row_id: int,
    attempt: int,
    failure: Failure,
    error: str,
    parts_done: int = 0,
) -> None:
    await finish(
        session,
        row_id,
        attempt,
        status=OutboxStatus.FAILED,
        error_code=failure.value,
        last_error=error[:300],
        parts_done=parts_done,
        lease_until=None,
        started_at=None,
    )


@writes
async def record_retry(
    session: AsyncSession,
    row_id: int,
    attempts: int,
    error: str,
    now: datetime,
    parts_done: int,
    *,
    after: timedelta | None = None,
    failures: int | None = None,
) -> bool:
    """A server or network error: try again later with exponential backoff, or give up after
    MAX_ATTEMPTS failures (`failures`: the claims that failed so, by default `attempts`).
    `after` is Telegram's retry_after (429): that claim does not count as an attempt. True
    if it will be tried again."""
    failed = attempts if failures is None else failures
    if after is None and failed >= MAX_ATTEMPTS:
        await finish(
            session,
            row_id,
            attempts,
            status=OutboxStatus.FAILED,
            error_code=Failure.GAVE_UP.value,
            last_error=error[:300],
            parts_done=parts_done,
            lease_until=None,
            started_at=None,
        )
        return False
    await finish(
        session,
        row_id,
        attempts,
        status=OutboxStatus.PENDING,
        due_at=now + (after if after is not None else backoff(failed)),
        attempts=attempts - 1 if after is not None else attempts,
        last_error=error[:300],
        parts_done=parts_done,
        lease_until=None,
        started_at=None,
    )
    return True
