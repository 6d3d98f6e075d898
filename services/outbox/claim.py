"""The tick's side of the outbox: is there anything to do, requeue rows whose lease ran out,
claim due rows for this process, mark a call as started, and give back what is not sent.

A row left `sending` by a dead process comes back after its lease (`recover`): if its call
had started, it is counted as in doubt, since the Bot API has no idempotency key and that
call may have been delivered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxMessage, OutboxStatus
from services.tx import reads, writes

from . import queries
from .outcomes import MAX_DOUBTS, Failure


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    person_id: int | None
    chat_id: int | None
    template: str
    params: dict[str, Any]
    attempts: int
    parts_done: int
    group_key: str
    doubts: int = 0

    @property
    def failures(self) -> int:
        """Claims that ended in a server or network error (not the in-doubt ones)."""
        return self.attempts - self.doubts


@reads
async def anything_to_do(session: AsyncSession, now: datetime) -> bool:
    """A cheap read (two index probes) before the tick takes the write lock."""
    due = await session.scalar(queries.first_due(now))
    expired = None
    if due is None:
        expired = await session.scalar(queries.first_expired(now))
    return due is not None or expired is not None


NO_ANSWER_GIVEN_UP = "no answer from Telegram, several times"


class Recovered(NamedTuple):
    requeued: int  # back to pending
    in_doubt: int  # of those, and of the given up: their call had started
    given_up: int = 0  # unanswered `MAX_DOUBTS` times: failed for good


@writes
async def recover(session: AsyncSession, now: datetime) -> Recovered:
    """Rows whose lease ran out while `sending` go back to pending: a dead process, or a call
    that got no answer. Those whose call had started are counted as in doubt; those
    unanswered `MAX_DOUBTS` times are given up."""
    o = OutboxMessage
    # Back as a retry (`last_error` set): claimed ahead of rows that were never tried.
    requeue = {
        "status": OutboxStatus.PENDING,
        "due_at": now,
        "lease_until": None,
        "last_error": "the lease ran out (no answer, or the process stopped)",
    }
    expired = (o.status == OutboxStatus.SENDING, o.lease_until < now)
    # Unanswered again and again (a chat whose calls always time out): stop, do not loop.
    hopeless = await session.execute(
        update(o)
        .where(*expired, o.started_at.is_not(None), o.doubts >= MAX_DOUBTS - 1)
        .values(
            status=OutboxStatus.FAILED,
            error_code=Failure.NO_ANSWER.value,
            last_error=NO_ANSWER_GIVEN_UP,
            doubts=o.doubts + 1,
            lease_until=None,
            started_at=None,
        )
        .returning(o.id)
        .execution_options(synchronize_session=False)
    )
    given_up = len(hopeless.all())
    doubtful = await session.execute(
        update(o)
        .where(*expired, o.started_at.is_not(None))
        .values(**requeue, doubts=o.doubts + 1, started_at=None)
        .returning(o.id)
        .execution_options(synchronize_session=False)
    )
    in_doubt = len(doubtful.all()) + given_up
    quiet = await session.execute(
        update(o)
        .where(*expired, o.started_at.is_(None))
        .values(**requeue)
        .returning(o.id)
        .execution_options(synchronize_session=False)
    )
    requeued = in_doubt - given_up + len(quiet.all())
    return Recovered(requeued, in_doubt, given_up)


@writes
async def claim(
    session: AsyncSession, now: datetime, limit: int, lease: timedelta
) -> list[Claimed]:
    """Claim up to `limit` due rows for this process: `sending` with a lease, committed.
    Urgent rows go first (due at `PRIORITY_DUE`: the operator's alerts), then rows due
    for a retry (`queries.due_ids`), then the rest by due time.

    PostgreSQL: the SELECT takes `FOR UPDATE SKIP LOCKED`, so ticks of several
    processes never claim one row twice. SQLite: SQLAlchemy drops SKIP LOCKED there; the
    statement runs under BEGIN IMMEDIATE (the engine begins every write so), which
    serializes writers, and the UPDATE re-checks the status it claims from.
    """
    if limit <= 0:
        return []
    o = OutboxMessage
    claimed: list[Claimed] = []
    # Urgent rows first (the operator's alerts), then rows due for a retry, then the rest.
    for urgent, retries in ((True, False), (False, True), (False, False)):
        room = limit - len(claimed)
        if room <= 0:
            break
        # The ids first, then the UPDATE: as `IN (SELECT … LIMIT … FOR UPDATE)` PostgreSQL
        # may run the subquery again for each row and so claim far more than `room`.
        found = queries.due_ids(now, room, retries=retries, urgent=urgent)
        ids = list(await session.scalars(found))
        if not ids:
            continue
        result = await session.execute(
            update(o)
            .where(o.id.in_(ids), o.status == OutboxStatus.PENDING)
            .values(
                status=OutboxStatus.SENDING,
                lease_until=now + lease,
                attempts=o.attempts + 1,
                started_at=None,
            )
            .returning(*queries.CLAIMED_COLUMNS)
            .execution_options(synchronize_session=False)
        )
        claimed.extend(Claimed(*row) for row in result.all())
    claimed.sort(key=lambda c: c.id)
    return claimed


@writes
async def mark_started(
    session: AsyncSession, row_id: int, attempt: int, now: datetime, lease: timedelta
) -> bool:
    """Committed before the call: from here on, a lost answer means "in doubt". False when
    the row is no longer ours: cancelled meanwhile, or its lease ran out and it was claimed
    again (every claim counts an attempt, so `attempt` tells this claim from a later one)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.attempts == attempt,
        )
        .values(started_at=now, lease_until=now + lease)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return result.first() is not None


@writes
async def cancel(session: AsyncSession, ids: Iterable[int]) -> int:
    """Claimed rows a kind no longer wants (the member left, the meeting was cancelled)."""
    ids = list(ids)
    if not ids:
        return 0
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.CANCELLED, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return len(ids)


@writes
async def release(session: AsyncSession, ids: Iterable[int]) -> None:
    """Claimed rows whose call never started (the sender is stopping with them still
    queued) go back to pending at once: they are not in doubt."""
    ids = list(ids)
    if not ids:
        return
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.started_at.is_(None),
        )
        .values(status=OutboxStatus.PENDING, lease_until=None)
    )
