"""What the outbox carries for a survey: the invitation and reminder rows planned when it
opens, when reminders fall due, which claimed rows are no longer wanted, and cancelling
those still waiting when it closes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association
from models.survey import Survey, SurveyStatus
from services import deadlines, outbox
from services.outbox import keys
from services.surveys import queries
from services.surveys.common import (
    INVITE,
    KINDS,
    REMIND_AT,
    REMIND_BEFORE,
    REMIND_GAP,
    REMINDER,
)
from services.tx import reads


def reminder_times(
    start: datetime, closes_at: datetime, association: Association, now: datetime
) -> list[tuple[int, datetime]]:
    """(stage, due) of the reminders: stage 1 two days before closing, stage 2 on the last
    (local) day, each moved into the sending window; one that would come within 12 hours of
    the invitation or of the later reminder, or not before closing, is left out."""
    tz = association.timezone
    window = (association.send_from_minute, association.send_until_minute)
    last_day = deadlines.local_day(closes_at - timedelta(microseconds=1), tz)
    last = min(deadlines.at_local(last_day, REMIND_AT, tz), closes_at - timedelta(hours=2))
    planned: list[tuple[int, datetime]] = []
    for stage, moment in ((2, last), (1, closes_at - REMIND_BEFORE)):
        due = outbox.reminder_due(moment, now, tz, *window, event=closes_at)
        if due < start + REMIND_GAP or due >= closes_at:
            continue
        if planned and due > planned[0][1] - REMIND_GAP:
            continue
        planned.append((stage, due))
    return sorted(planned, key=lambda p: p[1])


def planned_rows(
    survey: Survey,
    people: Sequence[int],
    start: datetime,
    reminders: Sequence[tuple[int, datetime]],
) -> list[outbox.Outgoing]:
    """An invitation per recipient at `start`, and each reminder (stage, due) per recipient;
    the dedupe keys make sure no one gets one twice."""
    rows = [
        outbox.Outgoing(
            kind=INVITE,
            dedupe_key=keys.survey_invite(survey_id=survey.id, person_id=person),
            group_key=keys.survey_group(survey.id),
            due_at=start,
            params={"survey_id": survey.id},
            person_id=person,
        )
        for person in people
    ]
    for stage, due in reminders:
        rows.extend(
            outbox.Outgoing(
                kind=REMINDER,
                dedupe_key=keys.survey_reminder(survey_id=survey.id, stage=stage, person_id=person),
                group_key=keys.survey_group(survey.id),
                due_at=due,
                params={"survey_id": survey.id, "stage": stage},
                person_id=person,
            )
            for person in people
        )
    return rows


async def cancel_pending_outbox(session: AsyncSession, survey: Survey) -> None:
    """The survey's invitations and reminders still waiting are cancelled (in the caller's
    transaction)."""
    await outbox.cancel_group(session, keys.survey_group(survey.id))


@reads
async def unwanted(session: AsyncSession, rows: list[Any]) -> set[int]:
    """Claimed survey rows no longer wanted: any once the survey has closed, once the
    person has finished it, or once they have left its audience (closing also cancels the
    rows still pending)."""
    mine_ = [r for r in rows if r.kind in KINDS and "survey_id" in r.params]
    survey_ids = {int(r.params["survey_id"]) for r in mine_}
    if not survey_ids:
        return set()
    surveys = {
        sid: status for sid, status in (await session.execute(queries.statuses(survey_ids))).all()
    }
    people = {r.person_id for r in mine_ if r.person_id is not None}
    finished = {
        (sid, pid)
        for sid, pid in (await session.execute(queries.finished_pairs(survey_ids, people))).all()
    }
    # Still in the audience: an active member of one of the survey's associations.
    members = {
        (sid, pid)
        for sid, pid in (await session.execute(queries.audience_pairs(survey_ids, people))).all()
    }
    drop: set[int] = set()
    for row in mine_:
        sid = int(row.params["survey_id"])
        found = surveys.get(sid)
        pair = (sid, row.person_id)
        if found is not SurveyStatus.OPEN or pair in finished or pair not in members:
            drop.add(row.id)
    return drop
