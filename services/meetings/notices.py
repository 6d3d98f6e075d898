"""The messages a meeting sends at once: the notice (and a changed or cancelled one) to every
member and the group chat, the chair's confirmation request and answer, the notice for someone
who joins later. Every key comes from `services.outbox.keys`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Meeting, Role
from services import outbox
from services.meetings import queries
from services.meetings.recipients import staff_ids
from services.meetings.reminders import plan_ballot_reminders, plan_final_agenda, plan_reminders
from services.meetings.rules import Kind
from services.meetings.views import MeetingView, build_view
from services.outbox import keys
from services.tx import writes


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
    """The notice (or, with `kind` CANCELLED, the cancellation) of the view's revision to every
    member and to the linked group chat."""
    if kind is Kind.NOTICE:
        group, to_person, to_chat = keys.notice_group, keys.notice, keys.notice_to_chat
    elif kind is Kind.CANCELLED:
        group, to_person, to_chat = keys.cancelled_group, keys.cancelled, keys.cancelled_to_chat
    else:
        raise ValueError(f"not a notice: {kind}")
    mid, rev = view.id, view.revision
    params = {"meeting_id": mid, "revision": rev, "changes": changes}
    items = outbox.each_person(
        members,
        kind=kind.value,
        group_key=group(mid, rev),
        dedupe_key=lambda pid: to_person(meeting_id=mid, revision=rev, person_id=pid),
        due_at=now,
        params=params,
    )
    if association.group_chat_id is not None:
        items.append(
            outbox.Outgoing(
                kind=kind.value,
                chat_id=association.group_chat_id,
                group_key=keys.chat_notice_group(mid, rev),
                dedupe_key=to_chat(meeting_id=mid, revision=rev, chat_id=association.group_chat_id),
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
                group_key=keys.decision_group(meeting.id),
                dedupe_key=keys.decision(meeting_id=meeting.id, version=meeting.version),
                due_at=now,
                params={"meeting_id": meeting.id, "confirmed": confirmed},
            )
        ],
    )


async def ask_chair(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> None:
    chairs = await staff_ids(session, association.id, (Role.CHAIR, Role.DEPUTY))
    await outbox.fan_out(
        session,
        chairs,
        kind=Kind.CONFIRM.value,
        group_key=keys.confirm_group(meeting.id),
        dedupe_key=lambda pid: keys.confirm(
            meeting_id=meeting.id, version=meeting.version, person_id=pid
        ),
        due_at=now,
        params={"meeting_id": meeting.id},
    )


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
            group_key=keys.notice_group(meeting.id, meeting.revision),
            dedupe_key=keys.notice(
                meeting_id=meeting.id, revision=meeting.revision, person_id=person_id
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
        await outbox.requeue_not_joined(
            session,
            person_id,
            Kind.NOTICE.value,
            [keys.notice_group(m.id, m.revision) for m in upcoming],
            now,
        )
    return added
