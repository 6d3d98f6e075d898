"""Reminders while a protocol is not issued: to the keeper and the chair at +7, +21 and +28
days (10:00 local, inside the association's sending hours), and the overdue flag the day
after the due day to the chair and the service's methodists. Planned when the meeting ends;
dropped by the sender once the protocol is issued (services.protocols.delivery.unwanted)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Meeting
from services import attendance, deadlines, outbox
from services.outbox import keys
from services.protocols import queries
from services.protocols.kinds import OVERDUE, REMINDER
from services.protocols.snapshot import signers
from services.protocols.views import meeting_day

REMIND_AFTER_DAYS = (7, 21, 28)
REMIND_AT = time(10, 0)


def remind_at(association: Association, day: date, now: datetime) -> datetime:
    moment = deadlines.at_local(day, REMIND_AT, association.timezone)
    return outbox.reminder_due(
        max(moment, now),
        now,
        association.timezone,
        association.send_from_minute,
        association.send_until_minute,
    )


async def plan_reminders(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> None:
    day = meeting_day(meeting, association.timezone)
    if day is None:
        return
    _presiding, keeper = await signers(session, meeting, association)
    chair, _secretary = await attendance.default_roles(session, association.id)
    due_on = deadlines.add_months(day, association.protocol_months)
    rows: list[outbox.Outgoing] = []
    for after in REMIND_AFTER_DAYS:
        due = remind_at(association, day + timedelta(days=after), now)
        for person in {p for p in (keeper, chair) if p is not None}:
            rows.append(
                outbox.Outgoing(
                    kind=REMINDER,
                    dedupe_key=keys.protocol_reminder(
                        meeting_id=meeting.id, after=after, person_id=person
                    ),
                    group_key=keys.protocol_group(meeting.id),
                    due_at=due,
                    params={"meeting_id": meeting.id, "after": after, "due": due_on.isoformat()},
                    person_id=person,
                )
            )
    due = remind_at(association, due_on + timedelta(days=1), now)
    methodists = (await session.scalars(queries.methodists(association.service_id))).all()
    for person in {p for p in (chair, *methodists) if p is not None}:
        rows.append(
            outbox.Outgoing(
                kind=OVERDUE,
                dedupe_key=keys.protocol_overdue(meeting_id=meeting.id, person_id=person),
                group_key=keys.protocol_group(meeting.id),
                due_at=due,
                params={"meeting_id": meeting.id, "due": due_on.isoformat()},
                person_id=person,
            )
        )
    await outbox.enqueue(session, rows)
