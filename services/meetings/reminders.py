"""The messages a meeting plans ahead: reminders before a gathering, ballot reminders before
an absentee or hybrid deadline, the final agenda at the proposal cutoff, and a draft's notice
deadline for its chair and secretary. Each is checked again when it is due (wanted.py)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, MeetingForm, Role
from services import attendance, deadlines, outbox
from services.meetings.recipients import staff_ids
from services.meetings.rules import UNPUBLISHED, Kind
from services.meetings.views import MeetingView
from services.outbox import keys


def reminder_offsets(association: Association) -> list[int]:
    found = []
    for part in association.reminder_minutes.split(","):
        if part.strip().isdigit():
            found.append(int(part.strip()))
    return sorted(set(found), reverse=True)


async def plan_reminders(
    session: AsyncSession,
    view: MeetingView,
    association: Association,
    members: list[int],
    now: datetime,
) -> None:
    """A day and two hours before a gathering (the association's setting), kept within its
    sending window; only those that are still ahead."""
    if not view.has_gathering or view.starts_at is None:
        return
    items: list[outbox.Outgoing] = []
    for minutes in reminder_offsets(association):
        if view.starts_at - timedelta(minutes=minutes) < now:
            continue  # published too late for this one (a day's reminder 3 hours before)
        due = outbox.reminder_due(
            view.starts_at - timedelta(minutes=minutes),
            now,
            association.timezone,
            association.send_from_minute,
            association.send_until_minute,
            event=view.starts_at,
        )
        if due >= view.starts_at or due < now:
            continue
        items += [
            outbox.Outgoing(
                kind=Kind.REMINDER.value,
                person_id=pid,
                group_key=keys.reminders_group(view.id),
                dedupe_key=keys.reminder(
                    meeting_id=view.id, minutes=minutes, revision=view.revision, person_id=pid
                ),
                due_at=due,
                params={"meeting_id": view.id, "revision": view.revision, "minutes": minutes},
            )
            for pid in members
        ]
    await outbox.enqueue(session, items)


async def plan_ballot_reminders(
    session: AsyncSession,
    view: MeetingView,
    association: Association,
    members: list[int],
    now: datetime,
) -> None:
    """Absentee and hybrid meetings: two days and one day before the ballot deadline, to
    those who have not answered every question yet (checked when the moment comes)."""
    deadline = view.ballot_deadline or (view.ends_at if view.form is MeetingForm.HYBRID else None)
    if not view.has_ballot or deadline is None:
        return
    items: list[outbox.Outgoing] = []
    for days in (2, 1):
        due = outbox.reminder_due(
            deadline - timedelta(days=days),
            now,
            association.timezone,
            association.send_from_minute,
            association.send_until_minute,
            event=deadline,
        )
        if due < now or due >= deadline:
            continue
        items += [
            outbox.Outgoing(
                kind=attendance.BALLOT_REMINDER,
                person_id=pid,
                group_key=keys.ballot_reminders_group(view.id),
                dedupe_key=keys.ballot_reminder(
                    meeting_id=view.id, days=days, revision=view.revision, person_id=pid
                ),
                due_at=due,
                params={"meeting_id": view.id, "revision": view.revision, "days": days},
            )
            for pid in members
        ]
    await outbox.enqueue(session, items)


async def plan_final_agenda(
    session: AsyncSession, view: MeetingView, members: list[int], now: datetime
) -> None:
    """At the proposal cutoff everyone gets the final agenda, if proposals changed it (the
    kind checks that when the moment comes)."""
    cutoff = view.proposal_deadline
    if cutoff is None or cutoff <= now:
        return
    await outbox.fan_out(
        session,
        members,
        kind=Kind.FINAL_AGENDA.value,
        group_key=keys.final_agenda_group(view.id),
        dedupe_key=lambda pid: keys.final_agenda(
            meeting_id=view.id, revision=view.revision, person_id=pid
        ),
        due_at=cutoff,
        params={"meeting_id": view.id, "revision": view.revision},
    )


async def plan_draft_reminders(session: AsyncSession, view: MeetingView, now: datetime) -> None:
    """A draft with a date: the chair and the secretary are reminded two days before its
    notice deadline and on the deadline day («извещение нужно отправить до 15.12»)."""
    if view.status not in UNPUBLISHED or view.day is None or view.notice_deadline is None:
        return
    day = view.day
    last_day = day - timedelta(days=view.notice_days)
    staff = await staff_ids(session, view.association_id, (Role.CHAIR, Role.DEPUTY, Role.SECRETARY))
    items: list[outbox.Outgoing] = []
    for before in (2, 0):
        moment = deadlines.at_local(last_day - timedelta(days=before), time(9, 0), view.timezone)
        if moment < now:
            continue
        items += [
            outbox.Outgoing(
                kind=Kind.DRAFT_DEADLINE.value,
                person_id=pid,
                group_key=keys.draft_deadline_group(view.id),
                dedupe_key=keys.draft_deadline(
                    meeting_id=view.id, day=day, before=before, person_id=pid
                ),
                due_at=moment,
                params={"meeting_id": view.id, "day": day.isoformat()},
            )
            for pid in staff
        ]
    await outbox.enqueue(session, items)
