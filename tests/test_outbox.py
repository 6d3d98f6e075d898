"""The outbox on SQLite and PostgreSQL: idempotent enqueue, groups, claims that never
overlap (two ticks racing), leases and in-doubt counting, the sending window, housekeeping."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import create_engine, create_sessionmaker
from models import Invite, OutboxMessage, OutboxStatus
from services import housekeeping, outbox
from services.clock import FixedClock
from services.outbox import Failure, Outgoing, keys
from tests.factories import make_world

LEASE = timedelta(seconds=60)


def rows(n: int, now: datetime, group: str = "announcement:1", rev: int = 1) -> list[Outgoing]:
    return [
        Outgoing(
            kind="announcement",
            person_id=None,
            chat_id=10_000 + i,
            group_key=group,
            dedupe_key=f"{group}:rev={rev}:chat={10_000 + i}",
            due_at=now,
            params={"n": i},
        )
        for i in range(n)
    ]


async def statuses(session: AsyncSession) -> dict[OutboxStatus, int]:
    found = await session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    result = {status: int(count) for status, count in found.all()}
    await session.commit()
    return result


async def test_enqueue_is_idempotent_by_dedupe_key(
    session: AsyncSession, clock: FixedClock
) -> None:
    now = clock.now()
    assert await outbox.enqueue(session, rows(5, now)) == 5
    await session.commit()
    # The same notice again (a double tap, a retried job): nothing new.
    assert await outbox.enqueue(session, rows(5, now)) == 0
    # A new revision (the meeting was moved) is a fresh message.
    assert await outbox.enqueue(session, rows(5, now, rev=2)) == 5
    await session.commit()
    assert await statuses(session) == {OutboxStatus.PENDING: 10}
    with pytest.raises(ValueError):
        await outbox.enqueue(session, [Outgoing("x", "k", "g", now, person_id=None, chat_id=None)])


async def test_cancel_a_group(session: AsyncSession, clock: FixedClock) -> None:
    now = clock.now()
    await outbox.enqueue(session, rows(3, now, group="meeting:1"))
    await outbox.enqueue(session, rows(2, now, group="meeting:2"))
    await session.commit()
    assert await outbox.cancel_group(session, "meeting:1", now) == 3
    claimed = await outbox.claim(session, now + timedelta(hours=1), 10, LEASE)
    assert {c.group_key for c in claimed} == {"meeting:2"}  # meeting 1 cancelled
    status = await outbox.group_status(session, "meeting:1")
    assert (status.total, status.cancelled, status.pending, status.done) == (3, 3, 0, True)


async def test_cancel_by_prefix_keeps_other_meetings(
    session: AsyncSession, clock: FixedClock
) -> None:
    """`meeting:1:` cancels every group of meeting 1, none of meeting 12; the notice prefix
    only the notices; rows already claimed are left to the tick."""
    now = clock.now()
    for group in ("meeting:1:notice:1", "meeting:1:reminders", "meeting:12:notice:1"):
        await outbox.enqueue(session, rows(2, now + timedelta(days=1), group=group))
    await outbox.enqueue(session, rows(1, now, group="meeting:1:checkin"))
    await session.commit()
    [claimed] = await outbox.claim(session, now, 10, LEASE)
    assert await outbox.cancel_prefix(session, keys.notice_prefix(1)) == 2
    assert await outbox.cancel_prefix(session, keys.meeting_prefix(1)) == 2
    await session.commit()
    assert (await outbox.group_status(session, "meeting:12:notice:1")).pending == 2
    assert (await outbox.group_status(session, "meeting:1:reminders")).cancelled == 2
    assert (await outbox.group_status(session, claimed.group_key)).pending == 1


async def test_two_ticks_racing_never_claim_one_row_twice(
    engine: AsyncEngine, clock: FixedClock
) -> None:
    maker = create_sessionmaker(engine)
    now = clock.now()
    async with maker() as s:
        await outbox.enqueue(s, rows(200, now))
        await s.commit()
    other = create_engine(engine.url.render_as_string(hide_password=False))
    try:

        async def tick(m: async_sessionmaker[AsyncSession]) -> list[int]:
            got: list[int] = []
            while True:
                async with m() as s:
                    batch = await outbox.claim(s, now, 9, LEASE)
                if not batch:
                    return got
                got.extend(c.id for c in batch)

        results = await asyncio.gather(
            tick(maker),
            tick(create_sessionmaker(other)),
            tick(maker),
            tick(create_sessionmaker(other)),
        )
    finally:
        await other.dispose()
    claimed = [row_id for result in results for row_id in result]
    assert len(claimed) == 200 and len(set(claimed)) == 200  # every row once, none twice


async def test_lease_recovery_counts_only_started_calls_as_in_doubt(
    session: AsyncSession, clock: FixedClock
) -> None:
    now = clock.now()
    await outbox.enqueue(session, rows(3, now))
    await session.commit()
    a, b, c = await outbox.claim(session, now, 10, LEASE)
    # a: its call started and never answered; b: claimed, never started (process died);
    # c: delivered.
    assert await outbox.mark_started(session, a.id, a.attempts, now, LEASE)
    assert await outbox.mark_started(session, c.id, c.attempts, now, LEASE)
    await outbox.record_sent(session, c.id, c.attempts, 555, 1, now)
    assert await outbox.recover(session, now + LEASE / 2) == (0, 0, 0)  # leases still live
    assert await outbox.recover(session, now + LEASE * 2) == (2, 1, 0)
    status = await outbox.group_status(session, "announcement:1")
    assert (status.sent, status.pending, status.in_doubt) == (1, 2, 1)
    # The stale claim of `a` cannot report anything any more: a later claim owns the row.
    again = await outbox.claim(session, now + LEASE * 2, 10, LEASE)
    assert {r.id for r in again} == {a.id, b.id}
    assert not await outbox.mark_started(session, a.id, a.attempts, now, LEASE)
    await outbox.record_sent(session, a.id, a.attempts, 1, 1, now)  # ignored: not ours
    status = await outbox.group_status(session, "announcement:1")
    assert status.sent == 1


async def test_retries_back_off_then_give_up(session: AsyncSession, clock: FixedClock) -> None:
    now = clock.now()
    await outbox.enqueue(session, rows(1, now))
    await session.commit()
    moment = now
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        [row] = await outbox.claim(session, moment, 10, LEASE)
        assert row.attempts == attempt
        again = await outbox.record_retry(session, row.id, row.attempts, "500", moment, 0)
        if attempt < outbox.MAX_ATTEMPTS:
            assert again
            assert await outbox.claim(session, moment, 10, LEASE) == []  # not yet due
            moment += outbox.backoff(attempt)
        else:
            assert not again
    status = await outbox.group_status(session, "announcement:1")
    assert (status.failed, status.pending, status.done) == (1, 0, True)
    [failure] = await outbox.group_failures(session, "announcement:1")
    assert failure.code == Failure.GAVE_UP


async def test_blocked_is_unreachable_not_retried(session: AsyncSession, clock: FixedClock) -> None:
    now = clock.now()
    await outbox.enqueue(session, rows(2, now))
    await session.commit()
    one, two = await outbox.claim(session, now, 10, LEASE)
    await outbox.record_failed(session, one.id, one.attempts, Failure.BLOCKED, "403")
    await outbox.record_retry(
        session, two.id, two.attempts, "429", now, 0, after=timedelta(seconds=7)
    )
    status = await outbox.group_status(session, "announcement:1")
    assert (status.unreachable, status.failed, status.pending) == (1, 0, 1)
    assert await outbox.claim(session, now + timedelta(seconds=6), 10, LEASE) == []
    assert len(await outbox.claim(session, now + timedelta(seconds=7), 10, LEASE)) == 1


def test_sending_window_moves_reminders_earlier_never_later() -> None:
    novosibirsk = "Asia/Novosibirsk"

    def local(day: int, hour: int, minute: int = 0) -> datetime:
        moment = datetime(2026, 12, day, hour, minute, tzinfo=ZoneInfo(novosibirsk))
        return moment.astimezone(UTC)

    # Inside the window: unchanged.
    assert outbox.in_window(local(10, 12), novosibirsk) == local(10, 12)
    # 23:30 → 20:59 the same evening; 06:00 → 20:59 the evening before.
    assert outbox.in_window(local(10, 23, 30), novosibirsk) == local(10, 20, 59)
    assert outbox.in_window(local(10, 6), novosibirsk) == local(9, 20, 59)
    # With its event: 07:00 for a 09:00 meeting goes at the opening, 08:00 (nearer than
    # 20:59 the evening before, and still before the meeting); 23:00 for tomorrow's 10:00
    # meeting goes at 20:59 (nearer than 08:00).
    assert outbox.in_window(local(10, 7), novosibirsk, event=local(10, 9)) == local(10, 8)
    assert outbox.in_window(local(10, 23), novosibirsk, event=local(11, 10)) == local(10, 20, 59)
    # An opening too close to the event (08:00 for an 08:15 meeting): the evening before.
    assert outbox.in_window(local(10, 7), novosibirsk, event=local(10, 8, 15)) == local(9, 20, 59)
    # Custom window 09:00-18:00.
    assert outbox.in_window(local(10, 19), novosibirsk, 540, 1080) == local(10, 17, 59)
    # Never in the past: the evening has gone by, so the next morning's opening.
    now = local(10, 22)
    assert outbox.reminder_due(local(10, 23), now, novosibirsk) == local(11, 8)
    assert outbox.reminder_due(local(10, 12), local(10, 11), novosibirsk) == local(10, 12)


async def test_housekeeping_keeps_what_is_recent(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    del world
    now = clock.now()
    await outbox.enqueue(session, rows(2, now - timedelta(days=100), group="old:1"))
    await outbox.enqueue(session, rows(2, now - timedelta(days=100), group="stuck:1"))
    await outbox.enqueue(session, rows(2, now, group="new:1"))
    await session.commit()
    for row in await outbox.claim(session, now - timedelta(days=99), 100, LEASE):
        if row.group_key == "old:1":
            await outbox.record_sent(session, row.id, row.attempts, 1, 1, now)
    invites_before = int(await session.scalar(select(func.count()).select_from(Invite)) or 0)
    done = await housekeeping.purge(session, now + timedelta(days=40))
    assert done["outbox"] == 2  # only the finished old rows; pending and sending stay
    assert await statuses(session) == {OutboxStatus.SENDING: 2, OutboxStatus.PENDING: 2}
    invites_after = int(await session.scalar(select(func.count()).select_from(Invite)) or 0)
    assert invites_after == invites_before - done["invites"]


async def test_a_call_never_answered_stops_after_a_few_tries(
    session: AsyncSession, clock: FixedClock
) -> None:
    """A chat whose calls always time out is not retried for ever (each retry may deliver
    a copy): after MAX_DOUBTS unanswered calls the row fails as "no answer"."""
    now = clock.now()
    await outbox.enqueue(session, rows(1, now))
    await session.commit()
    moment = now
    for n in range(1, outbox.MAX_DOUBTS + 1):
        [row] = await outbox.claim(session, moment, 10, LEASE)
        assert await outbox.mark_started(session, row.id, row.attempts, moment, LEASE)
        moment += LEASE * 2
        requeued, in_doubt, given_up = await outbox.recover(session, moment)
        assert in_doubt == 1
        assert requeued == (1 if n < outbox.MAX_DOUBTS else 0)
        assert given_up == (0 if n < outbox.MAX_DOUBTS else 1)
    status = await outbox.group_status(session, "announcement:1")
    assert (status.failed, status.pending, status.in_doubt) == (1, 0, outbox.MAX_DOUBTS)
    [failure] = await outbox.group_failures(session, "announcement:1")
    assert failure.code == Failure.NO_ANSWER


async def test_throttled_claims_do_not_count_as_failures(
    session: AsyncSession, clock: FixedClock
) -> None:
    now = clock.now()
    await outbox.enqueue(session, rows(1, now))
    await session.commit()
    moment = now
    for _ in range(outbox.MAX_ATTEMPTS + 2):  # many 429s: never given up because of them
        [row] = await outbox.claim(session, moment, 10, LEASE)
        assert row.failures == 1  # this claim only: the throttled ones are not counted
        await outbox.record_retry(
            session,
            row.id,
            row.attempts,
            "429",
            moment,
            0,
            after=timedelta(seconds=1),
            failures=row.failures,
        )
        moment += timedelta(seconds=1)
    [row] = await outbox.claim(session, moment, 10, LEASE)
    assert await outbox.record_retry(
        session, row.id, row.attempts, "500", moment, 0, failures=row.failures
    )


async def test_a_retry_is_claimed_ahead_of_a_backlog(
    session: AsyncSession, clock: FixedClock
) -> None:
    """A row put back after a 500 and one whose answer was lost are claimed as soon as they
    are due, before 2,000 rows of another broadcast that were due earlier."""
    now = clock.now()
    await outbox.enqueue(session, rows(2, now, group="announcement:1"))
    await session.commit()
    failed, lost = await outbox.claim(session, now, 2, LEASE)
    assert await outbox.mark_started(session, lost.id, lost.attempts, now, LEASE)
    await outbox.record_retry(session, failed.id, failed.attempts, "500", now, 0)
    backlog_at = now + timedelta(seconds=1)
    await outbox.enqueue(session, rows(2000, backlog_at, group="announcement:2"))
    await session.commit()
    moment = now + LEASE * 2  # both are due again now; the backlog was due before them
    assert await outbox.recover(session, moment) == (1, 1, 0)
    claimed = await outbox.claim(session, moment, 8, LEASE)
    assert {failed.id, lost.id} <= {row.id for row in claimed}
    assert len(claimed) == 8  # the rest of the room goes to the backlog, oldest first
