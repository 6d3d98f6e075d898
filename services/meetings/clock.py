"""The meeting clock: what time does by itself (scheduled publications, check-in opening at
the start, the end when a meeting's time is over), run by the scheduler every few seconds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Meeting, MeetingForm, MeetingStatus
from services import attendance
from services.meetings import queries
from services.meetings.changes import end_meeting
from services.meetings.publish import publish_now
from services.meetings.reminders import plan_draft_reminders
from services.meetings.rules import problems
from services.meetings.views import build_view
from services.tx import writes


@dataclass(frozen=True)
class ClockReport:
    published: list[int]
    ended: list[int]
    checkin_opened: list[int] = field(default_factory=list)


def finish_of(meeting: Meeting) -> datetime | None:
    """When a meeting is over: an absentee one at its ballot deadline; one with a gathering
    after its duration (a hybrid one not before its ballot deadline either)."""
    end = (
        meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        if meeting.starts_at
        else None
    )
    if meeting.form is MeetingForm.ABSENTEE:
        return meeting.ballot_deadline
    if meeting.form is MeetingForm.HYBRID and meeting.ballot_deadline and end:
        return max(end, meeting.ballot_deadline)
    return end


@writes
async def run_clock(session: AsyncSession, now: datetime) -> ClockReport:
    """Time-driven steps, run by the scheduler every few seconds: scheduled publications that
    are due, and meetings whose time is over (an in-person or hybrid meeting after its
    duration, an absentee one at its ballot deadline)."""
    published: list[int] = []
    due = (await session.scalars(queries.due_publications(now))).all()
    for meeting_id in due:
        meeting = await session.get_one(Meeting, meeting_id, with_for_update=True)
        association = await session.get_one(Association, meeting.association_id)
        view = await build_view(session, meeting)
        if problems(view, now) or (
            view.notice_deadline is not None
            and now >= view.notice_deadline
            and not meeting.extraordinary
        ):
            meeting.status = MeetingStatus.DRAFT  # no longer publishable: back to its authors
            meeting.publish_at = None
            meeting.version += 1
            await plan_draft_reminders(session, view, now)
            continue
        await publish_now(session, None, meeting, association, now, None, association.locale)
        # Deliberately committed one by one (as before issue 12): a publication that fails
        # later in this run does not hold back the ones already made.
        await session.commit()
        published.append(meeting_id)
    ended: list[int] = []
    opened: list[int] = []
    running = (await session.scalars(queries.running(now))).all()
    for meeting in running:
        association = await session.get_one(Association, meeting.association_id)
        if (
            meeting.form is not MeetingForm.ABSENTEE
            and meeting.starts_at is not None
            and meeting.starts_at <= now
            and meeting.checkin_opened_at is None
        ):
            await attendance.start_checkin(session, None, meeting, association, now, code=False)
            opened.append(meeting.id)
        finish = finish_of(meeting)
        if finish is not None and finish <= now:
            await end_meeting(session, None, meeting, association, now)
            ended.append(meeting.id)
    return ClockReport(published, ended, opened)
