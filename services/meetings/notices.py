"""The messages a meeting sends at once: the notice (and a changed or cancelled one) to every
member and the group chat, the chair's confirmation request and answer, the notice for someone
who joins later; and cancelling the pending ones. Outbox keys are kept verbatim (issue 12: one
keys module replaces them after the merge)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Association,
    Meeting,
    OutboxMessage,
    OutboxStatus,
    Role,
)
from services import outbox
from services.meetings import queries
from services.meetings.recipients import staff_ids
from services.meetings.reminders import plan_ballot_reminders, plan_final_agenda, plan_reminders
from services.meetings.rules import Kind
from services.meetings.views import MeetingView, build_view
from services.tx import writes


def notice_group(meeting_id: int, revision: int) -> str:
    return f"meeting:{meeting_id}:notice:{revision}"


async def enqueue_notices(
    session: AsyncSession,
    view: MeetingView,
    association: Association,
    members: list[int],
    now: datetime,
    *,
    changes: list[str],
    kind: Kind = Kind.NOTICE,
) -> None:
    group = (
        notice_group(view.id, view.revision)
        if kind is Kind.NOTICE
        else f"meeting:{view.id}:{kind.value.removeprefix('meeting_')}:{view.revision}"
    )
    params = {"meeting_id": view.id, "revision": view.revision, "changes": changes}
    items = [
        outbox.Outgoing(
            kind=kind.value,
            person_id=pid,
            group_key=group,
            dedupe_key=f"meeting:{view.id}:{kind.value}:rev={view.revision}:person={pid}",
            due_at=now,
            params=params,
        )
        for pid in members
    ]
    if association.group_chat_id is not None:
        items.append(
            outbox.Outgoing(
                kind=kind.value,
                chat_id=association.group_chat_id,
                group_key=f"meeting:{view.id}:group:{view.revision}",
                dedupe_key=(
                    f"meeting:{view.id}:{kind.value}:rev={view.revision}"
                    f":chat={association.group_chat_id}"
                ),
                due_at=now,
                params={**params, "group": True},
            )
        )
    await outbox.enqueue(session, items)


async def tell_requester(
    session: AsyncSession, meeting: Meeting, now: datetime, *, confirmed: bool
) -> None:
    if meeting.requested_by_id is None:
        return
    await outbox.enqueue(
        session,
        [
            outbox.Outgoing(
                kind=Kind.DECISION.value,
                person_id=meeting.requested_by_id,
                group_key=f"meeting:{meeting.id}:decision",
                dedupe_key=f"meeting:{meeting.id}:decision:v={meeting.version}",
                due_at=now,
                params={"meeting_id": meeting.id, "confirmed": confirmed},
            )
        ],
    )


async def ask_chair(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> None:
    chairs = await staff_ids(session, association.id, (Role.CHAIR, Role.DEPUTY))
    await outbox.enqueue(
        session,
        [
            outbox.Outgoing(
                kind=Kind.CONFIRM.value,
                person_id=pid,
                group_key=f"meeting:{meeting.id}:confirm",
                dedupe_key=f"meeting:{meeting.id}:confirm:v={meeting.version}:person={pid}",
                due_at=now,
                params={"meeting_id": meeting.id},
            )
            for pid in chairs
        ],
    )


async def outbox_cancel_prefix(session: AsyncSession, prefix: str) -> int:
    """Cancel the pending rows of every group starting with `prefix` (caller's transaction)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.group_key.startswith(prefix, autoescape=True),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return len(result.all())


@writes
async def notices_for_newcomer(
    session: AsyncSession, person_id: int, association_id: int, now: datetime
) -> int:
    """Someone joined the association: they get the current notice of each upcoming
    published meeting (the same dedupe key as the broadcast, so never twice)."""
    upcoming = (await session.scalars(queries.upcoming_of(association_id, now))).all()
    items = [
        outbox.Outgoing(
            kind=Kind.NOTICE.value,
            person_id=person_id,
            group_key=notice_group(meeting.id, meeting.revision),
            dedupe_key=(
                f"meeting:{meeting.id}:{Kind.NOTICE.value}:rev={meeting.revision}"
                f":person={person_id}"
            ),
            due_at=now,
            params={"meeting_id": meeting.id, "revision": meeting.revision, "changes": []},
        )
        for meeting in upcoming
    ]
    added = await outbox.enqueue(session, items)
    for meeting in upcoming:
        association = await session.get_one(Association, meeting.association_id)
        view = await build_view(session, meeting)
        await plan_reminders(session, view, association, [person_id], now)
        await plan_ballot_reminders(session, view, association, [person_id], now)
        await plan_final_agenda(session, view, [person_id], now)
    if upcoming:
        # A roster person who joins now: the notice the broadcast could not deliver to them
        # ("not joined yet") is sent after all.
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.person_id == person_id,
                OutboxMessage.kind == Kind.NOTICE.value,
                OutboxMessage.status == OutboxStatus.FAILED,
                OutboxMessage.error_code == outbox.Failure.NOT_JOINED.value,
                OutboxMessage.group_key.in_([notice_group(m.id, m.revision) for m in upcoming]),
            )
            .values(status=OutboxStatus.PENDING, due_at=now, error_code=None, last_error=None)
            .execution_options(synchronize_session=False)
        )
    return added
