"""The outbox's SELECT builders: the tick's probes and claim, a group's figures and failures."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Select, and_, func, select

from models import OutboxMessage, OutboxStatus, Person

from .outcomes import UNREACHABLE

CLAIMED_COLUMNS = (
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


def first_due(now: datetime) -> Select[int]:
    """One pending row that is due (an index probe on ix_outbox_due)."""
    return (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.due_at <= now)
        .limit(1)
    )


def first_expired(now: datetime) -> Select[int]:
    """One row `sending` whose lease ran out (an index probe on ix_outbox_lease)."""
    return (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now)
        .limit(1)
    )


# A row due at or before this moment is urgent (the operator's alerts): claimed before any
# other, even before retries, so it never waits behind the backlog it may be reporting.
PRIORITY_DUE = datetime(2000, 1, 1, tzinfo=UTC)


def due_ids(
    now: datetime, limit: int, *, retries: bool = False, urgent: bool = False
) -> Select[int]:
    """The ids a claim takes: due first, `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLAlchemy
    drops it on SQLite, where BEGIN IMMEDIATE serializes the claims). With `retries`, only
    rows tried before (a row put back after an error or a lost answer carries `last_error`;
    a fresh one never does): the claim takes those first, so a retry never waits behind a
    broadcast's backlog of rows due earlier."""
    o = OutboxMessage
    due = [o.status == OutboxStatus.PENDING, o.due_at <= now]
    if retries:
        due.append(o.last_error.is_not(None))
    if urgent:
        due.append(o.due_at <= PRIORITY_DUE)
    return (
        select(o.id)
        .where(*due)
        .order_by(o.due_at, o.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def group_counts(group_key: str) -> Select[int, int, int, int, int, int, int]:
    """total, sent, pending (waiting or in flight), unreachable, other failures, cancelled,
    in doubt: the figures of `GroupStatus`, in its order."""
    o = OutboxMessage
    unreachable = and_(
        o.status == OutboxStatus.FAILED, o.error_code.in_([f.value for f in UNREACHABLE])
    )
    return select(
        func.count(),
        func.count().filter(o.status == OutboxStatus.SENT),
        func.count().filter(o.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])),
        func.count().filter(unreachable),
        func.count().filter(and_(o.status == OutboxStatus.FAILED, ~unreachable)),
        func.count().filter(o.status == OutboxStatus.CANCELLED),
        func.coalesce(func.sum(o.doubts), 0),
    ).where(o.group_key == group_key)


def group_failures(
    group_key: str,
) -> Select[int | None, int | None, str | None, str | None]:
    """A group's failed rows with the recipient's name (None for a chat, or a person who
    has since deleted their data), by name, then in the order they were enqueued."""
    return (
        select(
            OutboxMessage.person_id,
            OutboxMessage.chat_id,
            OutboxMessage.error_code,
            Person.full_name,
        )
        .select_from(OutboxMessage)
        .outerjoin(Person, Person.id == OutboxMessage.person_id)
        .where(OutboxMessage.group_key == group_key, OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(Person.full_name, OutboxMessage.id)
    )


def group_outcomes(group_key: str) -> Select[int | None, OutboxStatus, str | None]:
    """Each row of a group meant for a person: who, its status, why it failed."""
    return select(OutboxMessage.person_id, OutboxMessage.status, OutboxMessage.error_code).where(
        OutboxMessage.group_key == group_key, OutboxMessage.person_id.is_not(None)
    )


def overdue(before: datetime, but_kind: str) -> Select[int, datetime | None]:
    """How many pending rows have been due since before `before`, and the earliest due time
    (the operator's backlog alert; its own rows, `but_kind`, left out)."""
    o = OutboxMessage
    return select(func.count(), func.min(o.due_at)).where(
        o.status == OutboxStatus.PENDING, o.due_at < before, o.kind != but_kind
    )
