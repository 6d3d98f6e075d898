"""The outbox: every message the bot must send later is a row here; the database is the truth.

Rows are enqueued inside the caller's transaction (so an announcement and its messages commit
together) with a unique dedupe key that includes the object's revision, and never twice. A
tick claims due rows (`claim`), the sender marks each call as started before it makes it
(`mark_started`) and records the outcome right after (`record_*`). A row left `sending` by a
dead process comes back after its lease (`recover`): if its call had started, it is counted
as in doubt, since the Bot API has no idempotency key and that call may have been delivered.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxMessage, OutboxStatus
from services.tx import atomic, read_only

MAX_ATTEMPTS = 6  # server errors and lost connections: 5 s, 10 s, 20 s, 40 s, 80 s, then failed
MAX_DOUBTS = 3  # calls left unanswered this many times: failed (it may well have arrived)
BACKOFF_BASE = timedelta(seconds=5)
FINAL = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED)


class Failure(enum.StrEnum):
    """Why a row ended `failed` (or was not attempted at all)."""

    BLOCKED = "blocked"  # the person blocked the bot
    NO_CHAT = "chat_not_found"  # never opened the bot, or the chat is gone
    NOT_JOINED = "not_joined"  # a roster person without a messenger account yet
    REJECTED = "rejected"  # Telegram refused the message itself (a bug on our side)
    GAVE_UP = "gave_up"  # server or network errors, MAX_ATTEMPTS times
    NO_ANSWER = "no_answer"  # no answer MAX_DOUBTS times: not retried (it may have arrived)


UNREACHABLE = frozenset({Failure.BLOCKED, Failure.NO_CHAT, Failure.NOT_JOINED})


@dataclass(frozen=True)
class Outgoing:
    """One message to enqueue: to a person (in their language) or to a chat."""

    kind: str
    dedupe_key: str
    group_key: str
    due_at: datetime
    template: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    person_id: int | None = None
    chat_id: int | None = None


def insert_for(session: AsyncSession) -> Any:
    """The dialect's INSERT (it has ON CONFLICT DO NOTHING on SQLite and PostgreSQL)."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def enqueue(session: AsyncSession, items: Sequence[Outgoing]) -> int:
    """Add rows in the caller's transaction with one multi-row INSERT; a dedupe key already
    present is skipped. Returns how many rows were new."""
    if not items:
        return 0
    for item in items:
        if (item.person_id is None) == (item.chat_id is None):
            raise ValueError("an outgoing message goes to a person or to a chat")
        if item.due_at.tzinfo is None:
            raise ValueError("due_at must be aware")
    stmt = (
        insert_for(session)(OutboxMessage)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    rows = [
        {
            "kind": i.kind,
            "person_id": i.person_id,
            "chat_id": i.chat_id,
            "template": i.template or i.kind,
            "params": i.params,
            "due_at": i.due_at,
            "status": OutboxStatus.PENDING,
            "group_key": i.group_key,
            "dedupe_key": i.dedupe_key,
        }
        for i in items
    ]
    inserted = 0
    for start in range(0, len(rows), 1000):
        result = await session.execute(stmt, rows[start : start + 1000])
        inserted += len(result.all())
    return inserted


@atomic
async def cancel_group(session: AsyncSession, group_key: str, now: datetime) -> int:
    """Cancel every pending row of a group (a meeting cancelled, a notice superseded)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.group_key == group_key, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, error_code=None, sent_at=None)
        .returning(OutboxMessage.id)
    )
    count = len(result.all())
    await session.commit()
    return count


@atomic
async def move_group(session: AsyncSession, group_key: str, delta: timedelta) -> int:
    """Shift every pending row of a group by `delta` (a meeting moved). Computed here, not
    in SQL: date arithmetic differs between SQLite and PostgreSQL."""
    pending = await session.execute(
        select(OutboxMessage.id, OutboxMessage.due_at).where(
            OutboxMessage.group_key == group_key, OutboxMessage.status == OutboxStatus.PENDING
        )
    )
    moves = [{"id": row_id, "due_at": due + delta} for row_id, due in pending.all()]
    if moves:
        await session.execute(update(OutboxMessage), moves)
    await session.commit()
    return len(moves)


@dataclass(frozen=True)
class GroupStatus:
    total: int
    sent: int
    pending: int  # waiting, or claimed and on its way
    unreachable: int  # blocked, no chat, not joined yet
    failed: int  # other failures
    cancelled: int
    in_doubt: int  # calls that got no answer (may have been delivered), counted once each

    @property
    def done(self) -> bool:
        return self.pending == 0


@atomic
async def group_status(session: AsyncSession, group_key: str) -> GroupStatus:
    o = OutboxMessage
    unreachable = and_(
        o.status == OutboxStatus.FAILED, o.error_code.in_([f.value for f in UNREACHABLE])
    )
    counts = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(o.status == OutboxStatus.SENT),
                func.count().filter(o.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])),
                func.count().filter(unreachable),
                func.count().filter(and_(o.status == OutboxStatus.FAILED, ~unreachable)),
                func.count().filter(o.status == OutboxStatus.CANCELLED),
                func.coalesce(func.sum(o.doubts), 0),
            ).where(o.group_key == group_key)
        )
    ).one()
    await session.commit()
    return GroupStatus(*(int(c or 0) for c in counts))


@dataclass(frozen=True)
class Failed:
    person_id: int | None
    chat_id: int | None
    code: str


@atomic
async def group_failures(session: AsyncSession, group_key: str) -> list[Failed]:
    rows = await session.execute(
        select(OutboxMessage.person_id, OutboxMessage.chat_id, OutboxMessage.error_code)
        .where(OutboxMessage.group_key == group_key, OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(OutboxMessage.id)
    )
    failed = [Failed(p, c, code or Failure.GAVE_UP.value) for p, c, code in rows.all()]
    await session.commit()
    return failed


# ---------------------------------------------------------------- the tick and the sender


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


_CLAIMED_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.kind,
    OutboxMessage.person_id,
    OutboxMessage.chat_id,
    OutboxMessage.template,
    OutboxMessage.params,
    OutboxMessage.attempts,
    OutboxMessage.parts_done,
    OutboxMessage.group_key,
    OutboxMessage.doubts,
)


@atomic
async def anything_to_do(session: AsyncSession, now: datetime) -> bool:
    """A cheap read (two index probes) before the tick takes the write lock."""
    await read_only(session)
    due = await session.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.due_at <= now)
        .limit(1)
    )
    expired = None
    if due is None:
        expired = await session.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now)
            .limit(1)
        )
    await session.commit()
    return due is not None or expired is not None


@atomic
async def recover(session: AsyncSession, now: datetime) -> tuple[int, int]:
    """Rows whose lease ran out while `sending` go back to pending: a dead process, or a call
    that got no answer. Those whose call had started are counted as in doubt. Returns
    (requeued, of which in doubt)."""
    o = OutboxMessage
    requeue = {"status": OutboxStatus.PENDING, "due_at": now, "lease_until": None}
    expired = (o.status == OutboxStatus.SENDING, o.lease_until < now)
    # Unanswered again and again (a chat whose calls always time out): stop, do not loop.
    hopeless = await session.execute(
        update(o)
        .where(*expired, o.started_at.is_not(None), o.doubts >= MAX_DOUBTS - 1)
        .values(
            status=OutboxStatus.FAILED,
            error_code=Failure.NO_ANSWER.value,
            last_error="no answer from Telegram, several times",
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
    await session.commit()
    return requeued, in_doubt


@atomic
async def claim(
    session: AsyncSession, now: datetime, limit: int, lease: timedelta
) -> list[Claimed]:
    """Claim up to `limit` due rows for this process: `sending` with a lease, committed.

    PostgreSQL: the inner SELECT takes `FOR UPDATE SKIP LOCKED`, so ticks of several
    processes never claim one row twice. SQLite: SQLAlchemy drops SKIP LOCKED there; the
    statement runs under BEGIN IMMEDIATE (the engine begins every transaction so), which
    serializes writers, and the UPDATE re-checks the status it claims from.
    """
    if limit <= 0:
        return []
    o = OutboxMessage
    due = (
        select(o.id)
        .where(o.status == OutboxStatus.PENDING, o.due_at <= now)
        .order_by(o.due_at, o.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    result = await session.execute(
        update(o)
        .where(o.id.in_(due), o.status == OutboxStatus.PENDING)
        .values(
            status=OutboxStatus.SENDING,
            lease_until=now + lease,
            attempts=o.attempts + 1,
            started_at=None,
        )
        .returning(*_CLAIMED_COLUMNS)
        .execution_options(synchronize_session=False)
    )
    claimed = [Claimed(*row) for row in result.all()]
    await session.commit()
    claimed.sort(key=lambda c: c.id)
    return claimed


@atomic
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
    await session.commit()
    return len(ids)


@atomic
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
    ours = result.first() is not None
    await session.commit()
    return ours


async def _finish(session: AsyncSession, row_id: int, attempt: int, **values: Any) -> None:
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
    await session.commit()


@atomic
async def record_part(session: AsyncSession, row_id: int, attempt: int, parts_done: int) -> None:
    """A multi-part message (text, then a file): the parts already delivered are not resent."""
    await _finish(session, row_id, attempt, parts_done=parts_done)


@atomic
async def record_sent(
    session: AsyncSession,
    row_id: int,
    attempt: int,
    message_id: int | None,
    parts_done: int,
    now: datetime,
) -> None:
    await _finish(
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


@atomic
async def record_failed(
    session: AsyncSession,
    row_id: int,
    attempt: int,
    failure: Failure,
    error: str,
    parts_done: int = 0,
) -> None:
    await _finish(
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


def backoff(attempts: int) -> timedelta:
    return BACKOFF_BASE * int(2 ** max(0, attempts - 1))


@atomic
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
        await _finish(
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
    await _finish(
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


# ---------------------------------------------------------------- the sending window


EVENT_MARGIN = timedelta(minutes=30)  # a reminder comes at least this long before its event


def _opening_after(moment: datetime, zone: ZoneInfo, from_minute: int) -> datetime:
    local = moment.astimezone(zone)
    minute = local.hour * 60 + local.minute
    day = local.date() if minute < from_minute else local.date() + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=from_minute)


def in_window(
    moment: datetime,
    timezone: str,
    from_minute: int = 480,
    until_minute: int = 1260,
    event: datetime | None = None,
) -> datetime:
    """When a reminder due at `moment` may go: within the association's local sending window
    (08:00-21:00 by default). One due outside it goes at the allowed moment nearest to the
    plan that still comes before its event: the window's last minute before it (23:00 →
    20:59 the same evening) or, when that is nearer and the event allows, the next opening
    (07:00 for a 09:00 meeting → 08:00)."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    minute = local.hour * 60 + local.minute
    if from_minute <= minute < until_minute:
        return moment
    day = local.date() if minute >= until_minute else local.date() - timedelta(days=1)
    closing = datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=until_minute)
    before = (closing - timedelta(minutes=1)).astimezone(moment.tzinfo)
    after = _opening_after(moment, zone, from_minute).astimezone(moment.tzinfo)
    if event is not None and after <= event - EVENT_MARGIN and after - moment < moment - before:
        return after
    return before


def reminder_due(
    due: datetime,
    now: datetime,
    timezone: str,
    from_minute: int = 480,
    until_minute: int = 1260,
    event: datetime | None = None,
) -> datetime:
    """`in_window`, but never in the past: a reminder whose allowed moment has gone by goes
    at the next window's opening (or now, if the window is open)."""
    moment = in_window(due, timezone, from_minute, until_minute, event)
    if moment >= now:
        return moment
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    minute = local.hour * 60 + local.minute
    if from_minute <= minute < until_minute:
        return now
    return _opening_after(now, zone, from_minute).astimezone(now.tzinfo)
