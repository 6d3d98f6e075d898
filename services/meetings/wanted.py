"""What each meeting message still needs to be sent, checked when the outbox claims it: a
cancelled, ended or changed meeting, someone who left, answered or said Не смогу, a decided
proposal, a closed vote make it unwanted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models import Meeting, MeetingForm, MeetingStatus, Role, RsvpAnswer
from services import attendance, deadlines, outbox
from services.meetings import queries
from services.meetings.rules import Kind
from services.tx import reads

_PUBLISHED_KINDS = {
    Kind.NOTICE.value,
    Kind.REMINDER.value,
    Kind.FINAL_AGENDA.value,
    Kind.NUDGE.value,
    Kind.PROPOSAL.value,
}


@reads
async def unwanted(session: AsyncSession, rows: list[outbox.Claimed]) -> set[int]:
    """Claimed meeting messages that must not go out any more: the meeting was cancelled,
    ended or changed (a newer revision supersedes), the person left the association or said
    Не смогу (reminders), already answered (a nudge), the agenda did not change (the final
    agenda), the draft's date moved (a draft reminder), a proposal was decided meanwhile."""
    if not rows:
        return set()
    meeting_ids = {int(r.params["meeting_id"]) for r in rows}
    found = {m.id: m for m in (await session.scalars(queries.meetings_in(meeting_ids))).all()}
    zones = dict(
        (await session.execute(queries.zones_of({m.association_id for m in found.values()}))).all()
    )
    person_ids = {r.person_id for r in rows if r.person_id is not None}
    roles = {
        (aid, pid): role
        for aid, pid, role in (await session.execute(queries.roles_of(person_ids))).all()
    }
    answers = {
        (mid, pid): reply
        for mid, pid, reply in (await session.execute(queries.answers_in(meeting_ids))).all()
    }
    changed_agenda = set((await session.scalars(queries.changed_agendas(meeting_ids))).all())
    proposal_ids = {int(r.params["proposal_id"]) for r in rows if "proposal_id" in r.params}
    pending_proposals = set((await session.scalars(queries.still_pending(proposal_ids))).all())
    present = {
        (mid, pid or 0)
        for mid, pid in (await session.execute(queries.present_in(meeting_ids, person_ids))).all()
    }
    voting = {
        (aid, pid) for aid, pid in (await session.execute(queries.voting_members(person_ids))).all()
    }
    questions = dict((await session.execute(queries.ballot_questions(meeting_ids))).all())
    ballots = {
        (mid, pid or 0): n
        for mid, pid, n in (
            await session.execute(queries.ballots_in(meeting_ids, person_ids))
        ).all()
    }
    item_ids = {int(r.params["item_id"]) for r in rows if "item_id" in r.params}
    open_votes = set((await session.scalars(queries.open_votes(item_ids))).all())
    voted = {
        (item, pid or 0)
        for item, pid in (await session.execute(queries.voted(item_ids, person_ids))).all()
    }
    facts = _Facts(
        found,
        zones,
        roles,
        answers,
        changed_agenda,
        pending_proposals,
        present,
        voting,
        questions,
        ballots,
        open_votes,
        voted,
    )
    return {row.id for row in rows if not _still_wanted(row, facts)}


@dataclass(frozen=True)
class _Facts:
    meetings: dict[int, Meeting]
    zones: dict[int, str]
    roles: dict[tuple[int, int], Role]
    answers: dict[tuple[int, int], RsvpAnswer]
    changed_agenda: set[int]
    pending_proposals: set[int]
    present: set[tuple[int, int]]  # (meeting, person) marked present or online
    voting: set[tuple[int, int]]  # (association, person) voting members
    questions: dict[int, int]  # meeting → questions with a draft decision
    ballots: dict[tuple[int, int], int]  # (meeting, person) → questions answered
    open_votes: set[int]  # agenda items whose open vote is running
    voted: set[tuple[int, int]]  # (agenda item, person)


def _still_wanted(row: outbox.Claimed, facts: _Facts) -> bool:
    meeting = facts.meetings.get(int(row.params["meeting_id"]))
    if meeting is None:
        return False
    person = row.person_id or 0
    role = facts.roles.get((meeting.association_id, person))
    if row.person_id is not None and role is None:
        return False  # no longer a member, or deleted their data
    revision = row.params.get("revision")
    current = revision is None or int(revision) == meeting.revision
    kind = row.kind
    if kind in _PUBLISHED_KINDS and (meeting.status is not MeetingStatus.PUBLISHED or not current):
        return False
    if kind == Kind.CANCELLED.value:
        return meeting.status is MeetingStatus.CANCELLED and current
    if kind == Kind.REMINDER.value:
        return facts.answers.get((meeting.id, person)) is not RsvpAnswer.NO
    if kind == Kind.NUDGE.value:
        return (meeting.id, person) not in facts.answers
    if kind == Kind.FINAL_AGENDA.value:
        return meeting.id in facts.changed_agenda
    if kind == Kind.DRAFT_DEADLINE.value:
        return (
            meeting.status is MeetingStatus.DRAFT
            and role in (Role.CHAIR, Role.DEPUTY, Role.SECRETARY)
            and _day_of(meeting, facts.zones[meeting.association_id]) == row.params.get("day")
        )
    if kind == Kind.CONFIRM.value:
        return meeting.status is MeetingStatus.AWAITING_CHAIR and role in (
            Role.CHAIR,
            Role.DEPUTY,
        )
    if kind == Kind.PROPOSAL.value:
        return int(row.params["proposal_id"]) in facts.pending_proposals
    if kind == attendance.CHECKIN:
        return (
            meeting.status is MeetingStatus.PUBLISHED
            and meeting.checkin_opened_at is not None
            and meeting.checkin_closed_at is None
            and (meeting.id, person) not in facts.present
        )
    if kind == attendance.VOTE:
        item = int(row.params["item_id"])
        return item in facts.open_votes and (item, person) not in facts.voted
    if kind == attendance.BALLOT_REMINDER:
        return (
            meeting.status is MeetingStatus.PUBLISHED
            and current
            and (meeting.association_id, person) in facts.voting
            and facts.ballots.get((meeting.id, person), 0) < facts.questions.get(meeting.id, 0)
        )
    return True


def _day_of(meeting: Meeting, timezone: str) -> str | None:
    moment = meeting.ballot_deadline if meeting.form is MeetingForm.ABSENTEE else meeting.starts_at
    return None if moment is None else deadlines.local_day(moment, timezone).isoformat()
