"""Putting rows into the outbox, inside the caller's transaction (so an announcement and its
messages commit together), each with a unique dedupe key that includes the object's revision:
a row already there is skipped, never written twice."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxMessage, OutboxStatus

from . import wake

BATCH = 1000  # rows per INSERT statement


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
    for start in range(0, len(rows), BATCH):
        result = await session.execute(stmt, rows[start : start + BATCH])
        inserted += len(result.all())
    if inserted:
        wake.arm(session)
    return inserted


def each_person(
    person_ids: Iterable[int],
    *,
    kind: str,
    group_key: str,
    dedupe_key: Callable[[int], str],
    due_at: datetime,
    params: Mapping[str, Any],
    template: str = "",
) -> list[Outgoing]:
    """One message per person, all alike but for the recipient and its dedupe key
    (`dedupe_key(person_id)`, a function of `keys`); for callers that gather several
    fan-outs into one `enqueue`."""
    return [
        Outgoing(
            kind=kind,
            template=template,
            params=dict(params),
            person_id=pid,
            group_key=group_key,
            dedupe_key=dedupe_key(pid),
            due_at=due_at,
        )
        for pid in person_ids
    ]


async def fan_out(
    session: AsyncSession,
    person_ids: Iterable[int],
    *,
    kind: str,
    group_key: str,
    dedupe_key: Callable[[int], str],
    due_at: datetime,
    params: Mapping[str, Any],
    template: str = "",
) -> int:
    """Enqueue one row per member (in the caller's transaction), e.g.

        await outbox.fan_out(
            session, members, kind=CHECKIN, group_key=keys.checkin_group(meeting.id),
            dedupe_key=lambda pid: keys.checkin(meeting_id=meeting.id, person_id=pid),
            due_at=now, params={"meeting_id": meeting.id},
        )

    Returns how many rows were new (a dedupe key already present is skipped)."""
    items = each_person(
        person_ids,
        kind=kind,
        group_key=group_key,
        dedupe_key=dedupe_key,
        due_at=due_at,
        params=params,
        template=template,
    )
    return await enqueue(session, items)
