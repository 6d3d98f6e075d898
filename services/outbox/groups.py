"""Groups of rows (a broadcast, a meeting's reminders, a survey's invitations): cancel what
is still waiting, send again what waited for a person to join, and the figures and failures
shown to whoever started it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxMessage, OutboxStatus
from services.tx import reads, writes

from . import queries
from .outcomes import Failure


async def _cancel_pending(session: AsyncSession, where: Any) -> int:
    result = await session.execute(
        update(OutboxMessage)
        .where(where, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return len(result.all())


@writes
async def cancel_group(session: AsyncSession, group_key: str, now: datetime | None = None) -> int:
    """Cancel every pending row of a group (a survey closed, a notice superseded). Inside a
    use case's transaction it joins it. `now` is not used (kept for callers)."""
    del now
    return await _cancel_pending(session, OutboxMessage.group_key == group_key)


async def cancel_prefix(session: AsyncSession, prefix: str) -> int:
    """Cancel the pending rows of every group whose key starts with `prefix` (a prefix from
    `keys`: every group of a meeting, or its notices of every revision), in the caller's
    transaction."""
    return await _cancel_pending(
        session, OutboxMessage.group_key.startswith(prefix, autoescape=True)
    )


async def requeue_not_joined(
    session: AsyncSession, person_id: int, kind: str, group_keys: Sequence[str], now: datetime
) -> None:
    """A person joined at last: their rows of these groups that failed as "not joined yet"
    are due again now (in the caller's transaction)."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.person_id == person_id,
            OutboxMessage.kind == kind,
            OutboxMessage.status == OutboxStatus.FAILED,
            OutboxMessage.error_code == Failure.NOT_JOINED.value,
            OutboxMessage.group_key.in_(list(group_keys)),
        )
        .values(status=OutboxStatus.PENDING, due_at=now, error_code=None, last_error=None)
        .execution_options(synchronize_session=False)
    )


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


@reads
async def group_status(session: AsyncSession, group_key: str) -> GroupStatus:
    counts = (await session.execute(queries.group_counts(group_key))).one()
    return GroupStatus(*(int(c or 0) for c in counts))


@dataclass(frozen=True)
class Failed:
    person_id: int | None
    chat_id: int | None
    code: str
    name: str | None = None  # None: a chat, or a person who has since deleted their data


@reads
async def group_failures(session: AsyncSession, group_key: str) -> list[Failed]:
    """Who could not be reached and why, by name (then in the order enqueued)."""
    rows = await session.execute(queries.group_failures(group_key))
    return [
        Failed(person, chat, code or Failure.GAVE_UP.value, name)
        for person, chat, code, name in rows.all()
    ]


@dataclass(frozen=True)
class Outcome:
    person_id: int
    status: OutboxStatus
    code: str | None  # a `Failure` value when failed


async def group_outcomes(session: AsyncSession, group_key: str) -> list[Outcome]:
    """Each person's row of a group and how it ended (a delivery report broken down by
    the recipients' associations), in the caller's transaction."""
    rows = await session.execute(queries.group_outcomes(group_key))
    return [Outcome(int(p), status, code) for p, status, code in rows.all() if p is not None]


@dataclass(frozen=True)
class Backlog:
    waiting: int  # pending rows due before the threshold
    oldest: datetime | None  # the earliest due time among them


@reads
async def backlog(session: AsyncSession, before: datetime, *, but_kind: str) -> Backlog:
    """The rows still waiting that were due before `before` (rows of `but_kind` aside)."""
    row = (await session.execute(queries.overdue(before, but_kind))).one()
    return Backlog(int(row[0] or 0), row[1])
